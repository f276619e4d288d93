"""候补 in a real browser at phone size (390×844): a full task offers 候补; the member
who joins sees their place; when the one holding the slot withdraws, the slot is the
waiting member's at once, and the liaison's page shows who got it."""
from __future__ import annotations

from tests.browser.conftest import Person, follow


def _flash(page) -> str:
    return " ".join(page.locator(".flash").all_inner_texts())


def test_a_full_tasks_waitlist_promotes_the_next_member_on_a_withdrawal(
        live_server, world, user_page, shot):
    from tests import factories as f
    from tracker.models import Member, Task

    with live_server.db() as session:
        task = session.get(Task, world.task_id)
        task.slots = 1
        unit = session.get(Member, world.member.id).unit
        waiter = f.member(unit, name="赵候补")
        session.commit()
        waiter = Person(waiter.name, waiter.phone, waiter.id)
    url = live_server.url(f"/tasks/{world.task_id}")

    member = user_page(world.member)
    member.goto(url)
    follow(member.get_by_role("button", name="认领", exact=True))
    assert "认领成功" in _flash(member)

    # The task is full: the next member is offered 候补 and sees the place in line.
    other = user_page(waiter)
    other.goto(url)
    assert other.get_by_text("已满", exact=True).is_visible()
    follow(other.get_by_role("button", name="候补", exact=True))
    assert "已加入候补" in _flash(other)
    assert other.get_by_text("候补第1位").is_visible()
    shot(other, "waiter-in-line")
    other.goto(live_server.url("/tasks/mine?tab=upcoming"))
    assert "候补第1位" in other.locator("main").inner_text()

    # The holder withdraws (confirm.js asks once): the slot goes to the waiter at once.
    member.goto(url)
    member.once("dialog", lambda dialog: dialog.accept())
    follow(member.get_by_role("button", name="取消认领"))
    assert "已取消认领" in _flash(member)
    assert "剩余名额 0 / 1" in " ".join(member.locator("main").inner_text().split())

    other.goto(url)
    status = other.locator("section", has_text="我的状态").inner_text()
    assert "已认领" in status and "候补第" not in status
    assert other.get_by_role("button", name="取消认领").is_visible()
    shot(other, "waiter-promoted")

    liaison = user_page(world.liaison)
    liaison.goto(live_server.url(f"/manage/tasks/{world.task_id}"))
    assert "赵候补" in liaison.locator("#participants").inner_text()
    shot(liaison, "liaison-after-promotion")
