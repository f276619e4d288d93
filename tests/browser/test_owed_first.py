"""What each person owes comes first, in a real browser at 390×844 on the demo world:
the demo member 13800000002 lands on 我的待办 with counts that match the list, the
liaison's 工作台 leads with its actions, cards are tapped anywhere, a destructive
action asks once, and a field in error turns red."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import Person, follow

DEMO_PASSWORD = "demo1234"


def _seed_demo() -> dict[str, Person]:
    from sqlalchemy import select

    from tracker.demo import seed_demo
    from tracker.extensions import db
    from tracker.models import Member
    from tracker.timeutil import local_today

    seed_demo(today=local_today())
    db.session.commit()
    return {m.phone: Person(m.name, m.phone, m.id) for m in db.session.scalars(select(Member))}


@pytest.fixture
def demo(live_server):
    return live_server.built("browser-demo", _seed_demo)


def _open(new_context, live_server, person):
    from tests.browser.conftest import sign_in

    page = new_context().new_page()
    sign_in(page, live_server, person, DEMO_PASSWORD)
    return page


def _tap_corner(page, card) -> None:
    """Tap a card near its bottom-right corner, away from its title link."""
    card.scroll_into_view_if_needed()
    box = card.bounding_box()
    assert box["height"] >= 44
    with page.expect_navigation():
        page.mouse.click(box["x"] + box["width"] - 12, box["y"] + box["height"] - 6)


def _number(text: str) -> int:
    return int(re.search(r"\d+", text).group())


def test_demo_member_lands_on_the_todo_list_with_the_right_counts(demo, new_context,
                                                                  live_server, shot):
    page = _open(new_context, live_server, demo["13800000002"])
    assert page.url.endswith("/tasks/todo")
    assert page.locator("h1").inner_text() == "我的待办"
    shot(page, "member-todo")
    cards = page.locator("a.card-link")
    tiles = [_number(t) for t in page.locator(".todo-counts .stat b").all_inner_texts()]
    menu = _number(page.locator("nav.nav a", has_text="我的待办").inner_text())
    assert cards.count() == sum(tiles) == menu > 0
    # Hours to confirm: the demo member skipped some on purpose.
    assert tiles[0] >= 1
    # A whole card is the tap target, at least 44 px high, and leads to its action.
    card = page.locator("a.card-link.todo-confirm").first
    _tap_corner(page, card)
    assert "/confirm" in page.url and page.locator("h1").inner_text() == "确认参与"
    # An error turns the number input red, like a textarea.
    page.get_by_label("服务时长（小时）").fill("0.3")
    follow(page.get_by_role("button", name="确认参与"))
    field = page.locator(".field.has-error input").first
    assert field.evaluate("e => getComputedStyle(e).borderTopColor") == "rgb(183, 28, 28)"
    shot(page, "member-confirm-error")


def test_liaison_workbench_leads_with_what_needs_action(demo, new_context, live_server, shot):
    page = _open(new_context, live_server, demo["13800000001"])
    assert page.url.endswith("/manage/")
    shot(page, "liaison-workbench")
    headings = page.locator("main h2").all_inner_texts()
    assert [h.split("（")[0] for h in headings[:3]] == ["待审核", "已退回待修改", "已结束未提交"]
    labels = [t.strip() for t in page.locator(".stats.actions .stat span").all_inner_texts()]
    assert labels == ["待审核", "等待审核超过7天", "已退回待修改", "已结束未提交", "补录申请"]
    requests = page.locator(".stats.actions .stat", has_text="补录申请")
    assert _number(requests.inner_text()) == 1 and "act" in requests.get_attribute("class")
    overdue = page.locator(".stats.actions .stat", has_text="等待审核超过7天")
    assert _number(overdue.inner_text()) >= 1 and "late" in overdue.get_attribute("class")
    # The leader can be rung from an unreported task.
    assert page.locator("#unreported a.tel").count() >= 1
    # A card is tapped anywhere, not only on its title.
    _tap_corner(page, page.locator("#unreported article.card").first)
    assert re.search(r"/manage/tasks/\d+$", page.url)


def test_withdrawing_asks_once_in_the_page(live_server, world, user_page, shot):
    member = user_page(world.member)
    member.goto(live_server.url(f"/tasks/{world.task_id}"))
    follow(member.get_by_role("button", name="认领", exact=True))
    asked = []
    member.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    member.get_by_role("button", name="取消认领").click()
    assert asked == ["确定取消认领这个任务吗？"]
    assert member.get_by_role("button", name="取消认领").is_visible()  # nothing happened
    member.once("dialog", lambda dialog: dialog.accept())
    follow(member.get_by_role("button", name="取消认领"))
    assert "已取消认领" in member.locator(".flash").inner_text()
    shot(member, "member-withdrawn")


def test_withdrawing_without_javascript_asks_on_a_page(live_server, world, browser, shot):
    from tests.browser.conftest import sign_in

    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844},
                                  locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server, world.member)
    page.goto(live_server.url(f"/tasks/{world.task_id}"))
    follow(page.get_by_role("button", name="认领", exact=True))
    follow(page.get_by_role("button", name="取消认领"))
    assert page.locator("h1").inner_text() == "取消认领"
    shot(page, "no-js-confirmation")
    follow(page.get_by_role("button", name="确认取消认领"))
    assert "已取消认领" in page.locator(".flash").inner_text()
    context.close()


@pytest.mark.parametrize("path", ["/manage/tasks", "/manage/stale", "/progress/findings",
                                  "/reports/records"])
def test_the_liaisons_lists_have_whole_cards_to_tap(demo, new_context, live_server, path, shot):
    from tracker.demo import LIAISON_PHONE

    page = _open(new_context, live_server, demo[LIAISON_PHONE])
    page.goto(live_server.url(path))
    card = page.locator(".tappable").first
    link = card.locator("a.stretch").first.get_attribute("href")
    _tap_corner(page, card)
    assert page.url.endswith(link)
    shot(page, path.strip("/").replace("/", "-"))
