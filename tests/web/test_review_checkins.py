"""通过 right after an activity ends, with members checked in and not yet confirmed
(walk5 D10).

Approval is final and hours come only from confirmed participation (docs/design.md,
"approve / return"). A check-in is evidence of taking part: 通过 counts those checked
in at the activity's length unless the reviewer unticks it; the 来源 of an activity is
现场签到 only when a counted participation came from a check-in; a member whose
check-in did not count is told why and who can still add it. The same person's time
counts once: a check-in at hours already counted on another activity is not counted
(review38 #1)."""
from __future__ import annotations

import html
from datetime import timedelta

import pytest

from tests.web.manage_support import assignment, fresh, submitted_report, text
from tests.web.manage_support import checked_in as _checked_in
from tests.web.manage_support import twin_task as _twin
from tests.web.stale_support import form_on
from tests.plans import ledger_rows
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    AuditEvent,
    ReportStatus,
    TaskReport,
    TaskStatus,
)
from tracker.rollups.scope import Scope
from tracker.services import ServiceError, unit_of_work
from tracker.services.backfill import add_forgotten_participant
from tracker.services.reviews import ReportData, approve_report, submit_report
from tracker.timeutil import to_local, utcnow

pytestmark = pytest.mark.usefixtures("both_figures")


def _ledger_row(task):
    day = task.service_date
    [row] = ledger_rows(Scope(date_from=day, date_to=day + timedelta(days=1)))
    return row


def test_the_review_names_those_checked_in_and_counts_them_by_default(client, login, world):
    """The page offers 按签到计入, ticked, naming them and the activity's length (the
    past task runs two hours); the one who claimed and never checked in is named apart,
    with the repair after approval (添加遗漏的参加人员)."""
    task = world.past_task
    member = _checked_in(task, world.member)
    leader = assignment(task, world.leader)  # claimed, not checked in
    report = submitted_report(task, world.leader)
    login(world.liaison)
    page = client.get(f"/manage/reports/{report.id}").get_data(as_text=True)
    assert 'name="count_checked_in" value="1" checked' in page
    words = html.unescape(page)
    assert "张三 已签到，尚未确认服务时长" in words
    assert "按签到计入：以上已签到的党员按活动时长（2.0小时）计入服务时长" in words
    assert "王组长 尚未确认服务时长，也没有签到" in words
    assert "添加遗漏的参加人员" in words

    url = f"/manage/reports/{report.id}/approve"
    response = client.post(url, data=form_on(page, url))  # as the page posts it
    assert response.status_code == 302
    assert fresh(TaskReport, report.id).status == ReportStatus.approved
    counted = fresh(Assignment, member.id)
    assert (counted.status, counted.minutes) == (AssignmentStatus.done, 120)
    assert counted.confirmed_at is not None
    assert fresh(Assignment, leader.id).status == AssignmentStatus.claimed
    assert db.session.query(AuditEvent).filter_by(action="count_checked_in").count() == 1
    row = _ledger_row(task)
    assert (row.person_times, row.source) == (1, "现场签到")


def test_unticked_the_check_ins_do_not_count_and_the_source_is_not_checkin(
        client, login, world):
    """Unticked, nobody counts (the reviewer's choice); the ledger's row of 0 人次 then
    does not claim people checked in on site: its 来源 is 组长提交."""
    task = world.past_task
    member = _checked_in(task, world.member)
    report = submitted_report(task, world.leader)
    login(world.liaison)
    page = client.get(f"/manage/reports/{report.id}").get_data(as_text=True)
    url = f"/manage/reports/{report.id}/approve"
    data = form_on(page, url)
    data.pop("count_checked_in")  # unticked
    assert client.post(url, data=data).status_code == 302
    assert fresh(TaskReport, report.id).status == ReportStatus.approved
    assert fresh(Assignment, member.id).status == AssignmentStatus.checked_in
    row = _ledger_row(task)
    assert (row.person_times, row.source) == (0, "组长提交")

    # the member is told why her check-in did not count, and who can add it
    login(world.member)
    words = text(client.get(f"/tasks/{task.id}"))
    assert "该任务审核通过时，您尚未确认服务时长，本次参与没有计入统计" in words
    assert "添加遗漏的参加人员" in words

    # and the liaison can add her: she is offered first, and counted on the activity
    login(world.liaison)
    manage = client.get(f"/manage/tasks/{task.id}").get_data(as_text=True)
    section = manage.split('id="add-participant"', 1)[1]
    assert f'value="{world.member.id}"' in section
    with unit_of_work():
        add_forgotten_participant(world.liaison, task, world.member, None)
    assert fresh(Assignment, member.id).status == AssignmentStatus.done
    row = _ledger_row(task)
    assert (row.person_times, row.source) == (1, "现场签到")


def test_the_queues_approve_counts_check_ins_and_says_so(client, login, world):
    task = world.past_task
    member = _checked_in(task, world.member)
    report = submitted_report(task, world.leader)
    login(world.liaison)
    words = text(client.get("/manage/reviews"))
    assert "张三 已签到，尚未确认服务时长：通过时按活动时长计入" in words
    page = client.get("/manage/reviews").get_data(as_text=True)
    url = f"/manage/reports/{report.id}/approve"
    assert client.post(url, data=form_on(page, url)).status_code == 302
    assert fresh(Assignment, member.id).status == AssignmentStatus.done


def test_the_service_counts_check_ins_only_when_asked(world):
    """``approve_report`` by another path (补录, the demo) changes nobody's hours."""
    task = world.past_task
    member = _checked_in(task, world.member)
    report = submitted_report(task, world.leader)
    with unit_of_work():
        approve_report(report, world.liaison)
    assert fresh(Assignment, member.id).status == AssignmentStatus.checked_in


# --- the same person's time counted once (review38 #1) ---------------------------------------
# 补录 and 添加遗漏的参加人员 refuse a member already on another activity at the same hours
# (「在同一时间已参加…不能重复记录」); 按签到计入 keeps the same rule: a check-in at hours
# already counted elsewhere is not counted a second time, and the reviewer is told whose.

def _done_minutes(member) -> int:
    db.session.expire_all()
    return sum(a.minutes for a in db.session.query(Assignment).filter_by(
        member_id=member.id, status=AssignmentStatus.done))


def test_her_check_ins_on_two_activities_at_the_same_hours_count_once(world):
    """Checked in on both, both approved 按签到计入: two hours, on the first approved;
    the second leaves her check-in uncounted and says on which activity she counts —
    and 添加遗漏的参加人员 then refuses her there, by the same rule."""
    past, twin = world.past_task, _twin(world)
    first, second = _checked_in(past, world.member), _checked_in(twin, world.member)
    with unit_of_work():
        assert approve_report(submitted_report(past, world.leader), world.liaison,
                              count_checked_in=True) == []
    with unit_of_work():
        left_out = approve_report(submitted_report(twin, world.leader), world.liaison,
                                  count_checked_in=True)
    assert [(a.member_id, other.id) for a, other in left_out] == [(world.member.id, past.id)]
    assert _done_minutes(world.member) == 120  # the activity's two hours, once
    assert (fresh(Assignment, first.id).status, fresh(Assignment, first.id).minutes) == (
        AssignmentStatus.done, 120)
    assert fresh(Assignment, second.id).status == AssignmentStatus.checked_in
    assert fresh(TaskReport, submitted_report(twin, world.leader).id).status == ReportStatus.approved
    assert db.session.query(AuditEvent).filter_by(action="count_checked_in").count() == 1
    with pytest.raises(ServiceError, match="同一时间"):
        with unit_of_work():
            add_forgotten_participant(world.liaison, twin, world.member, None)


def test_hours_she_confirmed_herself_are_counted_ones(world):
    """Her own 确认参与 on the other activity (its report not yet approved) is time
    counted: the check-in here is not counted too; the others checked in are."""
    past, twin = world.past_task, _twin(world)
    mine = assignment(past, world.member)
    mine.status, mine.minutes = AssignmentStatus.done, 60
    _checked_in(twin, world.member)
    other = _checked_in(twin, world.leader)
    with unit_of_work():
        left_out = approve_report(submitted_report(twin, world.leader), world.liaison,
                                  count_checked_in=True)
    assert [a.member_id for a, _ in left_out] == [world.member.id]
    assert _done_minutes(world.member) == 60
    assert fresh(Assignment, other.id).status == AssignmentStatus.done


def test_hours_that_do_not_overlap_or_a_voided_activity_do_not_stop_the_count(world):
    """One activity right after the other (ends at 11:00, the next starts at 11:00) is not
    the same time; an activity voided (作废) counts nobody's hours."""
    past = world.past_task
    after = _twin(world, starts_at=past.ends_at, title="随后的活动")
    voided = _twin(world, title="已作废的活动")
    for task in (after, voided):
        done = assignment(task, world.member)
        done.status, done.minutes = AssignmentStatus.done, 120
    voided.status = TaskStatus.cancelled
    _checked_in(past, world.member)
    with unit_of_work():
        approve_report(submitted_report(past, world.leader), world.liaison,
                       count_checked_in=True)
    assert fresh(Assignment, assignment(past, world.member).id).status == AssignmentStatus.done


@pytest.mark.parametrize("where", ["report", "queue"])
def test_both_approvals_name_her_check_in_left_uncounted(client, login, world, where):
    """From the report's page (按签到计入 ticked) and from the queue's 通过 alike."""
    past, twin = world.past_task, _twin(world)
    _checked_in(past, world.member)
    held = _checked_in(twin, world.member)
    with unit_of_work():
        approve_report(submitted_report(past, world.leader), world.liaison,
                       count_checked_in=True)
    report = submitted_report(twin, world.leader)
    login(world.liaison)
    page = text(client.get(f"/manage/reports/{report.id}" if where == "report"
                           else "/manage/reviews"))
    when = to_local(past.starts_at).strftime("%Y-%m-%d %H:%M")
    words = f"张三 在同一时间已计入“{past.title}”（{when}），本活动不按签到计入。"
    assert words in html.unescape(page)  # said before 通过 (the queue since walk9 #6)
    # the only one checked in, not counted: no 按签到计入 to choose, nor promised
    assert 'name="count_checked_in"' not in page and "通过时按活动时长计入" not in page
    url = f"/manage/reports/{report.id}/approve"
    shown = html.unescape(text(client.post(url, data=form_on(page, url),
                                           follow_redirects=True)))
    assert f"已通过：{twin.title}。" in shown
    assert words in shown
    assert fresh(Assignment, held.id).status == AssignmentStatus.checked_in
    assert _done_minutes(world.member) == 120


def test_the_queue_names_before_approval_a_check_in_it_will_not_count(client, login, world):
    """walk9 #6: 张三 checked in on two activities at overlapping hours (the second
    starting an hour before the first), the first approved 按签到计入 — his time counts
    there. The queue's card for the second does not promise him 「通过时按活动时长计入」:
    it names him apart before 通过, in the report page's words, and still promises it to
    李四, checked in with nothing counted elsewhere. 通过 then does what the card said."""
    past = world.past_task
    twin = _twin(world, starts_at=past.starts_at - timedelta(hours=1), title="招商引资政策宣讲")
    _checked_in(past, world.member)
    mine = _checked_in(twin, world.member)
    theirs = _checked_in(twin, world.other_member)
    with unit_of_work():
        approve_report(submitted_report(past, world.leader), world.liaison,
                       count_checked_in=True)
    report = submitted_report(twin, world.leader)
    login(world.liaison)
    page = client.get("/manage/reviews").get_data(as_text=True)
    queue = html.unescape(text(client.get("/manage/reviews")))
    when = to_local(past.starts_at).strftime("%Y-%m-%d %H:%M")
    words = f"张三 在同一时间已计入“{past.title}”（{when}），本活动不按签到计入。"
    assert words in queue
    assert "李四 已签到，尚未确认服务时长：通过时按活动时长计入。" in queue
    assert "张三、李四" not in queue  # promised to him alone
    # the report's page says it in the same words, and its 按签到计入 names 李四 alone
    own = html.unescape(text(client.get(f"/manage/reports/{report.id}")))
    assert words in own
    assert "李四 已签到，尚未确认服务时长。审核通过后将不能再确认。" in own
    assert "张三、李四" not in own
    url = f"/manage/reports/{report.id}/approve"
    assert client.post(url, data=form_on(page, url)).status_code == 302
    assert fresh(Assignment, mine.id).status == AssignmentStatus.checked_in
    assert fresh(Assignment, theirs.id).status == AssignmentStatus.done


def test_the_queue_counts_a_check_in_when_the_other_activity_counts_nobody_yet(client, login,
                                                                             world):
    """Checked in on both, neither approved: nothing of his counts yet (a check-in is no
    time counted, ``overlap.overlapping``), so each card promises to count him — the
    first approved counts him, as 通过 does."""
    past, twin = world.past_task, _twin(world)
    _checked_in(past, world.member)
    _checked_in(twin, world.member)
    submitted_report(past, world.leader)
    submitted_report(twin, world.leader)
    login(world.liaison)
    queue = html.unescape(text(client.get("/manage/reviews")))
    assert queue.count("张三 已签到，尚未确认服务时长：通过时按活动时长计入。") == 2
    assert "在同一时间已计入" not in queue


def test_the_cards_rule_is_the_approvals(client, login, world):
    """What the queue says before 通过 follows the rule 通过 applies
    (``overlap.counted_elsewhere``): of three checked in on the past task, 张三's hours
    confirmed by himself on an overlapping activity not yet approved count (named apart);
    李四's on the activity right after (starting at its end) are not the same time, and
    王组长's on an overlapping activity since voided count nowhere (both promised)."""
    past = world.past_task
    confirmed = _twin(world, starts_at=past.starts_at + timedelta(minutes=30), title="自己确认的")
    after = _twin(world, starts_at=past.ends_at, title="随后的活动")
    voided = _twin(world, title="已作废的活动")
    for task, member in ((confirmed, world.member), (after, world.other_member),
                         (voided, world.leader)):
        done = assignment(task, member)
        done.status, done.minutes = AssignmentStatus.done, 60
    voided.status = TaskStatus.cancelled
    for member in (world.member, world.other_member, world.leader):
        _checked_in(past, member)
    report = submitted_report(past, world.leader)
    login(world.liaison)
    queue = html.unescape(text(client.get("/manage/reviews")))
    when = to_local(confirmed.starts_at).strftime("%Y-%m-%d %H:%M")
    assert f"张三 在同一时间已计入“自己确认的”（{when}），本活动不按签到计入。" in queue
    assert "王组长、李四 已签到，尚未确认服务时长：通过时按活动时长计入。" in queue
    page = queue.split("</h1>", 1)[1]
    assert "随后的活动" not in page and "已作废的活动" not in page
    with unit_of_work():
        left_out = approve_report(report, world.liaison, count_checked_in=True)
    assert [(a.member_id, other.id) for a, other in left_out] == [(world.member.id, confirmed.id)]


def test_her_own_confirm_of_hours_counted_elsewhere_is_refused_naming_them(client, login, world):
    """review38b #1: counted on A at 通过 (按签到计入), she then confirms her own hours on
    B at the same hours (B not yet approved): refused on the page, naming A; B's 通过
    then leaves her check-in there uncounted — the two hours count once, whichever
    review comes first."""
    past, twin = world.past_task, _twin(world)
    _checked_in(past, world.member)
    on_twin = _checked_in(twin, world.member)
    with unit_of_work():
        approve_report(submitted_report(past, world.leader), world.liaison,
                       count_checked_in=True)
    login(world.member)
    url = f"/tasks/assignments/{on_twin.id}/confirm"
    when = to_local(past.starts_at).strftime("%Y-%m-%d %H:%M")
    # the page says so before anything is typed (review39 #9), and offers no form ...
    page = html.unescape(client.get(url).get_data(as_text=True))
    assert f"您在同一时间已计入“{past.title}”（{when}）" in page and 'name="hours"' not in page
    # ... and hours posted anyway (a page opened before A's 通过) are refused, naming A
    page = html.unescape(text(client.post(url, data={"hours": "2"})))
    assert f"您在同一时间已计入“{past.title}”（{when}）" in page
    assert fresh(Assignment, on_twin.id).status == AssignmentStatus.checked_in
    with unit_of_work():
        approve_report(submitted_report(twin, world.leader), world.liaison,
                       count_checked_in=True)
    assert _done_minutes(world.member) == 120  # the two hours, once


def test_hours_put_back_by_the_absent_list_after_a_count_elsewhere_are_not(client, login, world):
    """review38b #1: her confirmed hours on B, marked 缺席 by B's 组长; A approved
    按签到计入 counts her (nothing counts on B); B's 组长 then takes her off the absent
    list: her B hours do not come back (she stays checked in there, uncounted), and the
    page says where her time counts."""
    past, twin = world.past_task, _twin(world)
    _checked_in(past, world.member)
    mine = assignment(twin, world.member)
    mine.status, mine.minutes = AssignmentStatus.done, 120
    mine.checked_in_at = utcnow() - timedelta(hours=20)
    db.session.commit()
    with unit_of_work():
        submit_report(twin, world.leader, ReportData(12, None, "清理", {world.member.id}))
    with unit_of_work():
        approve_report(submitted_report(past, world.leader), world.liaison,
                       count_checked_in=True)
    login(world.leader)
    url = f"/tasks/{twin.id}/report"
    page = client.get(url).get_data(as_text=True)
    posted = form_on(page, url)
    assert posted.getlist("absent") == [str(world.member.id)]  # as the page shows it
    posted.poplist("absent")  # the 组长 unticks her
    shown = html.unescape(text(client.post(url, data=posted, follow_redirects=True)))
    when = to_local(past.starts_at).strftime("%Y-%m-%d %H:%M")
    assert f"张三 已移出缺席名单，但其在同一时间已计入“{past.title}”（{when}）" in shown
    assert fresh(Assignment, mine.id).status == AssignmentStatus.checked_in
    assert _done_minutes(world.member) == 120  # the two hours, once


def test_taken_off_the_absent_list_with_nothing_counted_elsewhere_her_hours_come_back(world):
    """The rule leaves the ordinary case alone: off the 缺席 list, her confirmed hours
    count again."""
    mine = assignment(world.past_task, world.member)
    mine.status, mine.minutes = AssignmentStatus.done, 90
    db.session.commit()
    for absent in ({world.member.id}, set()):
        left_out = []
        with unit_of_work():
            submit_report(world.past_task, world.leader, ReportData(12, 30, "清理", absent),
                          left_out=left_out)
    assert left_out == []
    assert (fresh(Assignment, mine.id).status, fresh(Assignment, mine.id).minutes) == (
        AssignmentStatus.done, 90)


def test_the_member_is_told_where_her_time_counts_not_sent_to_a_refused_repair(world):
    """review38b #4: her check-in left uncounted because the same hours count on another
    activity: 添加遗漏的参加人员 refuses her there, so her task page names the activity
    her time counts on instead of sending her to it."""
    from tracker.services.claims import confirm_refusal
    past, twin = world.past_task, _twin(world)
    _checked_in(past, world.member)
    second = _checked_in(twin, world.member)
    with unit_of_work():
        approve_report(submitted_report(past, world.leader), world.liaison, count_checked_in=True)
    with unit_of_work():
        approve_report(submitted_report(twin, world.leader), world.liaison, count_checked_in=True)
    said = str(confirm_refusal(fresh(Assignment, second.id)))
    with pytest.raises(ServiceError, match="同一时间"):
        with unit_of_work():
            add_forgotten_participant(world.liaison, twin, world.member, None)
    assert "添加遗漏的参加人员" not in said, said
    when = to_local(past.starts_at).strftime("%Y-%m-%d %H:%M")
    assert f"您在同一时间已计入“{past.title}”（{when}）" in said, said


def test_counting_check_ins_at_approval_rewrites_the_counted_rows_once(
        client, login, world, count_queries):
    """The hours counted from check-ins and the approval itself are one change of the
    activity's counted rows (bench39): 通过 rewrites them once, not first for the hours
    and again for the approval — the rewrite is six statements."""
    task = world.past_task
    member = _checked_in(task, world.member)
    report = submitted_report(task, world.leader)
    login(world.liaison)
    page = client.get(f"/manage/reports/{report.id}").get_data(as_text=True)
    url = f"/manage/reports/{report.id}/approve"
    with count_queries() as approval:
        assert client.post(url, data=form_on(page, url)).status_code == 302
    assert fresh(Assignment, member.id).status == AssignmentStatus.done
    rewrites = [s for s in approval.statements
                if s.lstrip().upper().startswith("DELETE FROM COUNTED_TASK")]
    assert len(rewrites) == 1, rewrites
    assert _ledger_row(task).person_times == 1
