"""An erasure (删除个人信息) reaches every copy of the person the app made from a task that
served them: the task's 地点 and its report's 情况说明, the 补录 request for it, the messages
about it (消息, SMS, e-mail), the live 月报 and the signed one, and the calendar feed. The
signed 月报 keeps every figure as signed; only the person's name, address and phone are
taken out of its text, and its page says so. The Art. 45 export lists what the erasure
would reach.
"""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import timedelta

import docx
import openpyxl
import pytest
from sqlalchemy import select

from tests import factories as f
from tests.residents.support import name_served
from tests.residents.support import resident as make_resident
from tests.web.manage_support import backfill_form
from tracker.extensions import db
from tracker.models import (
    AuditEvent,
    BackfillRequest,
    Channel,
    Outbox,
    SummaryCopy,
    Task,
)
from tracker.services.notify import new_calendar_token
from tracker.timeutil import local_today

NAME, ADDRESS, PHONE = "赵奶奶", "解放路12号3单元201", "13912345678"
MARK = "（服务对象信息已删除）"


def _last_month_day():
    first = local_today().replace(day=1)
    return first - timedelta(days=20)


@pytest.fixture
def served(client, login, world):
    """赵奶奶, visited last month (a 补录 whose 地点 is her address and whose 情况说明 names
    her, with a 补录 request naming her) and to be visited again (a task naming her in
    its title, 服务对象 and 地点, with a message about it to 张三, who is on it); last
    month's 月报 signed by the admin."""
    person = make_resident(world.community, world.liaison, name=NAME, phone=PHONE)
    visits = f.item(world.unit, world.community, "elderly_visit")
    db.session.commit()
    day = _last_month_day()
    login(world.liaison)
    response = client.post("/manage/backfill", data=backfill_form(
        world, resource_item=visits.id, title="慰问空巢老人", place=ADDRESS,
        beneficiary="空巢老人", note=f"为{NAME}打扫卫生、理发，送米面油。", people_served="1",
        starts_at=f"{day.isoformat()}T09:00", ends_at=f"{day.isoformat()}T11:00"))
    assert response.status_code == 302, re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]+)',
                                                   response.get_data(as_text=True))
    past = db.session.scalar(select(Task).where(Task.title == "慰问空巢老人"))
    upcoming = f.task(visits, world.liaison, title=f"慰问{NAME}", starts_in=timedelta(days=3))
    upcoming.place, upcoming.beneficiary = f"解放路社区{ADDRESS}", NAME
    from tracker.models import Assignment, AssignmentStatus
    db.session.add(Assignment(task_id=upcoming.id, member_id=world.member.id,
                              status=AssignmentStatus.claimed))
    upcoming.taken = 1
    db.session.add(BackfillRequest(
        member_id=world.member.id, community_id=world.community.id, task_id=past.id,
        service_date=day, description=f"陪{NAME}聊天", minutes=60, note="忘记认领"))
    name_served(past, [person])
    name_served(upcoming, [person])
    body = f"您认领的任务时间和地点有变，现为：慰问{NAME}（解放路社区{ADDRESS}）。"
    for channel in (Channel.inapp, Channel.sms):
        db.session.add(Outbox(dedupe_key=f"test:changed:{channel.value}", kind="changed",
                              channel=channel, member_id=world.member.id, task_id=upcoming.id,
                              subject=f"任务时间地点有变：慰问{NAME}", body=body))
    db.session.commit()
    login(world.admin)
    query = f"unit={world.unit.id}&month={day.strftime('%Y-%m')}"
    assert client.post(f"/reports/finalize?{query}", data={"confirmed": "1"}).status_code == 302
    return person, past, upcoming, query


def _office_text(data: bytes) -> str:
    """An .xlsx's cells (openpyxl) or a .docx's paragraphs and table cells (python-docx):
    the text a reader sees, not the XML (openpyxl stores 赵 as ``&#36213;``)."""
    if "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist():
        book = openpyxl.load_workbook(io.BytesIO(data))
        return "\n".join(str(cell.value) for sheet in book for row in sheet.iter_rows()
                         for cell in row if cell.value is not None)
    document = docx.Document(io.BytesIO(data))
    return "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for r in t.rows for c in r.cells])


def _holds_her(text: str) -> bool:
    return any(value in text for value in (NAME, ADDRESS, PHONE))


def _numbers(data: bytes) -> list[list[str]]:
    """The signed .csv's figures: every cell that is a number, where it stands."""
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    return [[cell if re.fullmatch(r"[\d.]+", cell) else "" for cell in row] for row in rows]


def test_the_export_lists_what_an_erasure_would_reach(client, login, world, served):
    person, past, upcoming, _query = served
    held = json.loads(client.post(f"/residents/{person.id}/export").get_data(as_text=True))
    tasks = {t["title"]: t for t in held["served_by_tasks"]}
    assert tasks["慰问空巢老人"]["place"] == ADDRESS
    assert tasks["慰问空巢老人"]["report_note"] == f"为{NAME}打扫卫生、理发，送米面油。"
    assert tasks[f"慰问{NAME}"]["beneficiary"] == NAME
    assert [r["description"] for r in held["backfill_requests"]] == [f"陪{NAME}聊天"]
    assert len(held["messages_about_these_tasks"]) == 2
    assert [c["title"] for c in held["signed_reports_naming_them"]] == [
        f"{world.unit.name}{_last_month_day().year}年{_last_month_day().month}月社区共建工作情况"]


def test_nothing_the_app_shows_or_sends_names_her_after_the_erasure(client, login, world,
                                                                   served):
    person, past, upcoming, query = served
    signed = db.session.scalar(select(SummaryCopy))
    signed_csv, signed_at = signed.csv, signed.finalized_at
    assert _holds_her(signed.csv.decode("utf-8-sig"))  # it named her when signed
    assert client.post(f"/residents/{person.id}/erase", data={"confirm": "y"}).status_code == 302
    db.session.expire_all()

    # the tasks: 地点 at the community's level, the 情况说明 keeps its words without her
    past, upcoming = db.session.get(Task, past.id), db.session.get(Task, upcoming.id)
    assert past.place == upcoming.place == f"{world.community.name}{MARK}"
    assert past.report.note == f"为{MARK}打扫卫生、理发，送米面油。"
    request = db.session.scalar(select(BackfillRequest))
    assert request.description == f"陪{MARK}聊天"
    for task in (past, upcoming):
        assert not _holds_her(client.get(f"/tasks/{task.id}").get_data(as_text=True))
    # the messages, in-app and SMS alike
    for message in db.session.scalars(select(Outbox)):
        assert not _holds_her(message.subject + message.body), message.body
    # the live 月报 and the signed one, in every format; the signed figures as signed
    live = client.get(f"/reports/monthly.docx?{query}&current=1")
    assert live.status_code == 200 and not _holds_her(_office_text(live.data))
    for fmt in ("docx", "xlsx"):
        assert not _holds_her(_office_text(client.get(f"/reports/monthly.{fmt}?{query}").data))
    kept = client.get(f"/reports/monthly.csv?{query}").data
    assert not _holds_her(kept.decode("utf-8-sig")) and MARK in kept.decode("utf-8-sig")
    assert _numbers(kept) == _numbers(signed_csv)
    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert not _holds_her(page)
    assert "已按删除个人信息的要求脱敏" in page
    assert "定稿后数据有变化" not in page  # the live text reads as the redacted copy
    copy = db.session.scalar(select(SummaryCopy))
    assert copy.redacted_at is not None and copy.finalized_at == signed_at
    redacted = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "redact_copy"))
    assert redacted.entity_id == copy.id and redacted.detail["resident_id"] == person.id
    assert not _holds_her(json.dumps(redacted.detail, ensure_ascii=False))
    # what 张三 sees: his 消息 and his calendar
    login(world.member)
    assert not _holds_her(client.get("/me/messages").get_data(as_text=True))
    token = new_calendar_token(world.member)
    db.session.commit()
    feed = client.get(f"/me/feed/{token}.ics")
    assert feed.status_code == 200 and not _holds_her(feed.get_data(as_text=True))


def test_only_what_names_the_person_is_looked_for():
    """The name, the address (with and without its community in front) and the phone; an
    address that is only the community, or a piece of one, would take other people's
    text with it."""
    from tracker.services.erasure import terms_of

    assert terms_of(NAME, f"解放路社区{ADDRESS}", PHONE, "解放路社区") == [
        f"解放路社区{ADDRESS}", ADDRESS, PHONE, NAME]
    assert terms_of(NAME, "解放路社区", None, "解放路社区") == [NAME]
    assert terms_of(NAME, "12号", None, "解放路社区") == [NAME]
    assert terms_of("李", "", None, "解放路社区") == []


def test_the_signed_xlsx_loses_her_as_its_reader_sees_it(client, login, world, served):
    """openpyxl stores every Chinese character of a worksheet as a reference (赵 as
    ``&#36213;``): the erasure finds her there too, and the cells read without her."""
    person, _past, _upcoming, query = served
    signed = db.session.scalar(select(SummaryCopy))
    assert _holds_her(_office_text(signed.xlsx))  # the cells named her when signed
    assert client.post(f"/residents/{person.id}/erase", data={"confirm": "y"}).status_code == 302
    db.session.expire_all()
    copy = db.session.scalar(select(SummaryCopy))
    for data in (copy.xlsx, copy.docx, client.get(f"/reports/monthly.xlsx?{query}").data):
        shown = _office_text(data)
        assert not _holds_her(shown) and MARK in shown
    assert copy.redacted_at is not None


def test_a_copy_still_naming_her_is_not_claimed_redacted(client, login, world, served,
                                                          monkeypatch):
    """If one format of a signed copy would still name her after the redaction, the
    erasure stops with a message and nothing is written: no copy says 「已脱敏」 while
    its .xlsx keeps her name."""
    from tracker.services import erasure

    person, _past, _upcoming, _query = served
    monkeypatch.setattr(erasure, "_unref", lambda text: text)  # the .xlsx's text unseen
    response = client.post(f"/residents/{person.id}/erase", data={"confirm": "y"},
                           follow_redirects=True)
    assert "未能脱敏" in response.get_data(as_text=True)
    db.session.expire_all()
    copy = db.session.scalar(select(SummaryCopy))
    assert copy.redacted_at is None and _holds_her(copy.csv.decode("utf-8-sig"))
    assert db.session.get(type(person), person.id).name == NAME
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action.in_(
        ("redact_copy", "erase")))) is None


def test_erasing_li_ming_leaves_li_minghua_whole(client, login, world):
    """Erasing the resident 李明 takes 李明 out, and only him: the member 李明华 who served
    him, and a resident 李明华, keep their whole names in the signed copy's every
    format and in the messages; a message about another task is not rewritten."""
    world.member.name = "李明华"
    db.session.commit()
    person = make_resident(world.community, world.liaison, name="李明", phone=PHONE)
    make_resident(world.community, world.liaison, name="李明华", phone="13912345670")
    visits = f.item(world.unit, world.community, "elderly_visit")
    db.session.commit()
    day = _last_month_day()
    login(world.liaison)
    assert client.post("/manage/backfill", data=backfill_form(
        world, resource_item=visits.id, title="慰问空巢老人", place=ADDRESS,
        beneficiary="空巢老人", note="李明华为李明打扫卫生。", people_served="1",
        starts_at=f"{day.isoformat()}T09:00", ends_at=f"{day.isoformat()}T11:00"),
    ).status_code == 302
    past = db.session.scalar(select(Task).where(Task.title == "慰问空巢老人"))
    other = f.task(visits, world.liaison, title="慰问李明华", starts_in=timedelta(days=3))
    name_served(past, [person])
    about = {"ours": (past.id, "李明华：今天为李明打扫卫生。"),
             "other": (other.id, "李明华：明天去看李明。"),
             "digest": (None, "待审核：慰问李明华（李明提交）")}
    for key, (task_id, body) in about.items():
        db.session.add(Outbox(dedupe_key=f"test:{key}", kind="changed", channel=Channel.inapp,
                              member_id=None if task_id is None else world.member.id,
                              community_id=world.community.id, task_id=task_id,
                              subject="通知", body=body))
    db.session.commit()
    login(world.admin)
    query = f"unit={world.unit.id}&month={day.strftime('%Y-%m')}"
    assert client.post(f"/reports/finalize?{query}", data={"confirmed": "1"}).status_code == 302
    assert client.post(f"/residents/{person.id}/erase", data={"confirm": "y"}).status_code == 302
    db.session.expire_all()

    copy = db.session.scalar(select(SummaryCopy))
    assert copy.redacted_at is not None
    for shown in (copy.csv.decode("utf-8-sig"), _office_text(copy.docx),
                  _office_text(copy.xlsx)):
        assert f"李明华为{MARK}打扫卫生。" in shown  # his own text without him
        assert "李明华、" in shown or "、李明华" in shown  # the member as signed
        assert f"{MARK}华" not in shown
    bodies = {m.dedupe_key: m.body for m in db.session.scalars(select(Outbox))}
    assert bodies["test:ours"] == f"李明华：今天为{MARK}打扫卫生。"
    assert bodies["test:other"] == "李明华：明天去看李明。"  # not a message about his task
    assert bodies["test:digest"] == "待审核：慰问李明华（李明提交）"  # names none of them
    assert db.session.get(Task, past.id).report.note == f"李明华为{MARK}打扫卫生。"
