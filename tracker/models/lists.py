"""The version of the drop-down lists every member page offers: the communities and the
categories (the open-task list's filter).

Reading those two lists on every request was a tenth of the open-task list's CPU at
county scale (200 communities; docs/performance.md). ``lists_version`` holds one row
whose ``token`` the database itself changes, by triggers, whenever a community or a
category is added, removed, renamed, reordered or closed — through the app, a bulk
load or an operator's SQL alike. A page reads the token (one row) and keeps the lists
read under it (``tracker/lists.py``); a change anywhere is another token at once, in
every worker, so a kept list is never an old one.

The token is random, not a counter: a database put back from a backup (or a test's
snapshot) comes back with the token its rows had then, so a list kept under that
token is still the list of those rows, and two databases never share one.

Migration 0020_lists_version creates the same triggers (its own frozen copy of this
SQL); ``tests/web/test_lists_version.py`` holds both to the rule.
"""
from __future__ import annotations

from sqlalchemy import DDL, String, event
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

# (table, the columns a list shows or is ordered by)
WATCHED = (("community", ("name", "sort_key", "active")),
           ("category", ("name", "sort_order", "active")))

NEW_TOKEN = {
    "sqlite": "lower(hex(randomblob(16)))",
    "postgresql": "md5(random()::text || clock_timestamp()::text)",
}


class ListsVersion(db.Model):
    __tablename__ = "lists_version"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1: one row
    token: Mapped[str] = mapped_column(String(32))


def trigger_statements(dialect: str) -> list[str]:
    """The SQL that makes the database change the token (and writes its row)."""
    # bandit B608: the SQL is made of this module's constants only, never of input
    token = NEW_TOKEN[dialect]
    bump = f"UPDATE lists_version SET token = {token}"  # nosec B608
    statements = [f"INSERT INTO lists_version (id, token) VALUES (1, {token})"]  # nosec B608
    if dialect == "postgresql":
        statements.append(
            "CREATE OR REPLACE FUNCTION lists_version_bump() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {bump}; RETURN NULL; END $$")
        for table, columns in WATCHED:
            statements.append(
                f"CREATE TRIGGER {table}_lists_version AFTER INSERT OR DELETE OR TRUNCATE "
                f"OR UPDATE OF {', '.join(columns)} ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION lists_version_bump()")
        return statements
    for table, columns in WATCHED:
        for when in ("INSERT", "DELETE", f"UPDATE OF {', '.join(columns)}"):
            name = f"{table}_lists_version_{when.split()[0].lower()}"
            statements.append(f"CREATE TRIGGER {name} AFTER {when} ON {table} "
                              f"BEGIN {bump}; END")
    return statements


@event.listens_for(db.metadata, "after_create")
def _create_triggers(_metadata, connection, tables=(), **_kw) -> None:
    """``create_all`` (tests, the bench) gets what the migration makes, once: with the
    table (a ``create_all`` that finds it there adds nothing)."""
    if connection.dialect.name not in NEW_TOKEN or ListsVersion.__table__ not in tables:
        return
    for statement in trigger_statements(connection.dialect.name):
        connection.execute(DDL(statement.replace("%", "%%")))
