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
