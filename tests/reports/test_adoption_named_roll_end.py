"""naming50's Open: the 补录申请 queue asks the unit on the roll of the month's end too.
A unit's 参与情况 (its 参与 count and 未参与名单) counts its roll of the month's last day
(``rollups.coverage``), so a 补录 of the work of a member who moved units within the
month changes the signed 月报 of the unit she moved to, and 保存 refuses a liaison for
it (naming50). docs/design.md: a signed month's figures are changed by an admin only —
so the queue does not offer 采纳 of such a request to a liaison (it says the request is
an admin's, as it does for her unit of the day), and the 待单位管理员处理 digest tells
the admins of the unit whose signed month it would change.

The data shape of ``test_approval_named_roll_end``: 调动党员 of 县财政局 moves to 县教育局
on 31 October 2022, whose October is signed; her request is of work on 30 October in
解放路社区 (through the 补录 form), or of 县财政局's approved 「财政局宣讲」 (10 Oct)."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import select

from tests import factories as f
from tests.reports.test_approval_named_roll_end import MOVER, _mover
from tests.web.manage_support import text
from tracker.extensions import db
from tracker.models import BackfillRequest, Member, RollPeriod, SummaryScope
from tracker.reports import annual_final, final
from tracker.services.backfill import BackfillData, Participant, backfill_problems
from tracker.services.backfill_requests import (
    admin_only_adoptions,
    adopt_notices,
    adoption_refusals,
    adoption_signed,
)
from tracker.services.summary_notes import FinalMonth, FinalYear

HERS = f"{MOVER}所在单位（县教育局）2022年10月的月报已定稿，补录该活动须由单位管理员操作"
ADMINS = "2022年10月的月报已定稿，该申请须由单位管理员采纳"


def _request(o, day: date, task=None) -> BackfillRequest:
    mover = db.session.scalar(select(Member).where(Member.name == MOVER))
    request = BackfillRequest(member_id=mover.id, community_id=o.jiefang.id,
                              service_date=day, minutes=120, description="帮助清理楼道杂物",
                              task_id=task.id if task is not None else None)
    db.session.add(request)
    db.session.commit()
    return request


def _signed_move(o):
    education, _task = _mover(o, date(2022, 10, 31))
    final.finalize(o.admin, SummaryScope(unit_id=education.id), 2022, 10)
    db.session.commit()
    return education


def test_a_request_through_the_form_is_the_admins_of_her_unit_on_the_months_roll(
        client, login, october):
    o = october
    education = _signed_move(o)
    request = _request(o, date(2022, 10, 30))

    notice = adopt_notices([request], o.liaison)[request.id]
    assert notice.refused
    assert HERS in str(notice.words)
    # the digest tells 县教育局's admins: its October is the signed one
    assert admin_only_adoptions([request])[request.id].unit_ids == {education.id}

    login(o.liaison)
    queue = text(client.get("/backfill-requests/"))
    assert HERS in queue
    assert f"/manage/backfill?request={request.id}" not in queue


def test_a_request_of_an_approved_activity_is_the_admins_of_her_unit_on_the_months_roll(
        client, login, october):
    o = october
    education = _signed_move(o)
    task = o.tasks["财政局宣讲"]
    assert task.report_approved
    request = _request(o, task.service_date, task)

    notice = adopt_notices([request], o.liaison)[request.id]
    assert notice.refused
    assert ADMINS in str(notice.words)
    assert admin_only_adoptions([request])[request.id].unit_ids == {education.id}


# naming51: her roll unit of the month's end and of the year's end one unit, its October
# and its year both signed — one sentence names both, as 保存 says it
BOTH = "（或由单位管理员先重新打开该月的月报和2022年度总结）。"


def _saved_refusal(o, day: date) -> str:
    """What 保存 of the form request's 补录 (her, two hours on ``day``) on 县商务局's
    item in 解放路社区 — open — is refused with for her units (read only)."""
    mover = db.session.scalar(select(Member).where(Member.name == MOVER))
    item = o.tasks["待审核整治"].resource_item
    payload = BackfillData(title="楼道清理", place="解放路12号",
                           starts_local=datetime.combine(day, time(9)),
                           ends_local=datetime.combine(day, time(11)),
                           participants=[Participant(mover)], leader=mover, note="楼道清理")
    found = dict(backfill_problems(o.liaison, item, payload, hold=False, lock=False))
    assert "starts_at" not in found  # the item's own unit is open
    return str(found["participants"])


def _sign(o, *units, month=True, year=True) -> None:
    for unit in units:
        whole = SummaryScope(unit_id=unit.id)
        if month:
            final.finalize(o.admin, whole, 2022, 10)
        if year:
            annual_final.finalize_year(o.admin, whole, 2022)
    db.session.commit()


def _moved_again(o, education, on: date):
    """调动党员 moves on from 县教育局 to 县卫健局 on ``on``: the year's roll unit."""
    health = f.unit("县卫健局")
    mover = db.session.scalar(select(Member).where(Member.name == MOVER))
    stay = db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == mover.id,
                                                      RollPeriod.unit_id == education.id))
    stay.until = on
    db.session.add(RollPeriod(member_id=mover.id, unit_id=health.id, since=on))
    mover.unit_id = health.id
    db.session.commit()
    return health


def test_one_unit_on_both_rolls_is_named_once_for_its_month_and_its_year(
        client, login, october):
    """She moves to 县教育局 on 31 October and stays: it holds her on the roll of
    October's end and of the year's. Its October and its 2022 both signed: the card
    names it once, its month with its year to re-open — the words 保存 refuses in —,
    and 采纳 into the approved activity says both, names both to an admin."""
    o = october
    education, _task = _mover(o, date(2022, 10, 31))
    _sign(o, education)
    form_request = _request(o, date(2022, 10, 30))
    saved = _saved_refusal(o, date(2022, 10, 30))
    assert saved == f"{MOVER}所在单位（县教育局）2022年10月的月报已定稿，补录该活动须由单位管理员操作" + BOTH

    notice = adopt_notices([form_request], o.liaison)[form_request.id]
    assert notice.refused and str(notice.words) == saved
    login(o.liaison)
    assert text(client.get("/backfill-requests/")).count(saved) == 1

    task = o.tasks["财政局宣讲"]
    named = _request(o, task.service_date, task)
    notice = adopt_notices([named], o.liaison)[named.id]
    assert notice.refused and str(notice.words) == ADMINS + BOTH
    # the liaison's 采纳 itself (添加遗漏的参加人员) refuses in the same one sentence
    assert [str(words) for _field, words in adoption_refusals(named, o.liaison)] == [
        f"{MOVER}所在单位（县教育局）2022年10月的月报已定稿，向该活动添加参加人员须由单位管理员操作"
        + BOTH]
    naming = adoption_signed(named, o.admin)
    assert naming.months == [FinalMonth(education.id, "县教育局", 2022, 10)]
    assert naming.years == [FinalYear(education.id, None, "县教育局", None, 2022)]
    assert {request_id: waiting.unit_ids for request_id, waiting in
            admin_only_adoptions([form_request, named]).items()} == {
        form_request.id: {education.id}, named.id: {education.id}}


def test_only_the_years_roll_unit_differs_each_is_named_for_its_own_period(
        client, login, october):
    """She moves to 县教育局 on 31 October and on to 县卫健局 on 1 December: 县教育局
    holds her on October's roll, 县卫健局 on the year's. Both signed, month and year:
    县教育局 is named for its October alone (its year does not count her), 县卫健局 for
    its year alone — never merged into one unit's month and year."""
    o = october
    education, _task = _mover(o, date(2022, 10, 31))
    health = _moved_again(o, education, date(2022, 12, 1))
    _sign(o, education, health)
    form_request = _request(o, date(2022, 10, 30))
    saved = _saved_refusal(o, date(2022, 10, 30))
    # 保存's order (``closed_member_units``: ``Unit.sort_key``)
    assert saved == (
        f"{MOVER}所在单位（县卫健局）2022年度总结已定稿，补录该活动须由单位管理员操作"
        "（或由单位管理员先重新打开该年度总结）。"
        f"{MOVER}所在单位（县教育局）2022年10月的月报已定稿，补录该活动须由单位管理员操作"
        "（或由单位管理员先重新打开该月的月报）。")
    notice = adopt_notices([form_request], o.liaison)[form_request.id]
    assert notice.refused and str(notice.words) == saved

    task = o.tasks["财政局宣讲"]
    named = _request(o, task.service_date, task)
    naming = adoption_signed(named, o.admin)
    assert naming.months == [FinalMonth(education.id, "县教育局", 2022, 10)]
    assert naming.years == [FinalYear(health.id, None, "县卫健局", None, 2022)]
    assert admin_only_adoptions([named])[named.id].unit_ids == {education.id, health.id}


def test_only_the_years_roll_unit_differs_from_her_unit_of_the_day(client, login, october):
    """She moves to 县教育局 on 15 December: October's roll is her unit of the day's
    (县财政局, open), the year's is 县教育局's. Its October and year signed: the year
    alone is named — its October does not count her."""
    o = october
    education, _task = _mover(o, date(2022, 12, 15))
    _sign(o, education)
    form_request = _request(o, date(2022, 10, 30))
    saved = _saved_refusal(o, date(2022, 10, 30))
    assert saved == (f"{MOVER}所在单位（县教育局）2022年度总结已定稿，补录该活动须由单位管理员操作"
                     "（或由单位管理员先重新打开该年度总结）。")
    notice = adopt_notices([form_request], o.liaison)[form_request.id]
    assert notice.refused and str(notice.words) == saved

    task = o.tasks["财政局宣讲"]
    named = _request(o, task.service_date, task)
    assert str(adopt_notices([named], o.liaison)[named.id].words) == (
        "2022年度总结已定稿，该申请须由单位管理员采纳（或由单位管理员先重新打开该年度总结）。")
    naming = adoption_signed(named, o.admin)
    assert naming.months == []
    assert naming.years == [FinalYear(education.id, None, "县教育局", None, 2022)]
