"""The liaison's home (工作台): what is waiting, and this month's key figures."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, select

from .. import owed
from ..extensions import db
from ..models import OPEN_FINDING, FindingTally, Task, TaskReport
from ..timeutil import LOCAL_TZ, month_bounds, utcnow
from .figures import Figures, figures
from .scope import Scope, as_ids, scope_conditions


@dataclass(frozen=True)
class HomeFigures:
    pending_reviews: int | None  # reports 待审核 in the liaison's communities
    stale_reviews: int | None  # of those, waiting longer than ``stale_days``
    stale_tasks: int | None  # ended, not cancelled, not reported (or returned, not resubmitted)
    open_findings: int  # found or handed over, not yet fixed
    month_from: date
    month_to: date
    month: Figures  # this month's official and pending totals


def open_findings_count(community_ids: Sequence[int] | None):
    """摸排问题 found or handed over, not yet fixed, as a scalar subquery: the 工作台
    reads it in the statement that counts its queues. Summed from the tally the
    database keeps per community and status (``models.tallies``): a few rows, however
    many findings the county has."""
    reach = Scope(community_ids=as_ids(community_ids))
    return (select(func.coalesce(func.sum(FindingTally.findings), 0))
            .where(FindingTally.status.in_(OPEN_FINDING),
                   *scope_conditions(reach, community=FindingTally.community_id))
            .scalar_subquery())


def home_figures(community_ids: Sequence[int] | None, *, stale_days: int = 7,
                 now=None, queues: bool = True, open_findings: int | None = None) -> HomeFigures:
    """What a liaison sees first, for the communities they manage (``None`` = all,
    for an admin). Five statements; two with ``queues=False`` and ``open_findings``
    given: a page that counts the review queues and the open findings itself, along
    with its other counts (``open_findings_count``), leaves them to that statement —
    the queues are then ``None``."""
    now = now or utcnow()
    today = now.astimezone(LOCAL_TZ).date()
    month_from, month_to = month_bounds(today.year, today.month)
    reach = Scope(community_ids=as_ids(community_ids))

    pending = stale_reviews = stale_tasks = None
    if queues:
        pending, stale_reviews, stale_tasks = _queue_counts(reach, stale_days, now)
    if open_findings is None:
        open_findings = db.session.scalar(select(open_findings_count(community_ids)))
    month = figures(Scope(date_from=month_from, date_to=month_to,
                          community_ids=reach.community_ids))
    return HomeFigures(pending, stale_reviews, stale_tasks, int(open_findings),
                       month_from, month_to, month)


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
