"""激活链接's page within the design's budget (docs/design.md "## Budgets": at most 6
statements a page, the same whatever the data), counted as production runs a request
(tests/page_statements.py), at two sizes (count48's list): the page's members come
with their units and the list's total in one statement, not a page, its units and a
COUNT."""
from __future__ import annotations

import re

import pytest

from tests import factories as f
from tests.page_statements import page_statements
from tracker.extensions import db
from tracker.services.invitations import issue_links


def grow(w, n: int) -> None:
    """n more units working in A, each with a member without a password and one with,
    and a live link for each of them."""
    for _ in range(n):
        unit = f.unit()
        f.item(unit, w.community)
        pending = f.member(unit)
        pending.password_hash = None
        issue_links(w.admin, [pending, f.member(unit)])
    db.session.commit()


def _counts(client, login, count_queries, w, pages) -> dict:
    return {(role, url): page_statements(client, login, count_queries, getattr(w, role), url)[0]
            for role, url in pages}


@pytest.mark.parametrize("asked", ["", "?status=all", "?status=pending&page=2"])
def test_the_links_page_runs_6_statements_whatever_the_data(
        app, client, login, count_queries, world, asked):
    """Session, the count of those without a password, the page (its units, its total),
    the unit filter, their links, the menu."""
    app.config["INVITES_PAGE_SIZE"] = 3  # more than a page of them once grown
    pages = [(role, f"/invite/manage{asked}") for role in ("liaison", "admin")]
    grow(world, 4)  # a second page of those without a password: 4 of them, 3 a page
    small = _counts(client, login, count_queries, world, pages)
    grow(world, 6)
    assert _counts(client, login, count_queries, world, pages) == small \
        == {page: 6 for page in pages}


def test_the_page_still_says_how_many_and_names_the_units(app, client, login, world):
    app.config["INVITES_PAGE_SIZE"] = 3
    grow(world, 4)
    login(world.admin)
    page = client.get("/invite/manage?status=pending").get_data(as_text=True)
    assert len(re.findall(r'name="members"', page)) == 3
    assert "第 1 / 2 页" in page
