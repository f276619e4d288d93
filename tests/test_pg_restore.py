"""The PostgreSQL restore between tests (tests/dbstate.py) rewrites only the tables that
were written since the database was last put back, as noted by triggers in the database
itself. These tests hold it to what every test relies on: whatever wrote — the app, or
another process such as a ``flask`` command, gunicorn or a racing connection — the next
test starts on the snapshot, sequences included; and a table nobody wrote is left as it
is (that is the saving: the old restore rewrote every table before every test)."""
from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL
from tracker.extensions import db

pytestmark = pytest.mark.skipif(
    not PG_URL, reason="PostgreSQL's restore; SQLite's writes the whole file back")


def _in_another_process(*statements: str, commit: bool = True) -> None:
    """Run `statements` on this worker's database from a new Python process of its own
    (its own connection, as a ``flask`` subprocess has), then commit or roll back."""
    url = make_url(PG_URL)
    conninfo = (f"host={url.host} port={url.port} user={url.username} "
                f"dbname={url.database}")
    end = "conn.commit()" if commit else "conn.rollback()"
    script = ("import sys, psycopg\n"
              "conn = psycopg.connect(sys.argv[1])\n"
              "for statement in sys.argv[2:]:\n"
              "    conn.execute(statement)\n"
              f"{end}\n"
              "conn.close()\n")
    subprocess.run([sys.executable, "-c", script, conninfo, *statements], check=True,
                   timeout=120)


def _rows(table: str) -> list[tuple]:
    """Each row of `table` with its xmin (the transaction that wrote that row version:
    a row deleted and inserted again has another)."""
    result = db.session.execute(text(f'SELECT xmin::text, * FROM "{table}" ORDER BY 2'))
    rows = [tuple(row) for row in result]
    db.session.rollback()
    return rows


def _put_back(databases, cached) -> None:
    """What the next test's ``app`` fixture does first."""
    db.session.remove()
    databases.restore(cached, "base")


def test_a_table_another_process_wrote_is_put_back_and_an_unwritten_one_is_left(
        app, _databases, _cached_app):
    categories = _rows("category")
    lists_version = _rows("lists_version")
    assert categories and lists_version  # the reference data of every test's database

    _in_another_process("INSERT INTO unit (name, sort_key, active) VALUES ('外来单位', 'x', true)",
                        "UPDATE unit SET name = '外来单位二'")
    _put_back(_databases, _cached_app)

    assert _rows("unit") == []
    # no process wrote these two since the last restore: the very same row versions
    assert _rows("category") == categories
    assert _rows("lists_version") == lists_version


def test_a_renamed_category_comes_back_with_the_lists_version_its_trigger_changed(
        app, _databases, _cached_app):
    categories = _rows("category")
    lists_version = _rows("lists_version")
    first = categories[0][1]

    # the lists' version moves by its own trigger (tracker/models/lists.py): a table
    # written by a trigger, not by the statement itself, must be noted too
    _in_another_process(f"UPDATE category SET name = '改名' WHERE id = {first}")
    _put_back(_databases, _cached_app)

    assert [row[1:] for row in _rows("category")] == [row[1:] for row in categories]
    assert [row[1:] for row in _rows("lists_version")] == [row[1:] for row in lists_version]


def test_a_truncated_table_comes_back(app, _databases, _cached_app):
    names = [row[1:] for row in _rows("category")]

    _in_another_process("TRUNCATE category CASCADE")
    _put_back(_databases, _cached_app)

    assert [row[1:] for row in _rows("category")] == names


def test_a_sequence_moved_by_a_rolled_back_insert_starts_again(app, _databases, _cached_app):
    # a rolled-back transaction leaves no row and no note, but its nextval stays taken
    _in_another_process("INSERT INTO unit (name, sort_key, active) VALUES ('回滚', 'x', true)",
                        commit=False)
    _put_back(_databases, _cached_app)

    # the base holds no unit: the first one a test adds is unit 1, as on a new database
    assert db.session.scalar(text(
        "INSERT INTO unit (name, sort_key, active) VALUES ('第一', 'x', true) RETURNING id")) == 1
    db.session.rollback()


def test_a_restore_that_fails_half_way_leaves_the_next_one_complete(
        app, _databases, _cached_app):
    import psycopg

    _in_another_process("INSERT INTO unit (name, sort_key, active) VALUES ('外来单位', 'x', true)")
    keeper = _cached_app.keeper
    url = make_url(PG_URL)
    db.session.remove()
    with psycopg.connect(host=url.host, port=url.port, user=url.username,
                         dbname=url.database) as holder:
        # the restore cannot take `unit` while another transaction holds it
        holder.execute("LOCK TABLE unit IN ACCESS EXCLUSIVE MODE")
        keeper.execute("SET lock_timeout = '50ms'")
        keeper.commit()
        try:
            with pytest.raises(psycopg.errors.LockNotAvailable):
                _databases.restore(_cached_app, "base")
        finally:
            keeper.execute("RESET lock_timeout")
            keeper.commit()
        holder.rollback()

    _put_back(_databases, _cached_app)
    assert _rows("unit") == []


def test_a_switch_to_the_world_and_back_leaves_the_tables_both_snapshots_hold_alike(
        world, _databases, _cached_app):
    # The categories are the reference data of `base`, and the world's build adds none:
    # both snapshots hold the very same categories, so no switch between them needs to
    # touch the table. The members differ (the base has none), so those are rewritten.
    world_state = _databases.state
    categories = _rows("category")
    members = _rows("member")
    assert categories and members

    _put_back(_databases, _cached_app)  # the next test, without `world`
    assert _rows("category") == categories  # the very same row versions
    assert _rows("member") == []

    db.session.remove()
    _databases.restore(_cached_app, world_state)  # the next test, with `world` again
    assert _rows("category") == categories
    again = _rows("member")
    assert [row[1:] for row in again] == [row[1:] for row in members]
    assert [row[0] for row in again] != [row[0] for row in members]  # written back


def test_a_category_an_admin_renamed_comes_back_in_either_snapshot(
        client, login, world, _databases, _cached_app):
    from tracker.models import Category

    world_state = _databases.state
    names = [row[1:] for row in _rows("category")]
    category = db.session.scalar(text("SELECT id FROM category WHERE code = 'ad_removal'"))
    login(world.admin)

    response = client.post(f"/admin/categories/{category}/edit",
                           data={"name": "改过的名字", "activity_unit": "场",
                                 "quantity_unit": "个"})
    assert response.status_code == 302
    assert db.session.get(Category, category).name == "改过的名字"
    db.session.rollback()

    # the table both snapshots hold alike was written: it goes back into each
    _put_back(_databases, _cached_app)
    assert [row[1:] for row in _rows("category")] == names
    db.session.remove()
    _databases.restore(_cached_app, world_state)
    assert [row[1:] for row in _rows("category")] == names

    # and renamed on the base by another process: back again when the world follows
    _put_back(_databases, _cached_app)
    _in_another_process(f"UPDATE category SET name = '又改了' WHERE id = {category}")
    db.session.remove()
    _databases.restore(_cached_app, world_state)
    assert [row[1:] for row in _rows("category")] == names
