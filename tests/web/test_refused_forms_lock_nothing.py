"""A form its own validators refused names what the service would refuse of its other
fields by a read-only check (``services.name_problems``): that check takes no row lock,
so a mistyped form never makes a 定稿 of the month, or another 补录 of the same members,
wait while its page is drawn (review36 #2). The service, once the form passes, checks
again under its locks — the same posts made valid take them, which shows the spy sees
a lock where there is one (SQLite ignores the clause; the statement still asks it)."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from tests.web.manage_support import backfill_form
from tests.web.progress_setup import build_double
from tracker.timeutil import local_today

TODAY = local_today().isoformat()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today


@contextmanager
def row_locks():
    """The tables whose rows the statements run meanwhile asked to lock (``FOR …``)."""
    taken: list[str] = []

    def spy(state):
        if state.is_select and getattr(state.statement, "_for_update_arg", None) is not None:
            taken.append(state.statement.get_final_froms()[0].name)

    event.listen(Session, "do_orm_execute", spy)
    try:
        yield taken
    finally:
        event.remove(Session, "do_orm_execute", spy)


def test_a_refused_funds_entry_locks_nothing(client, login, world):
    login(world.liaison)
    url = f"/funds/{world.unit.id}/{world.community.id}/{local_today().year}/entries"
    with row_locks() as taken:
        response = client.post(url, data={"entry_date": TODAY, "amount": "abc",
                                          "purpose": "打印"})
    assert response.status_code == 200 and "金额格式不正确" in response.get_data(as_text=True)
    assert taken == []
    with row_locks() as taken:
        response = client.post(url, data={"entry_date": TODAY, "amount": "5", "purpose": "打印"})
    assert response.status_code == 302 and "unit" in taken


def test_a_refused_hand_over_locks_nothing(client, login, world):
    double = build_double(world)
    login(world.liaison)
    url = f"/progress/findings/{double.finding.id}/hand-over"
    with row_locks() as taken:
        response = client.post(url, data={"handed_to": "", "handed_over_on": TODAY})
    assert response.status_code == 200
    assert "请填写移交给哪个部门或单位。" in response.get_data(as_text=True)
    assert taken == []
    with row_locks() as taken:
        response = client.post(url, data={"handed_to": "县住建局", "handed_over_on": TODAY})
    assert response.status_code == 302 and "unit" in taken


def test_a_refused_backfill_locks_nothing(client, login, world):
    login(world.liaison)
    with row_locks() as taken:
        response = client.post("/manage/backfill", data=backfill_form(world, note=""))
    assert response.status_code == 200 and "请填写情况说明。" in response.get_data(as_text=True)
    assert taken == []
    with row_locks() as taken:
        response = client.post("/manage/backfill", data=backfill_form(world))
    assert response.status_code == 302 and {"unit", "member"} <= set(taken)
