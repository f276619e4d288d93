"""The tally of active findings per community and status that the database keeps
(``tracker/models/tallies.py``): after every kind of change — through the services,
straight to the table, on another connection — it holds, for each community and
status, how many active findings there are. (The 工作台's "open 摸排问题" no longer
reads it: they are those of approved surveys, tests/web/test_activities_and_open_findings.py.)"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from tests import factories as f
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import FindingKind, FindingStatus, FindingTally, SURVEY_CODE
from tracker.services import unit_of_work
from tracker.services.findings import (
    FindingData,
    deactivate,
    hand_over,
    mark_fixed,
    record_finding,
)
from tracker.timeutil import local_today

FOUND, HANDED, FIXED = "found", "handed_over", "fixed"


def tally() -> dict:
    """{(community id, status): active findings}, rows of 0 left out, as the database
    holds it now: read in a new transaction, which sees every commit before it."""
    db.session.commit()
    rows = db.session.execute(select(FindingTally.community_id, FindingTally.status,
                                     FindingTally.findings)).all()
    db.session.commit()  # no transaction left open for another connection to wait on
    return {(community, status.value): n for community, status, n in rows if n}


@pytest.fixture
def surveys(world):
    """A survey (摸排) in each of the two communities, held yesterday."""
    day = local_today() - timedelta(days=1)
    tasks = []
    for community in (world.community, world.other_community):
        item = f.item(world.unit, community, SURVEY_CODE)
        tasks.append(b.task_on(item, world.liaison, day, leader=world.leader))
    db.session.commit()
    return tasks


def test_the_tally_follows_a_finding_through_its_life(world, surveys):
    here, there = world.community.id, world.other_community.id
    survey, other_survey = surveys
    assert tally() == {}
    with unit_of_work():
        found = [record_finding(survey, world.leader, FindingData(kind=kind, place="3号楼"))
                 for kind in (FindingKind.road, FindingKind.sewer, FindingKind.sidewalk)]
        b.finding(other_survey, world.leader)
        b.finding(other_survey, world.leader, status=FindingStatus.handed_over)
    assert tally() == {(here, FOUND): 3, (there, FOUND): 1, (there, HANDED): 1}

    day = local_today() - timedelta(days=1)
    with unit_of_work():
        hand_over(found[0], world.liaison, "县住建局", day)
    assert tally() == {(here, FOUND): 2, (here, HANDED): 1, (there, FOUND): 1, (there, HANDED): 1}
    with unit_of_work():
        mark_fixed(found[0], world.liaison, day)
        deactivate(found[1], world.liaison, "重复登记")
    assert tally() == {(here, FOUND): 1, (here, FIXED): 1, (there, FOUND): 1, (there, HANDED): 1}

    # an edit that moves nothing the tally counts by leaves it as it was
    with unit_of_work():
        found[2].place = "4号楼"
        found[2].kind = FindingKind.other
    assert tally() == {(here, FOUND): 1, (here, FIXED): 1, (there, FOUND): 1, (there, HANDED): 1}

    # put back on the register, moved to the other community, deleted: straight SQL
    with unit_of_work():
        found[1].active = True
        found[2].community_id = there
    assert tally() == {(here, FOUND): 1, (here, FIXED): 1, (there, FOUND): 2, (there, HANDED): 1}
    with unit_of_work():
        db.session.delete(found[0])
    assert tally() == {(here, FOUND): 1, (there, FOUND): 2, (there, HANDED): 1}


def test_sql_from_another_connection_moves_it_too(world, surveys):
    """An operator's SQL, a bulk load: the database keeps the tally, not the app."""
    here = world.community.id
    values = {"task": surveys[0].id, "unit": world.unit.id, "community": here,
              "day": surveys[0].service_date, "who": world.leader.id,
              "now": surveys[0].starts_at}
    db.session.commit()  # the test's own transaction would hold SQLite's write lock
    with db.engine.begin() as conn:
        for place in ("1号楼", "2号楼", "3号楼"):
            conn.execute(text(
                "INSERT INTO finding (task_id, unit_id, community_id, found_on, kind, place, "
                "status, created_by_id, created_at, active) VALUES (:task, :unit, :community, "
                ":day, 'road', :place, 'found', :who, :now, TRUE)"), {**values, "place": place})
    assert tally() == {(here, FOUND): 3}
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE finding SET status = 'handed_over', handed_to = '县城管局', "
                          "handed_over_on = found_on WHERE place = '1号楼'"))
        conn.execute(text("UPDATE finding SET active = FALSE WHERE place = '2号楼'"))
    assert tally() == {(here, FOUND): 1, (here, HANDED): 1}
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM finding"))
    assert tally() == {}


def test_a_truncate_empties_it(world, surveys):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE: PostgreSQL's (SQLite has none)")
    with unit_of_work():
        b.finding(surveys[0], world.leader)
    assert tally() == {(world.community.id, FOUND): 1}
    db.session.commit()
    with db.engine.begin() as conn:
        conn.execute(text("TRUNCATE finding CASCADE"))
    assert tally() == {}
