"""“双创”进展 opens on a community with responsibility zones, and a community with none
shows only that — no 合计 row of zeros, no empty charts (review "setup" #7)."""
from __future__ import annotations

import re

from tests import factories as f
from tracker.extensions import db
from tracker.models import Role

NO_ZONES = "该社区没有责任区。"


def _double(client, query: str = "") -> str:
    response = client.get("/progress/double" + query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _title(page: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)


def _setup():
    """和平路 (no zone) sorts before 解放路 (one zone), as on the reviewer's day one."""
    unit = f.unit("县商务局")
    admin = f.member(unit, Role.admin, "王管理")
    heping, jiefang = f.community("和平路社区"), f.community("解放路社区")
    f.zone(jiefang, "一网格", unit)
    db.session.commit()
    return admin, heping, jiefang


def test_it_opens_on_the_first_community_that_has_a_zone(client, login):
    admin, heping, jiefang = _setup()
    login(admin)
    page = _double(client)
    assert "解放路社区" in _title(page) and "和平路社区" not in _title(page)
    assert "一网格" in page and "合计" in page and NO_ZONES not in page


def test_a_community_without_zones_shows_only_that_with_a_link_for_the_admin(client, login):
    admin, heping, _jiefang = _setup()
    login(admin)
    page = _double(client, f"?community={heping.id}")
    assert "和平路社区" in _title(page)
    assert NO_ZONES in page
    assert "合计" not in page and "<svg" not in page and "图表" not in page
    assert re.search(r'data-missing>[^<]*<a class="btn" href="/admin/zones/new">', page)


def test_a_liaison_sees_the_sentence_without_the_link(client, login):
    _admin, heping, _jiefang = _setup()
    liaison = f.member(f.unit("区档案馆"), Role.liaison, "联络员", communities=[heping])
    db.session.commit()
    login(liaison)
    page = _double(client)
    assert NO_ZONES in page and "合计" not in page and "/admin/zones/new" not in page


def test_without_a_zone_anywhere_the_first_community_is_opened(client, login):
    unit = f.unit("县商务局")
    admin = f.member(unit, Role.admin, "王管理")
    f.community("和平路社区"), f.community("解放路社区")
    db.session.commit()
    login(admin)
    page = _double(client)
    assert "和平路社区" in _title(page) and NO_ZONES in page
