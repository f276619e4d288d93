"""需求清单's pages within the design's budget (docs/design.md "## Budgets": at most 6
statements a page, the same whatever the data), counted as production runs a request
(tests/page_statements.py).

The board lists the communities in use for its filter; whether 发布需求 is offered is
whether one of them is in the reader's reach — the list already read answers it, so
no second read of the communities, and no ``WHERE 0 = 1`` for a member (count48 #5).
The posting and editing forms offer one community's zones and residents and the
categories: three short lists, one statement."""
from __future__ import annotations

import pytest

from tests import factories as f
from tests.needs.support import need, world_need
from tests.page_statements import page_statements
from tests.residents.support import resident
from tracker.extensions import db
from tracker.models import NeedStatus


def grow(w, n: int) -> None:
    """n more of everything the pages list: communities, needs in each state, zones,
    residents and checklist items of community A."""
    for i in range(n):
        f.community()
        need(w.community, w.liaison, title=f"需求{i}")
        need(w.community, w.liaison, title=f"已认领{i}", status=NeedStatus.claimed,
             claimer=w.member)
        f.zone(w.community, unit=w.unit)
        resident(w.community, w.liaison, name=f"居民{i}", phone=f"1390000{i:04d}")
        f.item(w.unit, w.community)
    db.session.commit()


def _counts(client, login, count_queries, w, pages) -> dict:
    return {(role, url): page_statements(client, login, count_queries, getattr(w, role), url)[0]
            for role, url in pages}


@pytest.mark.parametrize("status", ["open", "claimed"])
def test_the_board_runs_5_statements_for_everyone_whatever_the_data(
        client, login, count_queries, world, status):
    """Session, communities, the page, its count, the menu: 5 for every role."""
    pages = [(role, f"/needs/?status={status}")
             for role in ("member", "leader", "liaison", "admin")]
    small = _counts(client, login, count_queries, world, pages)
    grow(world, 6)
    assert _counts(client, login, count_queries, world, pages) == small \
        == {page: 5 for page in pages}


def test_the_board_still_offers_posting_only_in_reach(client, login, world):
    for who, offered in ((world.member, False), (world.leader, False),
                         (world.liaison, True), (world.admin, True)):
        login(who)
        page = client.get("/needs/").get_data(as_text=True)
        assert ('href="/needs/new"' in page) is offered, who.name


def test_the_posting_and_editing_forms_run_5_statements_whatever_the_data(
        client, login, count_queries, world):
    """Session, the community (or the need), the form's short lists (zones, residents,
    categories) in one, the checklist items, the menu."""
    edited = world_need(world)
    pages = [(role, url) for role in ("liaison", "admin")
             for url in (f"/needs/new?community={world.community.id}",
                         f"/needs/{edited.id}/edit")]
    pages.append(("liaison", "/needs/new"))  # her one community: its form at once
    small = _counts(client, login, count_queries, world, pages)
    grow(world, 6)
    assert _counts(client, login, count_queries, world, pages) == small \
        == {page: 5 for page in pages}
