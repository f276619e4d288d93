"""A 补录申请 whose activity did not happen after all — voided (作废) after it was
采纳, or cancelled (取消) while it waited — is the liaison's to check again: the queue
card and the 补录 form say who voided or cancelled the activity, when and why (in the
liaison's own words, not the member's); the 补录 that adopts it records what the member
really took part in — the voided activity itself, unchanged, is refused, as the ledger
import refuses it; and in a 已定稿 month the liaison is told up front that an admin must
adopt it, and the admin finds it on their 工作台 and adopts it."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from tests.backfill_requests.support import asked_for_past_task
from tests.security.support import error_texts
from tracker.extensions import db
from tracker.models import RequestStatus, SummaryScope, Task
from tracker.reports import final

VOID_REASON = "当天并未开展"


def _form_values(html: str) -> dict[str, list[str]]:
    """What a browser posts of the page's form as it comes (ticked boxes, selected
    options, typed text)."""
    values: dict[str, list[str]] = {}
    for m in re.finditer(r"<input([^>]*)>", html):
        attrs = m.group(1)
        name, value = re.search(r'name="([^"]+)"', attrs), re.search(r'value="([^"]*)"', attrs)
        kind = re.search(r'type="([^"]+)"', attrs)
        if not name or (kind and kind.group(1) in ("checkbox", "radio") and "checked" not in attrs):
            continue
        values.setdefault(name.group(1), []).append(value.group(1) if value else "")
    for m in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected',
                           m.group(2))
        if chosen:
            values[m.group(1)] = [chosen.group(1) or chosen.group(2)]
    for m in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        values[m.group(1)] = [m.group(2).strip()]
    values.pop("csrf_token", None)
    return values


def _on_the_minute(task) -> None:
    """The task's times in whole minutes, as the task form and the imports write them
    (the fixture's carry the seconds of the moment the test runs)."""
    task.starts_at = task.starts_at.replace(second=0)
    task.ends_at = task.ends_at.replace(second=0)
    db.session.commit()


def _adopted_then_voided(client, login, world, *, voider=None):
    """``other_member`` asked to be added to ``past_task``; the liaison adopted it; then
    ``voider`` (the liaison) voided the activity. Logged in as the voider."""
    _on_the_minute(world.past_task)
    request = asked_for_past_task(world, minutes=90)
    login(world.liaison)
    assert client.post(f"/backfill-requests/{request.id}/adopt").status_code == 302
    if voider is not None and voider is not world.liaison:
        client.get("/auth/logout")
        login(voider)
    r = client.post(f"/manage/tasks/{world.past_task.id}/void",
                    data={"void-reason": VOID_REASON, "confirmed": "1"})
    assert r.status_code == 302
    return request


def _titled(title: str) -> int:
    return db.session.scalar(select(func.count(Task.id)).where(Task.title == title))


def test_the_voided_activity_is_not_recorded_again_unchanged_from_its_request(client, login, world):
    request = _adopted_then_voided(client, login, world)
    page = client.get(f"/manage/backfill?request={request.id}").get_data(as_text=True)
    # the form says what the activity it starts from is, and why it was voided
    assert VOID_REASON in page and world.liaison.name in page
    values = _form_values(page)
    values["note"] = ["核实后补录"]
    r = client.post("/manage/backfill", data=values)
    assert r.status_code == 200  # refused on the same page, what was typed kept
    html = r.get_data(as_text=True)
    assert any("这正是已作废的活动" in e for e in error_texts(html))
    assert "核实后补录" in html
    db.session.expire_all()
    assert _titled(world.past_task.title) == 1  # only the voided one
    assert request.status == RequestStatus.pending
    # what the member really took part in (another time) is recorded and adopts it
    day = world.past_task.service_date.isoformat()
    values["starts_at"], values["ends_at"] = [f"{day}T14:00"], [f"{day}T15:30"]
    r = client.post("/manage/backfill", data=values)
    assert r.status_code == 302, error_texts(r.get_data(as_text=True))
    db.session.expire_all()
    assert request.status == RequestStatus.adopted
    assert request.result_task_id != world.past_task.id


def test_the_liaisons_queue_says_who_voided_the_activity_and_why_in_its_own_words(
        client, login, world):
    request = _adopted_then_voided(client, login, world)
    queue = client.get("/backfill-requests/").get_data(as_text=True)
    assert VOID_REASON in queue and world.liaison.name in queue
    assert "已退回社区联络员重新处理" not in queue  # the member's sentence, not the liaison's
    assert f"/manage/backfill?request={request.id}" in queue
    decline = client.get(f"/backfill-requests/{request.id}/decline").get_data(as_text=True)
    assert "已退回社区联络员重新处理" not in decline
    client.get("/auth/logout")
    login(world.other_member)
    assert "已退回社区联络员重新处理" in client.get("/backfill-requests/mine").get_data(as_text=True)


def test_a_request_reopened_in_a_finalised_month_is_the_admins_to_adopt(client, login, world):
    request = asked_for_past_task(world, minutes=90)
    login(world.liaison)
    client.post(f"/backfill-requests/{request.id}/adopt")
    client.get("/auth/logout")
    day = world.past_task.service_date
    final.finalize(world.admin, SummaryScope(world.unit.id), day.year, day.month,
                   today=date(day.year + 1, 1, 1))
    db.session.commit()
    login(world.admin)
    assert client.post(f"/manage/tasks/{world.past_task.id}/void",
                       data={"void-reason": VOID_REASON, "confirmed": "1"}).status_code == 302
    client.get("/auth/logout")
    # the liaison is told up front, and offered no 补录 the service would refuse
    login(world.liaison)
    queue = client.get("/backfill-requests/").get_data(as_text=True)
    assert f"/manage/backfill?request={request.id}" not in queue
    # her unit is the activity's and the item's: named as 保存 on its item names it
    assert (f"资源清单项目所属单位（{world.unit.name}）{day.year}年{day.month}月的月报已定稿，"
            "补录该月的活动须由单位管理员操作") in queue
    form = client.get(f"/manage/backfill?request={request.id}").get_data(as_text=True)
    assert f"{day.year}年{day.month}月的月报已定稿，补录该月的活动须由单位管理员操作" in form
    client.get("/auth/logout")
    # the admin finds it on the 工作台 and adopts it through the form
    login(world.admin)
    home = client.get("/manage/").get_data(as_text=True)
    found = re.search(r'<a class="stat (\w+)" href="/backfill-requests/"><b>(\d+)</b>', home)
    assert found and found.group(1) == "act" and int(found.group(2)) >= 1
    queue = client.get("/backfill-requests/").get_data(as_text=True)
    assert f"/manage/backfill?request={request.id}" in queue and "须由单位管理员采纳" not in queue
    # offered, and told the 补录 names the signed documents first (review43 #1)
    assert f"{day.year}年{day.month}月的月报已定稿：采纳该申请会改变已定稿的文件" in queue
    values = _form_values(client.get(f"/manage/backfill?request={request.id}").get_data(as_text=True))
    values["note"] = ["核实后补录"]
    values["starts_at"], values["ends_at"] = [f"{day.isoformat()}T14:00"], [f"{day.isoformat()}T15:30"]
    # the signed month it changes is named first (figures42 #1), then it is adopted
    r = client.post("/manage/backfill", data=values)
    assert r.status_code == 200 and "补录该活动会改变以下已定稿月报" in r.get_data(as_text=True)
    r = client.post("/manage/backfill", data={**values, "confirmed": "1"})
    assert r.status_code == 302, error_texts(r.get_data(as_text=True))
    db.session.expire_all()
    assert request.status == RequestStatus.adopted


def test_a_request_waiting_on_a_task_cancelled_since_goes_through_the_form(client, login, world):
    _on_the_minute(world.past_task)
    request = asked_for_past_task(world, minutes=90)
    login(world.liaison)
    r = client.post(f"/manage/tasks/{world.past_task.id}/cancel",
                    data={"reason": "下雨取消", "confirmed": "1"})
    assert r.status_code == 302
    queue = client.get("/backfill-requests/").get_data(as_text=True)
    assert f"/backfill-requests/{request.id}/adopt" not in queue  # no one-tap 采纳
    assert f"/manage/backfill?request={request.id}" in queue and "下雨取消" in queue
    # a 采纳 posted anyway (a page opened before the 取消) says the task was cancelled
    page = client.post(f"/backfill-requests/{request.id}/adopt",
                       follow_redirects=True).get_data(as_text=True)
    assert "已取消" in page and "已在该任务中" not in page
    db.session.expire_all()
    assert request.status == RequestStatus.pending
    # the cancelled task unchanged is not what happened; another time is
    values = _form_values(client.get(f"/manage/backfill?request={request.id}").get_data(as_text=True))
    values["note"] = ["改期后参加"]
    r = client.post("/manage/backfill", data=values)
    assert any("这正是已取消的任务" in e for e in error_texts(r.get_data(as_text=True)))
    day = world.past_task.service_date.isoformat()
    values["starts_at"], values["ends_at"] = [f"{day}T14:00"], [f"{day}T15:30"]
    r = client.post("/manage/backfill", data=values)
    assert r.status_code == 302, error_texts(r.get_data(as_text=True))
    db.session.expire_all()
    assert request.status == RequestStatus.adopted
