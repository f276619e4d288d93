"""Shared helpers for 补录申请's tests."""
from __future__ import annotations

from datetime import timedelta

from tracker.services import unit_of_work
from tracker.services.backfill_requests import RequestData, ask_backfill
from tracker.timeutil import local_today


def asked(member, community, **values):
    """A pending request, committed: ``values`` override a request for two hours
    three days ago, with a description and no task."""
    payload = dict(service_date=local_today() - timedelta(days=3), minutes=120,
                   description="帮助清理楼道杂物")
    payload.update(values)
    with unit_of_work():
        return ask_backfill(member, community, RequestData(**payload))


def asked_for_past_task(world, minutes=90):
    """``other_member`` asks to be added to ``past_task`` (which they are not on)."""
    return asked(world.other_member, world.community, task=world.past_task,
                 service_date=None, description=None, minutes=minutes, note="忘记认领了")
