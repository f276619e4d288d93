"""The member's and liaison's daily pages on a phone (issue 16), measured from element
boxes in Chromium at 390×844 and 360×780."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.conftest import follow

# Titles and places as the demo world writes them (tracker/demo.py): long ones included.
DEMO_LIKE = [
    ("电子商务培训：农产品网店运营", "解放路社区党群服务中心", 30, 0),
    ("招商引资政策宣讲", "解放路社区会议室", 40, 30),
    ("困难群众结对帮扶走访", "解放路社区", 4, 4),
    ("下水道、人行道及破损道路摸排（一区）", "建设路社区一区", 6, 1),
    ("疫情防控值守：小区卡口", "解放路社区小区卡口", 5, 4),
    ("慰问“空巢”老人", "解放路社区", 5, 0),
]
PHONES = {"390x844": {"width": 390, "height": 844}, "360x780": {"width": 360, "height": 780}}


@pytest.fixture
def open_tasks(live_server, world):
    from sqlalchemy import select

    from tests import factories as f
    from tracker.models import Member, ResourceItem

    with live_server.db() as session:
        item = session.scalars(select(ResourceItem)).first()
        liaison = session.get(Member, world.liaison.id)
        for n, (title, place, slots, taken) in enumerate(DEMO_LIKE):
            task = f.task(item, liaison, title=title, slots=slots,
                          starts_in=timedelta(days=3, hours=n))
            task.place, task.taken = place, taken
        session.commit()


def _cards_in_first_screen(page) -> list[dict]:
    """Each task card wholly inside the viewport, with what of it is visible."""
    return page.evaluate("""() => {
      const fully = el => { const r = el.getBoundingClientRect();
        return r.width > 0 && r.top >= 0 && r.bottom <= innerHeight && r.left >= 0
               && r.right <= innerWidth; };
      return [...document.querySelectorAll('.task-card')].filter(fully).map(card => ({
        title: fully(card.querySelector('h2')) && card.querySelector('h2').innerText,
        when: fully(card.querySelector('.task-when')) && card.querySelector('.task-when').innerText,
        where: fully(card.querySelector('.task-where')) && card.querySelector('.task-where').innerText,
        slots: fully(card.querySelector('.slots')) && card.querySelector('.slots').innerText,
      }));
    }""")


def test_four_open_tasks_fit_the_first_screen_with_title_time_place_and_slots(
        user_page, live_server, world, open_tasks, shot):
    page = user_page(world.member)
    page.set_viewport_size(PHONES["390x844"])
    page.goto(live_server.url("/tasks/"))
    shot(page, "open-tasks-390x844")
    cards = _cards_in_first_screen(page)
    assert len(cards) >= 4, cards
    for card in cards:
        assert card["title"] and card["when"] and card["where"], card
        assert card["slots"].startswith("剩余名额"), card
    page.set_viewport_size(PHONES["360x780"])
    shot(page, "open-tasks-360x780")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_slots_left_are_red_only_when_full_and_amber_only_when_few(
        user_page, live_server, world, open_tasks):
    page = user_page(world.member)
    page.goto(live_server.url("/tasks/"))
    colours = page.evaluate("""() => Object.fromEntries(
      [...document.querySelectorAll('.task-card')].map(card => [
        card.querySelector('h2').innerText,
        getComputedStyle(card.querySelector('.slots b')).color]))""")
    ink = page.evaluate("getComputedStyle(document.body).color")
    assert colours["电子商务培训：农产品网店运营"] == ink  # all 30 free
    assert colours["慰问“空巢”老人"] == ink  # all 5 free
    assert colours["招商引资政策宣讲"] == ink  # 10 of 40 left: more than 2 and a fifth
    assert colours["疫情防控值守：小区卡口"] != ink  # 1 of 5 left
    assert colours["下水道、人行道及破损道路摸排（一区）"] == ink  # 5 of 6 left
    assert colours["困难群众结对帮扶走访"] == "rgb(183, 28, 28)"  # full: --red
    assert colours["疫情防控值守：小区卡口"] != colours["困难群众结对帮扶走访"]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_liaison_menu_is_one_row_with_more_behind_a_tap(new_context, live_server, world, shot,
                                                       javascript):
    from tests.browser.conftest import sign_in

    page = new_context(java_script_enabled=javascript).new_page()
    sign_in(page, live_server, world.liaison)
    page.goto(live_server.url("/manage/"))
    nav = page.locator("nav.nav")
    bar = nav.locator(":scope > a, :scope > details > summary")
    tops = {round(bar.nth(i).bounding_box()["y"]) for i in range(bar.count())}
    assert [bar.nth(i).inner_text().strip() for i in range(bar.count())] == [
        "工作台", "审核", "月报", "更多"]
    assert len(tops) == 1  # one row
    # The menu was 150 px (seven buttons on two rows under the name); now the name and one row.
    assert page.locator("header.topbar").bounding_box()["height"] <= 110
    funds = page.get_by_role("link", name="经费")
    assert not funds.is_visible()
    shot(page, f"liaison-menu-{'js' if javascript else 'nojs'}")
    nav.get_by_text("更多").click()
    assert funds.is_visible()
    box = page.locator(".more-menu").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    shot(page, f"liaison-menu-open-{'js' if javascript else 'nojs'}")
    follow(funds)
    assert page.url.endswith("/funds/")
