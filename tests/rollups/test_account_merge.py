"""合并账号: one person's two accounts of one unit become one (services/merge.py).

The fixture: 县统计局's 赵六 has two accounts, A (kept) and B (the duplicate), and a
colleague 钱七 who did nothing. In October 2025 A worked 2 hours on one approved
activity, B 1.5 hours on another. Before the merge October's 月报 counts the person
twice on the roll and twice among those who took part; after it, once, with both
accounts' hours on A's 服务记录. Expected figures are stated from that story.
"""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.audit import work_event_count
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    AuditEvent,
    CountedParticipation,
    Member,
    RollPeriod,
    SummaryScope,
)
from tracker.reports import final
from tracker.reports.records import service_record
from tracker.reports.summary import build_summary
from tracker.services import ServiceError, merge

OCT_8, OCT_20, NOV_1 = date(2025, 10, 8), date(2025, 10, 20), date(2025, 11, 1)


def participation(unit) -> tuple[int, int, set[str]]:
    """(在册, 参与, 未参与) as October 2025's 月报 of ``unit`` writes them."""
    text = next(p.text for p in build_summary(2025, 10, unit=unit).paragraphs
                if "在册党员干部" in p.text)
    match = re.search(r"在册党员干部(\d+)人，本月参与(\d+)人", text)
    missing = re.search(r"未参与：(.+?)。", text)
    return (int(match.group(1)), int(match.group(2)),
            set(missing.group(1).split("、")) if missing else set())


@pytest.fixture
def pair(world, clock):
    unit = f.unit("县统计局")
    keep, drop = f.member(unit, name="赵六"), f.member(unit, name="赵六")
    f.member(unit, name="钱七")
    item = f.item(unit, world.community, "environment_cleanup", year=2025)
    tasks = []
    for day, person, minutes in ((OCT_8, keep, 120), (OCT_20, drop, 90)):
        task = b.task_on(item, world.liaison, day)
        b.join(task, person, minutes=minutes)
        b.report(task, world.liaison)
        tasks.append(task)
    db.session.commit()
    clock(date(2025, 12, 2))
    return unit, keep, drop, item, tasks


def do_merge(keep, drop, actor):
    shown = merge.preview(keep, drop).key()
    moved = merge.merge_members(keep, drop, actor, shown=shown)
    db.session.commit()
    return moved


def test_every_foreign_key_to_a_member_is_classified():
    """A new table naming a member fails here until the merge is told what to do with it."""
    assert merge.member_references() == set(merge.REFERENCES)


def test_after_the_merge_the_person_counts_once_with_both_accounts_hours(world, pair):
    unit, keep, drop, _item, _tasks = pair
    # two accounts on the roll, both took part; 钱七 did not
    assert participation(unit) == (3, 2, {"钱七"})
    assert service_record(keep, 2025).minutes == 120

    preview = merge.preview(keep, drop)
    assert (preview.participations, preview.minutes, preview.conflicts) == (1, 90, [])
    do_merge(keep, drop, world.admin)

    assert participation(unit) == (2, 1, {"钱七"})
    record = service_record(keep, 2025)
    assert (record.activities, record.minutes, len(record.rows)) == (2, 210, 2)
    assert service_record(drop, 2025).minutes == 0
    assert db.session.scalar(select(func.count()).select_from(CountedParticipation).where(
        CountedParticipation.member_id == drop.id)) == 0
    db.session.refresh(drop)
    assert (drop.active, merge.merged_into(drop)) == (False, keep)
    assert db.session.scalars(select(RollPeriod).where(RollPeriod.member_id == drop.id)).all() == []


def test_b_on_the_roll_before_a_keeps_the_person_on_those_months_roll_as_a(world, pair):
    """A joined the roll on 1 November (a later account), B was on it since always: in
    October the person was on the roll as B, and after the merge is, as A."""
    unit, keep, drop, _item, _tasks = pair
    stay = db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == keep.id))
    stay.since = NOV_1
    db.session.commit()
    # October's roll: B and 钱七; of them B took part (A's work counts in 人次, not here)
    assert participation(unit) == (2, 1, {"钱七"})

    do_merge(keep, drop, world.admin)

    assert participation(unit) == (2, 1, {"钱七"})
    # one stay: the person was on the unit's roll all along, no move on 1 November
    assert [(p.unit_id, p.since, p.until) for p in keep.roll_history] == [(unit.id, None, None)]


def test_b_on_the_roll_in_a_s_gap_leaves_a_one_stay_and_no_change_to_correct(world, pair):
    """walk8 #6: A left the roll on 1 November and came back on 20 November (停用,
    重新启用), B was on it all along. After the merge the person was on the unit's roll
    every day: one stay, so the member page reads no move from the unit to itself and
    更正日期 has no change to offer. The figures are as the days say, A once each month."""
    from tracker.rollups import coverage
    from tracker.services import roll
    unit, keep, drop, _item, _tasks = pair
    stay = db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == keep.id))
    stay.until = NOV_1
    db.session.add(RollPeriod(member_id=keep.id, unit_id=unit.id, since=date(2025, 11, 20)))
    db.session.commit()

    do_merge(keep, drop, world.admin)

    db.session.refresh(keep)
    assert [(p.unit_id, p.since, p.until) for p in keep.roll_history] == [(unit.id, None, None)]
    assert roll.last_change(keep) is None
    # October: A and 钱七 on the roll, A (both accounts' work) took part; 30 November
    # (November's roll day) the same two
    assert participation(unit) == (2, 1, {"钱七"})
    assert db.session.scalar(select(func.count()).select_from(RollPeriod).where(
        *coverage.on_roll(unit.id, date(2025, 11, 30)))) == 2


def test_a_task_both_took_part_in_refuses_the_merge_and_writes_nothing(world, pair):
    _unit, keep, drop, item, _tasks = pair
    both = b.task_on(item, world.liaison, date(2025, 10, 25), title="楼道粉刷")
    b.join(both, keep)
    b.join(both, drop)
    db.session.commit()
    events = work_event_count()
    shown = merge.preview(keep, drop).key()

    with pytest.raises(ServiceError) as refused:
        merge.merge_members(keep, drop, world.admin, shown=shown)
    db.session.rollback()

    assert "2025-10-25 楼道粉刷" in str(refused.value.message)
    assert work_event_count() == events
    assert db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.member_id == drop.id)) == 2
    db.session.refresh(drop)
    assert (drop.active, merge.merged_into(drop)) == (True, None)


def test_a_withdrawn_claim_of_b_in_a_task_a_did_stays_on_b(world, pair):
    """B claimed and withdrew where A took part: no conflict, and the withdrawal stays
    B's (it held nothing; moving it would break the one record per task and member)."""
    _unit, keep, drop, _item, tasks = pair
    b.join(tasks[0], drop, status=AssignmentStatus.withdrawn)
    db.session.commit()

    do_merge(keep, drop, world.admin)

    assert db.session.scalars(select(Assignment.status).where(
        Assignment.member_id == drop.id)).all() == [AssignmentStatus.withdrawn]
    assert db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.member_id == keep.id)) == 2


def test_a_page_read_before_b_took_part_again_is_refused(world, pair):
    _unit, keep, drop, item, _tasks = pair
    shown = merge.preview(keep, drop).key()
    b.join(b.task_on(item, world.liaison, date(2025, 11, 3)), drop)
    db.session.commit()
    with pytest.raises(ServiceError):
        merge.merge_members(keep, drop, world.admin, shown=shown)
    db.session.rollback()
    db.session.refresh(drop)
    assert drop.active


def test_a_finalised_month_the_merge_changes_is_named_and_audited(world, pair):
    unit, keep, drop, _item, _tasks = pair
    final.finalize(world.admin, SummaryScope(unit_id=unit.id), 2025, 10)
    db.session.commit()

    preview = merge.preview(keep, drop)
    assert [(m.unit_name, m.year, m.month) for m in preview.final_months] == [
        ("县统计局", 2025, 10)]
    do_merge(keep, drop, world.admin)

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "merge"))
    assert (event.actor_id, event.entity_id, event.detail["into"]) == (
        world.admin.id, drop.id, keep.id)
    assert event.detail["final_months"] == [[unit.id, 2025, 10]]
    assert (event.detail["participations"], event.detail["minutes"]) == (1, 90)


@pytest.mark.parametrize("why", ["same", "other_unit", "merged"])
def test_what_cannot_be_merged_is_refused(world, pair, why):
    unit, keep, drop, _item, _tasks = pair
    if why == "same":
        drop = keep
    elif why == "other_unit":
        drop = f.member(f.unit("县财政局"), name="赵六")
    else:
        do_merge(keep, drop, world.admin)
    with pytest.raises(ServiceError):
        merge.preview(keep, drop)


def test_an_admin_cannot_merge_their_own_account_away(world, pair):
    with pytest.raises(ServiceError):
        merge.merge_members(world.liaison, world.admin, world.admin, shown="")
    db.session.rollback()
    assert db.session.get(Member, world.admin.id).active


def test_a_duplicate_switched_off_before_the_merge_still_brings_its_work(world, pair):
    """The way duplicates were handled before: B switched off on 1 November. October
    counted both accounts; merged, the person counts once, with B's hours on A."""
    from tracker.services import directory

    unit, keep, drop, _item, _tasks = pair
    directory.set_active(drop, world.admin, False)
    db.session.commit()
    stay = db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == drop.id))
    stay.until = NOV_1  # (switched off on 1 November, not on the test's today)
    db.session.commit()
    assert participation(unit) == (3, 2, {"钱七"})

    do_merge(keep, drop, world.admin)

    assert participation(unit) == (2, 1, {"钱七"})
    assert service_record(keep, 2025).minutes == 210


def test_a_merged_account_cannot_be_switched_back_on(world, pair):
    from tracker.services import directory

    _unit, keep, drop, _item, _tasks = pair
    do_merge(keep, drop, world.admin)
    with pytest.raises(ServiceError):
        directory.set_active(drop, world.admin, True)
    db.session.rollback()
    assert not db.session.get(Member, drop.id).active


def test_b_leading_waiting_and_serving_communities_passes_to_a_once(world, pair):
    """Both accounts are liaisons: A serves 解放路社区, B serves it and 建设路社区. B leads
    a task and waits for a place on another. After the merge A leads and waits, and serves
    both communities, each once; the tasks B created stay B's (who did an act)."""
    from tracker.models import Role, Task, TaskStatus, WaitlistEntry
    from tracker.models.waitlist import WaitStatus

    _unit, keep, drop, item, _tasks = pair
    keep.role = drop.role = Role.liaison
    keep.communities = [world.community]
    drop.communities = [world.community, world.other_community]
    led = b.task_on(item, drop, date(2025, 12, 10), leader=drop, status=TaskStatus.open)
    full = b.task_on(item, world.liaison, date(2025, 12, 11), status=TaskStatus.open)
    db.session.add(WaitlistEntry(task_id=full.id, member_id=drop.id, status=WaitStatus.waiting))
    db.session.commit()
    preview = merge.preview(keep, drop)
    assert (preview.led, preview.waitlist, preview.communities) == (1, 1, 1)

    do_merge(keep, drop, world.admin)

    task = db.session.get(Task, led.id)
    assert (task.leader_id, task.created_by_id) == (keep.id, drop.id)
    assert db.session.scalars(select(WaitlistEntry.member_id).where(
        WaitlistEntry.task_id == full.id)).all() == [keep.id]
    assert sorted(c.id for c in db.session.get(Member, keep.id).communities) == sorted(
        [world.community.id, world.other_community.id])
    assert db.session.get(Member, drop.id).communities == []


def test_b_s_record_request_is_a_s_after_the_merge_and_adopted_onto_a(world, pair):
    """B asked for a 补录 of an approved activity on 20 November (1 hour) that neither
    account is on. The request is the person's: after the merge it is A's, and the
    liaison's 采纳 records the hour on A — A's year is A's 2 hours, B's 1.5 and this 1:
    4.5 hours."""
    from tracker.models import BackfillRequest, Community
    from tracker.services.backfill_requests import RequestData, adopt_into_task, ask_backfill

    _unit, keep, drop, item, _tasks = pair
    forgotten = b.task_on(item, world.liaison, date(2025, 11, 20), title="防汛物资搬运")
    b.report(forgotten, world.liaison)
    db.session.commit()
    asked = ask_backfill(drop, db.session.get(Community, item.community_id),
                         RequestData(service_date=None, minutes=60, task=forgotten))
    db.session.commit()
    assert merge.preview(keep, drop).requests == 1

    do_merge(keep, drop, world.admin)

    request = db.session.get(BackfillRequest, asked.id)
    assert request.member_id == keep.id
    adopted = adopt_into_task(request, world.liaison).assignment
    db.session.commit()
    assert (adopted.task_id, adopted.member_id, adopted.minutes) == (forgotten.id, keep.id, 60)
    assert service_record(keep, 2025).minutes == 120 + 90 + 60
    assert db.session.scalar(select(func.count()).select_from(BackfillRequest).where(
        BackfillRequest.member_id == drop.id)) == 0


def test_a_need_b_claimed_is_a_s_after_the_merge_still_claimed(world, pair):
    """B took on a resident's wish (已认领). Claiming is the person's promise: after the
    merge A holds the claim, in the same state, and B holds none."""
    from tests.needs.support import need
    from tracker.models import Need, NeedStatus
    from tracker.services.needs import claim_need

    _unit, keep, drop, _item, _tasks = pair
    wish = need(world.community, world.liaison)
    db.session.commit()
    claim_need(wish, drop)
    db.session.commit()
    assert merge.preview(keep, drop).needs == 1

    do_merge(keep, drop, world.admin)

    claimed = db.session.get(Need, wish.id)
    assert (claimed.status, claimed.claimed_by_id) == (NeedStatus.claimed, keep.id)
    assert db.session.scalar(select(func.count()).select_from(Need).where(
        Need.claimed_by_id == drop.id)) == 0


def test_residents_paired_with_either_account_are_paired_with_a_once(world, pair):
    """赵奶奶 is paired with both accounts, 孙爷爷 with B only, 李奶奶 with A only. After
    the merge each of the three is paired with A, once — no resident with two pairings
    of one person, and none left with B. The page counted one new pairing (孙爷爷's)."""
    from tests.residents.support import resident
    from tracker.models import Resident, resident_member

    _unit, keep, drop, _item, _tasks = pair
    both = resident(world.community, world.liaison, name="赵奶奶", paired=[keep, drop])
    b_only = resident(world.community, world.liaison, name="孙爷爷", paired=[drop])
    a_only = resident(world.community, world.liaison, name="李奶奶", paired=[keep])
    db.session.commit()
    assert merge.preview(keep, drop).residents == 1

    do_merge(keep, drop, world.admin)

    for person in (both, b_only, a_only):
        assert [m.id for m in db.session.get(Resident, person.id).paired_members] == [keep.id]
    assert db.session.scalar(select(func.count()).select_from(resident_member).where(
        resident_member.c.member_id == drop.id)) == 0


def test_a_finalised_community_month_the_merge_changes_is_named_and_audited(world, pair):
    """解放路社区's own 月报 for October (every unit's work there) is 已定稿. Both accounts
    worked there in October, so its distinct people are two before the merge and one
    after: the month is named on the confirmation page's list and in the audit row,
    beside the unit's months, though no unit month of the unit is finalised."""
    _unit, keep, drop, _item, _tasks = pair
    community = SummaryScope(community_id=world.community.id)
    final.finalize(world.admin, community, 2025, 10)
    db.session.commit()
    assert people_of(build_summary(2025, 10, community=world.community)) == 2

    preview = merge.preview(keep, drop)
    assert preview.final_months == []
    assert [(m.name, m.year, m.month) for m in preview.all_final_months] == [
        (world.community.name, 2025, 10)]
    do_merge(keep, drop, world.admin)

    assert people_of(build_summary(2025, 10, community=world.community)) == 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "merge"))
    assert event.detail["final_community_months"] == [[world.community.id, 2025, 10]]
    assert event.detail["final_months"] == []


def test_a_community_month_b_did_no_work_in_is_not_named(world, pair):
    """The community's November 月报 is 已定稿 too, but B did nothing there in November:
    the merge changes nothing of it and does not name it."""
    _unit, keep, drop, _item, _tasks = pair
    final.finalize(world.admin, SummaryScope(community_id=world.community.id), 2025, 11)
    final.finalize(world.admin, SummaryScope(community_id=world.other_community.id), 2025, 10)
    db.session.commit()
    assert merge.preview(keep, drop).all_final_months == []


def people_of(summary) -> int:
    """The distinct people the 月报's lead counts (「参与党员干部N人次（M人）」)."""
    text = " ".join(p.text for p in summary.paragraphs)
    return int(re.search(r"参与党员干部\d+人次（(\d+)人", text).group(1))


def _merged_away(keep) -> str:
    return f"赵六 的账号已合并至赵六（{keep.masked_phone}）"


def test_a_liaison_naming_the_merged_account_as_leader_is_told_to_choose_a(world, pair):
    """A page read before the merge still offers B as 组长: the task page's 组长 and a new
    task's are refused under the 组长 field, naming A (the account to choose), and
    nothing is written. (The new task's start is judged on ``pair``'s today, 2 December
    2025, by the service's own name for the clock.)"""
    from tracker.models import Task, TaskStatus
    from tracker.services.tasks import TaskData, change_leader, create_tasks

    _unit, keep, drop, item, _tasks = pair
    task = b.task_on(item, world.liaison, date(2025, 12, 10), status=TaskStatus.open)
    db.session.commit()
    do_merge(keep, drop, world.admin)
    tasks = db.session.scalar(select(func.count()).select_from(Task))

    with pytest.raises(ServiceError) as led:
        change_leader(task, drop, world.liaison)
    db.session.rollback()
    with pytest.raises(ServiceError) as created:
        create_tasks(world.liaison, item, TaskData(
            title="楼道粉刷", place="5号楼", starts_local=datetime(2025, 12, 5, 9),
            ends_local=datetime(2025, 12, 5, 11),
            slots=4, leader=drop))
    db.session.rollback()

    for refusal in (led.value, created.value):
        assert str(refusal.message) == _merged_away(keep) + "，不能再担任组长；请改选赵六。"
        assert refusal.field == "leader"
    assert db.session.get(Task, task.id).leader_id is None
    assert db.session.scalar(select(func.count()).select_from(Task)) == tasks


def test_a_resident_paired_with_the_merged_account_is_refused_naming_a(world, pair):
    """The register form read before the merge pairs 孙爷爷 with B: refused under 结对党员,
    naming A; the resident keeps the pairings it had (none)."""
    from tests.residents.support import resident
    from tracker.models import Resident
    from tracker.services.residents import (
        EDITABLE,
        ResidentData,
        resident_shown_key,
        update_resident,
    )

    _unit, keep, drop, _item, _tasks = pair
    person = resident(world.community, world.liaison, name="孙爷爷")
    person.consent_date = date(2025, 11, 1)  # (the test's today is 2 December 2025)
    db.session.commit()
    shown = resident_shown_key(person)
    do_merge(keep, drop, world.admin)

    data = ResidentData(community_id=person.community_id, paired_ids={drop.id},
                        **{name: getattr(person, name) for name in EDITABLE})
    with pytest.raises(ServiceError) as refused:
        update_resident(person, world.liaison, data, shown=shown)
    db.session.rollback()

    assert str(refused.value.message) == _merged_away(keep) + "，请改为与赵六结对。"
    assert refused.value.field == "paired_ids"
    assert db.session.get(Resident, person.id).paired_members == []


def b_leads_in_november(world, unit, drop, item):
    """An approved activity of 钱七's in 解放路社区 on 5 November, led by B, who did no
    work of its own that month; the community's own November 月报 is 已定稿."""
    colleague = db.session.scalar(select(Member).where(Member.unit_id == unit.id,
                                                       Member.name == "钱七"))
    task = b.task_on(item, world.liaison, date(2025, 11, 5), leader=drop)
    b.join(task, colleague)
    b.report(task, world.liaison)
    final.finalize(world.admin, SummaryScope(community_id=world.community.id), 2025, 11)
    db.session.commit()


def test_a_community_month_b_only_led_under_another_name_is_named(world, pair):
    """B's account was typed 赵陆. The 台账 of the community's November 月报 names 赵陆 as
    组长; after the merge it names A's 赵六, so the signed document no longer matches:
    the month is named on the confirmation page and in the audit row."""
    unit, keep, drop, item, _tasks = pair
    drop.name = "赵陆"
    b_leads_in_november(world, unit, drop, item)

    preview = merge.preview(keep, drop)
    assert [(m.name, m.year, m.month) for m in preview.final_community_months] == [
        (world.community.name, 2025, 11)]
    do_merge(keep, drop, world.admin)

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "merge"))
    assert event.detail["final_community_months"] == [[world.community.id, 2025, 11]]
    # and the naming is not idle: the live 月报 no longer says what was signed
    live = build_summary(2025, 11, community=world.community)
    assert final.changes(final.signed_copy(live), live)


def test_a_community_month_b_only_led_under_the_same_name_is_not_named(world, pair):
    """The same activity, both accounts 赵六: the 台账 writes 赵六 as 组长 before and after
    the merge, the signed November still matches, and the page does not claim it changes."""
    unit, keep, drop, item, _tasks = pair
    b_leads_in_november(world, unit, drop, item)

    assert merge.preview(keep, drop).final_community_months == []
    do_merge(keep, drop, world.admin)

    live = build_summary(2025, 11, community=world.community)
    assert final.changes(final.signed_copy(live), live) == []


def test_another_units_month_is_named_only_for_the_activity_b_led(world, pair):
    """B (typed 赵陆) led one approved activity of 县财政局 on 5 November; 县财政局's October
    and November 月报 are both 已定稿. The merge rewrites the 组长 of November's 台账 only:
    B's work (20 October) and roll are counted on 县统计局's roll, not 县财政局's, so
    县财政局's October is not named."""
    _unit, keep, drop, _item, _tasks = pair
    drop.name = "赵陆"
    other = f.unit("县财政局")
    worker = f.member(other, name="孙八")
    task = b.task_on(f.item(other, world.community, "environment_cleanup", year=2025),
                     world.liaison, date(2025, 11, 5), leader=drop)
    b.join(task, worker)
    b.report(task, world.liaison)
    for month in (10, 11):
        final.finalize(world.admin, SummaryScope(unit_id=other.id), 2025, month)
    db.session.commit()

    assert [(m.unit_name, m.year, m.month) for m in merge.preview(keep, drop).final_months] == [
        ("县财政局", 2025, 11)]
