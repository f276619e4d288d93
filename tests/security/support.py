"""What the security tests share: header and inline-code checks, cookies, the write
detector, the permission matrix's rows, and URLs built from the app's URL map."""
from __future__ import annotations

import importlib
import pkgutil
import re
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

from sqlalchemy import event
from werkzeug.routing import AnyConverter, IntegerConverter

import tests.web as web_tests
from tests import factories as f
from tracker.extensions import db

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES = ROOT / "templates"
BAD_PASSWORD = "definitely-wrong-1"
LOGIN_FAILED = "手机号或密码不正确。"
# What a GET may write without changing anything anyone sees: the count of unknown
# link tokens tried from an address (tracker/throttle.py).
BOOKKEEPING = ("throttle_hit",)


def _csp(response) -> dict[str, str]:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in policy.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            directives[name] = value.strip()
    return directives


def assert_security_headers(response, what: str = "") -> None:
    csp = _csp(response)
    assert csp, f"no Content-Security-Policy on {what}"
    assert csp.get("frame-ancestors") == "'none'", what
    assert csp.get("default-src") == "'self'", what
    for directive in ("script-src", "style-src"):
        value = csp.get(directive, csp["default-src"])
        assert "'unsafe-inline'" not in value and "'unsafe-eval'" not in value, what
    assert csp.get("object-src") == "'none'", what
    assert response.headers.get("X-Content-Type-Options") == "nosniff", what
    assert response.headers.get("Referrer-Policy") in {
        "same-origin", "no-referrer", "strict-origin", "strict-origin-when-cross-origin"}, what


class _InlineCodeFinder(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, style attributes and
    <style> blocks, on* event handlers, javascript: URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name.lower(): (value or "") for name, value in attrs}
        where = f"<{tag} {self.getpos()}>"
        if tag == "script" and "src" not in names:
            self.problems.append(f"inline <script> at {where}")
        if tag == "style":
            self.problems.append(f"<style> block at {where}")
        if "style" in names:
            self.problems.append(f"style= attribute at {where}")
        for name, value in names.items():
            if name.startswith("on"):
                self.problems.append(f"{name}= handler at {where}")
            if name in {"href", "src", "action", "formaction"} and \
                    value.strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL at {where}")

    handle_startendtag = handle_starttag


def inline_code(html: str) -> list[str]:
    finder = _InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


def csrf_token(client, path: str = "/auth/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def error_texts(html: str) -> list[str]:
    """The errors shown under the fields (each `<p class="error" id=…>`, tied to its field)."""
    return re.findall(r'<p class="error"[^>]*>(.*?)</p>', html, flags=re.S)


def set_cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def cookie_attributes(set_cookie: str) -> set[str]:
    return {part.strip().lower() for part in set_cookie.split(";")[1:]}


def matrix_cases():
    cases = []
    for info in pkgutil.iter_modules(web_tests.__path__):
        if info.name.startswith("test_permissions_"):
            module = importlib.import_module(f"tests.web.{info.name}")
            cases.extend(module.CASES)
    return cases


GET_CASES = [route for route in matrix_cases() if route.method == "GET"]


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE|TRUNCATE|CREATE|DROP|ALTER)\b", re.I)


def _table_written(statement: str) -> str:
    match = re.match(r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", statement, re.I)
    return match.group(1).lower() if match else ""


@contextmanager
def writes(ignore: tuple[str, ...] = ()):
    """Collects every statement that would change the database while the block runs
    (but those that write to the tables in ``ignore``)."""
    seen: list[str] = []

    def before(conn, cursor, statement, params, context, executemany):
        if WRITE.match(statement) and _table_written(statement) not in ignore:
            seen.append(" ".join(statement.split())[:120])

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", before)




def login_response(client, member, remember=True, next_url=None, **kwargs):
    data = {"phone": member.phone, "password": f.PASSWORD}
    if remember:
        data["remember"] = "y"
    url = "/auth/login" + (f"?next={next_url}" if next_url is not None else "")
    return client.post(url, data=data, **kwargs)


def dummy_url(app, rule, **values) -> str:
    """A URL for ``rule``: 1 for every int, the first choice of an ``any(…)``, "x" for
    every other argument, unless given."""
    filled = {name: 1 if isinstance(conv, IntegerConverter)
              else sorted(conv.items)[0] if isinstance(conv, AnyConverter) else "x"
              for name, conv in rule._converters.items()}
    filled.update(values)
    adapter = app.url_map.bind("localhost")
    return adapter.build(rule.endpoint, filled, method=sorted(rule.methods - {"HEAD", "OPTIONS"})[0])


def post_only_rules(app):
    return [rule for rule in app.url_map.iter_rules()
            if "POST" in rule.methods and "GET" not in rule.methods]
