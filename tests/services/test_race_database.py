"""A race test's database (tests/races.py, ``race_database``): a real database of the
test's own that already holds the schema and the reference categories, copied from
this process's template — ``race_world`` builds no table and asks after none — and
what one test commits there is in no other test's database, nor in the next one (on
PostgreSQL the same database, put back into the template's state)."""
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


def _everything(url: str) -> dict:
    """Every table's rows, in the order the database returns them unasked (PostgreSQL:
    its heap's), and on PostgreSQL every sequence's last value (None before its first)."""
    from sqlalchemy import text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            held = {table: conn.execute(text(f'SELECT * FROM "{table}"')).all()
                    for table in sorted(inspect(conn).get_table_names())}
            if conn.dialect.name == "postgresql":
                held["(sequences)"] = conn.execute(text(
                    "SELECT sequencename, last_value FROM pg_sequences"
                    " WHERE schemaname = 'public' ORDER BY sequencename")).all()
    finally:
        engine.dispose()
    return held


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_next_race_test_starts_from_the_template_whatever_the_last_one_wrote(
        backend, tmp_path):
    """PostgreSQL hands a finished test's database to the next one (no CREATE and DROP
    DATABASE each time): the next test sees exactly a fresh copy of the template — the
    categories in the template's order, no row of the last test, every sequence where
    the template left it — and its first rows get the ids the last test's first got."""
    from tests.races import _templates
    from tests.scratch_db import _copy_of
    from tracker.extensions import db
    from tracker.models import Unit

    with race_database(backend, tmp_path, "racereused") as first:
        with race_world(first) as (app, unit, _item, _liaison):
            first_unit_id = unit.id
            for number in range(3):
                db.session.add(Unit(name=f"多余单位{number}"))
            db.session.commit()
        assert _everything(first)["unit"], "the first test wrote nothing to be emptied"
    with race_database(backend, tmp_path, "racereused") as second:
        if backend == "postgresql":
            assert second == first  # the same database, kept and put back
        held = _everything(second)
        with race_world(second) as (_app, unit, _item, _liaison):
            second_unit_id = unit.id
    with _copy_of(backend, _templates._template(backend), tmp_path, "racefresh") as fresh:
        template = _everything(fresh)

    assert held == template
    assert second_unit_id == first_unit_id
