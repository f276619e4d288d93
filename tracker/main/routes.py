"""Landing redirect, liveness (/healthz, without the database), readiness (/readyz), the icon and the web app
manifest (so a member can add the app to the phone's home screen)."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify, redirect, render_template, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..admin.queries import setup_progress
from ..errors import MESSAGES
from ..extensions import csrf, db
from ..menu import menu_counts
from ..ops.schema import current_revisions, head_revisions
from ..security import referring_page
from ..services.photos import upload_folder_state

ICON_SIZES = (192, 512)
THEME_COLOUR = "#b71c1c"  # --red in static/css/app.css

bp = Blueprint("main", __name__)
log = logging.getLogger(__name__)


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.is_admin and not setup_progress(db.session).complete:
        return redirect(url_for("admin.setup"))  # a new installation: what to set up next
    if current_user.role.value in ("liaison", "admin"):
        return redirect(url_for("manage.home"))
    # 我的待办 while the member owes something, else the tasks to claim.
    if menu_counts().owes:
        return redirect(url_for("tasks.todo"))
    return redirect(url_for("tasks.open_tasks"))


@bp.get("/healthz")
@csrf.exempt
def healthz():
    """Liveness: the process answers requests. It does not touch the database: a
    watchdog or liveness probe restarting app servers during a database outage would
    only add restarts to it. Whether the server can serve is /readyz's question."""
    return jsonify(status="ok"), 200


@bp.get("/readyz")
@csrf.exempt
def readyz():
    """Ready for traffic: the database answers and its schema is at the migrations' head
    (a server started before ``flask db upgrade`` finished is not). A photo folder the
    app may not write, or a disk nearly full, fails every upload but nothing else: the
    answer stays 200 with ``"status": "degraded"`` and ``"uploads": "not writable"`` or
    ``"full"`` — a load balancer that
    took the server out for it would take down claims and reports with the photos, so
    a monitor reads the status. Always JSON: a page rendered from the database could
    not be shown when it is the database that fails."""
    head = head_revisions()
    try:
        current = current_revisions(db.session.connection())
        db.session.rollback()
    except Exception as error:  # noqa: BLE001 — any failure means "not reachable"
        db.session.rollback()
        log.warning("/readyz: not ready, the database is unreachable (%s)",
                    type(getattr(error, "orig", None) or error).__name__)
        return jsonify(status="not ready", database="unreachable"), 503
    body = {"database": "ok", "revision": sorted(current), "uploads": upload_folder_state()}
    if current == head:
        body["schema"] = "current"
    else:
        body.update(schema="missing" if not current else "not at head", head=sorted(head))
    if body["schema"] != "current":
        log.warning("/readyz: not ready, the schema is %s (%s; the code's head: %s)",
                    body["schema"], ", ".join(body["revision"]) or "-", ", ".join(body["head"]))
        return jsonify(status="not ready", **body), 503
    return jsonify(status="ready" if body["uploads"] == "ok" else "degraded", **body), 200


@bp.get("/errors/too-large")
def too_large():
    """The page nginx shows when it refuses an upload itself (``error_page 413`` in
    deploy/nginx.conf): the app's own Chinese "file too large" page. nginx keeps its
    413 status; opened directly, the page is only an explanation (200)."""
    title, message = MESSAGES[413]()
    return render_template("errors/error.html", code=413, title=title, message=message,
                           back=referring_page())


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says; a 404 here costs every
    first visit a wasted request (and Lighthouse a point)."""
    return send_from_directory(current_app.static_folder, "icons/favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=7 * 86400)


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest: 添加到主屏幕 shows the app under its Chinese name."""
    body = jsonify(
        name=_("社区共建任务台账"),
        short_name=_("任务台账"),
        lang="zh-CN",
        start_url=url_for("main.index"),
        scope="/",
        display="standalone",
        background_color="#f5f6f8",
        theme_color=THEME_COLOUR,
        icons=[{"src": url_for("static", filename=f"icons/icon-{size}.png"),
                "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"}
               for size in ICON_SIZES],
    )
    body.mimetype = "application/manifest+json"
    return body
