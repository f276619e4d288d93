"""A 补录申请 naming an activity whose times were corrected and which was then cancelled
(取消) goes through the 补录 form, which opens filled with the activity's times as they
are now (``BackfillForm.fill_from_request``): its first showing asks 补录's unit rule on
that day, the one 保存 asks on and the queue's card asks on (``BackfillRequest.activity_day``).
review48b #3: the form warned she would be refused on the request's old day, a day it
did not hold, while the card said nothing and 保存 took her."""
from __future__ import annotations

import html
from datetime import timedelta

from tests.backfill_requests.test_queue_day_of_the_task_now import _moved, _request, _seconded_on
from tracker.extensions import db
from tracker.models import BackfillRequest, RequestStatus, Task, TaskStatus
from tracker.services import unit_of_work
from tracker.services.tasks import cancel_task


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_the_form_of_a_cancelled_moved_activity_asks_the_day_it_holds(client, login, world):
    zhou, request = _request(world)
    asked_on = request.service_date
    _seconded_on(zhou, world.unit, asked_on)   # refused on the day she asked on only
    _moved(world.past_task, world.liaison, -2)  # the activity was held two days earlier
    with unit_of_work():
        cancel_task(db.session.get(Task, world.past_task.id), world.liaison, "没有举行")
    db.session.expire_all()
    task = db.session.get(Task, world.past_task.id)
    assert task.status == TaskStatus.cancelled
    held = task.service_date
    assert held == asked_on - timedelta(days=2)

    login(world.liaison)
    card = _text(client.get("/backfill-requests/"))
    assert "不能补录该日的活动" not in card  # the card: nothing to say on the day held

    page = _text(client.get(f"/manage/backfill?request={request.id}"))
    assert f'value="{held.isoformat()}T' in page  # the form holds the activity's day
    warned = "不能补录该日的活动" in page
    # 保存 on the day the form holds (what really happened, another title) takes her
    typed = {"from_request": str(request.id), "resource_item": str(world.item.id),
             "title": "楼道杂物清理", "place": "幸福小区3号楼",
             "starts_at": f"{held}T09:00", "ends_at": f"{held}T10:00",
             "participants": str(zhou.id), "leader": str(zhou.id), f"hours_{zhou.id}": "1",
             "note": "帮助清理楼道杂物"}
    saved = client.post(f"/manage/backfill?request={request.id}", data=typed)
    db.session.expire_all()
    assert saved.status_code == 302, _text(saved)
    assert db.session.get(BackfillRequest, request.id).status == RequestStatus.adopted
    assert not warned  # the first showing said nothing of a day the form did not hold
