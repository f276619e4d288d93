"""`flask mend-finding-photos`: a finding has one photo (docs/design.md, 现场照片), yet
two uploads at once could leave two or more live before the upload held the finding's
row (photo55). The command keeps the newest — the one the page shows — and retires the
others as a new photo retires the one it replaces: hidden, a ``remove_photo`` audit row,
their image files deleted once the change commits. Without --apply it only says what it
would do. The duplicates are seeded as the race left them: rows written directly, every
live photo's files on disk."""
from __future__ import annotations

import secrets
from pathlib import Path

from flask_babel import force_locale
from sqlalchemy import select

from tests.rollups import builders
from tracker.extensions import db
from tracker.models import AuditEvent, Photo
from tracker.services.photos import finding_photo, image_path


def _live(finding_id=None, *, report_of=None) -> list[int]:
    """The live photos of a finding, or of a task's report (``report_of``), by id."""
    where = (Photo.finding_id == finding_id if report_of is None
             else (Photo.task_id == report_of) & Photo.finding_id.is_(None))
    return list(db.session.scalars(select(Photo.id).where(where, Photo.active.is_(True))
                                   .order_by(Photo.id)))


def _files(app) -> list[str]:
    folder = Path(app.config["UPLOAD_FOLDER"]) / "photos"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _names(photos) -> list[str]:
    return sorted(f"{p.stored_name}{end}" for p in photos for end in (".jpg", "_t.jpg"))


def _photo(world, finding=None, *, live: bool = True) -> Photo:
    """A photo row written directly, its image and thumbnail on disk when live (a
    replaced or removed one's files are gone)."""
    name = secrets.token_hex(16)
    if live:
        for thumb in (False, True):
            path = image_path(name, thumb)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"jpeg")
    photo = Photo(task_id=world.past_task.id, finding_id=finding.id if finding else None,
                  stored_name=name, width=1200, height=1600, size_bytes=4,
                  uploaded_by_id=world.leader.id, active=live)
    db.session.add(photo)
    db.session.flush()
    return photo


def _raced(world):
    """Two findings a race left with two and three live photos; one with a single live
    photo (and the one it replaced); the report's two photos. Returns them by name."""
    two, three, single = (builders.finding(world.past_task, world.leader) for _ in range(3))
    seeded = {"two": two, "three": three, "single": single,
              "two_photos": [_photo(world, two), _photo(world, two)],
              "three_photos": [_photo(world, three) for _ in range(3)],
              "single_replaced": _photo(world, single, live=False),
              "single_photo": _photo(world, single),
              "report": [_photo(world), _photo(world)]}
    db.session.commit()
    return seeded


def _audit() -> list[tuple]:
    return [(e.action, e.entity_type, e.entity_id, e.actor_id, e.detail)
            for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_it_keeps_the_newest_photo_of_each_finding_and_deletes_only_the_others_files(
        app, world, runner):
    s = _raced(world)
    two, three = s["two_photos"], s["three_photos"]
    shown = [finding_photo(s["two"]).id, finding_photo(s["three"]).id]
    before = _audit()

    result = runner.invoke(args=["mend-finding-photos", "--apply"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()

    # one live photo each: the newest, the one the page showed before
    assert _live(finding_id=s["two"].id) == [two[-1].id]
    assert _live(finding_id=s["three"].id) == [three[-1].id]
    assert [finding_photo(s["two"]).id, finding_photo(s["three"]).id] == shown
    # a finding with one live photo and the report's photos are left alone
    assert _live(finding_id=s["single"].id) == [s["single_photo"].id]
    assert _live(report_of=world.past_task.id) == [p.id for p in s["report"]]
    # the retired photos' rows stay (history); exactly their files are gone
    retired = [two[0], three[0], three[1]]
    assert all(db.session.get(Photo, p.id).active is False for p in retired)
    assert _files(app) == _names([two[-1], three[-1], s["single_photo"], *s["report"]])
    # each retired photo audited as taken off, by no member, naming the photo kept
    added = _audit()[len(before):]
    assert [(action, kind, entity, actor) for action, kind, entity, actor, _ in added] == [
        ("remove_photo", "photo", p.id, None) for p in retired]
    assert [(d["finding_id"], d["kept"], d["via"]) for *_, d in added] == [
        (s["two"].id, two[-1].id, "mend-finding-photos"),
        (s["three"].id, three[-1].id, "mend-finding-photos"),
        (s["three"].id, three[-1].id, "mend-finding-photos")]
    assert f"摸排问题 {s['two'].id}：保留照片 {two[-1].id}，已停用照片 {two[0].id}" in result.output
    assert f"已停用照片 {three[0].id}、{three[1].id}" in result.output
    assert "已处理 2 个摸排问题，停用了 3 张较早的照片。" in result.output

    # safe to run twice: the second run finds nothing and changes nothing
    after = (_files(app), _audit())
    again = runner.invoke(args=["mend-finding-photos", "--apply"])
    assert again.exit_code == 0, again.output
    assert "没有摸排问题同时有多张在用照片，无需处理。" in again.output
    assert (_files(app), _audit()) == after


def test_without_apply_it_only_says_what_it_would_do(app, world, runner):
    s = _raced(world)
    two, three = s["two_photos"], s["three_photos"]
    before = (_live(finding_id=s["two"].id), _live(finding_id=s["three"].id),
              _files(app), _audit())

    result = runner.invoke(args=["mend-finding-photos"])
    assert result.exit_code == 0, result.output
    assert (f"摸排问题 {s['two'].id}：将保留照片 {two[-1].id}（页面显示的最新一张），"
            f"停用照片 {two[0].id} 并删除其图片文件。") in result.output
    assert f"停用照片 {three[0].id}、{three[1].id} 并删除" in result.output
    assert f"摸排问题 {s['single'].id}" not in result.output
    assert "试运行，未做任何更改：2 个摸排问题共有 3 张较早的照片将被停用。" in result.output
    db.session.expire_all()
    assert (_live(finding_id=s["two"].id), _live(finding_id=s["three"].id),
            _files(app), _audit()) == before


def test_a_run_whose_commit_fails_retires_nothing_and_deletes_no_file(
        app, world, runner, commit_fails):
    s = _raced(world)
    before = (_live(finding_id=s["two"].id), _live(finding_id=s["three"].id),
              _files(app), _audit())
    commit_fails()

    result = runner.invoke(args=["mend-finding-photos", "--apply"])
    assert result.exit_code != 0
    db.session.rollback()
    db.session.expire_all()
    assert (_live(finding_id=s["two"].id), _live(finding_id=s["three"].id),
            _files(app), _audit()) == before


def test_the_photos_it_names_are_listed_as_the_output_s_language_lists(app, world, runner):
    """The ids of a finding's older photos are a list of the output's language: 「、」 in
    Chinese, ", " in English — no Chinese mark in an English line."""
    three = _raced(world)["three_photos"]
    with force_locale("en"):
        result = runner.invoke(args=["mend-finding-photos"])
    assert result.exit_code == 0, result.output
    assert f"{three[0].id}, {three[1].id}" in result.output
    assert "、" not in result.output
