"""Response headers and redirect safety."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import current_app, g, redirect, request, url_for
from flask_login import AnonymousUserMixin
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


# the digits of the largest id: a longer run is no id, looked at before ``int`` (which
# refuses 4,301 digits or more with a ValueError of its own)
_MAX_DB_INT_DIGITS = len(str(MAX_DB_INT))


def key_id(value) -> int | None:
    """A number a page's hidden key carries back — a JSON number of a ``shown`` key, the
    digits of a ``roll.named_key`` part — when it is an id the database's INTEGER
    holds (1…MAX_DB_INT); None when it is anything else (a key of no page of ours: its
    pages write only ids of records). The one rule of every reader of a posted key, as
    ``record_id`` is of an id in a URL or a field: past it, the first look-up is a 500
    (OverflowError, integer out of range)."""
    if isinstance(value, str):
        if not (value.isascii() and value.isdecimal() and len(value) <= _MAX_DB_INT_DIGITS):
            return None
        value = int(value)
    elif type(value) is not int:  # a bool is no id, nor a float
        return None
    return value if 0 < value <= MAX_DB_INT else None


def key_ids(values, limit: int | None) -> list[int] | None:
    """A posted key's list of ids (``key_id``): None unless ``values`` is a list of at
    most ``limit`` of them, every one an id — a list that is not is of no page of ours,
    whose pages write at most ``limit`` (the reader says why that many; None: a list
    only ever compared in memory, never asked of the database, as long as the post)."""
    if not isinstance(values, list) or (limit is not None and len(values) > limit):
        return None
    ids = [key_id(value) for value in values]
    return None if None in ids else ids

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


def private_by_default(response):
    """A response to a signed-in visitor is kept by no cache unless its view chose
    otherwise: pages and downloads name members, phones, residents and hours, and a
    shared phone's browser keeps whatever is cacheable after its user signs out.
    ``send_file``'s own ``no-cache`` (stored, revalidated) is no choice and is replaced;
    static files (the visitor's or not) and a view's own header (the calendar feed's,
    a photo's) are kept."""
    if request.endpoint == "static":
        return response
    if response.headers.get("Cache-Control", "no-cache") != "no-cache":
        return response
    # the member the request loaded (every signed-in page and download loads it), asked
    # without a query: not loaded here, nor ``is_authenticated`` (UserMixin reads the
    # row's 在用, a SELECT on a session a failed COMMIT just rolled back)
    user = g.get("_login_user")
    if user is not None and not isinstance(user, AnonymousUserMixin):
        response.headers["Cache-Control"] = "private, no-store"
    return response


# Answered over plain HTTP too: health checks call the app server directly
# (http://127.0.0.1:8000/readyz), and nginx's 413 page comes from whatever the upload used.
_PLAIN_HTTP_ALLOWED = frozenset({"main.healthz", "main.readyz", "main.too_large"})


def came_over_plain_http() -> bool:
    """The site is served over HTTPS (``SECURE_COOKIES=1``) and yet this request came
    over plain HTTP — as far as the app can know: behind nginx, ``request.scheme`` is
    nginx's ``X-Forwarded-Proto``, believed only with ``TRUSTED_PROXIES`` (ProxyFix).
    Without a trusted proxy every request looks like HTTP, so nothing is concluded.

    Such a visitor can never log in: the browser keeps no Secure cookie for http://,
    so the CSRF token of any form never matches."""
    config = current_app.config
    return (bool(config.get("SESSION_COOKIE_SECURE")) and bool(config.get("TRUSTED_PROXIES"))
            and not request.is_secure)


def https_url() -> str:
    """This request's address over HTTPS: ``PUBLIC_URL`` when it is an https:// one (a
    forged Host header then cannot choose where we send people), else the request's
    own host on the default port; the same path and query string."""
    path = urlsplit(request.base_url).path  # percent-encoded as it must be in a URL
    query = request.query_string.decode("latin-1")  # as the visitor sent it
    public = current_app.config.get("PUBLIC_URL") or ""  # without its "/" (config._address)
    if urlsplit(public).scheme == "https":
        base = public
    else:
        base = "https://" + re.sub(r":\d+$", "", request.host)
    return base + path + (f"?{query}" if query else "")


def redirect_plain_http():
    """``before_request``: a page asked for over plain HTTP on an HTTPS site is sent
    to its https:// address (301), so the login form is only ever shown where it can
    be sent. Other methods are not redirected (a browser would not resend the form);
    their CSRF failure says to use https:// (tracker/errors.py)."""
    if request.method not in ("GET", "HEAD") or request.endpoint in _PLAIN_HTTP_ALLOWED:
        return None
    if not came_over_plain_http():
        return None
    return redirect(https_url(), code=301)


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


def referring_page() -> str | None:
    """The page of this site the request came from (its ``Referer``, path and query),
    or None: another site's, a missing one, or one ``is_safe_next`` refuses."""
    referrer = urlsplit(request.referrer or "")
    if not referrer.netloc or referrer.netloc != request.host:
        return None
    target = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return target if is_safe_next(target) else None


def safe_next(target: str | None, default: str) -> str:
    """Where to go after a form: ``target`` when it is a plain local path, else ``default``.

    Work it out before the change is committed, so a bad ``next`` can never turn saved
    work into an error page."""
    return target if is_safe_next(target) else default


def public_url_for(endpoint: str, **values) -> str:
    """An absolute URL to show or encode in a QR code, or to be used anywhere outside
    this browser tab (invitation links, check-in codes, a resident's QR, the calendar
    feed's address, a task's share link and the links in an .ics file).

    With ``PUBLIC_URL`` set it is that address plus the path, whatever Host header the
    request came with: a forged Host can never put someone else's site into a link a
    member will trust. Without it, the request's own host (local and test runs)."""
    base = current_app.config.get("PUBLIC_URL")  # without its "/" (config._address)
    if not base:
        return url_for(endpoint, _external=True, **values)
    return base + url_for(endpoint, _external=False, **values)


def public_host() -> str:
    """The host ``public_url_for`` names: ``PUBLIC_URL``'s, else the request's. An .ics
    event's UID is made on it, so a task is one event in a calendar whatever name the
    member reached the site by (security review, session 41, finding 2)."""
    base = current_app.config.get("PUBLIC_URL")
    return urlsplit(base).netloc if base else request.host
