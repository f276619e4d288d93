"""A site served over HTTPS (SECURE_COOKIES=1) that is reached over plain HTTP: a
browser keeps no Secure cookie for http://, so a login form shown there can never be
sent (every try was 「页面已过期」). Pages asked for over HTTP are sent to their https://
address, and a form that fails its CSRF check over HTTP says to use https://. The
scheme is nginx's X-Forwarded-Proto, believed with TRUSTED_PROXIES (ProxyFix).
(Through the real nginx: tests/deploy/test_https.py.)"""
from __future__ import annotations

import pytest

HOST = "gongjian.example.gov.cn"
HTTPS_SITE = {"SERVER_NAME": None, "TRUSTED_PROXIES": 1, "SESSION_COOKIE_SECURE": True,
              "REMEMBER_COOKIE_SECURE": True, "WTF_CSRF_ENABLED": True}
EXPIRED = "页面已过期"
USE_HTTPS = "请使用 https:// 开头的地址访问本系统。"


def over(scheme: str, host: str = HOST) -> dict:
    """What nginx adds to a request that reached it over ``scheme``."""
    return {"X-Forwarded-Proto": scheme, "X-Forwarded-Host": host}


@pytest.mark.parametrize("app_config", [HTTPS_SITE])
class TestHttpsSite:
    def test_a_page_over_http_is_sent_to_the_same_address_over_https(self, client):
        for method in (client.get, client.head):
            response = method("/auth/login?next=/tasks/%3Fstatus%3Dopen", headers=over("http"))
            assert response.status_code == 301
            assert response.headers["Location"] == (
                f"https://{HOST}/auth/login?next=/tasks/%3Fstatus%3Dopen")
        response = client.get("/tasks/%E4%BB%BB%E5%8A%A1?q=%E5%BC%A0", headers=over("http"))
        assert response.headers["Location"] == f"https://{HOST}/tasks/%E4%BB%BB%E5%8A%A1?q=%E5%BC%A0"

    def test_the_http_port_is_not_carried_to_https(self, client):
        response = client.get("/tasks/", headers=over("http", f"{HOST}:8080"))
        assert response.headers["Location"] == f"https://{HOST}/tasks/"

    def test_with_an_https_public_url_the_redirect_goes_there_whatever_the_host(self, app,
                                                                                 client):
        app.config["PUBLIC_URL"] = f"https://{HOST}"
        response = client.get("/auth/login", headers=over("http", "evil.example"))
        assert response.headers["Location"] == f"https://{HOST}/auth/login"

    def test_over_https_the_page_is_served_with_one_hsts_header(self, client):
        response = client.get("/auth/login", headers=over("https"))
        assert response.status_code == 200
        assert len(response.headers.getlist("Strict-Transport-Security")) == 1

    def test_health_checks_on_the_app_server_itself_are_answered_over_http(self, client):
        for path in ("/healthz", "/readyz"):  # what they answer is not the point here
            assert client.get(path).status_code in (200, 503), path

    def test_a_form_sent_over_http_says_to_use_https_not_that_the_page_expired(self, client):
        response = client.post("/auth/login", data={"phone": "13900000000", "password": "x"},
                               headers=over("http"))
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert USE_HTTPS in page and EXPIRED not in page

    def test_over_https_a_stale_form_still_says_the_page_expired(self, client):
        response = client.post("/auth/login", data={"phone": "13900000000", "password": "x"},
                               headers={**over("https"), "Referer": f"https://{HOST}/auth/login"})
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert EXPIRED in page and USE_HTTPS not in page


@pytest.mark.parametrize("app_config", [
    {**HTTPS_SITE, "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False},
    # Without a trusted proxy every request looks like HTTP: redirecting would loop.
    {**HTTPS_SITE, "TRUSTED_PROXIES": 0},
], ids=["plain-http-site", "proxy-not-trusted"])
def test_nothing_is_redirected_where_the_app_cannot_tell_or_the_site_is_http(client):
    assert client.get("/auth/login", headers=over("http")).status_code == 200
    response = client.post("/auth/login", data={"phone": "13900000000", "password": "x"},
                           headers=over("http"))
    assert EXPIRED in response.get_data(as_text=True)
