"""The 补录申请 queue's card and the 补录 form opened from a request say up front which
unit's signed month a 补录 adopting it would meet (review46b #1 and #2). docs/design.md:
a signed month's figures are changed by an admin only — and a 补录 counts in the 月报 of
the unit whose checklist item it is recorded on, as well as in the member's unit's of the
day. So a request whose member's unit is open, in a community whose item of the year is
of a unit whose month is signed, is refused on 保存; the card and the form say so first,
in 保存's own words, naming that unit — and say nothing when the item's unit is open. With
an item chosen on the form, the notice is that item's unit's, exactly: no other unit of
the community is guessed at."""
from __future__ import annotations

import html
from datetime import datetime, time

import pytest

from tests import factories as f
from tests.page_statements import counted, warm
from tests.web.manage_support import text
from tests.web.test_closed_notices_say_what_to_reopen import (  # noqa: F401 (TODAY)
    DAY, MONTH, MONTH_ONLY, SIGNED, TODAY,
    _pending_request)
from tracker.extensions import db
from tracker.models import BackfillRequest, SummaryNote
from tracker.services.backfill import BackfillData, Participant, backfill_problems
from tracker.timeutil import utcnow

pytestmark = pytest.mark.usefixtures("today_held")

# the item's unit named as the signed one, in the words 保存 refuses a liaison with
FINANCE = f"资源清单项目所属单位（县财政局）{MONTH}的月报已定稿，补录该月的活动须由单位管理员操作"


def sign_unit(world, unit) -> None:
    db.session.add(SummaryNote(scope_key=f"unit:{unit.id}", unit_id=unit.id, year=DAY.year,
                               month=DAY.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    db.session.commit()


def finance_item(world):
    """县财政局's checklist item in the request's community, of the request's year (the
    member, 李四, is of 县商务局, whose own item there is of this year only)."""
    item = f.item(f.unit("县财政局"), world.community, "environment_cleanup", year=SIGNED)
    db.session.commit()
    return item


def saved_problems(world, item) -> dict:
    """What 保存 of the request's 补录 (李四, two hours on its day) on ``item`` is refused
    with, by field (the service's own question, read only)."""
    member = world.other_member
    payload = BackfillData(title="楼道清理", place="解放路12号",
                           starts_local=datetime.combine(DAY, time(9)),
                           ends_local=datetime.combine(DAY, time(11)),
                           participants=[Participant(member)], leader=member, note="楼道清理")
    return dict(backfill_problems(world.liaison, item, payload, hold=False, lock=False))


def saved_refusal(world, item) -> str:
    """What 保存 of the request's 补录 on ``item`` is refused with for the signed month."""
    return str(saved_problems(world, item)["starts_at"])


def test_the_items_signed_unit_is_named_on_the_card_and_the_form(client, login, world):
    item = finance_item(world)
    request = _pending_request(world)
    sign_unit(world, item.unit)
    login(world.liaison)
    adopt = f"/manage/backfill?request={request.id}"
    queue = text(client.get("/backfill-requests/"))
    # the community's one item of the request's year is 县财政局's: named; 县商务局's item
    # of another year is taken by 保存 too and open, so 补录并采纳 stays (notice47b #1;
    # the admin's card: test_adopt_notice_any_years_item.py)
    assert FINANCE + MONTH_ONLY in queue
    assert adopt in queue
    # the form, no item chosen (this year's item of 县商务局 is offered too): the same
    form = text(client.get(adopt))
    assert FINANCE + MONTH_ONLY in form
    # 县财政局's item chosen: the very words 保存 refuses with
    refusal = saved_refusal(world, item)
    assert refusal == FINANCE + MONTH_ONLY
    assert refusal in text(client.get(f"{adopt}&item={item.id}"))
    # 县商务局's item chosen: its unit and hers are open, nothing to say
    assert "已定稿" not in text(client.get(f"{adopt}&item={world.item.id}"))


def test_an_open_unit_left_among_the_items_keeps_the_form_and_says_which_is_signed(
        client, login, world):
    item = finance_item(world)
    f.item(world.unit, world.community, "ad_removal", year=SIGNED)  # 县商务局's, open
    db.session.commit()
    request = _pending_request(world)
    sign_unit(world, item.unit)
    login(world.liaison)
    queue = text(client.get("/backfill-requests/"))
    assert FINANCE + MONTH_ONLY in queue
    assert "如不属实请拒绝" not in queue
    assert f"/manage/backfill?request={request.id}" in queue


def test_no_notice_when_the_items_unit_is_open(client, login, world):
    finance_item(world)
    request = _pending_request(world)
    # a unit with no item in the community: its signed month is not the 补录's
    sign_unit(world, f.unit("县教育局"))
    login(world.liaison)
    queue = text(client.get("/backfill-requests/"))
    assert "已定稿" not in queue and f"/manage/backfill?request={request.id}" in queue
    assert "已定稿" not in text(client.get(f"/manage/backfill?request={request.id}"))


def test_the_items_unit_is_named_in_english_too(client, login, world):
    item = finance_item(world)
    _pending_request(world)
    sign_unit(world, item.unit)
    login(world.liaison)
    queue = html.unescape(client.get("/backfill-requests/?lang=en").get_data(as_text=True))
    assert ("of the checklist item's unit (县财政局) is final; only a unit administrator can "
            "record past activities of that month (or have a unit administrator reopen") in queue


def test_the_liaisons_queue_asks_every_items_unit_in_one_statement(client, login, world,
                                                                   count_queries):
    """The queue stays at one statement for the whole queue (``signed_adoptions``):
    more requests, and more units with items, run no statement more."""
    item = finance_item(world)
    _pending_request(world)
    sign_unit(world, item.unit)
    login(world.liaison)

    def statements() -> int:
        warm(client, "/backfill-requests/")
        ran, response = counted(client, count_queries, "/backfill-requests/")
        assert FINANCE in text(response)
        return len(ran)

    one = statements()
    f.item(f.unit("县教育局"), world.community, "ad_removal", year=SIGNED)
    for member in (world.member, world.leader):
        db.session.add(BackfillRequest(member_id=member.id, community_id=world.community.id,
                                       service_date=DAY, minutes=60, description="楼道清理"))
    db.session.commit()
    assert statements() == one


def test_the_communitys_own_signed_month_is_named_as_the_communitys(client, login, world):
    """The community's own 月报 signed closes every unit's work there: the card names
    the community — the document to re-open — once, as 保存 does, not each item's unit."""
    item = finance_item(world)
    request = _pending_request(world)
    db.session.add(SummaryNote(scope_key=f"community:{world.community.id}",
                               community_id=world.community.id, year=DAY.year,
                               month=DAY.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    db.session.commit()
    own = f"{world.community.name}{MONTH}的月报已定稿，补录该月的活动须由单位管理员操作" + MONTH_ONLY
    assert saved_refusal(world, item) == own
    login(world.liaison)
    queue = text(client.get("/backfill-requests/"))
    assert own in queue and "县财政局）" not in queue
    assert own in text(client.get(f"/manage/backfill?request={request.id}&item={item.id}"))
