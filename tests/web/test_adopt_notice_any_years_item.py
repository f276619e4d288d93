"""The 补录申请 card counts every checklist item 保存 takes, of any year (notice47b #1,
review47c #1). docs/design.md: an activity goes on its own year's item of its line
(`tasks.item_of_year`), and one recorded before that item exists stays on the item chosen
— a 补录 may be recorded on another year's item. So a request of June last year, in a
community whose only item of last year is 县财政局's (signed that month), while the
member's unit 县商务局 (open) has this year's item there, is the liaison's to adopt on
县商务局's item: the card names 县财政局's signed month and keeps 补录并采纳, and 保存 on
that item adopts it. The card and 保存 follow one rule."""
from __future__ import annotations

import pytest

from tests.web.manage_support import backfill_form, text
from tests.web.test_adopt_notices_name_the_items_unit import FINANCE, finance_item, sign_unit
from tests.web.test_closed_notices_say_what_to_reopen import (  # noqa: F401 (TODAY)
    DAY, MONTH_ONLY, SIGNED, TODAY, _pending_request)
from tracker.extensions import db
from tracker.models import BackfillRequest, RequestStatus

pytestmark = pytest.mark.usefixtures("today_held")


def test_another_years_item_of_an_open_unit_leaves_the_request_the_liaisons(
        client, login, world):
    item = finance_item(world)  # 县财政局's, of the request's year
    assert world.item.year != SIGNED  # 县商务局's only item there is of another year
    request = _pending_request(world)
    sign_unit(world, item.unit)
    login(world.liaison)
    adopt = f"/manage/backfill?request={request.id}"
    queue = text(client.get("/backfill-requests/"))
    # 县财政局's signed month named, in 保存's words; 补录并采纳 kept (not the admin's)
    assert FINANCE + MONTH_ONLY in queue
    assert "如不属实请拒绝" not in queue and adopt in queue
    # the form offers 县商务局's item; chosen, nothing signed is met
    assert "已定稿" not in text(client.get(f"{adopt}&item={world.item.id}"))
    # and 保存 on it adopts the request, as the card said it could
    member = world.other_member
    data = backfill_form(world, people=[member], resource_item=world.item.id,
                         starts_at=f"{DAY.isoformat()}T09:00", ends_at=f"{DAY.isoformat()}T11:00",
                         leader=member.id, **{f"hours_{member.id}": "2"})
    response = client.post("/manage/backfill", data={**data, "from_request": str(request.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(BackfillRequest, request.id).status == RequestStatus.adopted


def test_every_item_taken_signed_is_still_the_admins(client, login, world):
    """Not every item counts: one 停用 is neither offered nor taken by 保存. The member's
    unit's only item switched off (its unit still works there: an item of any state
    counts), 县财政局's signed item is the one 保存 takes: the card is an admin's."""
    item = finance_item(world)
    world.item.active = False
    db.session.commit()
    request = _pending_request(world)
    sign_unit(world, item.unit)
    login(world.liaison)
    queue = text(client.get("/backfill-requests/"))
    assert FINANCE + MONTH_ONLY + "如不属实请拒绝。" in queue
    assert f"/manage/backfill?request={request.id}" not in queue
