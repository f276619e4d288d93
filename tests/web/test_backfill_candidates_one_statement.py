"""Whom the 补录 form offers (``manage.queries.backfill_candidates``), read in one
statement since pagesb51 (it was two: the members ticked, then the first of the others —
two reads of the one rule, ``backfill.recordable``): the list is as it was. Those ticked
whom the rule admits on some day come first, by name; then the first of the others the
rule admits on the activity's day (and the search, when one is typed), by name — the
members on the roll before the accounts off it, an admin's, a liaison's (walk55) —, each
ticked one listed once; and a list cut short says how many it shows. One ticked whom
the rule never admits (a unit working in none of the liaison's communities) is not
listed, nor is another such member found by a search."""
from __future__ import annotations

from sqlalchemy import select

from tests import factories as f
from tracker.extensions import db
from tracker.manage.queries import backfill_candidates
from tracker.models import Member
from tracker.timeutil import local_today


def test_the_ticked_first_then_the_first_others_by_name_in_one_statement(
        world, count_queries):
    elsewhere = f.unit("别处单位")
    db.session.commit()
    outsider = f.member(elsewhere, name="甲外人")
    others = [f.member(world.unit, name=f"乙{i}") for i in range(5)]
    db.session.commit()
    ticked = [others[4], others[3]]  # the last two by name: listed before the rest
    day = local_today()
    listed = db.session.scalars(
        select(Member.id).where(Member.unit_id == world.unit.id, Member.active)
        .order_by(Member.on_roll.desc(), Member.name_key, Member.id)).all()
    rest = [i for i in listed if i not in {m.id for m in ticked}]
    picked = [m.id for m in (*ticked, outsider)]
    world.liaison.communities  # loaded before (the session's member, as a request has it)
    with count_queries() as q:
        offered = backfill_candidates(world.liaison, None, picked, limit=3, day=day)
    assert len(q.statements) == 1
    assert [m.id for m in offered.members] == sorted(
        [m.id for m in ticked], key=listed.index) + rest[:3]
    assert offered.cut == 3 and outsider not in offered.members
    assert all(offered.units[m.id].id == world.unit.id for m in offered.members)
    # a search: the ticked still first, then what it finds with none ticked, less her
    alone = backfill_candidates(world.liaison, "乙", [], day=day).members
    found = backfill_candidates(world.liaison, "乙", [ticked[0].id, outsider.id], day=day)
    assert {m.id for m in others} <= {m.id for m in alone}
    assert [m.id for m in found.members] == [ticked[0].id] + [
        m.id for m in alone if m.id != ticked[0].id] and found.cut is None
    assert [m.id for m in backfill_candidates(world.liaison, "甲外", [], day=day).members] == []
