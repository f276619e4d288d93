"""Which migration the database is at, and which one the code expects (Alembic's heads)."""
from __future__ import annotations

from functools import lru_cache

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from ..config import ROOT

MIGRATIONS = ROOT / "migrations"


@lru_cache(maxsize=1)
def head_revisions() -> frozenset[str]:
    """The revisions the code's models are at (read once: files do not change under a
    running process; a deploy restarts it)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


@lru_cache(maxsize=1)
def known_revisions() -> frozenset[str]:
    """Every revision the code's migrations know (a database at one of them can be
    upgraded; one at another was written by a newer release)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(s.revision for s in ScriptDirectory.from_config(config).walk_revisions())


def current_revisions(connection) -> frozenset[str]:
    """The revisions recorded in the database (empty: never migrated)."""
    return frozenset(MigrationContext.configure(connection).get_current_heads())
