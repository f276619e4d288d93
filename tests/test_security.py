"""Security properties a user never sees until they are missing.

Headers (CSP, nosniff, frame-ancestors, Referrer-Policy); no inline script or style in
any template or rendered page (the CSP forbids them); cookie flags; a fresh session at
login; `next=` only inside the app; failed logins rate-limited per account and per
address with one message for every failure; CSRF on every POST; GET never changes
state; scrypt password hashes.
"""
from __future__ import annotations

import importlib
import pkgutil
import re
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import event, select
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import IntegerConverter

import tests.web as web_tests
from tests import factories as f
from tests.web.matrix import ACTORS
from tracker.extensions import db
from tracker.models import Assignment

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
BAD_PASSWORD = "definitely-wrong-1"
LOGIN_FAILED = "手机号或密码不正确。"


# ---------------------------------------------------------------- helpers

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
    return re.findall(r'<p class="error">(.*?)</p>', html, flags=re.S)


def _set_cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def _attributes(set_cookie: str) -> set[str]:
    return {part.strip().lower() for part in set_cookie.split(";")[1:]}


def _matrix_cases():
    cases = []
    for info in pkgutil.iter_modules(web_tests.__path__):
        if info.name.startswith("test_permissions_"):
            module = importlib.import_module(f"tests.web.{info.name}")
            cases.extend(module.CASES)
    return cases


GET_CASES = [route for route in _matrix_cases() if route.method == "GET"]


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE|TRUNCATE|CREATE|DROP|ALTER)\b", re.I)


@contextmanager
def writes():
    """Collects every statement that would change the database while the block runs."""
    seen: list[str] = []

    def before(conn, cursor, statement, params, context, executemany):
        if WRITE.match(statement):
            seen.append(" ".join(statement.split())[:120])

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


# ---------------------------------------------------------------- headers and inline code

@pytest.mark.parametrize("path", ["/auth/login", "/healthz", "/no-such-page", "/static/css/app.css"])
def test_security_headers_on_every_kind_of_response(client, path):
    response = client.get(path)
    assert_security_headers(response, path)


def test_security_headers_on_redirects_and_logged_in_pages(client, world, login):
    assert_security_headers(client.get("/"), "redirect")
    login(world.member)
    assert_security_headers(client.get("/tasks/"), "/tasks/")


def _template_files():
    return sorted(TEMPLATES.rglob("*.html"))


def test_templates_have_no_inline_script_or_style():
    style_attribute = re.compile(r"(?<![\w-])style\s*=", re.I)
    inline_script = re.compile(r"<script\b(?![^>]*\bsrc\s*=)", re.I)
    style_block = re.compile(r"<style\b", re.I)
    handler = re.compile(r"<[a-zA-Z][^<>]*\son[a-z]+\s*=", re.I)
    js_url = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)
    problems = []
    for path in _template_files():
        text = re.sub(r"{#.*?#}", "", path.read_text(encoding="utf-8"), flags=re.S)
        for name, pattern in (("style=", style_attribute), ("inline <script>", inline_script),
                              ("<style>", style_block), ("on*= handler", handler),
                              ("javascript: URL", js_url)):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(ROOT)}:{line}: {name}")
    assert _template_files(), "no templates found"
    assert not problems, "\n".join(problems)


def test_inline_code_finder_can_fail():
    html = ('<p style="color:red">x</p><script>alert(1)</script><script src="/s.js"></script>'
            '<a href="javascript:x" onclick="y">z</a><style>p{}</style>')
    assert len(inline_code(html)) == 5


def test_write_detector_can_fail(app):
    with writes() as written:
        f.unit("写入检测")
    assert written and written[0].upper().startswith("INSERT")


@pytest.mark.parametrize("route", GET_CASES, ids=[f"{r.id or r.endpoint}" for r in GET_CASES])
def test_get_pages_change_nothing_and_have_no_inline_code(client, login, world, route):
    """Every GET route of the permission matrix, as every kind of visitor."""
    if route.setup:
        route.setup(world)
    db.session.commit()
    url = route.url(world)
    for actor in ACTORS:
        if actor == "anonymous":
            client.post("/auth/logout")
        else:
            login(getattr(world, actor))
        with writes() as written:
            response = client.get(url)
        assert not written, f"GET {url} as {actor} wrote: {written}"
        assert response.status_code < 500, f"GET {url} as {actor}: {response.status_code}"
        assert_security_headers(response, f"GET {url} as {actor}")
        if response.mimetype == "text/html":
            problems = inline_code(response.get_data(as_text=True))
            assert not problems, f"GET {url} as {actor}: {problems}"


# ---------------------------------------------------------------- cookies and sessions

def _login_response(client, member, remember=True, next_url=None):
    data = {"phone": member.phone, "password": f.PASSWORD}
    if remember:
        data["remember"] = "y"
    url = "/auth/login" + (f"?next={next_url}" if next_url is not None else "")
    return client.post(url, data=data)


def test_session_and_remember_cookies_are_httponly_and_lax(client, world):
    response = _login_response(client, world.member)
    assert response.status_code == 302
    cookies = _set_cookies(response)
    assert "session" in cookies and "remember_token" in cookies, cookies
    for name in ("session", "remember_token"):
        attributes = _attributes(cookies[name])
        assert "httponly" in attributes, cookies[name]
        assert "samesite=lax" in attributes, cookies[name]
        assert "secure" not in attributes, cookies[name]


class TestSecureCookies:
    @pytest.fixture
    def app_config(self, monkeypatch):
        monkeypatch.setenv("SECURE_COOKIES", "1")  # read when the app is created
        return {}

    def test_cookies_are_secure_when_served_over_https(self, client, world):
        response = client.post("/auth/login", base_url="https://localhost",
                               data={"phone": world.member.phone, "password": f.PASSWORD,
                                     "remember": "y"})
        assert response.status_code == 302
        cookies = _set_cookies(response)
        for name in ("session", "remember_token"):
            attributes = _attributes(cookies[name])
            assert "secure" in attributes and "httponly" in attributes, cookies[name]
            assert "samesite=lax" in attributes, cookies[name]


def test_login_starts_a_fresh_session(client, world):
    client.get("/auth/login")
    with client.session_transaction() as session:
        session["planted"] = "chosen-by-someone-else"
    before = client.get_cookie("session").value
    response = _login_response(client, world.member, remember=False)
    assert response.status_code == 302
    after = client.get_cookie("session").value
    assert after != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("_user_id") == world.member.get_id()
        assert session["_user_id"].startswith(f"{world.member.id}:")  # id, then fingerprint


def test_logout_ends_the_session(client, world, login):
    login(world.member)
    client.post("/auth/logout")
    response = client.get("/tasks/mine")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("target", [
    "//evil.com", "//evil.com/tasks/", "http://evil.com", "https://evil.com/x", "/\\evil.com",
    "\\\\evil.com", "javascript:alert(1)", "JavaScript:alert(1)", "http:/evil.com",
    "/%5Cevil.com", " //evil.com", "evil.com",
])
def test_next_never_leaves_the_app(client, world, target):
    response = _login_response(client, world.member, next_url=target)
    assert response.status_code == 302
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert parts.netloc in ("", "localhost"), location
    assert parts.scheme in ("", "http"), location
    assert not location.startswith("//") and "evil" not in parts.netloc, location
    assert "\\" not in location and not location.lower().startswith("javascript"), location


def test_next_inside_the_app_is_followed(client, world):
    response = _login_response(client, world.member, next_url="/tasks/mine")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/tasks/mine"


# ---------------------------------------------------------------- failed logins

def test_same_message_whether_or_not_the_account_exists(client, world):
    known = client.post("/auth/login", data={"phone": world.member.phone, "password": BAD_PASSWORD})
    unknown = client.post("/auth/login", data={"phone": "13712345678", "password": BAD_PASSWORD})
    assert known.status_code == unknown.status_code == 200
    known_errors = error_texts(known.get_data(as_text=True))
    assert known_errors == error_texts(unknown.get_data(as_text=True))
    assert LOGIN_FAILED in known_errors


def test_inactive_account_gets_the_same_message(client, world):
    inactive = f.member(world.unit, active=False)
    db.session.commit()
    response = client.post("/auth/login", data={"phone": inactive.phone, "password": f.PASSWORD})
    assert response.status_code == 200
    assert error_texts(response.get_data(as_text=True)) == [LOGIN_FAILED]


class TestLoginRateLimits:
    @pytest.fixture
    def app_config(self):
        return {
            "RATELIMIT_ENABLED": True,
            "LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes",
            "LOGIN_LIMIT_PER_ADDRESS": "6 per 15 minutes",
        }

    @staticmethod
    def _attempt(client, phone, password=BAD_PASSWORD, address="10.0.0.1"):
        return client.post("/auth/login", data={"phone": phone, "password": password},
                           environ_base={"REMOTE_ADDR": address})

    def test_per_account(self, client, world):
        for n in range(3):  # from different addresses: only the account limit applies
            response = self._attempt(client, world.member.phone, address=f"10.0.1.{n}")
            assert response.status_code == 200
            assert LOGIN_FAILED in error_texts(response.get_data(as_text=True))
        # Now even the right password, from yet another address, is refused for a while …
        blocked = self._attempt(client, world.member.phone, f.PASSWORD, address="10.0.1.99")
        assert blocked.status_code == 429
        assert "操作过于频繁" in blocked.get_data(as_text=True)
        # … while other accounts are not affected.
        other = self._attempt(client, world.other_member.phone, f.PASSWORD, address="10.0.1.99")
        assert other.status_code == 302

    def test_per_address(self, client, world):
        for n in range(6):  # a different (unknown) account each time, from one address
            response = self._attempt(client, f"1370000000{n}", address="10.0.2.1")
            assert response.status_code == 200
        assert self._attempt(client, "13700000009", address="10.0.2.1").status_code == 429
        # Another address still gets the normal answer.
        assert self._attempt(client, "13700000009", address="10.0.2.2").status_code == 200

    def test_unknown_and_known_accounts_are_limited_alike(self, client, world):
        for phone in (world.member.phone, "13711112222"):
            codes = [self._attempt(client, phone, address=f"10.0.3.{i}").status_code
                     for i in range(4)]
            assert codes == [200, 200, 200, 429], (phone, codes)

    def test_successful_logins_do_not_count(self, client, world):
        for n in range(5):
            response = self._attempt(client, world.member.phone, f.PASSWORD, address="10.0.4.1")
            assert response.status_code == 302, n
            client.post("/auth/logout")


# ---------------------------------------------------------------- CSRF and methods

def _dummy_url(app, rule) -> str | None:
    values = {name: 1 if isinstance(conv, IntegerConverter) else "x"
              for name, conv in rule._converters.items()}
    adapter = app.url_map.bind("localhost")
    return adapter.build(rule.endpoint, values, method="POST")


def _post_only_rules(app):
    return [rule for rule in app.url_map.iter_rules()
            if "POST" in rule.methods and "GET" not in rule.methods]


class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_login_without_token_is_refused_in_chinese(self, client, world):
        response = client.post("/auth/login",
                               data={"phone": world.member.phone, "password": f.PASSWORD})
        assert response.status_code == 400
        assert "页面已过期" in response.get_data(as_text=True)
        assert client.get("/tasks/mine").status_code == 302  # not logged in

    def test_login_with_token_works(self, client, world):
        token = csrf_token(client)
        response = client.post("/auth/login", data={"phone": world.member.phone,
                                                    "password": f.PASSWORD, "csrf_token": token})
        assert response.status_code == 302

    def test_every_post_route_needs_the_token(self, app, client, world):
        token = csrf_token(client)
        client.post("/auth/login", data={"phone": world.admin.phone, "password": f.PASSWORD,
                                         "csrf_token": token})
        assert client.get("/admin/").status_code == 200
        rules = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]
        assert rules
        refused = []
        for rule in rules:
            url = _dummy_url(app, rule)
            response = client.post(url, data={})
            if response.status_code != 400:
                refused.append(f"POST {url} ({rule.endpoint}) without token → {response.status_code}")
        assert not refused, "\n".join(refused)

    def test_claim_without_token_changes_nothing(self, client, world):
        token = csrf_token(client)
        client.post("/auth/login", data={"phone": world.member.phone, "password": f.PASSWORD,
                                         "csrf_token": token})
        response = client.post(f"/tasks/{world.task.id}/claim")
        assert response.status_code == 400
        assert db.session.scalar(select(Assignment).where(
            Assignment.task_id == world.task.id, Assignment.member_id == world.member.id)) is None


def test_get_on_post_only_urls_is_405(app, client, world, login):
    login(world.admin)
    adapter = app.url_map.bind("localhost")
    checked = []
    for rule in _post_only_rules(app):
        url = _dummy_url(app, rule)
        try:
            adapter.match(url, method="GET")
        except MethodNotAllowed:
            pass
        except NotFound:  # pragma: no cover — the dummy URL must route somewhere
            pytest.fail(f"{url} does not route")
        else:
            continue  # the same path also has a GET page (e.g. a landing page)
        with writes() as written:
            response = client.get(url)
        assert response.status_code == 405, f"GET {url}: {response.status_code}"
        assert "操作方式不正确" in response.get_data(as_text=True)
        assert not written, f"GET {url} wrote: {written}"
        checked.append(url)
    assert "/auth/logout" in checked
    assert any(url.endswith("/claim") for url in checked)


# ---------------------------------------------------------------- passwords

def test_passwords_are_hashed_with_scrypt(app, world, client, login):
    world.member.set_password("Ein-neues-Passwort-42")
    assert world.member.password_hash.startswith("scrypt:")
    db.session.commit()
    login(world.other_member)
    response = client.post("/auth/password", data={
        "current": f.PASSWORD, "new_password": "Gongjian-Neu-2027", "confirm": "Gongjian-Neu-2027"})
    assert response.status_code == 302
    db.session.expire_all()
    assert world.other_member.password_hash.startswith("scrypt:")
    assert "Gongjian-Neu-2027" not in world.other_member.password_hash
