"""What PostgreSQL spends planning the figure pages' statements, against running them.

    .venv/bin/python bench/plan_cost.py postgresql+psycopg://…/county
    .venv/bin/python bench/plan_cost.py postgresql+psycopg://…/county --only 月报 --first 12 --then 12

Needs ``pg_stat_statements`` loaded with planning tracked — on a throw-away cluster
(``scripts/pg.sh start``), add to its ``postgresql.conf`` and restart::

    shared_preload_libraries = 'pg_stat_statements'
    pg_stat_statements.track_planning = on

and ``CREATE EXTENSION pg_stat_statements`` in the database. Each page of
``bench/run.py``'s list (``--only`` picks) gets a new connection (its engine disposed),
then ``--first`` requests (the figures cache cleared before each: the figures computed,
as after any write) and ``--then`` more on the same connection; the statistics are reset
before each of the two rounds. Printed per page and round: per request, the statements
planned (``plans``) and run (``calls``), the milliseconds the server spent planning and
running them, and the same for the figures' batch (the statement with ``batch_part``)
alone. The first round is a worker's new connection (after a restart or a pool's new
connection); the second, one that has served the page a dozen times. ``--statements``
also lists each statement. Not a test; the figures go to docs/performance.md.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import run as bench  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from tracker.datagen import PASSWORD  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.rollups import cache as figure_cache  # noqa: E402
from tracker.timeutil import local_today  # noqa: E402

PAGES = ("社区共建进展", "双创", "参与情况", "工作台", "月报 page", "月报 .docx")
_STATS = text("""
    SELECT query LIKE '%batch_part%' AS batch, sum(calls), sum(plans),
           sum(total_plan_time), sum(total_exec_time)
    FROM pg_stat_statements
    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND query NOT LIKE '%pg_stat_statements%'
    GROUP BY 1""")
_EACH = text("""
    SELECT calls, plans, total_plan_time, total_exec_time, left(query, 70)
    FROM pg_stat_statements
    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND query NOT LIKE '%pg_stat_statements%' ORDER BY total_plan_time DESC""")


def _round(client, url: str, requests: int, stats, each: bool) -> dict:
    with stats.begin() as conn:
        conn.execute(text("SELECT pg_stat_statements_reset()"))
    for _ in range(requests):
        figure_cache.clear()
        assert client.get(url).status_code == 200, url
    with stats.begin() as conn:
        rows = {bool(batch): (calls, plans, plan, run)
                for batch, calls, plans, plan, run in conn.execute(_STATS)}
        listed = conn.execute(_EACH).all() if each else []
    total = [sum(float(r[i]) for r in rows.values()) / requests for i in range(4)]
    batch = [float(v) / requests for v in rows.get(True, (0, 0, 0, 0))]
    return {"all": total, "batch": batch, "each": listed}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the bench's PostgreSQL database (bench/run.py's set)")
    parser.add_argument("--only", default=",".join(PAGES),
                        help="pages whose name holds one of these (comma-separated)")
    parser.add_argument("--first", type=int, default=12, help="requests on a new connection")
    parser.add_argument("--then", type=int, default=12, help="requests after those")
    parser.add_argument("--statements", action="store_true", help="list each statement")
    args = parser.parse_args()

    app = bench.make_app(args.url)
    stats = create_engine(args.url)
    actors = bench.pick_actors(app)
    clients = {}
    for role in ("admin", "liaison", "member"):
        client = app.test_client()
        client.post("/auth/login", data={"phone": actors[role], "password": PASSWORD})
        clients[role] = client
    print(f"{'page':<40} {'round':<7} {'plans':>6} {'calls':>6} {'plan ms':>8} "
          f"{'run ms':>7} | batch: {'plans':>5} {'plan ms':>8} {'run ms':>7}  (per request)")
    for name, role, url in bench.pages(actors, local_today().year):
        if name.endswith(bench.RELOAD) or not any(p in name for p in args.only.split(",")):
            continue
        with app.app_context():
            db.engine.dispose()  # a new connection: nothing prepared yet
        for label, requests in (("first", args.first), ("then", args.then)):
            if not requests:
                continue
            found = _round(clients[role], url, requests, stats, args.statements)
            (calls, plans, plan, run), batch = found["all"], found["batch"]
            print(f"{name:<40} {label:<7} {plans:6.2f} {calls:6.2f} {plan:8.2f} {run:7.2f} | "
                  f"       {batch[1]:5.2f} {batch[2]:8.2f} {batch[3]:7.2f}", flush=True)
            for row in found["each"]:
                print(f"    calls {row[0]:3d} plans {row[1]:3d} plan {row[2]:8.1f} ms "
                      f"run {row[3]:8.1f} ms  {row[4]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
