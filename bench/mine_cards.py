"""Time 我的任务's tabs for a member with many cards (review41b #2): each card asks where
else she holds a place at the same hours and whether her hours count there, a look
over all her places; asked of every card before the page was cut, a tab's time grew
with the square of her cards.

    .venv/bin/python bench/mine_cards.py [150 400 800]

Builds a throw-away SQLite file per count (schema by ``create_all()``), a member with
that many cards — 历史: past activities done; 未结束: activities to come, claimed, five
more to come besides — signs her in through the login form and requests each tab
through the Flask test client: one warm-up, then the best and the median of 7, with the
statements per request. Run it from two checkouts for a before/after comparison (it
imports the checkout it stands in). Not a test: speed goes here, the rule (her cards'
work grows linearly) in tests/web/test_mine_work_grows_with_her_cards.py.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import run as bench  # noqa: E402
from sqlalchemy import event  # noqa: E402
from tests import factories as f  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import Assignment, AssignmentStatus, Role  # noqa: E402

RUNS = 7


def build(cards: int, past: bool):
    unit = f.unit("县商务局")
    community = f.community("解放路社区")
    item = f.item(unit, community, "environment_cleanup")
    liaison = f.member(unit, Role.liaison, "联络员甲", communities=[community])
    member = f.member(unit, name="张三")
    for i in range(cards):
        task = f.task(item, liaison, title=f"活动{i}",
                      starts_in=(-timedelta(days=3, hours=3 * i) if past
                                 else timedelta(days=2, hours=i)))
        db.session.add(Assignment(task_id=task.id, member_id=member.id,
                                  minutes=60 if past else None,
                                  status=AssignmentStatus.done if past
                                  else AssignmentStatus.claimed))
    for i in range(5):
        task = f.task(item, liaison, title=f"未来{i}", starts_in=timedelta(days=2, hours=3 * i))
        db.session.add(Assignment(task_id=task.id, member_id=member.id,
                                  status=AssignmentStatus.claimed))
    db.session.commit()
    return member


def time_tab(cards: int, tab: str, past: bool) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        app = bench.make_app(f"sqlite:///{tmp}/mine.sqlite3")
        with app.app_context():
            db.create_all()
            member = build(cards, past)
            client = app.test_client()
            assert client.post("/auth/login", data={"phone": member.phone,
                                                    "password": f.PASSWORD}).status_code == 302
            url = f"/tasks/mine?tab={tab}"
            assert client.get(url).status_code == 200
            statements = []

            def count(*_args):
                statements.append(1)

            event.listen(db.engine, "before_cursor_execute", count)
            times = []
            for _ in range(RUNS):
                start = time.perf_counter()
                assert client.get(url).status_code == 200
                times.append((time.perf_counter() - start) * 1000)
            event.remove(db.engine, "before_cursor_execute", count)
            db.session.remove()
            db.engine.dispose()
    return min(times), statistics.median(times), len(statements) // RUNS


def main() -> None:
    counts = [int(n) for n in sys.argv[1:]] or [150, 400, 800]
    print("| tab, her cards | best ms | median ms | statements |")
    print("|---|---|---|---|")
    for tab, past in (("history", True), ("upcoming", False)):
        for cards in counts:
            best, median, statements = time_tab(cards, tab, past)
            print(f"| {tab}, {cards} | {best:.1f} | {median:.1f} | {statements} |", flush=True)


if __name__ == "__main__":
    main()
