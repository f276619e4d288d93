"""Time the county admin's 补录 form (/manage/backfill), the people list's worst case:
no search, so the list is cut from every member 补录's rule names, ordered by the roll
of the activity's day (``manage.queries.roll_then``) before the cut.

    .venv/bin/python bench/backfill_form.py sqlite:////…/bench/out/members.sqlite3 [runs]
    .venv/bin/python bench/backfill_form.py postgresql+psycopg://postgres@127.0.0.1:PORT/db [runs]

Builds the county's people the first time, as ``members_page.py`` does (the same
database serves both), signs in as its admin, requests the form once to warm up and
``runs`` times, with no day typed and with a day typed (查找 with a 开始时间), and
prints the median wall ms of each page and of its slowest statement. Run it on two
checkouts against one database to compare them. Not a test; the figures go to
docs/performance.md.
"""
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import members_page  # noqa: E402
import run as bench  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from tracker.datagen import PASSWORD  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import Member, Role  # noqa: E402
from tracker.timeutil import local_today  # noqa: E402


def timed(app, client, url: str, runs: int) -> tuple[float, float, int, str]:
    """(median page ms, median ms of its slowest statement, statements, that statement)."""
    assert client.get(url).status_code == 200, url
    pages, slowest = [], []
    for _ in range(runs):
        with app.app_context():
            ran, remove = members_page.statement_timer(db.engine)
        started = time.perf_counter()
        client.get(url)
        pages.append((time.perf_counter() - started) * 1000)
        remove()
        slowest.append(max(ran, key=lambda row: row[1]))
    top = max(slowest, key=lambda row: row[1])[0]
    return (statistics.median(pages), statistics.median(ms for _s, ms in slowest),
            len(ran), top)


def main() -> None:
    url = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 21
    app = bench.make_app(url)
    members_page.ensure_members(app, without_index=False)
    with app.app_context():
        admin = db.session.scalar(select(Member.phone).where(
            Member.role == Role.admin, Member.active.is_(True)).order_by(Member.id))
        active = db.session.scalar(select(func.count(Member.id)).where(Member.active.is_(True)))
        db.session.commit()
    client = app.test_client()
    assert client.post("/auth/login", data={"phone": admin, "password": PASSWORD}
                       ).status_code == 302
    print(f"{url.split(':')[0]}: {active:,} active "
          f"members; load {os.getloadavg()[0]:.1f}", flush=True)
    day = local_today() - timedelta(days=10)
    for label, page in (("no day typed", "/manage/backfill"),
                        ("a day typed", f"/manage/backfill?starts_at={day:%Y-%m-%d}T09:00")):
        median, statement, count, top = timed(app, client, page, runs)
        print(f"{label}: median {median:.1f} ms, {count} statements, the slowest "
              f"{statement:.1f} ms: {top}", flush=True)


if __name__ == "__main__":
    main()
