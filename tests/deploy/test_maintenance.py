"""While the app is stopped (an upgrade, docs/deploy.md "Upgrading", or a restart),
the real nginx with the shipped site answers with the Chinese maintenance page from
disk (static/maintenance.html), not its own English "502 Bad Gateway"."""
from __future__ import annotations

import re

import pytest
import requests

from tests.deploy import servers as s
from tests.deploy.conftest import HOST

pytestmark = pytest.mark.deploy


def test_with_the_app_stopped_members_get_the_chinese_maintenance_page(tmp_path):
    stopped = s.free_port()  # the app's address, where nothing answers
    port = s.free_port()
    acme = tmp_path / "acme"
    acme.mkdir()
    front = s.nginx(tmp_path / "nginx", s.render_site(
        upstreams=[stopped], logs=tmp_path / "nginx" / "logs", acme=acme, port=port)).start()
    try:
        s.wait_until(lambda: s.port_open(port), f"nginx on {port}")
        for method, path in (("GET", "/progress/mine"), ("GET", "/"),
                             ("POST", "/auth/login")):
            answer = requests.request(method, f"http://127.0.0.1:{port}{path}",
                                      headers={"Host": HOST}, allow_redirects=False, timeout=30)
            # nginx's status, so that monitors and caches see the failure: not a 200
            assert answer.status_code == 502, (method, path, answer.status_code)
            assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
            assert answer.headers["Cache-Control"] == "no-store"
            assert "Retry-After" in answer.headers
            page = answer.content.decode("utf-8")
            assert "系统升级中，请稍后再试" in page
            assert "Bad Gateway" not in page
            # nothing the stopped app would have to serve: no stylesheet, script, image
            assert not re.search(r"""<(link|script|img)\b|url\(|(src|href)=["']/static""", page)
        # only an answer for errors, not an address of its own
        direct = requests.get(f"http://127.0.0.1:{port}/maintenance.html",
                              headers={"Host": HOST}, timeout=30)
        assert direct.status_code == 404
    finally:
        front.stop()
