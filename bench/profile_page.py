"""Where one page's CPU goes: cProfile over many requests of it, on a bench data set.

    .venv/bin/python bench/profile_page.py --scale tiny /tasks/ /tasks/mine
    .venv/bin/python bench/profile_page.py --scale tiny --sort cumulative --top 60 /tasks/
    .venv/bin/python bench/profile_page.py --scale tiny --sampler /tasks/   # pyinstrument
    .venv/bin/python bench/profile_page.py --scale full --as admin --top 0 \
        --callers sqltypes.py:1825 '/reports/?unit=1&month=2026-11'   # who calls it
    .venv/bin/python bench/profile_page.py --scale full --as admin --sampler \
        --pg-url postgresql+psycopg://…/county '/reports/?unit=1&month=2026-11'

Reuses (or generates) the SQLite data set of ``bench/run.py`` for the scale, signs
in as the same member ``bench/run.py`` picks, requests each page once to warm up,
then ``--requests`` times under cProfile, and prints the CPU per request (without the
profiler, timed before) and the top functions. cProfile's cost per call inflates code
made of many small calls (Jinja, SQLAlchemy) about threefold; ``--sampler`` uses
pyinstrument's sampling instead, whose shares are closer to the real ones. Not a test; the figures go to
docs/performance.md.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from run import DATA, SCALES, counting, ensure_data, make_app, pick_actors  # noqa: E402

from tracker.datagen import PASSWORD  # noqa: E402
from tracker.extensions import db  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="pages to profile, e.g. /tasks/")
    parser.add_argument("--scale", choices=sorted(SCALES), default="tiny")
    parser.add_argument("--as", dest="role", choices=("member", "liaison", "admin"),
                        default="member")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--sort", default="tottime", help="pstats sort key")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--callers", action="append", default=[], metavar="FUNCTION",
                        help="also list who calls the functions matching this pattern "
                        "(pstats' print_callers; cProfile only, repeatable)")
    parser.add_argument("--sampler", action="store_true",
                        help="sample with pyinstrument instead of cProfile")
    parser.add_argument("--pg-url", help="profile on this PostgreSQL database (a set "
                        "bench/run.py made) instead of the SQLite file; the CPU is then "
                        "the app's alone, the server's is not in it")
    args = parser.parse_args()

    DATA.mkdir(parents=True, exist_ok=True)
    app = make_app(args.pg_url or f"sqlite:///{DATA / f'county-{args.scale}.sqlite3'}")
    if not args.pg_url:  # a PostgreSQL set is read as it is: never (re)generated from here
        ensure_data(app, SCALES[args.scale], reuse=True)
    actors = pick_actors(app)
    client = app.test_client()
    response = client.post("/auth/login", data={"phone": actors[args.role], "password": PASSWORD})
    assert response.status_code == 302, "login failed"
    with app.app_context():
        engine = db.engine
    for path in args.paths:
        first = client.get(path)
        with app.app_context(), counting(engine) as statements:
            client.get(path)
        cpu = []
        for _ in range(args.requests):
            started = time.process_time()
            client.get(path)
            cpu.append((time.process_time() - started) * 1000)
        print(f"\n== {path}: HTTP {first.status_code}, {len(first.data):,} bytes, "
              f"{len(statements)} statements, CPU per request median "
              f"{statistics.median(cpu):.2f} ms (min {min(cpu):.2f}) over {args.requests}")
        if args.sampler:
            from pyinstrument import Profiler

            sampler = Profiler(interval=0.0002)
            with sampler:
                for _ in range(args.requests):
                    client.get(path)
            print(sampler.output_text(unicode=True, show_all=False))
            continue
        profiler = cProfile.Profile(time.process_time)  # CPU, not wall: the VM is shared
        profiler.enable()
        for _ in range(args.requests):
            client.get(path)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats(args.sort).print_stats(args.top)
        for pattern in args.callers:
            stats.print_callers(pattern)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
