"""A member's own figures: their official activities and hours in a period, and those
still 待审核 — what 我的参与情况 (progress/mine), 我的任务 and the service record show.
A member sees their own figures and nobody else's (apart from ``coverage``, a unit's)."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, func, select

from ..extensions import db
from ..models import CountedParticipation
from ..sql_hints import constants_written_out
from .figures import ONE, if_approved, if_submitted
from .scope import Scope, participation_conditions


@dataclass(frozen=True)
class MemberStatus:
    """A member's own participation in a period (nobody else's, no comparison)."""

    activities: int  # done participations in approved tasks
    minutes: int
    pending: int  # done participations in tasks still 待审核


def _member_status_columns() -> list:
    """A member's activities, minutes and 待审核 participations, over their counted rows
    in the period (``_member_rows``)."""
    status = CountedParticipation.report_status
    return [func.count(if_approved(ONE, status)),
            func.coalesce(func.sum(if_approved(CountedParticipation.minutes, status)), 0),
            func.count(if_submitted(ONE, status))]


def _member_rows() -> list:
    """The member's counted rows in the period: parameters ``member_id``, ``date_from``
    and ``date_to``."""
    return [CountedParticipation.member_id == bindparam("member_id"),
            *participation_conditions(Scope(bindparam("date_from"), bindparam("date_to")))]


@functools.cache
def _member_status_statement():
    """Built once per process with the member and the period as parameters: 我的任务
    runs it on every load, and building it (and its cache key) cost more than running
    it on a member's few rows."""
    return select(*_member_status_columns()).where(*_member_rows())


@functools.cache
def member_totals_columns() -> dict:
    """``member_totals`` as scalar subqueries ({"activities", "minutes"}; parameters
    ``member_id``, ``date_from``, ``date_to``), for a page that reads them in a
    statement it runs anyway (我的任务: with the menu's counts), built once."""
    activities, minutes, _pending = _member_status_columns()
    # its statuses written out, as the counts' own (``owed._counts_statement``)
    return {name: constants_written_out(select(column).where(*_member_rows()).scalar_subquery())
            for name, column in (("activities", activities), ("minutes", minutes))}


def member_status(member_id: int, date_from: date, date_to: date) -> MemberStatus:
    """A member's own official activities and hours, and those still 待审核 (one statement)."""
    activities, minutes, pending = db.session.execute(
        _member_status_statement(),
        {"member_id": member_id, "date_from": date_from, "date_to": date_to},
    ).one()
    return MemberStatus(int(activities), int(minutes), int(pending))


def member_totals(member_id: int, date_from: date, date_to: date) -> tuple[int, int]:
    """A member's own official activities and minutes in a period (one statement)."""
    status = member_status(member_id, date_from, date_to)
    return status.activities, status.minutes
