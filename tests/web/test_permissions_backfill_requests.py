"""Permission matrix rows for 补录申请 (blueprint ``backfill_requests``).

Everyone signed in may ask (「我参加了但没有记录」) and see their own requests; only
the member who asked may withdraw one; the queue, 采纳 and 拒绝 belong to the
liaison of the request's community and admins — another liaison's request answers 404.
"""
import pytest

from tests.backfill_requests.support import asked_for_past_task
from tests.web.matrix import (
    HIDDEN,
    OK,
    STAFF_ANY,
    STAFF_NOT_FOUND,
    STAFF_OF_COMMUNITY,
    Route,
    cases_for,
    check,
    everyone,
)


def _rid(w):
    return asked_for_past_task(w).id


def _ask_form(w):
    return {"community": str(w.community.id), "task": str(w.past_task.id), "hours": "1.5"}


CASES = [
    Route("backfill_requests.new", "GET", lambda w: "/backfill-requests/new", everyone(),
          id="new"),
    Route("backfill_requests.new", "GET", lambda w: f"/backfill-requests/new?task={w.past_task.id}",
          everyone(), id="new-from-task"),
    # ``member`` is on the task: the form answers with the refusal; the others are asking
    Route("backfill_requests.new", "POST", lambda w: "/backfill-requests/new", everyone(),
          data=_ask_form, id="new-post"),
    Route("backfill_requests.mine", "GET", lambda w: f"/backfill-requests/mine?_={_rid(w)}",
          everyone(), id="mine"),
    Route("backfill_requests.withdraw", "POST",
          lambda w: f"/backfill-requests/{_rid(w)}/withdraw", {"other_member": OK},
          default=HIDDEN, id="withdraw"),
    Route("backfill_requests.withdraw", "POST", lambda w: "/backfill-requests/999999/withdraw",
          {}, default=HIDDEN, id="withdraw-missing"),
    Route("backfill_requests.queue", "GET", lambda w: f"/backfill-requests/?_={_rid(w)}",
          STAFF_ANY, id="queue"),
    Route("backfill_requests.adopt", "POST", lambda w: f"/backfill-requests/{_rid(w)}/adopt",
          STAFF_OF_COMMUNITY, id="adopt"),
    Route("backfill_requests.adopt", "POST", lambda w: "/backfill-requests/999999/adopt",
          STAFF_NOT_FOUND, id="adopt-missing"),
    Route("backfill_requests.decline", "GET", lambda w: f"/backfill-requests/{_rid(w)}/decline",
          STAFF_OF_COMMUNITY, id="decline"),
    Route("backfill_requests.decline", "POST",
          lambda w: f"/backfill-requests/{_rid(w)}/decline", STAFF_OF_COMMUNITY,
          data={"reason": "当天没有签到记录"}, id="decline-post"),
    # 补录并采纳: the 补录 form filled from a request of the liaison's community
    Route("manage.backfill", "GET", lambda w: f"/manage/backfill?request={_rid(w)}",
          STAFF_OF_COMMUNITY, id="backfill-from-request"),
    Route("manage.backfill", "GET", lambda w: "/manage/backfill?request=999999",
          STAFF_NOT_FOUND, id="backfill-from-request-missing"),

    Route("manage.backfill", "POST", lambda w: "/manage/backfill", STAFF_OF_COMMUNITY,
          data=lambda w: {"from_request": str(_rid(w)), "note": "x"},
          id="backfill-from-request-post"),
]


@pytest.mark.parametrize(**cases_for(CASES))
def test_backfill_request_permissions(client, login, route_world, route, actor):
    check(client, login, route_world, route, actor)
