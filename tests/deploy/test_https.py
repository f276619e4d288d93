"""HTTPS as docs/deploy.md sets it up (its sed run on deploy/nginx.conf as shipped, and
SECURE_COOKIES=1): plain HTTP only redirects to HTTPS, so no login form is ever shown
where its Secure cookie cannot come back — except ACME http-01 challenges, served from
the webroot certbot writes to, before and after the switch, so that a Let's Encrypt
certificate can be had and renewed; the site sends one Strict-Transport-Security
header, the app's. An installation that kept plain HTTP open still gets its pages sent
to https:// by the app, and a form sent over HTTP says to use https://."""
from __future__ import annotations

import pytest

from tests.deploy.conftest import HOST

pytestmark = [pytest.mark.deploy,
              pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")]

USE_HTTPS = "请使用 https:// 开头的地址访问本系统。"


def test_plain_http_only_redirects_to_the_same_address_over_https(stack, visitor):
    v = visitor(stack.https_redirect)
    for answer in (v.get("/auth/login?next=/tasks/"),
                   v.post("/auth/login?next=/tasks/", {"phone": "13700000001"})):
        assert answer.status_code == 301
        assert answer.headers["Location"] == f"https://{HOST}/auth/login?next=/tasks/"
        assert "Set-Cookie" not in answer.headers  # no form, no session over HTTP
        assert "X-Request-ID" not in answer.headers  # nginx's answer; the app never saw it


def test_over_https_there_is_one_hsts_header_and_it_is_the_apps(stack, visitor):
    from tracker.security import HSTS

    for path in ("/auth/login", "/no-such-page"):
        answer = visitor(stack.https).get(path)
        assert answer.raw.headers.getlist("Strict-Transport-Security") == [HSTS], path


def test_a_login_over_https_works_with_secure_cookies(stack, visitor):
    v = visitor(stack.https)
    answer = v.login(stack.world["members"][20])
    assert answer.status_code == 302, answer.text[:500]
    assert all(cookie.secure for cookie in v.session.cookies)
    assert v.get("/tasks/").status_code == 200


def test_where_plain_http_was_left_open_the_app_sends_pages_to_https(stack, visitor):
    v = visitor(stack.old_http)
    answer = v.get("/auth/login?next=%2Ftasks%2F")
    assert answer.status_code == 301
    # the site's https:// PUBLIC_URL (the tests' HTTPS nginx listens on a port of its own)
    assert answer.headers["Location"] == f"{stack.https.replace('127.0.0.1', HOST)}" \
                                         "/auth/login?next=%2Ftasks%2F"
    assert v.get("/healthz").status_code == 200  # health checks are answered over HTTP


def test_where_plain_http_was_left_open_a_form_says_to_use_https(stack, visitor):
    """A login form kept open from before the switch, sent over HTTP: the browser has
    no cookie to send with it (it kept only Secure ones)."""
    v = visitor(stack.old_http)
    answer = v.post("/auth/login", {"csrf_token": "from-a-page-opened-before",
                                    "phone": stack.world["members"][21], "password": "x"})
    assert answer.status_code == 400
    assert USE_HTTPS in answer.content.decode("utf-8")


def _challenge(stack, content: str) -> str:
    """What `certbot --webroot -w <webroot>` leaves for the CA: a token file."""
    token = "Xq7pZ-" + str(abs(hash(content)))
    (stack.acme / ".well-known" / "acme-challenge" / token).write_text(content)
    return f"/.well-known/acme-challenge/{token}"


def test_after_the_https_edit_acme_challenges_are_answered_over_plain_http(stack, visitor):
    """A renewal (`certbot renew`, http-01) is asked for over plain HTTP and must be
    answered there, from the webroot, not redirected to the HTTPS it renews."""
    path = _challenge(stack, "token.key-authorization-renewal")
    v = visitor(stack.https_redirect)
    answer = v.get(path)
    assert answer.status_code == 200, answer.headers
    assert answer.text == "token.key-authorization-renewal"
    assert answer.headers["Content-Type"].startswith("text/plain")
    assert "X-Request-ID" not in answer.headers  # from the folder, not the app
    assert v.get("/.well-known/acme-challenge/no-such-token").status_code == 404
    for other in ("/", "/auth/login", "/.well-known/acme-challenge",
                  "/.well-known/security.txt", f"/static{path}"):
        answer = v.get(other)
        assert answer.status_code == 301, other
        assert answer.headers["Location"] == f"https://{HOST}{other}"


def test_before_https_the_first_certificate_can_be_had_by_acme_too(stack, visitor):
    """The plain-HTTP site of step 8 (no HTTPS yet) serves the webroot for the first
    `certbot certonly --webroot`; the app serves the rest."""
    path = _challenge(stack, "token.key-authorization-first")
    v = visitor(stack.http)
    answer = v.get(path)
    assert answer.status_code == 200 and answer.text == "token.key-authorization-first"
    assert "X-Request-ID" not in answer.headers
    assert v.get("/auth/login").status_code == 200
