"""A member added, or their 计入参与统计 changed, on the member form from a day of a
已定稿 month changes that month's roll (a month counts the roll of its last day): the
page after the save names the 已定稿 月报 whose page now says 「定稿后数据有变化」, as
更正日期 and 合并账号 do, and names none whose page does not. Before saving, the form
does not promise that the month holding the day keeps its 在册人数 (walk6 #2); it names
them before the save (``test_admin_member_signed_confirm``)."""
from __future__ import annotations

from tests.web.roll_support import form_confirmed, page_of
from tracker.extensions import db
from tracker.models import Member, SummaryScope

TOLD = "这次修改涉及已定稿的月报："


def _sign(world, *months) -> None:
    from tracker.reports import final

    for year, month in months:
        final.finalize(world.admin, SummaryScope(unit_id=world.unit.id), year, month)
    db.session.commit()


def _report(client, world, month: str) -> str:
    return page_of(client.get(f"/reports/?unit={world.unit.id}&month={month}"))


def _new_member(world, roll_from: str) -> dict:
    return {"name": "安新人", "phone": "13712345678", "unit_id": world.unit.id,
            "branch": "机关党支部", "role": "member", "on_roll": "1", "roll_from": roll_from}


def test_a_member_added_from_a_day_of_a_signed_month_names_it(client, login, world):
    _sign(world, (2022, 10), (2022, 11))
    login(world.admin)
    # named first, before the save (``test_admin_member_signed_confirm``), then confirmed
    page = page_of(form_confirmed(client, "/admin/members/new",
                                  _new_member(world, "2022-11-15"), follow_redirects=True))
    assert "已添加党员干部：安新人" in page
    unit = world.unit.name
    # November's roll (of 30 November) has the new member; October's (31 October) not;
    # told in its own verb (nothing was 修改'd), after the news of the save itself, as
    # the member import tells its own
    added = f"这次添加涉及已定稿的月报：{unit}2022年11月。"
    assert added in page and "这次修改涉及" not in page
    assert page.index("已添加党员干部：安新人") < page.index(added)
    assert "如需按添加后的数据定稿" in page
    assert "定稿文件仍是签署时的内容" in page
    assert "定稿后数据有变化" in _report(client, world, "2022-11")
    assert "定稿后数据有变化" not in _report(client, world, "2022-10")


def test_taking_a_member_off_the_roll_inside_a_signed_month_names_it(client, login, world):
    _sign(world, (2022, 11))
    login(world.admin)
    member = db.session.get(Member, world.other_member.id)
    assert member.on_roll and member.unit_id == world.unit.id
    data = {"name": member.name, "phone": member.phone, "unit_id": member.unit_id,
            "branch": member.branch or "", "role": member.role.value,
            "on_roll": "0", "roll_from": "2022-11-20"}
    page = page_of(form_confirmed(client, f"/admin/members/{member.id}/edit", data,
                                  follow_redirects=True))
    assert f"已保存党员干部：{member.name}" in page
    assert f"{TOLD}{world.unit.name}2022年11月。" in page
    assert "定稿后数据有变化" in _report(client, world, "2022-11")


def test_a_change_after_every_signed_month_names_none(client, login, world):
    _sign(world, (2022, 11))
    login(world.admin)
    page = page_of(client.post("/admin/members/new", data=_new_member(world, "2022-12-02"),
                               follow_redirects=True))
    assert "已添加党员干部：安新人" in page and "涉及已定稿" not in page
    assert "定稿后数据有变化" not in _report(client, world, "2022-11")
    # an edit that changes no roll names nothing either
    member = db.session.get(Member, world.other_member.id)
    data = {"name": member.name, "phone": member.phone, "unit_id": member.unit_id,
            "branch": "机关第二党支部", "role": member.role.value, "on_roll": "1",
            "roll_from": "2022-11-20"}
    page = page_of(client.post(f"/admin/members/{member.id}/edit", data=data,
                               follow_redirects=True))
    assert "已保存党员干部" in page and "涉及已定稿" not in page


def test_the_form_says_the_month_of_the_day_changes(client, login, world):
    login(world.admin)
    for url in ("/admin/members/new", f"/admin/members/{world.member.id}/edit"):
        page = page_of(client.get(url))
        assert "此前各月的在册人数不变" not in page
        assert "这一天所在月份之前各月的在册人数不变；这一天所在的月份起" in page
        assert "已定稿的月份也不例外：保存前会先列出其中受影响的月报和年度总结，确认后才保存。" in page

