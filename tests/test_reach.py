"""A manager's reach (tracker/reach.py): an admin's lists and counts cover every
community, a liaison's their own, and a member's or a liaison's of no community none;
both ways into a statement (ids written in, or the parameter of a statement built once
per kind) pick the same rows."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories as f
from tracker.extensions import db
from tracker.models import Role, Task
from tracker.reach import ALL, NONE, SOME, Reach, in_reach, reach_of


def _titles(conditions, params=None) -> set[str]:
    statement = select(Task.title).where(*conditions)
    return set(db.session.scalars(statement, params or {}))


@pytest.fixture
def lonely_liaison(world):
    member = f.member(world.unit, Role.liaison, "联络员丙")
    db.session.commit()
    return member


def test_an_admin_reaches_every_community(world):
    assert reach_of(world.admin) == Reach(ALL)
    assert reach_of(world.admin).ids is None


def test_a_liaison_reaches_their_own_communities(world):
    world.liaison.communities.append(world.other_community)
    db.session.commit()
    reach = reach_of(world.liaison)
    assert reach.kind == SOME and reach.staff
    assert reach.community_ids == tuple(sorted([world.community.id, world.other_community.id]))


def test_a_member_and_a_liaison_of_no_community_reach_none(world, lonely_liaison):
    for person in (world.member, lonely_liaison):
        reach = reach_of(person)
        assert reach.kind == NONE and not reach.staff
        assert reach.ids == () and reach.params == {}


@pytest.mark.parametrize("literal", [False, True])
def test_both_ways_into_a_statement_pick_the_tasks_of_the_reach(world, lonely_liaison, literal):
    ours = {world.task.title, world.past_task.title}  # the liaison's community
    everyone = ours | {world.other_task.title}
    expected = {world.admin: everyone, world.liaison: ours, world.other_liaison: {world.other_task.title},
                world.member: set(), lonely_liaison: set()}
    for person, titles in expected.items():
        reach = reach_of(person)
        assert _titles(reach.conditions(Task.community_id)) == titles, person.name
        built_once = in_reach(reach.kind, Task.community_id, literal_execute=literal)
        assert _titles(built_once, reach.params) == titles, person.name


def test_params_are_a_new_dict_each_time(world):
    reach = reach_of(world.liaison)
    reach.params["now"] = 1
    assert reach.params == {"community_ids": [world.community.id]}


# ---------------------------------------------------------------- the one list and the one unit rule

def test_the_forms_offer_the_communities_in_reach_that_are_in_use(world):
    """``reach.managed_communities``: what a manager's forms (服务对象, 需求, a task)
    offer — every community in use for an admin, a liaison's own, a member none; a
    community switched off is offered to nobody; in natural order."""
    from tracker.reach import managed_communities

    closed = f.community("已撤并社区")
    closed.active = False
    world.liaison.communities.append(closed)
    db.session.commit()
    everyone = managed_communities(world.admin)
    assert {c.name for c in everyone} == {world.community.name, world.other_community.name}
    assert [c.sort_key for c in everyone] == sorted(c.sort_key for c in everyone)
    assert managed_communities(world.liaison) == [world.community]
    assert managed_communities(world.member) == []


@pytest.mark.parametrize("path", ["/residents/new", "/needs/new"])
def test_the_new_resident_and_new_need_pages_offer_the_same_communities(
        client, login, world, path):
    """Both ask a liaison of two communities which one first, and name just those two."""
    world.liaison.communities.append(world.other_community)
    stranger = f.community("别的社区")
    db.session.commit()
    login(world.liaison)
    page = client.get(path).get_data(as_text=True)
    assert world.community.name in page and world.other_community.name in page
    assert stranger.name not in page


def test_a_unit_is_seen_by_an_admin_and_by_its_own_liaisons_only(world):
    from tracker.permissions import may_see_unit, seen_unit_ids

    other = f.unit("另一单位")
    db.session.commit()
    assert seen_unit_ids(world.admin) is None
    assert may_see_unit(world.admin, world.unit.id) and may_see_unit(world.admin, other.id)
    assert may_see_unit(world.liaison, world.unit.id)
    assert not may_see_unit(world.liaison, other.id)
    assert not may_see_unit(world.member, world.unit.id)  # a member sees their own status only


def test_every_page_of_a_units_figures_follows_the_one_rule(client, login, world):
    """参与情况 (/progress/coverage), the 月报 (/reports/) and the 月报's words
    (summary_notes.may_write) show a unit to exactly whom ``may_see_unit`` allows."""
    from tracker.models import SummaryScope
    from tracker.permissions import may_see_unit
    from tracker.services.summary_notes import may_write

    other = f.unit("另一单位")
    db.session.commit()
    for actor in (world.admin, world.liaison):
        login(actor)
        for unit in (world.unit, other):
            seen = may_see_unit(actor, unit.id)
            assert seen == (client.get(f"/progress/coverage?unit={unit.id}").status_code == 200)
            assert seen == (client.get(f"/reports/?unit={unit.id}").status_code == 200)
            assert seen == may_write(actor, SummaryScope(unit.id))
