"""Error pages in the user's language, rendered without touching the database.

The error template reads nothing from the database (not even who is logged in), so a
page still comes back, quickly and in Chinese, when the database is the problem: a
busy or unreachable database is a 503 "系统繁忙，请稍后再试" with ``Retry-After``, the
session rolled back so nothing half-done is kept. Should rendering fail anyway, a
fixed Chinese page is sent rather than the server's bare English one.
"""
from __future__ import annotations

import logging

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc

from .extensions import db
from .security import came_over_plain_http, referring_page

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10

# A request body over the limit is read and thrown away (up to this much) before the
# 413 page is sent: a server that closes a socket with unread data resets the
# connection, and the phone would show a network error instead of the page.
DRAIN_LIMIT = 64 * 1024 * 1024

# The pages whose message sends the visitor back to the form they came from.
_BACK = frozenset({400, 413})

MESSAGES = {
    400: lambda: (_("请求有误"), _("提交的内容无法处理，请返回重试。")),
    403: lambda: (_("无权访问"), _("您没有权限查看或操作这个页面。")),
    404: lambda: (_("页面不存在"), _("您要找的内容不存在或已被删除。")),
    405: lambda: (_("操作方式不正确"), _("请通过页面上的按钮进行操作。")),
    413: lambda: (_("文件太大"), _("一次上传的照片和文件合计不能超过%(mb)s MB，这次的内容没有保存。"
                                  "请返回上一页，少选几张照片（在微信中选照片时不要勾选“原图”）后重新提交。",
                                  mb=max_upload_mb())),
    429: lambda: (_("操作过于频繁"), _("尝试次数过多，请稍后再试。")),
    500: lambda: (_("系统出错了"), _("服务器遇到问题，请稍后重试。我们已记录此错误。")),
    503: lambda: (_("系统繁忙，请稍后再试"), _("当前访问人数较多或系统正在维护，您的操作没有保存，请稍后重试。")),
}

# What a database says when it is busy or out of reach (as opposed to a bug in a query).
_BUSY = (
    "database is locked", "database is busy", "database table is locked",  # SQLite
    "unable to open database file",
    "connection refused", "could not connect", "connection timeout", "timeout expired",
    "server closed the connection", "terminating connection", "connection is closed",
    "the database system is starting up", "the database system is shutting down",
    "canceling statement due to statement timeout", "canceling statement due to lock timeout",
    "could not obtain lock", "too many connections", "remaining connection slots",
    "no route to host", "name or service not known", "consuming input failed",
    "cannot exit pipeline mode",  # psycopg: the server went away inside a pipeline
)

_FALLBACK = ("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
             "<title>系统繁忙，请稍后再试</title></head><body><h1>系统繁忙，请稍后再试</h1>"
             "<p>您的操作没有保存，请稍后重试。</p><p><a href=\"/\">返回首页</a></p>"
             "</body></html>")


def database_unavailable(error: BaseException) -> bool:
    """Whether a database error means "busy or unreachable" (→ 503) rather than a bug."""
    if isinstance(error, sa_exc.TimeoutError):  # no connection free in the pool
        return True
    if not isinstance(error, sa_exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    text = str(error.orig if error.orig is not None else error).lower()
    return any(marker in text for marker in _BUSY)


def max_upload_mb() -> int:
    """The most one request may carry (``MAX_UPLOAD_MB``: all its files together)."""
    return int(current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024))


def _page(code: int, detail: str | None = None):
    title, message = MESSAGES[code]()
    if request.path.startswith("/healthz") or request.accept_mimetypes.best == "application/json":
        return jsonify(error=title, message=detail or message), code
    return render_template("errors/error.html", code=code, title=title,
                           message=detail or message,
                           back=referring_page() if code in _BACK else None), code


def drain_request_body() -> None:
    """Read what is left of the request body (see DRAIN_LIMIT)."""
    length = request.content_length or 0
    if not length or length > DRAIN_LIMIT:
        return
    stream = request.environ.get("wsgi.input")
    remaining = length
    try:
        while remaining > 0 and stream is not None:
            chunk = stream.read(min(remaining, 64 * 1024))
            if not chunk:
                break
            remaining -= len(chunk)
    except OSError:
        pass


def too_large(_error=None):
    """413: the body drained, then the page saying the limit is for everything sent
    together, with the way back to the form."""
    drain_request_body()
    return _page(413)


def bad_request(message: str):
    """The 400 page saying what was wrong with the request."""
    return _page(400, message)


def too_many_requests(seconds: int, message: str | None = None):
    """The 429 page, with when to come back (``message``: what was refused, if not the
    general text)."""
    body, code = _page(429, message)
    return body, code, {"Retry-After": str(max(1, int(seconds)))}


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 — a dead connection cannot roll back; it is discarded
        log.warning("rollback failed after a database error", exc_info=True)


def _busy(error):
    _rollback()
    log.warning("database busy or unreachable on %s %s: %s", request.method, request.path,
                type(getattr(error, "orig", error)).__name__)
    try:
        body, code = _page(503)
    except Exception:  # noqa: BLE001 — whatever broke, the visitor still gets Chinese
        log.exception("error page failed")
        body, code = _FALLBACK, 503
    return body, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def register(app) -> None:
    for code in (400, 403, 404, 405, 429):
        app.register_error_handler(code, lambda e, code=code: _page(code))
    app.register_error_handler(413, too_large)

    @app.errorhandler(CSRFError)
    def csrf_error(_e):
        if came_over_plain_http():  # no Secure cookie comes back over http://: retrying never helps
            return _page(400, _("请使用 https:// 开头的地址访问本系统。"))
        return _page(400, _("页面已过期，请返回上一页刷新后重新提交。"))

    @app.errorhandler(sa_exc.SQLAlchemyError)
    def database_error(error):
        if database_unavailable(error):
            return _busy(error)
        raise error  # a bug, not an outage: the usual 500 (and a traceback in tests)

    @app.errorhandler(500)
    def server_error(_e):
        _rollback()
        return _server_error()


def _server_error():
    try:
        return _page(500)
    except Exception:  # noqa: BLE001 — see _busy
        log.exception("error page failed")
        return _FALLBACK.replace("系统繁忙，请稍后再试", "系统出错了"), 500
