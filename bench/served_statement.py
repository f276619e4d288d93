"""Time ``rollups.served.named_rows`` — the 服务对象 of a sum of 受益 — alone, on a
generated data set, for the scopes the pages ask it for, and show its query plan.

    .venv/bin/python bench/served_statement.py sqlite:////…/bench/out/county-full.sqlite3 [runs] [plan]
    .venv/bin/python bench/served_statement.py postgresql+psycopg://…/county 15 plan

The scopes: the county's year and last month (社区共建进展 of every community), one
unit's year (its 年度总结), its last month and a settled one (its 月报), one
community's year (a liaison's 进展). Prints, per scope, the visit activities in it, the median and min wall and CPU ms
of the statement (after two untimed runs) and its answer; with ``plan``, SQLite's
EXPLAIN QUERY PLAN or PostgreSQL's EXPLAIN (ANALYZE, BUFFERS). Run it on a set whose
visits name none and on one with ``bench/run.py --named``: before and after. Not a test.
"""
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import run as bench  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import Category, CountedTask, ReportStatus, task_resident  # noqa: E402
from tracker.rollups.scope import Scope, counted_task_conditions  # noqa: E402
from tracker.rollups.kept import served_rows  # noqa: E402
from tracker.rollups.served import _named_query, named_rows  # noqa: E402
from tracker.services.residents import VISIT_KINDS  # noqa: E402
from tracker.timeutil import local_today  # noqa: E402


def scopes() -> dict[str, Scope]:
    today = local_today()
    year = Scope(date(today.year, 1, 1), date(today.year + 1, 1, 1))
    last = today.replace(day=1) - timedelta(days=1)
    month = (date(last.year, last.month, 1), today.replace(day=1))
    # a settled month (older work is all approved, ``datagen.SETTLED_AFTER_DAYS``)
    old = (month[0] - timedelta(days=62)).replace(day=1)
    settled = (old, (old + timedelta(days=32)).replace(day=1))
    unit, community = db.session.execute(
        select(CountedTask.unit_id, CountedTask.community_id).order_by(CountedTask.community_id)
    ).first()
    return {
        "county, year": year,
        "unit, year": Scope(year.date_from, year.date_to, unit_id=unit),
        "county, last month": Scope(*month),
        "unit, last month": Scope(*month, unit_id=unit),
        "unit, a settled month": Scope(*settled, unit_id=unit),
        "community, year": Scope(year.date_from, year.date_to, community_ids=(community,)),
    }


def visits(scope: Scope) -> int:
    visit = select(Category.id).where(Category.code.in_(tuple(VISIT_KINDS)))
    return db.session.scalar(select(func.count()).where(
        CountedTask.report_status == ReportStatus.approved, CountedTask.category_id.in_(visit),
        *counted_task_conditions(scope)))


def main() -> None:
    url = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    show_plan = len(sys.argv) > 3 and sys.argv[3] == "plan"
    app = bench.make_app(url)
    with app.app_context():
        dialect = db.engine.dialect
        named = db.session.scalar(select(func.count()).select_from(task_resident))
        print(f"{dialect.name}: {named:,} task_resident rows; load {os.getloadavg()[0]:.1f}")
        print("| scope | approved visits | median (min) ms | CPU median ms | answer |")
        print("|---|---:|---:|---:|---|")
        plans = []
        for name, scope in scopes().items():
            statement = named_rows(scope).parts[0]
            wall, cpu = [], []
            for n in range(runs + 2):
                started, started_cpu = time.perf_counter(), time.process_time()
                answer = db.session.execute(statement).all()
                if n >= 2:
                    wall.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - started_cpu) * 1000)
            db.session.rollback()
            print(f"| {name} | {visits(scope)} | {statistics.median(wall):.1f} ({min(wall):.1f}) "
                  f"| {statistics.median(cpu):.1f} | {sorted(answer)} |", flush=True)
            if show_plan:
                sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
                explain = ("EXPLAIN QUERY PLAN " if dialect.name == "sqlite"
                           else "EXPLAIN (ANALYZE, BUFFERS) ") + sql
                rows = db.session.execute(text(explain)).all()
                plans.append((name, [" ".join(str(c) for c in row) for row in rows]))
                db.session.rollback()
        print(f"load {os.getloadavg()[0]:.1f}")
        kept_against_named(runs)
        for name, lines in plans:
            print(f"\n-- {name}")
            print("\n".join(lines))


def kept_against_named(runs: int) -> None:
    """The county's year both ways, in turn: its named rows (``served._named_query``,
    every scope's statement before the kept rows, 0068) and its kept rows
    (``kept.served_rows``): wall ms in this process and, on PostgreSQL, the server's
    own time (EXPLAIN ANALYZE's Execution Time), medians; the answers must agree."""
    year = scopes()["county, year"]
    forms = {"named rows (before)": _named_query(year),
             "kept rows (0068)": served_rows(year.date_from.year, None)}
    wall: dict[str, list] = {name: [] for name in forms}
    server: dict[str, list] = {name: [] for name in forms}
    answers = {}
    postgres = db.engine.dialect.name == "postgresql"
    for n in range(runs + 2):
        for name, statement in (forms.items() if n % 2 else reversed(forms.items())):
            started = time.perf_counter()
            answers[name] = sorted(db.session.execute(statement).all())
            if n >= 2:
                wall[name].append((time.perf_counter() - started) * 1000)
                if postgres:
                    sql = str(statement.compile(dialect=db.engine.dialect,
                                                compile_kwargs={"literal_binds": True}))
                    plan = db.session.execute(text("EXPLAIN (ANALYZE) " + sql)).scalars().all()
                    server[name].append(float(plan[-1].split(":")[1].split()[0]))
            db.session.rollback()
    print("\n| county, year | wall median (min) ms | server median ms | answer |")
    print("|---|---:|---:|---|")
    for name in forms:
        served = f"{statistics.median(server[name]):.2f}" if server[name] else "—"
        print(f"| {name} | {statistics.median(wall[name]):.2f} ({min(wall[name]):.2f}) "
              f"| {served} | {answers[name]} |")
    assert len(set(map(str, answers.values()))) == 1, answers


if __name__ == "__main__":
    main()
