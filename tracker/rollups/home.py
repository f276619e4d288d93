"""The liaison's home (工作台): what is waiting, and this month's key figures."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, select

from .. import owed
from ..extensions import db
from ..models import (
    OPEN_FINDING,
    CountedFindingCommunityYear,
    ReportStatus,
    Task,
    TaskReport,
)
from ..timeutil import LOCAL_TZ, month_bounds, utcnow
from .batch import built_once, constant, gather, run
from .figures import Figures, figures_by_category_plan, figures_plan, per_unit
from .off_roll import off_roll_plan
from .scope import Scope, as_ids, scope_conditions
from .shared import category_task_rows, summed


@dataclass(frozen=True)
class HomeFigures:
    pending_reviews: int | None  # reports 待审核 in the liaison's communities
    stale_reviews: int | None  # of those, waiting longer than ``stale_days``
    stale_tasks: int | None  # ended, not cancelled, not reported (or returned, not resubmitted)
    open_findings: int  # of approved surveys: found or handed over, not yet fixed
    pending_findings: int  # the same of surveys 待审核, not counted above
    month_from: date
    month_to: date
    month: Figures  # this month's official and pending totals
    activities: list[tuple[int, str]]  # this month's official activities per word (场, 次)
    # of the month's 参与党员, those on no roll (计入参与统计 否: a liaison ticked on a
    # 补录), whom 参与情况 — where the card leads — does not count (``rollups.off_roll``)
    members_off_roll: int


def open_findings_count(community_ids: Sequence[int] | None,
                        report_status: ReportStatus = ReportStatus.approved):
    """摸排问题 found or handed over, not yet fixed, of surveys whose report has
    ``report_status`` — approved: the official figure (invariant 2: a finding counts
    once its survey is approved, as on the “双创” view); 待审核: those shown apart — as
    a scalar subquery: the 工作台 reads it in the statement that counts its queues.
    Summed from the counted findings kept per year, community, report status and
    status (``CountedFindingCommunityYear``): a few rows a year, however many findings
    the county has."""
    reach = Scope(community_ids=as_ids(community_ids))
    kept = CountedFindingCommunityYear
    return (select(func.coalesce(func.sum(kept.findings), 0))
            .where(kept.report_status == report_status, kept.status.in_(OPEN_FINDING),
                   *scope_conditions(reach, community=kept.community_id))
            .scalar_subquery())


def home_figures(community_ids: Sequence[int] | None, *, stale_days: int = 7,
                 now=None, queues: bool = True, open_findings: int | None = None,
                 pending_findings: int | None = None) -> HomeFigures:
    """What a liaison sees first, for the communities they manage (``None`` = all,
    for an admin). Five statements; two with ``queues=False`` and ``open_findings``
    and ``pending_findings`` given: a page that counts the review queues and the open
    findings itself, along with its other counts (``open_findings_count``), leaves
    them to that statement — the queues are then ``None``."""
    now = now or utcnow()
    today = now.astimezone(LOCAL_TZ).date()
    month_from, month_to = month_bounds(today.year, today.month)
    reach = Scope(community_ids=as_ids(community_ids))

    pending = stale_reviews = stale_tasks = None
    if queues:
        pending, stale_reviews, stale_tasks = _queue_counts(reach, stale_days, now)
    if open_findings is None or pending_findings is None:
        open_findings, pending_findings = db.session.execute(select(
            open_findings_count(community_ids),
            open_findings_count(community_ids, ReportStatus.submitted))).one()
    scope = Scope(date_from=month_from, date_to=month_to, community_ids=reach.community_ids)
    month, activities, off_roll = run(built_once(("home month", scope),
                                                 lambda: _month_plan(scope)))
    return HomeFigures(pending, stale_reviews, stale_tasks, int(open_findings),
                       int(pending_findings), month_from, month_to, month, activities,
                       off_roll)


def _month_plan(scope: Scope):
    """The month's totals and its activities per word (3场、6次: never 场 and 次
    added), both from the month's counted tasks per category, and how many of its
    参与党员 are on no roll, as 社区共建进展 counts them (one statement)."""
    per_category = category_task_rows(scope)
    return gather(
        figures_plan(scope, tasks=summed(per_category)),
        # the categories' activities only: their distinct members and 服务对象 are not read
        figures_by_category_plan(scope, include_empty=False, tasks=per_category,
                                 members=constant({}), named=constant({})),
        off_roll_plan(scope),
        shape=lambda month, rows, off_roll: (month, per_unit(rows, "activities"), off_roll))


def _queue_counts(reach: Scope, stale_days: int, now) -> tuple[int, int, int]:
    """The liaison's queues, by the rules every list of them uses (``tracker/owed.py``)."""
    in_reach = scope_conditions(reach, community=Task.community_id)
    pending, stale_reviews = db.session.execute(
        select(
            func.count(),
            func.count(case((and_(*owed.overdue_review(now, stale_days)), 1))),
        )
        .join(Task, Task.id == TaskReport.task_id)
        .where(*owed.pending_review(), *in_reach)
    ).one()
    stale_tasks = db.session.scalar(
        select(func.count(Task.id))
        .outerjoin(TaskReport, TaskReport.task_id == Task.id)
        .where(*owed.stale(now), *in_reach)
    )
    return int(pending), int(stale_reviews), int(stale_tasks)
