"""加入日历: tasks as iCalendar (RFC 5545) events, written by the ``icalendar``
library (escaping, CRLF line ends and line folding are its job).

Times go out in UTC (``DTSTART:20261128T010000Z``), so every calendar shows them in
its own zone; the UID is stable per task, so a re-imported or refreshed event
updates the one already in the calendar instead of adding a copy. Its SEQUENCE goes
up with each change of what the event prints (time, place, title, calling off), and
LAST-MODIFIED says when (``services.calendar_revision``, read with the task): a client
that takes a re-imported event as an update only when SEQUENCE went up (Outlook, some
Android importers) replaces the one it has. icalendar is
imported on the first calendar asked for (its import costs 0.1 s of every process's start).

Its words (the 服务对象 label, the feed's name) are in the language of whoever asks,
like the page the file is offered on: a calendar app's feed, without a session, gets
Chinese.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from .models import Task, TaskStatus
from .privacy import mask_phones

if TYPE_CHECKING:
    from icalendar import Event

PRODID = "-//社区共建任务台账//tracker//ZH"


def _event(task: Task, host: str, url: str, now: datetime) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", f"task-{task.id}@{host}")
    event.add("dtstamp", now)
    if task.calendar_sequence is None:  # not 0: a caller that forgot would hide changes
        raise ValueError("read the task with calendar_revision.calendar_loads()")
    event.add("sequence", task.calendar_sequence)
    event.add("last-modified", task.calendar_modified or task.created_at)
    event.add("dtstart", task.starts_at)
    event.add("dtend", task.ends_at)
    event.add("summary", mask_phones(task.title))
    event.add("location", mask_phones(task.place))
    lines = [f"{task.community.name}" + (f" · {task.zone.name}" if task.zone else ""),
             task.category.name]
    if task.beneficiary:
        lines.append(_("服务对象：%(who)s", who=mask_phones(task.beneficiary)))
    lines.append(url)
    event.add("description", "\n".join(lines))
    event.add("url", url)
    if task.status == TaskStatus.cancelled:
        event.add("status", "CANCELLED")
    return event


def ics(tasks: Iterable[tuple[Task, str]], host: str, now: datetime, name: str) -> bytes:
    """A calendar of ``(task, its absolute URL)`` pairs."""
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for task, url in tasks:
        calendar.add_component(_event(task, host, url, now))
    return calendar.to_ical()
