"""An erasure (删除个人信息) reaches every signed copy that names the person, not only the
copies of the months and years her activities and words fall in *now* (copysearch). A
copy keeps what was signed: words rewritten after a 重新打开, or an activity whose date
was corrected into another month after the 定稿, take her out of the live month or year
but not out of the copy signed before. The rule: after the erasure no kept copy — month
or year, in force or re-opened — names her in its page, .csv, .docx or .xlsx, as a
reader reads them; a copy that never named her stays byte for byte.
"""
from __future__ import annotations

import html
import io
import json
import re
from datetime import datetime, time, timedelta

import docx
import openpyxl
import pytest
from sqlalchemy import select

from tests.residents.support import name_served
from tests.residents.support import resident as make_resident
from tests.web.manage_support import backfill_form
from tracker.extensions import db
from tracker.models import (
    AuditEvent,
    Resident,
    SummaryCopy,
    SummaryScope,
    Task,
    YearCopy,
)
from tracker.services import unit_of_work
from tracker.services.reviews import ReportData, approve_report, submit_report
from tracker.services.summary_notes import save_notes
from tracker.services.tasks import TaskDetails, update_task
from tracker.services.year_notes import save_year_notes
from tracker.timeutil import local_today, to_local

NAME, ADDRESS, PHONE = "赵奶奶", "解放路12号3单元201", "13912345678"
MARK = "（服务对象信息已删除）"
# the words as first signed, and as they read once she is erased (the rule: each of her
# name, address and phone becomes the marker, nothing else changes)
PROBLEMS = (f"空巢老人{NAME}（{ADDRESS}）独居，走访须两人同行。",
            f"空巢老人{MARK}（{MARK}）独居，走访须两人同行。")
PLANS = (f"为{NAME}联系家庭医生（电话{PHONE}）。", f"为{MARK}联系家庭医生（电话{MARK}）。")
# the words as rewritten after the 重新打开: they name nobody
REWRITTEN = ("部分空巢老人独居，走访须两人同行。", "为独居老人联系家庭医生。")
YEAR = 2022  # the October 2022 dataset's year: over, so it may be signed


def _as_read(copy) -> dict[str, str]:
    """The copy's four formats as a reader reads them: the page's text, the .csv, the
    .docx's paragraphs and table cells (python-docx), the .xlsx's cells (openpyxl; the
    summary sheet breaks a paragraph over lines in a cell: read as one text)."""
    document = docx.Document(io.BytesIO(copy.docx))
    book = openpyxl.load_workbook(io.BytesIO(copy.xlsx))
    return {
        "page": html.unescape(re.sub(r"<[^>]*>", "", copy.page)),
        "csv": copy.csv.decode("utf-8-sig"),
        "docx": "\n".join([p.text for p in document.paragraphs]
                          + [c.text for t in document.tables for r in t.rows for c in r.cells]),
        "xlsx": "\n".join(str(cell.value).replace("\n", "") for sheet in book
                          for row in sheet.iter_rows() for cell in row
                          if cell.value is not None),
    }


def _naming_her(copy) -> list[str]:
    """The formats of ``copy`` that hold her name, address or phone."""
    return [fmt for fmt, text in _as_read(copy).items()
            if any(value in text for value in (NAME, ADDRESS, PHONE))]


def _every_copy() -> list:
    return [*db.session.scalars(select(SummaryCopy).order_by(SummaryCopy.id)),
            *db.session.scalars(select(YearCopy).order_by(YearCopy.id))]


def _as_signed(copies) -> dict:
    return {(type(c), c.id): (c.page, c.csv, c.docx, c.xlsx) for c in copies}


def _erase(client, person: Resident) -> None:
    assert client.post(f"/residents/{person.id}/erase",
                       data={"confirm": "y"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Resident, person.id).erased_at is not None


def _redacted_copies(person: Resident) -> list[tuple[str, int]]:
    return [(e.entity_type, e.entity_id) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "redact_copy").order_by(AuditEvent.id))
        if e.detail["resident_id"] == person.id]


def _sign_rewrite_sign(client, login, admin, query: str, save, kind: str):
    """The admin signs the words naming her (``save`` wrote them), re-opens, rewrites
    them without her (``save(*REWRITTEN)``) and signs again."""
    login(admin)
    prefix = "/reports/annual" if kind == "year" else "/reports"
    assert client.post(f"{prefix}/finalize?{query}", data={"confirmed": "1"}).status_code == 302
    assert client.post(f"{prefix}/reopen?{query}").status_code == 302
    with unit_of_work():
        save(*REWRITTEN)
    assert client.post(f"{prefix}/finalize?{query}", data={"confirmed": "1"}).status_code == 302


def _month_signed_naming_her_then_rewritten(client, login, october) -> Resident:
    """She is a resident served by nothing; the unit's October words name her, and the
    admin signs them, re-opens and signs the words rewritten without her."""
    person = make_resident(october.jiefang, october.liaison, name=NAME, phone=PHONE)
    unit = SummaryScope(unit_id=october.unit.id)

    def save(problems, plans):
        save_notes(october.admin, unit, YEAR, 10, problems, plans)

    with unit_of_work():
        save(PROBLEMS[0], PLANS[0])
    _sign_rewrite_sign(client, login, october.admin,
                       f"unit={october.unit.id}&month={YEAR}-10", save, "month")
    return person


def _check_only_the_first_copy_lost_her(client, person, model, first_title: str):
    """Before and after her erasure: the copy signed first named her and loses her; the
    copy signed after the rewrite, and every other kept copy, never named her and stay
    as signed."""
    old, current = db.session.scalars(select(model).where(model.title == first_title)
                                      .order_by(model.id))
    assert old.reopened_at is not None and current.reopened_at is None
    assert _naming_her(old) == ["page", "csv", "docx", "xlsx"]  # signed naming her
    others = [c for c in _every_copy() if (type(c), c.id) != (model, old.id)]
    assert all(_naming_her(c) == [] for c in others)
    untouched = _as_signed(others)
    held = json.loads(client.post(f"/residents/{person.id}/export").get_data(as_text=True))
    assert [c["title"] for c in held["signed_reports_naming_them"]] == [first_title]

    _erase(client, person)

    assert [(type(c).__name__, c.id) for c in _every_copy() if _naming_her(c)] == []
    old = db.session.get(model, old.id)
    assert old.redacted_at is not None
    for fmt, text in _as_read(old).items():
        assert PROBLEMS[1] in text and PLANS[1] in text, fmt  # the rest of the words kept
    assert _redacted_copies(person) == [(model.__tablename__, old.id)]
    others = [c for c in _every_copy() if (type(c), c.id) != (model, old.id)]
    assert _as_signed(others) == untouched
    assert all(c.redacted_at is None for c in others)


def test_a_year_signed_naming_her_then_rewritten_without_her_loses_her(client, login,
                                                                       october):
    """The unit's 2022 words named her; the admin signed the year, re-opened it and
    signed it again with words naming nobody. She was served by nothing that year: the
    year's live words do not name her, the first copy still does."""
    person = make_resident(october.jiefang, october.liaison, name=NAME, phone=PHONE)
    unit = SummaryScope(unit_id=october.unit.id)

    def save(problems, plans):
        save_year_notes(october.admin, unit, YEAR, problems, plans)

    with unit_of_work():
        save(PROBLEMS[0], PLANS[0])
    _sign_rewrite_sign(client, login, october.admin, f"unit={october.unit.id}&year={YEAR}",
                       save, "year")
    _check_only_the_first_copy_lost_her(client, person, YearCopy,
                                        f"县商务局{YEAR}年社区共建工作总结")


def test_a_month_signed_naming_her_then_rewritten_without_her_loses_her(client, login,
                                                                        october):
    """The unit's October 2022 words named her; the admin signed the month, re-opened it
    and signed it again with words naming nobody; she was served by nothing then."""
    person = _month_signed_naming_her_then_rewritten(client, login, october)
    (title,) = {c.title for c in db.session.scalars(select(SummaryCopy))}
    _check_only_the_first_copy_lost_her(client, person, SummaryCopy, title)


@pytest.fixture
def moved_visit(client, login, world):
    """赵奶奶, visited last month (a 补录 whose 情况说明 names her); the admin signed last
    month, then corrected the visit's date into the month before (撤销审核, the new
    date, the report again, 通过) — that month not signed."""
    person = make_resident(world.community, world.liaison, name=NAME, phone=PHONE)
    from tests import factories as f

    visits = f.item(world.unit, world.community, "elderly_visit")
    db.session.commit()
    day = local_today().replace(day=1) - timedelta(days=20)
    note = f"为{NAME}打扫卫生、理发（{ADDRESS}）。"
    login(world.liaison)
    assert client.post("/manage/backfill", data=backfill_form(
        world, resource_item=visits.id, title="慰问空巢老人", place="解放路社区",
        beneficiary="空巢老人", note=note, people_served="1",
        starts_at=f"{day.isoformat()}T09:00", ends_at=f"{day.isoformat()}T11:00"),
    ).status_code == 302
    task = db.session.scalar(select(Task).where(Task.title == "慰问空巢老人"))
    name_served(task, [person])
    db.session.commit()
    signed = f"unit={world.unit.id}&month={day.year}-{day.month:02d}"
    login(world.admin)
    assert client.post(f"/reports/finalize?{signed}", data={"confirmed": "1"}).status_code == 302
    assert client.post(f"/manage/tasks/{task.id}/reopen",
                       data={"reopen-reason": "日期填错", "confirmed": "1"}).status_code == 302
    db.session.expire_all()
    task = db.session.get(Task, task.id)
    earlier = day - timedelta(days=31)
    assert earlier.month != day.month
    start = to_local(task.starts_at).replace(tzinfo=None)
    with unit_of_work():
        update_task(task, world.admin, TaskDetails(
            title=task.title, place=task.place, slots=task.slots,
            beneficiary=task.beneficiary, description=task.description,
            starts_local=datetime.combine(earlier, start.time()),
            ends_local=datetime.combine(earlier, time(11, 0))))
        report = submit_report(task, world.liaison, ReportData(
            quantity=task.report.quantity, people_served=1, note=note))
        approve_report(report, world.admin)
    db.session.expire_all()
    assert db.session.get(Task, task.id).service_date == earlier
    return person, task.id, signed


def test_a_month_she_left_by_a_date_correction_after_its_signing_loses_her(
        client, world, moved_visit):
    person, task_id, signed = moved_visit
    (copy,) = db.session.scalars(select(SummaryCopy))
    assert _naming_her(copy) == ["page", "csv", "docx", "xlsx"]
    assert NAME not in client.get(f"/reports/monthly.csv?{signed}&current=1").data.decode(
        "utf-8-sig")  # the live month no longer holds the visit
    held = json.loads(client.post(f"/residents/{person.id}/export").get_data(as_text=True))
    assert [c["title"] for c in held["signed_reports_naming_them"]] == [copy.title]

    _erase(client, person)

    assert [(type(c).__name__, c.id) for c in _every_copy() if _naming_her(c)] == []
    copy = db.session.get(SummaryCopy, copy.id)
    assert copy.redacted_at is not None
    # the visit's words as the task now holds them, in every format of the copy
    report_note = db.session.get(Task, task_id).report.note
    assert report_note == f"为{MARK}打扫卫生、理发（{MARK}）。"
    for fmt, text in _as_read(copy).items():
        assert report_note in text, fmt
    assert _redacted_copies(person) == [("summary_copy", copy.id)]


def test_a_copy_found_by_its_text_still_naming_her_is_not_claimed_redacted(
        client, login, october, monkeypatch):
    """The re-opened month's copy is found by its text alone; if a format of it would
    still name her after the redaction, the erasure stops, says which 月报, and writes
    nothing."""
    from tracker.services import erasure

    person = _month_signed_naming_her_then_rewritten(client, login, october)
    as_signed = _as_signed(_every_copy())
    old = db.session.scalar(select(SummaryCopy).where(SummaryCopy.reopened_at.is_not(None)))

    monkeypatch.setattr(erasure, "_unref", lambda text: text)  # the .xlsx's text unseen
    response = client.post(f"/residents/{person.id}/erase", data={"confirm": "y"},
                           follow_redirects=True)
    assert f"已签发的月报「{old.title}」中仍有该服务对象的信息，未能脱敏" in response.get_data(
        as_text=True)
    db.session.expire_all()
    assert _as_signed(_every_copy()) == as_signed
    assert all(c.redacted_at is None for c in _every_copy())
    assert db.session.get(Resident, person.id).name == NAME
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action.in_(
        ("redact_copy", "erase")))) is None
