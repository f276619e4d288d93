"""The database's own time per page, on a shared machine: what load does not change.

    .venv/bin/python bench/server_time.py --pg-url postgresql+psycopg://…/county \
        --only "双创,月报 page" --runs 30 --warm 6 [--explain 3]
    .venv/bin/python bench/server_time.py --only "双创,月报 page" --runs 30   # SQLite

Signs in as ``bench/run.py``'s members and requests the pages of ``run.pages`` whose
name holds one of ``--only`` (comma-separated), ``--warm`` untimed rounds first (the
connection's statements prepared, as a worker's are after a while), then ``--runs``
rounds, each page once per round. Each request is reported as:

- PostgreSQL: the CPU time the server's processes of the app's connections spent on the
  request (/proc/PID/schedstat, before and after; the server runs on this machine),
  and the time of the request's statements — planning and execution, wall time inside
  the server — as pg_stat_statements counts them (reset before each request, read
  after it, on a second connection; the cluster must load the module:
  ``shared_preload_libraries=pg_stat_statements``, ``pg_stat_statements.track_planning
  =on``), min and median over the runs, with the statements' shared buffers hit/read;
- SQLite (in-process): this process's CPU time per request, min and median;
- both: the statement count of one request, and this process's CPU.

``--explain N`` (PostgreSQL) prints EXPLAIN (ANALYZE, BUFFERS) of each page's N slowest
statements, as captured with their values from one request. The figures cache of the
progress pages (tracker/rollups/cache.py) is cleared before each request of a page that
computes its figures (as in ``bench/run.py``). Not a test: the figures go to
docs/performance.md.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import psycopg  # noqa: E402
from sqlalchemy import event  # noqa: E402

from run import DATA, RELOAD, counting, logged_in, make_app, pages, pick_actors  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.rollups import cache as figure_cache  # noqa: E402
from tracker.timeutil import local_today  # noqa: E402

# the server's time of the statements since the last reset, less this script's own
def backends(stats) -> list[int]:
    """The server processes of the app's connections (all but ``stats``'s own)."""
    return [pid for (pid,) in stats.execute(
        "select pid from pg_stat_activity where datname = current_database() "
        "and pid <> pg_backend_pid()")]


def cpu_ns(pids) -> int:
    """CPU time the processes have run, in ns (/proc/PID/schedstat's first field):
    the server's own work, which other load on the machine does not lengthen."""
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


SERVER_MS = """
select coalesce(sum(total_exec_time + total_plan_time), 0), coalesce(sum(calls), 0),
       coalesce(sum(shared_blks_hit), 0), coalesce(sum(shared_blks_read), 0)
from pg_stat_statements where query not ilike '%pg_stat_statements%'
"""


def _plain_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def captured(engine):
    """Statements with their values, as the app sent them (for EXPLAIN)."""
    seen = []

    def before(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", before)
    return seen, lambda: event.remove(engine, "before_cursor_execute", before)


def explain(url: str, statements, top: int) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the ``top`` slowest of ``statements``."""
    with psycopg.connect(_plain_url(url), autocommit=True) as conn:
        timed = []
        for statement, params in statements:
            row = conn.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement,
                               params).fetchone()[0][0]
            timed.append((row["Planning Time"] + row["Execution Time"], statement, params))
        timed.sort(key=lambda t: -t[0])
        for ms, statement, params in timed[:top]:
            print(f"\n    --- {ms:.1f} ms: {statement[:300]!s}…", flush=True)
            for (line,) in conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params):
                print("    " + line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", help="a generated county on a PostgreSQL server with "
                        "pg_stat_statements loaded; without it, bench/run.py's SQLite file")
    parser.add_argument("--scale", default="full")
    parser.add_argument("--only", required=True,
                        help="parts of the pages' names, separated by |")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warm", type=int, default=6)
    parser.add_argument("--explain", type=int, default=0)
    args = parser.parse_args()

    url = args.pg_url or f"sqlite:///{DATA / f'county-{args.scale}.sqlite3'}"
    app = make_app(url)
    stats = None
    if args.pg_url:
        stats = psycopg.connect(_plain_url(url), autocommit=True)
        stats.execute("create extension if not exists pg_stat_statements")
    actors = pick_actors(app)
    clients = logged_in(app, actors)
    with app.app_context():
        engine = db.engine
    chosen = [(name, clients[role], path) for name, role, path in pages(actors, local_today().year)
              if any(part in name for part in args.only.split("|"))]

    def request(client, path, name):
        prepare(client, path, name)
        return client.get(path)

    def prepare(client, path, name):
        if name.endswith(RELOAD):  # a reload follows a first look
            client.get(path)
        else:  # the figures computed, not remembered
            figure_cache.clear()

    counts = {}
    for name, client, path in chosen:
        request(client, path, name)
        prepare(client, path, name)
        with app.app_context(), counting(engine) as statements:
            status = client.get(path).status_code
        counts[name] = (len(statements), status)
    for _ in range(args.warm):
        for name, client, path in chosen:
            request(client, path, name)
    server = {name: [] for name, _c, _p in chosen}
    cpu = {name: [] for name, _c, _p in chosen}
    backend_cpu = {name: [] for name, _c, _p in chosen}
    buffers = {}
    load = os.getloadavg()
    for _ in range(args.runs):
        for name, client, path in chosen:
            prepare(client, path, name)
            if stats is not None:
                stats.execute("select pg_stat_statements_reset()")
                pids = backends(stats)
                server_cpu = cpu_ns(pids)
            started = time.process_time()
            client.get(path)
            cpu[name].append((time.process_time() - started) * 1000)
            if stats is not None:
                backend_cpu[name].append((cpu_ns(pids) - server_cpu) / 1e6)
                ms, calls, hit, read = stats.execute(SERVER_MS).fetchone()
                server[name].append(float(ms))
                buffers[name] = (int(calls), int(hit), int(read))
    print(f"{url}\nload average before {load[0]:.2f} {load[1]:.2f}, after "
          f"{os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}; {args.runs} runs, "
          f"{args.warm} warm", flush=True)
    for name, client, path in chosen:
        n, status = counts[name]
        line = (f"  {name:<34} {n:3d} stmts HTTP {status}  process CPU min "
                f"{min(cpu[name]):6.1f} median {statistics.median(cpu[name]):6.1f} ms")
        if stats is not None:
            calls, hit, read = buffers[name]
            line += (f"  server CPU min {min(backend_cpu[name]):6.1f} median "
                     f"{statistics.median(backend_cpu[name]):6.1f} ms;"
                     f" statements' time min {min(server[name]):6.1f} median "
                     f"{statistics.median(server[name]):6.1f} ms ({calls} calls, "
                     f"buffers hit {hit} read {read})")
        print(line, flush=True)
    if args.explain and args.pg_url:
        for name, client, path in chosen:
            print(f"\n== {name}: {path}", flush=True)
            prepare(client, path, name)
            with app.app_context():
                seen, stop = captured(engine)
                try:
                    client.get(path)
                finally:
                    stop()
            explain(url, seen, args.explain)
    return 0


if __name__ == "__main__":
    sys.exit(main())
