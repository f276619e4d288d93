"""An admin form's choice lists (``admin.choices``): a select offers a directory table's
rows in use and those the record names, even switched off, in the directory's order —
and the 资源清单 form reads its four lists (单位, 社区, 责任区, 类别) in one statement
that gives each list exactly those rows, in that order (pagesa49: they were four)."""
from __future__ import annotations

from sqlalchemy.orm import joinedload

from tests import factories as f
from tracker.admin.choices import Offered, read_together
from tracker.extensions import db
from tracker.models import Category, Community, Unit, Zone


def _lists(current: dict):
    return (Offered(Unit, current.get("unit", ())),
            Offered(Community, current.get("community", ())),
            Offered(Zone, current.get("zone", ()),
                    order=(Community.sort_key, Zone.sort_key, Zone.id), join=Zone.community),
            Offered(Category, current.get("category", ()),
                    order=(Category.sort_order, Category.id)))


def test_the_four_lists_read_together_offer_what_each_offers(app, count_queries):
    units = [f.unit(f"甲单位{n}") for n in (10, 2, 1)]
    units[1].active = False  # 甲单位2: switched off
    north, south = f.community("北社区"), f.community("南社区")
    gone = f.community("撤并社区")
    zones = [f.zone(south, "二区"), f.zone(north, "一区"), f.zone(gone, "旧区")]
    zones[0].active = False
    gone.active = False
    own = f.category(code="own_x", name="自定类别")
    own.active = False
    db.session.commit()

    def names(rows) -> list[str]:
        return [f"{row.community.name} · {row.name}" if isinstance(row, Zone) else row.name
                for row in rows]

    named = {"unit": (units[1].id,), "community": (gone.id,), "zone": (zones[0].id,),
             "category": (own.id,)}
    for current in ({}, named):
        with count_queries() as counted:
            found = read_together(*_lists(current), options=[joinedload(Zone.community)])
        assert counted.count == 1
        unit_rows, community_rows, zone_rows, category_rows = found
        # in use, and what the record names even when switched off, in natural order
        assert [n for n in names(unit_rows) if n.startswith("甲单位")] == (
            ["甲单位1", "甲单位2", "甲单位10"] if current else ["甲单位1", "甲单位10"])
        assert ("撤并社区" in names(community_rows)) == bool(current)
        # a zone in its community's order; a switched-off zone only when named, a zone
        # in use of a switched-off community as before
        assert names(zone_rows) == (
            ["北社区 · 一区", "南社区 · 二区", "撤并社区 · 旧区"] if current
            else ["北社区 · 一区", "撤并社区 · 旧区"])
        assert (own in category_rows) == bool(current)
        # each list the same rows, in the same order, as read alone
        assert found == [offered.rows() for offered in _lists(current)]
