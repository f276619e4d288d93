"""One archive holding a consistent copy of the database and the uploads folder.

``flask --app wsgi backup -o FILE`` writes a gzipped tar:

- ``manifest.json``: when, which database, the schema revision, the row count of every
  table and the size and SHA-256 of every file — all as of the database snapshot;
- ``database.sqlite3`` (SQLite's online backup API: one read transaction, so a
  consistent copy while the app keeps writing) or ``database.pgdump`` (``pg_dump -Fc``
  of an exported snapshot that the manifest's counts are read in too);
- ``uploads/…``: the uploads folder, with exactly the images the snapshot knows (every
  owner of a stored image: ``services.photos.stored_image_names``). An image's file is
  written before its row commits, so every image of the snapshot is there; images
  stored after it are left out, as their rows are.

``flask --app wsgi restore FILE`` puts it back into an empty database and an empty
uploads folder, checks every file's hash and every table's count against the manifest,
and refuses a database or folder that holds anything.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404 - pg_dump and pg_restore only
import tarfile
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import create_engine, func, inspect, select, table, text
from sqlalchemy.engine import Connection, Engine

from ..extensions import db
from ..services.photos import stored_image_names
from .schema import current_revisions

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_FILE = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
UPLOADS = "uploads"
PHOTOS = "photos"  # the folder of UPLOAD_FOLDER that services/photos.py writes
FILE_MODE, FOLDER_MODE = 0o640, 0o750  # restored uploads, as the service writes them
PG_BIN_DIRS = ("/usr/lib/postgresql/15/bin",)
WORK_PREFIX = ".backup-"  # the archive is built in such a folder next to it
_SNAPSHOT_ID = re.compile(r"^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$")


class BackupError(RuntimeError):
    """The archive cannot be written or restored; the message says why."""


@dataclass
class Snapshot:
    revision: list[str]
    counts: dict[str, int]
    image_names: set[str]


# --- what a snapshot holds ---------------------------------------------------------------

def _count_rows(conn: Connection) -> dict[str, int]:
    """Rows of every table the database has (its schema may be older than the code's)."""
    return {name: conn.scalar(select(func.count()).select_from(table(name)))
            for name in sorted(inspect(conn).get_table_names())}


def _read_snapshot(conn: Connection) -> Snapshot:
    return Snapshot(sorted(current_revisions(conn)), _count_rows(conn), stored_image_names(conn))


def _upload_files(folder: Path, image_names: set[str]) -> dict[str, Path]:
    """{archive name: file} for the uploads folder as of the snapshot."""
    files = {}
    if not folder.is_dir():
        return files
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder)
        if relative.parts[0] == PHOTOS:
            stem = path.name.removesuffix(".jpg").removesuffix("_t")
            if stem not in image_names:
                continue  # stored after the snapshot (or never committed)
        files[f"{UPLOADS}/{relative.as_posix()}"] = path
    return files


def _missing_images(folder: Path, image_names: set[str]) -> list[str]:
    """The files of the snapshot's images that are not in the folder (lost or moved)."""
    return sorted(f"{UPLOADS}/{PHOTOS}/{name}{suffix}" for name in image_names
                  for suffix in (".jpg", "_t.jpg")
                  if not (folder / PHOTOS / f"{name}{suffix}").is_file())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- PostgreSQL's tools --------------------------------------------------------------------

def pg_tool(name: str) -> str:
    """pg_dump / pg_restore of the server's major version (Debian keeps them in
    /usr/lib/postgresql/15/bin), else the one on PATH."""
    for folder in PG_BIN_DIRS:
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise BackupError(_("找不到 %(name)s（请安装 postgresql-client-15）。", name=name))
    return found


def _libpq(engine: Engine) -> tuple[str, dict]:
    """A libpq connection URI for the engine's database, and the environment that
    carries its password (never on a command line, where `ps` would show it)."""
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    conninfo = url.set(drivername="postgresql", password=None)
    return conninfo.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict) -> None:
    # The command is ours (pg_dump/pg_restore and fixed options); the only value from
    # outside is the database URI, passed as one argument, never through a shell.
    done = subprocess.run(command, env=env, capture_output=True, text=True)  # nosec B603
    if done.returncode != 0:
        raise BackupError(_("%(tool)s 出错：%(error)s", tool=Path(command[0]).name,
                            error=done.stderr.strip()[-2000:]))


# --- backup --------------------------------------------------------------------------------

def backup(output: Path, *, pg_snapshot: str | None = None) -> dict:
    """Write the archive to ``output`` (atomically, readable by its owner only) and
    return its manifest. ``pg_snapshot``: dump the state of a snapshot exported by
    another session (``pg_export_snapshot()``) instead of a new one."""
    engine = db.engine
    backend = engine.dialect.name
    if backend not in DATABASE_FILE:
        raise BackupError(_("不支持的数据库：%(name)s", name=backend))
    if pg_snapshot is not None and (backend != "postgresql" or not _SNAPSHOT_ID.match(pg_snapshot)):
        raise BackupError(_("--snapshot 只用于 PostgreSQL，值为 pg_export_snapshot() 给出的快照编号。"))
    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_work(output.parent)
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=WORK_PREFIX) as tmp:
        dump = Path(tmp) / DATABASE_FILE[backend]
        if backend == "sqlite":
            snapshot = _backup_sqlite(engine, dump)
        else:
            snapshot = _backup_postgresql(engine, dump, pg_snapshot)
        files = _upload_files(folder, snapshot.image_names)
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "database": backend,
            "revision": snapshot.revision,
            "counts": snapshot.counts,
            "files": {name: {"size": path.stat().st_size, "sha256": _sha256(path)}
                      for name, path in files.items()},
            "missing_files": _missing_images(folder, snapshot.image_names),
        }
        partial = Path(tmp) / "archive.tar.gz"
        with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as raw, \
                tarfile.open(fileobj=raw, mode="w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(datetime.now().timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=DATABASE_FILE[backend])
            for name, path in files.items():
                tar.add(path, arcname=name)
        os.replace(partial, output)
    return manifest


def _remove_stale_work(folder: Path, older_than_hours: float = 24) -> None:
    """Remove the work folders of backups that were killed (SIGKILL, a power cut: the
    ones stopped by SIGTERM clean up after themselves): each holds a full copy of the
    database, which must not outlive the archives' clean-up or a resident's erasure.
    A folder younger than a day may be another backup's, still running."""
    cutoff = time.time() - older_than_hours * 3600
    for path in folder.glob(f"{WORK_PREFIX}*"):
        try:
            if path.is_dir() and not path.is_symlink() and path.stat().st_mtime < cutoff:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            continue


def _sqlite_copy(source_path: str | Path, target_path: str | Path) -> None:
    """SQLite's online backup. pages=-1: the whole database in one step, under one read
    transaction; in WAL mode writers go on meanwhile and the copy is one moment."""
    source = sqlite3.connect(source_path, timeout=30)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target, pages=-1)
    finally:
        target.close()
        source.close()


def _backup_sqlite(engine: Engine, dump: Path) -> Snapshot:
    _sqlite_copy(engine.url.database, dump)
    copy = create_engine(f"sqlite:///{dump}")
    try:
        with copy.connect() as conn:
            return _read_snapshot(conn)
    finally:
        copy.dispose()


def _backup_postgresql(engine: Engine, dump: Path, pg_snapshot: str | None) -> Snapshot:
    conninfo, env = _libpq(engine)
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        with conn.begin():
            if pg_snapshot is None:
                pg_snapshot = conn.scalar(text("SELECT pg_export_snapshot()"))
            else:
                conn.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{pg_snapshot}'")
            snapshot = _read_snapshot(conn)
            # While this transaction is open the snapshot lives: pg_dump reads the same
            # state the counts above were read in.
            _run([pg_tool("pg_dump"), "--format=custom", f"--snapshot={pg_snapshot}",
                  f"--file={dump}", f"--dbname={conninfo}"], env)
    return snapshot


# --- restore -------------------------------------------------------------------------------

def restore(archive: Path) -> dict:
    """Restore ``archive`` into the configured, empty database and uploads folder."""
    engine = db.engine
    backend = engine.dialect.name
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    try:
        tar = tarfile.open(archive, "r:*")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(_("这不是备份文件：%(error)s", error=str(error))) from None
    with tar, tempfile.TemporaryDirectory(prefix=".restore-",
                                          dir=_existing_parent(folder)) as tmp:
        manifest = _read_manifest(tar)
        if manifest["database"] != backend:
            raise BackupError(_("备份中是 %(archive)s 数据库，而 DATABASE_URL 指向 %(target)s。",
                                archive=manifest["database"], target=backend))
        if backend == "sqlite":  # a new database file's folder may not exist yet
            Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)
        tables = inspect(engine).get_table_names()
        if tables:
            raise BackupError(_("数据库不是空的（已有%(n)s张表）：只能恢复到新建的空数据库。",
                                n=len(tables)))
        if folder.exists() and any(folder.iterdir()):
            raise BackupError(_("上传目录不是空的：%(path)s", path=str(folder)))
        staged = _extract(tar, manifest, Path(tmp))
        dump = staged / DATABASE_FILE[backend]
        engine.dispose()
        if backend == "sqlite":
            _sqlite_copy(dump, engine.url.database)
        else:
            conninfo, env = _libpq(engine)
            _run([pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                  "--single-transaction", f"--dbname={conninfo}", str(dump)], env)
        if not folder.exists():
            folder.mkdir(parents=True)
            folder.chmod(FOLDER_MODE)
        uploads = staged / UPLOADS
        if uploads.is_dir():
            for entry in uploads.iterdir():
                _make_private(entry)
                shutil.move(str(entry), folder / entry.name)
    _check_counts(engine, manifest)
    return manifest


def _make_private(path: Path) -> None:
    """The modes the service writes under its UMask=0027 (the photos may show residents),
    whatever the umask of whoever runs restore (root's 022 would make them world-readable)."""
    if path.is_dir():
        path.chmod(FOLDER_MODE)
        for inner in path.rglob("*"):
            inner.chmod(FOLDER_MODE if inner.is_dir() else FILE_MODE)
    else:
        path.chmod(FILE_MODE)


def _existing_parent(folder: Path) -> Path:
    """Stage next to the uploads folder (same filesystem: the final move is a rename)."""
    parent = folder.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    return parent


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST)
        manifest = json.loads(tar.extractfile(member).read().decode("utf-8"))
    except (KeyError, ValueError, AttributeError):
        raise BackupError(_("这不是备份文件：没有 manifest.json。")) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(_("无法识别的备份格式：%(format)s", format=manifest.get("format")))
    return manifest


def _extract(tar: tarfile.TarFile, manifest: dict, into: Path) -> Path:
    """Only the names the manifest lists (and the dump), each file checked against its
    hash: a damaged or tampered archive is refused before anything is written."""
    expected = dict(manifest["files"])
    dump_name = DATABASE_FILE[manifest["database"]]
    for member in tar:
        name = member.name
        if name == MANIFEST:
            continue
        if not member.isfile() or (name != dump_name and name not in expected):
            raise BackupError(_("备份文件中有不应有的内容：%(name)s", name=name))
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with tar.extractfile(member) as source, open(target, "wb") as out:
            for block in iter(lambda: source.read(1 << 20), b""):
                digest.update(block)
                out.write(block)
        if name in expected and digest.hexdigest() != expected.pop(name)["sha256"]:
            raise BackupError(_("备份文件已损坏：%(name)s 与记录的校验值不符。", name=name))
    if expected:
        raise BackupError(_("备份文件不完整，缺少：%(names)s", names=", ".join(sorted(expected)[:5])))
    if not (into / dump_name).is_file():
        raise BackupError(_("备份文件中没有数据库。"))
    return into


def _check_counts(engine: Engine, manifest: dict) -> None:
    with engine.connect() as conn:
        restored = _count_rows(conn)
    if restored != manifest["counts"]:
        wrong = sorted(name for name in set(restored) | set(manifest["counts"])
                       if restored.get(name) != manifest["counts"].get(name))
        raise BackupError(_("恢复后这些表的行数与备份记录不符：%(tables)s", tables=", ".join(wrong)))
