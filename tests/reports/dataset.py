"""A fixed, deterministic world for October 2022 (independent of today's date).

县商务局 pairs with 解放路社区 and works in 建设路社区's zones 一区 and 二区 for
"双创". Fifteen members on roll (the branch secretary and the liaison volunteer, so
they are on it too), thirteen take part. Around the month: an activity in September
and one in November, a pending report, a returned one, another unit's activity in
the same community, a withdrawn and an absent participant, and the funds ledger with
a reversal; the year's budget is the 共建活动经费 item's money target.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from tests import factories as f
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    Finding,
    FindingKind,
    FindingStatus,
    FundEntry,
    ReportStatus,
    Role,
    TargetMeasure,
    TaskReport,
    TaskStatus,
)

YEAR, MONTH = 2022, 10
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴婷",
         "徐涛"]  # these take part, with the branch secretary (admin) and the liaison
IDLE = ["郑某某", "冯某某"]  # on roll, no participation in October


@dataclass
class October:
    unit: object
    other_unit: object
    jiefang: object
    jianshe: object
    zone1: object
    zone2: object
    admin: object
    liaison: object
    members: dict = field(default_factory=dict)
    tasks: dict = field(default_factory=dict)


def _at(day: int, hour: int = 9, month: int = MONTH, year: int = YEAR) -> datetime:
    # 09:00 in Asia/Shanghai is 01:00 UTC.
    return datetime(year, month, day, hour - 8, 0, tzinfo=timezone.utc)


def build() -> October:
    unit = f.unit("县商务局")
    other_unit = f.unit("县财政局")
    jiefang = f.community("解放路社区")
    jianshe = f.community("建设路社区")
    zone1 = f.zone(jianshe, "一区", unit)
    zone2 = f.zone(jianshe, "二区", unit)
    # The admin and the liaison are on the roll too (15 in all) and take part.
    admin = f.member(unit, Role.admin, "孙书记", phone="13800000000", on_roll=True)
    liaison = f.member(unit, Role.liaison, "钱联络", communities=[jiefang, jianshe],
                       phone="13800000001", on_roll=True)
    world = October(unit, other_unit, jiefang, jianshe, zone1, zone2, admin, liaison)
    for n, name in enumerate(NAMES + IDLE, start=2):
        world.members[name] = f.member(unit, name=name, phone=f"138000000{n:02d}")
    f.member(unit, name="已调离", phone="13800000099", active=False)
    stranger = f.member(other_unit, name="财政局党员", phone="13900000001")

    items = {}

    def item(code, community, zone=None, target=10, owner=unit):
        key = (code, community.id, zone.id if zone else None, owner.id)
        if key not in items:
            items[key] = f.item(owner, community, code, year=YEAR, target=target, zone=zone)
        return items[key]

    def activity(key, code, community, day, people, minutes, quantity, served, *,
                 zone=None, status=ReportStatus.approved, note="", month=MONTH,
                 owner=unit, title=None, extra=()):
        task = f.task(item(code, community, zone, owner=owner), liaison,
                      starts_at=_at(day, month=month), duration=timedelta(hours=4),
                      slots=10, title=title or key, status=TaskStatus.closed,
                      leader=people[0] if people else None)
        task.place = f"{community.name}{zone.name if zone else '党群服务中心'}"
        task.beneficiary = "社区居民"
        for person in people:
            db.session.add(Assignment(task_id=task.id, member_id=person.id,
                                      status=AssignmentStatus.done, minutes=minutes))
        for person, state in extra:
            db.session.add(Assignment(task_id=task.id, member_id=person.id, status=state))
        task.taken = len(people) + sum(1 for _p, s in extra if s != AssignmentStatus.withdrawn)
        db.session.add(TaskReport(
            task_id=task.id, quantity=quantity, people_served=served,
            note=note or f"{title or key}，情况良好。", status=status,
            submitted_by_id=(people[0] if people else liaison).id,
            reviewed_by_id=liaison.id if status != ReportStatus.submitted else None,
            return_reason="数量有误" if status == ReportStatus.returned else None,
        ))
        db.session.flush()
        world.tasks[key] = task
        return task

    m = [world.members[n] for n in NAMES] + [liaison, admin]
    # 结对共建 in 解放路社区
    activity("电商培训一", "ecommerce_training", jiefang, 8, m[0:3], 120, 35, 35,
             note="讲解网店开设和直播带货。")
    activity("电商培训二", "ecommerce_training", jiefang, 22, m[3:5], 120, 36, 36)
    activity("政策宣讲", "policy_briefing", jiefang, 15, m[5:8], 90, 40, 40)
    activity("结对帮扶", "household_assistance", jiefang, 20, m[8:10], 180, 0, 5)
    # 志愿服务 in 解放路社区
    activity("环境整治一", "environment_cleanup", jiefang, 9, m[0:6], 120, 1, 200,
             extra=[(world.members[IDLE[0]], AssignmentStatus.absent),
                    (world.members[IDLE[1]], AssignmentStatus.withdrawn)])
    activity("环境整治二", "environment_cleanup", jiefang, 23, m[6:11], 120, 1, 150)
    activity("疫情防控一", "epidemic_duty", jiefang, 12, m[10:13], 240, 12, 300)
    activity("疫情防控二", "epidemic_duty", jiefang, 19, m[0:3], 240, 12, 280)
    activity("疫情防控三", "epidemic_duty", jiefang, 27, m[3:6], 240, 12, 260)
    activity("慰问老人", "elderly_visit", jiefang, 26, m[11:13], 150, 9, 9)
    # "双创" in 建设路社区
    activity("牛皮癣一区", "ad_removal", jianshe, 16, m[0:4], 120, 47, 0, zone=zone1)
    activity("牛皮癣二区", "ad_removal", jianshe, 16, m[4:9], 120, 85, 0, zone=zone2)
    activity("楼道粉刷", "stairwell_painting", jianshe, 29, m[9:13], 240, 9, 60, zone=zone1)
    survey = activity("摸排", "facility_survey", jianshe, 30, m[1:4], 180, 17, 0, zone=zone2)
    # Not counted: pending, returned, other months, another unit.
    activity("待审核整治", "environment_cleanup", jiefang, 30, m[0:2], 120, 1, 50,
             status=ReportStatus.submitted)
    activity("被退回清除", "ad_removal", jianshe, 25, m[2:4], 120, 30, 0, zone=zone1,
             status=ReportStatus.returned)
    activity("九月培训", "ecommerce_training", jiefang, 28, m[0:2], 120, 20, 20, month=9)
    activity("十一月整治", "environment_cleanup", jiefang, 1, m[0:2], 120, 1, 30, month=11)
    activity("财政局宣讲", "policy_briefing", jiefang, 10, [stranger], 120, 25, 25,
             owner=other_unit)

    # Findings of the survey: 5 sewers, 7 sidewalks, 5 roads; 11 handed over, 3 of those fixed.
    kinds = [FindingKind.sewer] * 5 + [FindingKind.sidewalk] * 7 + [FindingKind.road] * 5
    for n, kind in enumerate(kinds):
        status = FindingStatus.found
        if n < 11:
            status = FindingStatus.fixed if n < 3 else FindingStatus.handed_over
        db.session.add(Finding(
            task_id=survey.id, unit_id=unit.id, community_id=jianshe.id, zone_id=zone2.id,
            found_on=date(YEAR, MONTH, 30), kind=kind, place=f"建设路{n + 1}号", status=status,
            handed_to="县住建局" if status != FindingStatus.found else None,
            handed_over_on=date(YEAR, MONTH, 31) if status != FindingStatus.found else None,
            fixed_on=date(YEAR, MONTH, 31) if status == FindingStatus.fixed else None,
            created_by_id=survey.leader_id,
        ))

    # Funds: budget 10,000.00; 3,000 + 2,600 before October, 2,800 in October, and a
    # mistaken 500 in October reversed the next day.
    f.item(unit, jiefang, "cobuild_funding", year=YEAR, target=1_000_000,
           measure=TargetMeasure.money)
    for day, fen, purpose in [(date(YEAR, 3, 10), 300_000, "电商培训场地和资料"),
                              (date(YEAR, 7, 5), 260_000, "困难群众慰问品"),
                              (date(YEAR, 10, 18), 280_000, "环境整治工具")]:
        db.session.add(FundEntry(unit_id=unit.id, community_id=jiefang.id, entry_date=day,
                                 amount_fen=fen, purpose=purpose, created_by_id=liaison.id))
    wrong = FundEntry(unit_id=unit.id, community_id=jiefang.id, entry_date=date(YEAR, 10, 19),
                      amount_fen=50_000, purpose="误登记", created_by_id=liaison.id)
    db.session.add(wrong)
    db.session.flush()
    db.session.add(FundEntry(unit_id=unit.id, community_id=jiefang.id,
                             entry_date=date(YEAR, 10, 19), amount_fen=-50_000,
                             purpose="冲销：误登记", reverses_id=wrong.id,
                             created_by_id=liaison.id))
    db.session.commit()
    return world
