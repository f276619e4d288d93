"""Time the 月报's exports alone: Word, Excel and CSV rendered from a summary already
built, without HTTP and without SQL (issue 14's "render only" figure).

    .venv/bin/python bench/render.py              # the demo world, last month, its unit
    .venv/bin/python bench/render.py --runs 20 --json bench/out/render.json
    .venv/bin/python bench/render.py --scale full --reuse             # 1M, SQLite
    .venv/bin/python bench/render.py --scale full --reuse --pg-url URL  # 1M, PostgreSQL

Without ``--scale`` the demo world is seeded into a throw-away SQLite file. With
``--scale`` the summary is the one ``bench/run.py`` times in its 月报 rows: the unit
of the liaison it picks (``pick_actors``), last month, as an admin sees it — read from
the data set ``bench/run.py`` generated (its SQLite file in ``bench/out/``, or the
PostgreSQL database of ``--pg-url``). This script only reads that data set: it never
generates one (``--reuse`` is required) and never changes one.

The summary is built once, then each renderer runs ``--runs`` times after one warm-up.
Prints min / median / max wall time and the median CPU time of this process in ms,
the load average, and the size of the tables (附表 rows), which is what a .docx's time
grows with. ``--profile`` prints a pyinstrument profile of one more .docx render.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

import run as county  # noqa: E402  (bench/run.py: the data sets, the unit it picks)
from tracker import create_app  # noqa: E402
from tracker.demo import seed_demo  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import Task, Unit  # noqa: E402
from tracker.reports.csv_export import render_csv  # noqa: E402
from tracker.reports.docx_export import render_docx  # noqa: E402
from tracker.reports.summary import build_summary  # noqa: E402
from tracker.reports.xlsx_export import render_xlsx  # noqa: E402
from tracker.timeutil import local_today  # noqa: E402

RENDERERS = {"docx": render_docx, "xlsx": render_xlsx, "csv": render_csv}


def last_month(today: date) -> tuple[int, int]:
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def demo_app():
    folder = tempfile.mkdtemp(prefix="tracker-render-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/render.db",
                      "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        upgrade()
        seed_demo(local_today())
        db.session.commit()
        unit_id = db.session.scalar(select(Unit.id).order_by(Unit.id))
    return app, unit_id


def bench_app(url: str):
    """The data set of ``bench/run.py`` at ``url``, read only; the unit of its 月报 rows."""
    app = county.make_app(url)
    with app.app_context():
        if not db.session.scalar(select(func.count(Task.id))):
            raise SystemExit(f"no data set at {url}: generate it with bench/run.py first")
        db.session.rollback()
    return app, county.pick_actors(app)["unit"]


def time_render(render, summary, runs: int) -> tuple[list[float], list[float]]:
    render(summary)  # warm-up: imports, templates
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        render(summary)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--scale", choices=sorted(county.SCALES),
                        help="the data set of bench/run.py at this scale (default: the demo world)")
    parser.add_argument("--reuse", action="store_true",
                        help="with --scale: read the data set bench/run.py generated (required)")
    parser.add_argument("--pg-url", help="with --scale: the PostgreSQL database holding it")
    parser.add_argument("--formats", default=",".join(RENDERERS),
                        help="comma-separated: docx, xlsx, csv (default all)")
    parser.add_argument("--profile", action="store_true",
                        help="print a pyinstrument profile of one more .docx render")
    args = parser.parse_args()
    formats = [name.strip() for name in args.formats.split(",") if name.strip()]
    if unknown := set(formats) - set(RENDERERS):
        parser.error(f"unknown formats {sorted(unknown)}")

    if args.scale:
        if not args.reuse:
            parser.error("--scale reads an existing data set: add --reuse "
                         "(bench/run.py generates them)")
        url = args.pg_url or f"sqlite:///{county.DATA / f'county-{args.scale}.sqlite3'}"
        app, unit_id = bench_app(url)
        where = f"{args.scale}, {'postgresql' if args.pg_url else 'sqlite'}"
    elif args.pg_url or args.reuse:
        parser.error("--pg-url and --reuse go with --scale")
    else:
        app, unit_id = demo_app()
        where = "demo"

    results = []
    with app.app_context():
        year, month = last_month(local_today())
        with app.test_request_context():
            unit = db.session.get(Unit, unit_id)
            summary = build_summary(year, month, unit=unit)
            db.session.rollback()  # nothing was written: end the read
            rows = [len(table.rows) for table in summary.tables()]
            print(f"{where}: {summary.title}: 附表 rows {rows}", flush=True)
            for name in formats:
                load_before = os.getloadavg()[0]
                wall, cpu = time_render(RENDERERS[name], summary, args.runs)
                load_after = os.getloadavg()[0]
                result = {"export": name, "data": where, "unit": unit_id,
                          "month": f"{year}-{month:02d}", "runs": args.runs,
                          "min_ms": min(wall), "median_ms": statistics.median(wall),
                          "max_ms": max(wall), "cpu_median_ms": statistics.median(cpu),
                          "table_rows": rows, "load_average": [load_before, load_after]}
                results.append(result)
                print(f"  {name:<5} min {result['min_ms']:7.1f}  median "
                      f"{result['median_ms']:7.1f}  max {result['max_ms']:7.1f} ms  "
                      f"(cpu median {result['cpu_median_ms']:7.1f} ms)  "
                      f"load {load_before:.1f} → {load_after:.1f}", flush=True)
            if args.profile:
                from pyinstrument import Profiler

                profiler = Profiler(interval=0.0005)
                with profiler:
                    render_docx(summary)
                print(profiler.output_text(unicode=True, color=False))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
