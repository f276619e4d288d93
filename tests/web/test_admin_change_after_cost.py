"""What the member form (修改, 添加) and 更正日期 tell after a change of signed data, and
what it costs (session 39 "importcost", the member import's bound given every verb).
A member on a roll since always may be printed by every signed month and year of their
unit: renamed on the member form, each was compared in the request after the save, one
rebuild each (~85 ms), ~11 s for ten years of one unit. Past ``told.COMPARED_AT_MOST``
documents the message names the set the change may touch as what may have changed,
uncompared (each page compares when opened), at most ``told.NAMED_AT_MOST`` by name; a
small set is still compared (``test_admin_roll_told``, ``test_admin_roll_correction``)."""
from __future__ import annotations

import re
from datetime import date

from tests.web.roll_support import confirmed, correction, form_confirmed, page_of
from tracker.admin import told
from tracker.extensions import db
from tracker.models import Member, SummaryScope
from tracker.services import directory

# 2023 and 2024 whole, and January 2025: 25 signed 月报
MONTHS = [(2023, m) for m in range(1, 13)] + [(2024, m) for m in range(1, 13)] + [(2025, 1)]


def _sign(world, months, unit=None) -> None:
    from tracker.reports import final

    for year, month in months:
        final.finalize(world.admin, SummaryScope(unit_id=(unit or world.unit).id), year, month)
    db.session.commit()


def _uncompared(page: str, verb: str) -> str:
    """The names the message after the change gives as what may have changed."""
    lead = f"这次{verb}涉及的已定稿月报和年度总结较多（{len(MONTHS)}份），未逐份核对，以下文件的数据可能已改变："
    assert lead in page
    start = page.index(lead) + len(lead)
    return page[start:page.index("。", start)]


def test_a_rename_on_the_member_form_across_many_signed_months_is_told_uncompared(
        client, login, world, builds):
    # 李四, on the unit's roll since always, is printed (未参与名单) by its 25 signed months
    assert len(MONTHS) > told.COMPARED_AT_MOST  # the rule this test holds
    _sign(world, MONTHS)
    login(world.admin)
    li = db.session.get(Member, world.other_member.id)
    data = {"name": "李思", "phone": li.phone, "unit_id": li.unit_id,
            "branch": li.branch or "", "role": li.role.value, "on_roll": "1", "roll_from": ""}
    builds.clear()
    response = client.post(f"/admin/members/{li.id}/edit", data=data)
    assert response.status_code == 302
    # no signed document is rebuilt in the saving request
    assert builds == []
    page = page_of(client.get(response.headers["Location"]))
    assert "已保存党员干部：李思" in page
    named = _uncompared(page, "修改")
    unit = world.unit.name
    assert named.startswith(f"{unit}2023年1月、{unit}2023年2月")
    assert named.endswith(f"等{len(MONTHS)}份")
    assert named.count("、") == told.NAMED_AT_MOST - 1
    assert "如需按修改后的数据定稿，请重新打开后再次定稿。" in page
    assert "这次修改涉及已定稿的月报：" not in page  # nothing said compared


def test_a_member_added_into_many_signed_months_is_told_uncompared(
        client, login, world, builds):
    # added from 1 January 2023 after confirming the 25 months the page named
    _sign(world, MONTHS)
    login(world.admin)
    data = {"name": "安新人", "phone": "13712345678", "unit_id": world.unit.id,
            "branch": "机关党支部", "role": "member", "on_roll": "1",
            "roll_from": "2023-01-01"}
    builds.clear()
    response = form_confirmed(client, "/admin/members/new", data)
    assert response.status_code == 302
    assert builds == []
    page = page_of(client.get(response.headers["Location"]))
    assert "已添加党员干部：安新人" in page
    assert _uncompared(page, "添加").endswith(f"等{len(MONTHS)}份")
    assert "这次添加涉及已定稿的月报：" not in page


def test_a_correction_across_many_signed_months_is_told_uncompared(
        client, login, world, builds):
    # 李四 left the roll on 1 February 2025; the correction to 1 January 2023 takes him
    # off the roll of every month between: the 25 signed months it names, then told
    li = db.session.get(Member, world.other_member.id)
    directory.update_member(li, world.admin, directory.MemberData(
        name=li.name, phone=li.phone, unit_id=li.unit_id, role=li.role, branch=li.branch,
        on_roll=False, roll_from=date(2025, 2, 1)))
    db.session.commit()
    _sign(world, MONTHS)
    login(world.admin)
    section = correction(page_of(client.get(f"/admin/members/{li.id}/edit")))
    change = re.search(r'name="roll-change"[^>]*value="([^"]*)"', section).group(1)
    builds.clear()
    response = confirmed(client, f"/admin/members/{li.id}/roll-date", data={
        "roll-day": "2023-01-01", "roll-reason": "离册文件日期为2023年1月1日",
        "roll-change": change})
    assert response.status_code == 302
    assert builds == []
    page = page_of(client.get(response.headers["Location"]))
    assert "已更正李四的在册变动日期：2025-02-01改为2023-01-01。" in page
    assert _uncompared(page, "更正").endswith(f"等{len(MONTHS)}份")
    assert "这次更正涉及已定稿的月报：" not in page


def test_a_merge_across_many_signed_months_is_told_uncompared(client, admin, world, builds):
    # two accounts of 赵六, both on the unit's roll since always: after the merge the
    # person is on each month's roll once, not twice — the 25 signed months named
    from tests import factories as f
    from tracker.services import merge

    keep, drop = f.member(world.unit, name="赵六"), f.member(world.unit, name="赵六")
    db.session.commit()
    _sign(world, MONTHS)
    shown = merge.preview(db.session.get(Member, keep.id), db.session.get(Member, drop.id))
    assert len(shown.all_final_months) == len(MONTHS)
    builds.clear()
    response = client.post(f"/admin/members/{drop.id}/merge-into/{keep.id}",
                           data={"shown": shown.key()})
    assert response.status_code == 302
    assert builds == []
    page = page_of(client.get(response.headers["Location"]))
    assert _uncompared(page, "合并").endswith(f"等{len(MONTHS)}份")
    assert "这次合并涉及已定稿的月报：" not in page
