"""What every route module of the 工作台 blueprint shares: the blueprint itself, the
signed-in actor, the page size, and the look-ups that answer 404 for a record outside
the actor's communities (as if it did not exist)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, request
from flask_login import current_user

from ..permissions import manages_community, manages_task
from ..security import is_safe_next
from . import queries as q

bp = Blueprint("manage", __name__)


def _actor():
    return current_user._get_current_object()


def _per_page() -> int:
    return current_app.config["PAGE_SIZE"]


def _stale_days() -> int:
    return current_app.config["STALE_REVIEW_DAYS"]


def _next_or(default: str) -> str:
    """Back to the list an inline action was taken from (工作台, 待审核)."""
    target = request.args.get("next")
    return target if is_safe_next(target) else default


def _managed_task(task_id: int, *, page: bool = False):
    """The task, if the actor manages it (else 404); ``page``: ``q.load_task``'s."""
    task = q.load_task(task_id, page=page)
    if task is None or not manages_task(current_user, task):
        abort(404)
    return task


def _managed_report(report_id: int):
    return _managed(q.load_report(report_id))


def _managed(report):
    """``report`` if the actor manages its task; 404 otherwise (none included)."""
    if report is None or not manages_task(current_user, report.task):
        abort(404)
    return report


def _refuse_foreign_item(actor, item_id, items) -> None:
    """An item of a community the actor does not manage answers 404, like any record."""
    if item_id is None or any(item.id == item_id for item in items):
        return
    item = q.load_item(item_id)
    if item is not None and not manages_community(actor, item.community_id):
        abort(404)

