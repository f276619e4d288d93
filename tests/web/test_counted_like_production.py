"""The page budgets are counted the way production runs a request (docs/performance.md,
session 35): ``tests/page_statements.py`` counts what the same request runs in a thread
of its own — outside the test's app context, with its own ``g`` and database session,
as a worker runs it — the session lookup included, nothing served from what the test
or an earlier request loaded."""
from __future__ import annotations

import threading
from datetime import timedelta

from tests import factories as f
from tests.page_statements import counted, page_statements
from tests.web.manage_support import assignment, submitted_report
from tracker.extensions import db

QUEUE = "/manage/reviews"


def in_a_thread_of_its_own(request):
    """``request()`` run in a thread of its own, without the test's app context: Flask
    gives it an app context of its own, closed at its end, as under gunicorn."""
    done: list = []

    def run():
        try:
            done.append(("ok", request()))
        except BaseException as error:  # noqa: BLE001 — raised again in the test's thread
            done.append(("error", error))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    (how, value), = done
    if how == "error":
        raise value
    return value


def waiting_reports(world, n: int = 2) -> None:
    for i in range(n):
        task = f.task(world.item, world.liaison, starts_in=-timedelta(days=3 + i))
        db.session.commit()
        assignment(task, world.member)
        submitted_report(task, world.leader)


def test_a_page_is_counted_as_a_worker_runs_it(client, login, world, count_queries):
    """A liaison's 待审核 queue: the count the budget tests assert is the count of the same
    request run in a thread of its own. Counted in the test's app context (main before
    session 35) the member was read again instead of the session being looked up, and
    the liaison's communities came as a statement of their own: one more than a worker
    runs."""
    waiting_reports(world)
    budgeted, _page = page_statements(client, login, count_queries, world.liaison, QUEUE)
    with count_queries() as q:
        assert in_a_thread_of_its_own(lambda: client.get(QUEUE).status_code) == 200
    assert budgeted == q.count, q.statements


def test_the_counted_request_looks_its_session_up_and_reads_afresh(client, login, world,
                                                                   count_queries):
    """The statements counted are a worker's, one for one: the session lookup first
    (``services.sessions._live_lookup``, the liaison's communities joined in), and the
    reports the test has just loaded read again, not served from the test's session."""
    waiting_reports(world)
    login(world.liaison)
    client.get(QUEUE)  # the test's app context now holds the signed-in member
    statements, response = counted(client, count_queries, QUEUE)
    assert response.status_code == 200
    with count_queries() as q:
        in_a_thread_of_its_own(lambda: client.get(QUEUE))
    assert statements == q.statements
    assert "FROM login_session" in statements[0], statements[0]
