"""Time the 工作台 (admin, liaison) and 我的任务 of this checkout on a generated data set.

    .venv/bin/python bench/home_pages.py sqlite:////…/bench/out/county-full.sqlite3 15 after

For a before/after comparison run it from two checkouts in turn, each on its own copy of
one data set (docs/performance.md, "the 工作台 and 我的任务"): it prints, per page, the
median wall and CPU time of N requests after three warm-ups, the statements one request
runs (BEGIN included) and the load average. Not a test.
"""
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path.cwd()  # the checkout being timed (its tracker/, its bench/run.py)
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import run as bench  # noqa: E402
from sqlalchemy import event  # noqa: E402
from tracker.extensions import db  # noqa: E402

PAGES = (("admin", "/manage/"), ("liaison", "/manage/"), ("member", "/tasks/mine"))


def main() -> None:
    url, runs, label = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    app = bench.make_app(url)
    actors = bench.pick_actors(app)
    for who, page in PAGES:
        client = app.test_client()
        login = client.post("/auth/login", data={"phone": actors[who], "password": bench.PASSWORD})
        assert login.status_code == 302, who
        for _ in range(3):
            client.get(page)
        seen = []

        def count(*_args):
            seen.append(1)

        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", count)
            client.get(page)
            event.remove(db.engine, "before_cursor_execute", count)
        wall, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(page)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, page
        print(f"{label:6} {who:8} {page:12} wall {statistics.median(wall):6.1f}  "
              f"cpu {statistics.median(cpu):6.1f}  stmts(incl. BEGIN) {len(seen)}  "
              f"load {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
