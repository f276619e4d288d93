"""Which of two checkouts serves a page with less CPU, on a machine whose speed drifts.

    .venv/bin/python bench/ab.py /work/wt/base /work/main /tasks/ /tasks/mine
    .venv/bin/python bench/ab.py --as admin --pg-url postgresql+psycopg://…/county OLD NEW '/reports/?unit=1&month=2026-11'

The shared two-core VMs here change speed by up to twice within a minute, so two runs
one after the other say little. This starts one process per checkout (each signs in
as ``bench/run.py``'s member, or ``--as``, on the 1M SQLite set or ``--pg-url``, and
warms up), then sends them bursts of ``--burst`` requests in turn, ``--rounds`` times,
alternating which goes first; each burst's CPU per request (``process_time``: the
app's Python and, on SQLite, its SQL) is compared with the other's burst next to it,
and so is its wall time (on PostgreSQL, the server's share is only in the wall time).
Prints the medians and the median (quartiles) of NEW ÷ OLD over the pairs. Not a
test: figures for docs/performance.md.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

WORKER = r'''
import os, sys, time
tree = os.environ["AB_TREE"]
sys.path[:0] = [tree, tree + "/bench"]
from run import DATA, make_app, pick_actors
from tracker.datagen import PASSWORD
app = make_app(os.environ.get("AB_PG_URL") or f"sqlite:///{DATA / 'county-full.sqlite3'}")
client = app.test_client()
client.post("/auth/login", data={"phone": pick_actors(app)[os.environ["AB_ROLE"]],
                                 "password": PASSWORD})
path = os.environ["AB_PAGE"]
computed = os.environ.get("AB_COMPUTED") == "1"
from tracker.rollups import cache as figure_cache
for _ in range(20):
    assert client.get(path).status_code == 200, path
print("ready", flush=True)
for line in sys.stdin:
    n, started, clock = int(line), time.process_time(), time.perf_counter()
    for _ in range(n):
        if computed:
            figure_cache.clear()
        client.get(path)
    print((time.process_time() - started) / n * 1000,
          (time.perf_counter() - clock) / n * 1000, flush=True)
'''


def compare(old: Path, new: Path, page: str, args) -> str:
    workers = {}
    for name, tree in (("old", old), ("new", new)):
        env = dict(os.environ, AB_TREE=str(tree), AB_PAGE=page, AB_ROLE=args.role,
                   AB_PG_URL=args.pg_url or "", AB_COMPUTED="1" if args.computed else "")
        worker = subprocess.Popen([str(tree / ".venv" / "bin" / "python"), "-c", WORKER],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                  env=env, cwd=tree)
        if worker.stdout.readline().strip() != "ready":
            raise SystemExit(f"{tree}: the worker did not start")
        workers[name] = worker
    ms = {"old": [], "new": []}  # (CPU, wall) per request of each burst
    for round_ in range(args.rounds):
        for name in (("old", "new") if round_ % 2 == 0 else ("new", "old")):
            worker = workers[name]
            worker.stdin.write(f"{args.burst}\n")
            worker.stdin.flush()
            ms[name].append(tuple(map(float, worker.stdout.readline().split())))
    for worker in workers.values():
        worker.stdin.close()
        worker.wait()
    lines = []
    for k, what in enumerate(("CPU", "wall")):
        old_ms, new_ms = [b[k] for b in ms["old"]], [b[k] for b in ms["new"]]
        ratios = [n / o for n, o in zip(new_ms, old_ms)]
        q1, _, q3 = statistics.quantiles(ratios, n=4)
        lines.append(f"{page}: old {statistics.median(old_ms):.2f} ms, new "
                     f"{statistics.median(new_ms):.2f} ms {what} a request; new ÷ old "
                     f"{statistics.median(ratios):.3f} ({q1:.3f}–{q3:.3f}) over "
                     f"{args.rounds} pairs")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("pages", nargs="+")
    parser.add_argument("--as", dest="role", choices=("member", "liaison", "admin"),
                        default="member")
    parser.add_argument("--pg-url")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--computed", action="store_true",
                        help="clear the figures cache before each request (tracker/rollups/"
                        "cache.py), as bench/run.py does: the progress pages' figures computed")
    parser.add_argument("--burst", type=int, default=30)
    args = parser.parse_args()
    for page in args.pages:
        print(compare(args.old.resolve(), args.new.resolve(), page, args), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
