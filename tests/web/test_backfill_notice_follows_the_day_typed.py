"""The 补录 form opened from a 补录申请 says up front which signed 月报 a 保存 would meet
— of the day the form will save, not only of the request's (adoptnotice47's third Open
bullet). docs/design.md: a 补录 counts in the 月报 of the month of the day typed, and the
liaison may correct the times the request said; 保存 asks the day typed. So once she has
moved the times to another month, the page she is shown again — a 保存 refused, or a 查找
— speaks of that month: a signed one is named, the request's own month (signed, but no
longer the one saved into) is not."""
from __future__ import annotations

import html
import re
from datetime import date

import pytest

from tests.web.test_adopt_notices_name_the_items_unit import finance_item, sign_unit
from tests.web.test_closed_notices_say_what_to_reopen import (  # noqa: F401 (TODAY)
    DAY, MONTH, MONTH_ONLY, SIGNED, TODAY, _pending_request)
from tracker.extensions import db
from tracker.models import BackfillRequest, RequestStatus, SummaryNote
from tracker.timeutil import utcnow

pytestmark = pytest.mark.usefixtures("today_held")

JULY = date(SIGNED, 7, 15)
HERS_IN_JULY = (f"李四所在单位（县商务局）{SIGNED}年7月的月报已定稿，补录该活动须由单位管理员操作"
                + MONTH_ONLY)


def _notices(response) -> list[str]:
    """The page's up-front notices (not the errors under its fields)."""
    page = html.unescape(response.get_data(as_text=True))
    return [re.sub(r"\s+", "", words)
            for words in re.findall(r'<p class="notice"[^>]*>(.*?)</p>', page, flags=re.S)]


def _typed(world, request, day: date, item=None, **more) -> dict:
    member = world.other_member
    return {"from_request": str(request.id),
            "resource_item": str(item.id) if item is not None else "",
            "title": "楼道清理", "place": "解放路12号",
            "starts_at": f"{day}T09:00", "ends_at": f"{day}T11:00",
            "participants": str(member.id), "leader": str(member.id),
            "note": "帮助清理楼道杂物", **more}


def _sign_july(world) -> None:
    db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                               year=JULY.year, month=JULY.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    db.session.commit()


def test_a_save_refused_for_the_month_typed_names_that_month_up_front(client, login, world):
    item = finance_item(world)
    request = _pending_request(world)  # June: open
    _sign_july(world)
    login(world.liaison)
    adopt = f"/manage/backfill?request={request.id}"
    assert not any("已定稿" in n for n in _notices(client.get(f"{adopt}&item={item.id}")))
    response = client.post(adopt, data=_typed(world, request, JULY, item))
    assert response.status_code == 200  # refused on the form
    assert HERS_IN_JULY in _notices(response)
    db.session.expire_all()
    assert db.session.get(BackfillRequest, request.id).status == RequestStatus.pending


@pytest.mark.parametrize("chosen", [False, True], ids=["no item", "item chosen"])
def test_a_search_with_the_times_moved_out_of_the_signed_month_no_longer_names_it(
        client, login, world, chosen):
    item = finance_item(world)
    request = _pending_request(world)
    sign_unit(world, world.unit)  # June, the request's month: signed
    login(world.liaison)
    adopt = f"/manage/backfill?request={request.id}"
    assert any(MONTH in n for n in _notices(client.get(adopt)))
    typed = _typed(world, request, JULY, item if chosen else None, find="1")
    notices = _notices(client.post(adopt, data=typed))
    assert notices and not any("已定稿" in n for n in notices), notices


def test_a_search_with_the_times_moved_into_a_signed_month_names_it(client, login, world):
    """No item chosen: every unit the 补录 could be recorded for, of the day typed."""
    finance_item(world)
    request = _pending_request(world)
    _sign_july(world)
    login(world.liaison)
    typed = _typed(world, request, JULY, find="1")
    notices = _notices(client.post(f"/manage/backfill?request={request.id}", data=typed))
    assert HERS_IN_JULY in notices
    assert not any(MONTH in n for n in notices)
