"""The 补录 form's labels of the members it offers (participants and 组长) are read with
the list offering them (form52): each member's namesakes in the unit she is listed with
come with her row (``names.namesakes_of``, a column of ``manage.queries
.backfill_candidates``), and the labels ask no statement of their own. The names are the
house's rule's (``names.choice_names``: each told apart among the members listed with her
unit and that unit's active members), the same as when they were asked in a statement of
their own — a namesake the list does not show (a search found the other) still tells
her apart, a switched-off one does not, and a name nobody shares stays bare."""
from __future__ import annotations

import pytest

from tests import factories as f
from tracker.extensions import db
from tracker.manage.queries import backfill_candidates
from tracker.names import choices_with_unit
from tracker.timeutil import local_today

FIRST, SECOND = "陈艳（机关第一党支部）", "陈艳（机关第二党支部）"


@pytest.fixture
def namesakes(world):
    first = f.member(world.unit, name="陈艳", phone="13800000061")
    second = f.member(world.unit, name="陈艳", phone="13800000062")
    first.branch, second.branch = "机关第一党支部", "机关第二党支部"
    # two 王芳 of one 党支部: told apart by their phones' last four digits
    wangs = [f.member(world.unit, name="王芳", phone=f"1390000{n}") for n in ("1234", "5678")]
    for wang in wangs:
        wang.branch = "机关第一党支部"
    f.member(world.unit, name="李娜", phone="13800000063", active=False)  # switched off
    lina = f.member(world.unit, name="李娜", phone="13800000064")
    db.session.commit()
    return first, second, wangs, lina


@pytest.mark.parametrize("ticked", [True, False])
@pytest.mark.parametrize("day", [None, "today"])
@pytest.mark.parametrize("search", [None, "陈艳", "13800000062", "王芳", "李娜"])
def test_the_labels_read_with_the_list_are_the_rules(world, namesakes, count_queries,
                                                     search, day, ticked):
    day = local_today() if day else None
    first, second, wangs, lina = namesakes
    offered = backfill_candidates(world.liaison, search, [first.id] if ticked else [],
                                  day=day)
    with count_queries() as q:
        read = dict(choices_with_unit(offered.members, offered.units, offered.namesakes))
    assert q.statements == []  # read with the list: no statement of their own
    unit = world.unit.name
    expected = {first.id: f"{FIRST}（{unit}）", second.id: f"{SECOND}（{unit}）",
                wangs[0].id: f"王芳（尾号1234）（{unit}）", wangs[1].id: f"王芳（尾号5678）（{unit}）",
                lina.id: f"李娜（{unit}）"}
    assert {m_id: label for m_id, label in read.items() if m_id in expected} == {
        m.id: expected[m.id] for m in offered.members if m.id in expected}
    assert (first.id in read) == (ticked or search in (None, "陈艳"))
    if search == "13800000062" and not ticked:  # she alone is listed, and told apart
        assert read == {second.id: f"{SECOND}（{unit}）"}
    # the same names as asked in a statement of their own
    assert read == dict(choices_with_unit(offered.members, offered.units))
