"""What the app needs to run behind nginx: proxy headers trusted only when configured,
a request id in every log line, and static files under versioned URLs.

- ``TRUSTED_PROXIES=N`` (the number of proxies in front, usually 1) wraps the app in
  Werkzeug's ProxyFix, so ``request.scheme``/``host``/``remote_addr`` — and with them
  QR codes, invitation links and the per-address login limit — are the public ones.
  Without it the headers are ignored: anyone could send them.
- Each request has an id: nginx's ``X-Request-ID`` when it sent a sane one, else a new
  one. It is sent back in the response (gunicorn's access log prints it from there)
  and added to the app's log records, so one line in each log names the same request.
  The login throttle's warnings (Redis failing) are on ``tracker.throttle``, a child of
  the app's logger, so they go to the same log.
- ``url_for('static', …)`` carries ``?v=<hash of the file>``: nginx may then let phones
  cache static files for a year, and a changed CSS has a new URL at once.
"""
from __future__ import annotations

import hashlib
import logging
import re
import uuid
from functools import lru_cache
from pathlib import Path

from flask import current_app, g, has_request_context, request
from flask.logging import default_handler
from werkzeug.middleware.proxy_fix import ProxyFix

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
LOG_FORMAT = "[%(asctime)s] %(levelname)s request_id=%(request_id)s %(module)s: %(message)s"


def register(app) -> None:
    hops = app.config.get("TRUSTED_PROXIES") or 0
    if hops:
        # Not x_prefix: nginx does not set X-Forwarded-Prefix, so a client could.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                x_port=hops)
    app.before_request(_take_request_id)
    app.after_request(_send_request_id)
    app.url_defaults(_static_version)
    default_handler.addFilter(_REQUEST_ID_FILTER)
    default_handler.setFormatter(logging.Formatter(LOG_FORMAT))


def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


def _take_request_id() -> None:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = given if _SANE_ID.match(given) else uuid.uuid4().hex


def _send_request_id(response):
    response.headers[REQUEST_ID_HEADER] = g.get("request_id") or uuid.uuid4().hex
    return response


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id() or "-"
        return True


_REQUEST_ID_FILTER = _RequestIdFilter()


def _static_version(endpoint: str, values: dict) -> None:
    if endpoint != "static" or "v" in values or "filename" not in values:
        return
    version = file_version(current_app.static_folder, values["filename"])
    if version:
        values["v"] = version


@lru_cache(maxsize=512)
def file_version(folder: str, filename: str) -> str | None:
    """The first 12 hex digits of the file's SHA-256, read once per process (a deploy
    restarts the servers); None when there is no such file."""
    path = (Path(folder) / filename).resolve()
    if not path.is_relative_to(Path(folder).resolve()) or not path.is_file():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
