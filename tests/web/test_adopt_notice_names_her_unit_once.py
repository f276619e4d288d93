"""The 补录申请 card and the 补录 form, no item chosen, name the member's signed unit as
hers, once, as 保存 will (notice47b #2, review47c #2). docs/design.md: a 补录 counts in
the 月报 of the member's unit of the day as well as the item's unit's, and 保存 names the
member's unit as hers (「李四所在单位（…）」) on any item but one of that unit. So when her
unit also has an item in the community, beside another unit's open item, the notice must
not name it only as 「资源清单项目所属单位（…）」 — that reads as if choosing the other
unit's item avoided the signed month, which 保存 then refuses in words never said. When
every item is of her unit, 保存 on any of them names it as the item's, and so does the
notice."""
from __future__ import annotations

import pytest

from tests import factories as f
from tests.web.manage_support import text
from tests.web.test_adopt_notices_name_the_items_unit import (
    finance_item, saved_problems, saved_refusal, sign_unit)
from tests.web.test_closed_notices_say_what_to_reopen import (  # noqa: F401 (TODAY)
    DAY, MONTH, MONTH_ONLY, SIGNED, TODAY, _pending_request)
from tracker.extensions import db

pytestmark = pytest.mark.usefixtures("today_held")

HERS = f"李四所在单位（县商务局）{MONTH}的月报已定稿，补录该活动须由单位管理员操作" + MONTH_ONLY
AS_ITEMS = f"资源清单项目所属单位（县商务局）{MONTH}的月报已定稿"


def _refused_for_her(world, item) -> str:
    """What 保存 of the request's 补录 on ``item`` says of the member's unit (read only)."""
    found = saved_problems(world, item)
    assert "starts_at" not in found  # the item's unit is open
    return str(found["participants"])


def test_her_signed_unit_with_an_item_is_named_as_hers_beside_another_units_item(
        client, login, world):
    finance = finance_item(world)  # 县财政局's, open
    f.item(world.unit, world.community, "ad_removal", year=SIGNED)  # 县商务局's too
    db.session.commit()
    request = _pending_request(world)
    sign_unit(world, world.unit)
    assert world.other_member.name == "李四" and world.other_member.unit == world.unit
    # 保存 on 县财政局's open item: refused for her unit, named as hers
    assert _refused_for_her(world, finance) == HERS
    login(world.liaison)
    adopt = f"/manage/backfill?request={request.id}"
    queue = text(client.get("/backfill-requests/"))
    form = text(client.get(adopt))
    for page in (queue, form):
        assert page.count(HERS) == 1
        assert AS_ITEMS not in page
    # the card is still an admin's: every item is refused (hers is signed)
    assert "如不属实请拒绝" in queue and adopt not in queue


def test_every_item_of_her_unit_is_named_as_the_items(client, login, world):
    """Her unit's items the only ones there (this year's and the request's year's):
    保存 on any of them says the item's words, and the notice says those."""
    own = f.item(world.unit, world.community, "ad_removal", year=SIGNED)
    db.session.commit()
    request = _pending_request(world)
    sign_unit(world, world.unit)
    words = saved_refusal(world, own)
    assert words.startswith(AS_ITEMS) and saved_refusal(world, world.item) == words
    login(world.liaison)
    for page in (text(client.get("/backfill-requests/")),
                 text(client.get(f"/manage/backfill?request={request.id}"))):
        assert page.count(words) == 1 and "李四所在单位" not in page
