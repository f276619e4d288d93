"""The active findings of each community by status, kept by the database itself.

The 工作台 shows "open 摸排问题" (found or handed over, not yet fixed) on every load:
counted from the findings, the admin's count read every open finding of the county
(27,000 index entries at 1M participations: 3 ms on SQLite, 4.4 ms on PostgreSQL), a
cost that grows with the county's history. ``finding_tally`` holds one row per
community and status with the number of active findings in it; triggers on
``finding`` move a finding's one from its old row to its new one on every insert,
delete, and update of its community, status or active flag — through the app, a bulk
load or an operator's SQL alike (a TRUNCATE of ``finding`` empties it, on
PostgreSQL). The count is then a sum over a few rows.

Migration 0021_finding_tally creates the same triggers (its own frozen copy of this
SQL) and counts the findings already there; ``tests/rollups/test_finding_tally.py``
holds the tally to the findings.

No page reads it any more (session 27): the tally counts every active finding whatever
its survey's review, while the 工作台's open 摸排问题 are those of approved surveys
(invariant 2), with those of surveys 待审核 apart — summed from the counted findings
kept per community and year (``CountedFindingCommunityYear``, ``rollups/home.py``), as
few rows. The table and its triggers stay until a migration drops them.
"""
from __future__ import annotations

from sqlalchemy import DDL, Integer, event
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .findings import FindingStatus, _enum


class FindingTally(db.Model):
    __tablename__ = "finding_tally"

    # status first: the admin's count (every community) is then a range of the key too
    status: Mapped[FindingStatus] = mapped_column(_enum(FindingStatus), primary_key=True)
    community_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    findings: Mapped[int] = mapped_column(Integer)  # active findings of that status


# A finding's one, added to its (community, status) row or taken from it.
_ADD = ("INSERT INTO finding_tally (community_id, status, findings) {values} "
        "ON CONFLICT (community_id, status) DO UPDATE SET findings = finding_tally.findings + 1")
_TAKE = ("UPDATE finding_tally SET findings = findings - 1 "
         "WHERE community_id = OLD.community_id AND status = OLD.status")
COUNT_EXISTING = ("INSERT INTO finding_tally (community_id, status, findings) "
                  "SELECT community_id, status, count(*) FROM finding WHERE active "
                  "GROUP BY community_id, status")


def trigger_statements(dialect: str) -> list[str]:
    """The SQL that makes the database keep the tally, and the tally of the findings
    already there."""
    if dialect == "postgresql":
        add = _ADD.format(values="VALUES (NEW.community_id, NEW.status, 1)")
        return [
            "CREATE OR REPLACE FUNCTION finding_tally_move() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.active THEN {_TAKE}; END IF; "
            f"IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.active THEN {add}; END IF; "
            "RETURN NULL; END $$",
            "CREATE TRIGGER finding_tally AFTER INSERT OR DELETE "
            "OR UPDATE OF community_id, status, active ON finding "
            "FOR EACH ROW EXECUTE FUNCTION finding_tally_move()",
            "CREATE OR REPLACE FUNCTION finding_tally_clear() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN DELETE FROM finding_tally; RETURN NULL; END $$",
            "CREATE TRIGGER finding_tally_truncate AFTER TRUNCATE ON finding "
            "FOR EACH STATEMENT EXECUTE FUNCTION finding_tally_clear()",
            COUNT_EXISTING,
        ]
    # SQLite: an upsert whose rows come from a SELECT needs a WHERE (its parser's rule)
    add = _ADD.format(values="SELECT NEW.community_id, NEW.status, 1 WHERE NEW.active")
    return [
        f"CREATE TRIGGER finding_tally_insert AFTER INSERT ON finding BEGIN {add}; END",
        f"CREATE TRIGGER finding_tally_delete AFTER DELETE ON finding WHEN OLD.active "
        f"BEGIN {_TAKE}; END",
        "CREATE TRIGGER finding_tally_update AFTER UPDATE OF community_id, status, active "
        f"ON finding BEGIN {_TAKE} AND OLD.active; {add}; END",
        COUNT_EXISTING,
    ]


@event.listens_for(db.metadata, "after_create")
def _create_triggers(_metadata, connection, tables=(), **_kw) -> None:
    """``create_all`` (tests, the bench) gets what the migration makes, once: with the
    table (a ``create_all`` that finds it there adds nothing)."""
    if connection.dialect.name not in ("sqlite", "postgresql") \
            or FindingTally.__table__ not in tables:
        return
    for statement in trigger_statements(connection.dialect.name):
        connection.execute(DDL(statement.replace("%", "%%")))
