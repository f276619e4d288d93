"""`flask seed-demo`: the world of the source document, always current.

县商务局 with about 30 members pairs with 解放路社区 (resource checklist: 电子商务培训,
招商引资政策宣讲, 困难群众结对帮扶, 共建活动经费, plus volunteer work) and helps 建设路社区
with "双创" in three responsibility zones. Activities in every state are spread over
the three months up to today, plus some upcoming, so the demo always looks current.
Everything goes through the services, as a liaison's and members' clicks would:
reports carry the figures their category counts (场 / 次, 完成数量, 受益 in their
units), a survey's findings are recorded before its report, the checklist's targets
each name their measure (the training's in 场, the funds' is the budget), the
admin's and the liaison's accounts are off the roll (计入参与统计), and last month's
summary has its 存在问题 and 下步打算 and is marked 已定稿.
Every month the demo holds has two approved visits or more of each kind (慰问“空巢”老人,
结对帮扶: ``_more_visits``), and 解放路社区's 服务对象 (8 空巢老人, 6 困难群众 households)
are named on them, each as many as its report's 受益, the same ones called on again
(``_name_visits``): a month's 月报 and a year read 「3户（5户次）」.
Last year is there too, small but whole (``_last_year``): its checklist, one approved
activity per category a quarter (every month of the year has some) and the visits, its
funds, a survey's findings, its words, and the unit's 年度总结 signed by the admin in
January — so a finished, 已定稿 year can be read.
The command is idempotent: a second run changes nothing.
"""
from __future__ import annotations

import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext
from sqlalchemy import event, select

from .extensions import db
from .models import (
    Assignment,
    AuditEvent,
    Category,
    Community,
    Finding,
    FindingKind,
    LoginSession,
    Member,
    NeedKind,
    ReportStatus,
    Resident,
    ResidentCategory,
    ResourceItem,
    Role,
    RollPeriod,
    SummaryScope,
    TargetMeasure,
    Task,
    TaskReport,
    TaskStatus,
    Unit,
    Zone,
)
from .backfill_requests.queries import requestable_tasks
from .reference import ensure_categories
from .participation import refreshed_once
from .rollups.coverage import on_roll
from .services.assigning import assign_member
from .services.claims import (
    claim_slot,
    confirm_participation,
    task_span_minutes,
    withdraw,
)
from .services.backfill import BackfillData, Participant, record_past_activity
from .services.backfill_requests import RequestData, ask_backfill
from .services.waitlist import join_waitlist
from .services.findings import FindingData, hand_over, mark_fixed, record_finding
from .services.funds import add_entry, reverse_entry
from .services.needs import (
    NeedData,
    claim_need,
    close_need,
    create_task_from_need,
    fulfil_need,
    post_need,
)
from .services.residents import VISIT_KINDS, ResidentData, create_resident, set_task_residents
from .services.sessions import begin_session
from .services.reviews import ReportData, approve_report, return_report, submit_report
from .reports.annual_final import finalize_year
from .reports.final import finalize
from .services.summary_notes import save_notes
from .services.tasks import TaskData, cancel_task, create_tasks, move_onto_year_items
from .services.year_notes import save_year_notes
from .timeutil import local_to_utc, local_today, month_bounds, utcnow

# bandit B105: the demo world only (seed-demo)
DEMO_PASSWORD = "demo1234"  # nosec B105
ADMIN_PHONE, LIAISON_PHONE = "13800000000", "13800000001"
UNIT = "县商务局"
PAIRED, DOUBLE = "解放路社区", "建设路社区"
ZONES = ("一区", "二区", "三区")

NAMES = [
    "周建国", "陈丽华", "刘志强", "王秀英", "李明", "张伟", "赵敏", "孙海燕", "吴俊", "郑红梅",
    "冯磊", "何静", "许文涛", "朱晓燕", "曹勇", "彭丽", "邓超", "罗婷", "梁斌", "宋佳",
    "唐军", "韩雪", "谢飞", "董芳", "萧然", "程刚", "袁莉", "蒋涛", "沈洁", "魏东",
]

# category code → (title, place, 服务对象, yearly target and what it counts, the range
# of the figure a report gives: 受益 or 完成数量 as the category counts, or None)
PAIRED_WORK = {
    "ecommerce_training": ("电子商务培训：农产品网店运营", "解放路社区党群服务中心", "社区居民",
                           (12, TargetMeasure.activities), (20, 38)),
    "policy_briefing": ("招商引资政策宣讲", "解放路社区会议室", "社区商户、居民",
                        (160, TargetMeasure.beneficiaries), (25, 45)),
    # a target of household-visits: the 6 households, called on twice a month by pairs
    "household_assistance": ("困难群众结对帮扶走访", "解放路社区", "困难群众",
                             (48, TargetMeasure.beneficiaries), (2, 5)),
    "environment_cleanup": ("环境整治：背街小巷清理", "解放路社区背街小巷", "社区居民",
                            (24, TargetMeasure.activities), None),
    "epidemic_duty": ("疫情防控值守：小区卡口", "解放路社区小区卡口", "进出居民",
                      (48, TargetMeasure.activities), None),
    "elderly_visit": ("慰问“空巢”老人", "解放路社区", "“空巢”老人",
                      (60, TargetMeasure.beneficiaries), (3, 7)),
}
DOUBLE_WORK = {
    "ad_removal": ("清除牛皮癣", "建设路社区", "社区居民", (300, TargetMeasure.quantity), (30, 70)),
    "stairwell_painting": ("楼道粉刷", "建设路社区老旧小区", "社区居民",
                           (30, TargetMeasure.quantity), (2, 5)),
    # the survey's 完成数量 is the findings recorded (see _record_findings)
    "facility_survey": ("下水道、人行道及破损道路摸排", "建设路社区", "社区居民",
                        (60, TargetMeasure.quantity), (3, 7)),
}
FUND_BUDGET_YUAN = 10_000
# the day of January the admin signs last year's 年度总结 (``seed_demo``), and the day
# of this month the liaison signed last month's 月报 (``_summary_words``): early in the
# next, as an office does, and a year's December before the year
YEAR_SIGNED_ON, MONTH_SIGNED_ON = 10, 5


@dataclass
class DemoWorld:
    unit: Unit
    admin: Member
    liaison: Member
    members: list[Member]
    items: dict  # (community name, zone name | None, code) → ResourceItem


@click.command("seed-demo")
@click.option("--i-know-this-is-production", "production_ok", is_flag=True,
              help="Load the demo into a production-mode installation anyway "
                   "(a demo server only: its accounts' password is in the README).")
@with_appcontext
def seed_demo_command(production_ok: bool):
    """Load the demo world (idempotent; prints the demo accounts)."""
    if current_app.config.get("ENV_MODE") == "production" and not current_app.testing \
            and not production_ok:
        raise click.ClickException(gettext(
            "这是生产环境（TRACKER_ENV=production）：演示数据会建立密码为 %(password)s 的"
            "管理员和联络员账号，已拒绝。演示数据只用于本机试用（TRACKER_ENV=development）；"
            "确为演示服务器，请加 --i-know-this-is-production。", password=DEMO_PASSWORD))
    if db.session.scalar(select(Member).where(Member.phone == ADMIN_PHONE)):
        click.echo("Demo data already present; nothing changed.")
    else:
        taken = _names_taken()
        if taken:
            raise click.ClickException(gettext(
                "数据库中已有“%(names)s”：演示数据只能装入没有这些单位、社区和演示手机号的数据库，"
                "未做任何改动。", names="”“".join(taken)))
        seed_demo(today=local_today())
        db.session.commit()
        click.echo("Demo data loaded.")
    click.echo(f"Accounts (password {DEMO_PASSWORD}):")
    click.echo(f"  admin    {ADMIN_PHONE}")
    click.echo(f"  liaison  {LIAISON_PHONE} ({PAIRED}, {DOUBLE})")
    click.echo("  members  13800000002 … 13800000029")


def _names_taken() -> list[str]:
    """The demo's unit, communities and phone numbers that a real installation already
    uses (each is unique: loading the demo would fail on it half-way)."""
    phones = [ADMIN_PHONE, LIAISON_PHONE, *(f"138000000{i:02d}" for i in range(2, 30))]
    return [*db.session.scalars(select(Unit.name).where(Unit.name == UNIT)),
            *db.session.scalars(select(Community.name).where(Community.name.in_((PAIRED, DOUBLE)))
                                .order_by(Community.name)),
            *db.session.scalars(select(Member.phone).where(Member.phone.in_(phones))
                                .order_by(Member.phone))]


def seed_demo(today: date) -> DemoWorld:
    # bandit B311: the same demo world every time, not a secret
    rng = random.Random(2022)  # nosec B311
    # some 200 activities, each reported, approved or recorded through the services,
    # each of them touching its counted rows (``tracker.participation``) in three to
    # six flushes: rewritten once each, at the end, before the month and the year are
    # signed (the first to read them) — the same rows, about a third less CPU
    # (docs/testing.md, session 37)
    with refreshed_once(db.session()):
        world = _people_and_places(today.year)
        _activities(world, today, rng)
        _more_visits(world, today)
        _seed_extras(world, today, rng)
    _summary_words(world, today)
    _login_devices(world)
    # the year signed last of all, once everything the demo holds of it is there, and
    # dated as an office signs its 年度总结: in January (the 10th, or today when that is
    # earlier), not whenever the demo happens to be loaded — through the 定稿 button's
    # own function, so the kept copy's 落款, its 定稿记录 and the audit row say that day
    signed_on = min(date(today.year, 1, YEAR_SIGNED_ON), today)
    finalize_year(world.admin, SummaryScope(unit_id=world.unit.id), today.year - 1,
                  today=signed_on, signed_at=_signed_at(signed_on))
    return world


def _signed_at(day: date) -> datetime:
    """When a document the demo signs on ``day`` was signed: 10:00 that day, or now
    when that is earlier (the demo loaded on that very morning)."""
    return min(local_to_utc(_at(day, 10)), utcnow())


def _people_and_places(year: int) -> DemoWorld:
    cats = ensure_categories()
    unit = Unit(name=UNIT)
    paired, double = Community(name=PAIRED), Community(name=DOUBLE)
    db.session.add_all([unit, paired, double])
    db.session.flush()
    zones = [Zone(community=double, name=name, unit_id=unit.id) for name in ZONES]
    db.session.add_all(zones)

    hasher = Member(name="", phone="")
    hasher.set_password(DEMO_PASSWORD)  # one scrypt hash for every demo account

    def person(phone, name, role, branch="机关党支部"):
        m = Member(name=name, phone=phone, unit=unit, role=role, branch=branch,
                   password_hash=hasher.password_hash)
        db.session.add(m)
        return m

    admin = person(ADMIN_PHONE, "局办公室管理员", Role.admin)
    liaison = person(LIAISON_PHONE, "社区联络员林芳", Role.liaison)
    liaison.communities = [paired, double]
    members = [person(f"138000000{i:02d}", NAMES[i - 2], Role.member) for i in range(2, 30)]
    db.session.flush()
    # the demo's roll: its members, as far back as its records go
    db.session.add_all(RollPeriod(member_id=m.id, unit_id=unit.id) for m in members)

    items = {}
    for code, (*_, (target, measure), _q) in PAIRED_WORK.items():
        items[(PAIRED, None, code)] = ResourceItem(unit=unit, community=paired, category=cats[code],
                                                   year=year, target=target,
                                                   target_measure=measure)
    # The budget is the funds item's money target: entered once, here.
    items[(PAIRED, None, "cobuild_funding")] = ResourceItem(
        unit=unit, community=paired, category=cats["cobuild_funding"], year=year,
        target=FUND_BUDGET_YUAN * 100, target_measure=TargetMeasure.money,
        description="共建活动经费年度预算")
    for zone in zones:
        for code, (*_, (target, measure), _q) in DOUBLE_WORK.items():
            items[(DOUBLE, zone.name, code)] = ResourceItem(
                unit=unit, community=double, zone=zone, category=cats[code], year=year,
                target=target // len(zones), target_measure=measure)
    db.session.add_all(items.values())
    db.session.flush()
    return DemoWorld(unit, admin, liaison, members, items)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def _evening(day: date) -> datetime:
    """17:00 of ``day``, Beijing time, in UTC: when the demo's office enters that day's
    spending (``_dated``)."""
    return local_to_utc(_at(day, 17))


def _what(key) -> tuple[str, str, str]:
    """An activity's title, place and 服务对象 on a checklist line (a zone's named)."""
    community, zone, code = key
    table = PAIRED_WORK if community == PAIRED else DOUBLE_WORK
    title, place, beneficiary, *_ = table[code]
    if zone:
        title, place = f"{title}（{zone}）", f"{place}{zone}"
    return title, place, beneficiary


def _new_task(world: DemoWorld, key, day: date, *, slots: int, leader: Member,
              start_hour: int = 9, hours: int = 2):
    community = key[0]
    title, place, beneficiary = _what(key)
    (task,) = create_tasks(world.liaison, world.items[key], TaskData(
        title=title, place=place, beneficiary=beneficiary,
        starts_local=_at(day, start_hour), ends_local=_at(day, start_hour + hours),
        slots=slots, leader=leader,
        description=f"按照单位资源清单，组织党员干部到{community}开展{title}。",
    ))
    return task


def _activities(world: DemoWorld, today: date, rng: random.Random) -> None:
    """Past activities in every state, and upcoming ones to claim."""
    keys = list(world.items)
    keys.remove((PAIRED, None, "cobuild_funding"))
    demo_member, demo_leader = world.members[0], world.members[1]
    days, day = [], _first_day(today)
    while True:
        day += timedelta(days=rng.choice((1, 2, 2, 3)))
        if day >= today:
            break
        days.append(day)
    # One report always waits longer than the 7 days a review should take, so the
    # 工作台 and the liaison's daily reminder digest have something to show.
    overdue_n = next((n for n, d in enumerate(days, start=1) if 9 <= (today - d).days <= 15), None)
    for n, day in enumerate(days, start=1):
        key = keys[n % len(keys)]
        leader = demo_leader if n % 3 == 0 else rng.choice(world.members[2:])
        crew = [leader, *rng.sample([m for m in world.members if m is not leader], rng.randint(2, 5))]
        # the demo member is on every fourth crew, and always on the one before the
        # last: it waits for a report ("stale") two to six days after it ended, so on
        # whatever day the demo is seeded they have hours to confirm (请确认服务时长)
        if (n % 4 == 0 or n == len(days) - 1) and demo_member not in crew:
            crew.append(demo_member)
        task = _new_task(world, key, day, slots=len(crew) + rng.randint(0, 3), leader=leader,
                         start_hour=rng.choice((9, 14)), hours=rng.choice((2, 3)))
        confirmed, submitted, reviewed = _on_time(task)
        with _dated(task.starts_at - timedelta(days=1)):
            for m in crew:
                assign_member(task, m, world.liaison)
        state = "submitted" if n == overdue_n else _past_state(n, len(days) - n, (today - day).days)
        if state == "cancelled":
            # A called-off activity: nobody took part.
            for a in list(task.assignments):
                a.status = a.status.withdrawn
            task.taken = 0
            cancel_task(task, world.liaison, "天气原因取消")
            continue
        absent = {crew[-1].id} if n % 5 == 0 else set()
        with _dated(confirmed) as at:
            for a in task.assignments:
                if a.member_id in absent or (state == "stale" and rng.random() < 0.5):
                    continue
                if a.member_id == demo_member.id and state in ("stale", "submitted"):
                    continue  # leaves something for the demo member to confirm
                span = int((task.ends_at - task.starts_at).total_seconds() // 60)
                confirm_participation(a, a.member, rng.choice([m for m in (60, 90, 120, 150, 180) if m <= span]))
            if key[2] == "facility_survey" and state != "stale":
                _record_findings(task, leader, rng, at)
        if state == "stale":
            continue
        figure = _figure(key, rng)
        with _dated(submitted):
            report = submit_report(task, leader, _report(task, figure, _note(task, figure), absent))
        with _dated(reviewed):
            if state == "approved":
                approve_report(report, world.liaison)
            elif state == "returned":
                return_report(report, world.liaison, "完成数量与现场照片不符，请核实后重新提交。")
            elif state == "resubmitted_then_approved":
                return_report(report, world.liaison, "请补充情况说明。")
                submit_report(task, leader, _report(task, figure,
                                                    _note(task, figure) + "已补充参与人员名单。",
                                                    absent))
                approve_report(report, world.liaison)
        _as_if_on_time(report, task)
    _upcoming(world, today, rng)


def _first_day(today: date) -> date:
    """The first day of the demo's recent months: the 1st of the month two before."""
    month = today.month - 2
    return date(today.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _on_time(task) -> tuple[datetime, datetime, datetime]:
    """When an office would have done a past activity's steps (never later than now):
    its hours confirmed two hours after it ended, its report submitted the day after
    and reviewed a day later — so waiting times (等待审核超过7天) look as they would, and
    nothing a month counts is dated after the 5th of the next, when it is signed
    (review docread40 #1)."""
    now = utcnow()
    submitted = min(task.ends_at + timedelta(hours=20), now)
    return (min(task.ends_at + timedelta(hours=2), submitted), submitted,
            min(submitted + timedelta(days=1), now))


def _as_if_on_time(report, task) -> None:
    """Reports are written today but dated as ``_on_time`` says (their audit rows are,
    as they are written: ``_dated``), and so are the participants' places and hours."""
    confirmed, report.submitted_at, reviewed = _on_time(task)
    if report.reviewed_at is not None:
        report.reviewed_at = reviewed
    for a in db.session.scalars(select(Assignment).where(Assignment.task_id == task.id)):
        a.claimed_at = min(task.starts_at - timedelta(days=1), utcnow())
        if a.confirmed_at is not None:
            a.confirmed_at = confirmed


def _entered_at(task: Task, at: datetime) -> None:
    """A 补录 entered at ``at`` (``_dated``'s): its task, participations, findings,
    report and review say so (review docread40 #1)."""
    task.created_at = at
    for a in db.session.scalars(select(Assignment).where(Assignment.task_id == task.id)):
        a.claimed_at = a.confirmed_at = at
    for finding in db.session.scalars(select(Finding).where(Finding.task_id == task.id)):
        finding.created_at = at
    task.report.submitted_at = task.report.reviewed_at = at


@contextmanager
def _dated(at: datetime):
    """The audit rows written inside dated ``at`` (or now, when that is earlier), as
    the demo dates what they record: the trail is append-only (``services.audit``), so
    they are dated as they are written, never changed after (review docread40 #1)."""
    at, session = min(at, utcnow()), db.session()

    def date_them(flushing, _context, _instances):
        for row in flushing.new:
            if isinstance(row, AuditEvent) and row.created_at is None:
                row.created_at = at

    event.listen(session, "before_flush", date_them)
    try:
        yield at
        session.flush()
    finally:
        event.remove(session, "before_flush", date_them)


def _past_state(n: int, from_last: int, age_days: int) -> str:
    """A spread of states: the latest activities wait for reports and reviews."""
    if from_last < 4:
        return ("submitted", "stale", "submitted", "returned")[from_last]
    if 8 <= age_days <= 20 and n % 5 == 0:
        return "submitted"  # waiting for review for more than 7 days
    if n % 11 == 0:
        return "returned"
    if n % 13 == 0:
        return "cancelled"
    if n % 9 == 0:
        return "stale"
    if n % 7 == 0:
        return "resubmitted_then_approved"
    return "approved"


def _figure(key, rng: random.Random) -> int | None:
    community, _zone, code = key
    span = (PAIRED_WORK if community == PAIRED else DOUBLE_WORK)[code][4]
    return rng.randint(*span) if span else None


def _report(task: Task, figure: int | None, note: str, absent: set[int]) -> ReportData:
    """The figure where the category counts it: 完成数量 or 受益 (a survey's 完成数量
    is its findings, recorded before)."""
    category = task.category
    quantity = figure if category.quantity_unit and not category.is_survey else None
    people = figure if category.beneficiary_unit else None
    return ReportData(quantity=quantity, people_served=people, note=note, absent_ids=absent)


def _note(task: Task, figure: int | None) -> str:
    found = len(task_findings(task)) if task.category.is_survey else None
    return _note_text(task.category, task.title, figure, found)


def _note_text(category: Category, title: str, figure: int | None, found: int | None) -> str:
    title = title.split("（")[0]
    if category.is_survey:
        return f"{title}顺利完成，登记问题{found}处，已拍照留存。"
    unit = category.quantity_unit or category.beneficiary_unit
    if figure is not None and unit:
        done = "完成" if category.quantity_unit else "服务群众"
        return f"{title}顺利完成，{done}{figure}{unit}，群众反映良好。"
    return f"{title}顺利完成，群众反映良好。"


def _upcoming(world: DemoWorld, today: date, rng: random.Random) -> None:
    keys = [(PAIRED, None, "ecommerce_training"), (PAIRED, None, "elderly_visit"),
            (DOUBLE, "一区", "ad_removal"), (PAIRED, None, "environment_cleanup"),
            (DOUBLE, "二区", "stairwell_painting"), (PAIRED, None, "policy_briefing"),
            (DOUBLE, "三区", "facility_survey"), (PAIRED, None, "epidemic_duty")]
    demo_member = world.members[0]
    for i, key in enumerate(keys):
        day = today + timedelta(days=2 + i * 2)
        task = _new_task(world, key, day, slots=(3 if i == 2 else 6 + i), leader=world.members[1 + i],
                         start_hour=rng.choice((9, 14)))
        if i == 2:  # a full task, with a 候补 line: one withdrawal already moved it on
            for m in world.members[10:13]:
                claim_slot(task, m)
            for m in (world.members[13], demo_member, world.members[14]):
                join_waitlist(task, m)
            withdraw(_holding(task, world.members[12]), world.members[12])
        elif i in (0, 3):
            claim_slot(task, demo_member)
        elif i % 2:
            claim_slot(task, world.members[15 + i])
    # A weekly series of epidemic-prevention duty.
    key = (PAIRED, None, "epidemic_duty")
    title, place, beneficiary, *_ = PAIRED_WORK["epidemic_duty"]
    start = today + timedelta(days=5)
    create_tasks(world.liaison, world.items[key], TaskData(
        title="疫情防控周末值守", place=place, beneficiary=beneficiary,
        starts_local=_at(start, 8), ends_local=_at(start, 12), slots=4,
        leader=world.members[5], repeat_until=start + timedelta(weeks=3),
        description="每周一次，小区卡口值守，协助核验健康码。"))


# --- the visits: two of each kind a month, so a 月报 reads 「3户（5户次）」 -------------------
# The rotation above has about one 走访慰问 and one 结对帮扶 a month: a month's 月报 would
# read the one visit's 「3户」, never the households beside the 户次. A second pass
# (``_more_visits`` for the recent months, ``_last_year`` for the year before) adds a
# pair's visit where a month has fewer than ``VISITS_A_MONTH`` approved visits of a kind,
# without drawing from the rotation's rng (the rest of the demo stays as it was); the
# visits name their 服务对象 afterwards (``_name_visits``), the same households again.
VISITS_A_MONTH = 2
# the 受益 of the added visits in turn, per kind: a pair calls on one to three
# households (空巢老人) — the last year's 20 a kind serve 40
VISIT_SERVED = (2, 1, 2, 3)
# the hour a recent added visit starts: the old people in the morning, the households
# in the afternoon; an hour each
VISIT_HOURS = {"elderly_visit": 10, "household_assistance": 15}


def _more_visits(world: DemoWorld, today: date) -> None:
    """The second pass over the demo's recent months: in each month (this one on the days
    before today, none yet when loaded on the 1st), a pair of members visits until there
    are ``VISITS_A_MONTH`` approved visits of each kind — assigned, confirmed, reported
    and approved as the rotation's are, on days spread over the month away from the
    kind's other visits, by members with nothing else that day (never the demo member,
    its leader, or the member asking to be recorded: what they see stays as it was)."""
    crews = [m for i, m in enumerate(world.members) if i not in (0, 1, 7)]
    turn, served = 0, dict.fromkeys(VISIT_KINDS, 0)
    month = _first_day(today)
    while month < today:
        end = min(month_bounds(month.year, month.month)[1], today) - timedelta(days=1)
        for j, code in enumerate(VISIT_KINDS):
            key = (PAIRED, None, code)
            taken = _visit_days(world, code, month, end)
            for day in _spread(month, end, taken["all"], VISITS_A_MONTH - len(taken["approved"]),
                               j):
                busy = set(db.session.scalars(select(Assignment.member_id).join(Task).where(
                    Task.service_date == day)))
                pair = []
                while len(pair) < 2:
                    member, turn = crews[turn % len(crews)], turn + 1
                    if member.id not in busy:
                        pair.append(member)
                figure = VISIT_SERVED[served[code] % len(VISIT_SERVED)]
                served[code] += 1
                task = _new_task(world, key, day, slots=2, leader=pair[0],
                                 start_hour=VISIT_HOURS[code], hours=1)
                confirmed, submitted, reviewed = _on_time(task)
                for m in pair:
                    with _dated(task.starts_at - timedelta(days=1)):
                        held = assign_member(task, m, world.liaison)
                    with _dated(confirmed):
                        confirm_participation(held, m, 60)
                with _dated(submitted):
                    report = submit_report(task, pair[0], _report(task, figure,
                                                                  _note(task, figure), set()))
                with _dated(reviewed):
                    approve_report(report, world.liaison)
                _as_if_on_time(report, task)
        month = month_bounds(month.year, month.month)[1]


def _visit_days(world: DemoWorld, code: str, start: date, end: date) -> dict:
    """The days from ``start`` to ``end`` with a visit of the kind (not called off):
    {"all": those days, "approved": one per approved visit}."""
    rows = db.session.execute(
        select(Task.service_date, TaskReport.status).join(Category)
        .outerjoin(TaskReport, TaskReport.task_id == Task.id)
        .where(Task.unit_id == world.unit.id, Category.code == code,
               Task.service_date >= start, Task.service_date <= end,
               Task.status != TaskStatus.cancelled)).all()
    return {"all": {day for day, _status in rows},
            "approved": [day for day, status in rows if status == ReportStatus.approved]}


def _spread(start: date, end: date, taken: set[date], wanted: int, kind: int,
            avoid: set[date] = frozenset()) -> list[date]:
    """``wanted`` days from ``start`` to ``end`` for visits of a kind: a week or more from
    the kind's other visits (``taken``) where the month allows, then the nearest to a plan
    spread over the month (the two kinds' turns apart); none of ``avoid``. Fewer when a
    young month has not enough days."""
    span, days, picked = (end - start).days, set(taken), []
    apart = span // (2 * VISITS_A_MONTH)
    for i in range(max(wanted, 0)):
        planned = start + timedelta(days=round(span * (2 * i + kind + 1) / (2 * VISITS_A_MONTH + 1)))
        free = [day for day in (start + timedelta(days=d) for d in range(span + 1))
                if day not in days and day not in avoid]
        if not free:
            break
        day = min(free, key=lambda day: (
            -min([apart, *(abs((day - other).days) for other in days)]),
            abs((day - planned).days), day))
        days.add(day)
        picked.append(day)
    return sorted(picked)


def _holding(task: Task, member: Member) -> Assignment:
    return db.session.scalar(select(Assignment).where(Assignment.task_id == task.id,
                                                      Assignment.member_id == member.id))


def _seed_extras(world: DemoWorld, today: date, rng: random.Random) -> None:
    """Funds, findings, residents, last year and the visits named, through their
    services too."""
    _funds(world, today, rng)
    _findings(world, today)
    _backfilled(world, today)
    _backfill_request(world, today)
    _residents(world, today)
    _needs(world, today)
    # after this year's (its rng draws and numbers are as they always were), from a
    # stream of its own (the same whatever day the demo is loaded on), and before last
    # month is signed: in January that month is last year's December
    _last_year(world, today, random.Random(today.year - 1))  # nosec B311
    # every visit of both years there, before any month or the year is signed
    # (``seed_demo``: last month's 月报, then the year)
    _name_visits(world, today)


def _login_devices(world: DemoWorld) -> None:
    """The first member is also logged in on a phone and an office computer, so 登录设备
    shows more than the browser one is looking from."""
    member = world.members[0]
    for device, days_ago in (("Android · 微信", 1), ("Windows · Chrome", 3)):
        begin_session(member, device=device, remembered=True, address=None)
        row = db.session.scalars(select(LoginSession).where(LoginSession.member_id == member.id)
                                 .order_by(LoginSession.id.desc())).first()
        row.created_at = row.last_seen_at = utcnow() - timedelta(days=days_ago)


def _funds(world: DemoWorld, today: date, rng: random.Random) -> None:
    paired = world.items[(PAIRED, None, "cobuild_funding")].community
    purposes = ("电子商务培训场地及资料费", "慰问“空巢”老人慰问品", "环境整治工具采购",
                "困难群众结对帮扶慰问金", "疫情防控值守物资")
    entries = []
    for months_back in (2, 1, 0):
        month = today.month - months_back
        year = today.year + (month - 1) // 12
        if year != today.year:
            continue  # a ledger holds one year; January's demo keeps to this year
        month = (month - 1) % 12 + 1
        for day in (6, 18):
            spent_on = date(year, month, min(day, 28))
            if spent_on > today:
                continue
            with _dated(_evening(spent_on)) as at:
                entries.append(add_entry(
                    world.liaison, world.unit, paired, year, entry_date=spent_on,
                    amount_fen=rng.choice((80_000, 120_000, 150_000, 96_050)),
                    purpose=rng.choice(purposes)))
                entries[-1].created_at = at
    if entries:  # one mistake put right by a reversing entry, as the ledger shows it
        with _dated(_evening(entries[-1].entry_date)) as at:
            wrong = add_entry(world.liaison, world.unit, paired, today.year,
                              entry_date=entries[-1].entry_date, amount_fen=50_000,
                              purpose="重复录入的物资费用")
            wrong.created_at = at
        with _dated(at + timedelta(minutes=30)) as at:
            reverse_entry(world.liaison, wrong, "重复录入").created_at = at


FINDING_KINDS = (FindingKind.sewer, FindingKind.sidewalk, FindingKind.road, FindingKind.other)
FINDING_PLACES = ("建设路12号门前", "建设路与人民路交叉口", "建设新村3栋旁", "建设路农贸市场北侧",
                  "建设路小学东门", "建设新村7栋后巷")
FINDING_DESCRIPTIONS = {
    FindingKind.sewer: "下水道井盖破损，存在安全隐患。",
    FindingKind.sidewalk: "人行道地砖松动、缺失。",
    FindingKind.road: "路面坑洼，雨天积水。",
    FindingKind.other: "路灯不亮，夜间通行不便。",
}


def _record_findings(task: Task, leader: Member, rng: random.Random, at: datetime) -> None:
    """The survey group records each spot it found (its 完成数量), before reporting:
    entered at ``at`` (``_dated``'s), not when the demo is loaded — after the 月报
    counting them was signed (review docread40 #1; the machine's clock hid it, clock50)."""
    for i in range(rng.randint(*DOUBLE_WORK["facility_survey"][4])):
        kind = FINDING_KINDS[(task.id + i) % len(FINDING_KINDS)]
        record_finding(task, leader, FindingData(
            kind=kind, place=rng.choice(FINDING_PLACES), description=FINDING_DESCRIPTIONS[kind],
        )).created_at = at


def task_findings(task: Task) -> list[Finding]:
    return list(db.session.scalars(select(Finding).where(
        Finding.task_id == task.id, Finding.active.is_(True)).order_by(Finding.id)))


def _findings(world: DemoWorld, today: date) -> None:
    """The liaison hands the findings of approved surveys over, and some are fixed
    (those of surveys still waiting for review, or returned, wait too)."""
    surveys = db.session.scalars(
        select(Task).join(Category).join(TaskReport, TaskReport.task_id == Task.id)
        .where(Category.code == "facility_survey", TaskReport.status == ReportStatus.approved)
        .order_by(Task.id)
    ).all()
    for task in surveys:
        age = (today - task.service_date).days
        for i, finding in enumerate(task_findings(task)):
            if age > 5 and i % 3 != 2:
                handed = task.service_date + timedelta(days=2)
                with _dated(_evening(handed)):
                    hand_over(finding, world.liaison, "县城市管理局", handed)
                if age > 20 and i % 2 == 0:
                    with _dated(_evening(handed + timedelta(days=10))):
                        mark_fixed(finding, world.liaison, handed + timedelta(days=10))


def _backfilled(world: DemoWorld, today: date) -> None:
    """An evening clean-up two days ago that nobody claimed in the app: the liaison
    records it afterwards (补录), with the demo member among the five who came."""
    crew = [world.members[0], *world.members[2:6]]
    day = today - timedelta(days=2)
    with _dated(local_to_utc(_at(day, 21, 30))) as at:  # entered that evening
        task = record_past_activity(
            world.liaison, world.items[(PAIRED, None, "environment_cleanup")], BackfillData(
                title="环境整治：晚间清理小广告（补录）", place="解放路社区幸福里",
                starts_local=_at(day, 19), ends_local=_at(day, 20, 30),
                participants=[Participant(m) for m in crew], leader=crew[1],
                beneficiary="社区居民", note="幸福里小区自发组织晚间清理，事后由联络员补录。"))
    _entered_at(task, at)


def _backfill_request(world: DemoWorld, today: date) -> None:
    """A member who came to a recent activity without claiming it asks to be recorded
    (我参加了但没有记录): pending, so the 工作台 shows 补录申请 1."""
    member = world.members[7]
    community = world.items[(PAIRED, None, "environment_cleanup")].community
    task = next((t for t in requestable_tasks(member, [community.id])
                 if t.report is None or t.report.status != ReportStatus.approved), None)
    if task is None:
        ask_backfill(member, community, RequestData(
            service_date=today - timedelta(days=1), minutes=120,
            description="在幸福里小区协助清理楼道杂物。", note="当天忘记在手机上认领。"))
    else:
        ask_backfill(member, community, RequestData(
            service_date=None, minutes=task_span_minutes(task), task=task,
            note="当天忘记在手机上认领，跟着组长一起参加了。"))


def _summary_words(world: DemoWorld, today: date) -> None:
    """Last month's 月报: the liaison writes 存在问题 and 下步打算 and marks it 已定稿
    (dated the 5th of this month, or now when that is earlier); this month's words are
    a draft."""
    unit = SummaryScope(unit_id=world.unit.id)
    last_year, last_month = (today.year - 1, 12) if today.month == 1 else (
        today.year, today.month - 1)
    save_notes(world.liaison, unit, last_year, last_month,
               "部分党员干部工作日参与时间不足，周末活动参与人数较多。\n"
               "建设路社区部分责任区牛皮癣反弹较快，需要反复清理。",
               "结合“双创”迎检安排周末分组清理，重点巩固一区、二区成果。\n"
               "继续做好“空巢”老人结对慰问和困难群众结对帮扶。")
    finalize(world.liaison, unit, last_year, last_month, today=today,
             signed_at=_signed_at(min(today.replace(day=MONTH_SIGNED_ON), today)))
    save_notes(world.liaison, unit, today.year, today.month,
               "摸排发现的部分问题移交后整改较慢。", "")


# 解放路社区's register (name, kind, address, phone): 空巢老人 are people, 困难群众 households
RESIDENTS = (
    ("刘桂兰", ResidentCategory.elderly, "解放路社区幸福里2栋101", "13907940001"),
    ("陈水生", ResidentCategory.elderly, "解放路社区幸福里5栋302", "13907940002"),
    ("黄金花", ResidentCategory.elderly, "解放路社区东风巷8号", None),
    ("周德顺", ResidentCategory.elderly, "解放路社区幸福里7栋102", "13907940006"),
    ("万秀珍", ResidentCategory.elderly, "解放路社区东风巷22号", "13907940007"),
    ("熊国华", ResidentCategory.elderly, "解放路社区幸福里1栋401", None),
    ("胡冬梅", ResidentCategory.elderly, "解放路社区解放路136号", "13907940009"),
    ("涂长根", ResidentCategory.elderly, "解放路社区东风巷3号", "13907940010"),
    ("吴志明", ResidentCategory.needy, "解放路社区东风巷15号", "13907940004"),
    ("杨春梅", ResidentCategory.needy, "解放路社区幸福里9栋201", "13907940005"),
    ("余建华", ResidentCategory.needy, "解放路社区东风巷27号", "13907940011"),
    ("邹小平", ResidentCategory.needy, "解放路社区幸福里11栋502", None),
    ("李凤英", ResidentCategory.needy, "解放路社区解放路98号", "13907940013"),
    ("罗宝林", ResidentCategory.needy, "解放路社区东风巷31号", "13907940014"),
)


def _residents(world: DemoWorld, today: date) -> None:
    """解放路社区's 空巢老人 and 困难群众, each paired with a member. Their consent was
    taken on a visit before the demo's records begin (in the days before last year's
    1 January), so a visit never names someone before they agreed to be recorded, and
    every visit of the demo's two years can name them (``_name_visits``)."""
    paired = world.items[(PAIRED, None, "cobuild_funding")].community
    first = date(today.year - 1, 1, 1)
    for n, (name, category, address, phone) in enumerate(RESIDENTS):
        create_resident(world.liaison, ResidentData(
            community_id=paired.id, name=name, category=category, address=address, phone=phone,
            notes="独居，子女在外地工作。" if category == ResidentCategory.elderly else "家庭收入较低。",
            consent_date=first - timedelta(days=10 + n),
            consent_method="入户走访时本人口头同意，联络员记录",
            paired_ids={world.members[n].id}))


def _name_visits(world: DemoWorld, today: date) -> None:
    """The visits that served the register's residents: each visit with a report, of
    last year and this, names exactly as many of its kind as its 受益, so the sums read
    「结对帮扶困难群众5户（9户次）」 (docs/design.md, "Categories") — and a month with
    two approved visits of a kind 「3户（5户次）」, never as many households as 户次: each
    visit begins with the household (person) the last approved one ended with, called
    on again, then the next ones in the register's order (``named_on_visit``).

    A visit waiting for its report (stale) names none: the leader names them with the
    report."""
    register = db.session.scalars(
        select(Resident).where(Resident.community_id == world.items[
            (PAIRED, None, "cobuild_funding")].community_id).order_by(Resident.id)).all()
    visits = db.session.scalars(
        select(Task).join(Category).join(TaskReport, TaskReport.task_id == Task.id).where(
            Task.unit_id == world.unit.id, Category.code.in_(tuple(VISIT_KINDS)),
            Task.service_date >= date(today.year - 1, 1, 1), Task.status != TaskStatus.cancelled)
        .order_by(Task.starts_at, Task.id)
    ).all()
    at = dict.fromkeys(VISIT_KINDS, 0)
    for task in visits:
        code, served = task.category.code, task.report.people_served
        kind = [r.id for r in register if r.category == VISIT_KINDS[code]]
        set_task_residents(task, world.liaison, named_on_visit(kind, at[code], served))
        if task.report.status == ReportStatus.approved and served:
            at[code] = (at[code] + min(served, len(kind)) - 1) % len(kind)


def named_on_visit(kind: list[int], at: int, served: int | None) -> set[int]:
    """The residents of a kind (in the register's order) a visit names: as many as its
    受益, from the ``at``-th on, in a rotation."""
    return {kind[(at + i) % len(kind)] for i in range(min(served or 0, len(kind)))}


def _needs(world: DemoWorld, today: date) -> None:
    """需求清单 / 微心愿 in every state: fulfilled, claimed (one for the unit, one
    overdue), open, turned into a task (已转任务), closed — posted by the liaison,
    through the services."""
    paired = world.items[(PAIRED, None, "household_assistance")]
    cleanup = world.items[(PAIRED, None, "environment_cleanup")]
    ads = world.items[(DOUBLE, ZONES[1], "ad_removal")]
    residents = {r.name: r.id for r in db.session.scalars(
        select(Resident).where(Resident.community_id == paired.community_id))}

    # Titles name nobody (every member reads the board); the 服务对象 field says who.
    def post(item, title, kind, days, *, resident=None, people=None, quantity=None,
             description=None):
        return post_need(world.liaison, NeedData(
            community_id=item.community_id, kind=kind, title=title, description=description,
            category_id=item.category_id, zone_id=item.zone_id,
            resident_id=residents.get(resident), resource_item_id=item.id,
            wanted_by=today + timedelta(days=days), people=people, quantity=quantity))

    glasses = post(paired, "为独居老人配一副老花镜", NeedKind.wish, 5, resident="刘桂兰",
                   people=1, description="老人视力下降，看不清药盒上的字。")
    claim_need(glasses, world.members[0])
    fulfil_need(glasses, world.liaison, "已陪同老人验光配镜，老人很满意。")
    wheelchair = post(paired, "帮空巢老人修理轮椅", NeedKind.wish, 10, resident="陈水生",
                      people=2, description="左轮松动，刹车失灵。")
    claim_need(wheelchair, world.members[1], for_unit=True)
    # posted a while ago, claimed the next evening and still not done: overdue. Posted
    # and claimed then, not today (their audit rows too, ``_dated``): twelve days back
    # may be last month, signed on the 5th, whose 本月发布 counts the need from its claim
    # on ("Whose a need is") — a claim entered after 定稿 would have the kept copy count
    # what was not there when it was signed (doc44 #4, review docread40 #1)
    posted_on = today - timedelta(days=12)
    with _dated(local_to_utc(_at(posted_on, 9))) as posted_at:
        groceries = post(paired, "每周帮独居老人代购米面", NeedKind.wish, 0, resident="黄金花",
                         people=1)
    with _dated(local_to_utc(_at(posted_on + timedelta(days=1), 20))) as claimed_at:
        claim_need(groceries, world.members[2])
    groceries.posted_on, groceries.wanted_by = posted_on, today - timedelta(days=2)
    groceries.created_at, groceries.claimed_at = posted_at, claimed_at
    groceries.updated_at = claimed_at
    post(paired, "为困难家庭孩子捐赠学习用品", NeedKind.wish, 20, resident="吴志明")
    post(cleanup, "幸福里小区楼道杂物清理", NeedKind.need, 14, people=6,
         description="3栋、5栋楼道堆放杂物，存在消防隐患。")
    sorting = post(cleanup, "垃圾分类入户宣传", NeedKind.need, 7, people=4)
    close_need(sorting, world.liaison, "街道已统一组织宣传，本社区不再单独开展。")
    post(ads, "二区背街小巷牛皮癣集中清理", NeedKind.need, 7, people=5, quantity=40)
    # turned into a task (已转任务): its approval will fulfil it; nobody claims it
    greenbelt = post(cleanup, "小区绿化带白色垃圾清捡", NeedKind.need, 10, people=3,
                     description="东风巷绿化带塑料袋、饭盒较多。")
    start = today + timedelta(days=6)
    create_task_from_need(world.liaison, greenbelt, cleanup, TaskData(
        title=greenbelt.title, place="解放路社区东风巷", beneficiary="社区居民",
        starts_local=_at(start, 15), ends_local=_at(start, 17), slots=3,
        description=greenbelt.description))


# --- last year: a finished year, signed ------------------------------------------------------
# One approved activity per category a quarter, the "双创" ones in each zone in turn, with
# the figures fixed here so the signed 年度总结 can be read against them (and its
# checklist reads some targets met, some not). Per line: the category, the crew (leader
# included), the hours, the figure each quarter (受益 or 完成数量 as the category counts
# it; a survey's is the findings it records), and the zone each quarter. The visits
# (结对帮扶, 慰问“空巢”老人) have more: a pair's, till each month has two of each kind
# (``VISITS_A_MONTH``), serving ``VISIT_SERVED`` in turn.
LAST_YEAR_WORK = (
    ("ecommerce_training", 4, 2, (26, 32, 28, 34), None),
    ("policy_briefing", 4, 2, (36, 40, 38, 42), None),
    ("household_assistance", 3, 2, (3, 3, 3, 3), None),
    ("environment_cleanup", 6, 2, (None, None, None, None), None),
    ("epidemic_duty", 4, 4, (None, None, None, None), None),
    ("elderly_visit", 3, 2, (5, 6, 4, 5), None),
    ("ad_removal", 6, 3, (45, 52, 46, 55), ("一区", "二区", "三区", "一区")),
    ("stairwell_painting", 5, 3, (4, 3, 5, 4), ("二区", "三区", "一区", "二区")),
    ("facility_survey", 3, 2, (3, 2, 3, 2), ("三区", "一区", "二区", "三区")),
)
# Last year's checklist: each line's target, in the measure this year's has.
LAST_YEAR_TARGETS = {
    "ecommerce_training": 4, "policy_briefing": 160, "household_assistance": 48,
    "environment_cleanup": 4, "epidemic_duty": 4, "elderly_visit": 60,
    "ad_removal": {"一区": 100, "二区": 50, "三区": 50},
    "stairwell_painting": {"一区": 4, "二区": 8, "三区": 4},
    "facility_survey": {"一区": 3, "二区": 3, "三区": 5},
}
LAST_YEAR_BUDGET_YUAN = 8_000
# (month, day, fen, purpose)
LAST_YEAR_FUNDS = ((3, 12, 120_000, "电子商务培训场地及资料费"),
                   (5, 20, 96_050, "慰问“空巢”老人慰问品"),
                   (8, 18, 150_000, "环境整治工具采购"),
                   (10, 16, 200_000, "困难群众结对帮扶慰问金"))
LAST_YEAR_PROBLEMS = (
    "部分党员干部工作日参与社区活动时间不足，活动多集中在周末。\n"
    "建设路社区责任区牛皮癣反复出现，三区清理目标未完成，巩固成果难度较大。\n"
    "摸排发现的部分问题移交后整改周期较长，群众仍有反映。")
LAST_YEAR_PLANS = (
    "结合社区居民实际需求，调整电子商务培训和招商引资政策宣讲内容，提高针对性。\n"
    "建立责任区常态化清理机制，分组包片，巩固“双创”成果。\n"
    "加强与县城市管理局沟通，跟踪摸排问题整改进度，做到件件有回音。")


def _last_year(world: DemoWorld, today: date, rng: random.Random) -> None:
    """Last year, as a unit that kept its ledger would have it: its checklist, its
    activities (补录, as a unit enters a year it did not record as it went: a task may
    not start more than a year before today, ``tasks.check_start_window``), its funds and
    findings, its words. ``seed_demo`` then signs the unit's 年度总结 as the admin,
    through the 定稿 button's own function (``annual_final.finalize_year``), so the kept
    copy is the one the app makes — last, after everything else the demo seeds: in
    January and February the demo's recent months reach into last year
    (``_activities``), and the signed year includes them — and dated in January, as an
    office signs it (``YEAR_SIGNED_ON``)."""
    year = today.year - 1
    items = _last_years_checklist(world, year)
    # in January and February the recent months' tasks of last year were put on this
    # year's items (last year had none yet): moved as the admin's new items move them
    move_onto_year_items(world.admin, items.values())
    # everyone takes part in turn (in the rng's order), each only on a day they were on
    # the unit's roll (the demo's roll has no dates yet: all of them, all year)
    order = list(world.members)
    rng.shuffle(order)
    turn, findings = 0, []
    # the days the demo already has an activity on: in January and February the recent
    # months reach into last year's November (December), and a member on two activities
    # at once would be refused — last year's keep to other days
    busy = set(db.session.scalars(select(Task.service_date)
                                  .where(Task.unit_id == world.unit.id)))
    for quarter in range(4):
        for i, (code, crew_size, hours, figures, zones) in enumerate(LAST_YEAR_WORK):
            # spread over the quarter's three months, each year's month with some
            day = _free_day(busy, date(year, quarter * 3 + 1 + i % 3, 5 + 3 * i))
            busy.add(day)
            key = (DOUBLE if zones else PAIRED, zones[quarter] if zones else None, code)
            on_roll_then = _on_roll(world, day)
            crew = []
            while len(crew) < crew_size:
                member, turn = order[turn % len(order)], turn + 1
                if member.id in on_roll_then:
                    crew.append(member)
            task = _past_activity(world, items[key], key, day, crew, hours, figures[quarter],
                                  len(findings), rng)
            findings.extend((quarter, f) for f in task_findings(task))
    # a pair's visits, as this year's (``_more_visits``), till each month of the year
    # has two approved of each kind — but the months of the recent ones, theirs already
    served, first = dict.fromkeys(VISIT_KINDS, 0), _first_day(today)
    for month in range(1, 13):
        start = date(year, month, 1)
        if start >= first:
            break
        for j, code in enumerate(VISIT_KINDS):
            key = (PAIRED, None, code)
            end = month_bounds(start.year, start.month)[1] - timedelta(days=1)
            have = _visit_days(world, code, start, end)
            for day in _spread(start, end, have["all"], VISITS_A_MONTH - len(have["approved"]),
                               j, avoid=busy):
                busy.add(day)
                on_roll_then, pair = _on_roll(world, day), []
                while len(pair) < 2:
                    member, turn = order[turn % len(order)], turn + 1
                    if member.id in on_roll_then:
                        pair.append(member)
                figure = VISIT_SERVED[served[code] % len(VISIT_SERVED)]
                served[code] += 1
                _past_activity(world, items[key], key, day, pair, 1, figure, 0, rng)
    _last_years_findings(world, findings)
    paired = items[(PAIRED, None, "cobuild_funding")].community
    for month, day, fen, purpose in LAST_YEAR_FUNDS:
        with _dated(_evening(date(year, month, day))) as at:
            add_entry(world.liaison, world.unit, paired, year, entry_date=date(year, month, day),
                      amount_fen=fen, purpose=purpose).created_at = at
    save_year_notes(world.liaison, SummaryScope(unit_id=world.unit.id), year,
                    LAST_YEAR_PROBLEMS, LAST_YEAR_PLANS)


def _free_day(busy: set[date], planned: date) -> date:
    """``planned``, or the nearest day of its month not in ``busy`` (the earlier of two
    as near), by the 29th: a survey's findings are handed over two days after, still in
    the year."""
    days = sorted(range(1, 30), key=lambda d: (abs(d - planned.day), d))
    return next(day for day in (planned.replace(day=d) for d in days) if day not in busy)


def _last_years_checklist(world: DemoWorld, year: int) -> dict:
    """Last year's items: this year's lines, with ``LAST_YEAR_TARGETS``."""
    cats = {item.category.code: item.category for item in world.items.values()}
    items = {}
    for (community, zone, code), this_years in world.items.items():
        if code == "cobuild_funding":
            target = LAST_YEAR_BUDGET_YUAN * 100
        else:
            target = LAST_YEAR_TARGETS[code]
            target = target[zone] if zone else target
        items[(community, zone, code)] = ResourceItem(
            unit=world.unit, community=this_years.community, zone=this_years.zone,
            category=cats[code], year=year, target=target,
            target_measure=this_years.target_measure, description=this_years.description)
    db.session.add_all(items.values())
    db.session.flush()
    return items


def _on_roll(world: DemoWorld, day: date) -> set[int]:
    """The ids of the members on the demo unit's roll (在册) on ``day``."""
    return set(db.session.scalars(select(RollPeriod.member_id)
                                  .where(*on_roll(world.unit.id, day))))


def _past_activity(world: DemoWorld, item: ResourceItem, key, day: date, crew: list[Member],
                   hours: int, figure: int | None, numbered: int,
                   rng: random.Random) -> Task:
    """One of last year's activities, recorded afterwards (补录) with its report; a
    survey records ``figure`` findings, of each kind in turn (``numbered`` found before)."""
    category = item.category
    title, place, beneficiary = _what(key)
    found = []
    if category.is_survey:
        for n in range(numbered, numbered + figure):
            kind = FINDING_KINDS[n % len(FINDING_KINDS)]
            found.append(FindingData(kind=kind, place=FINDING_PLACES[n % len(FINDING_PLACES)],
                                     description=FINDING_DESCRIPTIONS[kind]))
    start_hour = 8 if hours > 3 else rng.choice((9, 14))
    # entered an hour after it ended, as the unit recorded its year (review docread40 #1)
    with _dated(local_to_utc(_at(day, start_hour + hours + 1))) as at:
        task = record_past_activity(world.liaison, item, BackfillData(
            title=title, place=place, beneficiary=beneficiary,
            starts_local=_at(day, start_hour), ends_local=_at(day, start_hour + hours),
            participants=[Participant(m) for m in crew], leader=crew[0],
            note=_note_text(category, title, figure, len(found)),
            quantity=figure if category.quantity_unit and not category.is_survey else None,
            people_served=figure if category.beneficiary_unit else None,
            description=f"按照单位资源清单，组织党员干部到{key[0]}开展{title}。",
            findings=found))
    _entered_at(task, at)
    return task


def _last_years_findings(world: DemoWorld, findings: list) -> None:
    """The surveys' findings handed over to 县城市管理局 two days after, the first
    half year's fixed ten days after that; of the fourth quarter's, one handed over and
    one still waiting."""
    fourth = [finding for quarter, finding in findings if quarter == 3]
    for quarter, finding in findings:
        if quarter == 3 and finding is not fourth[0]:
            continue
        handed = finding.found_on + timedelta(days=2)
        with _dated(_evening(handed)):  # its audit row dated that day (docread40 #1)
            hand_over(finding, world.liaison, "县城市管理局", handed)
        if quarter < 2:
            with _dated(_evening(handed + timedelta(days=10))):
                mark_fixed(finding, world.liaison, handed + timedelta(days=10))
