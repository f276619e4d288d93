"""The statements a page runs, counted as its budget counts them (docs/design.md: at most
6 a page): the page once read by the signed-in reader, so that the session's first read
of the menu lists is not counted, then read again with nothing cached in the ORM."""
from __future__ import annotations

from tracker.extensions import db


def page_statements(client, login, count_queries, who, url: str) -> tuple[int, str]:
    """(statements run, HTML) of ``url`` read by ``who``, warm."""
    login(who)
    client.get(url)  # warm: the session's first read of the menu lists
    db.session.expire_all()
    with count_queries() as q:
        response = client.get(url)
    assert response.status_code == 200, (who, url)
    return q.count, response.get_data(as_text=True)
