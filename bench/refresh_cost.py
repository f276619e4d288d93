"""Time the flush hook's refresh of one reported task (what a submit, approval or
return pays in its transaction) on a generated data set, rolled back each time, and
count its statements.

    .venv/bin/python bench/refresh_cost.py sqlite:////…/bench/out/county-full.sqlite3 [tasks] [approve]

By default it refreshes tasks whose counted rows are up to date (a refresh that
changes nothing: an edit that touches no counted figure, hours confirmed twice);
with ``approve`` it first sets a submitted (待审核) report to approved, bypassing the
hook, and times the refresh that follows: what an approval pays.

Run it from two checkouts for a before/after comparison: it imports the checkout it
stands in (copy this file into the other one). Prints the median and max wall and CPU
ms over ``tasks`` reported tasks of the last two months (after one untimed pass over
them), the statements per refresh (min / median / max), what each kind of statement
costs (count per refresh, median wall ms of one), and the load average. Not a test.
"""
import os
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import run as bench  # noqa: E402
from sqlalchemy import event, select, update  # noqa: E402
from tracker import participation  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import CountedTask, ReportStatus, TaskReport  # noqa: E402


def kind(statement: str) -> str:
    """'INSERT counted_month', 'SELECT counted_participation' …: verb and first table."""
    words = statement.split()
    verb = words[0].upper()
    table = re.search(r"\b(?:INTO|FROM|UPDATE)\s+(\w+)", statement, re.IGNORECASE)
    return f"{verb} {table.group(1) if table else '?'}"


def main() -> None:
    url = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    approve = len(sys.argv) > 3 and sys.argv[3] == "approve"
    app = bench.make_app(url)
    with app.app_context():
        reported = select(CountedTask.task_id)
        if approve:
            reported = reported.where(CountedTask.report_status == ReportStatus.submitted)
        ids = list(db.session.scalars(reported.order_by(CountedTask.service_date.desc(),
                                                        CountedTask.task_id).limit(n)))
        db.session.rollback()
        running: list = []
        per_kind = defaultdict(list)

        def before(conn, cursor, statement, params, context, executemany):
            conn.info["bench_started"] = time.perf_counter()

        def after(conn, cursor, statement, params, context, executemany):
            if running is not None:
                running.append((kind(statement),
                                (time.perf_counter() - conn.info["bench_started"]) * 1000))

        # once untimed: the statement cache warm, as in a worker that has run a while
        for task_id in ids:
            if approve:
                db.session.execute(update(TaskReport).where(TaskReport.task_id == task_id)
                                   .values(status=ReportStatus.approved))
            participation.refresh(db.session.connection(), [task_id])
            db.session.rollback()
        event.listen(db.engine, "before_cursor_execute", before)
        event.listen(db.engine, "after_cursor_execute", after)
        wall, cpu, counts = [], [], []
        for task_id in ids:
            connection = db.session.connection()
            if approve:
                connection.execute(update(TaskReport).where(TaskReport.task_id == task_id)
                                   .values(status=ReportStatus.approved))
            running.clear()
            started, started_cpu = time.perf_counter(), time.process_time()
            participation.refresh(connection, [task_id])
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            counts.append(len(running))
            seen = defaultdict(int)
            for name, ms in running:
                seen[name] += 1
                per_kind[name].append(ms)
            db.session.rollback()
    print(f"{len(ids)} tasks{' approved' if approve else ''}: wall median {statistics.median(wall):.2f} max {max(wall):.2f} ms, "
          f"cpu median {statistics.median(cpu):.2f} max {max(cpu):.2f} ms, "
          f"statements per refresh {min(counts)} / {statistics.median(counts):g} / "
          f"{max(counts)}, load {os.getloadavg()[0]:.1f}")
    for name, times in sorted(per_kind.items()):
        print(f"  {name:40} {len(times) / len(ids):5.2f} per refresh, "
              f"median {statistics.median(times):.2f} ms")


if __name__ == "__main__":
    main()
