"""Real servers for the deployment tests, each on a free loopback port, each stopped by
whoever started it: a throw-away PostgreSQL cluster (scripts/pg.sh), redis-server,
gunicorn (deploy/gunicorn.conf.py) and nginx (deploy/nginx.conf, rendered into a
private prefix: no root needed, nothing of the system's nginx touched)."""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.deadlines import HUNG_SECONDS

ROOT = Path(__file__).resolve().parent.parent.parent
VENV_BIN = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, what: str, timeout: float = HUNG_SECONDS) -> None:
    """Poll ``check()`` until true (the deadline only stops a hung start: a gunicorn
    loading the app took over a minute on a saturated machine, tests/deadlines.py)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, requests.RequestException):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not come up within {timeout} s")


@dataclass
class Server:
    name: str
    command: list[str]
    log: Path
    env: dict | None = None
    cwd: Path = ROOT
    process: subprocess.Popen | None = field(default=None, repr=False)

    def start(self) -> "Server":
        self.log.parent.mkdir(parents=True, exist_ok=True)
        out = open(self.log, "ab")
        self.process = subprocess.Popen(self.command, cwd=self.cwd, env=self.env, stdout=out,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        out.close()
        return self

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """SIGTERM (each of these shuts down cleanly on it), then SIGKILL if it hangs."""
        if not self.running():
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def tail(self, lines: int = 40) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


# --- PostgreSQL ----------------------------------------------------------------------------

class Postgres:
    """A private cluster through scripts/pg.sh (it runs initdb/postgres as `postgres`
    when we are root). Its folder is outside pytest's tmp: that one is private to root."""

    def __init__(self):
        # pg.sh makes the folder and, as root, gives it to `postgres`.
        self.dir = Path(tempfile.gettempdir()) / f"tracker-deploy-pg-{uuid.uuid4().hex[:12]}"
        self.env = {**os.environ, "PG_TEST_DIR": str(self.dir), "PG_TEST_DB": "tracker"}
        self.url = ""

    def start(self) -> "Postgres":
        done = subprocess.run([str(ROOT / "scripts/pg.sh"), "start"], env=self.env,
                              capture_output=True, text=True, timeout=180)
        if done.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not start: {done.stderr}")
        self.url = done.stdout.strip().splitlines()[-1]
        return self

    def stop(self) -> None:
        subprocess.run([str(ROOT / "scripts/pg.sh"), "stop"], env=self.env,
                       capture_output=True, timeout=120)


# --- Redis ---------------------------------------------------------------------------------

def redis_server(folder: Path, port: int) -> Server:
    folder.mkdir(parents=True, exist_ok=True)
    return Server("redis", [REDIS, "--port", str(port), "--bind", "127.0.0.1",
                            "--save", "", "--appendonly", "no", "--dir", str(folder),
                            "--daemonize", "no"], folder / "redis.log")


def redis_up(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
        s.sendall(b"PING\r\n")
        return s.recv(16).startswith(b"+PONG")


# --- gunicorn ------------------------------------------------------------------------------

def gunicorn(name: str, folder: Path, port: int, env: dict, workers: int = 2) -> Server:
    """One instance with deploy/gunicorn.conf.py, its own pid file and log; the rest of
    its settings from ``env`` (as /etc/tracker/tracker.env gives them)."""
    folder.mkdir(parents=True, exist_ok=True)
    command = [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "deploy/gunicorn.conf.py"),
               "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--pid", str(folder / f"{name}.pid"), "--name", f"tracker-{name}",
               "wsgi:app"]
    full_env = {key: value for key, value in os.environ.items()
                if not key.startswith(("TEST_DATABASE_URL", "GUNICORN_", "PYTEST_"))}
    full_env.update(env)
    return Server(name, command, folder / f"{name}.log", env=full_env)


def http_ok(url: str) -> bool:
    return requests.get(url, timeout=2).status_code == 200


def port_open(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1):
        return True


# --- nginx ---------------------------------------------------------------------------------

SITE = ROOT / "deploy" / "nginx.conf"
# The public name people type (docs/deploy.md step 0's TRACKER_HOST): an installation's
# own, as production refuses the example's placeholder host in PUBLIC_URL.
HOST = "gongjian.county.gov.cn"
EXAMPLE_HOST = "gongjian.example.gov.cn"  # the shipped site file's server_name


def _replace(text: str, pattern: str, new: str, flags: int = 0) -> str:
    """Replace what must be in the site file; fail loudly when the file changed shape."""
    result, count = re.subn(pattern, new, text, flags=flags)
    if count == 0:
        raise AssertionError(f"deploy/nginx.conf has no match for {pattern!r}")
    return result


DEPLOY_DOC = ROOT / "docs" / "deploy.md"


def documented_https_edit(site: str) -> str:
    """The site file after the one command docs/deploy.md ("HTTPS") gives an operator
    (deploy/install-site.sh HOST --https), run as written there on a copy of the
    deploy folder whose nginx.conf is ``site``, for ``HOST``."""
    found = re.search(r'^/srv/tracker/app/deploy/install-site\.sh "\$TRACKER_HOST" --https$',
                      DEPLOY_DOC.read_text(encoding="utf-8"), re.M)
    if not found:
        raise AssertionError("docs/deploy.md has no install-site.sh --https for the site file")
    with tempfile.TemporaryDirectory() as folder:
        deploy = Path(folder) / "deploy"
        deploy.mkdir()
        shutil.copy(ROOT / "deploy" / "install-site.sh", deploy)
        (deploy / "nginx.conf").write_text(site, encoding="utf-8")
        copy = Path(folder) / "tracker"
        command = found.group(0).replace("/srv/tracker/app/deploy/", f"{deploy}/")
        subprocess.run(["sh", "-c", command], check=True, capture_output=True,
                       env={**os.environ, "TRACKER_HOST": HOST,
                            "TRACKER_SITE_FILE": str(copy)})
        return copy.read_text(encoding="utf-8")


def render_site(*, upstreams: list[int], logs: Path, acme: Path, port: int | None = None,
                tls: dict | None = None) -> str:
    """deploy/nginx.conf as it ships, with only the machine-specific values changed:
    the listening addresses, the app servers, the static folder, the ACME webroot
    (``acme``, for /var/www/acme) and the log folder.
    Without ``tls``: the plain HTTP site on ``port``. With ``tls`` (port, redirect_port,
    cert, key): the documented HTTPS edit first — HTTPS on ``tls['port']``, plain HTTP
    on ``tls['redirect_port']`` only redirecting to it."""
    site = SITE.read_text(encoding="utf-8")
    if tls:
        site = documented_https_edit(site)
        if re.search(r"^\s*# HTTPS: |# HTTP-only$", site, re.M):
            raise AssertionError("the documented HTTPS edit left marked lines in the site")
        # Only the redirect server listens on plain HTTP now.
        site = _replace(site, r"^    listen 80;$",
                        f"    listen 127.0.0.1:{tls['redirect_port']};", re.M)
        site = _replace(site, r"^    listen \[::\]:80;\n", "", re.M)
        site = _replace(site, r"^    listen 443 ssl http2;$",
                        f"    listen 127.0.0.1:{tls['port']} ssl http2;", re.M)
        site = _replace(site, r"^    listen \[::\]:443 ssl http2;\n", "", re.M)
        site = _replace(site, r"/etc/ssl/tracker/fullchain.pem", str(tls["cert"]))
        site = _replace(site, r"/etc/ssl/tracker/privkey.pem", str(tls["key"]))
    else:
        site = _replace(site, re.escape(EXAMPLE_HOST), HOST)  # as install-site.sh HOST does
        site = _replace(site, r"^    listen 80;  # HTTP-only$", f"    listen 127.0.0.1:{port};", re.M)
        site = _replace(site, r"^    listen \[::\]:80;  # HTTP-only\n", "", re.M)
    servers = "".join(f"    server 127.0.0.1:{p};\n" for p in upstreams)
    site = _replace(site, r"upstream tracker_app \{\n.*?\n\}",
                    "upstream tracker_app {\n" + servers + "}", re.S)
    site = _replace(site, r"/srv/tracker/app/static/", f"{ROOT}/static/")
    site = _replace(site, r"/var/log/nginx/", f"{logs}/")
    site = _replace(site, r"root /var/www/acme;", f"root {acme};")
    return site


def nginx(folder: Path, site: str) -> Server:
    """nginx in its own prefix, in the foreground, with the rendered site as its only one."""
    for sub in ("logs", "temp/body", "temp/proxy", "temp/fastcgi", "temp/uwsgi", "temp/scgi"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    # As root, nginx's workers would switch to `nobody`, who may not read this checkout.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(f"""{user}worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/logs/error.log info;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {folder}/temp/body;
    proxy_temp_path {folder}/temp/proxy;
    fastcgi_temp_path {folder}/temp/fastcgi;
    uwsgi_temp_path {folder}/temp/uwsgi;
    scgi_temp_path {folder}/temp/scgi;
{site}
}}
""", encoding="utf-8")
    check = subprocess.run([NGINX, "-t", "-p", str(folder), "-c", str(folder / "nginx.conf")],
                           capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"nginx -t refused the rendered site:\n{check.stderr}")
    return Server("nginx", [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")],
                  folder / "logs" / "nginx.out")


def self_signed(folder: Path, host: str) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", f"/CN={host}", "-addext", f"subjectAltName=DNS:{host}",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return {"cert": cert, "key": key}
