"""添加 on the member form: the news says what was added by its role — a 社区联络员 is
not a 党员干部, though both are on the 党员干部 list — and the admin lands on the new
account's own page, not on a list of every account with no pointer to the new row
(walk56: 「已添加党员干部：赵新联」 after adding a liaison, then the 31-row list)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Member


@pytest.mark.parametrize("role, word", [
    ("liaison", "社区联络员"), ("member", "党员干部"), ("admin", "单位管理员")])
def test_the_added_account_is_named_by_its_role_on_its_own_page(client, login, world,
                                                                 role, word):
    login(world.admin)
    data = {"name": "赵新联", "phone": "13912345678", "unit_id": world.unit.id,
            "branch": "机关党支部", "role": role}
    if role == "liaison":
        data["community_ids"] = [world.community.id]
    added = client.post("/admin/members/new", data=data)
    assert added.status_code == 302
    member = db.session.scalar(select(Member).where(Member.phone == "13912345678"))
    # the new account's own page, where its 激活链接 is offered (walk56)
    assert added.location.endswith(f"/admin/members/{member.id}/edit")
    page = client.get(added.location).get_data(as_text=True)
    assert f"已添加{word}：赵新联" in page
    others = {"社区联络员", "党员干部", "单位管理员"} - {word}
    assert not any(f"已添加{other}：" in page for other in others)
    assert 'value="赵新联"' in page  # the page is hers: her name in its form
