"""An erasure (删除个人信息) also reaches the words people typed about the person outside the
tasks' own fields (small2 B): a month's and a year's 存在问题 / 下步打算, another
resident's 备注, the 退回 reason of a report on a visit to her, the 拒绝 reason of a 补录
request for it. The name (address, phone) goes, in each as in a signed 月报's text
(「（服务对象信息已删除）」); every other word stays. A 已定稿 month whose words named her —
one with a visit to her, and one without — still reads as its signed copy (both lost
her alike): not 「定稿后数据有变化」.
"""
from __future__ import annotations

import json
from datetime import timedelta

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
    ReportStatus,
    Resident,
    SummaryCopy,
    SummaryNote,
    SummaryScope,
    Task,
    TaskReport,
    YearNote,
)
from tracker.services import unit_of_work
from tracker.services.summary_notes import save_notes
from tracker.services.year_notes import save_year_notes
from tracker.timeutil import local_today

NAME, PHONE = "赵奶奶", "13912345678"
MARK = "（服务对象信息已删除）"
# what the liaison wrote, and what each reads as once 赵奶奶 is erased (the rule: the
# name becomes the marker, nothing else changes)
WORDS = {
    "visit_problems": (f"{NAME}独居，走访须两人同行。", f"{MARK}独居，走访须两人同行。"),
    "visit_plans": (f"下月继续为{NAME}理发。", f"下月继续为{MARK}理发。"),
    "quiet_problems": (f"{NAME}家楼道灯坏了，已报社区。", f"{MARK}家楼道灯坏了，已报社区。"),
    "year_problems": (f"空巢老人{NAME}等需长期结对。", f"空巢老人{MARK}等需长期结对。"),
    "year_plans": (f"为{NAME}联系家庭医生（电话{PHONE}）。", f"为{MARK}联系家庭医生（电话{MARK}）。"),
    "neighbour": (f"与{NAME}是邻居，常帮她买菜。", f"与{MARK}是邻居，常帮她买菜。"),
    "returned": (f"请写明为{NAME}做了哪些事。", f"请写明为{MARK}做了哪些事。"),
    "declined": (f"{NAME}本人说那天不在家。", f"{MARK}本人说那天不在家。"),
}
UNTOUCHED = "楼道堆物较多，需继续清理。"  # the plans of the month without her visit


def _month(days_back: int) -> tuple[int, int]:
    day = local_today().replace(day=1) - timedelta(days=days_back)
    return day.year, day.month


@pytest.fixture
def written(client, login, world):
    """赵奶奶, visited last month (a 补录); the unit's words of last month and of the
    month before (no visit to her then) name her, and so do the year's; both months
    signed by the admin. Her neighbour's 备注, the 退回 reason of another visit's
    report and the 拒绝 reason of a 补录 request for last month's visit name her too."""
    person = make_resident(world.community, world.liaison, name=NAME, phone=PHONE)
    neighbour = make_resident(world.community, world.liaison, name="钱大爷",
                              phone="13912345671")
    neighbour.notes = WORDS["neighbour"][0]
    visits = f.item(world.unit, world.community, "elderly_visit")
    db.session.commit()
    year, month = _month(20)
    day = local_today().replace(day=1) - timedelta(days=20)
    login(world.liaison)
    assert client.post("/manage/backfill", data=backfill_form(
        world, resource_item=visits.id, title="慰问空巢老人", place="解放路社区",
        beneficiary="空巢老人", note="打扫卫生、理发。", people_served="1",
        starts_at=f"{day.isoformat()}T09:00", ends_at=f"{day.isoformat()}T11:00"),
    ).status_code == 302
    past = db.session.scalar(select(Task).where(Task.title == "慰问空巢老人"))
    again = f.task(visits, world.liaison, title="走访", starts_in=-timedelta(hours=5))
    db.session.add(TaskReport(task_id=again.id, quantity=1, people_served=1, note="已走访。",
                              status=ReportStatus.returned, submitted_by_id=world.leader.id,
                              return_reason=WORDS["returned"][0]))
    db.session.add(BackfillRequest(
        member_id=world.member.id, community_id=world.community.id, task_id=past.id,
        service_date=day, description="陪老人聊天", minutes=60, status="declined",
        decline_reason=WORDS["declined"][0]))
    name_served(past, [person])
    name_served(again, [person])
    db.session.commit()
    unit = SummaryScope(unit_id=world.unit.id)
    quiet = _month(50)
    with unit_of_work():
        save_notes(world.admin, unit, year, month, WORDS["visit_problems"][0],
                   WORDS["visit_plans"][0])
        save_notes(world.admin, unit, *quiet, WORDS["quiet_problems"][0], UNTOUCHED)
        save_year_notes(world.admin, unit, local_today().year, WORDS["year_problems"][0],
                        WORDS["year_plans"][0])
    login(world.admin)
    queries = [f"unit={world.unit.id}&month={y}-{m:02d}" for y, m in ((year, month), quiet)]
    for query in queries:
        assert client.post(f"/reports/finalize?{query}", data={"confirmed": "1"}).status_code == 302
    return person, neighbour, again, queries


def _shown(client, query: str) -> str:
    page = client.get(f"/reports/?{query}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_the_words_people_typed_lose_her_and_keep_the_rest(client, login, world, written):
    person, neighbour, again, queries = written
    for query in queries:
        assert NAME in client.get(f"/reports/monthly.csv?{query}").data.decode("utf-8-sig")
    held = json.loads(client.post(f"/residents/{person.id}/export").get_data(as_text=True))
    assert {(n["year"], n["month"]) for n in held["summary_notes_naming_them"]} == {
        (local_today().year, None), _month(20), _month(50)}
    assert len(held["signed_reports_naming_them"]) == 2

    assert client.post(f"/residents/{person.id}/erase", data={"confirm": "y"}).status_code == 302
    db.session.expire_all()

    visit = db.session.scalar(select(SummaryNote).where(
        SummaryNote.year == _month(20)[0], SummaryNote.month == _month(20)[1]))
    quiet = db.session.scalar(select(SummaryNote).where(
        SummaryNote.year == _month(50)[0], SummaryNote.month == _month(50)[1]))
    year = db.session.scalar(select(YearNote))
    assert (visit.problems, visit.plans) == (WORDS["visit_problems"][1], WORDS["visit_plans"][1])
    assert (quiet.problems, quiet.plans) == (WORDS["quiet_problems"][1], UNTOUCHED)
    assert (year.problems, year.plans) == (WORDS["year_problems"][1], WORDS["year_plans"][1])
    assert db.session.get(Resident, neighbour.id).notes == WORDS["neighbour"][1]
    assert db.session.get(Task, again.id).report.return_reason == WORDS["returned"][1]
    assert db.session.scalar(select(BackfillRequest)).decline_reason == WORDS["declined"][1]
    # who changed the words is on the trail, by field; not the words, nor her name
    trail = list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "redact_notes").order_by(AuditEvent.id)))
    assert [(e.entity_type, e.detail["fields"]) for e in trail] == [
        ("summary_note", ["problems", "plans"]), ("summary_note", ["problems"]),
        ("year_note", ["problems", "plans"])]
    assert all(e.detail["resident_id"] == person.id for e in trail)
    assert NAME not in json.dumps([e.detail for e in trail], ensure_ascii=False)


def test_a_signed_month_still_reads_as_its_copy_after_the_erasure(client, login, world,
                                                                 written):
    """Both signed months — the one with her visit, the one whose words alone named her —
    serve a copy without her, holding the month's words as they now read, and the live
    month agrees with it: no 「定稿后数据有变化」. The year's document has her out too."""
    person, _neighbour, _again, queries = written
    for query in queries:
        assert "定稿后数据有变化" not in _shown(client, query)
    assert client.post(f"/residents/{person.id}/erase", data={"confirm": "y"}).status_code == 302
    db.session.expire_all()

    assert all(copy.redacted_at is not None for copy in db.session.scalars(select(SummaryCopy)))
    expected = {queries[0]: [WORDS["visit_problems"][1], WORDS["visit_plans"][1]],
                queries[1]: [WORDS["quiet_problems"][1], UNTOUCHED]}
    for query, words in expected.items():
        page = _shown(client, query)
        assert "定稿后数据有变化" not in page and "已按删除个人信息的要求脱敏" in page
        signed = client.get(f"/reports/monthly.csv?{query}").data.decode("utf-8-sig")
        live = client.get(f"/reports/monthly.csv?{query}&current=1").data.decode("utf-8-sig")
        for text in (page, signed, live):
            assert NAME not in text and all(w in text for w in words)
    year = client.get(f"/reports/annual.csv?unit={world.unit.id}&year={local_today().year}")
    text = year.data.decode("utf-8-sig")
    assert NAME not in text and PHONE not in text
    assert WORDS["year_problems"][1] in text and WORDS["year_plans"][1] in text
