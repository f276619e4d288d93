"""Landing redirect and the health check."""
from __future__ import annotations

from flask import Blueprint, jsonify, redirect, url_for
from flask_login import current_user
from sqlalchemy import text

from ..extensions import csrf, db, limiter
from ..menu import menu_counts

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.role.value in ("liaison", "admin"):
        return redirect(url_for("manage.home"))
    # 我的待办 while the member owes something, else the tasks to claim.
    if menu_counts().owes:
        return redirect(url_for("tasks.todo"))
    return redirect(url_for("tasks.open_tasks"))


@bp.get("/healthz")
@limiter.exempt
@csrf.exempt
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # noqa: BLE001 — any failure means "not reachable"
        db.session.rollback()
        database = "unreachable"
    status = 200 if database == "ok" else 503
    return jsonify(status="ok" if status == 200 else "degraded", database=database), status
