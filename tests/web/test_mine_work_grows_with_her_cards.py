"""review41b #2: 我的任务's tab asks of each card where else she holds a place at the
same hours (``claims.held_alongside``) and whether her hours count there — each a look
over all her places. Asked of every card before the page is cut, a tab's work grew with
the square of her cards; asked of the page's cards only (and not at all on 历史, where
every card is settled), it grows with her cards. Counted in SQLite's virtual-machine
steps for the whole request, not timed: twice the cards must cost well under four times
the work (linear: about twice; quadratic: about four times)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests import factories as f
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus

STEP = 100  # SQLite calls the progress handler every STEP virtual-machine instructions


def _steps(client, url: str) -> int:
    count = [0]

    def tick():
        count[0] += 1
        return 0

    raw = db.session.connection().connection.driver_connection
    raw.set_progress_handler(tick, STEP)
    try:
        assert client.get(url).status_code == 200
    finally:
        raw.set_progress_handler(None, STEP)
    return count[0]


def _add_cards(world, n: int, first: int, *, past: bool) -> None:
    for i in range(first, first + n):
        task = f.task(world.item, world.liaison, title=f"活动{i}",
                      starts_in=(-timedelta(days=3, hours=3 * i) if past
                                 else timedelta(days=2, hours=3 * i)))
        db.session.add(Assignment(task_id=task.id, member_id=world.member.id,
                                  minutes=60 if past else None,
                                  status=AssignmentStatus.done if past
                                  else AssignmentStatus.claimed))
    db.session.commit()


@pytest.mark.parametrize("tab, past", [("history", True), ("upcoming", False)])
def test_twice_the_cards_is_about_twice_the_work(app, client, login, world, tab, past):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("counts SQLite's virtual-machine steps")
    n = 150
    _add_cards(world, n, 0, past=past)
    login(world.member)
    url = f"/tasks/mine?tab={tab}"
    client.get(url)  # warm: the statement built and its plan cached
    once = _steps(client, url)
    _add_cards(world, n, n, past=past)
    client.get(url)
    twice = _steps(client, url)
    assert twice < 3 * once, f"{n} cards: {once}, {2 * n} cards: {twice} steps of {STEP}"
