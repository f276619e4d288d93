"""候补 over HTTP: the full task's page offers 候补 and shows one's place; 我的任务
lists the places; the liaison's task page lists the queue and promotes by hand."""
from __future__ import annotations

import re

import pytest
from flask import g

from tests import factories as f
from tests.audit import work_event_count
from tracker.extensions import db
from tracker.models import WaitStatus
from tracker.services import unit_of_work
from tracker.services.claims import claim_slot
from tracker.tasks import queries as tq

CONFIRMED = {"confirmed": "1"}  # 移出候补 asked once (walk10 D9)


@pytest.fixture
def full(world):
    task = f.task(world.item, world.liaison, slots=1, title="助老理发")
    waiter = f.member(world.unit, name="赵候补")
    db.session.commit()
    with unit_of_work():
        claim_slot(task, world.other_member)
    return task, waiter


def page(client, url) -> str:
    return client.get(url).get_data(as_text=True)


def test_a_full_task_offers_the_waitlist_and_shows_the_place(client, login, world, full):
    task, waiter = full
    login(waiter)
    html = page(client, f"/tasks/{task.id}")
    assert "已满" in html and f'action="/tasks/{task.id}/waitlist' in html
    response = client.post(f"/tasks/{task.id}/waitlist")
    assert response.headers["Location"] == f"/tasks/{task.id}"
    html = page(client, response.headers["Location"])
    assert "已加入候补：助老理发" in html
    assert "候补第1位" in html and "退出候补" in html
    login(world.member)
    html = page(client, f"/tasks/{task.id}")
    assert "候补1人" in html and "候补第" not in html


def test_mine_lists_waiting_places_and_leaving_works(client, login, world, full):
    task, waiter = full
    login(world.member)
    client.post(f"/tasks/{task.id}/waitlist")
    login(waiter)
    client.post(f"/tasks/{task.id}/waitlist")
    html = page(client, "/tasks/mine?tab=upcoming")
    assert "助老理发" in html and "候补第2位" in html
    response = client.post(f"/tasks/{task.id}/waitlist/leave?next=/tasks/mine",
                           data=CONFIRMED)
    assert response.headers["Location"] == "/tasks/mine"
    html = page(client, "/tasks/mine?tab=upcoming")
    assert "已退出候补：助老理发" in html and "候补第" not in html
    db.session.expire_all()
    assert tq.my_wait_entry(task.id, waiter.id).status == WaitStatus.left


def test_a_refusal_is_a_chinese_flash(client, login, world):
    login(world.member)
    response = client.post(f"/tasks/{world.task.id}/waitlist")
    assert "还有空余名额，请直接认领" in page(client, response.headers["Location"])
    response = client.post(f"/tasks/{world.task.id}/waitlist/leave")
    assert "您不在该任务的候补名单中" in page(client, response.headers["Location"])


def test_the_liaison_sees_the_queue_and_promotes_by_hand(client, login, world, full):
    task, waiter = full
    login(waiter)
    client.post(f"/tasks/{task.id}/waitlist")
    login(world.liaison)
    html = page(client, f"/manage/tasks/{task.id}")
    assert "候补名单" in html and "赵候补" in html
    entry = tq.my_wait_entry(task.id, waiter.id)
    assert f"/manage/waitlist/{entry.id}/promote" not in html  # no free slot: nothing to give
    response = client.post(f"/manage/waitlist/{entry.id}/promote")
    assert "名额已满" in page(client, response.headers["Location"])
    task.slots = 2
    db.session.commit()
    assert f"/manage/waitlist/{entry.id}/promote" in page(client, f"/manage/tasks/{task.id}")
    response = client.post(f"/manage/waitlist/{entry.id}/promote")
    assert "已将 赵候补 从候补转为正式参与" in page(client, response.headers["Location"])
    db.session.expire_all()
    assert tq.my_assignment(task.id, waiter.id) is not None and task.taken == 2


def test_a_liaison_of_another_community_cannot_promote(client, login, world, full):
    task, waiter = full
    login(waiter)
    client.post(f"/tasks/{task.id}/waitlist")
    task.slots = 2
    db.session.commit()
    events = work_event_count()
    entry = tq.my_wait_entry(task.id, waiter.id)
    login(world.other_liaison)
    assert client.post(f"/manage/waitlist/{entry.id}/promote").status_code == 404
    login(world.member)
    assert client.post(f"/manage/waitlist/{entry.id}/promote").status_code == 403
    db.session.expire_all()
    assert tq.my_wait_entry(task.id, waiter.id).status == WaitStatus.waiting
    assert task.taken == 1 and work_event_count() == events


def test_the_liaison_takes_a_member_off_the_waitlist(client, login, world, full):
    """移出候补: the member is no longer waiting (not told they got a slot), the others
    move up, the removal is audited; removing again says so in Chinese."""
    from sqlalchemy import select

    from tracker.models import AuditEvent

    task, waiter = full
    login(waiter)
    client.post(f"/tasks/{task.id}/waitlist")
    entry = tq.my_wait_entry(task.id, waiter.id)
    login(world.liaison)
    assert f"/manage/waitlist/{entry.id}/remove" in page(client, f"/manage/tasks/{task.id}")
    response = client.post(f"/manage/waitlist/{entry.id}/remove", data=CONFIRMED)
    assert "已将 赵候补 移出候补名单" in page(client, response.headers["Location"])
    db.session.expire_all()
    assert db.session.get(type(entry), entry.id).status == WaitStatus.left
    assert 'id="waitlist"' not in page(client, f"/manage/tasks/{task.id}")  # nobody waits
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "waitlist_leave",
                                                       AuditEvent.entity_id == entry.id))
    assert event.actor_id == world.liaison.id
    again = client.post(f"/manage/waitlist/{entry.id}/remove", data=CONFIRMED)
    assert "赵候补 已不在候补名单中" in page(client, again.headers["Location"])
    login(waiter)
    assert "候补第" not in page(client, f"/tasks/{task.id}")


def _card(html: str, title: str) -> str:
    card = html[html.index(f">{title}</a>"):]
    return card[:card.index("</article>")]


def test_a_full_tasks_card_in_the_open_list_offers_the_waitlist_then_shows_the_place(
        client, login, world, full):
    task, waiter = full
    login(waiter)
    card = _card(page(client, "/tasks/"), "助老理发")
    assert "已满" in card and f'action="/tasks/{task.id}/waitlist?next=' in card
    assert "/claim" not in card
    response = client.post(f"/tasks/{task.id}/waitlist?next=/tasks/")
    assert response.headers["Location"] == "/tasks/"
    html = page(client, "/tasks/")
    assert "已加入候补：助老理发" in html
    card = _card(html, "助老理发")
    assert "候补第1位" in card and "/waitlist" not in card
    # The one holding the slot sees 已认领, not an offer to queue for their own task.
    login(world.other_member)
    card = _card(page(client, "/tasks/"), "助老理发")
    assert "已认领" in card and "/waitlist" not in card


def test_the_open_list_shows_my_claim_and_my_place_from_one_statement(
        client, login, world, full, count_queries):
    """On the open list, the slot I hold and my place in a full task's line come with the
    page's own rows: the session, and the page with my state on each card, the count,
    the menu's counts and the lists' version — two, full tasks or not."""
    task, waiter = full
    login(world.member)
    client.post(f"/tasks/{task.id}/waitlist")
    login(waiter)
    client.post(f"/tasks/{task.id}/waitlist")
    with unit_of_work():
        claim_slot(world.task, waiter)
    client.get("/tasks/")  # warm: first-request work is not the page's
    # A served request loads its user; the test's app context would keep it in ``g``.
    g.pop("_login_user", None)
    with count_queries() as statements:
        html = page(client, "/tasks/")
    assert "候补第2位" in html and "已认领" in html
    # (on PostgreSQL the planner's setting for the list goes with the second,
    # sql_hints.generic_plans)
    assert len(statements.statements) == 2


def test_a_leader_waiting_on_her_own_task_is_shown_her_place(client, login, world):
    """walk12 #8: a 组长 not on her own full task may join its waitlist; her task page
    says she leads it and also where she stands in line, as 我的任务 does."""
    task = f.task(world.item, world.liaison, slots=1, leader=world.leader, title="清除牛皮癣")
    db.session.commit()
    with unit_of_work():
        claim_slot(task, world.other_member)
    login(world.member)
    client.post(f"/tasks/{task.id}/waitlist")
    login(world.leader)
    client.post(f"/tasks/{task.id}/waitlist")
    html = page(client, f"/tasks/{task.id}")
    assert "您是本任务的组长" in html and "候补第2位" in html
    assert "候补第2位" in page(client, "/tasks/mine?tab=upcoming")


def test_the_waitlist_count_in_english_has_english_punctuation(client, login, world, full):
    """walk12 #9: 「Slots left 0 / 1，1 on the waitlist」 kept the Chinese comma."""
    task, waiter = full
    login(waiter)
    client.post(f"/tasks/{task.id}/waitlist")
    login(world.member)
    g.pop("_flask_babel", None)  # a served request starts without the last one's locale
    html = page(client, f"/tasks/{task.id}?lang=en")
    slots = re.search(r"<dt>Slots left</dt><dd>(.*?)</dd>", html).group(1)
    assert slots == "<b>0</b> / 1, 1 on the waitlist"
    g.pop("_flask_babel", None)
    assert "<b>0</b> / 1，候补1人" in page(client, f"/tasks/{task.id}?lang=zh")
