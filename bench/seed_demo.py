"""What one seeding of the demo costs (`flask seed-demo`, ``tracker.demo.seed_demo``), and
what it holds.

    .venv/bin/python bench/seed_demo.py                       # CPU and wall, 3 rounds, SQLite
    .venv/bin/python bench/seed_demo.py --pg-url postgresql://…/db   # the same on PostgreSQL
    .venv/bin/python bench/seed_demo.py --profile 40          # + cProfile, the 40 costliest
    .venv/bin/python bench/seed_demo.py --digest              # + a digest of every table's rows

Each round empties the database (``drop_all`` / ``create_all`` + the categories, as the
tests' ``base`` holds it), then seeds the demo for ``--today`` and commits, as
``tests/conftest.py``'s ``seeded_demo`` does once per worker and date. Prints the CPU of
this process (``time.process_time``: on SQLite the whole seeding; on PostgreSQL the
server's own work is not in it), the wall time and the statements sent.

``--digest`` seeds with the application's clock stopped at 10:00 (Beijing) of ``--today``
and prints a SHA-256 of each table's rows in primary-key order (the password hashes and
the list's version token left out: salted or random, different every run; the other
random tokens made in turn; a kept .docx / .xlsx read as its entries, not its zip's
times), then of all of them: two revisions that seed the same demo print the same digests. Not a test; the
figures go to docs/testing.md.
"""
from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import itertools
import pstats
import secrets
import sys
import tempfile
import time
import zipfile
from datetime import date, datetime, timezone
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, select  # noqa: E402

from tracker import create_app, timeutil  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.reference import ensure_categories  # noqa: E402

# salted or random on every run: not what the demo "contains"
UNSTABLE = {"password_hash", ("lists_version", "token")}


def stop_the_clock(day: date) -> None:
    """10:00 on ``day`` in Beijing for every caller of ``timeutil.utcnow`` — the names
    modules imported and the columns' ``default=utcnow`` included, which hold the
    function itself: its code is swapped, not the name."""
    moment = datetime.combine(day, clock(10), timeutil.LOCAL_TZ).astimezone(timezone.utc)
    timeutil._bench_moment = moment
    timeutil.utcnow.__code__ = (lambda: _bench_moment).__code__  # noqa: F821 (timeutil's global)
    # and the random tokens (a task's check-in link, a series' id, a login device's) made
    # in turn, as the callers of ``secrets.token_*`` find them
    made = itertools.count(1)
    secrets.token_hex = lambda n=32: f"{next(made):0{2 * n}x}"
    secrets.token_urlsafe = lambda n=32: f"t{next(made):0{n}d}"


def fresh(app) -> None:
    with app.app_context():
        db.drop_all()
        db.create_all()
        ensure_categories()
        db.session.commit()


def seed(app, today: date, profiler: cProfile.Profile | None) -> tuple[float, float, int]:
    from tracker.demo import seed_demo

    statements = [0]

    def count(*_args):
        statements[0] += 1

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            cpu, wall = time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            seed_demo(today)
            db.session.commit()
            if profiler:
                profiler.disable()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
            db.session.remove()
    return cpu, wall, statements[0]


def stable(value):
    """A kept copy's .docx / .xlsx is a zip whose entries carry the time it was written,
    and so does its ``docProps/core.xml``: its other entries' names and contents stand
    for it."""
    if isinstance(value, bytes) and value[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(value)) as packed:
            return [(info.filename, info.CRC) for info in packed.infolist()
                    if info.filename != "docProps/core.xml"]
    if isinstance(value, (list, tuple)):
        return [stable(v) for v in value]
    if isinstance(value, dict):
        return {k: stable(v) for k, v in value.items()}
    return value


def digest(app, dump: str | None = None) -> tuple[str, dict[str, tuple[int, str]]]:
    tables = {}
    whole = hashlib.sha256()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns
                       if c.name not in UNSTABLE and (table.name, c.name) not in UNSTABLE]
            order = list(table.primary_key.columns) or columns
            rows = db.session.execute(select(*columns).order_by(*order)).all()
            h = hashlib.sha256()
            for row in rows:
                row = tuple(stable(value) for value in row)
                if table.name == dump:
                    print(row)
                h.update(repr(row).encode())
            tables[table.name] = (len(rows), h.hexdigest()[:16])
            whole.update(f"{table.name}:{h.hexdigest()}".encode())
        db.session.remove()
    return whole.hexdigest()[:16], tables


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", help="a PostgreSQL database to empty and seed")
    parser.add_argument("--sqlite", help="the SQLite file (default: a new one in /dev/shm)")
    parser.add_argument("--today", type=date.fromisoformat, default=None,
                        help="the day the demo is seeded on (default: today, Beijing)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", type=int, metavar="N", help="cProfile, print N rows")
    parser.add_argument("--sort", default="cumulative", help="cProfile's sort (tottime, …)")
    parser.add_argument("--digest", action="store_true", help="print the rows' digests")
    parser.add_argument("--dump", metavar="TABLE", help="with --digest: print a table's rows")
    args = parser.parse_args()

    today = args.today or timeutil.local_today()
    if args.digest:
        stop_the_clock(today)
    scratch = None
    if args.pg_url:
        url = args.pg_url
    else:
        if not args.sqlite:  # removed at the end
            scratch = tempfile.TemporaryDirectory(
                dir="/dev/shm" if Path("/dev/shm").is_dir() else None)
        path = args.sqlite or str(Path(scratch.name) / "demo.sqlite3")
        url = f"sqlite:///{path}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    profiler = cProfile.Profile() if args.profile else None
    print(f"seed_demo({today}) on {url.split(':')[0]}, {args.rounds} round(s)")
    for n in range(1, args.rounds + 1):
        fresh(app)
        cpu, wall, statements = seed(app, today, profiler)
        print(f"  round {n}: {cpu:.2f} s CPU, {wall:.2f} s wall, {statements} statements",
              flush=True)
    if profiler:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.profile)
    if args.digest:
        whole, tables = digest(app, args.dump)
        for name, (count, h) in tables.items():
            print(f"  {name:32} {count:6} {h}")
        print(f"digest {whole}")
    with app.app_context():
        db.engine.dispose()
    if scratch is not None:
        scratch.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
