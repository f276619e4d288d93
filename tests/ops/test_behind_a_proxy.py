"""Behind nginx: forwarded headers are believed only with TRUSTED_PROXIES; each request
has an id that reaches the logs; static files have content-versioned URLs; nginx's own
413 shows the app's Chinese page. (The real nginx in front: tests/deploy/.)"""
from __future__ import annotations

import hashlib
import logging
import re

import pytest
from flask.logging import default_handler

from tests import factories as f
from tracker.config import ROOT
from tracker.models import Role

FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "gongjian.example.gov.cn",
             "X-Forwarded-For": "203.0.113.9"}


def _invitation_link(client, login, admin, member) -> str:
    login(admin)
    page = client.post("/invite/manage", data={"members": [member.id]}, headers=FORWARDED)
    assert page.status_code == 200
    found = re.search(r'(https?://[^"<\s]+/invite/[A-Za-z0-9_-]+)', page.get_data(as_text=True))
    assert found, page.get_data(as_text=True)[:2000]
    return found.group(1)


@pytest.fixture
def people(app):
    unit = f.unit("县商务局")
    admin = f.member(unit, Role.admin, "管理员")
    member = f.member(unit, name="张三")
    from tracker.extensions import db

    db.session.commit()
    return admin, member


@pytest.mark.parametrize("app_config", [{"SERVER_NAME": None}])
def test_forwarded_headers_are_ignored_without_trusted_proxies(client, login, people):
    link = _invitation_link(client, login, *people)
    assert link.startswith("http://localhost/invite/")


@pytest.mark.parametrize("app_config", [{"SERVER_NAME": None, "TRUSTED_PROXIES": 1}])
def test_links_carry_the_public_scheme_and_host_with_one_trusted_proxy(client, login, people):
    link = _invitation_link(client, login, *people)
    assert link.startswith("https://gongjian.example.gov.cn/invite/")


def test_the_client_address_is_the_one_the_proxy_saw(app):
    """On an app of its own: the suite's apps are shared and take no new routes."""
    from flask import request

    from tracker import create_app

    app = create_app({**app.config, "SERVER_NAME": None, "TRUSTED_PROXIES": 1})
    seen = {}

    @app.get("/_whoami")
    def whoami():
        seen["addr"] = request.remote_addr
        return "ok"

    app.test_client().get("/_whoami", headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9"})
    # One proxy: only the address it appended counts, not what the client claimed.
    assert seen["addr"] == "203.0.113.9"


def test_trusted_proxies_must_be_a_number(monkeypatch):
    from tracker.config import ConfigError, load_config

    monkeypatch.setenv("TRUSTED_PROXIES", "yes")
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        load_config({"TESTING": True})


def test_a_sane_request_id_from_the_proxy_is_kept_and_sent_back(client):
    response = client.get("/auth/login", headers={"X-Request-ID": "0f9a6c2e4b7d41e8a3c5"})
    assert response.headers["X-Request-ID"] == "0f9a6c2e4b7d41e8a3c5"


@pytest.mark.parametrize("given", [None, "x", "a b c d e f g h", "<script>" * 3])
def test_a_missing_or_odd_request_id_is_replaced_by_a_new_one(client, given):
    headers = {"X-Request-ID": given} if given else {}
    sent = client.get("/auth/login", headers=headers).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", sent)
    assert sent != client.get("/auth/login", headers=headers).headers["X-Request-ID"]


def test_log_lines_name_the_request(app):
    with app.test_request_context("/", headers={"X-Request-ID": "req-7f3e9b21"}):
        app.preprocess_request()
        record = logging.LogRecord("tracker", logging.ERROR, __file__, 1, "boom", None, None)
        assert default_handler.filter(record)
        assert "request_id=req-7f3e9b21" in default_handler.format(record)


def test_static_urls_carry_the_hash_of_the_file_content(client, login, people):
    login(people[1])
    html = client.get("/tasks/").get_data(as_text=True)
    digest = hashlib.sha256((ROOT / "static/css/app.css").read_bytes()).hexdigest()[:12]
    assert f"/static/css/app.css?v={digest}" in html


def test_a_changed_file_gets_a_new_url(app, tmp_path):
    from tracker.ops.web import file_version

    (tmp_path / "app.css").write_text("body{color:#000}")
    before = file_version(str(tmp_path), "app.css")
    (tmp_path / "app.css").write_text("body{color:#111}")
    file_version.cache_clear()  # a deploy restarts the servers
    assert file_version(str(tmp_path), "app.css") != before
    assert file_version(str(tmp_path), "../app.css") is None
    assert file_version(str(tmp_path), "missing.css") is None


def test_the_page_for_nginx_413_is_the_apps_chinese_page(client):
    response = client.get("/errors/too-large")
    text = response.get_data(as_text=True)
    assert "文件太大" in text and "合计不能超过" in text


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True,
                                         "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"}])
def test_a_dead_limit_storage_lets_logins_through_and_says_so(client, people, caplog):
    """Nothing listens on port 1: Redis is "down". The right password still logs in,
    and the failure is logged on a logger whose lines reach the app's log handler."""
    admin, _member = people
    with caplog.at_level(logging.WARNING, logger="tracker.throttle"):
        response = client.post("/auth/login", data={"phone": admin.phone, "password": f.PASSWORD})
    assert response.status_code == 302
    records = [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
    assert records and records[0].name == "tracker.throttle"
    # A child of the app's logger ("tracker"), whose handler writes the app's log.
    assert logging.getLogger("tracker.throttle").propagate
