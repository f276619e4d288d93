"""A page whose named 已定稿 month is signed still, dropped from the change's key for
another reason than 撤销定稿 (review44b #2).

docs/design.md, "Refused in a 已定稿 month": what the page says is what happened. A
document leaves the key a page posted back either because it was re-opened since
(「…已撤销定稿」) or because the change no longer alters it — a participant's unit of
that day corrected since — while it stays signed. The second must not be told it was
re-opened: it is said to be no longer changed by this change, still signed; the same
words for every page (``reopened.words_since``)."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import force_locale
from sqlalchemy import select

from tests import factories as f
from tests.reports.test_signed_named import named
from tests.rollups import builders as b
from tests.web.stale_support import form_on, text
from tracker.extensions import db
from tracker.models import ReportStatus, TaskReport, RollPeriod, SummaryScope
from tracker.reports import final
from tracker.services import unit_of_work
from tracker.services.directory import correct_roll_date
from tracker.services.reopened import reopened_since, words_since
from tracker.services.then_pages import THEN_VOID
from tracker.services.roll import last_change, shown_key
from tracker.services.summary_notes import final_unit_months, reopen
from tracker.timeutil import local_today

STILL = "（仍为已定稿）"


def _moved_on_the_5th(world, day):
    """王五 moved from 县商务局 to 县财政局 on the 5th; 县财政局 works in the community."""
    finance = f.unit("县财政局")
    f.item(finance, world.community, year=day.year)
    wang = f.member(finance, name="王五")
    db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == wang.id)).since = \
        day - timedelta(days=5)
    db.session.add(RollPeriod(member_id=wang.id, unit_id=world.unit.id,
                              until=day - timedelta(days=5)))
    return finance, wang


def test_a_month_still_signed_is_not_said_re_opened(client, login, world):
    day = (local_today().replace(day=1) - timedelta(days=1)).replace(day=10)
    finance, wang = _moved_on_the_5th(world, day)
    task = b.task_on(world.item, world.liaison, day)
    b.join(task, world.member)
    b.join(task, wang)  # confirmed: on the 10th, 县财政局's
    report = b.report(task, world.liaison, ReportStatus.submitted)
    db.session.commit()
    final.finalize(world.admin, SummaryScope(unit_id=finance.id), day.year, day.month)
    db.session.commit()

    login(world.admin)
    approve = f"/manage/reports/{report.id}/approve"
    page = text(client.get(f"/manage/reports/{report.id}"))
    month = f"县财政局{day.year}年{day.month}月"
    assert month in " ".join(named(page)), named(page)

    # another admin: 更正日期 — 王五's move took effect on the 1st of this month, after the
    # month's end: neither his unit on the activity's day nor the roll of the month's last
    # day (naming50) is 县财政局's any more, so 通过 no longer changes its month
    with unit_of_work():
        member = db.session.get(type(wang), wang.id)
        correct_roll_date(member, world.admin, local_today().replace(day=1), "调动日期录错",
                          shown=shown_key(last_change(member)))
    db.session.expire_all()
    assert final_unit_months([finance.id], day, day)  # 县财政局's month: still 已定稿

    again = text(client.post(approve, data=form_on(page, approve)))
    # 县财政局's month was never re-opened: it is signed now as when the page was read
    assert f"{month}已撤销定稿" not in again
    assert (f"打开页面之后，这次操作已不再改变{month}{STILL}，现在不会改变已定稿的月报或年度总结。"
            "未作任何更改；如仍要通过，请再次点击“通过”。") in again, again  # the 审核's button
    assert named(again) == [] and "上方的说明" not in again
    db.session.expire_all()
    assert db.session.get(TaskReport, report.id).status == ReportStatus.submitted  # nothing done
    # posted again, the plain approval
    client.post(approve, data=form_on(again, approve))
    db.session.expire_all()
    assert db.session.get(TaskReport, report.id).status == ReportStatus.approved


def test_one_re_opened_and_one_still_signed_are_each_said_as_they_are(app, world):
    """Two documents gone from a key: the one re-opened is 「已撤销定稿」, the one signed
    still is no longer changed; in English too."""
    day = (local_today().replace(day=1) - timedelta(days=1))
    finance = f.unit("县财政局")
    db.session.commit()
    for unit in (world.unit, finance):
        final.finalize(world.admin, SummaryScope(unit_id=unit.id), day.year, day.month)
    db.session.commit()
    with unit_of_work():
        reopen(world.admin, SummaryScope(unit_id=world.unit.id), day.year, day.month)
    ours, theirs = (f"{u.name}{day.year}年{day.month}月" for u in (world.unit, finance))
    promised = f"{world.unit.id}-{day.year}-{day.month},{finance.id}-{day.year}-{day.month}"

    since = reopened_since(promised, "", world.admin)
    assert [str(n) for n in since.reopened] == [ours]
    assert [str(n) for n in since.kept] == [theirs]
    said = str(words_since(since, False, "page's own", THEN_VOID))
    assert f"{ours}已撤销定稿" in said and f"{theirs}已撤销定稿" not in said
    assert f"这次操作也不再改变{theirs}{STILL}" in said
    # a page whose block names what is left now
    told = str(words_since(since, True, "page's own", THEN_VOID))
    assert "见本页的说明" in told and f"{theirs}{STILL}" in told
    with app.test_request_context("/"), force_locale("en"):
        english = str(words_since(since, False, "page's own", THEN_VOID))
    assert "still final" in english and "reopened" in english, english
