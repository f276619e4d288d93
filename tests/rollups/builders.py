"""Builders for histories of tasks, participations, reports and findings.

They write rows directly (no services) so any state can be reached quickly; each
flushes, none commits.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from tests import factories as f
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    Finding,
    FindingKind,
    FindingStatus,
    FundEntry,
    ReportStatus,
    Task,
    TaskReport,
    TaskStatus,
)
from tracker.timeutil import LOCAL_TZ


def at_local(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_TZ).astimezone(timezone.utc)


def task_on(item, creator, day: date, *, status: TaskStatus = TaskStatus.closed, hours: int = 2,
            leader=None, slots: int = 30, title: str | None = None, hour: int = 9) -> Task:
    return f.task(item, creator, starts_at=at_local(day, hour), duration=timedelta(hours=hours),
                  status=status, slots=slots, leader=leader, title=title)


def join(task: Task, member, status: AssignmentStatus = AssignmentStatus.done,
         minutes: int | None = 60) -> Assignment:
    a = Assignment(task_id=task.id, member_id=member.id, status=status,
                   minutes=minutes if status == AssignmentStatus.done else None)
    db.session.add(a)
    if status != AssignmentStatus.withdrawn:
        task.taken += 1
    db.session.flush()
    return a


def report(task: Task, submitter, status: ReportStatus = ReportStatus.approved,
           quantity: int = 0, people: int = 0) -> TaskReport:
    r = TaskReport(task_id=task.id, quantity=quantity, people_served=people, note="情况说明",
                   status=status, submitted_by_id=submitter.id,
                   return_reason="请补充" if status == ReportStatus.returned else None)
    db.session.add(r)
    db.session.flush()
    return r


def finding(task: Task, creator, kind: FindingKind = FindingKind.sewer,
            status: FindingStatus = FindingStatus.found, active: bool = True) -> Finding:
    handed = task.service_date if status != FindingStatus.found else None
    fnd = Finding(task_id=task.id, unit_id=task.unit_id, community_id=task.community_id,
                  zone_id=task.zone_id, found_on=task.service_date, kind=kind, place="路口",
                  status=status, handed_to="市政所" if handed else None, handed_over_on=handed,
                  fixed_on=handed if status == FindingStatus.fixed else None,
                  created_by_id=creator.id, active=active)
    db.session.add(fnd)
    db.session.flush()
    return fnd


def fund(unit, community, creator, day: date, fen: int) -> FundEntry:
    e = FundEntry(unit_id=unit.id, community_id=community.id, entry_date=day, amount_fen=fen,
                  purpose="共建活动", created_by_id=creator.id)
    db.session.add(e)
    db.session.flush()
    return e
