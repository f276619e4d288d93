"""The households and people a category's approved activities served, when they are known.

A report's 受益 in 户 or 人 is a number typed for one activity; a task may also name
its 服务对象 (``task_resident``: a 困难群众 record is a household, an 空巢老人 one a
person). When every approved activity of a category in the scope names exactly as
many 服务对象 as its 受益, the named ones are the households / people served, and
those of several activities can be counted once each: 「结对帮扶困难群众5户（60户次）」.
When one activity names none, or another number than its 受益, nothing says who it
served, and the sum stays 户次 / 人次 alone — never a part counted as the whole
(docs/design.md, "Categories"; written by ``formatting.served``). Only residents of
the kind the category serves count (``services.residents.VISIT_KINDS``).

An erased resident keeps the rows that name it (``Resident.erased_at``), and an
archived one is still a household served: both are counted, so the count never
changes because of what became of a record afterwards.
"""
from __future__ import annotations

from sqlalchemy import and_, case, distinct, false, func, or_, select
from sqlalchemy.orm import aliased

from ..formatting import REPEATED
from ..models import Category, CountedTask, ReportStatus, Resident, task_resident
from .batch import Plan, plan
from .scope import ONE, Scope, counted_task_conditions

# the same table in the count of each activity's own 服务对象 (correlated per activity)
_NAMED_HERE = task_resident.alias("named_here")
_RESIDENT_HERE = aliased(Resident, name="resident_here")


def _served_kind(resident, category_id):
    """The resident is of the kind the category serves (``VISIT_KINDS``: a 结对帮扶
    activity serves 困难群众 households, a 走访慰问 one 空巢老人): one of another kind
    named on it — before the pickers offered only the category's kind — is not counted,
    so such an activity names fewer than its 受益 and the sum stays 户次 / 人次."""
    # imported here: services import the rollups (a cycle at import time)
    from ..services.residents import VISIT_KINDS
    codes = {code: select(Category.id).where(Category.code == code).scalar_subquery()
             for code in VISIT_KINDS}
    return or_(false(), *(and_(category_id == codes[code], resident.category == kind)
                          for code, kind in VISIT_KINDS.items()))


def named_rows(scope: Scope) -> Plan:
    """{category id: the distinct 服务对象 its approved activities name, or None} of the
    categories in 户 or 人 with approved activities (one statement, a part of the page's
    batch): a number only when every one of those activities names exactly as many
    (of the category's kind) as its 受益. The statement's CASE is the one place the
    rule is decided; what reads the count (``CategoryFigures.served``,
    ``formatting.served``) takes a number as known.

    The statement is written in two orders of work, one per database (the same answer:
    ``tests/reports/test_served_households.py`` runs both on each):
    ``_named_query`` on SQLite, ``_named_once_query`` on PostgreSQL."""
    # imported here: the engine is the app's, known only once one runs
    from ..extensions import db
    query = (_named_once_query(scope) if db.engine.dialect.name == "postgresql"
             else _named_query(scope))
    return plan(query, shape=lambda rows: {
        category: None if residents is None else int(residents) for category, residents in rows})


def _named_query(scope: Scope):
    """``named_rows``' statement as SQLite runs it best: each activity's 服务对象 of its
    category's kind counted by a subquery of its own (``task_resident``'s key, task
    first), against its 受益.

    The distinct 服务对象 are counted only for a category whose every activity names
    them (a CASE evaluates its subquery only then): most sums have an activity that
    names none, and the join of every activity with its 服务对象 cost ten times the
    count of the activities (a county's year, ``bench``)."""
    approved = CountedTask.report_status == ReportStatus.approved
    counted = CountedTask.category_id.in_(
        select(Category.id).where(Category.beneficiary_unit.in_(tuple(REPEATED))))
    named = (select(func.count()).select_from(_NAMED_HERE)
             .join(_RESIDENT_HERE, _RESIDENT_HERE.id == _NAMED_HERE.c.resident_id)
             .where(_NAMED_HERE.c.task_id == CountedTask.task_id,
                    _served_kind(_RESIDENT_HERE, CountedTask.category_id))
             .correlate(CountedTask).scalar_subquery())
    # an activity naming none (受益 0 or not) says nothing of whom it served
    as_named = and_(CountedTask.people_served > 0, named == CountedTask.people_served)
    per_category = (
        select(CountedTask.category_id.label("category_id"),
               func.count().label("activities"),
               func.count(case((as_named, ONE))).label("as_named"))
        .where(approved, counted, *counted_task_conditions(scope))
        .group_by(CountedTask.category_id)
        .subquery())
    other = aliased(CountedTask)
    residents = (
        select(func.count(distinct(task_resident.c.resident_id)))
        .select_from(other)
        .join(task_resident, task_resident.c.task_id == other.task_id)
        .join(Resident, Resident.id == task_resident.c.resident_id)
        .where(other.report_status == ReportStatus.approved,
               _served_kind(Resident, other.category_id),
               other.category_id == per_category.c.category_id,
               *counted_task_conditions(scope, other))
        .scalar_subquery())
    # a category has a row only with approved activities (≥ 1), and an activity named
    # as its 受益 names at least one: a count here is never 0
    return select(per_category.c.category_id,
                  case((per_category.c.as_named == per_category.c.activities, residents)))


def _named_once_query(scope: Scope):
    """``_named_query``'s answer, for PostgreSQL: each named row joined to its resident
    once. The same rule, another order of work: the scope's approved activities in 户 or
    人, each with the 服务对象 of its category's kind it names (none: one row, NULL), are
    gathered once (a CTE, materialized: it is read twice); per activity the count of
    them against its 受益, per category whether every activity names as many, and the
    distinct ones counted from the same rows only then.

    ``_named_query`` asks both counts with a subquery per activity and per category,
    each looking up every named row's resident through its key: on PostgreSQL an index
    probe and a heap fetch each, twice over — a county's year (2,700 activities, 13,000
    named rows) took 60–180 ms on a loaded machine, this a half to two thirds of that
    (docs/performance.md, "session 37"). On SQLite the key is the rowid and those
    lookups are cheap; there this form is slower (SQLite builds the kind of every named
    row of the county first), so SQLite keeps ``_named_query``."""
    from ..services.residents import VISIT_KINDS
    of_kind = (
        select(task_resident.c.task_id, task_resident.c.resident_id,
               Category.id.label("category_id"))
        .join(Resident, Resident.id == task_resident.c.resident_id)
        .join(Category, or_(false(), *(and_(Category.code == code, Resident.category == kind)
                                        for code, kind in VISIT_KINDS.items())))
        .subquery("of_kind"))
    counted = CountedTask.category_id.in_(
        select(Category.id).where(Category.beneficiary_unit.in_(tuple(REPEATED))))
    named = (
        select(CountedTask.task_id, CountedTask.category_id, CountedTask.people_served,
               of_kind.c.resident_id)
        .outerjoin(of_kind, and_(of_kind.c.task_id == CountedTask.task_id,
                                 of_kind.c.category_id == CountedTask.category_id))
        .where(CountedTask.report_status == ReportStatus.approved, counted,
               *counted_task_conditions(scope))
        .cte())  # unnamed: a page may batch two scopes' (one WITH each)
    per_activity = (
        select(named.c.category_id, named.c.people_served,
               func.count(named.c.resident_id).label("named"))
        .group_by(named.c.task_id, named.c.category_id, named.c.people_served)
        .subquery("per_activity"))
    as_named = and_(per_activity.c.people_served > 0,
                    per_activity.c.named == per_activity.c.people_served)
    per_category = (
        select(per_activity.c.category_id.label("category_id"),
               func.count().label("activities"),
               func.count(case((as_named, ONE))).label("as_named"))
        .group_by(per_activity.c.category_id)
        .subquery("per_category"))
    residents = (select(func.count(distinct(named.c.resident_id)))
                 .where(named.c.category_id == per_category.c.category_id)
                 .scalar_subquery())
    return select(per_category.c.category_id,
                  case((per_category.c.as_named == per_category.c.activities, residents)))
