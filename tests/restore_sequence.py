"""Successive tests, run in this order in one process of their own by
tests/test_restore_isolation.py (the suite does not collect this module: no ``test_``
prefix). Each test starts by reading the whole database — every table's rows and the
sequences' positions — and checks it is exactly the state its fixtures promise (``base``,
the small world, or a matrix row's setup on the world), whatever the test before it wrote, through the app or from another
process; then it writes something of its own for the next test to not see.

The ``app`` fixture only marks ``base`` due (tests/dbstate.py, session 35): these are the
ways a test could otherwise see its predecessor's rows — a fixture reading or writing
before any restore, a process started by a fixture or by the body, a build's snapshot put
back over a database the last test wrote — and what each test pays (one restore, not two,
for a world test). Since session 36 a build's snapshot is due in its turn, and a build on
top of it (a row's setup on the world, ``route_world``) takes its place: one restore for
that test too, and the same ways to see the wrong rows, between the two builds."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import inspect

from tests import dbstate
from tests import factories as f
from tests.web.matrix import Route
from tracker.extensions import db
from tracker.models import Member, Unit

# What each state held when this process first saw it: the first `base` is the one just
# built from the schema and the categories, the first world the one just built.
SEEN: dict[str, dict] = {}
# The worker's restore counts at the end of the last test's body (see `restored_since`).
LAST: dict[str, int] = {}


def _content() -> dict:
    """Every table's rows, sorted, and (PostgreSQL) each sequence's position; SQLite keeps
    its AUTOINCREMENT positions in the table sqlite_sequence, read as a table."""
    connection = db.session.connection()
    names = sorted(inspect(connection).get_table_names())
    if connection.dialect.name == "sqlite":
        names += ["sqlite_sequence"] if connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").first() else []
    content = {name: sorted(repr(tuple(row)) for row in connection.exec_driver_sql(
        f'SELECT * FROM "{name}"')) for name in names}
    if connection.dialect.name == "postgresql":
        content["(sequences)"] = sorted(repr(tuple(row)) for row in connection.exec_driver_sql(
            "SELECT sequencename, last_value FROM pg_sequences "
            "WHERE schemaname = current_schema()"))
    db.session.rollback()
    return content


def _same_as_first(state: str) -> None:
    content = _content()
    first = SEEN.setdefault(state, content)
    differing = sorted(name for name in first.keys() | content.keys()
                       if first.get(name) != content.get(name))
    assert not differing, f"not the {state} this process first saw: {differing}"


def _count_elsewhere(table: str) -> int:
    """The rows of `table` as another process reads them (its own connection)."""
    return int(_in_another_process(f'SELECT count(*) FROM "{table}"'))


def _in_another_process(statement: str) -> str:
    """Run `statement` on the test database from a new Python process (its own
    connection, as a ``flask`` command or gunicorn has), commit, print the first value."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        script = ("import sqlite3, sys\n"
                  "conn = sqlite3.connect(sys.argv[1], timeout=60)\n"
                  "row = conn.execute(sys.argv[2]).fetchone()\n"
                  "conn.commit()\n"
                  "print(row[0] if row else '')\n")
        target = url.database
    else:
        script = ("import psycopg, sys\n"
                  "with psycopg.connect(sys.argv[1]) as conn:\n"
                  "    cursor = conn.execute(sys.argv[2])\n"
                  "    row = cursor.fetchone() if cursor.description else None\n"
                  "print(row[0] if row else '')\n")
        target = (f"host={url.host} port={url.port} user={url.username} "
                  f"dbname={url.database}")
    done = subprocess.run([sys.executable, "-c", script, target, statement], check=True,
                          capture_output=True, text=True, timeout=300)
    return done.stdout.strip()


def _write_through_the_app() -> None:
    unit = f.unit("上一个测试的单位")
    f.member(unit, name="上一个测试的人")
    db.session.commit()


@pytest.fixture(autouse=True)
def _snapshots_kept(monkeypatch):
    # the world built by the first world test is put back to every later one, however
    # long a busy machine takes over this module (a world built again would be a new
    # one, with times of its own)
    monkeypatch.setattr(dbstate, "SNAPSHOT_MAX_AGE", 3600.0)


@pytest.fixture(autouse=True)
def restored_since(_databases):
    """restored_since() → how many restores, and switches between two snapshots, the
    database got since the end of the last test's body (its set-up, here)."""
    counts = _databases.counts

    def _since() -> tuple[int, int]:
        return (counts["restores"] - LAST.get("restores", 0),
                counts["switches"] - LAST.get("switches", 0))

    yield _since
    LAST.update(counts)


# ---------------------------------------------------------------- base after base

def test_base_first(app, restored_since):
    _same_as_first("base")
    content = SEEN["base"]
    assert content["category"], "the reference categories"
    assert not content["unit"] and not content["member"]
    _write_through_the_app()


def test_base_after_a_test_that_wrote_through_the_app(app, restored_since):
    _same_as_first("base")
    assert restored_since() == (1, 0)  # base put back over base: no switch
    _in_another_process("INSERT INTO unit (name, sort_key, active) "
                        "VALUES ('另一个进程的单位', 'x', true)")


def test_base_after_another_process_wrote(app, restored_since):
    _same_as_first("base")


def test_base_after_a_test_that_wrote_nothing(app, restored_since):
    _same_as_first("base")


# ---------------------------------------------------------------- the world

def test_world_first(world, restored_since):
    _same_as_first("world")
    world.member.name = "改过名的组员"
    _write_through_the_app()


def test_world_after_a_world_test_wrote(world, restored_since):
    _same_as_first("world")
    # the world's snapshot straight over the last world test's database: one restore,
    # and not a switch (the same snapshot; only what that test wrote is rewritten)
    assert restored_since() == (1, 0)
    _in_another_process("UPDATE member SET name = '另一个进程改的名'")


def test_world_after_another_process_wrote(world, restored_since):
    _same_as_first("world")
    assert restored_since() == (1, 0)


def test_base_after_a_world_test(app, restored_since):
    _same_as_first("base")
    assert restored_since() == (1, 1)
    _write_through_the_app()


def test_world_after_a_base_test(world, restored_since):
    _same_as_first("world")
    assert restored_since() == (1, 1)  # one switch, not base first and then the world
    _write_through_the_app()


# ---------------------------------------------------------------- a build on a build

def _a_unit_of_the_row(world) -> None:
    """A permission-matrix row's setup: data of its own on top of the world."""
    unit = f.unit("这一行的单位")
    f.member(unit, name="这一行的人")
    world.row_unit = unit


@pytest.fixture
def route():
    """The matrix row the ``route_world`` fixture (conftest.py) sets the world up for,
    as a matrix module's parameter gives it."""
    return Route("main.index", "GET", lambda w: "/", {}, setup=_a_unit_of_the_row)


def _same_as_the_first_row(world) -> None:
    assert world.row_unit.name == "这一行的单位"  # the setup's objects, re-made
    _same_as_first("row")  # (and the read transaction ended: the app's take the write lock)
    assert len(SEEN["row"]["unit"]) == len(SEEN["world"]["unit"]) + 1  # the world's, the row's


def test_a_row_on_the_world_first(route_world, restored_since):
    _same_as_the_first_row(route_world)
    assert restored_since() == (1, 0)  # the world (over the last world test's), then built
    _write_through_the_app()


def test_a_row_after_a_row_test_wrote(route_world, restored_since):
    _same_as_the_first_row(route_world)
    # the row's snapshot straight over the last row test's database: one restore and no
    # switch — not the world first (a switch) and then the row over it (another)
    assert restored_since() == (1, 0)
    _in_another_process("UPDATE unit SET name = name || '（另一个进程改的）'")


def test_a_row_after_another_process_wrote(route_world, restored_since):
    _same_as_the_first_row(route_world)
    assert restored_since() == (1, 0)
    _write_through_the_app()


def test_the_world_after_a_row_test(world, restored_since):
    _same_as_first("world")
    assert restored_since() == (1, 1)
    _write_through_the_app()


def test_a_row_after_a_world_test(route_world, restored_since):
    _same_as_the_first_row(route_world)
    assert restored_since() == (1, 1)  # from the world straight to the row
    _in_another_process("INSERT INTO unit (name, sort_key, active) "
                        "VALUES ('另一个进程的单位', 'x', true)")


def test_base_after_a_row_test(app, restored_since):
    _same_as_first("base")
    assert restored_since() == (1, 1)
    _write_through_the_app()


def test_a_row_after_a_base_test(route_world, restored_since):
    _same_as_the_first_row(route_world)
    assert restored_since() == (1, 1)  # from the base straight to the row
    _write_through_the_app()


@pytest.fixture
def read_before_the_row(world):
    """What a fixture that reads through the app between the world and the row's setup
    sees."""
    return _content()


def test_a_fixture_reading_between_the_world_and_the_row_sees_the_world(
        read_before_the_row, route_world, restored_since):
    assert read_before_the_row == SEEN["world"]
    _same_as_the_first_row(route_world)
    assert restored_since() == (2, 2)  # the world for that fixture, then the row's
    _in_another_process("INSERT INTO unit (name, sort_key, active) "
                        "VALUES ('另一个进程的单位', 'x', true)")


@pytest.fixture
def counted_before_the_row(world, _databases):
    """A process a fixture starts between the world and the row's setup."""
    _databases.ensure_restored()
    return _count_elsewhere("unit")


def test_a_process_a_fixture_starts_between_the_world_and_the_row_sees_the_world(
        counted_before_the_row, route_world):
    assert counted_before_the_row == len(SEEN["world"]["unit"])
    _same_as_the_first_row(route_world)
    _in_another_process("INSERT INTO unit (name, sort_key, active) "
                        "VALUES ('另一个进程的单位', 'x', true)")


def test_a_process_the_body_starts_sees_the_row(route_world):
    # nothing touched the database before the body: the body's start put the row back
    assert _count_elsewhere("unit") == len(SEEN["row"]["unit"])
    assert _count_elsewhere("member") == len(SEEN["row"]["member"])
    _same_as_the_first_row(route_world)


# ---------------------------------------------------------------- before the body

@pytest.fixture
def read_by_a_fixture(app):
    """What a fixture that reads through the app, before the world is built, sees."""
    return _content()


def test_a_fixture_reading_before_the_world_sees_base(read_by_a_fixture, world,
                                                      restored_since):
    assert read_by_a_fixture == SEEN["base"]
    _same_as_first("world")  # then the world over the base that fixture saw
    _write_through_the_app()


@pytest.fixture
def written_by_a_fixture(app):
    """A fixture that adds a row before the world: on the base, not on what is left."""
    before = _content()
    f.unit("夹具加的单位")
    db.session.commit()
    return before


def test_a_fixture_writing_before_the_world_writes_on_base(written_by_a_fixture, world):
    assert written_by_a_fixture == SEEN["base"]
    names = set(db.session.scalars(db.select(Unit.name)))
    assert names == {"夹具加的单位", world.unit.name}  # the world built on top of it
    assert db.session.scalar(db.select(db.func.count(Member.id))) == \
        len(SEEN["world"]["member"])
    _write_through_the_app()


@pytest.fixture
def counted_by_a_process(app, _databases):
    """A fixture that starts a process reaching the database itself (a server, a
    ``flask`` command) asks for the due restore first."""
    _databases.ensure_restored()
    return _count_elsewhere("member")


def test_a_process_a_fixture_starts_sees_base(counted_by_a_process):
    assert counted_by_a_process == 0
    _same_as_first("base")
    _write_through_the_app()


def test_a_process_the_body_starts_sees_base(app):
    # nothing touched the database before the body: the body's start put base back
    assert _count_elsewhere("member") == 0
    assert _count_elsewhere("unit") == 0
    _same_as_first("base")


def test_last_the_world_again(world, restored_since):
    _same_as_first("world")
    assert restored_since() == (1, 1)
    assert os.environ.get("PYTEST_XDIST_WORKER") == "sequence"
