"""Throughput under load, through gunicorn: the figures issue 14 asks for that a single
process cannot show.

    .venv/bin/python bench/load.py --db sqlite --scale small          # all three tests
    .venv/bin/python bench/load.py --db postgresql --scale full --reuse --only throughput

It serves the data set of ``bench/run.py`` (same ``--scale``, same files, ``--reuse``
keeps it) with gunicorn, 2 sync workers (``--workers``), production settings, and
measures with Debian's ``wrk``:

throughput   for each member page, ``wrk -t2 -c8 -d15s`` on ``/healthz`` and then on the
             page, in the same run; the figure is the page's requests per second divided
             by ``/healthz``'s, so the machine's other load cancels out. ``--repeats``
             runs (3), min / median / max of the ratio.
mixed        the member's open-task list alone, then the same while an admin reloads
             the county-wide year view without pause: the ratio of the two (1.0 = the
             admin's heavy page costs the members nothing).
claims       the last-slot claim storm: 10 new tasks of 5 slots, 200 members each trying
             every task in its own order over ``--clients`` connections at once, sent
             by wrk (bench/lua/storm.lua: one connection per wrk thread); claims
             per second, and the count of slots held per task afterwards (over-booked
             must be 0, and every slot must be taken); and the gunicorn workers' CPU
             per claim (/proc), which the machine's other load barely changes.
             ``--tokens``: each attempt also sends a fresh one-time submission token,
             as a real card's button does (tracker/resend.py).

Results are printed and written as JSON with ``--out``; docs/performance.md keeps them
with the load average of each run. Nothing here is a test: times never are.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import func, select  # noqa: E402

import run as county  # noqa: E402  (bench/run.py: the data sets and the PostgreSQL cluster)
from tracker.datagen import PASSWORD  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import (  # noqa: E402
    Assignment,
    Community,
    Member,
    Role,
    Task,
    TaskStatus,
)
from tracker.models.work import HOLDING  # noqa: E402
from tracker.timeutil import local_date, local_today, utcnow  # noqa: E402

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                  r'name="csrf_token" value="([^"]+)"')
STORM = {"members": 200, "tasks": 10, "slots": 5}


# ---------------------------------------------------------------- the server

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with the production settings, on a free loopback port."""

    def __init__(self, url: str, workers: int):
        self.port = free_port()
        env = dict(os.environ, DATABASE_URL=url, TRACKER_ENV="production",
                   SECRET_KEY="bench-" + os.urandom(24).hex(),
                   PUBLIC_URL=f"http://127.0.0.1:{self.port}",
                   # 200 members log in from one address here; a real county does not
                   LOGIN_LIMIT_PER_ADDRESS="100000 per 15 minutes",
                   GUNICORN_LOG_LEVEL="warning")
        self.process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
             "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--access-logfile", "/dev/null", "wsgi:app"],
            cwd=ROOT, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(self, method: str, path: str, body: dict | None = None,
                cookie: str | None = None) -> tuple[int, dict, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Cookie": cookie} if cookie else {}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            headers = dict(response.getheaders())
            headers["Set-Cookie"] = response.msg.get_all("Set-Cookie") or []
            return response.status, headers, response.read().decode()
        finally:
            connection.close()

    def login(self, phone: str) -> tuple[str, str]:
        """A signed-in session: (Cookie header, the session's CSRF token)."""
        jar: dict[str, str] = {}
        status, headers, html = self.request("GET", "/auth/login")
        _keep(jar, headers)
        status, headers, _body = self.request(
            "POST", "/auth/login", {"phone": phone, "password": PASSWORD,
                                    "csrf_token": _csrf(html)}, _cookie(jar))
        if status != 302 or "/auth/login" in headers.get("Location", ""):
            raise RuntimeError(f"login as {phone} failed: HTTP {status}")
        _keep(jar, headers)
        # the page that first shows a form stores the session's CSRF token in the cookie
        _status, headers, html = self.request("GET", "/tasks/", cookie=_cookie(jar))
        _keep(jar, headers)
        return _cookie(jar), _csrf(html)

    def workers_cpu_seconds(self) -> float:
        """User + system CPU of the gunicorn workers so far (Linux /proc): a figure the
        machine's other load barely changes, unlike the wall time."""
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        # Workers gunicorn recycled (max_requests) are gone from the list; the master
        # reaped them, so their CPU is in its cutime and cstime.
        fields = Path(f"/proc/{master}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[13]) + int(fields[14])
        for pid in children:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _keep(jar: dict[str, str], headers: dict) -> None:
    """Remember the cookies a response sets (a browser's cookie jar, minus the rules)."""
    for line in headers["Set-Cookie"]:
        name, _, value = line.split(";", 1)[0].partition("=")
        jar[name.strip()] = value


def _cookie(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def _csrf(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1) or match.group(2)


def wrk(server: Server, path: str, cookie: str | None, seconds: int) -> float:
    """Requests per second of ``wrk -t2 -c8``; non-2xx answers make the run invalid."""
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command + [server.base + path], capture_output=True, text=True,
                         check=True).stdout
    if "Non-2xx or 3xx responses" in out:
        raise RuntimeError(f"wrk saw error answers on {path}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def _lua(text: str) -> str:
    """A Lua long string holding ``text`` as it is."""
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    return f"[{'=' * level}[{text}]{'=' * level}]"


def wrk_storm(server: Server, attempts: list, args) -> dict:
    """Send every attempt once with wrk (bench/lua/storm.lua): one connection per wrk
    thread, each with its share in order. A client in C leaves the two cores to the
    server: this script's own Python clients cost about 1.1 ms of CPU a claim, a sixth
    of what a worker spends on one."""
    with tempfile.TemporaryDirectory(prefix="storm-") as folder:
        lines = ["ATTEMPTS = {"]
        for (cookie, csrf_token), task_id in attempts:
            body = {"csrf_token": csrf_token}
            if args.tokens:
                body["submission_token"] = secrets.token_urlsafe(16)
            lines.append(f"  {{{_lua(f'/tasks/{task_id}/claim')}, {_lua(cookie)}, "
                         f"{_lua(urlencode(body))}}},")
        lines += ["}", f"OUT = {_lua(folder)}", ""]
        script = Path(folder) / "storm.lua"
        script.write_text("\n".join(lines) + (ROOT / "bench" / "lua" / "storm.lua").read_text())
        threads = args.clients
        command = ["wrk", f"-t{threads}", f"-c{threads}", "-d600s", "-s", str(script),
                   server.base + "/healthz", "--", str(threads)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        reports = [Path(folder) / f"thread-{n}.json" for n in range(threads)]
        deadline = time.monotonic() + 600
        while not all(report.exists() for report in reports):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("wrk stopped before the storm was sent:\n"
                                   + process.stdout.read().decode())
            time.sleep(0.05)
        # children's CPU counts those waited for: before and after wrk is, its own
        waited = resource.getrusage(resource.RUSAGE_CHILDREN)
        process.send_signal(signal.SIGINT)  # wrk prints its summary and exits
        output = process.communicate()[0].decode()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        threads_seen = [json.loads(report.read_text()) for report in reports]
    statuses: dict[str, int] = {}
    for thread in threads_seen:
        for status, count in thread["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
    sent = sum(thread["attempts"] for thread in threads_seen)
    if sent != len(attempts):
        raise RuntimeError(f"wrk sent {sent} of {len(attempts)} attempts")
    extra = int(re.search(r"(\d+) requests in", output).group(1)) - sent
    return {"seconds": max(t["finished"] for t in threads_seen) - min(t["started"] for t in threads_seen),
            "statuses": statuses, "extra": max(0, extra),
            "client_cpu_ms": (usage.ru_utime - waited.ru_utime + usage.ru_stime - waited.ru_stime)
            * 1000 / len(attempts)}


def spread(values: list[float]) -> dict:
    return {"min": min(values), "median": statistics.median(values), "max": max(values),
            "values": values}


# ---------------------------------------------------------------- the three tests

def throughput(server: Server, actors: dict, args) -> dict:
    cookie, _csrf_token = server.login(actors["member"])
    results = {}
    for name, path in (("可认领任务 open tasks", "/tasks/"), ("我的任务 my tasks", "/tasks/mine")):
        ratios, pages, health = [], [], []
        for _ in range(args.repeats):
            base = wrk(server, "/healthz", None, args.seconds)
            page = wrk(server, path, cookie, args.seconds)
            health.append(base)
            pages.append(page)
            ratios.append(page / base)
        results[name] = {"ratio": spread(ratios), "page_rps": spread(pages),
                         "healthz_rps": spread(health)}
        print(f"  {name:<24} ratio {statistics.median(ratios):.3f} "
              f"(min {min(ratios):.3f}, max {max(ratios):.3f}); page "
              f"{statistics.median(pages):.0f} req/s, /healthz {statistics.median(health):.0f}",
              flush=True)
    return results


def mixed(server: Server, actors: dict, args) -> dict:
    member, _ = server.login(actors["member"])
    admin, _ = server.login(actors["admin"])
    year = local_today().year
    heavy = f"/progress/community?community=all&period=year&year={year}"
    ratios, alone_all, loaded_all, heavy_count = [], [], [], []
    for _ in range(args.repeats):
        alone = wrk(server, "/tasks/", member, args.seconds)
        stop, reloads = threading.Event(), [0]

        def reload_heavy():
            while not stop.is_set():
                status = server.request("GET", heavy, cookie=admin)[0]
                if status != 200:
                    raise RuntimeError(f"the county-wide year answered {status}")
                reloads[0] += 1

        worker = threading.Thread(target=reload_heavy, daemon=True)
        worker.start()
        loaded = wrk(server, "/tasks/", member, args.seconds)
        stop.set()
        worker.join()
        alone_all.append(alone)
        loaded_all.append(loaded)
        heavy_count.append(reloads[0])
        ratios.append(loaded / alone)
    print(f"  open tasks while the admin reloads the county year: ratio "
          f"{statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f}); "
          f"{statistics.median(loaded_all):.0f} of {statistics.median(alone_all):.0f} req/s; "
          f"{statistics.median(heavy_count):.0f} county-year views per run", flush=True)
    return {"ratio": spread(ratios), "alone_rps": spread(alone_all),
            "loaded_rps": spread(loaded_all), "heavy_views_per_run": heavy_count}


def _storm_world(app) -> tuple[list[int], list[str]]:
    """Ten fresh tasks of five slots, tomorrow; the phones of 200 active members."""
    with app.app_context():
        community = db.session.scalar(select(Community).order_by(Community.id))
        creator = db.session.scalar(select(Member).where(Member.role == Role.admin))
        template = db.session.scalar(select(Task).where(Task.community_id == community.id)
                                     .order_by(Task.id.desc()))
        start = utcnow().replace(microsecond=0) + timedelta(days=1)
        tasks = []
        for number in range(STORM["tasks"]):
            task = Task(title=f"抢名额压测 {number + 1}", community_id=community.id,
                        unit_id=template.unit_id, category_id=template.category_id,
                        resource_item_id=template.resource_item_id, place="社区广场",
                        starts_at=start, ends_at=start + timedelta(hours=2),
                        service_date=local_date(start), slots=STORM["slots"], taken=0,
                        status=TaskStatus.open, created_by_id=creator.id,
                        checkin_token=secrets.token_urlsafe(24))
            db.session.add(task)
            tasks.append(task)
        phones = list(db.session.scalars(
            select(Member.phone).where(Member.role == Role.member, Member.active.is_(True))
            .order_by(Member.id).limit(STORM["members"])))
        db.session.commit()
        return [task.id for task in tasks], phones


def claims(server: Server, app, args) -> dict:
    task_ids, phones = _storm_world(app)
    with ThreadPoolExecutor(args.clients) as pool:
        sessions = list(pool.map(server.login, phones))
    attempts = [(session, task_id) for session in sessions
                for task_id in random.Random(session[1]).sample(task_ids, len(task_ids))]
    random.Random(2022).shuffle(attempts)
    cpu_before = server.workers_cpu_seconds()
    storm = wrk_storm(server, attempts, args)
    cpu_ms = (server.workers_cpu_seconds() - cpu_before) * 1000 / len(attempts)
    seconds, statuses = storm["seconds"], storm["statuses"]
    with app.app_context():
        held = dict(db.session.execute(
            select(Assignment.task_id, func.count())
            .where(Assignment.task_id.in_(task_ids), Assignment.status.in_(HOLDING))
            .group_by(Assignment.task_id)).all())
        taken = dict(db.session.execute(
            select(Task.id, Task.taken).where(Task.id.in_(task_ids))).all())
        # leave the data set as it was for the next run
        db.session.execute(Assignment.__table__.delete().where(Assignment.task_id.in_(task_ids)))
        db.session.execute(Task.__table__.delete().where(Task.id.in_(task_ids)))
        db.session.commit()
    over = sum(max(0, held.get(t, 0) - STORM["slots"]) for t in task_ids)
    empty = sum(max(0, STORM["slots"] - held.get(t, 0)) for t in task_ids)
    mismatched = sum(1 for t in task_ids if taken[t] != held.get(t, 0))
    errors = sum(count for status, count in statuses.items() if int(status) >= 500)
    refused = sum(count for status, count in statuses.items() if int(status) not in (302, 303))
    result = {"attempts": len(attempts), "seconds": seconds, "claims_per_second": len(attempts) / seconds,
              "over_booked": over, "slots_left_empty": empty, "taken_mismatch": mismatched,
              "server_errors": errors, "not_redirected": refused, "statuses": statuses,
              "clients": args.clients, "tokens": args.tokens, "client": "wrk",
              "extra_healthz_requests": storm["extra"],
              "worker_cpu_ms_per_claim": cpu_ms, "client_cpu_ms_per_claim": storm["client_cpu_ms"]}
    print(f"  {len(attempts)} claims in {seconds:.2f} s = {result['claims_per_second']:.0f}/s over "
          f"{args.clients} connections; CPU per claim: gunicorn workers {cpu_ms:.2f} ms, "
          f"wrk {storm['client_cpu_ms']:.3f} ms; answers {statuses}; "
          f"over-booked {over}, slots left empty {empty}, server errors {errors}", flush=True)
    return result


# ---------------------------------------------------------------- main

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--scale", choices=sorted(county.SCALES), default="small")
    parser.add_argument("--reuse", action="store_true", help="keep an existing data set")
    parser.add_argument("--pg-url", help="use this PostgreSQL database instead of a new cluster")
    parser.add_argument("--only", choices=("throughput", "mixed", "claims"), action="append")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--clients", type=int, default=16, help="connections of the claim storm")
    parser.add_argument("--tokens", action="store_true",
                        help="claims carry a one-time submission token, as the page's do")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    started_pg = False
    if args.db == "sqlite":
        county.DATA.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{county.DATA / f'county-{args.scale}.sqlite3'}"
    else:
        url = args.pg_url
        if not url:
            url, started_pg = county.pg_start(), True
    report = {"machine": county.machine(), "db": args.db, "scale": args.scale,
              "workers": args.workers, "wrk": "-t2 -c8 -d%ds" % args.seconds, "tests": {}}
    server = None
    try:
        app = county.make_app(url)
        county.ensure_data(app, county.SCALES[args.scale], args.reuse)
        actors = county.pick_actors(app)
        server = Server(url, args.workers)
        for name, test in (("throughput", throughput), ("mixed", mixed), ("claims", claims)):
            if args.only and name not in args.only:
                continue
            load = os.getloadavg()[0]
            print(f"== {name} ({args.db}, {args.scale}, load {load:.1f})", flush=True)
            outcome = test(server, app if name == "claims" else actors, args)
            report["tests"][name] = {"result": outcome,
                                     "load_average": [load, os.getloadavg()[0]]}
    finally:
        if server:
            server.stop()
        if started_pg:
            county.pg_stop()
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
