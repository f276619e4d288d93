"""Response headers on every kind of response, and no inline code anywhere (the strict
CSP would block it): CSP, nosniff, frame-ancestors, Referrer-Policy, Permissions-Policy
(the camera only on the photo-upload pages), HSTS when served over HTTPS; every GET page
of the permission matrix, as every kind of visitor, writes nothing and has no inline code.
"""
from __future__ import annotations

import re

import pytest

from tests import factories as f
from tests.security.support import (
    BOOKKEEPING,
    ROOT,
    TEMPLATES,
    assert_security_headers,
    inline_code,
    matrix_cases,
    writes,
)
from tests.web.matrix import ACTORS
from tracker.extensions import db

GET_CASES = [route for route in matrix_cases() if route.method == "GET"]
# GET pages that show a resident's address, phone and notes: each opening writes the
# access record (an AuditEvent, as the POST that reveals them does) — nothing else.
ACCESS_RECORDED = {"residents.edit"}


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
@pytest.mark.usefixtures("route_world")
def test_get_pages_change_nothing_and_have_no_inline_code(client, login, world,
                                                          route):
    """Every GET route of the permission matrix, as every kind of visitor."""
    db.session.commit()
    url = route.url(world)
    for actor in ACTORS:
        if actor == "anonymous":
            client.post("/auth/logout")
        else:
            login(getattr(world, actor))
        with writes(ignore=BOOKKEEPING) as written:
            response = client.get(url)
        if route.endpoint in ACCESS_RECORDED:  # the access record (PIPL), and nothing else
            written = [s for s in written if not s.lower().startswith("insert into audit_event")]
        assert not written, f"GET {url} as {actor} wrote: {written}"
        assert response.status_code < 500, f"GET {url} as {actor}: {response.status_code}"
        assert_security_headers(response, f"GET {url} as {actor}")
        if response.mimetype == "text/html":
            problems = inline_code(response.get_data(as_text=True))
            assert not problems, f"GET {url} as {actor}: {problems}"


# ---------------------------------------------------------------- Permissions-Policy, HSTS

def _features(response) -> dict[str, str]:
    policy = response.headers.get("Permissions-Policy", "")
    return {name.strip(): value.strip() for name, _, value in
            (part.partition("=") for part in policy.split(",")) if name.strip()}


def test_camera_is_allowed_only_on_the_photo_upload_pages(app, client, world, login):
    login(world.leader)
    upload = client.get(f"/onsite/tasks/{world.past_task.id}/photos")
    assert upload.status_code == 200
    assert _features(upload).get("camera") == "(self)"
    for path in ("/tasks/", "/auth/login", f"/tasks/{world.task.id}", "/no-such-page"):
        response = client.get(path)
        features = _features(response)
        assert features.get("camera") == "()", (path, features)
        assert features.get("geolocation") == "()" and features.get("microphone") == "()", path


def test_camera_pages_are_the_upload_forms(app):
    """The policy names real endpoints, each of them a page with a photo form."""
    from tracker.security import CAMERA_PAGES

    endpoints = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    for endpoint in CAMERA_PAGES:
        assert endpoint in endpoints and "POST" in endpoints[endpoint].methods, endpoint


def test_no_hsts_over_plain_http(client):
    assert "Strict-Transport-Security" not in client.get("/auth/login").headers


class TestHttps:
    @pytest.fixture
    def app_config(self, monkeypatch):
        monkeypatch.setenv("SECURE_COOKIES", "1")  # read when the app is created
        return {}

    @pytest.mark.parametrize("path", ["/auth/login", "/no-such-page", "/static/css/app.css"])
    def test_hsts_when_secure_cookies_is_on(self, client, path):
        value = client.get(path, base_url="https://localhost").headers.get(
            "Strict-Transport-Security", "")
        max_age = re.search(r"max-age=(\d+)", value)
        assert max_age and int(max_age.group(1)) >= 15552000, value  # at least 180 days


def test_referrer_policy_keeps_secret_links_to_themselves(client, world):
    from tracker.services.invitations import issue_links

    link = issue_links(world.admin, [world.member])[0]
    db.session.commit()
    assert client.get(f"/invite/{link.token}").headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/auth/login").headers["Referrer-Policy"] == "same-origin"


def test_what_a_signed_in_visitor_is_sent_is_kept_by_no_cache(client, world, login):
    """A shared phone's browser keeps what is cacheable after its user signs out: every
    response to a signed-in visitor is ``private, no-store`` — a page, the member edit
    form with the full phone, and each kind of download (send_file's own ``no-cache``
    would store them) — unless its view chose its own; static files keep theirs."""
    month = "2026-11"
    login(world.admin)
    for url in (f"/reports/participations.xlsx?unit={world.unit.id}&month={month}",
                f"/reports/monthly.csv?unit={world.unit.id}&month={month}",
                f"/reports/records/{world.member.id}.xlsx",
                f"/reports/records/{world.member.id}",
                f"/admin/members/{world.member.id}/edit", "/admin/members", "/tasks/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "private, no-store", url
    login(world.member)
    assert client.get("/tasks/").headers["Cache-Control"] == "private, no-store"
    assert client.get("/static/css/app.css").headers.get("Cache-Control") != "private, no-store"
    # a view's own choice stays: the calendar feed (fetched by a calendar app, no login)
    from tracker.services.notify import new_calendar_token

    token = new_calendar_token(world.member)
    db.session.commit()
    assert client.get(f"/me/feed/{token}.ics").headers["Cache-Control"] == "private, max-age=900"


def test_a_visitor_who_is_not_signed_in_gets_no_private_default(client):
    assert client.get("/auth/login").headers.get("Cache-Control") != "private, no-store"
