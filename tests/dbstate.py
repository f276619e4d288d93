"""The mechanics behind the ``app`` and ``world`` fixtures of tests/conftest.py: one app
per distinct configuration per worker, and database snapshots put back before each test.

Why: building an app (URL rules, extensions) and a schema (109 statements) for every
one of ~2,200 tests was most of the suite's time (docs/testing.md). Now, per xdist
worker:

* ``WorkerDatabases.app_for(overrides)`` returns the cached app for that configuration
  (the key is the whole config create_app would see, environment included), building
  it the first time. Before each test its config is put back to the state right after
  create_app, so what one test writes into ``app.config`` never reaches the next.
* A *snapshot* is a database state: ``base`` (the schema and the reference categories,
  as ``create_all`` + ``ensure_categories`` leave it), ``base+world`` (plus the small
  world of conftest.py), ``base+october`` (plus the reports' dataset) — see ``built``.
  ``restore`` puts one back before a test:

  - SQLite: the database of each cached app is a file on tmpfs (/dev/shm); a snapshot
    is an in-memory copy, written back over the file with the sqlite3 backup API — in
    place, under SQLite's own locks, so no connection is left pointing at a deleted
    file. The pool is emptied first: every test starts on new connections.
  - PostgreSQL: the worker has its own database; a snapshot is a schema of its own
    (``snapshot_<digest of its name>``) holding a copy of each table that
    had rows, plus the sequences' positions. ``restore`` rewrites a table (DELETE, then
    INSERT … SELECT from the snapshot) only when it may differ from the snapshot, and
    puts every sequence back (setval), in one query (one round trip, one transaction:
    ``tests_put_back``). What may differ is known from the database
    itself, not from this process: a statement-level trigger on every table notes the
    table's name in ``tests_written_table`` (UNLOGGED, test databases only) whatever
    connection writes — the app, a ``flask`` subprocess, gunicorn, a racing thread.
    Rewritten are the noted tables, and, when the database holds another snapshot than
    the one asked for, the tables whose content differs between the two: each snapshot
    keeps a digest of each table's rows, taken with it (``pg_digests``), so a table
    both snapshots hold alike — the categories, the lists' version — is left as it is
    when a test switches from ``base`` to its world and back. Without superuser
    rights (no replica mode) there are no such triggers and every table is rewritten.

* ``due`` (what the ``app`` fixture does since session 35) does not put ``base`` back
  at once: it marks it due. The due restore is carried out at the first use of the
  database — the first connection any cached engine hands out (a pool ``checkout``
  listener), an explicit ``ensure_restored()``, and at the latest just before the
  test's body (tests/conftest.py, ``pytest_runtest_call``) — unless a build
  (``built``: the world, October, …) comes first with a fresh snapshot: then the due
  restore is dropped, and the database goes from the previous test's state straight to
  the build's, one switch instead of two. Since session 36 the build's snapshot is
  itself marked due in the dropped one's place, so a build on top of it (a matrix
  row's setup on the world) drops it in turn: whatever the builds, one restore a test.

Nothing of a test survives into the next: every table a test (or anything it started)
wrote is rewritten from a snapshot that no test can reach, and the sequences with it.
"""
from __future__ import annotations

import copy
import gc
import hashlib
import json
import os
import re
import shutil
import sqlite3
import tempfile
import threading
import time
from dataclasses import dataclass, field, is_dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from pathlib import Path

from sqlalchemy import Engine, event, inspect, text
from sqlalchemy.orm import class_mapper, make_transient_to_detached

from tests.factories import PASSWORD_HASH_METHOD
from tracker import create_app
from tracker.config import load_config
from tracker.extensions import db
from tracker.reference import ensure_categories
from tracker.timeutil import local_today

# Settings every test app gets; a module's ``app_config`` fixture overrides them.
BASE_CONFIG = {
    "TESTING": True,
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    # The factories' cheap hash (tests/factories.py): no rehash at every test login.
    "PASSWORD_HASH_METHOD": PASSWORD_HASH_METHOD,
    "SERVER_NAME": "localhost",
}
# Read per request (never at create_app), so set per test instead of keying the app.
PER_TEST_KEYS = ("UPLOAD_FOLDER",)
# Builds kept as snapshots (the world, the reports' October) are reused for at most this
# long, and never on another (local) day: the world's times are relative to when it was
# built ("starts in two days").
SNAPSHOT_MAX_AGE = 30.0
# Apps kept per worker. Each holds connections (its pool and its keeper), and a test
# module whose config carries a port of its own makes an app per test: unbounded, a
# PostgreSQL run ran out of connections (「too many clients」) once enough such tests had
# run — the reminders' did, before they set their servers' ports on one shared app after
# it was built (tests/reminders/conftest.py, speed51). The least recently used app
# beyond this many is closed; it is built again if asked for again.
MAX_CACHED_APPS = 8
# PostgreSQL: the tables written since the last restore, noted by triggers (_pg_track).
WRITTEN = "tests_written_table"


AST_BUG = "AST constructor recursion depth mismatch"


def _create_app(config: dict):
    """``create_app``, built again when CPython 3.11's AST bug strikes. Werkzeug compiles
    every URL rule with ``ast.parse``; the interpreter used here (3.11.7) keeps the AST
    converter's recursion depth in state that a thread switch during the conversion can
    leave uneven, and with a test's servers running in threads (the reminder tests'
    SMTP and HTTP servers) a parse now and then raises ``SystemError: AST constructor
    recursion depth mismatch``. Nothing of the app is at fault, and the next build
    succeeds; any other error, or the same one three times, is raised."""
    for attempt in range(3):
        try:
            return create_app(config)
        except SystemError as error:
            if AST_BUG not in str(error) or attempt == 2:
                raise
    raise AssertionError("unreachable")


def scratch_root() -> str:
    """tmpfs when there is a roomy one (a container's may have 64 MB): test databases
    are thrown away anyway. Otherwise the usual temp folder."""
    shm = "/dev/shm"
    try:
        if os.access(shm, os.W_OK | os.X_OK) and shutil.disk_usage(shm).free > 512 * 2**20:
            return shm
    except OSError:
        pass
    return tempfile.gettempdir()


def _no_fsync(dbapi_connection, _record) -> None:
    """Test databases only (never the app's settings): no fsync on a tmpfs file."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


def reverse_unordered_rows(dbapi_connection, _record) -> None:
    """Every SQLite connection of a test run returns the rows of a SELECT that has no
    ORDER BY in reverse (``PRAGMA reverse_unordered_selects``). SQLite's own order is
    mostly the order rows were written, which is what a test expects by chance; on
    PostgreSQL the same query's order follows the heap earlier tests left, so a missing
    ORDER BY failed there now and then (session 53's CI). Reversed, it fails on SQLite,
    on every run (docs/testing.md). ``TESTS_SQLITE_NATURAL_ORDER=1`` turns it off, to
    tell whether a failure is one of order."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA reverse_unordered_selects=ON")
        cursor.close()


def reverse_unordered_everywhere() -> None:
    """On every engine this process makes (the cached apps', the live server's, a race
    test's own, a scratch app's): a listener on the ``Engine`` class, not on one engine."""
    if os.environ.get("TESTS_SQLITE_NATURAL_ORDER") != "1":
        event.listen(Engine, "connect", reverse_unordered_rows)


@dataclass
class CachedApp:
    app: object
    engine: object
    config: dict  # app.config right after create_app
    # A connection of the tests' own, outside the app's pool, through which snapshots
    # are written back (and taken).
    # SQLite: kept open on the app's database file; being open, it also keeps SQLite
    # from deleting and re-creating the WAL files each time the pool is emptied.
    # PostgreSQL: a DB-API connection made as the engine makes its own; a restore
    # through the pool cost a pre-ping and a reset (two round trips) on top of its one.
    keeper: object = None
    # SQLite: the snapshot this app's file was last made (or taken) from, and the
    # keeper's ``PRAGMA data_version`` then. While that number stays the same no other
    # connection of any process has committed to the file, so it still holds exactly
    # that snapshot, and putting the same one back is nothing to do.
    held: object = None
    data_version: int | None = None

    def restore_config(self, upload_folder: Path, overrides: dict) -> None:
        self.app.config.clear()
        self.app.config.update(copy.deepcopy(self.config))
        self.app.config["UPLOAD_FOLDER"] = str(upload_folder)
        for name in PER_TEST_KEYS:
            if name in overrides:
                self.app.config[name] = overrides[name]


def reset_throttle(app) -> None:
    """The login throttle keeps its counter store on the app (tracker/throttle.py); a new
    app per test used to start with none. Do the same for a cached app: the database
    counts come back with the snapshot, a memory store is dropped here."""
    app.extensions.pop("throttle", None)


@dataclass
class Snapshot:
    name: str
    taken_at: float  # time.monotonic()
    day: object  # local_today() when taken
    sqlite: sqlite3.Connection | None = None
    pg_schema: str | None = None
    # PostgreSQL: an md5 of each table's rows when taken (absent: the table was empty)
    pg_digests: dict[str, str] = field(default_factory=dict)
    pg_positions: tuple = ()  # (sequence, last_value, is_called)
    data: object = None  # what the builder returned (e.g. the world's ids)

    @property
    def pg_copied(self) -> frozenset[str]:
        """The tables that had rows, copied into the snapshot's schema: those with a digest."""
        return frozenset(self.pg_digests)


# Statements that cannot change the data; anything else counts as a write (a CTE that
# might insert, DDL, …). Erring on "write" only costs a real build instead of a snapshot.
READ_ONLY = re.compile(r"\s*(SELECT|PRAGMA|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SHOW|EXPLAIN)\b",
                       re.I)
SEQUENCE_CALL = re.compile(r"\b(nextval|setval)\s*\(", re.I)


def _writes(statement: str) -> bool:
    return not READ_ONLY.match(statement) or bool(SEQUENCE_CALL.search(statement))


class WorkerDatabases:
    """Per worker: the cached apps and the snapshots."""

    def __init__(self, pg_url: str | None):
        self.pg_url = pg_url
        self.apps: dict[str, CachedApp] = {}
        self.snapshots: dict[str, Snapshot] = {}
        # What the database holds: the name of the snapshot last put back (or taken),
        # and whether anything was written through the app's engine since.
        self.state: str | None = None
        self.writes = 0  # write statements seen
        self.writes_at_state = 0  # … when `state` was last exact
        self.writes_committed = 0  # … when a transaction last committed
        self._folder: Path | None = None
        self._pg_tables: list[str] = []
        self._pg_sequences: list[str] = []
        self._pg_superuser = False
        # The written-table triggers are installed (superusers only, see _pg_track).
        self._pg_tracked = False
        self._tests = 0
        self._apps_built = 0
        # A restore marked due (``due``) and not yet carried out: (cached app, name).
        self._due: tuple[CachedApp, str] | None = None
        # The live server's threads reach the database too: one restore at a time.
        self._lock = threading.RLock()
        # Counted for docs/testing.md (written out when TESTS_RESTORE_COUNTS names a file)
        self.counts = {"restores": 0, "switches": 0, "unchanged": 0,
                       "due": 0, "due_dropped": 0}

    # ---------------------------------------------------------------- apps

    def app_for(self, overrides: dict) -> CachedApp:
        config = {**BASE_CONFIG, **overrides}
        for name in PER_TEST_KEYS:
            config.pop(name, None)
        key = repr(sorted((name, repr(value)) for name, value in load_config(config).items()))
        cached = self.apps.pop(key, None)  # put back last: the most recently used
        if cached is None:
            self._apps_built += 1
            cached = self._build_app(config, self._apps_built)
            closed = False
            while len(self.apps) >= MAX_CACHED_APPS:
                evicted = self.apps.pop(next(iter(self.apps)))
                if self._due is not None and self._due[0] is evicted:
                    self._due = None  # left by a test that never ran; no one uses that app
                _close_app(evicted)
                closed = True
            if closed:
                # the closed app's cycles were frozen with it: never collected otherwise
                gc.unfreeze()
            keep_out_of_gc()  # the new app lives as long as the worker, or until closed
        self.apps[key] = cached
        return cached

    def _build_app(self, config: dict, number: int) -> CachedApp:
        if self.pg_url:
            url = self.pg_url
        else:
            url = f"sqlite:///{self.folder() / f'app{number}.sqlite3'}"
        app = _create_app({**config, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            engine = db.engine
        cached = CachedApp(app, engine, copy.deepcopy(dict(app.config)))
        event.listen(engine, "before_cursor_execute", self._saw_statement)
        event.listen(engine, "commit", self._saw_commit)
        # The first connection handed out after a restore was marked due carries it out,
        # before the connection runs anything: whatever reads or writes through the app
        # (a fixture adding rows, ``login``, the CLI runner, the live server's threads)
        # sees the state it was promised. On every cached engine: on PostgreSQL they
        # share the worker's database.
        event.listen(engine, "checkout", self._checkout)
        if self.pg_url:
            args, kwargs = engine.dialect.create_connect_args(engine.url)
            cached.keeper = engine.dialect.connect(*args, **kwargs)
            # A restore is one query string, which PostgreSQL runs as one transaction:
            # without the driver's BEGIN and COMMIT it is one round trip, not three (on a
            # busy machine each round trip waits for the server to be scheduled).
            cached.keeper.autocommit = True
        else:
            event.listen(engine, "connect", _no_fsync)
            cached.keeper = sqlite3.connect(engine.url.database, check_same_thread=False)
        if "base" not in self.snapshots:
            self._build_base(cached)
        return cached

    def folder(self) -> Path:
        if self._folder is None:
            worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
            self._folder = Path(tempfile.mkdtemp(prefix=f"tracker-tests-{worker}-",
                                                 dir=scratch_root()))
        return self._folder

    def test_folder(self) -> Path:
        """A new, empty folder for one test (its uploads go in ``uploads/`` inside, which
        the app creates when it stores a file). Removed after the test. Not pytest's
        tmp_path: numbering one of those costs more than many a test does."""
        self._tests += 1
        path = self.folder() / "tests" / str(self._tests)
        path.mkdir(parents=True)
        return path

    # ---------------------------------------------------------------- snapshots

    def _build_base(self, cached: CachedApp) -> None:
        """The schema and the reference categories, built once with the app's own code."""
        with cached.app.app_context():
            if self.pg_url:
                db.drop_all()
            db.create_all()
            ensure_categories()
            db.session.commit()
            if self.pg_url:
                self._pg_tables = [table.name for table in db.metadata.sorted_tables]
                self._pg_superuser = bool(db.session.scalar(text(
                    "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")))
                self._pg_sequences = db.session.scalars(text(
                    "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) "
                    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE c.relkind = 'S' AND n.nspname = current_schema() ORDER BY 1")).all()
                if self._pg_superuser:
                    self._pg_track(cached)
            db.session.remove()
        self.take(cached, "base")

    def _pg_track(self, cached: CachedApp) -> None:
        """Make the database note, in ``WRITTEN``, each table any statement of any
        connection writes: the restore then rewrites those tables only. A statement-level
        AFTER trigger fires once per statement, and only when the statement succeeds;
        its note is part of the writer's transaction, so a write rolled back leaves no
        note, and no changed row either. ENABLE ALWAYS: it fires in replica mode too, so
        a writer that turned the tables' triggers off is still seen. The restore's own
        writes are not noted (``tests.restoring``, set for its transaction only): a
        note another connection commits meanwhile is kept for the next restore.

        No unique key on the notes: a second transaction inserting the same name would
        wait for the first to end, and the race tests' transactions would then wait for
        each other where the app's own code never makes them. The check before the
        insert only keeps one transaction from noting a table twice."""
        statements = [
            f"DROP TABLE IF EXISTS {WRITTEN}",
            f"CREATE UNLOGGED TABLE {WRITTEN} (name text NOT NULL)",
            "CREATE OR REPLACE FUNCTION tests_note_written_table() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN IF current_setting('tests.restoring', true) IS DISTINCT FROM 'on' "
            f"AND NOT EXISTS (SELECT FROM {WRITTEN} WHERE name = TG_TABLE_NAME) THEN "
            f"INSERT INTO {WRITTEN} (name) VALUES (TG_TABLE_NAME); END IF; RETURN NULL; END $$",
        ]
        statements.append(PUT_BACK_FUNCTION)
        for table in self._pg_tables:
            statements += [
                f'CREATE TRIGGER tests_written AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE '
                f'ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION tests_note_written_table()',
                f'ALTER TABLE "{table}" ENABLE ALWAYS TRIGGER tests_written']
        with cached.keeper.transaction(), cached.keeper.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)  # no parameters: the SQL's % signs stay as they are
        self._pg_tracked = True

    def _saw_statement(self, _conn, _cursor, statement, *_args) -> None:
        if self._due is not None:
            # only a connection handed out before the restore was due can get here
            raise AssertionError(
                f"a statement on a connection checked out before the due restore of "
                f"{self._due[1]!r}: it would see the previous test's data ({statement[:80]!r})")
        if _writes(statement):
            self.writes += 1

    def _checkout(self, _dbapi_connection, _record, _proxy) -> None:
        if self._due is not None:
            self.ensure_restored()

    def _saw_commit(self, _conn) -> None:
        self.writes_committed = self.writes

    def _set_state(self, name: str) -> None:
        self.state = name
        self.writes_at_state = self.writes_committed = self.writes

    def take(self, cached: CachedApp, name: str, data=None) -> Snapshot:
        """Remember the database as it is now (committed state) under `name`."""
        self._set_state(name)
        snapshot = Snapshot(name, time.monotonic(), local_today(), data=data)
        if self.pg_url:
            self._pg_take(cached, snapshot)
        else:
            copied = sqlite3.connect(":memory:", check_same_thread=False)
            cached.keeper.backup(copied)
            snapshot.sqlite = copied
            cached.held, cached.data_version = snapshot, _data_version(cached.keeper)
        old = self.snapshots.pop(name, None)
        if old is not None and old.sqlite is not None:
            old.sqlite.close()
        self.snapshots[name] = snapshot
        return snapshot

    def fresh(self, name: str, max_age: float) -> Snapshot | None:
        """The snapshot `name` if it is younger than `max_age` seconds and of today."""
        snapshot = self.snapshots.get(name)
        if snapshot is None or time.monotonic() - snapshot.taken_at > max_age \
                or snapshot.day != local_today():
            return None
        return snapshot

    def built(self, cached: CachedApp, name: str, build, max_age: float | None = None):
        """``build()`` (which writes and commits some data and returns the objects a
        test uses) — or, when the very same build on the very same database state was
        done less than `max_age` seconds ago (and today), the database put back to what
        it was right after that build and the returned objects re-made, expired, in
        this test's session. Anything else written first: just ``build()``.

        With a restore due (nothing has touched the database since the ``app`` fixture
        marked ``base`` due, or since an earlier build of this test marked its own
        snapshot due), the build starts from the due state: its snapshot, when fresh,
        takes the due one's place — due in its turn, put back at the first use of the
        database, or dropped for a build on top of it — so a build on a build (a matrix
        row's setup on the world) costs one restore, not one per build. Otherwise the
        due restore is carried out and the build runs.
        `max_age` defaults to SNAPSHOT_MAX_AGE (read at each call)."""
        if max_age is None:
            max_age = SNAPSHOT_MAX_AGE
        due = self._due
        if due is not None and due[0] is cached:
            key = self._built_key(due[1], name, build)
            snapshot = self.fresh(key, max_age)
            if snapshot is not None:
                db.session.rollback()  # as below: nothing added but unflushed is kept
                self._due_instead(cached, key)
                return _thaw(snapshot.data, {})
        self.ensure_restored()
        if self.state is None or self.writes != self.writes_at_state:
            return build()  # not on a known state: nothing to reuse, nothing to keep
        key = self._built_key(self.state, name, build)
        snapshot = self.fresh(key, max_age)
        if snapshot is not None:
            # Nothing was written since the known state: end the test's read transaction,
            # which would otherwise hold the restore's write out (SQLite's backup and
            # PostgreSQL's TRUNCATE both wait for it — forever, in the same thread).
            db.session.rollback()
            self.restore(cached, key)
            return _thaw(snapshot.data, {})
        result = build()
        if self.writes != self.writes_committed or db.session.new or db.session.dirty \
                or db.session.deleted:
            return result  # the build left something uncommitted: no snapshot of it
        self.take(cached, key, data=_freeze(result))
        return result

    @staticmethod
    def _built_key(state: str, name: str, build) -> str:
        # The builder is part of the key: two builds given the same name by different
        # tests (the browser's and the imports' "october") never get each other's data.
        return f"{state}+{name}[{build.__module__}.{build.__qualname__}]"

    def due(self, cached: CachedApp, name: str) -> None:
        """Promise this test the database in the state `name`, and put it back only when
        needed: at the first connection an engine hands out, at ``ensure_restored()``,
        or at the latest before the test's body — unless ``restore`` (a build's
        snapshot) comes first, which makes this one moot."""
        with self._lock:
            earlier = self._due
            if earlier is not None and earlier[0] is not cached and not self.pg_url:
                self._put_back(*earlier)  # another app's file: promised too
            self.counts["due"] += 1
            self._due = (cached, name)
            if not self.pg_url:
                # every test starts on new connections (none is out: the last test's
                # session was removed); the file is written when the restore is done
                cached.engine.dispose()

    def _due_instead(self, cached: CachedApp, name: str) -> None:
        """The snapshot `name` (a build's, taken on top of the state due now) becomes the
        restore due, in place of the one due, which is dropped: `name` holds that state
        and what the build added to it. Only while a restore is due on this app: nothing
        has reached the database since it was marked (the first connection handed out
        would have carried it out), so no connection of this test is out to read the
        state in between. Why not at once: another build may follow (a matrix row's
        setup on the world), and then only its snapshot needs putting back."""
        with self._lock:
            if self._due is None or self._due[0] is not cached:
                # carried out meanwhile (a live server's thread): the build's state now
                self.restore(cached, name)
                return
            self.counts["due_dropped"] += 1
            self.counts["due"] += 1
            self._due = (cached, name)

    def ensure_restored(self) -> None:
        """Carry out the restore marked due, if there is one. A fixture that lets
        anything reach the database other than through the app's engines (a subprocess,
        a server of its own) calls this first."""
        if self._due is None:
            return
        with self._lock:
            if self._due is None:
                return
            cached, name = self._due
            self._put_back(cached, name)
            self._due = None  # only once done: a restore that failed is tried again

    def restore(self, cached: CachedApp, name: str) -> None:
        """Put the snapshot `name` back now. A restore still due is dropped (the
        database goes from what it holds straight to `name`) — on SQLite only when it
        was due on this same app's file, another app's is carried out."""
        with self._lock:
            due = self._due
            if due is not None:
                if self.pg_url or due[0] is cached:
                    self.counts["due_dropped"] += 1
                else:
                    self._put_back(*due)
                self._due = None
            if not self.pg_url:
                cached.engine.dispose()  # every test starts on new connections
            self._put_back(cached, name)

    def _put_back(self, cached: CachedApp, name: str) -> None:
        snapshot = self.snapshots[name]
        held = self.snapshots.get(self.state) if self.state is not None else None
        self.counts["restores"] += 1
        self._set_state(name)
        if self.pg_url:
            if held is not snapshot:
                self.counts["switches"] += 1
            try:
                with cached.keeper.cursor() as cursor:
                    # no parameters: one simple query, one transaction
                    cursor.execute(self._pg_restore_sql(snapshot, held))
            except BaseException:
                self.state = None  # not put back: rewrite everything next time
                raise
        elif cached.held is snapshot and _data_version(cached.keeper) == cached.data_version:
            # nothing committed to the file since it was made from this very snapshot
            self.counts["unchanged"] += 1
        else:
            if cached.held is not snapshot:
                self.counts["switches"] += 1
            cached.held = None  # until the copy is complete
            snapshot.sqlite.backup(cached.keeper)
            cached.held, cached.data_version = snapshot, _data_version(cached.keeper)

    def _pg_restore_sql(self, snapshot: Snapshot, held: Snapshot | None) -> str:
        """The query that puts `snapshot` back; `held` is the snapshot the database was
        last put back to (or taken as), if known."""
        if self._pg_tracked:
            forced = self._pg_differing(snapshot, held)
            statements = [f"SELECT tests_put_back({_pg_literal(snapshot.pg_schema)}, "
                          f"{_pg_array(reversed(self._pg_tables))}, {_pg_array(forced)}, "
                          f"{_pg_array(sorted(snapshot.pg_copied))})"]
        else:
            statements = self._pg_rewrite_all(snapshot)
        # Every sequence, written table or not: a nextval of a transaction that was
        # rolled back moved its sequence and left no note.
        if snapshot.pg_positions:
            statements.append("SELECT " + ", ".join(
                f"setval('{sequence}', {value}, {str(called).lower()})"
                for sequence, value, called in snapshot.pg_positions))
        return ";\n".join(statements)

    def _pg_differing(self, snapshot: Snapshot, held: Snapshot | None) -> list[str]:
        """The tables that may differ between the database and `snapshot` whatever the
        notes say: every table when the database's state is not known; otherwise those
        whose rows `held` (what the database was last put back to, or taken as) and
        `snapshot` do not hold alike. A table nobody wrote since holds `held`'s rows, so
        where the two digests agree it already holds `snapshot`'s. A snapshot built again
        (older than SNAPSHOT_MAX_AGE) is a new Snapshot with digests of its own, and the
        database is in its state when it is taken: the comparison is always between the
        very two states involved."""
        if held is None:
            return self._pg_tables
        if held is snapshot:
            return []
        return [table for table in self._pg_tables
                if held.pg_digests.get(table) != snapshot.pg_digests.get(table)]

    def _pg_rewrite_all(self, snapshot: Snapshot) -> list[str]:
        """Every table emptied and the snapshot's rows put in: what a restore does when
        nothing notes the written tables (no superuser)."""
        # Foreign keys are not checked while the snapshot goes back (it was consistent
        # when taken, and every table is rewritten): checking them row by row made a
        # restore after a test that added 5,000 members take seconds. Only a superuser
        # may do that (then the restore is tests_put_back's); without replica mode the
        # owner of the tables turns their own triggers (the lists' version) off for the
        # restore, so they do not fire on rows the snapshot already holds.
        copied = snapshot.pg_copied
        statements = [f'ALTER TABLE "{table}" DISABLE TRIGGER USER'
                      for table in self._pg_tables]
        statements += [f'DELETE FROM "{table}"' for table in reversed(self._pg_tables)]
        statements += [f'INSERT INTO "{table}" OVERRIDING SYSTEM VALUE '
                       f'SELECT * FROM "{snapshot.pg_schema}"."{table}"'
                       for table in self._pg_tables if table in copied]
        statements += [f'ALTER TABLE "{table}" ENABLE TRIGGER USER'
                       for table in self._pg_tables]
        return statements

    def _pg_take(self, cached: CachedApp, snapshot: Snapshot) -> None:
        # A digest, not the name: PostgreSQL cuts identifiers at 63 bytes, and names
        # of snapshots taken on top of others share long prefixes.
        name = "snapshot_%s" % hashlib.sha1(snapshot.name.encode()).hexdigest()[:20]
        schema = f'"{name}"'
        try:
            with cached.keeper.transaction(), cached.keeper.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
                digests = {}
                for table in self._pg_tables:
                    # A row's text is its every column in the type's own output, quoted
                    # where it holds a separator; sorted, so the digest is the content's,
                    # not the order on disk. NULL for an empty table.
                    # (The alias is no column's name: a column would shadow it.)
                    cursor.execute("SELECT md5(string_agg(tests_row::text, E'\\n' "
                                   f'ORDER BY tests_row::text)) FROM "{table}" tests_row')
                    digest = cursor.fetchone()[0]
                    if digest is not None:
                        cursor.execute(f'CREATE TABLE {schema}."{table}" AS TABLE "{table}"')
                        digests[table] = digest
                positions = []
                for sequence in self._pg_sequences:
                    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
                    last_value, is_called = cursor.fetchone()
                    positions.append((sequence, int(last_value), bool(is_called)))
                if self._pg_tracked:
                    # the database is this snapshot now: nothing written since
                    cursor.execute(f"DELETE FROM {WRITTEN}")
        except BaseException:
            self.state = None
            raise
        snapshot.pg_schema = name
        snapshot.pg_digests = digests
        snapshot.pg_positions = tuple(positions)

    # ---------------------------------------------------------------- the end

    def close(self) -> None:
        counts = os.environ.get("TESTS_RESTORE_COUNTS")
        if counts:
            # one line per worker: how many restores the tests asked for, and did
            worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
            with open(counts, "a", encoding="utf-8") as handle:
                handle.write(f"{worker} {json.dumps(self.counts, sort_keys=True)}\n")
        for cached in self.apps.values():
            _close_app(cached)
        for snapshot in self.snapshots.values():
            if snapshot.sqlite is not None:
                snapshot.sqlite.close()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)


def keep_out_of_gc() -> None:
    """Move every object alive now out of the garbage collector's sight (``gc.freeze``),
    after collecting what is garbage already so that none of it is kept. For what lives
    as long as the worker: the collected tests, the cached apps."""
    gc.collect()
    gc.freeze()


def end_read_transaction(session) -> None:
    """End a test's transaction as the app ends a request's (tracker/db_setup.py,
    ``_end_read_request``): on PostgreSQL one that only read ends in COMMIT, which
    changes no data, instead of the ROLLBACK of the session's close. psycopg forgets a
    connection's prepared statements at every ROLLBACK, and the pool keeps the
    connection for the next test: ended by the ROLLBACK, every test parsed and planned
    its statements anew, where a worker of the app keeps them from request to request —
    planning was four fifths of the test cluster's CPU on the reports' and rollups'
    tests (docs/testing.md, session 53). Anything that wrote, failed or is still pending
    is rolled back by the close as before; SQLite's pool is emptied before each test."""
    from tracker.db_setup import _clean_transaction

    if session.get_bind().dialect.name == "postgresql" and _clean_transaction(session):
        session.commit()


def end_test_session(scoped_session) -> None:
    """What the ``app`` fixture does with the test's session at the test's end: its
    transaction ended (``end_read_transaction``), the session removed."""
    end_read_transaction(scoped_session())
    scoped_session.remove()


def _data_version(connection: sqlite3.Connection) -> int:
    """SQLite's count of the commits other connections (of any process) made to the file
    this connection has open: the same number twice means nobody committed between."""
    return connection.execute("PRAGMA data_version").fetchone()[0]


def _close_app(cached: CachedApp) -> None:
    cached.engine.dispose()
    if cached.keeper is not None:
        cached.keeper.close()


# A snapshot put back (superusers only): the tables noted as written since the last
# restore, and `forced` (what differs between the snapshot held and this one, by their
# digests: WorkerDatabases._pg_differing), emptied children first and filled from the
# snapshot's copies parents first; the notes taken in the same transaction, so a restore
# that fails leaves them for the next. Foreign keys are not checked (replica mode; the
# snapshot was consistent when taken, and every table that may differ from it is
# rewritten): checking them row by row made a restore after a test that added 5,000
# members take seconds. Replica mode also keeps the tables' own triggers
# (the lists' version) from firing on rows the snapshot already holds; `tests.restoring`
# keeps the restore's own writes from being noted.
PUT_BACK_FUNCTION = f"""
CREATE OR REPLACE FUNCTION tests_put_back(source text, children_first text[], forced text[],
                                          copied text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    chosen text[];
    i int;
BEGIN
    PERFORM set_config('session_replication_role', 'replica', true);
    PERFORM set_config('tests.restoring', 'on', true);
    WITH noted AS (DELETE FROM {WRITTEN} RETURNING name)
    SELECT coalesce(array_agg(t.name ORDER BY t.position), '{{}}') INTO chosen
    FROM unnest(children_first) WITH ORDINALITY AS t(name, position)
    WHERE t.name = ANY(forced) OR t.name IN (SELECT name FROM noted);
    FOR i IN 1 .. coalesce(array_length(chosen, 1), 0) LOOP
        EXECUTE format('DELETE FROM %I', chosen[i]);
    END LOOP;
    FOR i IN REVERSE coalesce(array_length(chosen, 1), 0) .. 1 LOOP
        IF chosen[i] = ANY(copied) THEN
            EXECUTE format('INSERT INTO %I OVERRIDING SYSTEM VALUE SELECT * FROM %I.%I',
                           chosen[i], source, chosen[i]);
        END IF;
    END LOOP;
END $$"""


def _pg_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _pg_array(values) -> str:
    return "ARRAY[" + ", ".join(_pg_literal(value) for value in values) + "]::text[]"


# ---------------------------------------------------------------- objects of a snapshot

@dataclass(frozen=True)
class _Row:
    cls: type
    identity: tuple


_PLAIN = (str, int, float, bool, type(None), date, datetime, timedelta, Decimal, Enum)


def _freeze(value):
    """What a builder returned, with each ORM object replaced by its class and primary
    key (read from the identity map: no statement)."""
    if hasattr(value, "_sa_instance_state"):
        state = inspect(value)
        if state.identity is None:
            raise TypeError(f"{value!r} was never flushed: a builder must commit what it returns")
        return _Row(state.mapper.class_, state.identity)
    if is_dataclass(value) and not isinstance(value, type):
        return ("dataclass", type(value), {k: _freeze(v) for k, v in vars(value).items()})
    if isinstance(value, dict):
        return ("dict", {k: _freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_freeze(v) for v in value])
    if isinstance(value, _PLAIN):
        return ("plain", value)
    raise TypeError(f"cannot keep a {type(value).__name__} in a snapshot")


def _thaw(frozen, memo: dict):
    if isinstance(frozen, _Row):
        if frozen not in memo:
            memo[frozen] = _expired(frozen.cls, frozen.identity)
        return memo[frozen]
    kind = frozen[0]
    if kind == "dataclass":
        obj = frozen[1].__new__(frozen[1])
        obj.__dict__.update({k: _thaw(v, memo) for k, v in frozen[2].items()})
        return obj
    if kind == "dict":
        return {k: _thaw(v, memo) for k, v in frozen[1].items()}
    if kind == "list":
        return [_thaw(v, memo) for v in frozen[1]]
    if kind == "tuple":
        return tuple(_thaw(v, memo) for v in frozen[1])
    return frozen[1]


def _expired(cls, identity: tuple):
    """The row `identity` of `cls` as a persistent object of this test's session with
    every attribute expired — as the commit at the end of a build leaves the objects it
    made — without a statement: it loads itself when first used, as those did."""
    mapper = class_mapper(cls)
    obj = mapper.class_manager.new_instance()
    for column, value in zip(mapper.primary_key, identity):
        setattr(obj, mapper.get_property_by_column(column).key, value)
    make_transient_to_detached(obj)
    db.session.add(obj)
    db.session.expire(obj)
    return obj
