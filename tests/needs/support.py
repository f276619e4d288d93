"""Building needs for the needs tests and the permission matrix."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Category, Need, NeedKind, NeedStatus
from tracker.services.needs import NeedData
from tracker.timeutil import local_today, utcnow


def need(community, creator, *, title="为独居老人修理轮椅", status=NeedStatus.open,
         claimer=None, kind=NeedKind.wish, wanted_in=7, code="household_assistance",
         **fields) -> Need:
    """A need written straight to the table, in any state (not through the services,
    so a test can build a history in known states and dates)."""
    category = db.session.scalar(select(Category).where(Category.code == code))
    row = Need(kind=kind, title=title, category_id=category.id, community_id=community.id,
               wanted_by=fields.pop("wanted_by", local_today() + timedelta(days=wanted_in)),
               status=status,
               created_by_id=creator.id, **fields)
    if claimer is not None:
        row.claimed_by_id, row.claimed_at = claimer.id, utcnow()
    db.session.add(row)
    db.session.flush()
    return row


def world_need(w, status: str = "open") -> Need:
    """The matrix's need in community A, in ``status`` (claimed: by ``member``)."""
    title = f"矩阵需求-{status}"
    found = db.session.scalar(select(Need).where(Need.title == title))
    if found is None:
        found = need(w.community, w.liaison, title=title, status=NeedStatus(status),
                     claimer=w.member if status != "open" else None)
        db.session.commit()
    return found


def need_data(w, **overrides) -> NeedData:
    category = db.session.scalar(select(Category).where(Category.code == "household_assistance"))
    values = dict(community_id=w.community.id, kind=NeedKind.wish, title="购买一副老花镜",
                  description="赵奶奶视力下降", category_id=category.id, zone_id=None,
                  resident_id=None, resource_item_id=None,
                  wanted_by=local_today() + timedelta(days=5), people=1, quantity=None)
    values.update(overrides)
    return NeedData(**values)
