"""The statements a page runs, counted as production runs a request (docs/design.md: at
most 6 a page, the same at 10× the data).

In production each request has an app context of its own: a new ``g`` (so Flask-Login
asks the user loader, and the session lookup of ``tracker/auth/loader.py`` runs) and a
new SQLAlchemy session (an empty identity map: nothing an earlier request loaded is
served without a statement). The ``app`` fixture holds one app context for the whole
test, and Flask's test client reuses a pushed app context for its requests: counted
there, a page's count missed the session lookup and could lean on what the test or an
earlier request had loaded. So each request here runs in an app context of its own, as
``bench/run.py`` counts it (docs/performance.md, session 35).

What a worker keeps across requests (the menu's lists under the lists' version, the
statements built once per process) is warmed by reading the page once first, in its
own app context too: that first read is a worker's, not the page's.
"""
from __future__ import annotations

from contextlib import contextmanager

from tracker.extensions import db


@contextmanager
def own_app_context(client):
    """``with own_app_context(client): client.get(…)`` — the request in an app context
    of its own: a new ``g`` and a new database session, as a request in production."""
    with client.application.app_context():
        yield


def counted(client, count_queries, url: str, method: str = "GET", **kwargs):
    """(the statements run, the response) of one request to ``url``, run and counted as
    production runs it."""
    with own_app_context(client), count_queries() as q:
        response = client.open(url, method=method, **kwargs)
    return q.statements, response


def warm(client, url: str) -> None:
    """Read ``url`` once, as a worker's first request for it: what the worker keeps
    across requests (the menu's lists, statements built once) is then in place."""
    with own_app_context(client):
        client.get(url)


def signed_in_statements(client, count_queries, url: str) -> tuple[int, str]:
    """(statements run, HTML) of ``url`` read warm by whoever is signed in, counted as
    production runs a request (``signed_in_run``)."""
    statements, response = signed_in_run(client, count_queries, url)
    return len(statements), response.get_data(as_text=True)


def signed_in_run(client, count_queries, url: str, status: int = 200):
    """(the statements themselves, the response) of ``url`` read warm by whoever is
    signed in, counted as production runs a request, its status asserted: for a test
    that reads what the statements are, a download that is not text (an .xlsx) or a
    redirect (``status=302``). The test's own session is committed first: it holds no
    transaction open (SQLite would hold a page's writes back behind its read)."""
    db.session.commit()
    warm(client, url)
    statements, response = counted(client, count_queries, url)
    assert response.status_code == status, url
    return statements, response


def page_statements(client, login, count_queries, who, url: str) -> tuple[int, str]:
    """(statements run, HTML) of ``url`` read by ``who``, warm, counted as production
    runs a request (the session lookup included)."""
    login(who)
    warm(client, url)
    statements, response = counted(client, count_queries, url)
    assert response.status_code == 200, (who, url)
    return len(statements), response.get_data(as_text=True)
