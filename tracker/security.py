"""Response headers and redirect safety."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request, url_for
from werkzeug.routing import IntegerConverter

# The largest value of an SQL INTEGER (PostgreSQL's int4; SQLite's driver overflows at 2**63).
MAX_DB_INT = 2_147_483_647


class DatabaseInt(IntegerConverter):
    """``<int:…>`` bounded to what the database's INTEGER holds, so a larger id in a URL
    is a 404 instead of an OverflowError or NumericValueOutOfRange (a 500)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_DB_INT)
        super().__init__(map, *args, **kwargs)


def record_id(value) -> int:
    """A record's id as a query string or a form sends it: ``type=record_id`` for
    ``request.args.get``, ``coerce=record_id`` for a select. What the database's INTEGER
    cannot hold raises ValueError, as text does, which both read as "no valid value":
    a 500 (OverflowError) otherwise, when the id reaches the first look-up."""
    number = int(value)
    if not 0 < number <= MAX_DB_INT:
        raise ValueError(f"not a record id: {value!r}")
    return number


def record_id_or_none(value) -> int | None:
    """``record_id(value)``, or None where ``value`` is not an id (empty, text, too large)."""
    try:
        return record_id(value)
    except (TypeError, ValueError):
        return None

# No inline script or style anywhere in templates, so the policy can be strict.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# Pages whose form takes a photo: the only ones that may use the camera.
CAMERA_PAGES = frozenset({"onsite.photos", "onsite.finding_photo_page"})
_NO_FEATURES = "geolocation=(), microphone=(), payment=()"
HSTS = "max-age=31536000; includeSubDomains"


def add_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    camera = "camera=(self)" if request.endpoint in CAMERA_PAGES else "camera=()"
    response.headers.setdefault("Permissions-Policy", f"{camera}, {_NO_FEATURES}")
    if current_app.config.get("SESSION_COOKIE_SECURE"):  # SECURE_COOKIES=1: served over HTTPS
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def is_safe_next(target: str | None) -> bool:
    """Only plain paths inside this app: no scheme, no host, no protocol-relative //,
    no backslash, and no control character or space (CR/LF would split the Location
    header, and a browser strips tabs and newlines before it reads a URL)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str) -> str:
    """Where to go after a form: ``target`` when it is a plain local path, else ``default``.

    Work it out before the change is committed, so a bad ``next`` can never turn saved
    work into an error page."""
    return target if is_safe_next(target) else default


def public_url_for(endpoint: str, **values) -> str:
    """An absolute URL to show or encode in a QR code (invitation links, check-in codes).

    With ``PUBLIC_URL`` set it is that address plus the path, whatever Host header the
    request came with: a forged Host can never put someone else's site into a link a
    member will trust. Without it, the request's own host (local and test runs)."""
    base = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    if not base:
        return url_for(endpoint, _external=True, **values)
    return base + url_for(endpoint, _external=False, **values)
