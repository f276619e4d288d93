"""The 工作台 blueprint (``bp``, /manage): its home page here, its other pages in one
route module each — ``tasks`` (list, new, edit), ``task_page`` (a task and what is
done from it), ``backfill`` (补录), ``reviews`` (待审核 and stale work) — sharing
``common`` (the blueprint, the actor, the 404 look-ups). Importing this module
registers them all; the endpoints are ``manage.<view>`` whichever module holds it."""
from __future__ import annotations

from datetime import timedelta

from flask import render_template

from ..admin.told import signed_names
from ..services.roll import named_key
from ..menu import menu_counts_with
from ..permissions import staff_required
from ..rollups.home import home_figures
from ..services.reviews import approval_refusals, approval_signed, checkins_promise
from ..timeutil import local_date, utcnow
from ..year_checklist import asked_year, due_from
from . import backfill, reviews, task_page, tasks  # noqa: F401  (their routes, on bp)
from . import queries as q
from .common import _actor, _stale_days, bp
from .forms import ReturnForm

__all__ = ["bp"]

HOME_LIST = 5  # rows of each short list on the home page
UPCOMING_DAYS = 7


@bp.get("/")
@staff_required
def home():
    """Action first — 待审核, 已退回待修改, 已结束未提交, 等待审核超过N天 — then the
    statistics. Every count on the page, the menu's too, is one statement; the four
    short lists another (``q.home_lists``); for a liaison, the 已定稿 months the
    waiting reports' approvals would change a third (``approval_refusals``); the
    submitters and 组长 its cards name, namesakes told apart, a fourth (``card_names``)."""
    actor, now = _actor(), utcnow()
    today = local_date(now)
    counts, totals = menu_counts_with(actor, now, q.home_count_columns(actor, today))
    lists = q.home_lists(actor, now, days=UPCOMING_DAYS, limit=HOME_LIST)
    # a 已定稿 month an approval would change: said instead of 通过, as on 待审核 (one
    # statement for the list, none for an admin or an empty list)
    closed = approval_refusals([r.task for r in lists.pending], actor)
    # for an admin, the 已定稿 months and years each 通过 will change, named before it
    naming = approval_signed([r.task for r in lists.pending], actor)
    signed = {task_id: signed_names(named) for task_id, named in naming.items()}
    return render_template(
        "manage/home.html",
        counts=counts,
        pending=lists.pending,
        taking_part=lists.taking_part,
        unconfirmed=lists.unconfirmed,
        closed=closed,
        # its inline 通过 is offered only where nobody is left to confirm — a check-in
        # not confirmed included (``owed.TO_CONFIRM``): the card sends the reviewer to the
        # report's page, which offers 按签到计入. So it promises to count no check-in,
        # and 通过 refuses to count one (``approve_report``'s ``promised``): no statement
        no_checkins=checkins_promise((), ()),
        signed=signed,
        # … and their keys, posted back with 通过: a month signed since is named first
        named={task_id: named_key(named) for task_id, named in naming.items()},
        uncorrected=lists.uncorrected,
        uncorrected_total=totals["uncorrected"],
        unreported=lists.unreported,
        unreported_total=totals["unreported"],
        upcoming=lists.upcoming,
        upcoming_days=UPCOMING_DAYS,
        stale_days=_stale_days(),
        overdue_before=now - timedelta(days=_stale_days()),
        return_form=ReturnForm(formdata=None),
        home_figures=home_figures(q.scope_for(actor).community_ids, now=now, queues=False,
                                  open_findings=totals["open_findings"],
                                  pending_findings=totals["pending_findings"]),
        backfill_requests=totals["backfill_requests"],
        robots_given_up=q.robots_given_up(actor, totals["robots_given_up"]),
        checklist_due=due_from(asked_year(today), today, totals),
        now=now,  # the cards' badges read the instant the lists were chosen at
        # the submitters and 组长 named, namesakes told apart as on the task page
        names=q.card_names(lists.pending,
                           [*lists.uncorrected, *lists.unreported, *lists.upcoming]),
    )

