"""A member added, or their 计入参与统计 changed, on the member form from a day of a
已定稿 month changes that month's roll (a month counts the roll of its last day): the
page after the save names the 已定稿 月报 whose page now says 「定稿后数据有变化」, as
更正日期 and 合并账号 do, and names none whose page does not. Before saving, the form
does not promise that the month holding the day keeps its 在册人数 (walk6 #2); it names
them before the save (``test_admin_member_signed_confirm``)."""
from __future__ import annotations

from tests.web.roll_support import branch_namesakes_signed, form_confirmed, page_of
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
    # the news of the save itself first, then what it touched, as when adding (review
    # session 38, backdatefix's open row)
    assert page.index(f"已保存党员干部：{member.name}") < page.index(TOLD)
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



def test_renaming_a_member_names_the_signed_months_that_print_the_name(client, login, world):
    # walk8 #10: 李四 is on the roll of 30 November 2022 and did nothing that month, so
    # its signed 未参与名单 prints his name; the rename makes that page differ
    _sign(world, (2022, 11))
    login(world.admin)
    member = db.session.get(Member, world.other_member.id)
    data = {"name": "李思", "phone": member.phone, "unit_id": member.unit_id,
            "branch": member.branch or "", "role": member.role.value, "on_roll": "1",
            "roll_from": ""}
    page = page_of(client.post(f"/admin/members/{member.id}/edit", data=data,
                               follow_redirects=True))
    assert "已保存党员干部：李思" in page
    assert f"{TOLD}{world.unit.name}2022年11月。" in page
    assert "定稿后数据有变化" in _report(client, world, "2022-11")


def test_a_branch_change_that_makes_namesakes_alike_names_the_signed_month_and_year(
        client, login, world):
    # walk8 #10 (a): two 李四 of another 党支部 each are told apart by it in the signed
    # 未参与名单 (month and year); one moved to the other's 党支部, they are told apart by
    # their numbers, and both pages differ from what was signed
    other = branch_namesakes_signed(world)
    login(world.admin)
    data = {"name": other.name, "phone": other.phone, "unit_id": other.unit_id,
            "branch": "第二党支部", "role": other.role.value, "on_roll": "1", "roll_from": ""}
    page = page_of(client.post(f"/admin/members/{other.id}/edit", data=data,
                               follow_redirects=True))
    assert f"已保存党员干部：{other.name}" in page
    assert f"{TOLD}{world.unit.name}2022年11月。" in page
    assert f"这次修改涉及已定稿的年度总结：{world.unit.name}2022年。" in page
    assert "定稿后数据有变化" in _report(client, world, "2022-11")


def test_renaming_a_participant_names_the_signed_community_month_whose_ledger_names_them(
        client, login, world):
    # walk8 #10 (b): 张三 took part in an activity of 解放路社区 in November 2022, whose
    # own 月报 (every unit's work there, no roll) was signed: its 台账 names him
    from datetime import date

    from tests.rollups import builders as b
    from tracker.reports import final

    task = b.task_on(world.item, world.liaison, date(2022, 11, 3))
    b.join(task, world.member)
    b.report(task, world.liaison)
    db.session.commit()
    final.finalize(world.admin, SummaryScope(community_id=world.community.id), 2022, 11)
    db.session.commit()
    login(world.admin)
    member = db.session.get(Member, world.member.id)
    data = {"name": "张叁", "phone": member.phone, "unit_id": member.unit_id,
            "branch": member.branch or "", "role": member.role.value, "on_roll": "1",
            "roll_from": ""}
    page = page_of(client.post(f"/admin/members/{member.id}/edit", data=data,
                               follow_redirects=True))
    assert "已保存党员干部：张叁" in page
    assert f"{world.community.name}2022年11月" in page.split(TOLD, 1)[1].split("。", 1)[0]
    assert "定稿后数据有变化" in page_of(client.get(
        f"/reports/?community={world.community.id}&month=2022-11"))


def test_renaming_the_reviewer_names_the_signed_month_whose_ledger_prints_them(
        client, login, world):
    # review39 #5: the 台账 prints each activity's 审核人; 王审核 approved an activity of
    # 解放路社区 in November 2022, whose own 月报 was signed, and took part in nothing —
    # renamed, that month's signed ledger differs, so the save names it
    from datetime import date

    from tests import factories as f
    from tests.rollups import builders as b
    from tracker.models import Role
    from tracker.reports import final

    reviewer = f.member(world.unit, Role.liaison, "王审核", communities=[world.community])
    task = b.task_on(world.item, world.liaison, date(2022, 11, 3))
    b.join(task, world.member)
    b.report(task, world.liaison).reviewed_by_id = reviewer.id
    db.session.commit()
    final.finalize(world.admin, SummaryScope(community_id=world.community.id), 2022, 11)
    db.session.commit()
    login(world.admin)
    data = {"name": "王审合", "phone": reviewer.phone, "unit_id": reviewer.unit_id,
            "branch": reviewer.branch or "", "role": reviewer.role.value,
            "on_roll": "1" if reviewer.on_roll else "0", "roll_from": "",
            "community_ids": [str(world.community.id)]}
    page = page_of(client.post(f"/admin/members/{reviewer.id}/edit", data=data,
                               follow_redirects=True))
    assert "已保存党员干部：王审合" in page
    assert f"{world.community.name}2022年11月" in page.split(TOLD, 1)[1].split("。", 1)[0]
    assert "定稿后数据有变化" in page_of(client.get(
        f"/reports/?community={world.community.id}&month=2022-11"))
