"""The 补录申请 card, the 补录 form's notice and 保存's refusal name the document that is
signed — the community's own 月报, or the member's unit's — and never the one that is not
(adoptnotice47's second Open bullet). docs/design.md: a 补录 counts in the 月报 of the
member's unit of the day (the unit's whole, or the unit's in the community) and in the
community's own 月报 (as every activity there does). When only the community's own 月报 of
the month is signed, her unit's 月报 is open: a sentence 「李四所在单位（县商务局）…的月报
已定稿」 is untrue, and an admin asked to re-open her unit's month finds nothing to
re-open. The community is then named, once, as the document to re-open; her unit is named
(as hers) when its own month is signed — beside the community when both are."""
from __future__ import annotations

import pytest

from tests.web.manage_support import text
from tests.web.test_adopt_notices_name_the_items_unit import (
    finance_item, saved_problems, sign_unit)
from tests.web.test_closed_notices_say_what_to_reopen import (  # noqa: F401 (TODAY)
    DAY, MONTH, MONTH_ONLY, TODAY, _pending_request)
from tracker.extensions import db
from tracker.models import SummaryNote
from tracker.timeutil import utcnow

pytestmark = pytest.mark.usefixtures("today_held")

HERS = f"李四所在单位（县商务局）{MONTH}的月报已定稿，补录该活动须由单位管理员操作" + MONTH_ONLY


def _community_signed(world) -> str:
    """The community's own 月报 of the request's month signed; the words naming it, as
    保存 names the document to re-open."""
    db.session.add(SummaryNote(scope_key=f"community:{world.community.id}",
                               community_id=world.community.id, year=DAY.year,
                               month=DAY.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    db.session.commit()
    return (f"{world.community.name}{MONTH}的月报已定稿，补录该月的活动须由单位管理员操作"
            + MONTH_ONLY)


def _pages(client, login, world, request, item) -> dict[str, str]:
    login(world.liaison)
    adopt = f"/manage/backfill?request={request.id}"
    return {"card": text(client.get("/backfill-requests/")),
            "form": text(client.get(adopt)),
            "form, item chosen": text(client.get(f"{adopt}&item={item.id}"))}


def test_only_the_communitys_month_signed_names_the_community_not_her_unit(
        client, login, world):
    item = finance_item(world)
    request = _pending_request(world)
    community = _community_signed(world)
    # 保存, on 县财政局's item and on her own unit's: the community, not her unit
    for on in (item, world.item):
        refused = {field: str(words) for field, words in saved_problems(world, on).items()}
        assert refused["starts_at"] == community
        assert not any("所在单位" in words for words in refused.values()), refused
    for page, said in _pages(client, login, world, request, item).items():
        assert said.count(community) == 1, page
        assert "李四所在单位" not in said, page


def test_her_units_month_signed_too_names_both_each_once(client, login, world):
    item = finance_item(world)
    request = _pending_request(world)
    community = _community_signed(world)
    sign_unit(world, world.unit)
    refused = {field: str(words) for field, words in saved_problems(world, item).items()}
    assert refused["starts_at"] == community and refused["participants"] == HERS
    for page, said in _pages(client, login, world, request, item).items():
        assert said.count(community) == 1 and said.count(HERS) == 1, page


def test_her_units_month_in_the_community_signed_alone_names_her_unit(
        client, login, world):
    """Her unit's 月报 in this community (not its whole) is hers all the same."""
    item = finance_item(world)
    request = _pending_request(world)
    db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}/community:{world.community.id}",
                               unit_id=world.unit.id, community_id=world.community.id,
                               year=DAY.year, month=DAY.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    db.session.commit()
    refused = saved_problems(world, item)
    assert "starts_at" not in refused and str(refused["participants"]) == HERS
    for page, said in _pages(client, login, world, request, item).items():
        assert said.count(HERS) == 1 and world.community.name + MONTH not in said, page
