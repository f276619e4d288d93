"""Small builders for test data; each flushes so ids exist, none commits."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from werkzeug.security import generate_password_hash

from tracker.extensions import db
from tracker.models import (
    Category,
    Community,
    Member,
    ResourceItem,
    Role,
    RollPeriod,
    Section,
    TargetMeasure,
    Task,
    TaskStatus,
    Unit,
    Zone,
)
from tracker.reference import ensure_categories
from tracker.services.tasks import new_checkin_token
from tracker.timeutil import local_date, local_today, utcnow

PASSWORD = "Gongjian-2026"
# Hashed once, with the cheapest scrypt parameters OpenSSL accepts at r=8 (n=2**7
# instead of 2**15): every test login verifies this hash — a few thousand per run —
# and the default cost (~0.1 s each) would make the permission matrix take minutes.
# Production hashes keep the default factor; test apps hash with this method too, so a
# login does not rehash (tests/dbstate.py BASE_CONFIG).
PASSWORD_HASH_METHOD = "scrypt:128:8:1"
_PASSWORD_HASH = generate_password_hash(PASSWORD, method=PASSWORD_HASH_METHOD)
_seq = itertools.count(1)


def unit(name: str | None = None) -> Unit:
    u = Unit(name=name or f"单位{next(_seq)}")
    db.session.add(u)
    db.session.flush()
    return u


def community(name: str | None = None) -> Community:
    c = Community(name=name or f"社区{next(_seq)}")
    db.session.add(c)
    db.session.flush()
    return c


def zone(community: Community, name: str | None = None, unit: Unit | None = None) -> Zone:
    z = Zone(community=community, name=name or f"责任区{next(_seq)}", unit_id=unit.id if unit else None)
    db.session.add(z)
    db.session.flush()
    return z


def member(unit: Unit, role: Role = Role.member, name: str | None = None,
           communities: list[Community] | None = None, phone: str | None = None,
           active: bool = True, on_roll: bool | None = None) -> Member:
    n = next(_seq)
    # 166…: a prefix no test types by hand (they write 136–139 numbers), so a member a
    # test adds can never find its number already held by a cached world's member
    m = Member(name=name or f"党员{n}", phone=phone or f"166{n:08d}", unit=unit, role=role,
               active=active)
    if on_roll is not None:  # else the role's default (members on, staff off)
        m.on_roll = on_roll
    m.password_hash = _PASSWORD_HASH
    m.communities = list(communities or [])
    db.session.add(m)
    db.session.flush()
    if m.active and m.on_roll:  # on the roll of their unit as far back as the records go
        db.session.add(RollPeriod(member_id=m.id, unit_id=m.unit_id))
        db.session.flush()
    return m


def category(code: str = "tree_planting", name: str = "义务植树", *, quantity: str | None = "棵",
             beneficiary: str | None = "人", activity: str = "次",
             section: Section = Section.volunteer) -> Category:
    """An admin's own category; by default it counts both a 完成数量 and a 受益 (none of
    the reference categories does), so a report asks for both."""
    c = Category(code=code, name=name, section=section, activity_unit=activity,
                 quantity_unit=quantity, beneficiary_unit=beneficiary, sort_order=500)
    db.session.add(c)
    db.session.flush()
    return c


def item(unit: Unit, community: Community, code: str | Category = "environment_cleanup",
         year: int | None = None, target: int = 10, zone: Zone | None = None,
         measure: TargetMeasure | None = None) -> ResourceItem:
    """A checklist item (``code``: a reference category's, or a Category), by default of
    this year in Asia/Shanghai, as the app's pages count the year (not UTC's: from 00:00
    to 08:00 on 1 January they differ); its target
    counts ``measure``, by default the category's own result (完成数量, else 受益, else
    money — in fen —, else activities)."""
    cat = code if isinstance(code, Category) else ensure_categories()[code]
    it = ResourceItem(unit=unit, community=community, category=cat, zone=zone,
                      year=year or local_today().year, target=target,
                      target_measure=measure or cat.default_measure)
    db.session.add(it)
    db.session.flush()
    return it


def task(item: ResourceItem, creator: Member, *, starts_in: timedelta = timedelta(days=2),
         duration: timedelta = timedelta(hours=2), slots: int = 5, leader: Member | None = None,
         title: str | None = None, status: TaskStatus = TaskStatus.open,
         starts_at: datetime | None = None) -> Task:
    start = starts_at or (utcnow() + starts_in).replace(microsecond=0)
    t = Task(
        resource_item_id=item.id, unit_id=item.unit_id, community_id=item.community_id,
        zone_id=item.zone_id, category_id=item.category_id,
        title=title or f"活动{next(_seq)}", place="社区活动中心", beneficiary="社区居民",
        starts_at=start, ends_at=start + duration, service_date=local_date(start),
        slots=slots, taken=0, leader_id=leader.id if leader else None, status=status,
        checkin_token=new_checkin_token(), created_by_id=creator.id,
    )
    db.session.add(t)
    db.session.flush()
    return t


def reported(task: Task, by: Member, *, approved: bool, people_served: int = 0,
             signed_by: Member | None = None) -> None:
    """``task`` reported by ``by`` (approved, or waiting for review) and, with
    ``signed_by``, its month's unit 月报 marked 已定稿 by them: what the refusals of a
    change to an approved activity of a signed month are about. Committed."""
    from tracker.models import ReportStatus, SummaryNote, TaskReport

    db.session.add(TaskReport(task_id=task.id, quantity=0, people_served=people_served,
                              note="说明", submitted_by_id=by.id,
                              status=ReportStatus.approved if approved
                              else ReportStatus.submitted))
    if signed_by is not None:
        day = task.service_date
        db.session.add(SummaryNote(scope_key=f"unit:{task.unit_id}", unit_id=task.unit_id,
                                   year=day.year, month=day.month, finalized_at=utcnow(),
                                   finalized_by_id=signed_by.id))
    db.session.commit()
    db.session.refresh(task)
