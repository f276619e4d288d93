"""The 摸排问题 register's 责任区 select (and the 资源清单 item form's) follows its 社区
in Chromium (static/js/follow.js): choosing a community leaves only its zones to pick, and a zone of another community
chosen before goes back to 全部责任区 — so the server never has to drop it. Without
JavaScript the page works as before: the server drops the zone and says so."""
from __future__ import annotations

import pytest

from tests.browser.conftest import follow, sign_in

DROPPED = "所选责任区不属于所选社区，已按该社区的全部责任区筛选。"


@pytest.fixture
def zones(live_server, world):
    """Two zones of the world's community, one of the other; the admin sees both
    communities (two: the register lists every zone of a few communities)."""
    from sqlalchemy import select

    from tests import factories as f
    from tracker.models import Community

    with live_server.db() as session:
        first = session.scalar(select(Community).where(Community.name == world.community))
        other = session.scalar(select(Community).where(Community.name == world.other_community))
        made = {"一区": f.zone(first, "一区"), "二区": f.zone(first, "二区"),
                "东区": f.zone(other, "东区")}
        session.commit()
        return {"ids": {name: str(z.id) for name, z in made.items()},
                "first": str(first.id), "other": str(other.id)}


def _offered(page) -> list[str]:
    return page.locator("#zone option").all_inner_texts()


def test_the_zone_select_offers_the_chosen_communitys_zones(user_page, world, zones,
                                                            live_server, shot):
    page = user_page(world.admin)
    page.goto(live_server.url("/progress/findings"))
    assert len(_offered(page)) == 4  # 全部责任区 and the three zones
    page.locator("#zone").select_option(zones["ids"]["东区"])
    page.locator("#community").select_option(zones["first"])
    # the other community's 东区 is no longer offered, and no longer chosen
    assert _offered(page) == ["全部责任区", f"{world.community}·一区", f"{world.community}·二区"]
    assert page.locator("#zone").input_value() == ""
    page.locator("#zone").select_option(zones["ids"]["二区"])
    shot(page, "zones-of-the-community")
    follow(page.get_by_role("button", name="筛选"))
    assert DROPPED not in page.content()
    assert page.locator("#zone").input_value() == zones["ids"]["二区"]
    # the page came back with the community's zones only; another community chosen now,
    # whose zones this page does not hold: 全部责任区 alone, until 筛选 lists them
    page.locator("#community").select_option(zones["other"])
    assert _offered(page) == ["全部责任区"]
    follow(page.get_by_role("button", name="筛选"))
    assert DROPPED not in page.content()
    assert _offered(page) == ["全部责任区", "东区"]
    # back to the community the page came with: its own list again; the zone dropped
    # on the way stays dropped (nothing chosen is ever a zone the page did not offer)
    page.locator("#zone").select_option(zones["ids"]["东区"])
    page.locator("#community").select_option(zones["first"])
    assert _offered(page) == ["全部责任区"]
    page.locator("#community").select_option(zones["other"])
    assert _offered(page) == ["全部责任区", "东区"]
    assert page.locator("#zone").input_value() == ""


def test_without_javascript_the_server_drops_the_zone_as_before(new_context, world, zones,
                                                                live_server):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, live_server, world.admin)
    page.goto(live_server.url("/progress/findings"))
    page.locator("#zone").select_option(zones["ids"]["东区"])
    page.locator("#community").select_option(zones["first"])
    assert len(_offered(page)) == 4  # nothing follows
    follow(page.get_by_role("button", name="筛选"))
    assert DROPPED in page.content()
    assert page.locator("#zone").input_value() == ""


def test_the_checklist_items_zone_select_follows_its_community(user_page, world, zones,
                                                               live_server):
    """The admin's 资源清单 item form (smallopen's note): its 责任区 select offers, once a
    社区 is chosen, only that community's zones and 整个社区 — a zone of another
    community chosen before goes back to 整个社区, so the server's refusal
    「该责任区不属于所选社区。」 is not met by a user with a browser."""
    page = user_page(world.admin)
    page.goto(live_server.url("/admin/items/new"))
    zone = page.locator("#zone_id")
    assert len(zone.locator("option").all_inner_texts()) >= 4  # 整个社区 and every zone
    zone.select_option(zones["ids"]["东区"])
    page.locator("#community_id").select_option(zones["first"])
    assert zone.locator("option").all_inner_texts() == [
        "（整个社区）", f"{world.community} · 一区", f"{world.community} · 二区"]
    assert zone.input_value() == ""
    page.locator("#community_id").select_option(zones["other"])
    assert zone.locator("option").all_inner_texts() == [
        "（整个社区）", f"{world.other_community} · 东区"]
