"""A fixed year, 2022, for the 年度总结: the October dataset (``dataset.py``) plus
March and June (independent of today's date).

What it adds to October's world (its September and November activities, its pending
and returned reports, its funds ledger stay as they are):

- 何离职, on 县商务局's roll since always and off it from 1 August (switched off: the
  account left with the person), takes part in March;
- 林新, on the roll from 1 June (a new member), takes part in June;
- March: an 电子商务培训 (a 场 category, 受益 in 人次) and an 环境整治 (a 次 category
  counting no quantity);
- June: a 摸排 in 建设路社区一区 with four findings found in June — one handed over in
  June, two fixed in October, one still found —, a 牛皮癣清除 (a quantity category, in
  处) in 二区, a 慰问“空巢”老人 (受益 in 人), and an 环境整治 approved and then 作废:
  it counts nowhere.

杨磊 moves to 县财政局 on 1 December and 财政局党员 (of 县财政局, who took part in its
October briefing) to 县商务局 on 15 November.

张伟 takes part in March, June, September, October and November, 王芳 in March, June,
September, October and November: each is one person in the year, not five.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from tests import factories as f
from tests.needs.support import need
from tests.reports import dataset
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    Category,
    Finding,
    FindingKind,
    FindingStatus,
    FundEntry,
    Member,
    NeedKind,
    NeedStatus,
    ReportStatus,
    ResourceItem,
    RollPeriod,
    TaskReport,
    TaskStatus,
)
from tracker.services.voiding import void_activity

YEAR = 2022


def _at(month: int, day: int) -> datetime:
    # 09:00 in Asia/Shanghai is 01:00 UTC.
    return datetime(YEAR, month, day, 1, 0, tzinfo=timezone.utc)


def build() -> dataset.October:
    world = dataset.build()
    unit, liaison = world.unit, world.liaison
    members = world.members

    leaver = f.member(unit, name="何离职", phone="13800000020")
    stay = db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == leaver.id))
    stay.until = date(YEAR, 8, 1)  # last day on the roll: 31 July
    leaver.active = False
    joiner = f.member(unit, name="林新", phone="13800000021")
    stay = db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == joiner.id))
    stay.since = date(YEAR, 6, 1)
    world.members["何离职"], world.members["林新"] = leaver, joiner
    # 杨磊 moves to 县财政局 on 1 December; 财政局党员 (who led 县财政局's October
    # briefing in 解放路社区) moves the other way on 15 November
    stranger = db.session.scalar(select(Member).where(Member.name == "财政局党员"))
    for person, to, day in ((members["杨磊"], world.other_unit, date(YEAR, 12, 1)),
                            (stranger, unit, date(YEAR, 11, 15))):
        stay = db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == person.id))
        stay.until = day
        db.session.add(RollPeriod(member_id=person.id, unit_id=to.id, since=day))
        person.unit_id = to.id
    world.members["财政局党员"] = stranger

    def item(code, community, zone=None):
        """The unit's 2022 item of the line (October's, or a new one)."""
        category = db.session.scalar(select(Category).where(Category.code == code))
        found = db.session.scalar(select(ResourceItem).where(
            ResourceItem.unit_id == unit.id, ResourceItem.community_id == community.id,
            ResourceItem.category_id == category.id, ResourceItem.year == YEAR,
            ResourceItem.zone_id == zone.id if zone else ResourceItem.zone_id.is_(None)))
        return found or f.item(unit, community, code, year=YEAR, target=10, zone=zone)

    def activity(key, code, community, month, day, people, minutes, quantity, served,
                 zone=None):
        task = f.task(item(code, community, zone), liaison, starts_at=_at(month, day),
                      duration=timedelta(hours=4), slots=10, title=key,
                      status=TaskStatus.closed, leader=people[0])
        task.place = f"{community.name}{zone.name if zone else '党群服务中心'}"
        for person in people:
            db.session.add(Assignment(task_id=task.id, member_id=person.id,
                                      status=AssignmentStatus.done, minutes=minutes))
        task.taken = len(people)
        db.session.add(TaskReport(
            task_id=task.id, quantity=quantity, people_served=served, note=f"{key}，情况良好。",
            status=ReportStatus.approved, submitted_by_id=people[0].id,
            reviewed_by_id=liaison.id))
        db.session.flush()
        world.tasks[key] = task
        return task

    zhang, wang, li, liu, chen, yang = (members[n] for n in ("张伟", "王芳", "李娜", "刘洋",
                                                             "陈静", "杨磊"))
    jiefang, jianshe = world.jiefang, world.jianshe
    activity("三月电商培训", "ecommerce_training", jiefang, 3, 12, [zhang, wang, leaver],
             120, 0, 25)
    activity("三月环境整治", "environment_cleanup", jiefang, 3, 20, [zhang, li], 90, 1, 0)
    survey = activity("六月摸排", "facility_survey", jianshe, 6, 15, [liu, joiner], 150, 4, 0,
                      zone=world.zone1)
    activity("六月牛皮癣", "ad_removal", jianshe, 6, 18, [zhang, chen, joiner], 120, 30, 0,
             zone=world.zone2)
    activity("六月慰问", "elderly_visit", jiefang, 6, 25, [wang], 120, 6, 6)
    voided = activity("六月作废整治", "environment_cleanup", jiefang, 6, 28, [li, yang],
                      120, 1, 0)

    # 六月摸排's findings: 2 sewers, 1 sidewalk, 1 road, found 15 June; the sidewalk
    # handed over on 20 June, both sewers handed over in June and fixed on 10 October.
    steps = [(FindingKind.sewer, FindingStatus.fixed), (FindingKind.sewer, FindingStatus.fixed),
             (FindingKind.sidewalk, FindingStatus.handed_over),
             (FindingKind.road, FindingStatus.found)]
    for n, (kind, status) in enumerate(steps):
        db.session.add(Finding(
            task_id=survey.id, unit_id=unit.id, community_id=jianshe.id,
            zone_id=world.zone1.id, found_on=date(YEAR, 6, 15), kind=kind,
            place=f"建设路{n + 31}号", status=status,
            handed_to="县住建局" if status != FindingStatus.found else None,
            handed_over_on=date(YEAR, 6, 20) if status != FindingStatus.found else None,
            fixed_on=date(YEAR, 10, 10) if status == FindingStatus.fixed else None,
            created_by_id=survey.leader_id))
    # needs the liaison confirmed fulfilled: a 微心愿 张伟 claimed (June), a 社区需求 王芳
    # claimed (October), and a 微心愿 财政局党员 claimed after his move (December: the
    # unit's); one posted in June that nobody claimed
    for kind, claimer, posted, done in ((NeedKind.wish, zhang, date(YEAR, 6, 1), date(YEAR, 6, 20)),
                                        (NeedKind.need, wang, date(YEAR, 10, 2), date(YEAR, 10, 15)),
                                        (NeedKind.wish, stranger, date(YEAR, 12, 1),
                                         date(YEAR, 12, 5)),
                                        (NeedKind.need, None, date(YEAR, 6, 3), None)):
        need(jiefang, liaison, kind=kind, posted_on=posted, wanted_by=date(YEAR, 12, 31),
             status=NeedStatus.fulfilled if done else NeedStatus.open, claimer=claimer,
             fulfilled_on=done)
    # 1,200.50 spent in 建设路社区, which has no budget (no 共建活动经费 item there)
    db.session.add(FundEntry(unit_id=unit.id, community_id=jianshe.id,
                             entry_date=date(YEAR, 6, 18), amount_fen=120_050,
                             purpose="“双创”清除工具", created_by_id=liaison.id))
    db.session.commit()
    void_activity(voided, world.admin, "重复登记，实际未开展。")
    db.session.commit()
    return world
