"""A race test's database (tests/races.py, ``race_database``): a real database of the
test's own that already holds the schema and the reference categories, copied from
this process's template — ``race_world`` builds no table and asks after none — and
what one test commits there is in no other test's database, nor in the next copy."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, event, func, inspect, select

from tests.races import race_database, race_world
from tests.scratch_db import BACKENDS


def _tables_and_categories(url: str) -> tuple[set[str], set[str]]:
    from tracker.models import Category

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            codes = set(conn.scalars(select(Category.code)))
    finally:
        engine.dispose()
    return tables, codes


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_race_database_starts_with_the_schema_and_the_categories(backend, tmp_path):
    from tracker.extensions import db
    from tracker.reference import CATEGORIES

    with race_database(backend, tmp_path, "racebase") as url:
        tables, codes = _tables_and_categories(url)

    assert tables == set(db.metadata.tables)
    assert codes == {category[0] for category in CATEGORIES}


@pytest.mark.parametrize("backend", BACKENDS)
def test_race_world_builds_no_table(backend, tmp_path):
    from sqlalchemy.engine import Engine

    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    # listening from after the copy: the template is built (once) before it
    with race_database(backend, tmp_path, "racenoddl") as url:
        event.listen(Engine, "before_cursor_execute", seen)
        try:
            with race_world(url):
                pass
        finally:
            event.remove(Engine, "before_cursor_execute", seen)

    assert statements, "race_world ran no statement at all: the listener saw nothing"
    # neither a table created nor the question create_all asks of each table first
    schema_work = [s for s in statements if s.lstrip().upper().startswith("CREATE")
                   or "pg_class" in s or "table_info" in s.lower()]
    assert schema_work == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_what_a_race_test_commits_stays_in_its_own_database(backend, tmp_path):
    from tracker.extensions import db
    from tracker.models import Unit

    with race_database(backend, tmp_path, "raceone") as first:
        with race_world(first) as (app, _unit, _item, _liaison):
            db.session.commit()
        with race_database(backend, tmp_path, "racetwo") as second:
            assert second != first
            engine = create_engine(second)
            try:
                with engine.connect() as conn:
                    units_in_second = conn.scalar(select(func.count()).select_from(Unit))
            finally:
                engine.dispose()
        with app.app_context():
            units_in_first = db.session.scalar(select(func.count()).select_from(Unit))
            db.session.remove()
            db.engine.dispose()

    assert units_in_first == 1
    assert units_in_second == 0
