"""The counts of 需求清单 / 微心愿 (``rollups.needs.need_counts_plan``), from a world of needs
in known states and dates, counted by hand with the rule:

- posted: posted in the period, whatever became of them;
- fulfilled: confirmed fulfilled in the period, whenever posted (微心愿 apart);
- open, tasked, claimed: today's 待认领, 已转任务 and 已认领待确认, which add up to the needs
  still to be done (live); overdue: still to be done today and wanted before today.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from tests.needs.support import need
from tracker.extensions import db
from tracker.models import Need, NeedKind, NeedStatus
from tracker.rollups import Scope
from tracker.rollups.needs import NeedCounts
from tests.plans import need_counts

OCTOBER = Scope(date_from=date(2026, 10, 1), date_to=date(2026, 11, 1))
TODAY = date(2026, 11, 30)


def _history(w):
    a, b = w.community, w.other_community

    def add(community, posted, status=NeedStatus.open, *, wanted, fulfilled=None,
            kind=NeedKind.need, item=None):
        need(community, w.liaison, posted_on=posted, status=status, kind=kind,
             wanted_by=wanted, fulfilled_on=fulfilled,
             claimer=w.member if status in (NeedStatus.claimed, NeedStatus.fulfilled) else None,
             resource_item_id=item.id if item else None)

    # in A
    add(a, date(2026, 10, 5), NeedStatus.fulfilled, wanted=date(2026, 10, 25),
        fulfilled=date(2026, 10, 20), kind=NeedKind.wish, item=w.item)  # posted, fulfilled, wish
    add(a, date(2026, 10, 10), NeedStatus.claimed, wanted=date(2026, 11, 10),
        item=w.item)  # posted, claimed, overdue
    add(a, date(2026, 9, 20), NeedStatus.fulfilled, wanted=date(2026, 10, 5),
        fulfilled=date(2026, 10, 2))  # fulfilled in October, posted in September
    add(a, date(2026, 10, 15), wanted=date(2026, 12, 31))  # posted, open, not yet due
    add(a, date(2026, 10, 16), NeedStatus.closed, wanted=date(2026, 10, 20))  # posted only
    add(a, date(2026, 10, 1), NeedStatus.fulfilled, wanted=date(2026, 11, 5),
        fulfilled=date(2026, 11, 2), kind=NeedKind.wish)  # posted; fulfilled in November
    add(a, date(2026, 11, 3), wanted=date(2026, 11, 5))  # November's, overdue today
    # in B
    add(b, date(2026, 10, 3), NeedStatus.fulfilled, wanted=date(2026, 10, 9),
        fulfilled=date(2026, 10, 4), kind=NeedKind.wish)
    db.session.commit()


def test_per_community(world):
    _history(world)
    assert need_counts(OCTOBER, TODAY, per="community") == {
        world.community.id: NeedCounts(posted=5, claimed=1, fulfilled=2, overdue=2,
                                       wishes_fulfilled=1, open=2),
        world.other_community.id: NeedCounts(posted=1, fulfilled=1, wishes_fulfilled=1),
    }


def test_in_all_and_for_one_community(world):
    _history(world)
    assert need_counts(OCTOBER, TODAY) == NeedCounts(posted=6, claimed=1, fulfilled=3,
                                                     overdue=2, wishes_fulfilled=2, open=2)
    only_b = Scope(date_from=OCTOBER.date_from, date_to=OCTOBER.date_to,
                   community_ids=(world.other_community.id,))
    assert need_counts(only_b, TODAY) == NeedCounts(posted=1, fulfilled=1, wishes_fulfilled=1)


def test_november_counts_what_november_saw(world):
    _history(world)
    november = Scope(date_from=date(2026, 11, 1), date_to=date(2026, 12, 1))
    assert need_counts(november, TODAY, per="community") == {
        world.community.id: NeedCounts(posted=1, claimed=1, fulfilled=1, overdue=2,
                                       wishes_fulfilled=1, open=2)}


def test_per_checklist_item(world):
    _history(world)
    assert need_counts(OCTOBER, TODAY, per="item") == {
        world.item.id: NeedCounts(posted=2, claimed=1, fulfilled=1, overdue=1,
                                  wishes_fulfilled=1)}


def test_the_community_view_counts_needs_beside_the_checklist(client, login, world):
    from tests.web.test_progress_views import figure, page
    from tracker.timeutil import local_today

    today = local_today()
    need(world.community, world.liaison, status=NeedStatus.fulfilled, claimer=world.member,
         fulfilled_on=today, resource_item_id=world.item.id)
    need(world.community, world.liaison, status=NeedStatus.claimed, claimer=world.member,
         wanted_by=today - timedelta(days=1), resource_item_id=world.item.id)
    need(world.other_community, world.other_liaison)  # another community: not counted
    db.session.commit()
    login(world.liaison)
    html = page(client, f"/progress/community?community={world.community.id}")
    assert [figure(html, f"needs_{name}") for name in
            ("posted", "fulfilled", "live", "open", "tasked", "claimed", "overdue")] == [
        "2", "1", "1", "0", "0", "1", "1"]
    assert "关联需求：发布2条，已完成1条；未完成1条（待认领0条，已转任务0条，已认领1条），其中已逾期1条" in html


def test_the_needs_still_to_be_done_add_up_on_the_progress_page(client, login, world):
    """What a liaison reads under 需求清单 on 进展: every need still to be done (未完成) is
    in exactly one of 待认领, 已转任务 and 已认领待确认, so the three add up to it; 已逾期
    is a part of it; and each figure is what the board's tab of the community lists."""
    from tests.web.test_progress_views import figure, page
    from tracker.timeutil import local_today

    today = local_today()
    a = world.community
    need(a, world.liaison)  # 待认领
    need(a, world.liaison, wanted_by=today - timedelta(days=3))  # 待认领, overdue
    need(a, world.liaison, status=NeedStatus.tasked, task_id=world.task.id)  # 已转任务
    need(a, world.liaison, status=NeedStatus.tasked, task_id=world.past_task.id,
         wanted_by=today - timedelta(days=1))  # 已转任务, overdue
    need(a, world.liaison, status=NeedStatus.claimed, claimer=world.member)  # 已认领
    need(a, world.liaison, status=NeedStatus.fulfilled, claimer=world.member,
         fulfilled_on=today)  # done: not to do
    need(a, world.liaison, status=NeedStatus.closed)  # closed: not to do
    need(world.other_community, world.other_liaison)  # another community's
    db.session.commit()
    login(world.liaison)
    html = page(client, f"/progress/community?community={a.id}")
    shown = {name: int(figure(html, f"needs_{name}"))
             for name in ("live", "open", "tasked", "claimed", "overdue")}
    assert shown == {"live": 5, "open": 2, "tasked": 2, "claimed": 1, "overdue": 2}
    assert shown["live"] == shown["open"] + shown["tasked"] + shown["claimed"]
    for tab in ("open", "tasked", "claimed", "overdue"):
        board = page(client, f"/needs/?status={tab}&community={a.id}")
        assert f"共 {shown[tab]} 条" in board, tab
    # with what was done and what was closed, they are every need of the community
    counts = need_counts(Scope(date_from=date(2000, 1, 1), date_to=today + timedelta(days=1),
                               community_ids=(a.id,)), today)
    closed = db.session.scalar(select(func.count(Need.id)).where(
        Need.community_id == a.id, Need.status == NeedStatus.closed))
    assert counts.live + counts.fulfilled + closed == counts.posted == 7


def test_the_demo_world_has_needs_in_every_state(seeded_demo):
    """seed-demo shows the feature: needs fulfilled, claimed (for a unit, overdue), open,
    turned into a task and closed, counted on its community like any others."""
    from tracker.timeutil import local_today

    today = local_today()
    world = seeded_demo(today)
    paired = world.items[("解放路社区", None, "household_assistance")].community_id
    this_month = Scope(date_from=today.replace(day=1), date_to=today + timedelta(days=1),
                       community_ids=(paired,))
    # 7 posted there (one of them twelve days ago: this month only after the 12th),
    # 1 fulfilled (a 微心愿), 2 open, 1 turned into a task, 2 claimed of which 1
    # overdue, 1 closed; the eighth is in 建设路社区
    posted_here = 7 if today.day > 12 else 6
    assert need_counts(this_month, today) == NeedCounts(
        posted=posted_here, claimed=2, fulfilled=1, overdue=1, wishes_fulfilled=1,
        open=2, tasked=1)
    assert db.session.scalar(select(func.count(Need.id))) == 8
    # every state, 已转任务 too: its task is still to come
    assert {n.status for n in db.session.scalars(select(Need))} == set(NeedStatus)
    tasked = db.session.scalar(select(Need).where(Need.status == NeedStatus.tasked))
    assert tasked.task.needs == [tasked] and tasked.task.report is None
    assert tasked.task.service_date > today
    assert db.session.scalar(select(Need).where(Need.claimed_unit_id.is_not(None)))
    # Every member reads the board: the demo, like a liaison, names nobody in a title;
    # the 服务对象 field says who, shown by the register's rules.
    from tracker.models import Resident

    names = set(db.session.scalars(select(Resident.name)))
    for posted in db.session.scalars(select(Need)):
        assert not any(name in posted.title or name in (posted.description or "")
                       for name in names), posted.title
