"""Which push channels this installation has settings for, and the sending rules pages
tell members of.

Apart from ``channels.py`` on purpose: pages ask this, and a page must never reach the
code that sends (sending is ``flask send-reminders``'s job; tests/test_architecture.py).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ..config import parse_quiet_hours


def configured(config: dict) -> set[str]:
    """The push channels this installation has settings for (webhooks: per community)."""
    found = {"wecom", "dingtalk"}
    if config.get("SMTP_HOST"):
        found.add("email")
    if config.get("SMS_GATEWAY_URL"):
        found.add("sms")
    return found


def quiet_bounds(config) -> tuple[time, time]:
    """REMINDER_QUIET_HOURS ("22:00-08:00") as its start and end."""
    return parse_quiet_hours(config["REMINDER_QUIET_HOURS"])


def reminder_rules(config) -> dict:
    """What 提醒设置 tells members of the sending rules, from the settings the job keeps:
    the quiet hours (REMINDER_QUIET_HOURS), what breaks them — a task starting before
    their end plus REMINDER_SETOUT_HOURS called off or moved (``job.setout_deadline``) —
    and the daily cap."""
    start, end = quiet_bounds(config)
    setout = datetime.combine(date.min, end) + timedelta(
        hours=config.get("REMINDER_SETOUT_HOURS", 2))
    return {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}", "quiet": start != end,
            "setout": f"{setout:%H:%M}", "cap": config["REMINDER_DAILY_CAP"]}
