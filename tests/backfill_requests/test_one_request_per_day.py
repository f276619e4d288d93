"""The same free-text 补录申请 asked twice (review walk7, D4): a member with a request
naming no task still pending for a community and day is refused a second one for them
— under the date, as a second request for one task is refused under the task — what
was typed kept, nothing written. Another day, another community, or a day whose first
request was handled (采纳, 拒绝, 撤回) may be asked."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests.audit import work_event_count
from tests.backfill_requests.support import asked
from tests.backfill_requests.test_requests_pages import field_errors
from tests.services.test_claims import refused
from tracker.extensions import db
from tracker.models import BackfillRequest, RequestStatus
from tracker.services import ServiceErrors, unit_of_work
from tracker.services.backfill_requests import (
    RequestData,
    ask_backfill,
    decline_request,
    withdraw_request,
)
from tracker.timeutil import local_today

SAID = "您已为该日期提交过补录申请，正在等待处理。"


def _count() -> int:
    return db.session.scalar(select(func.count(BackfillRequest.id)))


def _again(world, day, description="帮助整理图书室"):
    return (ask_backfill, world.other_member, world.community,
            RequestData(service_date=day, minutes=120, description=description))


def test_a_second_request_for_the_same_day_is_refused_under_the_date(world):
    day = local_today() - timedelta(days=1)
    asked(world.other_member, world.community, service_date=day,
          description="12月4日下午在解放路社区帮助整理图书室")
    before = (_count(), work_event_count())
    error = refused(*_again(world, day), message=SAID, error=ServiceErrors)
    assert [(e.field, str(e.message)) for e in error.errors] == [("service_date", SAID)]
    # the description aside: the same member, community and day
    refused(*_again(world, day, description="另一段说明"), message=SAID, error=ServiceErrors)
    db.session.expire_all()
    assert (_count(), work_event_count()) == before


def test_another_day_or_a_handled_request_may_be_asked(world):
    day = local_today() - timedelta(days=1)
    first = asked(world.other_member, world.community, service_date=day)
    # another day
    assert asked(world.other_member, world.community,
                 service_date=day - timedelta(days=1)).status == RequestStatus.pending
    # another member, the same day
    assert asked(world.member, world.community, service_date=day).status == RequestStatus.pending
    with unit_of_work():
        withdraw_request(first, world.other_member)
    second = asked(world.other_member, world.community, service_date=day)
    with unit_of_work():
        decline_request(second, world.liaison, "当天没有活动记录")
    assert asked(world.other_member, world.community, service_date=day).is_pending


def test_the_form_says_so_under_the_date_and_keeps_what_was_typed(client, login, world):
    day = (local_today() - timedelta(days=1)).isoformat()
    login(world.other_member)
    typed = {"community": str(world.community.id), "service_date": day, "hours": "2",
             "description": "帮助整理图书室", "note": "和社区干部一起"}
    assert client.post("/backfill-requests/new", data=typed).status_code == 302
    before = (_count(), work_event_count())
    html = client.post("/backfill-requests/new", data=typed).get_data(as_text=True)
    assert field_errors(html) == {"service_date": [SAID]}
    assert f'value="{day}"' in html and "帮助整理图书室" in html and "和社区干部一起" in html
    assert (_count(), work_event_count()) == before
