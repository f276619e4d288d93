"""`flask backup` while members claim, confirm, report and upload photos in other
processes; `flask restore` of that archive into an empty database and folder gives back
every figure of the month and every photo file exactly as they were at the backup's
moment — on SQLite and on PostgreSQL.

How the test knows "the state at the backup's moment" without trusting the backup:
- PostgreSQL: the test itself opens a REPEATABLE READ transaction, exports its
  snapshot and computes the figures in it through the app's own reports; `flask
  backup --snapshot` dumps that same snapshot. Restored figures must equal those.
- SQLite: the online backup API's copy is the moment. The test reads the copy straight
  out of the archive (not through `restore`), and checks that it is a real moment of
  the source: SQLite commits one writer at a time and every change writes an audit
  row, so the copy's audit rows must be exactly the source's first N.
On both, writes are shown to have happened before and after the snapshot, so the
backup ran under load, not in a quiet moment.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import queue
import stat
import tarfile
import time
import traceback
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from tests import races
from tests.deadlines import HUNG_SECONDS
from tests.flask_cli import prepare_with_flask, run_flask_forked
from tests.scratch_app import engine_on, inside, scratch_app
from tests.scratch_db import BACKENDS, fresh_database

WRITERS = 3
# Enough work that the writers are still busy when the backup (a separate, slowly
# starting process) has finished: they are stopped by the test, not by running out.
TASKS_PER_WRITER = 120
PACE = 0.005  # seconds between two transactions of a writer: the same reason
GROUP = 3  # members per task
FUTURE_SLOTS = 12  # the task members race to claim meanwhile

pytestmark = pytest.mark.slow


def _app(url: str, uploads: Path, **extra):
    return scratch_app(url, UPLOAD_FOLDER=str(uploads), RATELIMIT_ENABLED=False, **extra)


def _build_world(url: str, uploads: Path) -> dict:
    """One unit working in two communities; per writer, tasks of last month with a
    leader and a group, an hour each and no two at the same hours (a member's time is
    counted once: a confirm of hours counted elsewhere is refused), and one upcoming
    task everybody claims."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Role
    from tracker.timeutil import utcnow

    with inside(_app(url, uploads), request=True):
        this_month = utcnow().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        start = (this_month - timedelta(days=1)).replace(day=1)  # 360 hours fit in it
        unit = f.unit("县商务局")
        paired, double = f.community("解放路社区"), f.community("建设路社区")
        items = [f.item(unit, paired, "environment_cleanup", year=start.year),
                 f.item(unit, double, "ad_removal", year=start.year)]
        liaison = f.member(unit, Role.liaison, "联络员", communities=[paired, double])
        people = [f.member(unit, name=f"党员{i:02d}") for i in range(24)]
        future = f.task(items[0], liaison, slots=FUTURE_SLOTS, title="下周环境整治")
        plans = []
        for w in range(WRITERS):
            tasks = []
            for i in range(TASKS_PER_WRITER):
                group = [people[(w * 7 + i + k) % len(people)] for k in range(GROUP + 1)]
                task = f.task(items[i % 2], liaison,
                              starts_at=start + timedelta(hours=w * TASKS_PER_WRITER + i),
                              duration=timedelta(hours=1), leader=group[0], slots=GROUP,
                              title=f"活动{w}-{i}")
                tasks.append((task.id, group[0].id, [m.id for m in group[1:]]))
            plans.append({"tasks": tasks, "claimers": [p.id for p in people[w::WRITERS]]})
        db.session.commit()
        world = {"liaison": liaison.id, "future": future.id, "plans": plans,
                 "year": start.year, "month": start.month}
    return world


def _writer(url: str, uploads: str, world: dict, plan: dict, stop, results) -> None:
    """Child process: work through the plan one transaction at a time until told to stop."""
    done, errors = 0, []
    try:
        from tests.onsite.samples import phone_jpeg
        from tracker.extensions import db
        from tracker.models import Assignment, Member, Task
        from tracker.services import ServiceError, unit_of_work
        from tracker.services.assigning import assign_member
        from tracker.services.claims import claim_slot, confirm_participation
        from tracker.services.photos import add_task_photo
        from tracker.services.reviews import ReportData, approve_report, submit_report

        photo = phone_jpeg(320, 240)
        with inside(_app(url, Path(uploads)), request=True):
            def step(action, *ids):
                nonlocal done
                if stop.is_set():
                    raise StopIteration
                with unit_of_work():
                    action(*ids)
                done += 1
                time.sleep(PACE)

            def get(model, id_):
                return db.session.get(model, id_)

            liaison = lambda: get(Member, world["liaison"])  # noqa: E731
            claimers = iter(plan["claimers"])
            try:
                for task_id, leader_id, member_ids in plan["tasks"]:
                    for member_id in member_ids:
                        step(lambda m=member_id: assign_member(get(Task, task_id), get(Member, m),
                                                               liaison()))
                    for member_id in member_ids:
                        step(lambda m=member_id: confirm_participation(
                            db.session.scalar(select(Assignment).where(
                                Assignment.task_id == task_id, Assignment.member_id == m)),
                            get(Member, m), 60))
                    step(lambda: add_task_photo(get(Task, task_id), get(Member, leader_id), photo))
                    step(lambda: submit_report(get(Task, task_id), get(Member, leader_id),
                                               ReportData(
                                                   # 牛皮癣清除 counts 处, 环境整治 none
                                                   quantity=2 if get(Task, task_id).category
                                                   .quantity_unit else None,
                                                   people_served=None, note="清理完毕")))
                    step(lambda: approve_report(get(Task, task_id).report, liaison()))
                    claimer = next(claimers, None)
                    if claimer is not None:
                        try:
                            step(lambda c=claimer: claim_slot(get(Task, world["future"]),
                                                              get(Member, c)))
                        except ServiceError as error:  # full: the polite refusal is fine
                            if "名额已满" not in str(error.message):
                                raise
            except StopIteration:
                pass
    except Exception:  # noqa: BLE001 — every failure is reported to the test
        errors.append(traceback.format_exc())
    results.put({"done": done, "errors": errors})


AUDITED = "SELECT count(*) FROM audit_event"
APPROVED = "SELECT count(*) FROM task_report WHERE status = 'approved'"


def _count(url: str, sql: str) -> int:
    with engine_on(url) as engine, engine.connect() as conn:
        return conn.scalar(text(sql))


def _wait_for_approvals(url: str, at_least: int, writers) -> int:
    """Poll until the writers have approved ``at_least`` reports in all (not a timing
    assertion: the deadline only stops a hung test). Returns the audit rows then."""
    deadline = time.monotonic() + HUNG_SECONDS
    while time.monotonic() < deadline:
        if _count(url, APPROVED) >= at_least:
            return _count(url, AUDITED)
        if not any(w.is_alive() for w in writers):
            pytest.fail("the writers stopped (or ran out of work) too early")
        time.sleep(0.1)
    pytest.fail("the writers made no progress")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _state(world: dict, *, snapshot_of=None) -> dict:
    """Every figure of the month, as the monthly summaries say it (each unit's and each
    community's CSV), every table's row count, and each photo's file hash — read in
    one transaction (the app's session; ``snapshot_of`` sets its snapshot first)."""
    from tracker.extensions import db
    from tracker.models import Community, Photo, Unit
    from tracker.ops.backup import _count_rows
    from tracker.reports.csv_export import render_csv
    from tracker.reports.summary import build_summary

    if snapshot_of is not None:
        snapshot_of()
    year, month = world["year"], world["month"]
    summaries = {}
    for unit in db.session.scalars(select(Unit).order_by(Unit.name)):
        summaries[unit.name] = render_csv(build_summary(year, month, unit=unit))
    for community in db.session.scalars(select(Community).order_by(Community.name)):
        summaries[community.name] = render_csv(build_summary(year, month, community=community))
    counts = _count_rows(db.session.connection())
    names = sorted(db.session.scalars(select(Photo.stored_name)))
    approved = db.session.scalar(text("SELECT count(*) FROM task_report WHERE status = 'approved'"))
    return {"summaries": summaries, "counts": counts, "photos": names, "approved": approved}


def _read_state(url: str, uploads: Path, world: dict) -> dict:
    with inside(_app(url, uploads, SQLALCHEMY_ENGINE_OPTIONS={}), request=True):
        from tracker.extensions import db

        state = _state(world)
        db.session.rollback()
    return state


def _photo_hashes(uploads: Path, names: list[str]) -> dict[str, str]:
    return {f"{n}{suffix}": _sha256(uploads / "photos" / f"{n}{suffix}")
            for n in names for suffix in (".jpg", "_t.jpg")}


def _backup_in_a_pg_snapshot(url: str, uploads: Path, world: dict, archive: Path):
    """Export a snapshot, compute the state in it, back it up with --snapshot."""
    from tracker.extensions import db

    with inside(_app(url, uploads, SQLALCHEMY_ENGINE_OPTIONS={}), request=True):
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        snapshot_id = db.session.scalar(text("SELECT pg_export_snapshot()"))
        state = _state(world)
        result = run_flask_forked(url, "backup", "-o", str(archive), "--snapshot", snapshot_id,
                                  env={"UPLOAD_FOLDER": str(uploads)})
        db.session.rollback()
    return state, result


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_backup_under_load_restores_the_moment_it_was_taken(backend, tmp_path,
                                                             migrated_database):
    source_uploads, restored_uploads = tmp_path / "uploads", tmp_path / "restored-uploads"
    archive = tmp_path / "backups" / "tracker.tar.gz"
    with migrated_database(backend, "source") as source, \
            fresh_database(backend, tmp_path, "restored") as target:
        world = _build_world(source, source_uploads)

        ctx = races.process_context()
        stop, results = ctx.Event(), ctx.Queue()
        writers = [ctx.Process(target=_writer, args=(source, str(source_uploads), world, plan,
                                                     stop, results))
                   for plan in world["plans"]]
        for writer in writers:
            writer.start()
        try:
            before = _wait_for_approvals(source, 2, writers)
            if backend == "postgresql":
                moment, backup = _backup_in_a_pg_snapshot(source, source_uploads, world, archive)
            else:
                backup = run_flask_forked(source, "backup", "-o", str(archive),
                                          env={"UPLOAD_FOLDER": str(source_uploads)})
            assert backup.returncode == 0, backup.stderr[-3000:]
            _wait_for_approvals(source, _count(source, APPROVED) + 2, writers)
        finally:
            stop.set()
            outcomes = []
            for _ in writers:
                try:
                    outcomes.append(results.get(timeout=HUNG_SECONDS))
                except queue.Empty:
                    break
            for writer in writers:
                writer.join(timeout=60)
                if writer.is_alive():
                    writer.kill()
        assert [e for o in outcomes for e in o["errors"]] == []
        assert len(outcomes) == WRITERS

        if backend == "sqlite":
            copy = tmp_path / "copy"
            with tarfile.open(archive) as tar:
                tar.extract("database.sqlite3", copy, filter="data")
            copy_url = f"sqlite:///{copy / 'database.sqlite3'}"
            moment = _read_state(copy_url, source_uploads, world)
            _assert_audit_prefix(copy_url, source)

        restore = run_flask_forked(target, "restore", str(archive),
                                   env={"UPLOAD_FOLDER": str(restored_uploads)})
        assert restore.returncode == 0, restore.stderr[-3000:]
        restored = _read_state(target, restored_uploads, world)
        final = _read_state(source, source_uploads, world)

    # The backup ran under load: changes committed before its moment and after it.
    assert before <= moment["counts"]["audit_event"] < final["counts"]["audit_event"]
    assert 0 < moment["approved"] < final["approved"]
    assert moment["summaries"] != final["summaries"]

    # Every figure of the month, and every row count, as at the backup's moment.
    assert restored["summaries"] == moment["summaries"]
    assert restored["counts"] == moment["counts"]
    # Every photo of that moment, byte for byte, and none from after it.
    assert restored["photos"] == moment["photos"] != []
    assert _photo_hashes(restored_uploads, restored["photos"]) == \
        _photo_hashes(source_uploads, moment["photos"])
    assert sorted(p.name for p in (restored_uploads / "photos").iterdir()) == \
        sorted(_photo_hashes(source_uploads, moment["photos"]))


def _assert_audit_prefix(copy_url: str, source_url: str) -> None:
    """SQLite: the copy's audit rows are exactly the source's first N (one moment)."""
    def ids(url):
        with engine_on(url) as engine, engine.connect() as conn:
            return list(conn.scalars(text("SELECT id FROM audit_event ORDER BY id")))

    copied, everything = ids(copy_url), ids(source_url)
    assert copied == everything[:len(copied)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_restore_refuses_a_database_or_folder_that_holds_anything(backend, tmp_path,
                                                                 migrated_database):
    uploads = tmp_path / "uploads"
    archive = tmp_path / "a.tar.gz"
    with migrated_database(backend, "src") as source, \
            fresh_database(backend, tmp_path, "dst") as target:
        assert prepare_with_flask(source, "backup", "-o", str(archive),
                                  env={"UPLOAD_FOLDER": str(uploads)}).returncode == 0

        (tmp_path / "busy").mkdir()
        (tmp_path / "busy" / "x.jpg").write_bytes(b"x")
        busy = run_flask_forked(target, "restore", str(archive),
                                env={"UPLOAD_FOLDER": str(tmp_path / "busy")})
        assert busy.returncode != 0 and "上传目录不是空的" in busy.stderr
        with engine_on(target) as engine:
            assert inspect(engine).get_table_names() == []  # nothing was written

        again = run_flask_forked(source, "restore", str(archive),  # a database with its schema
                                 env={"UPLOAD_FOLDER": str(tmp_path / "fresh")})
        assert again.returncode != 0 and "数据库不是空的" in again.stderr
        assert not (tmp_path / "fresh").exists() or not any((tmp_path / "fresh").iterdir())


@pytest.mark.sqlite_file  # the archive check does not depend on the database
def test_a_damaged_archive_is_refused_before_anything_is_written(tmp_path, migrated_database):
    uploads = tmp_path / "uploads"
    (uploads / "photos").mkdir(parents=True)
    archive = tmp_path / "a.tar.gz"
    with migrated_database("sqlite", "src") as source, \
            fresh_database("sqlite", tmp_path, "dst") as target:
        (uploads / "member-imports").mkdir()
        (uploads / "member-imports" / "note.json").write_text("{}")
        assert prepare_with_flask(source, "backup", "-o", str(archive),
                                  env={"UPLOAD_FOLDER": str(uploads)}).returncode == 0
        tampered = tmp_path / "tampered.tar.gz"
        with tarfile.open(archive) as old, tarfile.open(tampered, "w:gz") as new:
            for member in old:
                data = old.extractfile(member).read()
                if member.name.endswith("note.json"):
                    data, member.size = b"[]", 2
                new.addfile(member, io.BytesIO(data))
        result = run_flask_forked(target, "restore", str(tampered),
                                  env={"UPLOAD_FOLDER": str(tmp_path / "restored")})
        assert result.returncode != 0 and "备份文件已损坏" in result.stderr
        # Nothing was written: the untouched archive still restores into the same places.
        good = run_flask_forked(target, "restore", str(archive),
                                env={"UPLOAD_FOLDER": str(tmp_path / "restored")})
        assert good.returncode == 0, good.stderr[-2000:]
        assert (tmp_path / "restored" / "member-imports" / "note.json").read_text() == "{}"


def _world_with_every_kind_of_image(url: str, uploads: Path) -> dict:
    """A report photo, a 微心愿 fulfilled with a photo, and a second one whose photo file
    has since been lost from the folder; returns the stored names."""
    from tests import factories as f
    from tests.needs.support import need
    from tests.onsite.samples import phone_jpeg
    from tracker.extensions import db
    from tracker.models import NeedStatus, Role
    from tracker.services.needs import fulfil_need
    from tracker.services.photos import add_task_photo, remove_image
    from tracker.timeutil import utcnow

    with inside(_app(url, uploads), request=True):
        unit, community = f.unit("县商务局"), f.community("解放路社区")
        liaison = f.member(unit, Role.liaison, "联络员", communities=[community])
        leader = f.member(unit, name="组长")
        task = f.task(f.item(unit, community), liaison, leader=leader,
                      starts_at=(utcnow() - timedelta(days=1)).replace(microsecond=0))
        photo = add_task_photo(task, leader, phone_jpeg(320, 240))
        wishes = [need(community, liaison, title=title, status=NeedStatus.claimed,
                       claimer=leader) for title in ("修理轮椅", "购买老花镜")]
        for wish in wishes:
            fulfil_need(wish, liaison, "已完成", photo=phone_jpeg(320, 240))
        db.session.commit()
        names = {"task": photo.stored_name, "need": wishes[0].fulfil_photo,
                 "lost": wishes[1].fulfil_photo}
        remove_image(names["lost"])
    return names


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_need_photo_is_backed_up_and_restored_like_a_report_photo(backend, tmp_path,
                                                                   migrated_database):
    """Every image a record holds is in the archive, whoever holds it; one whose file is
    gone is named as missing (and warned about), never silently left out."""
    uploads, restored_uploads = tmp_path / "uploads", tmp_path / "restored-uploads"
    archive = tmp_path / "a.tar.gz"
    with migrated_database(backend, "src") as source, \
            fresh_database(backend, tmp_path, "dst") as target:
        names = _world_with_every_kind_of_image(source, uploads)
        backup = run_flask_forked(source, "backup", "-o", str(archive),
                                  env={"UPLOAD_FOLDER": str(uploads)})
        assert backup.returncode == 0, backup.stderr[-2000:]
        assert "2 个照片文件在上传目录中找不到" in backup.stderr
        restore = run_flask_forked(target, "restore", str(archive),
                                   env={"UPLOAD_FOLDER": str(restored_uploads)})
        assert restore.returncode == 0, restore.stderr[-2000:]

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["missing_files"] == sorted(
        f"uploads/photos/{names['lost']}{suffix}" for suffix in (".jpg", "_t.jpg"))
    kept = [names["task"], names["need"]]
    assert _photo_hashes(restored_uploads, kept) == _photo_hashes(uploads, kept)
    assert sorted(p.name for p in (restored_uploads / "photos").iterdir()) == \
        sorted(_photo_hashes(uploads, kept))


@pytest.mark.sqlite_file  # file modes do not depend on the database
def test_restored_uploads_are_not_world_readable_whatever_the_umask(tmp_path, migrated_database):
    """The photos may show residents: restored files are 0640 and folders 0750, as the
    service writes them, though restore runs under root's umask 022."""
    uploads, restored_uploads = tmp_path / "uploads", tmp_path / "restored-uploads"
    archive = tmp_path / "a.tar.gz"
    with migrated_database("sqlite", "src") as source, \
            fresh_database("sqlite", tmp_path, "dst") as target:
        _world_with_every_kind_of_image(source, uploads)
        (uploads / "member-imports").mkdir()
        (uploads / "member-imports" / "note.json").write_text("{}")
        assert prepare_with_flask(source, "backup", "-o", str(archive),
                                  env={"UPLOAD_FOLDER": str(uploads)}).returncode == 0
        previous = os.umask(0o022)
        try:
            restore = run_flask_forked(target, "restore", str(archive),
                                       env={"UPLOAD_FOLDER": str(restored_uploads)})
        finally:
            os.umask(previous)
        assert restore.returncode == 0, restore.stderr[-2000:]

    entries = [restored_uploads, *restored_uploads.rglob("*")]
    assert len(entries) > 5
    modes = {p.relative_to(tmp_path).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in entries}
    assert modes == {name: 0o750 if (tmp_path / name).is_dir() else 0o640 for name in modes}


@pytest.mark.parametrize("backend", BACKENDS)
def test_restore_names_the_next_step_by_the_backups_schema(backend, tmp_path, migrated_database):
    """A backup of an earlier schema: restore says to run the upgrade with the command
    the admin has on the server (tracker-flask, docs/deploy.md), not a bare `flask` that
    root does not have. A backup written by a newer release than the code: restore says
    so, and that the code must first go back to that release (an upgrade cannot help)."""
    older, newer = tmp_path / "older.tar.gz", tmp_path / "newer.tar.gz"
    with migrated_database(backend, "src") as source:
        assert prepare_with_flask(source, "db", "downgrade", "0032_roll_periods").returncode == 0
        assert prepare_with_flask(source, "backup", "-o", str(older),
                                  env={"UPLOAD_FOLDER": str(tmp_path / "u1")}).returncode == 0
        with engine_on(source) as engine, engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '0999_later'"))
        assert prepare_with_flask(source, "backup", "-o", str(newer),
                                  env={"UPLOAD_FOLDER": str(tmp_path / "u2")}).returncode == 0
    for archive, name in ((older, "older"), (newer, "newer")):
        with fresh_database(backend, tmp_path, name) as target:
            result = run_flask_forked(target, "restore", str(archive),
                                      env={"UPLOAD_FOLDER": str(tmp_path / f"r-{name}")})
            assert result.returncode == 0, result.stderr[-2000:]
            if archive is older:
                assert "请运行 tracker-flask db upgrade" in result.stdout
            else:
                assert "备份来自较新的版本（0999_later）" in result.stdout
                assert "db upgrade" not in result.stdout
