"""A retention run (`flask purge-residents`, daily from a timer) erases each resident on
their own: one whose erasure is refused — a signed 月报 copy that cannot be redacted —
keeps all of their data and stops no other; the output names the refused one by id
(never by name: it goes to the journal) with the reason, and the status is non-zero so
the timer's unit shows failed (review, session 27: one refusal used to roll back the
whole run, every day). The dry run tells the same, changing nothing.
"""
from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import docx
from sqlalchemy import select

from tests import factories as f
from tests.needs.support import need
from tests.onsite import samples
from tests.residents.support import name_served
from tests.residents.support import resident as make_resident
from tests.web.manage_support import backfill_form
from tracker.extensions import db
from tracker.models import AuditEvent, Need, NeedStatus, Resident, SummaryCopy, Task
from tracker.services.photos import image_path, store_image
from tracker.timeutil import local_today, utcnow

KEPT = "钱爷爷"  # the one whose signed copy cannot be redacted
ERASED = ("孙奶奶", "周大爷")


def _archived(world, name: str, phone: str, days: int) -> Resident:
    person = make_resident(world.community, world.liaison, name=name, phone=phone, active=False)
    person.address = f"建设路{phone[-2:]}号"
    person.archived_at = utcnow() - timedelta(days=days + 1)
    return person


def _with_photo_need(world, person: Resident) -> Need:
    """A fulfilled 微心愿 for ``person`` naming them, with its completion photo."""
    done = need(world.community, world.liaison, title=f"帮{person.name}修轮椅",
                status=NeedStatus.fulfilled, claimer=world.member, resident_id=person.id)
    done.fulfilled_on, done.fulfil_note = local_today(), f"{person.name}很满意"
    done.fulfil_photo, _ = store_image(samples.phone_jpeg(400, 300))
    return done


def _split_name_into_docx(copy: SummaryCopy, name: str) -> None:
    """The signed copy's .docx gets a paragraph whose text reads ``name`` with the name
    split over two runs (as Word writes text typed in two goes): python-docx reads the
    paragraph as naming them, the redaction of the XML's text finds no whole name, so
    the copy cannot be claimed redacted and the erasure is refused."""
    document = docx.Document(io.BytesIO(copy.docx))
    paragraph = document.add_paragraph("备注：")
    paragraph.add_run(name[0])
    paragraph.add_run(name[1:])
    out = io.BytesIO()
    document.save(out)
    copy.docx = out.getvalue()


def test_one_refused_erasure_keeps_that_resident_and_stops_no_other(
        app, client, login, runner, world):
    days = app.config["RESIDENT_RETENTION_DAYS"]
    kept = _archived(world, KEPT, "13900000011", days)  # the first the run meets
    others = [_archived(world, name, f"1390000002{n}", days) for n, name in enumerate(ERASED)]
    kept_need = _with_photo_need(world, kept)
    other_needs = [_with_photo_need(world, person) for person in others]
    visits = f.item(world.unit, world.community, "elderly_visit")
    db.session.commit()
    # 钱爷爷 was visited last month, and that month's 月报 was signed
    day = local_today().replace(day=1) - timedelta(days=20)
    login(world.liaison)
    response = client.post("/manage/backfill", data=backfill_form(
        world, resource_item=visits.id, title="慰问空巢老人", place="建设路11号",
        beneficiary="空巢老人", note=f"为{KEPT}打扫卫生。", people_served="1",
        starts_at=f"{day.isoformat()}T09:00", ends_at=f"{day.isoformat()}T11:00"))
    assert response.status_code == 302
    visit = db.session.scalar(select(Task).where(Task.title == "慰问空巢老人"))
    name_served(visit, [kept])
    db.session.commit()
    login(world.admin)
    query = f"unit={world.unit.id}&month={day.strftime('%Y-%m')}"
    assert client.post(f"/reports/finalize?{query}", data={"confirmed": "1"}).status_code == 302
    copy = db.session.scalar(select(SummaryCopy))
    _split_name_into_docx(copy, KEPT)
    db.session.commit()
    signed = (copy.page, copy.csv, copy.docx, copy.xlsx)
    photos = {n.id: Path(image_path(n.fulfil_photo)) for n in [kept_need, *other_needs]}
    assert all(path.exists() for path in photos.values())

    dry = runner.invoke(args=["purge-residents", "--dry-run"])
    assert dry.exit_code != 0, dry.output
    assert "2 archived residents" in dry.output and "would be erased" in dry.output
    assert "1 residents would not be erased" in dry.output
    assert f"resident {kept.id}: " in dry.output and "未能脱敏" in dry.output
    db.session.expire_all()
    assert all(db.session.get(Resident, p.id).erased_at is None for p in [kept, *others])
    assert all(path.exists() for path in photos.values())  # the dry run removed no file

    result = runner.invoke(args=["purge-residents"])
    assert result.exit_code != 0, result.output
    assert "2 archived residents" in result.output and "erased" in result.output
    refusals = [line for line in result.output.splitlines() if "未能脱敏" in line]
    assert len(refusals) == 1 and re.match(rf"\s*resident {kept.id}: ", refusals[0]), refusals
    for name in (KEPT, *ERASED):  # ids only: the output goes to the journal
        assert name not in result.output

    db.session.expire_all()
    for person, done in zip(others, other_needs):  # erased, though a refusal came first
        erased = db.session.get(Resident, person.id)
        assert erased.erased_at is not None and erased.name not in ERASED
        assert db.session.get(Need, done.id).fulfil_photo is None
        assert not photos[done.id].exists()
    # 钱爷爷: every bit of his data as it was, the photo file too, and the signed copy
    held = db.session.get(Resident, kept.id)
    assert (held.erased_at, held.name, held.phone, held.address) == (
        None, KEPT, "13900000011", "建设路11号")
    kept_need = db.session.get(Need, kept_need.id)
    assert kept_need.title == f"帮{KEPT}修轮椅" and kept_need.fulfil_note == f"{KEPT}很满意"
    assert kept_need.fulfil_photo is not None and photos[kept_need.id].exists()
    copy = db.session.scalar(select(SummaryCopy))
    assert (copy.page, copy.csv, copy.docx, copy.xlsx) == signed and copy.redacted_at is None
    assert db.session.scalar(select(Task.title).where(Task.id == visit.id)) == "慰问空巢老人"
    assert sorted(db.session.scalars(select(AuditEvent.entity_id).where(
        AuditEvent.action == "erase", AuditEvent.entity_type == "resident"))) == sorted(
        p.id for p in others)

    again = runner.invoke(args=["purge-residents"])  # the next day: still named, still failed
    assert again.exit_code != 0 and again.output.startswith("0 archived")
    assert f"resident {kept.id}: " in again.output
