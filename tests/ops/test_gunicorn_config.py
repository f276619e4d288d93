"""deploy/gunicorn.conf.py, read by the real gunicorn: its start-up check refuses login
counts kept per process when several workers would serve (README, "Security")."""
from __future__ import annotations

import gc
import logging
import http.client
import os
import runpy
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.dbstate import keep_out_of_gc
from tests.deadlines import HUNG_SECONDS

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")

pytestmark = pytest.mark.sqlite_file  # the server runs on a SQLite file of its own


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(tmp_path, **env) -> subprocess.Popen:
    environment = {**os.environ, "TRACKER_ENV": "production",
                   "SECRET_KEY": "gunicorn-test-secret-of-32-characters-or-more",
                   "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}",
                   "PUBLIC_URL": "https://gongjian.county.gov.cn",
                   "GUNICORN_BIND": f"127.0.0.1:{_free_port()}", **env}
    environment.pop("TEST_DATABASE_URL", None)
    return subprocess.Popen([str(GUNICORN), "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
                            cwd=ROOT, env=environment, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def test_several_workers_with_per_process_counts_do_not_start(tmp_path):
    server = _start(tmp_path, GUNICORN_WORKERS="2", RATELIMIT_STORAGE_URI="memory://")
    try:
        output, _ = server.communicate(timeout=HUNG_SECONDS)
    finally:
        server.kill()
    assert server.returncode != 0
    assert "RATELIMIT_STORAGE_URI=memory://" in output and "2 workers" in output


def test_one_worker_with_per_process_counts_passes_the_check(tmp_path):
    """One process counting alone is still one count: the check lets it through (and
    the server then starts; it is stopped here once it is past the check)."""
    port = _free_port()
    server = _start(tmp_path, GUNICORN_WORKERS="1", RATELIMIT_STORAGE_URI="memory://",
                    GUNICORN_BIND=f"127.0.0.1:{port}")
    try:
        lines = []
        for line in server.stdout:
            lines.append(line)
            if "Booting worker" in line:
                break
        # stopped once its worker answers: a SIGTERM in the middle of the worker's
        # imports could leave the master waiting out its graceful timeout
        _answers(port)
    finally:
        server.terminate()
        lines += server.communicate(timeout=HUNG_SECONDS)[0].splitlines(keepends=True)
    assert any("Listening at" in line for line in lines), "".join(lines)
    assert not any("RATELIMIT_STORAGE_URI" in line for line in lines)


def _answers(port: int, server: subprocess.Popen | None = None) -> None:
    """Wait until the server answers an HTTP request (any status): refused until the
    master listens (it loads the app first), then the one request waits in the queue
    until a worker takes it (the master compiles the templates and forks it). Each
    takes seconds of CPU, a minute or more on a saturated machine: the request used to
    give up after 5 s and the wait after 30, so a slow start failed the test."""
    deadline = time.monotonic() + HUNG_SECONDS
    while True:
        try:
            _answer(port, "/healthz")
            return
        except ConnectionRefusedError:
            if server is not None and server.poll() is not None:
                pytest.fail("gunicorn stopped before it answered:\n"
                            + server.communicate(timeout=HUNG_SECONDS)[0])
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _workers(master: int) -> set[str]:
    return set(Path(f"/proc/{master}/task/{master}/children").read_text().split())


def _answer(port: int, path: str, timeout: float = HUNG_SECONDS) -> int:
    """The status of one GET (``timeout``: only stops a hung test)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_the_app_is_loaded_once_and_replaced_workers_are_forked_ready(tmp_path):
    """preload_app: the master holds the app (its Pillow library is mapped in the
    master, which never serves), and a worker replaced after its max_requests serves
    the database at once, on connections of its own."""
    port = _free_port()
    server = _start(tmp_path, GUNICORN_WORKERS="1", RATELIMIT_STORAGE_URI="memory://",
                    GUNICORN_BIND=f"127.0.0.1:{port}",
                    GUNICORN_CMD_ARGS="--max-requests 3 --max-requests-jitter 0")
    try:
        _answers(port, server)
        maps = Path(f"/proc/{server.pid}/maps").read_text()
        assert "PIL/_imaging" in maps, "the master has not loaded the app"
        seen = set(_workers(server.pid))
        statuses = []
        for _ in range(12):
            # a replaced worker's first: the master forks it once the last one exits
            statuses.append(_answer(port, "/healthz"))
            seen |= _workers(server.pid)
    finally:
        server.terminate()
        output = server.communicate(timeout=HUNG_SECONDS)[0]
    assert statuses == [200] * 12, output
    assert len(seen) >= 3, f"workers were not replaced: {seen}\n{output}"
    # the master compiled the templates before it forked the first worker
    compiled = output.find("objects frozen, before the workers fork")
    assert -1 < compiled < output.find("Booting worker"), output


def test_without_preload_the_master_does_not_load_the_app(tmp_path):
    """The check above tells the two apart: GUNICORN_PRELOAD=0 leaves the app to the
    workers."""
    port = _free_port()
    server = _start(tmp_path, GUNICORN_WORKERS="1", RATELIMIT_STORAGE_URI="memory://",
                    GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_PRELOAD="0")
    try:
        _answers(port, server)
        maps = Path(f"/proc/{server.pid}/maps").read_text()
    finally:
        server.terminate()
        output = server.communicate(timeout=HUNG_SECONDS)[0]
    assert "PIL/_imaging" not in maps
    assert "templates compiled" not in output


def test_the_master_compiles_and_freezes_before_the_workers_fork(app):
    """``when_ready`` as the config file defines it, given the preloaded app: every
    template compiled, then every object the master holds moved out of the collector's
    sight (gc.freeze), so that forked workers neither collect nor copy them."""
    hooks = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    logged = []
    server = SimpleNamespace(cfg=SimpleNamespace(preload_app=True),
                             app=SimpleNamespace(wsgi=lambda: app),
                             log=SimpleNamespace(info=lambda *line: logged.append(line)))
    app.jinja_env.cache.clear()
    # the suite freezes its own long-lived objects (tests/dbstate.py: keep_out_of_gc):
    # lifted here so that what is frozen is the hook's doing, and put back after
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        hooks["when_ready"](server)
        frozen = gc.get_freeze_count()
    finally:
        gc.unfreeze()
        keep_out_of_gc()
    assert frozen > 0
    assert len(app.jinja_env.cache) == len(app.jinja_env.list_templates())
    assert logged and logged[0][1:] == (len(app.jinja_env.list_templates()), frozen)


@pytest.mark.parametrize("value", ["4x", "0"])
def test_a_worker_count_that_is_no_number_stops_gunicorn_naming_it(tmp_path, value):
    """`GUNICORN_WORKERS=4x` stopped gunicorn with "Failed to read config file", a
    traceback and "invalid literal for int()"; now the one line names the variable, as
    the app's own number settings do (README, Configuration)."""
    server = _start(tmp_path, GUNICORN_WORKERS=value)
    try:
        output, _ = server.communicate(timeout=HUNG_SECONDS)
    finally:
        server.kill()
    assert server.returncode != 0
    assert "tracker: GUNICORN_WORKERS must be a whole number" in output
    assert f"(got '{value}')" in output
    assert "invalid literal" not in output and "Traceback" not in output


def _read_config(monkeypatch, **env) -> dict:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))


def test_gunicorn_settings_set_but_empty_are_their_defaults(monkeypatch):
    """An env file's `GUNICORN_WORKERS=` line: int("") stopped gunicorn; an empty bind
    or process name went to gunicorn as given."""
    read = _read_config(monkeypatch, GUNICORN_WORKERS="", GUNICORN_BIND=" ",
                        GUNICORN_PROC_NAME="", GUNICORN_LOG_LEVEL="", GUNICORN_PRELOAD="",
                        TRUSTED_PROXIES="1", GUNICORN_FORWARDED_ALLOW_IPS="")
    assert read["workers"] == os.cpu_count() * 2 + 1  # README: 2 × cores + 1
    assert (read["bind"], read["proc_name"], read["loglevel"]) == ("127.0.0.1:8000", "tracker",
                                                                   "info")
    assert read["preload_app"] is True
    assert read["forwarded_allow_ips"] == "127.0.0.1,::1"


def test_a_worker_count_is_taken_as_given(monkeypatch):
    assert _read_config(monkeypatch, GUNICORN_WORKERS=" 3 ")["workers"] == 3


@pytest.mark.parametrize(("value", "preload"), [("0", False), ("off", False), ("No", False),
                                                ("false", False), ("1", True), (" yes ", True),
                                                ("ON", True), ("true", True)])
def test_preload_is_an_on_off_setting_like_the_apps(monkeypatch, value, preload):
    """`GUNICORN_PRELOAD=no` (or off, false) loaded the app in the master all the same:
    anything but "0" was on."""
    assert _read_config(monkeypatch, GUNICORN_PRELOAD=value)["preload_app"] is preload


def test_a_preload_word_neither_on_nor_off_stops_gunicorn_naming_it(tmp_path):
    server = _start(tmp_path, GUNICORN_PRELOAD="ture")
    try:
        output, _ = server.communicate(timeout=HUNG_SECONDS)
    finally:
        server.kill()
    assert server.returncode != 0
    assert "tracker: GUNICORN_PRELOAD must be one of 1, true, yes, on (on)" in output
    assert "(got 'ture')" in output and "Traceback" not in output


@pytest.mark.parametrize(("value", "allowed"), [("0", ""), ("00", ""), ("", ""),
                                                ("1", "127.0.0.1,::1"), (" 2 ", "127.0.0.1,::1")])
def test_gunicorn_believes_proxies_exactly_when_the_app_does(monkeypatch, value, allowed):
    """TRUSTED_PROXIES counts proxies (README): `00` is none, as the app reads it, so
    gunicorn does not believe X-Forwarded-Proto either; it used to, as anything but
    "0" was trusted."""
    read = _read_config(monkeypatch, TRUSTED_PROXIES=value)
    assert read["forwarded_allow_ips"] == allowed


def test_a_trusted_proxies_value_that_is_no_number_stops_gunicorn_naming_it(tmp_path):
    """`TRUSTED_PROXIES=no` was trusted by gunicorn (not "0") and refused by the app."""
    server = _start(tmp_path, TRUSTED_PROXIES="no")
    try:
        output, _ = server.communicate(timeout=HUNG_SECONDS)
    finally:
        server.kill()
    assert server.returncode != 0
    assert "tracker: TRUSTED_PROXIES must be a whole number" in output
    assert "(got 'no')" in output and "Traceback" not in output


@contextmanager
def _gunicorn_loggers_kept():
    """gunicorn's ``Logger`` set up in this process takes its loggers over —
    ``gunicorn.access`` stops propagating and gets handlers of its own —, which would
    leave a later test of this worker that reads those loggers' records
    (tests/security/test_data.py's ``TestLogs``) with none: as they were after."""
    loggers = [logging.getLogger(name) for name in ("gunicorn.error", "gunicorn.access")]
    kept = [(lg, lg.propagate, lg.level, lg.disabled, list(lg.handlers)) for lg in loggers]
    try:
        yield
    finally:
        for lg, propagate, level, disabled, handlers in kept:
            for handler in lg.handlers:
                if handler not in handlers:
                    handler.close()
            lg.propagate, lg.disabled, lg.handlers = propagate, disabled, handlers
            lg.setLevel(level)


def test_gunicorn_logs_the_path_without_the_query_string():
    """A search's ?q= reaches gunicorn's access line only if the format asks for it:
    the request is written as method, path and protocol."""
    from datetime import timedelta

    from gunicorn.config import Config
    from gunicorn.glogging import Logger, SafeAtoms

    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    cfg = Config()
    cfg.set("access_log_format", config["access_log_format"])
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/admin/members?q=138+1234+5678",
               "PATH_INFO": "/admin/members", "QUERY_STRING": "q=138+1234+5678",
               "SERVER_PROTOCOL": "HTTP/1.0", "REMOTE_ADDR": "127.0.0.1"}
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    with _gunicorn_loggers_kept():
        atoms = Logger(cfg).atoms(response, SimpleNamespace(headers=[]), environ,
                                  timedelta(milliseconds=5))
    line = cfg.access_log_format % SafeAtoms(atoms)
    assert '"GET /admin/members HTTP/1.0" 200' in line
    assert "q=" not in line and "1234" not in line
