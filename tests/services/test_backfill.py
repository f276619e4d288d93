"""补录: recording a past activity in one call, without HTTP (issue 11)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests import factories as f
from tests.audit import work_event_count
from tests.owed_marks import assert_marks_follow_the_rule
from tests.services.test_claims import audits, refused
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    Finding,
    FindingKind,
    FindingStatus,
    ReportStatus,
    SummaryNote,
    Task,
    TaskStatus,
)
from tracker.rollups.figures import totals
from tests.plans import findings_counts
from tracker.rollups.scope import Scope
from tracker.services import PermissionDenied, ServiceError, unit_of_work
from tracker.services.backfill import (
    BackfillData,
    Participant,
    parse_findings,
    record_past_activity,
)
from tracker.sources import source_label
from tracker.timeutil import local_today, to_local, utcnow


def three_days_ago_at(hour: int) -> datetime:
    day = local_today() - timedelta(days=3)
    return datetime(day.year, day.month, day.day, hour)


@pytest.fixture
def people(world):
    """Five members of the unit working in the liaison's community."""
    extra = [f.member(world.unit, name=name) for name in ("赵六", "钱七")]
    db.session.commit()
    return [world.member, world.other_member, world.leader, *extra]


def data(people, **overrides) -> BackfillData:
    values = dict(title="楼道清理（补录）", place="解放路12号", starts_local=three_days_ago_at(9),
                  ends_local=three_days_ago_at(11),
                  participants=[Participant(m) for m in people], leader=people[2],
                  note="清理楼道杂物，张贴文明提示。")
    values.update(overrides)
    return BackfillData(**values)


def recorded(world, payload, actor=None) -> Task:
    with unit_of_work():
        return record_past_activity(actor or world.liaison, world.item, payload)


def task_count() -> int:
    return db.session.scalar(select(func.count(Task.id)))


def day_scope(world, day) -> Scope:
    return Scope(date_from=day, date_to=day + timedelta(days=1),
                 community_ids=(world.community.id,))


def test_one_call_records_five_participants_as_an_approved_activity(world, people):
    payload = data(people)
    payload.participants[0].minutes = 90  # left early; the others served the whole 2 h
    task = recorded(world, payload)
    db.session.expire_all()

    assert task.backfilled and task.status == TaskStatus.closed
    assert task.leader_id == world.leader.id and task.created_by_id == world.liaison.id
    assert to_local(task.starts_at).replace(tzinfo=None) == three_days_ago_at(9)
    report = task.report
    assert report.status == ReportStatus.approved
    assert report.reviewed_by_id == world.liaison.id and report.reviewed_at is not None
    assert report.note == "清理楼道杂物，张贴文明提示。"
    assert_marks_follow_the_rule()  # recorded approved: it owes no report
    minutes = {a.member_id: (a.status, a.minutes) for a in task.assignments}
    assert minutes == {m.id: (AssignmentStatus.done, 90 if m is people[0] else 120)
                       for m in people}

    # Counted as any approved activity: one activity, 5 人次, 90 + 4 × 120 minutes.
    official = totals(day_scope(world, task.service_date))
    assert (official.activities, official.person_times, official.members,
            official.minutes) == (1, 5, 5, 90 + 4 * 120)
    [event] = audits("backfill", task)
    assert event.actor_id == world.liaison.id and event.detail["recorded_at"]
    assert event.detail["participants"][str(people[0].id)] == 90
    assert [e.actor_id for e in audits("approve", report)] == [world.liaison.id]


def test_the_result_is_asked_as_the_category_counts_it(world, people):
    item = f.item(world.unit, world.community, f.category())  # counts 棵 and 人
    db.session.commit()
    with pytest.raises(Exception) as info:
        with unit_of_work():
            record_past_activity(world.liaison, item, data(people))
    assert "请填写完成数量" in str(info.value)
    with unit_of_work():
        task = record_past_activity(world.liaison, item, data(people, quantity=30,
                                                               people_served=12))
    official = totals(day_scope(world, task.service_date))
    assert (official.quantity, official.people_served) == (30, 12)


def refused_and_nothing_written(world, payload, message, actor=None, error=None):
    before_tasks, before_events = task_count(), work_event_count()
    before_assignments = db.session.scalar(select(func.count(Assignment.id)))
    kwargs = {"error": error} if error else {}
    refused(record_past_activity, actor or world.liaison, world.item, payload,
            message=message, **kwargs)
    assert task_count() == before_tasks and work_event_count() == before_events
    assert db.session.scalar(select(func.count(Assignment.id))) == before_assignments


def test_a_time_in_the_future_is_refused(world, people):
    later = to_local(utcnow()).replace(tzinfo=None) + timedelta(hours=1)
    refused_and_nothing_written(world, data(people, starts_local=later - timedelta(hours=2),
                                            ends_local=later), "时间不能晚于现在")


def test_a_funds_item_takes_no_activity(world, people):
    """共建活动经费 counts money; an activity on it was counted in the 月报's totals
    under a category no sentence describes."""
    world.item = f.item(world.unit, world.community, "cobuild_funding")
    refused_and_nothing_written(world, data(people), "不按活动计")


def test_an_activity_of_last_year_counts_toward_last_years_item(world, people):
    """Recorded in January on this year's item (the one still offered), an activity of
    31 December goes on the same line of last year's checklist, where it counts."""
    year = local_today().year
    last_year = f.item(world.unit, world.community, world.item.category, year=year - 1)
    eve = datetime(year - 1, 12, 31, 9, 0)
    # On 1 January the world's past activity (yesterday, at this hour, 王组长 on it) is on
    # 31 December too: two hours that miss it, or the leader would be booked twice.
    busy = to_local(world.past_task.starts_at).replace(tzinfo=None)
    if abs(busy - eve) < timedelta(hours=2):
        eve = eve.replace(hour=13)
    task = recorded(world, data(people, starts_local=eve, ends_local=eve + timedelta(hours=2)))
    assert (task.service_date.year, task.resource_item_id) == (year - 1, last_year.id)


def test_the_end_must_follow_the_start(world, people):
    refused_and_nothing_written(world, data(people, ends_local=three_days_ago_at(8)),
                                "结束时间必须晚于开始时间")


def test_at_least_one_participant(world, people):
    refused_and_nothing_written(world, data(people, participants=[]), "请至少选择一名参加人员")


def test_the_leader_is_one_of_the_participants(world, people):
    refused_and_nothing_written(world, data(people, participants=[Participant(people[0])]),
                                "组长须是参加人员之一")


def test_a_member_of_a_unit_not_working_in_the_community_is_refused(world, people):
    outsider = f.member(f.unit("县林业局"), name="孙八")
    db.session.commit()
    refused_and_nothing_written(world, data([*people, outsider]),
                                "孙八 所在单位不在该社区开展共建")


def test_a_member_already_on_an_overlapping_activity_is_refused_by_name(world, people):
    past = world.past_task  # yesterday, 王组长 and 张三 on it
    start = to_local(past.starts_at).replace(tzinfo=None) + timedelta(minutes=30)
    refused_and_nothing_written(
        world, data(people, starts_local=start, ends_local=start + timedelta(hours=2)),
        "在同一时间已参加“楼道清理”")


def test_every_member_on_an_overlapping_activity_is_named_in_one_message(world, people):
    """walk7 D3: a 补录 whose participants clash names them all at once, those on the
    same activity together with it and its time — not the first one only, one submit
    per member."""
    recorded(world, data(people, title="晚间清理", participants=[Participant(m) for m in people[:3]]))
    recorded(world, data(people, title="入户走访", participants=[Participant(people[3])],
                         leader=people[3], starts_local=three_days_ago_at(10),
                         ends_local=three_days_ago_at(12)))
    day = three_days_ago_at(9).strftime("%Y-%m-%d")
    # members in the roll's order (by name): 李四, 王组长, 张三 on the first, 赵六 on the second
    refused_and_nothing_written(
        world, data(people, title="楼道清理（再补录）"),
        f"李四、王组长、张三 在同一时间已参加“晚间清理”（{day} 09:00）；"
        f"赵六 在同一时间已参加“入户走访”（{day} 10:00），不能重复记录。")


def test_the_clash_message_is_made_in_the_readers_language_when_shown(app, world, people):
    """The message names the clashes with plain values, worded when shown: in English
    after the refusal (its rollback) as well."""
    recorded(world, data(people, title="晚间清理", participants=[Participant(m) for m in people[:2]],
                         leader=people[0]))
    recorded(world, data(people, title="入户走访", participants=[Participant(people[3])],
                         leader=people[3], starts_local=three_days_ago_at(10),
                         ends_local=three_days_ago_at(12)))
    refusal = refused(record_past_activity, world.liaison, world.item,
                      data(people, title="楼道清理（再补录）"))
    day = three_days_ago_at(9).strftime("%Y-%m-%d")
    with app.test_request_context("/"), force_locale("en"):
        said = str(refusal.errors[0].message)
    assert said == (f"李四, 张三 already took part in “晚间清理” ({day} 09:00) at the same time; "
                    f"赵六 already took part in “入户走访” ({day} 10:00) at the same time; "
                    "they cannot be recorded twice.")


def test_hours_longer_than_the_activity_are_refused(world, people):
    payload = data(people)
    payload.participants[1].minutes = 180
    refused_and_nothing_written(world, payload, "李四：服务时长不能超过活动时长")


def test_a_survey_records_its_findings_and_counts_them_as_its_quantity(world, people):
    """A survey's 完成数量 is the defects it found (docs/design.md, categories): three
    typed in the 补录 count three, officially, once the record is saved."""
    item = f.item(world.unit, world.community, "facility_survey")
    db.session.commit()
    typed = "下水道，解放路12号门前，井盖破损\n\n人行道，东门口，地砖松动\n破损道路,菜场路口"
    with unit_of_work():
        task = record_past_activity(world.liaison, item,
                                    data(people, findings=parse_findings(typed)))
    found = db.session.scalars(select(Finding).where(Finding.task_id == task.id)
                               .order_by(Finding.id)).all()
    assert [(x.kind, x.place, x.description) for x in found] == [
        (FindingKind.sewer, "解放路12号门前", "井盖破损"),
        (FindingKind.sidewalk, "东门口", "地砖松动"),
        (FindingKind.road, "菜场路口", None)]
    assert all(x.found_on == task.service_date and x.status == FindingStatus.found
               for x in found)
    assert task.report.status == ReportStatus.approved and task.report.quantity == 3
    official = findings_counts(day_scope(world, task.service_date)).official
    assert official.total == 3 and official.by_kind[FindingKind.sewer] == 1


def test_a_survey_without_findings_found_nothing(world, people):
    item = f.item(world.unit, world.community, "facility_survey")
    db.session.commit()
    with unit_of_work():
        task = record_past_activity(world.liaison, item, data(people))
    assert task.report.quantity == 0


def test_findings_belong_to_surveys_only(world, people):
    refused_and_nothing_written(
        world, data(people, findings=parse_findings("下水道，东门口")),
        "只有摸排类活动可以登记摸排问题")


@pytest.mark.parametrize("typed, line", [
    ("下水道，东门口\n井盖，西门口", 2),  # not a kind
    ("人行道", 1),  # no place
    ("其他，" + "长" * 121, 1),  # place too long
])
def test_a_finding_line_that_cannot_be_read_is_refused_by_its_number(typed, line):
    with pytest.raises(ServiceError) as info:
        parse_findings(typed)
    assert f"摸排问题第{line}行" in str(info.value.message)
    assert info.value.field == "findings"


def test_a_liaison_of_another_community_may_not(world, people):
    refused_and_nothing_written(world, data(people), None, actor=world.other_liaison,
                                error=PermissionDenied)


def test_a_finalised_month_needs_an_admin(world, people):
    day = three_days_ago_at(9)
    db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                               year=day.year, month=day.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    db.session.commit()
    refused_and_nothing_written(world, data(people), f"{day.year}年{day.month}月的月报已定稿")
    task = recorded(world, data(people), actor=world.admin)
    assert task.report.reviewed_by_id == world.admin.id


@pytest.mark.parametrize("backfilled, checked_in, label", [
    (True, True, "补录"), (True, False, "补录"), (False, True, "现场签到"),
    (False, False, "组长提交")])
def test_every_record_has_one_source(app, backfilled, checked_in, label):
    assert source_label(backfilled, checked_in) == label


def test_the_demo_world_has_a_backfilled_activity_with_five_participants(seeded_demo):
    today = local_today()
    world = seeded_demo(today)
    # the recent one, the evening clean-up two days ago: last year's activities are 补录
    # too, and in January its December is within a month (session 54)
    [task] = db.session.scalars(select(Task).where(
        Task.backfilled.is_(True), Task.service_date >= today - timedelta(days=2))).all()
    assert task.report.status == ReportStatus.approved
    assert task.report.reviewed_by_id == world.liaison.id
    assert world.members[0].id in {a.member_id for a in task.assignments}
    assert len(task.assignments) == 5


def test_finding_kinds_are_read_in_either_language():
    assert [(x.kind, x.place) for x in parse_findings("Sewer, East gate\n其他，西门口")] == [
        (FindingKind.sewer, "East gate"), (FindingKind.other, "西门口")]


def test_every_independent_refusal_of_a_backfill_is_named_at_once(world, people):
    """A finalised month, an empty 情况说明 and a 组长 who is not among the participants
    are refused together, each under its field; nothing is written."""
    from tracker.services import ServiceErrors

    day = three_days_ago_at(9)
    db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                               year=day.year, month=day.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    db.session.commit()
    outsider = f.member(world.unit, name="孙八")
    db.session.commit()
    before = task_count()
    with pytest.raises(ServiceErrors) as refused:
        recorded(world, data(people, note="  ", leader=outsider))
    assert [(e.field, str(e.message)) for e in refused.value.errors] == [
        ("starts_at", f"资源清单项目所属单位（{world.unit.name}）{day.year}年{day.month}月的月报"
                      "已定稿，补录该月的活动须由单位管理员操作（或由单位管理员先重新打开该月的月报）。"),
        ("note", "请填写情况说明。"), ("leader", "组长须是参加人员之一。")]
    assert task_count() == before


def test_times_that_are_refused_are_not_also_checked_against_now(world, people):
    """A rule that needs an earlier one waits for it: an end before the start is the
    one message of the times, not also the finalised month or an overlap."""
    from tracker.services import ServiceErrors

    with pytest.raises(ServiceErrors) as refused:
        recorded(world, data(people, ends_local=three_days_ago_at(8), note=""))
    assert [(e.field, str(e.message)) for e in refused.value.errors] == [
        ("ends_at", "结束时间必须晚于开始时间。"), ("note", "请填写情况说明。")]


@pytest.mark.parametrize("figures, box", [(dict(quantity=-1, people_served=5), "quantity"),
                                          (dict(quantity=3, people_served=-1), "people_served")])
def test_a_negative_figure_is_refused_under_its_box(world, people, figures, box):
    """「数量不能为负数」 is named under the box it was typed in, with the other
    mistakes, by the 补录 as by the report form (``reviews.report_figures``)."""
    from tracker.services import ServiceErrors

    item = f.item(world.unit, world.community, f.category())  # counts 棵 and 人
    db.session.commit()
    before = task_count()
    with pytest.raises(ServiceErrors) as refused:
        with unit_of_work():
            record_past_activity(world.liaison, item, data(people, note="", **figures))
    assert [(e.field, str(e.message)) for e in refused.value.errors] == [
        ("note", "请填写情况说明。"), (box, "数量不能为负数。")]
    assert task_count() == before
