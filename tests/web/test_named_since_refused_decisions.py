"""An admin's decision confirmed on its naming page — 采纳 of a 补录申请 from the queue,
通过 of a report, 撤销审核, 作废 — refused by its service because a signed document
changed since the page was read (``roll.NamedSince``: here the year signed between the
view's read and the service's share locks), and, after the service rolled back and before
the view answers, another admin's decision committed that the decision's own rules refuse:
the request adopted or declined already, the report approved already, the activity voided
already.

The view's answer is that refusal, in the service's words (docs/design.md, "Refused in a
已定稿 month": a refusal is said in its own words, review44 #2) — never the words of a page
named afresh (「打开页面之后…有了变化…」), which point at a 说明 above that is not shown,
nor the naming page again for a decision the service will only refuse after its 确认
(since49's Open). Nothing is written by the post.

The order is forced in one process, as tests/web/test_named_since_refused_after_rollback.py
forces it: the year is signed (the real 定稿) right after the view's unlocked read, and the
other admin's decision (the real service's) is committed right before the view answers."""
from __future__ import annotations

import re

from tests.reports.test_signed_named import named
from tests.web.test_named_first import _confirmation, _sign_october_only
from tests.web.test_named_since_refused_after_rollback import _changed_before_since
from tests.web.test_named_since_refused_again import _other_admin, _signed_after_the_read
from tracker.extensions import db
from tracker.models import (Assignment, AssignmentStatus, BackfillRequest, Member,
                            RequestStatus)
from tracker.timeutil import utcnow

DECIDED = "该申请已处理。"


def _text(response) -> str:
    return re.sub(r"<[^>]+>", "", response.get_data(as_text=True))


def _request_for_cleanup(o) -> int:
    """赵敏's pending 补录申请 to be added to 环境整治一 (解放路社区, 9 October, approved),
    which she is not on, for its two hours."""
    row = BackfillRequest(member_id=o.members["赵敏"].id, community_id=o.jiefang.id,
                          task_id=o.tasks["环境整治一"].id, service_date=o.tasks["环境整治一"].service_date,
                          minutes=120, note="忘记认领了",
                          status=RequestStatus.pending, created_at=utcnow())
    db.session.add(row)
    db.session.commit()
    return row.id


def _on_cleanup(o) -> int:
    return db.session.query(Assignment).filter_by(
        task_id=o.tasks["环境整治一"].id, member_id=o.members["赵敏"].id,
        status=AssignmentStatus.done).count()


def _adoption_refused_in_its_words(client, login, o, monkeypatch, other_decides,
                                   status: RequestStatus) -> None:
    """Admin 孙书记 confirms 采纳 of 赵敏's request on its naming page (October named);
    the year is signed after the view's read, so the service refuses for it; then
    ``other_decides(request, other admin)`` commits. The queue says 「该申请已处理。」, the
    request as the other admin left it (``status``), 赵敏 on the activity at most once."""
    from tracker import backfill_requests

    other = _other_admin(o)
    request_id = _request_for_cleanup(o)
    login(o.admin)
    _sign_october_only(client, o)
    url = f"/backfill-requests/{request_id}/adopt"
    page = client.post(url).get_data(as_text=True)
    assert "确认采纳" in page and named(page)  # October named
    action, fields = _confirmation(page)
    seen: dict = {}
    _signed_after_the_read(monkeypatch, backfill_requests.routes, "adoption_signed",
                           o.unit.id, o.admin.id, seen)
    _changed_before_since(monkeypatch, lambda: other_decides(
        db.session.get(BackfillRequest, request_id), db.session.get(Member, other)))

    response = client.post(action, data=fields, follow_redirects=True)
    words = _text(response)
    assert response.status_code == 200
    assert "有了变化" not in words and "确认采纳" not in words  # no page, none pointed at
    assert DECIDED in words
    db.session.expire_all()
    row = db.session.get(BackfillRequest, request_id)
    assert seen["signed"] and seen["compared"] and row.status == status
    assert row.decided_by_id == other  # the other admin's decision, not this post's


def test_an_adoption_confirmed_once_another_admin_adopted_it_says_so(
        client, login, october, monkeypatch):
    from tracker.services.backfill_requests import adopt_into_task

    _adoption_refused_in_its_words(client, login, october, monkeypatch, adopt_into_task,
                                   RequestStatus.adopted)
    assert _on_cleanup(october) == 1  # added once, by the other admin


def test_an_adoption_confirmed_once_another_admin_declined_it_says_so(
        client, login, october, monkeypatch):
    from tracker.services.backfill_requests import decline_request

    _adoption_refused_in_its_words(
        client, login, october, monkeypatch,
        lambda request, admin: decline_request(request, admin, "未参加该活动"),
        RequestStatus.declined)
    assert _on_cleanup(october) == 0  # nothing added
