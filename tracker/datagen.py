"""`flask generate-data`: a realistic county-scale data set, built in bulk.

Units, communities with responsibility zones, members (a liaison per community, one
admin), three years of resource checklists with targets, and tasks spread over the
years up to a month ahead — in every state: open / closed / cancelled tasks,
claimed / assigned / checked-in / done / absent / withdrawn participations,
submitted / approved / returned / voided reports (or none yet), findings in every status,
and the funds ledger.

Rows are built in Python with explicit ids and written with Core ``insert()`` as
executemany in batches, one transaction per batch, so a million participations
take minutes on SQLite or PostgreSQL. Old work is settled (approved or cancelled);
the last two months hold what is still moving (pending, returned, unreported).
"""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

import click
from flask.cli import with_appcontext
from sqlalchemy import func, insert, select, text
from werkzeug.security import generate_password_hash

from .extensions import db
from .models import (
    Assignment,
    AssignmentStatus,
    Community,
    CountedParticipation,
    Finding,
    FindingKind,
    FindingStatus,
    FundEntry,
    HoursOrigin,
    Member,
    ReportStatus,
    ResourceItem,
    Role,
    Resident,
    ResidentCategory,
    RollPeriod,
    TargetMeasure,
    Task,
    TaskReport,
    TaskStatus,
    Unit,
    Zone,
    liaison_community,
    task_resident,
)
from .name_order import name_key
from .natural import sort_key
from .participation import rebuild as rebuild_counted
from .participation import rebuild_served
from .report_owed import rebuild as rebuild_report_owed
from .reference import ensure_categories
from .timeutil import LOCAL_TZ, local_today

# bandit B105: the benchmark data's own accounts, never real ones
PASSWORD = "demo1234"  # nosec B105
SETTLED_AFTER_DAYS = 60  # older work is approved or cancelled
FUTURE_DAYS = 30
FUTURE_SHARE = 0.03

UNIT_NAMES = [
    "县商务局", "县财政局", "县发展和改革局", "县教育局", "县科技局", "县工业和信息化局",
    "县民政局", "县司法局", "县人力资源和社会保障局", "县自然资源局", "县生态环境局",
    "县住房和城乡建设局", "县交通运输局", "县水利局", "县农业农村局", "县文化和旅游局",
    "县卫生健康委员会", "县退役军人事务局", "县应急管理局", "县审计局", "县市场监督管理局",
    "县统计局", "县医疗保障局", "县林业局", "县城市管理局", "县行政审批服务局", "县信访局",
    "县档案馆", "县图书馆", "县总工会", "团县委", "县妇联", "县科协", "县残联", "县供销社",
    "县税务局", "县气象局", "县邮政分公司", "县烟草专卖局", "县融媒体中心",
]
ROADS = [
    "解放路", "建设路", "人民路", "中山路", "文化路", "和平路", "新华路", "胜利路", "光明路",
    "幸福路", "团结路", "友谊路", "青年路", "东风路", "朝阳路", "长江路", "黄河路", "振兴路",
    "育才路", "康宁路", "滨河路", "北门", "南关", "西街", "东街", "城关", "花园", "龙泉",
    "凤凰", "金桥", "银杏", "玉兰", "翠竹", "桃园", "柳岸", "书院", "学府", "锦绣", "新城", "古城",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英霞平刚桂兰华建国红梅玉文斌辉鹏飞宇浩然晨阳欣怡思雨子涵佳琪博文志强海燕凤春晓东丹萍慧颖健波林峰亮宁婷"

# code: (target range in the category's default measure (yuan for the funds' budget),
# quantity per task range, people served per task range); the counted figures keep
# only those the category has a unit for (tracker/participation.py)
MEASURES = {
    "ecommerce_training": ((60, 200), (8, 40), (8, 40)),
    "policy_briefing": ((50, 300), (10, 60), (10, 60)),
    "household_assistance": ((5, 30), (1, 3), (1, 6)),
    "cobuild_funding": ((5000, 50000), (1, 1), (0, 30)),  # target in yuan
    "environment_cleanup": ((6, 24), (1, 1), (0, 80)),
    "epidemic_duty": ((50, 300), (4, 24), (20, 300)),
    "elderly_visit": ((20, 100), (2, 10), (2, 10)),
    "ad_removal": ((100, 600), (10, 80), (0, 0)),
    "stairwell_painting": ((5, 40), (1, 4), (0, 40)),
    "facility_survey": ((10, 60), (0, 6), (0, 0)),
}
COMMUNITY_CODES = ["ecommerce_training", "policy_briefing", "household_assistance",
                   "cobuild_funding", "environment_cleanup", "epidemic_duty", "elderly_visit"]
# 共建活动经费 is money, not activities: the app makes no task on it
# (``services.tasks.check_item_takes_activities``), its items get fund entries only
NO_TASK_CODES = {"cobuild_funding"}
ZONE_CODES = ["ad_removal", "stairwell_painting", "facility_survey"]
PLACES = ["社区活动中心", "社区党群服务中心", "小区广场", "居民楼道", "沿街商铺", "老旧小区",
          "农贸市场周边", "背街小巷", "社区卫生服务站", "学校周边"]
FINDING_PLACES = ["号楼前", "路口东侧", "小区北门", "菜市场旁", "公交站台", "路段中部", "巷口"]


@dataclass
class Plan:
    members: int = 2000
    communities: int = 20
    zones: int = 100
    tasks: int = 10000
    assignments: int = 100000
    years: int = 3
    seed: int = 2022
    batch: int = 10000
    today: date | None = None
    # every reported visit names its 服务对象 (``name_served``): off by default, so the
    # set is the one earlier benchmarks were measured on
    served: bool = False


@dataclass
class _Ids:
    """Next free id per table (explicit ids: no RETURNING round trips)."""

    next: dict = field(default_factory=dict)

    def take(self, table: str, n: int = 1) -> int:
        first = self.next[table]
        self.next[table] = first + n
        return first


TABLES = [Unit, Community, Zone, Member, RollPeriod, ResourceItem, Task, Assignment, TaskReport,
          Finding, FundEntry, Resident]


class Writer:
    """Buffers rows per table and writes them in batches, parents first."""

    def __init__(self, batch: int):
        self.batch = batch
        self.buffers: dict = {}
        self.counts: dict = {}

    def add(self, table, row: dict) -> None:
        buf = self.buffers.setdefault(table, [])
        buf.append(row)

    def flush(self, *tables) -> None:
        for table in tables:
            rows = self.buffers.get(table)
            while rows:
                chunk, rows[:] = rows[: self.batch], rows[self.batch:]
                db.session.execute(insert(table), chunk)
                db.session.commit()  # one transaction per batch
                name = getattr(table, "name", str(table))
                self.counts[name] = self.counts.get(name, 0) + len(chunk)


def _table(model):
    return model.__table__


def generate(plan: Plan, progress=None) -> dict:
    """Build the data set; returns the number of rows written per table."""
    # bandit B311: reproducible test data, not a secret
    rng = random.Random(plan.seed)  # nosec B311
    today = plan.today or local_today()
    cats = ensure_categories()
    db.session.commit()
    ids = _Ids({m.__tablename__: int(db.session.scalar(select(func.coalesce(func.max(m.id), 0)))) + 1
                for m in TABLES})
    taken_units = set(db.session.scalars(select(Unit.name)))
    taken_coms = set(db.session.scalars(select(Community.name)))
    last_phone = db.session.scalar(select(func.max(Member.phone)).where(Member.phone.like("19%")))
    db.session.commit()  # no read transaction held while the batches write
    writer = Writer(plan.batch)
    password_hash = generate_password_hash(PASSWORD, method="scrypt")
    now = datetime.now(timezone.utc)

    # --- units, communities, zones --------------------------------------------------
    n_units = max(1, plan.members // 200)
    unit_ids = []
    for i in range(n_units):
        base = UNIT_NAMES[i % len(UNIT_NAMES)]
        name = base if i < len(UNIT_NAMES) else f"{base}（{i // len(UNIT_NAMES) + 1}）"
        while name in taken_units:
            name += "·样本"
        taken_units.add(name)
        uid = ids.take("unit")
        unit_ids.append(uid)
        writer.add(_table(Unit), {"id": uid, "name": name, "sort_key": sort_key(name),
                                  "active": True})
    com_ids, com_unit = [], {}
    for i in range(plan.communities):
        base = ROADS[i % len(ROADS)]
        name = f"{base}社区" if i < len(ROADS) else f"{base}第{i // len(ROADS) + 1}社区"
        while name in taken_coms:
            name = name.replace("社区", "·样本社区", 1)
        taken_coms.add(name)
        cid = ids.take("community")
        com_ids.append(cid)
        com_unit[cid] = unit_ids[i % n_units]
        writer.add(_table(Community), {"id": cid, "name": name, "sort_key": sort_key(name),
                                       "active": True})
    zones_of: dict[int, list[int]] = {cid: [] for cid in com_ids}
    for i in range(plan.zones):
        cid = com_ids[i % len(com_ids)]
        zid = ids.take("zone")
        zones_of[cid].append(zid)
        writer.add(_table(Zone), {"id": zid, "community_id": cid, "unit_id": com_unit[cid],
                                  "name": (zone := f"第{len(zones_of[cid])}责任区"),
                                  "sort_key": sort_key(zone), "active": True})
    writer.flush(_table(Unit), _table(Community), _table(Zone))

    # --- members ------------------------------------------------------------------
    phone = int(last_phone) + 1 if last_phone else 19000000000
    pool: dict[int, list[int]] = {uid: [] for uid in unit_ids}
    liaison_of: dict[int, int] = {}
    admin_id = None
    for i in range(plan.members):
        uid = unit_ids[i % n_units]
        mid = ids.take("member")
        role = Role.member
        if admin_id is None:
            role, admin_id = Role.admin, mid
        active = rng.random() > 0.02 or role == Role.admin
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
        writer.add(_table(Member), {
            "id": mid, "name": name, "name_key": name_key(name),
            "phone": f"{phone + i:011d}", "password_hash": password_hash, "unit_id": uid,
            "branch": None, "role": role, "active": active, "on_roll": Member.on_roll_by_default(role),
            "created_at": now - timedelta(days=plan.years * 366),
        })
        if active:
            pool[uid].append(mid)
    for cid in com_ids:  # one liaison per community, from the paired unit
        candidates = [m for m in pool[com_unit[cid]] if m != admin_id and m not in liaison_of.values()]
        if candidates:
            liaison_of[cid] = candidates[0]
    liaison_ids = set(liaison_of.values())
    stays = []
    for row in writer.buffers[_table(Member)]:
        if row["id"] in liaison_ids:
            row["role"], row["on_roll"] = Role.liaison, False
        if row["active"] and row["on_roll"]:  # on the roll as far back as the data goes
            stays.append({"id": ids.take("roll_period"), "member_id": row["id"],
                          "unit_id": row["unit_id"], "since": None, "until": None})
    writer.flush(_table(Member))
    for stay in stays:
        writer.add(_table(RollPeriod), stay)
    writer.flush(_table(RollPeriod))
    for cid, mid in liaison_of.items():
        writer.add(liaison_community, {"member_id": mid, "community_id": cid})
    writer.flush(liaison_community)

    # --- resource checklist and budgets, per year -------------------------------------
    first_year = today.year - plan.years + 1
    items_by_year: dict[int, list[tuple]] = {}  # the items tasks are made on
    funded: list[tuple] = []  # the 共建活动经费 items: (item, unit, community, year)
    for year in range(first_year, today.year + 1):
        items = items_by_year.setdefault(year, [])
        for cid in com_ids:
            uid = com_unit[cid]
            for code in COMMUNITY_CODES:
                lo, hi = MEASURES[code][0]
                target = rng.randint(lo, hi)
                measure = cats[code].default_measure  # the funds' is money: the budget
                iid = ids.take("resource_item")
                writer.add(_table(ResourceItem), {
                    "id": iid, "unit_id": uid, "community_id": cid, "zone_id": None,
                    "category_id": cats[code].id, "year": year,
                    "target": target * 100 if measure == TargetMeasure.money else target,
                    "target_measure": measure, "description": None, "active": True})
                if code in NO_TASK_CODES:
                    funded.append((iid, uid, cid, year))
                else:
                    items.append((iid, uid, cid, None, code))
            for zid in zones_of[cid]:
                for code in ZONE_CODES:
                    lo, hi = MEASURES[code][0]
                    iid = ids.take("resource_item")
                    writer.add(_table(ResourceItem), {
                        "id": iid, "unit_id": uid, "community_id": cid, "zone_id": zid,
                        "category_id": cats[code].id, "year": year, "target": rng.randint(lo, hi),
                        "target_measure": cats[code].default_measure, "description": None,
                        "active": True})
                    items.append((iid, uid, cid, zid, code))
    writer.flush(_table(ResourceItem))
    _fund_entries(rng, writer, ids, funded, liaison_of, admin_id, today)
    writer.flush(_table(FundEntry))

    # --- tasks and everything under them, in chunks ------------------------------------
    start = date(first_year, 1, 1)
    past_days = (today - start).days + 1
    average = plan.assignments / max(1, plan.tasks)
    sizes = [max(1, int(rng.gauss(average, max(1.0, average / 3)))) for _ in range(plan.tasks)]
    gap = plan.assignments - sum(sizes)
    while gap:  # make the total exact
        i = rng.randrange(plan.tasks)
        if gap > 0:
            sizes[i] += 1
            gap -= 1
        elif sizes[i] > 1:
            sizes[i] -= 1
            gap += 1
    # Days first, in order: ids then grow with the date, as they do when liaisons
    # create tasks week by week (and the indexes see the locality real data has).
    days = sorted(
        today + timedelta(days=rng.randint(1, FUTURE_DAYS)) if rng.random() < FUTURE_SHARE
        else start + timedelta(days=rng.randrange(past_days))
        for _ in range(plan.tasks)
    )
    chunk = max(1, plan.batch // 2)
    owed = _states_owed()
    for first in range(0, plan.tasks, chunk):
        for n in range(first, min(plan.tasks, first + chunk)):
            _one_task(rng, writer, ids, cats, items_by_year, pool, liaison_of, admin_id, sizes[n],
                      days[n], today, now, owed)
        writer.flush(_table(Task), _table(Assignment), _table(TaskReport), _table(Finding),
                     _table(FundEntry))
        if progress:
            progress(min(plan.tasks, first + chunk) - first)

    db.session.commit()
    # The rows above bypassed the ORM, so the hook that keeps the counted
    # participations did not see them: derive the table once, in bulk.
    writer.counts[CountedParticipation.__tablename__] = rebuild_counted(db.session.connection())
    rebuild_report_owed(db.session.connection())
    db.session.commit()
    if plan.served:
        writer.counts.update(name_served(plan.seed, plan.batch, vacuum=False))
    _reset_sequences()
    return writer.counts


# a community's register of each kind: (fewest, most) records; at least the largest
# 受益 of a visit of that kind (``MEASURES``), so every visit can name as many as it served
REGISTER = {ResidentCategory.needy: (12, 40), ResidentCategory.elderly: (15, 50)}


def name_served(seed: int = Plan.seed, batch: int = Plan.batch, *, vacuum: bool = True) -> dict:
    """Give every community a register of 困难群众 households and 空巢老人 (consent taken
    before the data's first day), and have every visit with a report (结对帮扶,
    走访慰问: ``services.residents.VISIT_KINDS``) name exactly as many of its kind as its
    受益, as a leader does with the report — so the sums of 受益 give households /
    people (``rollups.served``). As in the demo (``demo._name_visits``), each visit of a
    community begins with the household (person) the last approved one ended with,
    called on again, then the next ones in the register's order: the same households
    are visited again within a month, the distinct count below the 户次.

    Works on a generated set (``generate`` with ``Plan.served``, or afterwards on one
    generated without: ``bench/run.py --named``); names nothing twice. Returns the rows
    written per table."""
    # imported here: services import the rollups, which this module's callers load first
    from .services.residents import VISIT_KINDS
    # its own generator: the rest of the data set is the same with or without the names
    rng = random.Random(seed + 1)  # nosec B311 — test data
    writer = Writer(batch)
    codes = {cat.id: cat.code for cat in ensure_categories().values() if cat.code in VISIT_KINDS}
    db.session.commit()
    if db.session.scalar(select(func.count()).select_from(task_resident)):
        return {}
    visits = db.session.execute(
        select(Task.id, Task.community_id, Task.category_id, TaskReport.people_served,
               TaskReport.status)
        .join(TaskReport, TaskReport.task_id == Task.id)
        .where(Task.category_id.in_(tuple(codes)))
        .order_by(Task.starts_at, Task.id)).all()
    first_day = db.session.scalar(select(func.min(Task.service_date))) or local_today()
    creators = dict(db.session.execute(select(liaison_community.c.community_id,
                                              func.min(liaison_community.c.member_id))
                                       .group_by(liaison_community.c.community_id)).all())
    admin_id = db.session.scalar(select(func.min(Member.id)).where(Member.role == Role.admin))
    next_id = int(db.session.scalar(select(func.coalesce(func.max(Resident.id), 0)))) + 1
    db.session.commit()
    register: dict[tuple[int, ResidentCategory], list[int]] = {}
    for community_id in sorted({v.community_id for v in visits}):
        for kind, (fewest, most) in REGISTER.items():
            ids = register.setdefault((community_id, kind), [])
            for n in range(rng.randint(fewest, most)):
                name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
                writer.add(_table(Resident), {
                    "id": next_id, "community_id": community_id, "name": name,
                    "category": kind, "address": f"{rng.randint(1, 30)}栋{rng.randint(1, 6)}0{rng.randint(1, 4)}",
                    "phone": None, "notes": None,
                    "consent_date": first_day - timedelta(days=10 + n),
                    "consent_method": "入户走访时本人口头同意，联络员记录", "active": True,
                    "archived_at": None, "erased_at": None,
                    "created_by_id": creators.get(community_id, admin_id),
                    "created_at": _local(first_day - timedelta(days=10 + n), 17)})
                ids.append(next_id)
                next_id += 1
    writer.flush(_table(Resident))
    at: dict[tuple[int, ResidentCategory], int] = {}
    for visit in visits:
        key = (visit.community_id, VISIT_KINDS[codes[visit.category_id]])
        kind, start = register[key], at.get(key, 0)
        served = min(visit.people_served or 0, len(kind))
        for i in range(served):
            writer.add(task_resident, {"task_id": visit.id, "resident_id": kind[(start + i) % len(kind)]})
        if visit.status == ReportStatus.approved and served:
            at[key] = (start + served - 1) % len(kind)
    writer.flush(task_resident)
    # written past the ORM: the kept households (``CountedServed`` and its summaries)
    # derived once, in bulk
    rebuild_served(db.session.connection())
    db.session.commit()
    if vacuum:
        _reset_sequences()
    return writer.counts


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ).astimezone(timezone.utc)


def _states_owed() -> dict[bool, list[tuple]]:
    """The (task status, report status) pairs the data set promises, rare enough that a
    draw could miss them all (a 退回 is 5 % of the last weeks' few dozen tasks, a 作废 1 %
    of the settled ones): the first ended tasks of each kind — settled (True) or still
    moving (False) — take them in turn, so every state is there whatever today is."""
    return {
        True: [(TaskStatus.cancelled, None), (TaskStatus.cancelled, ReportStatus.voided)],
        False: [(TaskStatus.cancelled, None), (TaskStatus.open, None),
                (TaskStatus.open, ReportStatus.submitted), (TaskStatus.open, ReportStatus.returned)],
    }


def _one_task(rng, writer, ids, cats, items_by_year, pool, liaison_of, admin_id, size,
              day, today, now, owed) -> None:
    year_items = items_by_year.get(day.year) or items_by_year[max(items_by_year)]
    item_id, unit_id, cid, zid, code = rng.choice(year_items)
    hour = rng.choice((8, 9, 9, 10, 14, 14, 15))
    length = rng.choice((60, 90, 120, 120, 180, 240))
    starts_at = _local(day, hour)
    ends_at = starts_at + timedelta(minutes=length)
    members = pool[unit_id]
    k = min(size, len(members))
    chosen = rng.sample(members, k) if k else []
    creator = liaison_of.get(cid, admin_id)
    future = starts_at > now
    age = (today - day).days

    status = TaskStatus.open
    report = None  # None | ReportStatus
    if not future:
        roll = rng.random()
        if owed[age > SETTLED_AFTER_DAYS]:
            status, report = owed[age > SETTLED_AFTER_DAYS].pop(0)
        elif age > SETTLED_AFTER_DAYS:
            # a few settled activities were voided (作废: recorded, then found never to
            # have happened): cancelled, their report 已作废, the hours still on them
            status, report = ((TaskStatus.cancelled, None) if roll < 0.03
                              else (TaskStatus.cancelled, ReportStatus.voided) if roll < 0.04
                              else (TaskStatus.closed, ReportStatus.approved))
        elif roll < 0.03:
            status = TaskStatus.cancelled
        elif roll < 0.15:
            report = None  # ended, not reported yet (stale)
        elif roll < 0.27:
            report = ReportStatus.submitted
        elif roll < 0.32:
            report = ReportStatus.returned
        else:
            status, report = TaskStatus.closed, ReportStatus.approved

    task_id = ids.take("task")
    taken = 0
    leader_id = None
    for member_id in chosen:
        if future:
            a_status = rng.choices((AssignmentStatus.claimed, AssignmentStatus.assigned,
                                    AssignmentStatus.withdrawn), (80, 12, 8))[0]
        elif status == TaskStatus.cancelled and report is None:
            a_status = rng.choices((AssignmentStatus.withdrawn, AssignmentStatus.claimed), (70, 30))[0]
        else:
            a_status = rng.choices(
                (AssignmentStatus.done, AssignmentStatus.absent, AssignmentStatus.withdrawn,
                 AssignmentStatus.claimed, AssignmentStatus.assigned, AssignmentStatus.checked_in),
                (82, 5, 5, 4, 2, 2))[0]
        minutes = None
        confirmed = None
        checked_in = None
        if a_status == AssignmentStatus.done:
            minutes = rng.randint(1, length // 30) * 30
            confirmed = ends_at + timedelta(hours=rng.randint(1, 48))
            if rng.random() < 0.5:
                checked_in = starts_at + timedelta(minutes=rng.randint(-10, 15))
            if leader_id is None:
                leader_id = member_id
        elif a_status == AssignmentStatus.checked_in:
            checked_in = starts_at + timedelta(minutes=rng.randint(-10, 15))
        if a_status != AssignmentStatus.withdrawn:
            taken += 1
        writer.add(_table(Assignment), {
            "id": ids.take("assignment"), "task_id": task_id, "member_id": member_id,
            "status": a_status, "minutes": minutes,
            # a generated done row stands for her own 确认参与 (``confirmed`` is set)
            "hours_origin": HoursOrigin.confirmed if minutes is not None else None,
            "claimed_at": starts_at - timedelta(days=rng.randint(1, 10)),
            "checked_in_at": checked_in, "confirmed_at": confirmed,
            "assigned_by_id": creator if a_status == AssignmentStatus.assigned else None,
        })
    if leader_id is None and chosen:
        leader_id = chosen[0]
    slots = max(taken, 1) + rng.randint(0, 5)
    writer.add(_table(Task), {
        "id": task_id, "resource_item_id": item_id, "unit_id": unit_id, "community_id": cid,
        "zone_id": zid, "category_id": cats[code].id, "title": f"{cats[code].name}活动",
        "beneficiary": "社区居民", "place": rng.choice(PLACES), "description": None,
        "starts_at": starts_at, "ends_at": ends_at, "service_date": day, "slots": slots,
        "taken": taken, "leader_id": leader_id, "status": status,
        "checkin_token": secrets.token_urlsafe(18), "series_id": None,
        "created_by_id": creator, "created_at": starts_at - timedelta(days=rng.randint(3, 20)),
    })
    if report is None:
        return
    (q_lo, q_hi), (p_lo, p_hi) = MEASURES[code][1], MEASURES[code][2]
    quantity = rng.randint(q_lo, q_hi)
    submitted_at = ends_at + timedelta(hours=rng.randint(2, 72))
    reviewed = report in (ReportStatus.approved, ReportStatus.returned, ReportStatus.voided)
    report_row = {
        "id": ids.take("task_report"), "task_id": task_id, "quantity": quantity,
        "people_served": rng.randint(p_lo, p_hi), "note": "活动按计划完成。", "status": report,
        "return_reason": "请补充受益人数。" if report == ReportStatus.returned else None,
        "submitted_by_id": leader_id or creator, "submitted_at": min(submitted_at, now),
        "reviewed_by_id": creator if reviewed else None,
        "reviewed_at": min(submitted_at + timedelta(days=rng.randint(0, 6)), now) if reviewed else None,
    }
    if code == "facility_survey":
        # a survey's 完成数量 is the number of its active findings (docs/design.md): a
        # finding is deleted only while the report is not yet approved (the app refuses it
        # after, ``findings.deactivate_refusal``), and the quantity follows (doc47)
        report_row["quantity"] = 0
        for _ in range(quantity):
            kind = rng.choice(list(FindingKind))
            roll = rng.random()
            settled = min(1.0, age / 120)
            f_status = (FindingStatus.fixed if roll < 0.6 * settled
                        else FindingStatus.handed_over if roll < 0.9 * settled + 0.1
                        else FindingStatus.found)
            handed = min(today, day + timedelta(days=rng.randint(0, 7))) \
                if f_status != FindingStatus.found else None
            fixed = min(today, handed + timedelta(days=rng.randint(0, 30))) \
                if f_status == FindingStatus.fixed else None
            place = f"{rng.randint(1, 99)}{rng.choice(FINDING_PLACES)}"
            active = rng.random() > 0.01 or report == ReportStatus.approved
            report_row["quantity"] += active
            writer.add(_table(Finding), {
                "id": ids.take("finding"), "task_id": task_id, "unit_id": unit_id,
                "community_id": cid, "zone_id": zid, "found_on": day, "kind": kind,
                "place": place, "description": None,
                "status": f_status, "handed_to": "县城市管理局" if handed else None,
                "handed_over_on": handed, "fixed_on": fixed, "created_by_id": leader_id or creator,
                "created_at": ends_at, "active": active,
            })
    writer.add(_table(TaskReport), report_row)


def _fund_entries(rng, writer, ids, funded, liaison_of, admin_id, today) -> None:
    """The money spent on each 共建活动经费 item: a few entries of the funds ledger on
    days of its year up to today, entered by the community's liaison — not activities
    (the app refuses a task on such an item)."""
    for _item_id, unit_id, cid, year in funded:
        first, last = date(year, 1, 1), min(today, date(year, 12, 31))
        if last < first:
            continue
        for _ in range(rng.randint(1, 4)):
            day = first + timedelta(days=rng.randrange((last - first).days + 1))
            writer.add(_table(FundEntry), {
                "id": ids.take("fund_entry"), "unit_id": unit_id, "community_id": cid,
                "entry_date": day, "amount_fen": rng.randint(5, 50) * 10000,
                "purpose": "共建活动经费", "task_id": None, "reverses_id": None,
                "created_by_id": liaison_of.get(cid, admin_id), "created_at": _local(day, 17),
            })


def _reset_sequences() -> None:
    """PostgreSQL: move each id sequence past the explicit ids written above."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in TABLES:
        name = model.__tablename__
        # bandit B608: table names from the models, not from input
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # nosec B608
            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM \"{name}\"), false)"))
    db.session.commit()
    # What autovacuum would do after a bulk load: planner statistics, and the
    # visibility map that lets PostgreSQL answer from an index alone.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


@click.command("generate-data")
@click.option("--members", default=Plan.members, show_default=True, type=click.IntRange(1))
@click.option("--communities", default=Plan.communities, show_default=True, type=click.IntRange(1))
@click.option("--zones", default=Plan.zones, show_default=True, type=click.IntRange(0))
@click.option("--tasks", default=Plan.tasks, show_default=True, type=click.IntRange(0))
@click.option("--assignments", default=Plan.assignments, show_default=True, type=click.IntRange(0))
@click.option("--years", default=Plan.years, show_default=True, type=click.IntRange(1, 20))
@click.option("--seed", default=Plan.seed, show_default=True, type=int)
@click.option("--batch", default=Plan.batch, show_default=True, type=click.IntRange(100))
@click.option("--served/--no-served", default=False, show_default=True,
              help="Give each community a register of residents and have every reported "
              "visit name as many as its 受益.")
@with_appcontext
def generate_data_command(members, communities, zones, tasks, assignments, years, seed, batch,
                          served):
    """Generate a county-scale data set in bulk (adds to what is there)."""
    plan = Plan(members, communities, zones, tasks, assignments, years, seed, batch, served=served)
    click.echo(f"Generating {tasks} tasks with {assignments} participations "
               f"({members} members, {communities} communities, {zones} zones, {years} years) "
               f"on {db.engine.dialect.name} …")
    with click.progressbar(length=max(1, tasks), label="tasks") as bar:
        counts = generate(plan, progress=bar.update)
    for table, n in sorted(counts.items()):
        click.echo(f"  {table}: {n}")
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    click.echo(f"Done. Every generated account has the password {PASSWORD}.")
