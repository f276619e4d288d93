"""gunicorn for 社区共建任务台账: ``gunicorn -c deploy/gunicorn.conf.py wsgi:app``.

Read by tracker.service (deploy/), with the app's settings in /etc/tracker/tracker.env.
A value given on the command line wins over this file; the GUNICORN_* variables below
let one file serve a server with other needs (docs/deploy.md).
"""
import multiprocessing
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tracker.config import (ConfigError, gunicorn_preload, gunicorn_workers,  # noqa: E402
                            text_setting, trusted_proxies)

env = os.environ


def _checked(read, *args):
    """A setting read by the app's own reader; one it refuses stops gunicorn naming it
    (SystemExit: gunicorn prints it alone, without "Failed to read config file" and a
    traceback)."""
    try:
        return read(*args)
    except ConfigError as error:
        raise SystemExit(f"tracker: {error}") from None


# nginx on the same host talks to this address (deploy/nginx.conf, upstream tracker_app).
bind = text_setting(env, "GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: each request holds one process, and the work is the database's. Two per
# core plus one keeps the cores busy while some workers wait on PostgreSQL.
# Read as the app reads its numbers: `GUNICORN_WORKERS=4x` stops gunicorn with the variable
# named, and an empty value is the default.
workers = _checked(gunicorn_workers, multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"

# A monthly report for a whole county takes a few seconds; nothing takes a minute. A
# worker stuck longer is killed and replaced. On stop or reload, requests under way
# get graceful_timeout to finish.
timeout = 60
graceful_timeout = 30
keepalive = 2
# Replace each worker now and then (jitter: not all at once), so a slow leak in any
# library never grows for weeks.
max_requests = 2000
max_requests_jitter = 200
# The app is loaded once, in the master, and every worker is forked from it ready to
# serve. Loaded by each worker instead, a replacement cost about 2.3 s of CPU (the
# imports and create_app): under load, one every 2,000 requests took a quarter of
# /healthz's throughput and stalled its worker meanwhile (docs/performance.md). The
# forked workers start with empty connection pools (tracker/db_setup.py). Code is
# therefore read at start only: a new release is `systemctl restart tracker`
# (docs/deploy.md, "Upgrading"); GUNICORN_PRELOAD=0 (or off, no, false) loads it in each
# worker again; a word that is neither on nor off stops gunicorn, as GUNICORN_WORKERS=4x does.
preload_app = _checked(gunicorn_preload)
# The workers' heartbeat files on tmpfs: a slow disk must not make them look dead.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Logs to stdout/stderr: systemd's journal keeps them (journalctl -u tracker).
# Each access line names the request id (the app sends back nginx's X-Request-ID, or
# the one it made) and the time taken in milliseconds. The request is written as method,
# path and protocol, without its query string (not %(r)s): a search's ?q= holds what
# staff typed — a phone, a resident's name — and nginx's log drops it too.
accesslog = "-"
errorlog = "-"
loglevel = text_setting(env, "GUNICORN_LOG_LEVEL", "info")
access_log_format = ('%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s '
                     'for=%({x-forwarded-for}i)s "%(a)s"')

# Proxy headers are believed only when the app is told it sits behind a proxy
# (TRUSTED_PROXIES, read by the app for X-Forwarded-For/Host/Port/Proto); gunicorn's
# own reading of X-Forwarded-Proto follows the same switch, from nginx on this host
# only (or the addresses in GUNICORN_FORWARDED_ALLOW_IPS). Read by the app's own reader,
# so `00` is none here as it is there, and `no` stops gunicorn naming it.
_behind_proxy = _checked(trusted_proxies) > 0
forwarded_allow_ips = (text_setting(env, "GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
                       if _behind_proxy else "")

proc_name = text_setting(env, "GUNICORN_PROC_NAME", "tracker")
# No control socket (gunicornc): nothing here uses it, and several instances on one
# host would otherwise fight over the same default path.
control_socket_disable = True


def on_starting(server):
    """Runs once, in the master process, before any worker starts.

    ---- CONFIGURATION CHECKS: call them here. ----------------------------------------
    A check that finds the settings unsafe for this server (e.g. several workers with
    a rate-limit storage that each process keeps for itself) logs why and raises
    SystemExit, so the service fails to start instead of running wrongly.
    -------------------------------------------------------------------------------------
    """
    server.log.info("tracker: %s workers on %s; proxy headers %s", server.cfg.workers,
                    ", ".join(server.cfg.bind),
                    "trusted from " + ",".join(server.cfg.forwarded_allow_ips)
                    if server.cfg.forwarded_allow_ips else "ignored")
    _check_throttle_storage(server)


def when_ready(server):
    """Runs in the master once it listens, before the first worker is forked. With
    preload_app the app is already loaded here: compile its templates now, so that
    every worker forked from the master starts with them (tracker/templating.py,
    compile_templates), then freeze what the master holds. Without preload the master
    holds no app and this does nothing."""
    if not server.cfg.preload_app:
        return
    import gc

    from tracker.templating import compile_templates

    count = compile_templates(server.app.wsgi())  # the app preload_app loaded, not a new one
    # Everything the master holds lives as long as the workers do: out of the
    # collector's sight (gc.freeze), a worker's collections neither walk it nor write to
    # its pages, which would copy them from the master into every worker, page by page.
    # Compiling the templates without this made the open list slower under load, not
    # faster (bench/ab_load.py: 0.92 of the requests a second; with it 1.09).
    gc.collect()
    gc.freeze()
    server.log.info("tracker: %s templates compiled, %s objects frozen, before the workers "
                    "fork", count, gc.get_freeze_count())


def _check_throttle_storage(server):
    """``RATELIMIT_STORAGE_URI=memory://`` counts in each worker apart: with several
    workers the login limits would be several times looser than configured."""
    from tracker.config import require_shared_throttle

    try:
        require_shared_throttle(server.cfg.workers)
    except ConfigError as error:
        server.log.error("tracker: %s", error)
        raise SystemExit(1) from None
