"""Time the 月报's exports alone: Word, Excel and CSV rendered from a summary already
built, without HTTP and without SQL (issue 14's "render only" figure).

    .venv/bin/python bench/render.py              # the demo world, last month, its unit
    .venv/bin/python bench/render.py --runs 20 --json bench/out/render.json

The demo world is seeded into a throw-away SQLite file; the summary is built once, then
each renderer runs ``--runs`` times after one warm-up. Prints min / median / max in ms
and the size of the ledger (附表 rows), which is what a .docx's time grows with.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.demo import seed_demo  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import Unit  # noqa: E402
from tracker.reports.csv_export import render_csv  # noqa: E402
from tracker.reports.docx_export import render_docx  # noqa: E402
from tracker.reports.summary import build_summary  # noqa: E402
from tracker.reports.xlsx_export import render_xlsx  # noqa: E402
from tracker.timeutil import local_today  # noqa: E402

RENDERERS = {"docx": render_docx, "xlsx": render_xlsx, "csv": render_csv}


def last_month(today: date) -> tuple[int, int]:
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="tracker-render-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/render.db",
                      "SECRET_KEY": "bench", "TESTING": True})
    results = []
    with app.app_context():
        upgrade()
        seed_demo(local_today())
        unit = db.session.scalar(select(Unit).order_by(Unit.id))
        year, month = last_month(local_today())
        with app.test_request_context():
            summary = build_summary(year, month, unit=unit)
            rows = [len(table.rows) for table in summary.tables()]
            print(f"{summary.title}: 附表 rows {rows}")
            for name, render in RENDERERS.items():
                render(summary)  # warm-up: imports, templates
                timings = []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    render(summary)
                    timings.append((time.perf_counter() - started) * 1000)
                result = {"export": name, "runs": args.runs, "min_ms": min(timings),
                          "median_ms": statistics.median(timings), "max_ms": max(timings),
                          "table_rows": rows}
                results.append(result)
                print(f"  {name:<5} min {result['min_ms']:7.1f}  median "
                      f"{result['median_ms']:7.1f}  max {result['max_ms']:7.1f} ms")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
