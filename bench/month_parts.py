"""Time each part of the unit's 月报 batch statement apart, on a generated data set.

    .venv/bin/python bench/month_parts.py [URL] [runs] [--page PATH] [--explain i,j]

Requests the page once as the admin (``bench/run.py``'s actors), keeps the parts and
bound values of every batch the page sends (``batch.fetch``), then runs each part's
SELECT on its own ``runs`` times after one warm-up and prints the CPU
(``process_time``) min and median ms, its rows, its text's length and its tables;
``--explain`` prints the EXPLAIN QUERY PLAN (SQLite) of the parts named. On SQLite
the CPU is the statement's whole cost. Not a test: figures for docs/performance.md.
"""
import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import run as bench  # noqa: E402
from tracker.datagen import PASSWORD  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.rollups import batch  # noqa: E402
from tracker.rollups import cache as figure_cache  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("url", nargs="?",
                    default=f"sqlite:///{bench.DATA / 'county-full.sqlite3'}")
    ap.add_argument("runs", nargs="?", type=int, default=30)
    ap.add_argument("--page", default="/reports/?unit=1&month=2026-11")
    ap.add_argument("--explain", default="")
    args = ap.parse_args()
    app = bench.make_app(args.url)
    client = app.test_client()
    client.post("/auth/login", data={"phone": bench.pick_actors(app)["admin"],
                                     "password": PASSWORD})
    seen = []
    original = batch.fetch

    def keeping(parts, values=None):
        if len(parts) > 1:
            seen.append((tuple(parts), dict(values or {})))
        return original(parts, values)

    batch.fetch = keeping
    figure_cache.clear()
    assert client.get(args.page).status_code == 200
    batch.fetch = original
    parts, values = max(seen, key=lambda s: len(s[0]))
    print(f"load {os.getloadavg()[0]:.1f}; batches {len(seen)}; parts {len(parts)}, "
          f"distinct objects {len({id(p) for p in parts})}")
    explain = {int(i) for i in args.explain.split(",") if i}
    with app.app_context():
        conn = db.session.connection()
        total = 0.0
        texts = {}
        for i, part in enumerate(parts):
            if id(part) in {id(p) for p in parts[:i]}:
                print(f"{i:2d} the same object as part {[id(p) for p in parts].index(id(part))}"
                      " (runs once)")
                continue
            compiled = part.compile(dialect=conn.dialect)
            sql = str(compiled)
            if sql in texts:
                print(f"{i:2d} the same text as part {texts[sql]} (another object: runs again)")
            texts.setdefault(sql, i)
            rows = len(db.session.execute(part, values or None).all())
            cpu = []
            for _ in range(args.runs):
                started = time.process_time()
                db.session.execute(part, values or None).all()
                cpu.append((time.process_time() - started) * 1000)
            total += min(cpu)
            tables = sorted(set(re.findall(r"(?:FROM|JOIN) (\w+)", sql)))
            print(f"{i:2d} min {min(cpu):7.2f} med {statistics.median(cpu):7.2f} ms "
                  f"rows {rows:5d} chars {len(sql):6d} {' '.join(tables)[:90]}")
            if i in explain:
                print(sql)
                bound = part.params(values) if values else part
                literal = str(bound.compile(dialect=conn.dialect,
                                            compile_kwargs={"literal_binds": True}))
                for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + literal):
                    print("   ", row[1], row[3])
        print(f"sum of mins {total:.1f} ms; load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
