"""A device draft across a day, in a real browser at 390×844, with the app's clock set.

The rule (review "time" #1): a draft keeps only what the member typed or changed. A
field the server fills with a fresh default on each load — 移交日期 on a 摸排问题 and
the 日期 of a 经费 entry, both "today" in Beijing time — shows the default of the page
served now, not the day the draft was typed; a date the member changed by hand is still
restored. Otherwise a hand-over or a spending typed on 2 December and sent on 3 December
is silently dated 2 December (across a month end: in last month's 月报, or refused as
定稿).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from tests.browser.conftest import follow, sign_in

BEIJING = timezone(timedelta(hours=8))
DAY0, DAY1, DAY2 = date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)
# The member opens the form late on day 1 and sends it just after midnight: day 2 in Beijing.
EVENING = datetime(2026, 12, 2, 23, 50, tzinfo=BEIJING)
MORNING = datetime(2026, 12, 3, 0, 10, tzinfo=BEIJING)
RESTORED = "已恢复本机保存的草稿"


@pytest.fixture
def clock(monkeypatch):
    """``clock(moment)`` sets the app's clock (the live server runs in this process):
    every tracker module's name for ``utcnow`` (``tests.clock.set_app_clock``), so that a
    page whose view imported ``utcnow`` by name reads the day set too."""
    from tests.clock import set_app_clock
    from tracker.timeutil import to_local

    def _set(moment: datetime) -> None:
        local = to_local(moment)
        set_app_clock(monkeypatch, local.date(), at=local.time())

    _set(EVENING)
    return _set


@pytest.fixture
def places(live_server, world) -> dict:
    """A 摸排问题 found on 25 November in the liaison's community, and the unit and
    community ids of that community's 经费 ledger."""
    from tests import factories as f
    from tests.rollups import builders as b
    from tracker.models import Community, Member, Unit

    with live_server.db() as session:
        unit = session.scalar(select(Unit))
        community = session.scalar(select(Community).where(Community.name == world.community))
        liaison, leader = session.get(Member, world.liaison.id), session.get(Member, world.leader.id)
        survey = b.task_on(f.item(unit, community, "facility_survey"), liaison, date(2026, 11, 25),
                           leader=leader, title="下水道摸排")
        finding = b.finding(survey, leader)
        session.commit()
        return {"finding": finding.id, "unit": unit.id, "community": community.id}


def hand_over_form(page):
    return page.locator("form[action$='/hand-over']")


def stored_hand_over(live_server, finding_id: int) -> tuple[str, date]:
    from tracker.models import Finding

    with live_server.db() as session:
        finding = session.get(Finding, finding_id)
        return finding.handed_to, finding.handed_over_on


def stored_entries(live_server) -> list[tuple[str, date]]:
    from tracker.models import FundEntry

    with live_server.db() as session:
        return [(e.purpose, e.entry_date) for e in session.scalars(select(FundEntry))]


def test_a_hand_over_drafted_yesterday_is_dated_today(live_server, world, user_page, places,
                                                      clock, shot):
    liaison = user_page(world.liaison)
    page_url = live_server.url(f"/progress/findings/{places['finding']}")
    liaison.goto(page_url)
    form = hand_over_form(liaison)
    assert form.get_by_label("移交日期").input_value() == DAY1.isoformat()
    form.get_by_label("移交给").fill("县城管局")
    shot(liaison, "typed-on-day-1")

    clock(MORNING)
    liaison.goto(page_url)
    form = hand_over_form(liaison)
    assert RESTORED in liaison.locator(".draft-note").inner_text()
    assert form.get_by_label("移交给").input_value() == "县城管局"
    assert form.get_by_label("移交日期").input_value() == DAY2.isoformat()
    shot(liaison, "reopened-on-day-2")

    follow(form.get_by_role("button", name="确认移交"))
    assert "已登记移交。" in liaison.locator("main").inner_text()
    assert stored_hand_over(live_server, places["finding"]) == ("县城管局", DAY2)


def test_a_hand_over_date_changed_by_hand_is_restored_the_next_day(
        live_server, world, user_page, places, clock, shot):
    liaison = user_page(world.liaison)
    page_url = live_server.url(f"/progress/findings/{places['finding']}")
    liaison.goto(page_url)
    form = hand_over_form(liaison)
    form.get_by_label("移交给").fill("县城管局")
    form.get_by_label("移交日期").fill(DAY0.isoformat())

    clock(MORNING)
    liaison.goto(page_url)
    form = hand_over_form(liaison)
    assert form.get_by_label("移交日期").input_value() == DAY0.isoformat()
    assert form.get_by_label("移交给").input_value() == "县城管局"
    shot(liaison, "typed-date-restored")

    follow(form.get_by_role("button", name="确认移交"))
    assert stored_hand_over(live_server, places["finding"]) == ("县城管局", DAY0)


def test_a_spending_drafted_yesterday_is_dated_today_and_a_typed_date_kept(
        live_server, world, user_page, places, clock, shot):
    liaison = user_page(world.liaison)
    ledger = live_server.url(f"/funds/{places['unit']}/{places['community']}/2026")
    liaison.goto(ledger)
    form = liaison.locator("form[action$='/entries']")
    assert form.get_by_label("日期", exact=True).input_value() == DAY1.isoformat()
    form.get_by_label("金额（元）").fill("120")
    form.get_by_label("用途").fill("横幅")

    clock(MORNING)
    liaison.goto(ledger)
    form = liaison.locator("form[action$='/entries']")
    assert form.get_by_label("用途").input_value() == "横幅"
    assert form.get_by_label("日期", exact=True).input_value() == DAY2.isoformat()
    shot(liaison, "spending-reopened-on-day-2")
    follow(form.locator("button[type=submit]"))
    assert "支出已登记。" in liaison.locator("main").inner_text()
    assert stored_entries(live_server) == [("横幅", DAY2)]

    # A date changed by hand is the member's: it comes back the next day. Nearly a day
    # after the last page, her login has lapsed (``SESSION_IDLE_MINUTES``: the sessions
    # service reads the clock set here too); she signs in again in the same browser.
    clock(datetime(2026, 12, 3, 23, 50, tzinfo=BEIJING))
    sign_in(liaison, live_server, world.liaison)
    liaison.goto(ledger)
    form = liaison.locator("form[action$='/entries']")
    form.get_by_label("金额（元）").fill("30")
    form.get_by_label("用途").fill("矿泉水")
    form.get_by_label("日期", exact=True).fill(DAY0.isoformat())
    clock(datetime(2026, 12, 4, 0, 10, tzinfo=BEIJING))
    liaison.goto(ledger)
    form = liaison.locator("form[action$='/entries']")
    assert form.get_by_label("日期", exact=True).input_value() == DAY0.isoformat()
    assert form.get_by_label("用途").input_value() == "矿泉水"
    follow(form.locator("button[type=submit]"))
    assert sorted(stored_entries(live_server)) == [("横幅", DAY2), ("矿泉水", DAY0)]


def test_a_draft_kept_before_the_upgrade_does_not_bring_back_its_date(
        live_server, world, user_page, places, clock, shot):
    """A draft the earlier drafts.js kept (for up to a week after the upgrade) holds every
    field, the day-1 default date too: its text comes back, its date does not."""
    liaison = user_page(world.liaison)
    page_url = live_server.url(f"/progress/findings/{places['finding']}")
    clock(MORNING)
    liaison.goto(page_url)
    action = hand_over_form(liaison).get_attribute("action")
    liaison.evaluate(
        """([key, day]) => localStorage.setItem(key, JSON.stringify({
               at: Date.now(), token: null, version: null,
               values: {handed_to: "县城管局", handed_over_on: day}}))""",
        [f"draft:{world.liaison.id}:{action}", DAY1.isoformat()])
    liaison.goto(page_url)
    form = hand_over_form(liaison)
    assert form.get_by_label("移交给").input_value() == "县城管局"
    assert form.get_by_label("移交日期").input_value() == DAY2.isoformat()
    shot(liaison, "old-draft-without-its-date")
