"""review43 #1: 采纳 of a 补录申请 into an approved activity adds the member as a forgotten
participant (``add_forgotten_participant``): her hours count at once in the activity's
month. In a 已定稿 month that is an admin's change ("A signed month's figures are changed
by an admin only") — a liaison is refused it — and, done by an admin, the signed 月报 and
年度总结 it changes are named first, as 添加遗漏的参加人员 from the task page names them
("Refused in a 已定稿 month … named to them first"): a confirmation page, 「确认采纳」
posting ``confirmed=1``, 「返回，不操作」 doing nothing. What the service would refuse is
refused at once, never asked; a month nobody signed is adopted at once, as before. The
queue says, for an admin, which requests touch a signed month, in the statements it runs
anyway."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from tests import factories as f
from tests.backfill_requests.support import asked, asked_for_past_task
from tests.backfill_requests.test_request_overlap import _place_at_the_same_hours
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, RequestStatus


def _done(task) -> int:
    return db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.task_id == task.id, Assignment.status == AssignmentStatus.done))


def _text(response) -> str:
    return re.sub(r"<[^>]+>", "", response.get_data(as_text=True))


def _month(task) -> str:
    return f"{task.service_date.year}年{task.service_date.month}月"


def _confirmation(page: str) -> tuple[str, dict]:
    """The confirmation page's form: where it posts, and what (its hidden fields)."""
    form = re.search(r'<form method="post" action="([^"]*)".*?</form>', page, re.S)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"',
                             form.group(0)))
    return form.group(1).replace("&amp;", "&"), fields


def test_an_admins_adoption_into_a_signed_months_approved_activity_is_named_first(
        client, login, world):
    task = world.past_task
    request = asked_for_past_task(world, minutes=90)
    f.reported(task, world.leader, approved=True, signed_by=world.admin)
    before = _done(task)
    url = f"/backfill-requests/{request.id}/adopt"

    login(world.liaison)  # the liaison is refused it: the month is signed
    client.post(url)
    db.session.expire_all()
    assert request.status == RequestStatus.pending and _done(task) == before
    client.get("/auth/logout")

    login(world.admin)
    asked_page = client.post(url)
    db.session.expire_all()
    assert asked_page.status_code == 200 and _done(task) == before  # asked, not added
    assert request.status == RequestStatus.pending
    page = asked_page.get_data(as_text=True)
    words = _text(asked_page)
    assert f"采纳该补录申请会改变以下已定稿月报的当前数据：县商务局{_month(task)}。" in words
    assert "将李四（县商务局）添加为该活动的参加人员" in words  # named as the queue names her
    assert "确认采纳" in words
    action, fields = _confirmation(page)
    assert action == url and fields["confirmed"] == "1"

    back = client.post(action, data={**fields, "returning": "1"})  # 返回，不操作
    db.session.expire_all()
    assert back.status_code == 302 and _done(task) == before
    assert request.status == RequestStatus.pending

    assert client.post(action, data=fields).status_code == 302  # 确认采纳
    db.session.expire_all()
    assert _done(task) == before + 1 and request.status == RequestStatus.adopted


def test_an_adoption_in_a_month_nobody_signed_is_done_at_once(client, login, world):
    task = world.past_task
    request = asked_for_past_task(world, minutes=90)
    f.reported(task, world.leader, approved=True)
    before = _done(task)
    login(world.admin)
    assert client.post(f"/backfill-requests/{request.id}/adopt").status_code == 302
    db.session.expire_all()
    assert _done(task) == before + 1 and request.status == RequestStatus.adopted


def test_what_the_service_refuses_is_refused_not_asked(client, login, world):
    """Her hours taken by another activity at the same time: 采纳 is refused (补录's
    overlap rule), so there is nothing to confirm — the refusal is said at once."""
    task = world.past_task
    request = asked_for_past_task(world, minutes=90)
    _place_at_the_same_hours(world)  # after the request: it was asked before the clash
    f.reported(task, world.leader, approved=True, signed_by=world.admin)
    before = _done(task)
    login(world.admin)
    response = client.post(f"/backfill-requests/{request.id}/adopt", follow_redirects=True)
    words = _text(response)
    assert "确认采纳" not in words and "同一时间已参加“楼道粉刷”" in words
    db.session.expire_all()
    assert _done(task) == before and request.status == RequestStatus.pending


def test_the_admins_queue_says_which_requests_touch_a_signed_month(client, login, world,
                                                                    count_queries):
    task = world.past_task
    request = asked_for_past_task(world, minutes=90)
    f.reported(task, world.leader, approved=True, signed_by=world.admin)
    login(world.admin)
    queue = _text(client.get("/backfill-requests/"))
    assert f"{_month(task)}的月报已定稿：采纳该申请会改变已定稿的文件" in queue
    page = client.get("/backfill-requests/").get_data(as_text=True)
    assert f"/backfill-requests/{request.id}/adopt" in page  # still offered, to be named

    def statements() -> int:
        with count_queries() as counted:
            assert client.get("/backfill-requests/").status_code == 200
        return counted.count

    one = statements()
    for name in ("王五", "赵六"):  # two more such requests: no statement more
        asked(f.member(world.unit, name=name), world.community, task=task,
              service_date=None, description=None, minutes=60, note="忘记认领了")
    assert statements() == one


def test_the_admins_queue_says_nothing_of_a_month_nobody_signed(
        client, login, world):
    task = world.past_task
    asked_for_past_task(world, minutes=90)
    f.reported(task, world.leader, approved=True)
    login(world.admin)
    assert "采纳该申请会改变已定稿的文件" not in _text(client.get("/backfill-requests/"))


def test_a_year_signed_after_the_adoption_page_is_named_before_adopting(client, login, world):
    """review43c #2: 采纳's naming page posts back what it named (the month only); the
    year signed since, 确认采纳 from that page is answered with the page naming the year
    afresh — nothing adopted — and 确认采纳 from the new page adopts."""
    from tracker.models.summaries import YearNote
    from tracker.timeutil import utcnow

    task = world.past_task
    request = asked_for_past_task(world, minutes=90)
    f.reported(task, world.leader, approved=True, signed_by=world.admin)
    before = _done(task)
    url = f"/backfill-requests/{request.id}/adopt"
    login(world.admin)
    page = client.post(url)
    assert page.status_code == 200 and "年度总结" not in _text(page)  # the month only
    action, fields = _confirmation(page.get_data(as_text=True))
    db.session.add(YearNote(scope_key=f"unit:{task.unit_id}", unit_id=task.unit_id,
                            year=task.service_date.year, finalized_at=utcnow(),
                            finalized_by_id=world.admin.id))  # signed since the page
    db.session.commit()

    again = client.post(action, data=fields)  # 确认采纳 from the page read before
    db.session.expire_all()
    assert again.status_code == 200
    assert request.status == RequestStatus.pending and _done(task) == before
    text = _text(again)
    assert "打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，未作任何更改。" in text
    assert "年度总结" in text  # the year, named afresh

    action, fields = _confirmation(again.get_data(as_text=True))
    assert client.post(action, data=fields).status_code == 302  # named now: done
    db.session.expire_all()
    assert request.status == RequestStatus.adopted and _done(task) == before + 1
