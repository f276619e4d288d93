"""How far back a member may ask for a 补录 (补录申请): older work is the liaison's own
to add (补录, or 添加遗漏的参加人员 on an approved activity), or an import.

One rule, asked wherever the window matters: the form's refusal and its lists
(``backfill_requests``), the task page's 「我参加了但没有记录」, and the words that
would send a member to it (``claims.confirm_refusal``, walkfix47's found bullet: a
缺席 on an approved task past the window was sent to a button not offered). A module
of its own because ``claims`` is built on by ``backfill_requests``, not the other way."""
from __future__ import annotations

from datetime import date, timedelta

from ..timeutil import local_today

REQUEST_DAYS_BACK = 90


def window_start(today: date | None = None) -> date:
    """The first day a 补录申请 may name (Beijing's day, ``local_today``)."""
    return (today or local_today()) - timedelta(days=REQUEST_DAYS_BACK)


def askable_day(day: date, today: date | None = None) -> bool:
    """Whether work of ``day`` is within the window (not after ``today``: the form
    refuses a day to come in its own words)."""
    return day >= window_start(today)
