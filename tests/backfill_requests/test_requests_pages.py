"""补录申请 through the pages: the member asks from a task page or 我的任务, bad input is
explained on the same page and kept, the request waits in the liaison's queue (and is
counted on the 工作台), 采纳 adds the member to the task, 拒绝 needs a reason, and the
member sees the outcome."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.audit import work_event_count
from tests.backfill_requests.support import asked, asked_for_past_task
from tests.security.support import error_texts
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, BackfillRequest, RequestStatus
from tracker.timeutil import local_today


def _count() -> int:
    return db.session.scalar(select(func.count(BackfillRequest.id)))


def _home_count(html: str) -> str:
    """The 工作台's 补录申请 action item: its colour class and its number."""
    found = re.search(r'<a class="stat (\w+)" href="/backfill-requests/"><b>(\d+)</b>', html)
    return found and f"{found.group(1)} {found.group(2)}"


def test_a_member_not_on_an_ended_task_is_offered_to_ask_from_its_page(client, login, world):
    login(world.other_member)
    page = client.get(f"/tasks/{world.past_task.id}").get_data(as_text=True)
    assert f"/backfill-requests/new?task={world.past_task.id}" in page
    form = client.get(f"/backfill-requests/new?task={world.past_task.id}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{world.past_task.id}"|'
                     rf'<option value="{world.past_task.id}" selected', form)
    # a task that has not ended, and one the member is on, offer nothing
    assert "/backfill-requests/new" not in client.get(f"/tasks/{world.task.id}").get_data(as_text=True)
    client.get("/auth/logout")
    login(world.member)
    assert "/backfill-requests/new" not in client.get(
        f"/tasks/{world.past_task.id}").get_data(as_text=True)


def test_my_tasks_links_to_my_requests(client, login, world):
    login(world.member)
    assert "/backfill-requests/mine" in client.get("/tasks/mine").get_data(as_text=True)


def test_bad_input_is_explained_on_the_same_form_and_kept(client, login, world):
    login(world.other_member)
    before = (_count(), work_event_count())
    html = client.post("/backfill-requests/new", data={
        "community": str(world.community.id), "hours": "1.2", "note": "记不清具体时间"}
    ).get_data(as_text=True)
    assert "服务时长须为0.5小时的整数倍，例如 1.5 或 2。" in error_texts(html)
    assert 'value="1.2"' in html and "记不清具体时间" in html
    # the rules only the service knows, under their fields
    html = client.post("/backfill-requests/new", data={
        "community": str(world.community.id), "hours": "2",
        "service_date": (local_today() + timedelta(days=1)).isoformat()}).get_data(as_text=True)
    assert "日期不能晚于今天。" in error_texts(html)
    html = client.post("/backfill-requests/new", data={
        "community": str(world.community.id), "hours": "2",
        "service_date": local_today().isoformat()}).get_data(as_text=True)
    assert "没有选择任务时，请说明参加了什么活动。" in error_texts(html)
    assert (_count(), work_event_count()) == before


def field_errors(html: str) -> dict[str, list[str]]:
    """The errors under each field, by the field's id."""
    found: dict[str, list[str]] = {}
    for field, text in re.findall(r'<p class="error" id="([\w-]+?)-error\d+">(.*?)</p>', html):
        found.setdefault(field, []).append(text)
    return found


@pytest.mark.parametrize("lang, said", [
    ("zh_CN", {"community": "请选择您所在单位共建的社区。", "future": "日期不能晚于今天。",
               "hours": "服务时长须为数字，例如 2 或 2.5。",
               "description": "没有选择任务时，请说明参加了什么活动。"}),
    ("en", {"community": "Please choose a community your unit works in.",
            "future": "The date cannot be later than today.",
            "hours": "Service hours must be a number, e.g. 2 or 2.5.",
            "description": "When no task is chosen, please describe what you took part in."}),
])
def test_every_mistake_is_named_in_one_submit(client, login, world, lang, said):
    """Review walk3, #2: a member on a phone needed three submits to learn three
    independent mistakes — no community, then hours 「abc」, and only then a date after
    today. Design invariant 4: every error at once, each under its field, what was typed
    kept, nothing written."""
    login(world.other_member)
    client.get(f"/backfill-requests/new?lang={lang}")
    before = (_count(), work_event_count())
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    html = client.post("/backfill-requests/new", data={
        "service_date": tomorrow, "hours": "2", "description": "清理楼道"}).get_data(as_text=True)
    assert field_errors(html) == {"community": [said["community"]],
                                  "service_date": [said["future"]]}
    html = client.post("/backfill-requests/new", data={
        "community": str(world.community.id), "service_date": tomorrow, "hours": "abc"}
    ).get_data(as_text=True)
    assert field_errors(html) == {"service_date": [said["future"]], "hours": [said["hours"]],
                                  "description": [said["description"]]}
    assert f'value="{tomorrow}"' in html and 'value="abc"' in html
    # the form's own checks passed: the service names each of its problems just as well
    html = client.post("/backfill-requests/new", data={
        "community": str(world.community.id), "service_date": tomorrow, "hours": "2"}
    ).get_data(as_text=True)
    assert field_errors(html) == {"service_date": [said["future"]],
                                  "description": [said["description"]]}
    assert (_count(), work_event_count()) == before


def test_the_member_asks_sees_it_pending_and_withdraws_it(client, login, world):
    login(world.other_member)
    response = client.post("/backfill-requests/new", data={
        "community": str(world.community.id), "task": str(world.past_task.id), "hours": "1.5"})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/backfill-requests/mine")
    request = db.session.scalar(select(BackfillRequest))
    assert (request.member_id, request.task_id, request.minutes) == (
        world.other_member.id, world.past_task.id, 90)
    page = client.get("/backfill-requests/mine").get_data(as_text=True)
    assert "补录申请已提交，等待社区联络员处理。" in page and "待处理" in page
    assert world.past_task.title in page
    client.post(f"/backfill-requests/{request.id}/withdraw", data={"confirmed": "1"})
    db.session.expire_all()
    assert request.status == RequestStatus.withdrawn
    assert "已撤回" in client.get("/backfill-requests/mine").get_data(as_text=True)


def test_the_workbench_counts_the_pending_requests_of_the_liaisons_communities(
        client, login, world):
    login(world.liaison)
    assert _home_count(client.get("/manage/").get_data(as_text=True)) == "calm 0"
    asked_for_past_task(world)
    assert _home_count(client.get("/manage/").get_data(as_text=True)) == "act 1"
    client.get("/auth/logout")
    login(world.other_liaison)  # another community's request is not theirs
    assert _home_count(client.get("/manage/").get_data(as_text=True)) == "calm 0"
    client.get("/auth/logout")
    login(world.admin)
    assert _home_count(client.get("/manage/").get_data(as_text=True)) == "act 1"


def test_the_liaison_adopts_into_the_task_and_the_member_sees_it(client, login, world):
    request = asked_for_past_task(world, minutes=90)
    login(world.liaison)
    queue = client.get("/backfill-requests/").get_data(as_text=True)
    assert world.other_member.name in queue and f"/backfill-requests/{request.id}/adopt" in queue
    client.post(f"/backfill-requests/{request.id}/adopt")
    page = client.get("/backfill-requests/").get_data(as_text=True)
    assert f"已采纳 {world.other_member.name}（{world.unit.name}） 的补录申请" in page
    assert "没有待处理的补录申请。" in page
    added = db.session.scalar(select(Assignment).where(
        Assignment.task_id == world.past_task.id, Assignment.member_id == world.other_member.id))
    assert (added.status, added.minutes) == (AssignmentStatus.done, 90)
    client.get("/auth/logout")
    login(world.other_member)
    assert "已采纳" in client.get("/backfill-requests/mine").get_data(as_text=True)


def test_an_adopted_request_whose_activity_was_voided_goes_back_to_the_liaison(
        client, login, world):
    """采纳 added the member's hours; 作废 of the activity since takes them off every
    figure, so the request is 待处理 again: 我的补录申请 says why, and the liaison's
    queue offers it for the 补录 form (the form filled in from the voided activity)."""
    request = asked_for_past_task(world, minutes=90)
    login(world.liaison)
    client.post(f"/backfill-requests/{request.id}/adopt")
    client.get("/auth/logout")
    login(world.other_member)
    page = client.get("/backfill-requests/mine").get_data(as_text=True)
    assert "已采纳" in page and "活动已作废" not in page
    client.get("/auth/logout")
    login(world.liaison)
    response = client.post(f"/manage/tasks/{world.past_task.id}/void",
                           data={"void-reason": "当天并未开展", "confirmed": "1"})
    assert response.status_code == 302
    client.get("/auth/logout")
    login(world.other_member)
    page = client.get("/backfill-requests/mine").get_data(as_text=True)
    assert "待处理" in page and "已采纳" not in page
    assert f"申请所指的活动“{world.past_task.title}”" in page and "已作废" in page
    # the task page says 作废 too, though the task had no report to void
    page = client.get(f"/tasks/{world.past_task.id}").get_data(as_text=True)
    assert "作废，原因：当天并未开展" in page and "服务时长 1.5 小时（活动已作废，不计入）" in page
    client.get("/auth/logout")
    login(world.liaison)
    queue = client.get("/backfill-requests/").get_data(as_text=True)
    assert world.other_member.name in queue and "通过补录表单记录后重新采纳" in queue
    assert f"/manage/backfill?request={request.id}" in queue
    assert f"/backfill-requests/{request.id}/adopt" not in queue
    form = client.get(f"/manage/backfill?request={request.id}").get_data(as_text=True)
    assert f'value="{world.past_task.title}"' in form


def test_a_request_without_a_task_is_not_adopted_by_one_tap(client, login, world):
    asked(world.other_member, world.community)
    login(world.liaison)
    queue = client.get("/backfill-requests/").get_data(as_text=True)
    assert "帮助清理楼道杂物" in queue and "/adopt" not in queue
    assert "请通过补录表单记录后采纳" in queue


def test_declining_asks_a_reason_on_the_same_page(client, login, world):
    request = asked_for_past_task(world)
    login(world.liaison)
    html = client.post(f"/backfill-requests/{request.id}/decline",
                       data={"reason": " "}).get_data(as_text=True)
    assert "请填写拒绝理由。" in error_texts(html)
    db.session.expire_all()
    assert request.status == RequestStatus.pending
    client.post(f"/backfill-requests/{request.id}/decline", data={"reason": "当天没有签到记录"})
    client.get("/auth/logout")
    login(world.other_member)
    page = client.get("/backfill-requests/mine").get_data(as_text=True)
    assert "已拒绝" in page and "拒绝理由：当天没有签到记录" in page


def test_the_backfill_form_comes_filled_from_a_request_and_saving_adopts_it(client, login, world):
    request = asked(world.other_member, world.community, minutes=150, description="清理楼道杂物")
    login(world.liaison)
    assert f"/manage/backfill?request={request.id}" in client.get(
        "/backfill-requests/").get_data(as_text=True)
    html = client.get(f"/manage/backfill?request={request.id}").get_data(as_text=True)
    member = world.other_member.id
    assert f'name="from_request" value="{request.id}"' in html
    assert re.search(rf'<input checked[^>]*value="{member}"|<input[^>]*value="{member}"[^>]*checked',
                     html)
    assert f'name="hours_{member}"' in html and 'value="2.5"' in html
    assert f'<option selected value="{world.item.id}"' in html  # the community's one item
    day = request.service_date.isoformat()
    form = {"from_request": str(request.id), "resource_item": str(world.item.id),
            "place": "解放路12号", "starts_at": f"{day}T09:00", "ends_at": f"{day}T11:30",
            "participants": str(member), f"hours_{member}": "2.5", "leader": str(member),
            "note": ""}
    html = client.post("/manage/backfill", data=form).get_data(as_text=True)
    assert "请填写情况说明。" in error_texts(html)
    assert f'name="from_request" value="{request.id}"' in html  # still linked
    db.session.expire_all()
    assert request.status == RequestStatus.pending
    response = client.post("/manage/backfill", data={**form, "note": "清理楼道杂物"})
    assert response.status_code == 302
    db.session.expire_all()
    assert request.status == RequestStatus.adopted and request.result_task_id is not None
    assert "已采纳" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_an_activity_older_than_the_listed_ones_is_found_by_its_day_and_asked(
        client, login, world):
    """The select lists the most recent tasks (TASK_CHOICES); an earlier one is found by
    its day with a plain GET (no script), the form's date comes filled, and it is
    asked from that list. A day outside the request window is refused in Chinese,
    kept, and the recent tasks stay listed."""
    from tests import factories as f
    from tracker.backfill_requests.queries import TASK_CHOICES

    made = [f.task(world.item, world.liaison, starts_in=-timedelta(days=n + 2), title=f"活动第{n}个")
            for n in range(TASK_CHOICES + 5)]
    db.session.commit()
    old = made[-1]
    login(world.other_member)
    page = client.get("/backfill-requests/new").get_data(as_text=True)
    assert f'value="{made[0].id}"' in page and f'value="{old.id}"' not in page
    url = f"/backfill-requests/new?day={old.service_date.isoformat()}"
    page = client.get(url).get_data(as_text=True)
    assert f'<option value="{old.id}">' in page
    assert f'name="service_date" type="date" value="{old.service_date.isoformat()}"' in page
    response = client.post(url, data={"community": str(world.community.id),
                                      "task": str(old.id), "hours": "2"})
    assert response.status_code == 302, error_texts(response.get_data(as_text=True))
    assert db.session.scalar(select(BackfillRequest.task_id)) == old.id
    too_old = (local_today() - timedelta(days=200)).isoformat()
    page = client.get(f"/backfill-requests/new?day={too_old}").get_data(as_text=True)
    assert "请选择最近90天内、不晚于今天的日期。" in error_texts(page)
    assert f'value="{too_old}"' in page and f'value="{made[0].id}"' in page
    page = client.get("/backfill-requests/new?day=昨天").get_data(as_text=True)
    assert "日期格式不正确，请按“年-月-日”填写。" in error_texts(page)


def test_a_decided_request_s_decline_page_shows_the_decision_not_the_form(client, login,
                                                                         world):
    """walk44 #5: 拒绝 tapped twice, or the page opened again, shows what was decided and
    the reason — not an empty 拒绝 form over 「已提交，无需重复提交。」."""
    from tracker.resend import new_token

    request = asked_for_past_task(world)
    login(world.liaison)
    page = f"/backfill-requests/{request.id}/decline"
    sent = {"reason": "当天名单中没有您", "submission_token": new_token()}
    assert client.post(page, data=sent).status_code in (302, 303)
    again = client.post(page, data=sent, headers={"Referer": f"http://localhost{page}"},
                        follow_redirects=True).get_data(as_text=True)
    assert "已提交，无需重复提交" in again and 'name="reason"' not in again
    # the page opened again (where a second tap lands when it overtakes the first's
    # answer: its Referer), or sent from a page read before the decision
    read_before = {"reason": "再拒绝一次", "submission_token": new_token()}
    for html in (client.get(page).get_data(as_text=True),
                 client.post(page, data=read_before).get_data(as_text=True)):
        assert 'name="reason"' not in html
        assert "已拒绝" in html and "拒绝，理由：当天名单中没有您" in html
    db.session.expire_all()
    assert db.session.get(BackfillRequest, request.id).decline_reason == "当天名单中没有您"


def test_an_adopted_request_s_decline_page_says_it_was_adopted(client, login, world):
    from tracker.services import unit_of_work
    from tracker.services.backfill_requests import adopt_into_task

    request = asked_for_past_task(world)
    with unit_of_work():
        adopt_into_task(request, world.liaison)
    login(world.liaison)
    page = f"/backfill-requests/{request.id}/decline"
    for html in (client.get(page).get_data(as_text=True),
                 client.post(page, data={"reason": "重复"}).get_data(as_text=True)):
        assert 'name="reason"' not in html
        assert "已采纳" in html and "采纳，无需拒绝" in html
    db.session.expire_all()
    assert db.session.get(BackfillRequest, request.id).status == RequestStatus.adopted
