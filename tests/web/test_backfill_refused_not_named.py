"""An admin's 补录 — plain, or adopting a 补录申请 — in a 已定稿 month: the signed documents
it changes are named first (figures42 #1), but what the service refuses is said on the
form in the service's own words and never asked (checkfirst43), nor answered as
「…有了变化…」 when it arises after the page was read (review44 #2). The form's read-only
pre-check declines the naming page (``NamedFirst``'s ask); the service compares what was
named after its refusals, under its locks (backfillnamed45; the race of a refusal gone
in between: ``tests/services/test_backfill_refusal_gone_race.py``)."""
from __future__ import annotations

from datetime import date

from tests.reports.test_signed_named import named, sign_october_and_the_year
from tests.security.support import error_texts
from tests.web.test_named_first import MONTH, _backfill, _confirmation, _tasks_titled
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, BackfillRequest, RequestStatus
from tracker.timeutil import utcnow

SINCE = "有了变化"
# 刘洋 is done on 电商培训二, 2022-10-22 09:00-13:00 (tests/reports/dataset.py)
CLASH = "刘洋 在同一时间已参加“电商培训二”（2022-10-22 09:00），不能重复记录。"


def _request(o, day) -> BackfillRequest:
    """刘洋's pending 补录申请 for ``day`` in 解放路社区, naming no activity."""
    row = BackfillRequest(member_id=o.members["刘洋"].id, community_id=o.jiefang.id,
                          service_date=day, minutes=120, description="帮助清理楼道杂物",
                          note="忘记登记了", status=RequestStatus.pending, created_at=utcnow())
    db.session.add(row)
    db.session.commit()
    return row


def _status(row) -> RequestStatus:
    db.session.expire_all()
    return db.session.get(BackfillRequest, row.id).status


def test_a_backfill_the_service_refuses_is_refused_in_its_words_not_named(
        client, login, october):
    """刘洋 on another activity at those hours: 补录's overlap rule refuses him, so there is
    nothing to confirm — the refusal is said at once, on the form, as typed."""
    login(october.admin)
    sign_october_and_the_year(client, october)
    response = client.post("/manage/backfill", data=_backfill(october, "2022-10-22"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and named(page) == [] and "确认补录" not in page
    assert CLASH in error_texts(page) and SINCE not in page
    assert 'value="补录整治"' in page and _tasks_titled("补录整治") == 0


def test_an_adoption_the_service_refuses_is_refused_in_its_words_not_named(
        client, login, october):
    """The same 补录 opened from 刘洋's 补录申请: refused the same, the request still pending."""
    login(october.admin)
    sign_october_and_the_year(client, october)
    row = _request(october, date(2022, 10, 22))
    response = client.post("/manage/backfill",
                           data={**_backfill(october, "2022-10-22"), "from_request": str(row.id)})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and named(page) == [] and "确认补录" not in page
    assert CLASH in error_texts(page) and SINCE not in page
    assert f'name="from_request" value="{row.id}"' in page  # still linked
    assert _tasks_titled("补录整治") == 0 and _status(row) == RequestStatus.pending


def test_a_signed_adoption_the_service_takes_is_still_named_first(client, login, october):
    """Nothing refused: the 补录 adopting 刘洋's request is named first, and done — the
    request adopted — only once confirmed there."""
    login(october.admin)
    sign_october_and_the_year(client, october)
    row = _request(october, date(2022, 10, 26))
    typed = {**_backfill(october, "2022-10-26"), "from_request": str(row.id)}
    page = client.post("/manage/backfill", data=typed).get_data(as_text=True)
    (words,) = named(page)
    assert f"补录该活动会改变以下已定稿月报的当前数据：{MONTH}。" in words
    assert _tasks_titled("补录整治") == 0 and _status(row) == RequestStatus.pending
    action, fields = _confirmation(page)
    assert fields["from_request"] == str(row.id)
    assert client.post(action, data=fields).status_code == 302
    assert _tasks_titled("补录整治") == 1 and _status(row) == RequestStatus.adopted


def test_a_refusal_arising_after_the_page_is_said_in_its_words(client, login, october):
    """The naming page read, then 刘洋 recorded on another activity at those hours: 确认
    is refused by the overlap rule, in its words — not 「…有了变化…」, the signed documents
    being the same — and nothing is recorded."""
    login(october.admin)
    sign_october_and_the_year(client, october)
    page = client.post("/manage/backfill",
                       data=_backfill(october, "2022-10-26")).get_data(as_text=True)
    assert named(page)
    action, fields = _confirmation(page)
    elsewhere = october.tasks["慰问老人"]  # 2022-10-26 09:00-13:00, 刘洋 not on it
    db.session.add(Assignment(task_id=elsewhere.id, member_id=october.members["刘洋"].id,
                              status=AssignmentStatus.done, minutes=240))
    db.session.commit()
    response = client.post(action, data=fields)
    answer = response.get_data(as_text=True)
    assert response.status_code == 200 and SINCE not in answer
    assert "刘洋 在同一时间已参加“慰问老人”（2022-10-26 09:00），不能重复记录。" in error_texts(answer)
    assert _tasks_titled("补录整治") == 0
