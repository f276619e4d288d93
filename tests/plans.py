"""The figures of one of the pages' plans, run alone (review "maintain" #3).

The pages never call a figure's function: each asks for its plan
(``findings_counts_plan`` …) and runs it with the rest of the page in one statement
(``rollups.batch.run_together``). The functions below run that same plan alone — the
page's own statements and shape, not a second path beside them — so a test of the
figures tests what the pages show; they live here, not in tracker/, so nothing there
looks like an API the pages skip.
"""
from __future__ import annotations

from datetime import date
from typing import Sequence

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Member
from tracker.outbox.queries import channel_status_plan
from tracker.reports.figures import ledger_plan
from tracker.reports.xlsx_export import INDENT
from tracker.rollups import Scope
from tracker.rollups.batch import run
from tracker.rollups.checklist import resource_progress_by_category_plan
from tracker.rollups.double import double_progress_plan
from tracker.rollups.figures import figures_by_category_plan
from tracker.rollups.findings import findings_counts_plan
from tracker.rollups.needs import need_counts_plan


def findings_counts(scope: Scope):
    return run(findings_counts_plan(scope))


def need_counts(scope: Scope, today: date, *, per: str | None = None):
    return run(need_counts_plan(scope, today, per=per))


def figures_by_category(scope: Scope, *, include_empty: bool = True):
    return run(figures_by_category_plan(scope, include_empty=include_empty))


def double_progress(scope: Scope, by: str = "zone", *, year_to_date: bool = True):
    return run(double_progress_plan(scope, by, year_to_date=year_to_date))


def resource_progress_by_category(year: int, community_ids: Sequence[int] | None = None,
                                  unit_id: int | None = None, until=None):
    return run(resource_progress_by_category_plan(year, community_ids, unit_id, until))


def channel_status():
    return run(channel_status_plan())


def ledger_rows(scope: Scope):
    return run(ledger_plan(scope))


def paragraph_text(value: str) -> str:
    """A summary-sheet cell's text as the paragraph it holds (its line breaks and its
    indent taken out): the workbook's reader wanting the sentence back."""
    return str(value).replace("\n", "").removeprefix(INDENT)


def password_signs_in(phone: str, password: str) -> Member | None:
    """The active member with this phone whose password is this one: what a stored
    credential must pass (the login page checks the same, after its throttle)."""
    member = db.session.scalar(select(Member).where(Member.phone == phone.strip()))
    if member is None or not member.password_hash or not member.active:
        return None
    return member if member.check_password(password) else None
