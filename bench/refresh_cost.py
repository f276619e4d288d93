"""Time the flush hook's refresh of one reported task (what a submit, approval or
return pays in its transaction) on a generated data set, rolled back each time.

    .venv/bin/python bench/refresh_cost.py sqlite:////…/bench/out/county-full.sqlite3 [tasks]

Run it from two checkouts for a before/after comparison: it imports the checkout it
stands in. Prints the median and max wall and CPU ms over ``tasks`` reported tasks of
the last two months, and the load average. Not a test.
"""
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import run as bench  # noqa: E402
from sqlalchemy import select  # noqa: E402
from tracker import participation  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import CountedTask  # noqa: E402


def main() -> None:
    url = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    app = bench.make_app(url)
    with app.app_context():
        ids = list(db.session.scalars(select(CountedTask.task_id)
                                      .order_by(CountedTask.service_date.desc()).limit(n)))
        db.session.rollback()
        wall, cpu = [], []
        for task_id in ids:
            connection = db.session.connection()
            started, started_cpu = time.perf_counter(), time.process_time()
            participation.refresh(connection, [task_id])
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            db.session.rollback()
    print(f"{len(ids)} tasks: wall median {statistics.median(wall):.2f} max {max(wall):.2f} ms, "
          f"cpu median {statistics.median(cpu):.2f} max {max(cpu):.2f} ms, "
          f"load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
