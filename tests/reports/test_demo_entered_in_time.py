"""Review docread40, #1: the demo's history is one the app's own rules allow. A signed
月报 or 年度总结 is changed by an admin only (docs/design.md: a fund entry, 冲销 or
补录 dated in a 已定稿 month or year is refused to a liaison), so nothing a signed
document counts — a fund entry or its reversal, a 补录, a report, its review, the hours
confirmed, a survey's findings, and their audit rows — reads as entered after that
document was signed, nor by someone the rules would then have refused. The demo is
loaded at 10:00 on the 15th of January (its December signed on the 5th, last year on
the 10th) and of June, and on the 6th of December, the day after its November was
signed: a need posted late in November and claimed after the 5th would join November's
本月发布 ("Whose a need is") after it was signed (doc44 #4)."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from tests.clock import set_app_clock
from tracker import timeutil
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    AuditEvent,
    Finding,
    FundEntry,
    Member,
    Need,
    ReportStatus,
    Role,
    SummaryNote,
    Task,
    YearNote,
)


@pytest.fixture(params=[(1, 15), (6, 15), (12, 6)], ids=["January", "June", "December 6"])
def loaded_on(request, monkeypatch):
    month, day = request.param
    return set_app_clock(monkeypatch, date(timeutil.local_today().year + 1, month, day))


def _signings(world) -> list[tuple[int, int | None, datetime]]:
    """(year, month or None for the year, when signed) of each signed document."""
    months = [(n.year, n.month, n.finalized_at) for n in db.session.scalars(
        select(SummaryNote).where(SummaryNote.finalized_at.is_not(None)))]
    years = [(n.year, None, n.finalized_at) for n in db.session.scalars(
        select(YearNote).where(YearNote.finalized_at.is_not(None)))]
    assert months and years
    return months + years


def _entered(world) -> list[tuple[str, date, datetime, int]]:
    """What a 月报 or 年度总结 counts, each with the day it counts on, when it was
    entered and by whom: (what, day, entered at, who)."""
    rows = []
    entries = db.session.scalars(select(FundEntry).where(FundEntry.unit_id == world.unit.id))
    for e in entries:
        rows.append((f"fund entry {e.id}", e.entry_date, e.created_at, e.created_by_id))
    counted = [t for t in db.session.scalars(select(Task).where(Task.unit_id == world.unit.id))
               if t.report is not None and t.report.status == ReportStatus.approved]
    for t in counted:
        day, report = t.service_date, t.report
        rows.append((f"report of task {t.id}", day, report.submitted_at, report.submitted_by_id))
        rows.append((f"review of task {t.id}", day, report.reviewed_at, report.reviewed_by_id))
        if t.backfilled:
            rows.append((f"补录 task {t.id}", day, t.created_at, t.created_by_id))
        for a in db.session.scalars(select(Assignment).where(
                Assignment.task_id == t.id, Assignment.status == AssignmentStatus.done)):
            if a.confirmed_at is not None:
                rows.append((f"hours of assignment {a.id}", day, a.confirmed_at, a.member_id))
        for finding in db.session.scalars(select(Finding).where(Finding.task_id == t.id)):
            rows.append((f"finding {finding.id}", day, finding.created_at,
                         finding.created_by_id))
        # the audit trail says when each of them was entered, and by whom
        for kind, ids, actions in (
                ("task", [t.id], ("backfill",)),
                ("task_report", [report.id], ("submit", "resubmit", "return", "approve")),
                ("assignment", [a.id for a in t.assignments], ("assign", "claim", "confirm")),
                ("finding", [f.id for f in db.session.scalars(
                    select(Finding).where(Finding.task_id == t.id))], ("record_finding",))):
            for event in db.session.scalars(select(AuditEvent).where(
                    AuditEvent.entity_type == kind, AuditEvent.entity_id.in_(ids),
                    AuditEvent.action.in_(actions))):
                rows.append((f"audit {event.action} of {kind} {event.entity_id}", day,
                             event.created_at, event.actor_id))
    # a need counts in the month it was posted (本月发布) and the one it was fulfilled
    # (本月完成), the unit's from its claim on: posted, claimed and fulfilled before a
    # month that counts it was signed
    for need in db.session.scalars(select(Need)):  # the demo's communities' only
        counted_on = [need.posted_on, *([need.fulfilled_on] if need.fulfilled_on else [])]
        steps = [("posting", need.created_at, need.created_by_id, "need_post")]
        if need.claimed_at is not None:
            steps.append(("claim", need.claimed_at, need.claimed_by_id, "need_claim"))
        if need.fulfilled_at is not None:
            steps.append(("fulfilment", need.fulfilled_at, need.fulfilled_by_id, "need_fulfil"))
        for day in counted_on:
            for what, at, who, action in steps:
                rows.append((f"{what} of need {need.id}", day, at, who))
                for event in db.session.scalars(select(AuditEvent).where(
                        AuditEvent.entity_type == "need", AuditEvent.entity_id == need.id,
                        AuditEvent.action == action)):
                    rows.append((f"audit {action} of need {need.id}", day, event.created_at,
                                 event.actor_id))
    for event in db.session.scalars(select(AuditEvent).where(
            AuditEvent.entity_type == "fund_entry")):
        entry = db.session.get(FundEntry, event.entity_id)
        rows.append((f"audit {event.action} of fund entry {entry.id}", entry.entry_date,
                     event.created_at, event.actor_id))
    return rows


def test_nothing_a_signed_document_counts_was_entered_after_it_was_signed(
        loaded_on, seeded_demo):
    world = seeded_demo(loaded_on)
    signings = _signings(world)
    admins = set(db.session.scalars(select(Member.id).where(Member.role == Role.admin)))
    rows = _entered(world)
    assert any(what.startswith("fund entry") for what, *_ in rows)
    assert any(what.startswith("补录") for what, *_ in rows)
    assert any(what.startswith("claim of need") for what, *_ in rows)
    late, refused = [], []
    for what, day, at, who in rows:
        for year, month, signed_at in signings:
            if day.year == year and month in (None, day.month) and at > signed_at:
                late.append((what, day, timeutil.to_local(at), (year, month)))
                if who not in admins:
                    refused.append((what, day, (year, month)))
    assert refused == [], refused[:10]
    assert late == [], late[:10]
    # and none is entered later than the demo was loaded, nor before its own day began
    now = timeutil.utcnow()
    assert [r for r in rows if r[2] > now] == []
