"""The SQLite half of the suite reads unordered rows in reverse (tests/dbstate.py's
``reverse_unordered_rows``): a test that leans on the order rows were written, where its
query asks for none, fails on every SQLite run instead of now and then on PostgreSQL."""
import os

import pytest
from sqlalchemy import create_engine, select, text

from tests.conftest import PG_URL
from tracker.extensions import db
from tracker.models import Category

natural = pytest.mark.skipif(os.environ.get("TESTS_SQLITE_NATURAL_ORDER") == "1",
                             reason="TESTS_SQLITE_NATURAL_ORDER=1 keeps SQLite's order")


@natural
@pytest.mark.skipif(bool(PG_URL), reason="PostgreSQL keeps no such setting")
def test_the_apps_connections_read_rows_in_the_reverse_of_sqlites_own_order(app):
    query = select(Category.id)
    assert db.session.scalar(text("PRAGMA reverse_unordered_selects")) == 1
    reversed_order = list(db.session.scalars(query))
    db.session.execute(text("PRAGMA reverse_unordered_selects=OFF"))
    try:
        own_order = list(db.session.scalars(query))
    finally:
        db.session.execute(text("PRAGMA reverse_unordered_selects=ON"))
    assert len(own_order) >= 2  # the reference categories every test database holds
    assert reversed_order == own_order[::-1]


@natural
@pytest.mark.sqlite_file
def test_an_engine_a_test_makes_itself_reads_them_reversed_too(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'own.db'}")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (n INTEGER)"))
            connection.execute(text("INSERT INTO t VALUES (1), (2), (3)"))
        with engine.connect() as connection:
            assert list(connection.scalars(text("SELECT n FROM t"))) == [3, 2, 1]
            assert list(connection.scalars(text("SELECT n FROM t ORDER BY n"))) == [1, 2, 3]
    finally:
        engine.dispose()
