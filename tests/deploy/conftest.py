"""One deployment for the tests of this folder, started for real and stopped after:
PostgreSQL, Redis, two gunicorn instances (2 workers each) behind one nginx upstream
with proxy headers trusted, and a third instance with them untrusted behind its own
nginx, to show the difference. A fourth instance runs as an HTTPS site (SECURE_COOKIES=1)
behind nginx with the documented HTTPS edit (plain HTTP only redirects), and behind a
plain-HTTP nginx too, as an installation that kept HTTP open would have it.
`make test-deploy` runs them (and `make test`)."""
from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.deploy import servers as s
from tests.flask_cli import run_flask

HOST = s.HOST  # the public name people type
SECRET = "deploy-test-secret-shared-by-every-instance"
PASSWORD = "Gongjian-2026"  # tests/factories.py's


@dataclass
class Stack:
    db_url: str
    redis_port: int
    redis: s.Server
    redis_dir: Path
    instances: dict  # name -> (Server, port)
    http: str  # nginx in front of a and b (TRUSTED_PROXIES=1)
    https: str  # nginx after the documented HTTPS edit, in front of d (SECURE_COOKIES=1)
    https_redirect: str  # that nginx's plain HTTP port: only a redirect to HTTPS
    old_http: str  # a plain-HTTP nginx in front of d: HTTP left open on an HTTPS site
    untrusted: str  # nginx in front of c (no TRUSTED_PROXIES)
    uploads: Path
    acme: Path  # the ACME webroot every nginx serves /.well-known/acme-challenge/ from
    world: dict

    def direct(self, name: str) -> str:
        return f"http://127.0.0.1:{self.instances[name][1]}"

    def access_log(self, front: str = "nginx") -> Path:
        """The access log of one nginx (its folder's name in ``fronts``), as
        deploy/nginx.conf writes it: /var/log/nginx/tracker.access.log, moved."""
        return self.uploads.parent / front / "logs" / "tracker.access.log"

    def stop_redis(self) -> None:
        self.redis.stop()

    def start_redis(self) -> None:
        self.redis = s.redis_server(self.redis_dir, self.redis_port).start()
        s.wait_until(lambda: s.redis_up(self.redis_port), "redis-server")


def _build_world(url: str, uploads: Path) -> dict:
    from tests import factories as f
    from tracker import create_app
    from tracker.extensions import db
    from tracker.models import Role

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                      "UPLOAD_FOLDER": str(uploads)})
    with app.test_request_context("/"):
        unit = f.unit("县商务局")
        community = f.community("解放路社区")
        item = f.item(unit, community, "environment_cleanup")
        admin = f.member(unit, Role.admin, "管理员", phone="13700000000")
        liaison = f.member(unit, Role.liaison, "联络员", communities=[community],
                           phone="13700000001")
        members = [f.member(unit, name=f"党员{i:02d}", phone=f"137100000{i:02d}")
                   for i in range(40)]
        db.session.commit()
        world = {"admin": admin.phone, "liaison": liaison.phone, "item": item.id,
                 "liaison_id": liaison.id, "members": [m.phone for m in members],
                 "member_ids": [m.id for m in members]}
        db.session.remove()
        db.engine.dispose()
    return world


@pytest.fixture(scope="session")
def stack():
    for tool in (s.NGINX, s.REDIS):
        if not Path(tool).exists():
            pytest.fail(f"{tool} is missing: apt-get install nginx-light redis-server "
                        "(.ci/run does it)")
    base = Path(tempfile.mkdtemp(prefix="tracker-deploy-"))
    started = []
    pg = s.Postgres()
    try:
        pg.start()
        started.append(pg)
        upgrade = run_flask(pg.url, "db", "upgrade")
        assert upgrade.returncode == 0, upgrade.stderr[-3000:]
        uploads = base / "uploads"
        world = _build_world(pg.url, uploads)

        redis_port = s.free_port()
        redis = s.redis_server(base / "redis", redis_port).start()
        started.append(redis)
        s.wait_until(lambda: s.redis_up(redis_port), "redis-server")

        # nginx's ports first: each instance is told the address it is reached at, as
        # production requires (PUBLIC_URL), and builds its links on it
        http_port, plain_port, old_http_port = s.free_port(), s.free_port(), s.free_port()
        tls = {"port": s.free_port(), "redirect_port": s.free_port(),
               **s.self_signed(base / "tls", HOST)}
        common = {"TRACKER_ENV": "production", "SECRET_KEY": SECRET, "DATABASE_URL": pg.url,
                  "UPLOAD_FOLDER": str(uploads), "MAX_UPLOAD_MB": "10",
                  "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{redis_port}/0"}
        behind_nginx = {"TRUSTED_PROXIES": "1", "PUBLIC_URL": f"http://{HOST}:{http_port}"}
        instances = {}
        for name, extra, workers in (("a", behind_nginx, 2),
                                     ("b", behind_nginx, 2),
                                     ("c", {"PUBLIC_URL": f"http://127.0.0.1:{plain_port}"}, 1),
                                     ("d", {"TRUSTED_PROXIES": "1", "SECURE_COOKIES": "1",
                                            "PUBLIC_URL": f"https://{HOST}:{tls['port']}"}, 1)):
            port = s.free_port()
            server = s.gunicorn(name, base / "gunicorn", port, {**common, **extra},
                                workers=workers).start()
            started.append(server)
            instances[name] = (server, port)
        for name, (server, port) in instances.items():
            s.wait_until(lambda port=port: s.http_ok(f"http://127.0.0.1:{port}/readyz"),
                         f"gunicorn {name}")

        fronts = (("nginx", {"port": http_port}, ["a", "b"]),
                  ("nginx-https", {"tls": tls}, ["d"]),
                  ("nginx-old-http", {"port": old_http_port}, ["d"]),
                  ("nginx-untrusted", {"port": plain_port}, ["c"]))
        acme = base / "acme"  # certbot --webroot -w writes .well-known/acme-challenge/…
        (acme / ".well-known" / "acme-challenge").mkdir(parents=True)
        for folder, where, names in fronts:
            started.append(s.nginx(base / folder, s.render_site(
                upstreams=[instances[name][1] for name in names],
                logs=base / folder / "logs", acme=acme, **where)).start())
        for port in (http_port, plain_port, old_http_port):
            s.wait_until(lambda port=port: s.http_ok(f"http://127.0.0.1:{port}/healthz"),
                         f"nginx on {port}")
        for port in (tls["port"], tls["redirect_port"]):  # no plain /healthz there
            s.wait_until(lambda port=port: s.port_open(port), f"nginx (HTTPS) on {port}")
        stack = Stack(pg.url, redis_port, redis, base / "redis", instances,
                      f"http://127.0.0.1:{http_port}", f"https://127.0.0.1:{tls['port']}",
                      f"http://127.0.0.1:{tls['redirect_port']}",
                      f"http://127.0.0.1:{old_http_port}",
                      f"http://127.0.0.1:{plain_port}", uploads, acme, world)
        started.append(stack)  # its redis may have been restarted: stop that one
        yield stack
    finally:
        for thing in reversed(started):
            if isinstance(thing, Stack):
                thing.redis.stop()
            else:
                thing.stop()
        shutil.rmtree(base, ignore_errors=True)


class Visitor:
    """One phone: a cookie jar talking to one base URL (nginx, or an instance directly).
    TLS is not verified per request (verify=False): the tests' certificate is
    self-signed, and a session-wide setting loses to REQUESTS_CA_BUNDLE."""

    def __init__(self, base: str, host: str | None = HOST):
        self.base = base
        self.session = requests.Session()
        self.host = host

    def _headers(self, headers: dict | None) -> dict:
        out = {"Host": self.host} if self.host else {}
        return {**out, **(headers or {})}

    def get(self, path: str, base: str | None = None, **kw):
        return self.session.get((base or self.base) + path,
                                headers=self._headers(kw.pop("headers", None)),
                                allow_redirects=False, timeout=60, verify=False, **kw)

    def post(self, path: str, data: dict | None = None, base: str | None = None, **kw):
        # A browser sends the page it is on; over HTTPS, Flask-WTF checks it is this site.
        scheme, _sep, address = (base or self.base).partition("://")
        port = address.rsplit(":", 1)[1]
        referer = f"{scheme}://{self.host or address.rsplit(':', 1)[0]}:{port}{path}"
        return self.session.post((base or self.base) + path, data=data,
                                 headers=self._headers({"Referer": referer,
                                                        **kw.pop("headers", {})}),
                                 allow_redirects=False, timeout=60, verify=False, **kw)

    def csrf(self, base: str | None = None, path: str = "/auth/login") -> str:
        page = self.get(path, base=base).text
        found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
        assert found, page[:1000]
        return found.group(1)

    def login(self, phone: str, password: str = PASSWORD, base: str | None = None):
        token = self.csrf(base)
        return self.post("/auth/login", {"csrf_token": token, "phone": phone,
                                         "password": password}, base=base)


@pytest.fixture
def visitor(stack):
    def make(base: str | None = None, host: str | None = HOST) -> Visitor:
        return Visitor(base or stack.http, host)

    return make
