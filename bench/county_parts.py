"""Time each statement of the admin's county-wide year (社区共建进展 and “双创”进展,
all communities, 本年) apart, on a generated data set.

    .venv/bin/python bench/county_parts.py sqlite:////…/bench/out/county-full.sqlite3 [runs]

Builds the same plans as the two pages (``progress.routes``), then runs each SELECT
of them on its own ``runs`` times (after one warm-up) and prints the median wall and
CPU ms per statement and the load average. On SQLite the CPU is the statement's whole
cost; on PostgreSQL only the client's share. Not a test.
"""
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import run as bench  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.rollups.checklist import resource_progress_by_category_plan  # noqa: E402
from tracker.rollups.double import double_progress_plan  # noqa: E402
from tracker.rollups.figures import (  # noqa: E402
    figures_by_category_plan,
    figures_plan,
    trend_plan,
)
from tracker.rollups.findings import findings_counts_plan  # noqa: E402
from tracker.rollups.funds import fund_figures_plan  # noqa: E402
from tracker.rollups.scope import Scope, trend_window  # noqa: E402
from tracker.timeutil import local_today  # noqa: E402


def main() -> None:
    url = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    app = bench.make_app(url)
    year = local_today().year
    scope = Scope(date(year, 1, 1), date(year + 1, 1, 1))
    trend = Scope(*trend_window(scope.date_from, scope.date_to))
    pages = {
        "社区共建进展": [("trend", trend_plan(trend)), ("figures", figures_plan(scope)),
                   ("by category", figures_by_category_plan(scope)),
                   ("checklist", resource_progress_by_category_plan(year)),
                   ("funds", fund_figures_plan(scope, year)),
                   ("findings", findings_counts_plan(scope))],
        "双创进展": [("double", double_progress_plan(scope, by="community"))],
    }
    print(f"load {os.getloadavg()[0]:.1f}")
    with app.app_context():
        for page, plans in pages.items():
            total_cpu = 0.0
            for name, p in plans:
                for i, part in enumerate(p.parts):
                    db.session.execute(part).all()
                    wall, cpu = [], []
                    for _ in range(runs):
                        started, started_cpu = time.perf_counter(), time.process_time()
                        db.session.execute(part).all()
                        wall.append((time.perf_counter() - started) * 1000)
                        cpu.append((time.process_time() - started_cpu) * 1000)
                    total_cpu += statistics.median(cpu)
                    print(f"{page:8} {name:12} part {i}  wall {statistics.median(wall):7.1f}  "
                          f"cpu {statistics.median(cpu):7.1f}", flush=True)
            print(f"{page:8} sum of the statements' CPU {total_cpu:.1f} ms")
            db.session.rollback()
    print(f"load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
