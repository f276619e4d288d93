"""Brand-new, empty databases for tests that need their own (migrations, races, the
browser's live server): a SQLite file in a temp dir, or — when TEST_DATABASE_URL points
at a PostgreSQL server — a fresh database created on that server and dropped afterwards.

The shared test database of conftest.py is left alone: it is truncated between tests,
and a test here must not depend on or disturb it.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

PG_URL = os.environ.get("TEST_DATABASE_URL")

# The database a test parametrized over "backend" runs on: the run's own. `make test`
# runs the suite once on SQLite and once on PostgreSQL, so each such test runs on both;
# a PostgreSQL run that also ran the SQLite case would only repeat, to the byte, a test
# the SQLite run has just passed (docs/testing.md).
BACKENDS = ["postgresql"] if PG_URL else ["sqlite"]


def _admin_connection():
    import psycopg

    url = make_url(PG_URL)
    return psycopg.connect(
        host=url.host, port=url.port, user=url.username, password=url.password,
        dbname="postgres", autocommit=True, connect_timeout=10,
    )


@contextmanager
def fresh_database(backend: str, tmp_dir: Path, name: str = "scratch"):
    """Yield the SQLAlchemy URL of an empty database; drop it afterwards."""
    if backend == "sqlite":
        path = Path(tmp_dir) / f"{name}.sqlite3"
        if path.exists():
            path.unlink()
        yield f"sqlite:///{path}"
        return
    if backend != "postgresql":
        raise ValueError(backend)
    if not PG_URL:
        raise RuntimeError("TEST_DATABASE_URL is not set")
    with _pg_database(name) as url:
        yield url


def _pg_url(db_name: str) -> str:
    return make_url(PG_URL).set(database=db_name).render_as_string(hide_password=False)


@contextmanager
def _pg_database(name: str, template: str | None = None):
    """A new PostgreSQL database (a copy of `template`, or empty), dropped afterwards."""
    db_name = f"tracker_{name}_{uuid.uuid4().hex[:10]}"
    copy_of = f' TEMPLATE "{template}"' if template else ""
    with _admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{db_name}"{copy_of}')
    try:
        yield _pg_url(db_name)
    finally:
        _drop(db_name)


def _drop(db_name: str) -> None:
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


def _sqlite_copy(source_path: str, target_path: str) -> None:
    """The SQLite file at ``source_path`` copied, with the backup API, to ``target_path``."""
    import sqlite3

    source, target = sqlite3.connect(source_path), sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


@contextmanager
def _copy_of(backend: str, template: str, tmp_dir: Path, name: str):
    """Yield the URL of a new database of the test's own, a copy of ``template`` (SQLite:
    its file; PostgreSQL: its database); drop it afterwards. The template itself is
    never handed out, so nothing a test writes reaches the next test's copy."""
    if backend == "sqlite":
        path = Path(tmp_dir) / f"{name}.sqlite3"
        _sqlite_copy(template, str(path))
        yield f"sqlite:///{path}"
        return
    with _pg_database(name, template) as url:
        yield url


def _pg_connect(db_name: str, autocommit: bool = False):
    import psycopg

    url = make_url(PG_URL)
    return psycopg.connect(
        host=url.host, port=url.port, user=url.username, password=url.password,
        dbname=db_name, autocommit=autocommit, connect_timeout=10,
    )


# the schema's own relations (pg_class), to which a query adds which kind it wants
_PUBLIC_RELATIONS = (" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                     " WHERE n.nspname = 'public'")


class _TemplateState:
    """What a PostgreSQL template holds, as data: its tables (in ``pg_class`` order), the
    rows of those that have any (binary COPY, in the heap's order) and every sequence's
    ``last_value`` and ``is_called``. ``restore`` puts a database of the same schema back
    into exactly that state in one transaction, whatever a test wrote into it."""

    def __init__(self, db_name: str):
        with _pg_connect(db_name) as conn:
            self.tables = [name for (name,) in conn.execute(
                "SELECT c.oid::regclass::text "
                + _PUBLIC_RELATIONS + " AND c.relkind IN ('r', 'p') ORDER BY c.oid")]
            self.rows: list[tuple[str, bytes]] = []
            for table in self.tables:
                if conn.execute(f"SELECT EXISTS (SELECT FROM {table})").fetchone()[0]:
                    with conn.cursor().copy(f"COPY {table} TO STDOUT (FORMAT binary)") as copy:
                        self.rows.append((table, b"".join(bytes(block) for block in copy)))
            self.sequences = []
            for (name,) in conn.execute(
                    "SELECT c.oid::regclass::text "
                    + _PUBLIC_RELATIONS + " AND c.relkind = 'S' ORDER BY c.oid"):
                last_value, is_called = conn.execute(
                    f"SELECT last_value, is_called FROM {name}").fetchone()
                self.sequences.append((name, last_value, is_called))

    def restore(self, db_name: str) -> None:
        """Put ``db_name`` back into the template's state. First end any connection still
        open on it (a racer that outlived its test), so the next test again has it to
        itself. Then, in one transaction: empty every table a row was ever written to
        since it was copied or emptied (one TRUNCATE: a new, empty heap, as a fresh copy
        has; a table whose file is still empty was never written, nor its indexes),
        load the template's rows again and set every sequence that moved back to where
        the template holds it."""
        with _pg_connect(db_name) as conn:
            conn.execute("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity"
                         " WHERE datname = current_database() AND pid <> pg_backend_pid()")
            written = [name for (name,) in conn.execute(
                "SELECT c.oid::regclass::text "
                + _PUBLIC_RELATIONS + " AND c.relkind = 'r'"
                " AND pg_relation_size(c.oid) > 0")]
            moved = dict(conn.execute(
                "SELECT c.oid::regclass::text, pg_sequence_last_value(c.oid) "
                + _PUBLIC_RELATIONS + " AND c.relkind = 'S'").fetchall())
            if written:
                conn.execute(f"TRUNCATE {', '.join(written)} CASCADE")
            for table, data in self.rows:
                with conn.cursor().copy(f"COPY {table} FROM STDIN (FORMAT binary)") as copy:
                    copy.write(data)
            back = [(name, value, called) for name, value, called in self.sequences
                    if moved.get(name, "gone") != (value if called else None)]
            if back:
                conn.execute(
                    "SELECT setval(CAST(name AS regclass), value, called) FROM (VALUES "
                    + ", ".join(["(%s, CAST(%s AS bigint), CAST(%s AS boolean))"] * len(back))
                    + ") AS s (name, value, called)",
                    [part for sequence in back for part in sequence])
            conn.commit()


class ProcessTemplates:
    """Databases a test starts from, built by ``build(url)`` on an empty database once
    per backend per process (each pytest-xdist worker has its own, so no other
    connection is ever open on one while it is copied) and dropped when the process
    exits; each test gets a copy of its own (``copy``), never the template itself.

    On PostgreSQL a copy is not dropped after its test but put back into the template's
    exact state (``_TemplateState.restore``: its tables emptied, the template's rows
    loaded again, its sequences set as the template's) and handed to this process's
    next test: ``CREATE DATABASE … TEMPLATE`` and ``DROP DATABASE … WITH (FORCE)`` were
    most of a race test's waiting (docs/testing.md, session 54). A database is only ever
    handed to one test at a time and is of this process alone; one whose restore fails
    is dropped instead. SQLite copies the file each time (cheap)."""

    def __init__(self, name: str, build):
        self.name, self.build = name, build
        self.templates: dict[str, str] = {}  # backend → SQLite path or PostgreSQL database
        self._state: _TemplateState | None = None  # the PostgreSQL template's, once built
        self._idle: list[str] = []  # PostgreSQL copies in the template's state, free

    def _template(self, backend: str) -> str:
        if backend not in self.templates:
            if backend == "sqlite":
                folder = tempfile.mkdtemp(prefix=f"tracker-{self.name}-")
                atexit.register(shutil.rmtree, folder, True)
                template = str(Path(folder) / "template.sqlite3")
                url = f"sqlite:///{template}"
            else:
                template = f"tracker_{self.name}_template_{uuid.uuid4().hex[:10]}"
                with _admin_connection() as conn:
                    conn.execute(f'CREATE DATABASE "{template}"')
                atexit.register(_drop, template)
                url = _pg_url(template)
            self.build(url)
            self.templates[backend] = template
        return self.templates[backend]

    @contextmanager
    def copy(self, backend: str, tmp_dir: Path, name: str = "scratch"):
        """Yield the SQLAlchemy URL of a database in the template's state, the test's own
        until it ends: SQLite a new copy of the file; PostgreSQL a copy kept from an
        earlier test of this process and restored since, or a new one."""
        template = self._template(backend)
        if backend == "sqlite":
            with _copy_of(backend, template, tmp_dir, name) as url:
                yield url
            return
        if self._state is None:
            self._state = _TemplateState(template)
        if self._idle:
            db_name = self._idle.pop()
        else:
            db_name = f"tracker_{self.name}_{uuid.uuid4().hex[:10]}"
            with _admin_connection() as conn:
                conn.execute(f'CREATE DATABASE "{db_name}" TEMPLATE "{template}"')
            atexit.register(_drop, db_name)
        try:
            yield _pg_url(db_name)
        finally:
            try:
                self._state.restore(db_name)
            except Exception:  # noqa: BLE001 — not reused: dropped, as before the pool
                _drop(db_name)
            else:
                self._idle.append(db_name)


class MigratedHeads:
    """Databases at the migrations' head, for the tests that start from one (the data
    migrations' tests, backup and restore): ``flask db upgrade`` — the real command, in
    its own process (forked from one that has imported the app, ``tests.flask_cli.
    prepare_with_flask``) — builds one from nothing once per backend per process, and
    each test gets a copy of it (SQLite: the file copied with the backup API; PostgreSQL:
    ``CREATE DATABASE … TEMPLATE``). The copy is the database that command leaves; each
    upgrade from nothing was a subprocess and some twenty migrations, seconds per test.
    ``test_migrations.py::test_upgrade_from_nothing_matches_the_models`` still upgrades
    a fresh database itself."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.templates: dict[str, str] = {}  # backend → SQLite path or PostgreSQL database

    def _template(self, backend: str) -> str:
        if backend not in self.templates:
            from tests.flask_cli import prepare_with_flask

            if backend == "sqlite":
                template = str(self.folder / "head.sqlite3")
                url = f"sqlite:///{template}"
            else:
                template = f"tracker_head_{uuid.uuid4().hex[:10]}"
                with _admin_connection() as conn:
                    conn.execute(f'CREATE DATABASE "{template}"')
                url = _pg_url(template)
            try:
                upgrade = prepare_with_flask(url, "db", "upgrade")
                if upgrade.returncode != 0:
                    raise AssertionError(f"flask db upgrade failed:\n{upgrade.stderr[-3000:]}")
            except BaseException:
                if backend != "sqlite":
                    _drop(template)
                raise
            self.templates[backend] = template
        return self.templates[backend]

    @contextmanager
    def copy(self, backend: str, tmp_dir: Path, name: str = "scratch"):
        """Yield the SQLAlchemy URL of a new database at the head; drop it afterwards."""
        with _copy_of(backend, self._template(backend), tmp_dir, name) as url:
            yield url

    def close(self) -> None:
        template = self.templates.pop("postgresql", None)
        if template is not None:
            _drop(template)
        self.templates.clear()


class MigratedRevisions:
    """Empty databases at a revision before the head, for the migration tests that
    write an older release's rows by hand into one (tests/test_migrations.py): the
    real ``flask db upgrade <revision>`` (forked, as ``MigratedHeads`` runs it) builds
    each revision asked for once per backend per process, starting from a copy of the
    nearest earlier revision this process has already built (or from nothing), so a
    database always reaches its revision through the migrations' own chain and pays
    only the steps not yet taken. Each test gets a copy of it, as ``MigratedHeads.copy``
    gives one of the head."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.templates: dict[tuple[str, str], str] = {}  # (backend, revision) → template
        self._chain: list[str] | None = None

    def chain(self) -> list[str]:
        """The revisions from the first to the head (the migrations are one line)."""
        if self._chain is None:
            from alembic.script import ScriptDirectory

            from tests.flask_cli import ROOT

            scripts = ScriptDirectory(str(ROOT / "migrations"))
            self._chain = [s.revision for s in scripts.walk_revisions()][::-1]
        return self._chain

    def _template(self, backend: str, revision: str) -> str:
        if (backend, revision) in self.templates:
            return self.templates[backend, revision]
        from tests.flask_cli import prepare_with_flask

        chain = self.chain()
        before = [r for r in chain[:chain.index(revision)] if (backend, r) in self.templates]
        start = self.templates[backend, before[-1]] if before else None
        if backend == "sqlite":
            template = str(self.folder / f"{revision}.sqlite3")
            if start:
                _sqlite_copy(start, template)
            url = f"sqlite:///{template}"
        else:
            template = f"tracker_at_{uuid.uuid4().hex[:10]}"
            copy_of = f' TEMPLATE "{start}"' if start else ""
            with _admin_connection() as conn:
                conn.execute(f'CREATE DATABASE "{template}"{copy_of}')
            url = _pg_url(template)
        try:
            upgrade = prepare_with_flask(url, "db", "upgrade", revision)
            if upgrade.returncode != 0:
                raise AssertionError(f"flask db upgrade {revision} failed:\n"
                                     f"{upgrade.stderr[-3000:]}")
        except BaseException:
            if backend != "sqlite":
                _drop(template)
            raise
        self.templates[backend, revision] = template
        return template

    @contextmanager
    def copy(self, backend: str, revision: str, tmp_dir: Path, name: str = "scratch"):
        """Yield the SQLAlchemy URL of a new, empty database at ``revision``; drop it
        afterwards."""
        with _copy_of(backend, self._template(backend, revision), tmp_dir, name) as url:
            yield url

    def close(self) -> None:
        for (backend, _revision), template in list(self.templates.items()):
            if backend == "postgresql":
                _drop(template)
        self.templates.clear()
