"""The 月报 page's unit and community pickers: the active ones, in natural order, each
list one row of the page's combined statement however long it is (tracker/sql_json.py)."""
from __future__ import annotations

from tests import factories as f
from tracker.extensions import db
from tracker.reach import ALL, NO_REACH, SOME, Reach
from tracker.reports.queries import active_units_plan, communities_plan
from tracker.rollups.batch import fetch, forget_built, run


def _names(choices) -> list[str]:
    return [c.name for c in choices]


def test_the_pickers_list_the_active_places_in_natural_order(app, world):
    forget_built()
    for name in ("十区社区", "二区社区", "一区社区"):
        f.community(name)
    closed = f.community("已撤销社区")
    closed.active = False
    for name in ("第十工作组", "第二工作组"):
        f.unit(name)
    db.session.commit()
    communities = _names(run(communities_plan(Reach(ALL))))
    # natural order: 一 < 二 < 十, whatever order they were added in; closed ones out
    assert communities.index("一区社区") < communities.index("二区社区") < communities.index("十区社区")
    assert "已撤销社区" not in communities
    assert set(communities) >= {world.community.name, world.other_community.name}
    units = _names(run(active_units_plan()))
    assert units.index("第二工作组") < units.index("第十工作组") and world.unit.name in units


def test_a_liaisons_picker_holds_only_the_communities_given(app, world):
    forget_built()
    assert _names(run(communities_plan(Reach(SOME, (world.community.id,))))) == [world.community.name]
    assert run(communities_plan(NO_REACH)) == []


def test_each_picker_is_one_row_however_many_places(app, world):
    forget_built()
    for n in range(30):
        f.community(f"{n}号社区")
    db.session.commit()
    plan = communities_plan(Reach(ALL))
    [rows] = fetch(plan.parts)
    assert len(rows) == 1
    assert len(run(plan)) == 32  # the world's two and these thirty
