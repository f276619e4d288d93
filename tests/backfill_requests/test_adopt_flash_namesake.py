"""review44 #5: two members of one unit named 李四 each ask to be added to the same
activity. The queue and 采纳's naming page tell them apart (docs/design.md: namesakes
told apart wherever a person is picked or named); the flash after 确认采纳 names her the
same way, not bare. review45 #1: by the queue's own rule — a namesake switched off (or
moved) since her request is still listed with the unit of her request's day, so the
other 李四 is told apart on the queue and must be on her pages too."""
from __future__ import annotations

import re

from tests import factories as f
from tests.backfill_requests.support import asked, asked_for_past_task
from tests.backfill_requests.test_adopt_signed_named import _confirmation, _text
from tracker.extensions import db
from tracker.services.directory import set_active


def _namesakes(world):
    task = world.past_task
    request = asked_for_past_task(world, minutes=90)  # 李四 (world.other_member)
    twin = f.member(world.unit, name="李四")
    second = asked(twin, world.community, task=task, service_date=None, description=None,
                   minutes=60, note="忘记认领了")
    return request, second


def test_the_adoption_flash_after_its_naming_page_tells_namesakes_apart(
        client, login, world):
    request, _second = _namesakes(world)
    f.reported(world.past_task, world.leader, approved=True, signed_by=world.admin)
    db.session.commit()
    login(world.admin)
    page = client.post(f"/backfill-requests/{request.id}/adopt")
    named = re.search(r"将(李四[^添]*)添加为", _text(page)).group(1)
    assert named != "李四"  # the page tells her apart
    action, fields = _confirmation(page.get_data(as_text=True))
    done = _text(client.post(action, data=fields, follow_redirects=True))
    flash = re.findall(r"已采纳[^。]*。", done)
    assert flash == [f"已采纳 {named} 的补录申请，已加入任务“{world.past_task.title}”。"], flash


def test_the_adoption_flash_of_an_unsigned_month_tells_namesakes_apart(
        client, login, world):
    """采纳 at once (nothing signed, no page): the flash names her as the queue does."""
    request, _second = _namesakes(world)
    db.session.commit()
    login(world.admin)
    queue = _text(client.get("/backfill-requests/"))
    labels = set(re.findall(r"李四（[^）]*）（[^）]*）", queue))
    assert len(labels) == 2, labels
    done = _text(client.post(f"/backfill-requests/{request.id}/adopt",
                             follow_redirects=True))
    flash = re.findall(r"已采纳[^。]*。", done)
    assert len(flash) == 1 and "已采纳 李四 的" not in flash[0], flash
    assert any(f"已采纳 {label} 的补录申请" in flash[0] for label in labels), flash


def test_the_decline_page_and_flash_tell_namesakes_apart(client, login, world):
    """拒绝 names her as the queue does too: its page's heading and the flash after it."""
    request, _second = _namesakes(world)
    db.session.commit()
    login(world.admin)
    queue = _text(client.get("/backfill-requests/"))
    labels = set(re.findall(r"李四（[^）]*）（[^）]*）", queue))
    assert len(labels) == 2, labels
    url = f"/backfill-requests/{request.id}/decline"
    page = _text(client.get(url))
    assert any(label in page for label in labels), page
    done = _text(client.post(url, data={"reason": "当天名单中没有您，请联系组长核实。"},
                             follow_redirects=True))
    flash = re.findall(r"已拒绝[^。]*。", done)
    assert len(flash) == 1 and "已拒绝 李四 的" not in flash[0], flash
    assert any(f"已拒绝 {label} 的补录申请" in flash[0] for label in labels), flash


def _twin_switched_off(client, login, world):
    """The two 李四's requests, then the first 李四 switched off (停用; her request stays
    pending, listed on the queue): the queue's labels of both, and the second's request."""
    _first, second = _namesakes(world)
    db.session.commit()
    set_active(world.other_member, world.admin, False)
    db.session.commit()
    login(world.admin)
    labels = re.findall(r"李四（[^）]*）（[^）]*）", _text(client.get("/backfill-requests/")))
    assert len(set(labels)) == 2, labels  # the queue tells both apart
    return second, labels


def test_the_decline_page_names_her_as_the_queue_does_her_namesake_switched_off(
        client, login, world):
    second, labels = _twin_switched_off(client, login, world)
    url = f"/backfill-requests/{second.id}/decline"
    page = _text(client.get(url))
    assert f"李四（{world.unit.name}）" not in page
    assert any(label in page for label in labels), page
    done = _text(client.post(url, data={"reason": "当天名单中没有您，请联系组长核实。"},
                             follow_redirects=True))
    flash = re.findall(r"已拒绝[^。]*。", done)
    assert len(flash) == 1 and any(f"已拒绝 {label} 的" in flash[0] for label in labels), flash


def test_the_adoption_flash_names_her_as_the_queue_does_her_namesake_switched_off(
        client, login, world):
    second, labels = _twin_switched_off(client, login, world)
    done = _text(client.post(f"/backfill-requests/{second.id}/adopt", follow_redirects=True))
    flash = re.findall(r"已采纳[^。]*。", done)
    assert len(flash) == 1 and any(f"已采纳 {label} 的" in flash[0] for label in labels), flash


def test_the_signed_months_naming_page_names_her_as_the_queue_does_her_namesake_switched_off(
        client, login, world):
    f.reported(world.past_task, world.leader, approved=True, signed_by=world.admin)
    second, labels = _twin_switched_off(client, login, world)
    page = client.post(f"/backfill-requests/{second.id}/adopt")
    named = re.search(r"将(李四[^添]*)添加为", _text(page)).group(1)
    assert named in labels, (named, labels)
    action, fields = _confirmation(page.get_data(as_text=True))
    done = _text(client.post(action, data=fields, follow_redirects=True))
    assert re.findall(r"已采纳[^。]*。", done) == [
        f"已采纳 {named} 的补录申请，已加入任务“{world.past_task.title}”。"]
