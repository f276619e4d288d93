"""Time the rollup pages and the member pages on a county-scale data set.

    .venv/bin/python bench/run.py                     # full scale, SQLite and PostgreSQL
    .venv/bin/python bench/run.py --db sqlite --scale small
    .venv/bin/python bench/run.py --db sqlite --reuse # time again, keep the generated data

Full scale is the county of docs/design.md (Budgets): 20,000 members, 200
communities, 1,000 zones, 100,000 tasks and 1,000,000 participations over three years
(``flask generate-data`` builds the same set). ``--named`` has every reported visit name
its 服务对象 (``datagen.name_served``; ``generate-data --served``), as production's
leaders do: generated so, or added to a reused set that names none. The SQLite file
is kept in ``bench/out/`` (git-ignored) (``--reuse`` times it again without
regenerating); PostgreSQL runs in a throw-away cluster started with
``scripts/pg.sh`` (or pass ``--pg-url`` to use a running server).

Each page is requested through the Flask test client (routing, permissions, SQL and
template rendering — everything but the network) once to warm up, then ``--runs``
times; the table shows the median (and the minimum) and the number of SQL statements
per request. The runs go round the pages in turn — each round requests every page
once — so that every page's runs are spread over the whole bench: the shared VMs
change speed by up to twice from one minute to the next, and a page timed all at once
got that minute's speed alone. ``--warm N`` first goes round them ``N`` times untimed:
one test client keeps one database connection, on which PostgreSQL plans a statement
for each of its first executions and only later keeps a plan (see docs/performance.md,
"session 13"); a gunicorn worker's connections are in that later state most of the
time, a fresh one is not.
The progress pages' figures cache (tracker/rollups/cache.py) is cleared before each of
those requests, so they time the figures computed; the rows marked ", reload" time the
county-wide pages reloaded while nothing changed, served from it.
The schema is built with ``create_all()``: the bench database is throw-away.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, func, inspect, select, text  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.datagen import PASSWORD, Plan, generate, name_served  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.participation import rebuild as rebuild_counted  # noqa: E402
from tracker.participation import unfilled as derived_unfilled  # noqa: E402
from tracker.report_owed import rebuild as rebuild_report_owed  # noqa: E402
from tracker.rollups import cache as figure_cache  # noqa: E402
from tracker.models import (  # noqa: E402
    Assignment,
    AssignmentStatus,
    Member,
    Role,
    Task,
    liaison_community,
)
from tracker.timeutil import local_today  # noqa: E402

DATA = ROOT / "bench" / "out"  # git-ignored
SCALES = {
    # ten counties' worth (docs/scaling.md): the growth curve's last point, PostgreSQL only
    "10m": Plan(members=200000, communities=2000, zones=10000, tasks=1000000,
                assignments=10000000),
    "full": Plan(members=20000, communities=200, zones=1000, tasks=100000, assignments=1000000),
    "small": Plan(members=2000, communities=20, zones=100, tasks=10000, assignments=100000),
    "tiny": Plan(members=200, communities=4, zones=12, tasks=1000, assignments=10000),
}
PG_DIR = Path(os.environ.get("TMPDIR", "/tmp")) / "tracker-bench-pg"


def make_app(url: str):
    return create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": "localhost",
    })


def ensure_data(app, plan: Plan, reuse: bool) -> float | None:
    """Generate the data set unless it is there and --reuse; returns seconds taken."""
    with app.app_context():
        if reuse:
            try:
                if db.session.scalar(select(func.count(Task.id))):
                    db.session.commit()
                    _sync_schema()
                    return None
            except Exception as error:  # noqa: BLE001 — no schema yet
                print(f"  not reused ({type(error).__name__}: {error!s:.200}): generating",
                      flush=True)
                db.session.rollback()
        db.drop_all()
        db.create_all()
        db.session.commit()
        started = time.perf_counter()
        done = [0]

        def progress(n):
            done[0] += n
            if done[0] % 20000 < n:
                print(f"  … {done[0]:,} tasks", flush=True)

        counts = generate(plan, progress=progress)
        seconds = time.perf_counter() - started
        print(f"  generated in {seconds:.0f} s: {counts}", flush=True)
        return seconds


def _sync_schema() -> None:
    """A reused data set gets the tables and indexes the models gained since it was
    generated (and loses the indexes they dropped); derived tables are filled."""
    engine = db.engine
    db.metadata.create_all(engine)  # only what is missing
    with engine.begin() as conn:
        # the inspector on this connection: one of its own would wait for this one's
        # write lock (SQLite begins every transaction here BEGIN IMMEDIATE)
        inspector = inspect(conn)
        if "report_owed_at" not in {c["name"] for c in inspector.get_columns("task")}:
            print("  marking the tasks that owe a report …", flush=True)
            column = Task.__table__.c.report_owed_at
            conn.execute(text(f"ALTER TABLE task ADD COLUMN report_owed_at "
                              f"{column.type.compile(dialect=conn.dialect)}"))
            rebuild_report_owed(conn)
        for table in db.metadata.sorted_tables:
            wanted = {index.name for index in table.indexes}
            for index in inspector.get_indexes(table.name):
                if index["name"] not in wanted and index["name"].startswith("ix_"):
                    conn.execute(text(f'DROP INDEX "{index["name"]}"'))
            for index in table.indexes:
                index.create(conn, checkfirst=True)
        # a derived table empty by design (the 服务对象 summaries of a set whose visits
        # name none) is not out of date: only one whose source has rows is (zones54)
        unfilled = derived_unfilled(conn)
        if unfilled:
            print(f"  deriving the counted rows and their summaries ({', '.join(unfilled)} "
                  "empty) …", flush=True)
            rebuild_counted(conn)
    if engine.dialect.name != "postgresql":
        # SQLite is measured without planner statistics, as the app's own database runs
        # (nothing in the app runs ANALYZE). The ANALYZE that stood here never took
        # effect: it ran inside the transaction the engine's BEGIN listener opens and
        # was rolled back. With statistics some county pages got slower (docs/
        # performance.md, "the member pages, third round").
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def pick_actors(app) -> dict:
    with app.app_context():
        admin = db.session.scalar(select(Member).where(Member.role == Role.admin,
                                                       Member.active.is_(True)).order_by(Member.id))
        liaison_id, community_id = db.session.execute(
            select(liaison_community.c.member_id, liaison_community.c.community_id)
            .join(Member, Member.id == liaison_community.c.member_id)
            .where(Member.active.is_(True))
            .order_by(liaison_community.c.community_id)).first()
        liaison = db.session.get(Member, liaison_id)
        member_id = db.session.scalar(
            select(Assignment.member_id)
            .join(Task, Task.id == Assignment.task_id)
            .join(Member, Member.id == Assignment.member_id)
            .where(Task.community_id == community_id, Assignment.status == AssignmentStatus.done,
                   Member.role == Role.member, Member.active.is_(True))
            .order_by(Task.service_date.desc()).limit(1))
        member = db.session.get(Member, member_id)
        return {
            "admin": admin.phone, "liaison": liaison.phone, "member": member.phone,
            "community": community_id, "unit": liaison.unit_id,
        }


RELOAD = ", reload"


def pages(actors: dict, year: int) -> list[tuple[str, str, str]]:
    c, u = actors["community"], actors["unit"]
    last = local_today().replace(day=1) - timedelta(days=1)
    month = f"{last.year}-{last.month:02d}"  # the month a 月报 is written for
    return [
        ("可认领任务 open tasks", "member", "/tasks/"),
        ("我的任务 my tasks", "member", "/tasks/mine"),
        ("我的参与情况 my status", "member", "/progress/mine"),
        ("工作台 liaison home", "liaison", "/manage/"),
        ("社区共建进展, month", "liaison", f"/progress/community?community={c}"),
        ("社区共建进展, year", "liaison", f"/progress/community?community={c}&period=year&year={year}"),
        ("社区共建进展, 200 communities, year", "admin",
         f"/progress/community?community=all&period=year&year={year}"),
        ("“双创”进展, month (by zone)", "liaison", f"/progress/double?community={c}"),
        ("“双创”进展, year, sorted", "liaison",
         f"/progress/double?community={c}&period=year&year={year}&sort=ads&dir=desc"),
        ("“双创”进展, 200 communities, year", "admin",
         f"/progress/double?community=all&period=year&year={year}"),
        # the same two reloaded while nothing changed: their figures come from the
        # cache (tracker/rollups/cache.py); every other row clears it before each run
        ("社区共建进展, 200 communities, year" + RELOAD, "admin",
         f"/progress/community?community=all&period=year&year={year}"),
        ("“双创”进展, 200 communities, year" + RELOAD, "admin",
         f"/progress/double?community=all&period=year&year={year}"),
        ("参与情况, month", "liaison", "/progress/coverage"),
        ("参与情况, year", "admin", f"/progress/coverage?unit={u}&period=year&year={year}"),
        ("摸排问题 register", "liaison", "/progress/findings"),
        ("摸排问题, all communities, open", "admin", "/progress/findings?status=open"),
        ("工作台 admin home", "admin", "/manage/"),
        ("待审核 review queue", "liaison", "/manage/reviews"),
        ("待审核, all communities", "admin", "/manage/reviews"),
        ("逾期事项 stale, all communities", "admin", "/manage/stale"),
        ("月报 page, unit", "admin", f"/reports/?unit={u}&month={month}"),
        # the liaison's own unit: their communities' part of it (统计范围) on the
        # generated county (its batch asks the part's figures only: session 43)
        ("月报 page, a liaison's part", "liaison", f"/reports/?unit={u}&month={month}"),
        ("月报 .docx, unit", "admin", f"/reports/monthly.docx?unit={u}&month={month}"),
        ("月报 .xlsx, unit", "admin", f"/reports/monthly.xlsx?unit={u}&month={month}"),
        # the year's summary of the same unit: the admin's whole unit, and the liaison's
        # (their communities' part, or the whole unit when they manage every community
        # of its year: routes._annual_selection)
        ("年度总结 page, unit", "admin", f"/reports/annual?unit={u}&year={year}"),
        ("年度总结 page, own unit", "liaison", f"/reports/annual?unit={u}&year={year}"),
        ("年度总结 .docx, unit", "admin", f"/reports/annual.docx?unit={u}&year={year}"),
        ("年度总结 .xlsx, unit", "admin", f"/reports/annual.xlsx?unit={u}&year={year}"),
    ]


@contextmanager
def counting(engine):
    statements = []

    def before(conn, cursor, statement, params, context, executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def logged_in(app, actors: dict) -> dict:
    """A test client per role, each logged in as that role's actor."""
    clients = {}
    for role in ("admin", "liaison", "member"):
        client = app.test_client()
        response = client.post("/auth/login", data={"phone": actors[role], "password": PASSWORD})
        assert response.status_code == 302, f"login as {role} failed"
        clients[role] = client
    return clients


def time_pages(app, runs: int, warm: int = 0, only: str | None = None) -> list[dict]:
    actors = pick_actors(app)
    clients = logged_in(app, actors)
    with app.app_context():
        engine = db.engine
    results, timed = [], []
    for name, role, url in pages(actors, local_today().year):
        if only and not any(part in name for part in only.split(",")):
            continue
        client = clients[role]
        try:
            first = client.get(url)
        except Exception as error:  # noqa: BLE001 — a page another part broke: report it, go on
            print(f"  {name:<40} ERROR {error!r:.120}", flush=True)
            results.append({"page": name, "as": role, "url": url, "status": "error",
                            "median_ms": float("nan"), "min_ms": float("nan"),
                            "cpu_median_ms": float("nan"),
                            "statements": 0, "bytes": 0})
            continue
        computed = not name.endswith(RELOAD)  # the figures computed, not remembered
        if computed:
            figure_cache.clear()
        with app.app_context(), counting(engine) as statements:
            client.get(url)
        result = {"page": name, "as": role, "url": url, "status": first.status_code,
                  "statements": len(statements), "bytes": len(first.data)}
        results.append(result)
        timed.append((result, client, url, computed, [], []))
    for _ in range(warm):  # untimed rounds: the connection as a worker's is after a while
        for _result, client, url, computed, _timings, _cpu in timed:
            if computed:
                figure_cache.clear()
            client.get(url)
    for _ in range(runs):  # a round: every page once, in turn
        for result, client, url, computed, timings, cpu in timed:
            if computed:
                figure_cache.clear()
            else:  # a reload: the page asked just before, as a reload follows a first look
                client.get(url)
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            result["bytes"] = len(response.data)
    for result, _client, _url, _computed, timings, cpu in timed:
        result.update({
            "median_ms": statistics.median(timings), "min_ms": min(timings),
            # CPU time of this process: with SQLite (in-process) the work of the page
            # itself, unaffected by other load on the machine; with PostgreSQL the
            # server's share is not in it.
            "cpu_median_ms": statistics.median(cpu),
            # on a shared machine the least a page took is the nearest to its own cost
            "cpu_min_ms": min(cpu),
        })
        print(f"  {result['page']:<40} {result['median_ms']:8.1f} ms  "
              f"(min {result['min_ms']:7.1f}, cpu {result['cpu_median_ms']:7.1f}, "
              f"min {result['cpu_min_ms']:7.1f} ms)  "
              f"{result['statements']:3d} stmts  HTTP {result['status']}", flush=True)
    return results


def pg_start() -> str:
    env = dict(os.environ, PG_TEST_DIR=str(PG_DIR), PG_TEST_DB="county")
    out = subprocess.run([str(ROOT / "scripts" / "pg.sh"), "start"], env=env, check=True,
                         capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def pg_stop() -> None:
    env = dict(os.environ, PG_TEST_DIR=str(PG_DIR), PG_TEST_DB="county")
    subprocess.run([str(ROOT / "scripts" / "pg.sh"), "stop"], env=env, check=False)


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    import sqlite3

    return {"cpus": os.cpu_count(), "cpu": cpu, "memory": mem, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "platform": platform.platform()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite,postgresql",
                        help="comma-separated: sqlite, postgresql (default both)")
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--runs", type=int, default=21, help="rounds over every page")
    parser.add_argument("--warm", type=int, default=0,
                        help="untimed rounds first: PostgreSQL's statements prepared (psycopg, "
                        "from the 5th use on a connection) and on their kept plans, as on a "
                        "worker's connections after a while; 0 times a connection's first uses")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--reuse", action="store_true",
                        help="keep an existing generated data set (SQLite file, or --pg-url)")
    parser.add_argument("--pg-url", help="use this PostgreSQL database instead of a new cluster")
    parser.add_argument("--keep-pg", action="store_true", help="leave the bench cluster running")
    parser.add_argument("--out", help="write the results as JSON to this file")
    parser.add_argument("--only", help="time only the pages whose name holds this text "
                        "(e.g. 年度总结; several, comma-separated: 月报,年度总结)")
    parser.add_argument("--named", action="store_true",
                        help="every reported visit names its 服务对象 (datagen.name_served): "
                        "generated so, or added to a reused set that has none")
    args = parser.parse_args()

    plan = SCALES[args.scale]
    plan.seed = args.seed
    report = {"machine": machine(), "scale": args.scale, "plan": plan.__dict__ | {"today": None},
              "named": args.named,
              "runs": args.runs, "warm": args.warm,
              "date": date.today().isoformat(), "databases": {}}
    print(f"Machine: {report['machine']}")
    for backend in [b.strip() for b in args.db.split(",") if b.strip()]:
        started_pg = False
        if backend == "sqlite":
            DATA.mkdir(parents=True, exist_ok=True)
            url = f"sqlite:///{DATA / f'county-{args.scale}.sqlite3'}"
        elif backend == "postgresql":
            url = args.pg_url
            if not url:
                url, started_pg = pg_start(), True
        else:
            parser.error(f"unknown database {backend}")
        print(f"\n== {backend}: {url}", flush=True)
        try:
            app = make_app(url)
            seconds = ensure_data(app, plan, args.reuse and (backend == "sqlite" or args.pg_url))
            if args.named:
                with app.app_context():
                    started = time.perf_counter()
                    named = name_served(plan.seed, plan.batch)
                    if named:
                        print(f"  named the 服务对象 in {time.perf_counter() - started:.0f} s: "
                              f"{named}", flush=True)
            with app.app_context():
                version = db.session.execute(text(
                    "select sqlite_version()" if backend == "sqlite" else "show server_version"
                )).scalar()
                counts = {"tasks": db.session.scalar(select(func.count(Task.id))),
                          "assignments": db.session.scalar(select(func.count(Assignment.id)))}
            load_before = os.getloadavg()
            results = time_pages(app, args.runs, args.warm, args.only)
            # the machine is shared: each figure stands next to the load it was taken under
            report["databases"][backend] = {"version": version, "generate_seconds": seconds,
                                            "rows": counts, "pages": results,
                                            "load_average": [load_before, os.getloadavg()]}
            print(f"  load average {load_before[0]:.1f} → {os.getloadavg()[0]:.1f}", flush=True)
            with app.app_context():
                db.engine.dispose()
        finally:
            if started_pg and not args.keep_pg:
                pg_stop()

    heads = []
    for b in report["databases"]:
        heads += [f"{b}, median (min) ms"] + ([f"{b} CPU (ms)"] if b == "sqlite" else [])
    print("\n| page | as | " + " | ".join(heads) + " | SQL statements |")
    print("|---|---|" + "---:|" * len(heads) + "---:|")
    names = [(r["page"], r["as"]) for r in next(iter(report["databases"].values()))["pages"]]
    for i, (name, role) in enumerate(names):
        cells = []
        for b, d in report["databases"].items():
            cells.append(f"{d['pages'][i]['median_ms']:.0f} ({d['pages'][i]['min_ms']:.0f})")
            if b == "sqlite":
                cells.append(f"{d['pages'][i]['cpu_median_ms']:.0f}")
        stmts = next(iter(report["databases"].values()))["pages"][i]["statements"]
        print(f"| {name} | {role} | " + " | ".join(cells) + f" | {stmts} |")
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
