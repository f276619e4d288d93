"""The households and people a category's approved activities served, when they are known.

A report's 受益 in 户 or 人 is a number typed for one activity; a task may also name
its 服务对象 (``task_resident``: a 困难群众 record is a household, an 空巢老人 one a
person). When every approved activity of a category in the scope names exactly as
many 服务对象 as its 受益, the named ones are the households / people served, and
those of several activities can be counted once each: 「结对帮扶困难群众5户（60户次）」.
When one activity names none, or another number than its 受益, nothing says who it
served, and the sum stays 户次 / 人次 alone — never a part counted as the whole
(docs/design.md, "Categories"; written by ``formatting.served``). Only residents of
the kind the category serves count (``reference.VISIT_KINDS``).

An erased resident keeps the rows that name it (``Resident.erased_at``), and an
archived one is still a household served: both are counted, so the count never
changes because of what became of a record afterwards.
"""
from __future__ import annotations

from sqlalchemy import and_, case, distinct, false, func, null, or_, select

from ..formatting import REPEATED
from ..reference import VISIT_KINDS
from ..models import Category, CountedTask, ReportStatus, Resident, task_resident
from .batch import Plan, plan
from .kept import county_year, served_rows
from .scope import ONE, Scope, counted_task_conditions


def named_rows(scope: Scope) -> Plan:
    """{category id: the distinct 服务对象 its approved activities name, or None} of the
    categories in 户 or 人 with approved activities (one statement, a part of the page's
    batch): a number only when every one of those activities names exactly as many
    (of the category's kind) as its 受益. The statement's CASE is the one place the
    rule is decided; what reads the count (``CategoryFigures.served``,
    ``formatting.served``) takes a number as known.

    One statement, the same on both databases, reading each named row and its record
    once: the scope's approved activities in 户 or 人 (``ix_counted_task_category``:
    the county's year reads its ~2,700 visits, not its ~28,000 activities), each
    joined to the 服务对象 it names and to their records (an outer join whose
    condition is the kind: an activity naming none, or a record of another kind, reads
    as a NULL resident). Per activity (a window over its rows) the count of those of
    the kind; per category the rows of activities whose count is not their 受益 (or
    whose 受益 is 0) and the distinct 服务对象, given only when there is no such row.
    It replaced one form per database (a correlated count per activity on
    SQLite, a CTE read twice on PostgreSQL; docs/performance.md, sessions 37 and 40)."""
    year = county_year(scope)
    # the whole county's year: its kept rows (``kept.served_rows``, the same rule kept
    # by the writes), a few rows instead of every named row of the year
    query = served_rows(year, scope.category_id) if year is not None else _named_query(scope)
    return plan(query, shape=lambda rows: {
        category: None if residents is None else int(residents) for category, residents in rows})


def of_kind():
    """The resident (``Resident``) is of the kind the category (``Category``) serves
    (``VISIT_KINDS``: a 结对帮扶 activity serves 困难群众 households, a 走访慰问 one 空巢老人):
    one of another kind named on it — before the pickers offered only the category's
    kind — is not counted, so such an activity names fewer than its 受益. Also the
    condition of the kept rows (``CountedServed``, ``tracker/participation.py``)."""
    return or_(false(), *(and_(Category.code == code, Resident.category == kind)
                          for code, kind in VISIT_KINDS.items()))


def in_households():
    """The ids of the categories whose 受益 is counted in 户 or 人, as a subquery."""
    return select(Category.id).where(Category.beneficiary_unit.in_(tuple(REPEATED)))


def _named_query(scope: Scope):
    of_kind_ = of_kind()
    rows = (
        select(CountedTask.category_id, CountedTask.people_served,
               Resident.id.label("resident_id"),
               # the activity's 服务对象 of the kind, on each of its rows
               func.count(Resident.id).over(partition_by=CountedTask.task_id).label("named"))
        .select_from(CountedTask)
        .join(Category, Category.id == CountedTask.category_id)
        .outerjoin(task_resident, task_resident.c.task_id == CountedTask.task_id)
        .outerjoin(Resident, and_(Resident.id == task_resident.c.resident_id, of_kind_))
        .where(CountedTask.report_status == ReportStatus.approved,
               # a list of ids, not the joined category's unit: SQLite (no statistics)
               # then reads the index by category instead of scanning the table
               CountedTask.category_id.in_(in_households()),
               *counted_task_conditions(scope))
        .subquery())
    # an activity naming none (受益 0 or not) says nothing of whom it served; one that
    # names another number than its 受益 gives each of its rows to ``others``
    as_named = and_(rows.c.people_served > 0, rows.c.named == rows.c.people_served)
    per_category = (
        select(rows.c.category_id.label("category_id"),
               func.count(case((as_named, null()), else_=ONE)).label("others"),
               func.count(distinct(rows.c.resident_id)).label("residents"))
        .group_by(rows.c.category_id)
        .subquery())
    # a category has a row only with approved activities (≥ 1), and when none of them
    # is ``others`` each names at least one: a count here is never 0
    return select(per_category.c.category_id,
                  case((per_category.c.others == 0, per_category.c.residents)))
