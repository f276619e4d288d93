"""Helpers shared by the liaison-page tests (tests/web/test_manage_*.py, test_review_reports.py)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from tests import factories as f
from tests.audit import work_event_count
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    ReportStatus,
    Task,
    TaskReport,
)
from tracker.timeutil import to_local, utcnow

FMT = "%Y-%m-%dT%H:%M"


def local(days: int, hour: int, minute: int = 0) -> datetime:
    """A naive Asia/Shanghai wall-clock time ``days`` from today."""
    day = to_local(utcnow()).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute)


def task_form(**changes) -> dict:
    """Valid POST data for the create form (times as datetime-local strings)."""
    data = {
        "title": "周末环境整治",
        "beneficiary": "社区居民",
        "place": "解放路社区活动中心",
        "starts_at": local(4, 9).strftime(FMT),
        "ends_at": local(4, 11, 30).strftime(FMT),
        "slots": "10",
        "description": "清理楼道杂物",
        "leader": "",
        "repeat_until": "",
    }
    data.update(changes)
    return data


def edit_form(task: Task, **changes) -> dict:
    data = {
        "title": task.title,
        "beneficiary": task.beneficiary or "",
        "place": task.place,
        "starts_at": to_local(task.starts_at).strftime(FMT),
        "ends_at": to_local(task.ends_at).strftime(FMT),
        "slots": str(task.slots),
        "description": task.description or "",
    }
    data.update(changes)
    return data


def audit_count() -> int:
    """Audit rows of the work, not of the sign-ins on the way (tests/audit.py)."""
    return work_event_count()


def task_count() -> int:
    return db.session.scalar(select(func.count(Task.id)))


def submitted_report(task: Task, by, *, days_ago: float = 0, status=ReportStatus.submitted,
                     reason: str | None = None) -> TaskReport:
    """A report on ``task`` as if ``by`` had submitted it ``days_ago`` days ago."""
    report = db.session.scalar(select(TaskReport).where(TaskReport.task_id == task.id))
    if report is None:
        report = TaskReport(task_id=task.id, quantity=12, people_served=30,
                            note="清理楼道杂物12处", status=status, submitted_by_id=by.id,
                            submitted_at=utcnow() - timedelta(days=days_ago),
                            return_reason=reason)
        db.session.add(report)
        db.session.commit()
    return report


def assignment(task: Task, member, status=AssignmentStatus.claimed, minutes=None) -> Assignment:
    found = db.session.scalar(select(Assignment).where(Assignment.task_id == task.id,
                                                       Assignment.member_id == member.id))
    if found is None:
        found = Assignment(task_id=task.id, member_id=member.id, status=status, minutes=minutes)
        db.session.add(found)
        task.taken += 1
        db.session.commit()
    return found


def checked_in(task: Task, member) -> Assignment:
    """``member`` checked in on ``task`` (yesterday's), her hours not confirmed."""
    held = assignment(task, member)
    held.status, held.checked_in_at = AssignmentStatus.checked_in, utcnow() - timedelta(hours=20)
    db.session.commit()
    return held


def twin_task(world, *, starts_at=None, title="清除小广告") -> Task:
    """Another checklist item's activity of the same community and the same 组长, by
    default at the very hours of the past task (two items of one event): where one
    person's time may count twice (tests/web/test_review_checkins*.py)."""
    past = world.past_task
    item = f.item(world.unit, world.community, "ad_removal")
    twin = f.task(item, world.liaison, leader=world.leader,
                  starts_at=starts_at or past.starts_at,
                  duration=past.ends_at - past.starts_at, title=title)
    db.session.commit()
    return twin


def fresh(model, record_id):
    """The record as the database has it now (not as this session remembers it)."""
    db.session.expire_all()
    return db.session.get(model, record_id)


def text(response) -> str:
    return response.get_data(as_text=True)


def backfill_form(w, people=None, **changes) -> dict:
    """Valid POST data for the 补录 form: a clean-up three days ago, 9:00–11:00, with
    ``people`` (default 张三 and 王组长), led by 王组长."""
    people = people if people is not None else [w.member, w.leader]
    data = {
        "resource_item": w.item.id,
        "title": "楼道大扫除",
        "place": "解放路12号",
        "beneficiary": "",
        "starts_at": local(-3, 9).strftime(FMT),
        "ends_at": local(-3, 11).strftime(FMT),
        "participants": [m.id for m in people],
        "leader": w.leader.id,
        "quantity": "",
        "people_served": "",
        "note": "清理楼道杂物。",
    }
    data.update(changes)
    return data
