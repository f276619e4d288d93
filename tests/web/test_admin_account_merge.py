"""合并账号 on the admin's pages: from the member page (and the 手机号重复 page) to the
confirmation that shows what moves, then the merge; a conflict is refused on the same
page with the tasks named; the merged account cannot log in."""
from __future__ import annotations

import html
import re

from flask import g
from sqlalchemy import func, select

from tests import factories as f
from tests.audit import work_event_count
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, Member
from tracker.privacy import mask_phone
from tracker.services import merge


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def confirm(client, keep, drop):
    shown = merge.preview(db.session.get(Member, keep.id), db.session.get(Member, drop.id)).key()
    return client.post(f"/admin/members/{drop.id}/merge-into/{keep.id}", data={"shown": shown})


def test_the_member_page_leads_to_a_confirmation_that_shows_what_moves(client, world, admin):
    """李四 (B) has 90 minutes confirmed on 环境整治; 张三 (A) is kept."""
    db.session.add(Assignment(task_id=world.task.id, member_id=world.other_member.id,
                              status=AssignmentStatus.done, minutes=90))
    db.session.commit()
    page = text(client.get(f"/admin/members/{world.other_member.id}/edit"))
    assert f"/admin/members/{world.other_member.id}/merge" in page

    page = text(client.get(f"/admin/members/{world.other_member.id}/merge?keep={world.member.id}"))
    counts = dict(zip(*[re.findall(rf"<{tag}>([^<]*)</{tag}>", page) for tag in ("dt", "dd")]))
    assert counts["参与记录"] == "1" and counts["其中已确认服务时长（小时）"] == "1.5"
    assert "确认合并" in page

    response = confirm(client, world.member, world.other_member)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/members/{world.member.id}/edit")
    page = text(client.get(f"/admin/members/{world.other_member.id}/edit"))
    assert "该账号已合并至张三" in page
    assert db.session.scalar(select(Assignment.member_id).where(
        Assignment.task_id == world.task.id)) == world.member.id


def test_the_english_confirmation_counts_waitlist_places_not_a_button(client, world, admin):
    """walk8 #8: the count of 候补 places is a count, not the task page's 「Join waitlist」."""
    url = f"/admin/members/{world.other_member.id}/merge?keep={world.member.id}"
    page = text(client.get(url))
    counts = dict(zip(*[re.findall(rf"<{tag}>([^<]*)</{tag}>", page) for tag in ("dt", "dd")]))
    assert counts["候补记录"] == "0"
    g.pop("_flask_babel", None)  # a served request starts without the last one's locale
    page = text(client.get(url + "&lang=en"))
    counts = dict(zip(*[re.findall(rf"<{tag}>([^<]*)</{tag}>", page) for tag in ("dt", "dd")]))
    assert counts["Waitlist places"] == "0"
    assert "Join waitlist" not in page


def test_the_english_keep_choices_write_the_phone_in_english_brackets(client, world, admin):
    """browse48 #3: in English the 保留的账号 options read 「张三（138****0004）」 while the
    page's heading, like every other English page, writes "张三 (138****0004)"."""
    url = f"/admin/members/{world.other_member.id}/merge?keep={world.member.id}"
    masked = mask_phone(world.member.phone)

    def option(page):
        return re.search(rf'<option[^>]*value="{world.member.id}"[^>]*>([^<]*)</option>',
                         page).group(1)

    assert option(text(client.get(url))) == f"张三（{masked}）"
    g.pop("_flask_babel", None)  # a served request starts without the last one's locale
    assert option(text(client.get(url + "&lang=en"))) == f"张三 ({masked})"


def test_a_task_both_took_part_in_is_named_and_the_merge_refused_on_the_page(
        client, world, admin):
    """张三 is on 楼道清理 (the world's past task); 李四 claimed it too."""
    db.session.add(Assignment(task_id=world.past_task.id, member_id=world.other_member.id,
                              status=AssignmentStatus.claimed))
    db.session.commit()
    page = text(client.get(f"/admin/members/{world.other_member.id}/merge?keep={world.member.id}"))
    assert "两个账号都参加了以下任务，不能合并" in page and "楼道清理" in page
    assert "确认合并" not in page

    events = work_event_count()
    response = confirm(client, world.member, world.other_member)
    assert response.status_code == 200
    page = text(response)
    assert "不能合并" in page and "楼道清理" in page
    assert work_event_count() == events
    db.session.expire_all()
    assert db.session.get(Member, world.other_member.id).active
    assert db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.member_id == world.other_member.id)) == 1


def test_accounts_of_two_units_are_refused_with_what_to_do(client, world, admin):
    other = f.member(f.unit("县财政局"), name="李四")
    db.session.commit()
    page = text(client.get(f"/admin/members/{other.id}/merge?keep={world.member.id}"))
    assert "两个账号不属于同一单位" in page
    assert "确认合并" not in page


def test_the_merged_account_cannot_log_in_and_its_sessions_end(client, world, login):
    login(world.other_member)
    assert client.get("/tasks/").status_code == 200
    admin = db.session.get(Member, world.admin.id)
    keep, drop = (db.session.get(Member, m.id) for m in (world.member, world.other_member))
    merge.merge_members(keep, drop, admin, shown=merge.preview(keep, drop).key())
    db.session.commit()

    assert client.get("/tasks/").status_code == 302  # the session ended with the merge
    response = client.post("/auth/login", data={"phone": world.other_member.phone,
                                                "password": f.PASSWORD})
    assert response.status_code == 200
    # B's own password: told it was merged and which number to log in with, masked
    assert (f"该账号已合并至{keep.name}（{mask_phone(keep.phone)}），请用该账号的手机号登录。"
            in text(response))
    assert keep.phone not in text(response)
    # a wrong password learns nothing of the account: the message any failure gets
    response = client.post("/auth/login", data={"phone": world.other_member.phone,
                                                "password": f.PASSWORD + "x"})
    assert "手机号或密码不正确。" in text(response)
    assert "合并" not in text(response) and mask_phone(keep.phone) not in text(response)
    response = client.post("/auth/login", data={"phone": world.member.phone,
                                                "password": f.PASSWORD})
    assert response.status_code == 302  # A keeps their login


def test_the_shared_phones_page_offers_the_merge_of_each_pair_of_one_unit(client, world, admin):
    """One number (137…1005) spelt three ways: two accounts of 县商务局 (each may be merged
    into the other) and one of 县财政局 (no merge across units)."""
    plain = f.member(world.unit, name="周明", phone="13700001005")
    odd = f.member(world.unit, name="周明", phone="１３７００００１００５")
    elsewhere = f.member(f.unit("县财政局"), name="周明", phone="1３７００００1005")
    db.session.commit()
    page = text(client.get("/admin/members?phones=shared"))
    assert f"/admin/members/{odd.id}/merge?keep={plain.id}" in page
    assert f"/admin/members/{plain.id}/merge?keep={odd.id}" in page
    assert f"/admin/members/{elsewhere.id}/merge" not in page
    assert f"merge?keep={elsewhere.id}" not in page


def test_a_finalised_community_month_is_named_on_the_page_and_after_the_merge(
        client, world, admin):
    """李四 (B) worked on an approved activity of 解放路社区 two months ago, whose
    community 月报 (every unit's work there) is 已定稿; no unit month is. The merge
    changes that month's distinct people: the confirmation page names it, and so does
    the message after the merge."""
    from datetime import timedelta

    from tests.rollups import builders as b
    from tracker.models import SummaryScope
    from tracker.reports import final
    from tracker.timeutil import local_today

    day = (local_today().replace(day=1) - timedelta(days=40)).replace(day=8)
    worked = b.task_on(world.item, world.liaison, day, title="清理楼道")
    b.join(worked, world.other_member, minutes=90)
    b.report(worked, world.liaison)
    final.finalize(world.admin, SummaryScope(community_id=world.community.id), day.year, day.month)
    db.session.commit()
    named = f"{world.community.name}{day.year}年{day.month}月"

    page = text(client.get(f"/admin/members/{world.other_member.id}/merge?keep={world.member.id}"))
    assert f"合并会改变以下已定稿月报的当前数据：{named}。" in page

    response = confirm(client, world.member, world.other_member)
    assert f"这次合并涉及已定稿的月报：{named}。" in text(client.get(response.headers["Location"]))


def test_only_months_whose_official_figures_move_are_promised_the_notice(client, world, admin):
    """张叁 (B, a typo of 张三's name, not counted in participation) worked on an
    approved activity of the unit three months ago (month A) and on one still 待审核
    two months ago (month B); the unit's and 解放路社区's 月报 of both months are
    已定稿. Moving B's approved work to 张三 changes month A's official figures (the
    台账's 参与人员, who took part); moving work that waits for review changes nothing
    month B signed (what waits is told apart, never counted). The confirmation page
    and the message after the merge name month A only — and the 月报 pages keep the
    promise both ways: A's says 「定稿后数据有变化」, B's does not."""
    from datetime import timedelta

    from tests.rollups import builders as b
    from tracker.models import ReportStatus, SummaryScope
    from tracker.reports import final
    from tracker.timeutil import local_today

    drop = f.member(world.unit, name="张叁", on_roll=False)
    first = local_today().replace(day=1)
    month_b = (first - timedelta(days=40)).replace(day=8)
    month_a = (month_b.replace(day=1) - timedelta(days=20)).replace(day=8)
    for day, status in ((month_a, ReportStatus.approved), (month_b, ReportStatus.submitted)):
        task = b.task_on(world.item, world.liaison, day, title="清理楼道")
        b.join(task, drop, minutes=90)
        b.report(task, world.liaison, status=status)
        for scope in (SummaryScope(unit_id=world.unit.id),
                      SummaryScope(community_id=world.community.id)):
            final.finalize(world.admin, scope, day.year, day.month)
    db.session.commit()

    def named(day) -> str:
        return (f"{world.unit.name}{day.year}年{day.month}月、"
                f"{world.community.name}{day.year}年{day.month}月")

    page = text(client.get(f"/admin/members/{drop.id}/merge?keep={world.member.id}"))
    assert f"合并会改变以下已定稿月报的当前数据：{named(month_a)}。" in page
    assert f"{month_b.year}年{month_b.month}月" not in page

    response = confirm(client, world.member, drop)
    page = text(client.get(response.headers["Location"]))
    assert f"这次合并涉及已定稿的月报：{named(month_a)}。" in page
    assert f"{month_b.year}年{month_b.month}月" not in page

    for day, changed in ((month_a, True), (month_b, False)):
        for place in (f"unit={world.unit.id}", f"community={world.community.id}"):
            shown = text(client.get(f"/reports/?{place}&month={day:%Y-%m}"))
            assert ("定稿后数据有变化" in shown) == changed, (place, day)


def test_a_month_a_takes_over_unchanged_is_not_promised_the_notice(client, world, admin):
    """赵六 had two accounts of one name: B, on the roll since always, worked on an
    approved activity two months ago, whose 月报 is 已定稿; A was opened later and has
    been on the roll only since last month. After the merge A takes B's place in that
    month — on its roll, among who took part, in the 台账, under the same name — so
    its document reads as signed: the merge names no month, and the 月报 page does not
    say 「定稿后数据有变化」. Were A on that month's roll too, the roll would fall by
    one: that month is named, and its page says so (the next test)."""
    from datetime import timedelta

    from tests.rollups import builders as b
    from tracker.models import RollPeriod, SummaryScope
    from tracker.reports import final
    from tracker.timeutil import local_today

    first = local_today().replace(day=1)
    day = (first - timedelta(days=40)).replace(day=8)
    keep, drop = f.member(world.unit, name="赵六"), f.member(world.unit, name="赵六")
    db.session.get(RollPeriod, keep.roll_periods[0].id).since = (
        first - timedelta(days=1)).replace(day=1)
    task = b.task_on(world.item, world.liaison, day, title="清理楼道")
    b.join(task, drop, minutes=90)
    b.report(task, world.liaison)
    final.finalize(world.admin, SummaryScope(unit_id=world.unit.id), day.year, day.month)
    db.session.commit()

    page = text(client.get(f"/admin/members/{drop.id}/merge?keep={keep.id}"))
    assert "确认合并" in page and "已定稿月报" not in page
    page = text(client.get(confirm(client, keep, drop).headers["Location"]))
    assert "已将赵六" in page and "涉及已定稿" not in page
    assert "定稿后数据有变化" not in text(client.get(
        f"/reports/?unit={world.unit.id}&month={day:%Y-%m}"))


def test_a_month_both_accounts_are_on_the_roll_of_is_promised_and_told(client, world, admin):
    """The same two accounts, both on the roll since always: after the merge the
    person is on the month's roll once, not twice. The month is named, and its 月报
    page says 「定稿后数据有变化」."""
    from datetime import timedelta

    from tests.rollups import builders as b
    from tracker.models import SummaryScope
    from tracker.reports import final
    from tracker.timeutil import local_today

    day = (local_today().replace(day=1) - timedelta(days=40)).replace(day=8)
    keep, drop = f.member(world.unit, name="赵六"), f.member(world.unit, name="赵六")
    task = b.task_on(world.item, world.liaison, day, title="清理楼道")
    b.join(task, drop, minutes=90)
    b.report(task, world.liaison)
    final.finalize(world.admin, SummaryScope(unit_id=world.unit.id), day.year, day.month)
    db.session.commit()
    named = f"{world.unit.name}{day.year}年{day.month}月"

    page = text(client.get(f"/admin/members/{drop.id}/merge?keep={keep.id}"))
    assert f"合并会改变以下已定稿月报的当前数据：{named}。" in page
    page = text(client.get(confirm(client, keep, drop).headers["Location"]))
    assert f"这次合并涉及已定稿的月报：{named}。" in page
    assert "定稿后数据有变化" in text(client.get(
        f"/reports/?unit={world.unit.id}&month={day:%Y-%m}"))


def test_a_month_signed_in_an_earlier_wording_is_not_promised_the_data_notice(
        client, world, admin):
    """The same month, signed by a release that worded the 月报 otherwise: its page says
    that the wording changed since 定稿 (which may be all that differs) and never
    「定稿后数据有变化」. The confirmation page and the message after the merge say so
    of that month, instead of promising the notice."""
    from datetime import timedelta

    from tests.rollups import builders as b
    from tracker.models import SummaryCopy, SummaryScope
    from tracker.reports import final
    from tracker.timeutil import local_today

    day = (local_today().replace(day=1) - timedelta(days=40)).replace(day=8)
    keep, drop = f.member(world.unit, name="赵六"), f.member(world.unit, name="赵六")
    task = b.task_on(world.item, world.liaison, day, title="清理楼道")
    b.join(task, drop, minutes=90)
    b.report(task, world.liaison)
    final.finalize(world.admin, SummaryScope(unit_id=world.unit.id), day.year, day.month)
    db.session.scalar(select(SummaryCopy).order_by(SummaryCopy.id.desc()).limit(1)
                      ).wording_version = 1
    db.session.commit()
    named = f"{world.unit.name}{day.year}年{day.month}月"

    page = text(client.get(f"/admin/members/{drop.id}/merge?keep={keep.id}"))
    assert 'id="final-months"' not in page
    assert (f"合并还可能改变以下已定稿月报的当前数据：{named}。这些月份的定稿文件是系统更新前的写法，"
            "月报页面提示的是“月报的写法有变化”，不会另外提示数据有变化。") in page
    page = text(client.get(confirm(client, keep, drop).headers["Location"]))
    assert "这次合并涉及已定稿" not in page
    assert f"这次合并还可能改变以下已定稿月报的数据：{named}。" in page
    month = text(client.get(f"/reports/?unit={world.unit.id}&month={day:%Y-%m}"))
    assert "定稿后系统更新，月报的写法有变化" in month and "定稿后数据有变化" not in month


def test_a_signed_year_whose_figures_move_is_named_and_its_page_tells_it(client, world, admin):
    """张叁 (B, a typo of 张三's name) worked on an approved activity of the unit on 8
    March 2025 and on one still 待审核 on 8 April 2024; the unit's and 解放路社区's 年度总结
    of 2025 and 2024 are 已定稿, none of their months. Moving B's approved work to 张三
    changes the unit's 2025 official figures (the work now counts as that of 张三, who
    is on the roll); moving work that waits for review changes nothing 2024 signed.
    The community's own 2025 counts the work of every unit, no roll, no names: 张三 has
    no work there, so its people stay as many and its document reads as signed. The
    confirmation page names the unit's 2025 年度总结 only (no month: none is signed),
    the message after the merge names it too, by the year page's own comparison, and
    the pages keep it: the unit's 2025 says 「定稿后数据有变化」, the others do not."""
    from datetime import date

    from tests.rollups import builders as b
    from tracker.models import ReportStatus, SummaryScope
    from tracker.reports import annual_final

    drop = f.member(world.unit, name="张叁", on_roll=False)
    for day, status in ((date(2025, 3, 8), ReportStatus.approved),
                        (date(2024, 4, 8), ReportStatus.submitted)):
        item = f.item(world.unit, world.community, "environment_cleanup", year=day.year)
        task = b.task_on(item, world.liaison, day, title="清理楼道")
        b.join(task, drop, minutes=90)
        b.report(task, world.liaison, status=status)
        for scope in (SummaryScope(unit_id=world.unit.id),
                      SummaryScope(community_id=world.community.id)):
            annual_final.finalize_year(world.admin, scope, day.year)
    db.session.commit()

    page = text(client.get(f"/admin/members/{drop.id}/merge?keep={world.member.id}"))
    assert "已定稿月报" not in page
    assert f"合并会改变以下已定稿年度总结的当前数据：{world.unit.name}2025年。" in page

    response = confirm(client, world.member, drop)
    page = text(client.get(response.headers["Location"]))
    assert f"这次合并涉及已定稿的年度总结：{world.unit.name}2025年。" in page
    assert "2024年" not in page and f"{world.community.name}2025年" not in page

    for year, place, changed in ((2025, f"unit={world.unit.id}", True),
                                 (2025, f"community={world.community.id}", False),
                                 (2024, f"unit={world.unit.id}", False),
                                 (2024, f"community={world.community.id}", False)):
        shown = text(client.get(f"/reports/annual?{place}&year={year}"))
        assert "已定稿" in shown, (place, year)
        assert ("定稿后数据有变化" in shown) == changed, (place, year)


def test_a_signed_year_is_named_beside_the_signed_months_it_holds(client, world, admin):
    """As above, but 2025's March 月报 of the unit is 已定稿 too: the confirmation page
    names that month, and beside it the unit's 2025 年度总结 that holds it; the message
    after the merge names that year (the community's 2025 reads as signed)."""
    from datetime import date

    from tests.rollups import builders as b
    from tracker.models import ReportStatus, SummaryScope
    from tracker.reports import annual_final, final

    drop = f.member(world.unit, name="张叁", on_roll=False)
    day = date(2025, 3, 8)
    item = f.item(world.unit, world.community, "environment_cleanup", year=day.year)
    task = b.task_on(item, world.liaison, day, title="清理楼道")
    b.join(task, drop, minutes=90)
    b.report(task, world.liaison, status=ReportStatus.approved)
    final.finalize(world.admin, SummaryScope(unit_id=world.unit.id), 2025, 3)
    for scope in (SummaryScope(unit_id=world.unit.id),
                  SummaryScope(community_id=world.community.id)):
        annual_final.finalize_year(world.admin, scope, 2025)
    db.session.commit()

    page = text(client.get(f"/admin/members/{drop.id}/merge?keep={world.member.id}"))
    assert f"合并会改变以下已定稿月报的当前数据：{world.unit.name}2025年3月。" in page
    assert f"合并会改变以下已定稿年度总结的当前数据：{world.unit.name}2025年。" in page

    response = confirm(client, world.member, drop)
    page = text(client.get(response.headers["Location"]))
    assert f"这次合并涉及已定稿的年度总结：{world.unit.name}2025年。" in page


def test_a_merge_that_moves_only_a_signed_years_roll_names_that_year_before_it(
        client, world, admin):
    """The demo's case (walk4): 周建国 (B) and 张三 (A, kept) are both on the unit's roll
    at the end of 2025; neither has a month signed, the unit's 2025 年度总结 is 已定稿.
    The year counts its roll on its last day (在册党员干部): after the merge the person
    counts once, so its figures move. The confirmation page names that year before the
    merge, as it names months; the message after it names it, the audit row records it,
    and the year's page then says 「定稿后数据有变化」."""
    from tracker.models import AuditEvent, SummaryScope
    from tracker.reports import annual_final

    drop = f.member(world.unit, name="周建国", on_roll=True)
    annual_final.finalize_year(world.admin, SummaryScope(unit_id=world.unit.id), 2025)
    db.session.commit()

    page = text(client.get(f"/admin/members/{drop.id}/merge?keep={world.member.id}"))
    assert "已定稿月报" not in page
    assert f"合并会改变以下已定稿年度总结的当前数据：{world.unit.name}2025年。" in page
    assert "这些年度总结页面会提示“定稿后数据有变化”" in page

    response = confirm(client, world.member, drop)
    page = text(client.get(response.headers["Location"]))
    assert f"这次合并涉及已定稿的年度总结：{world.unit.name}2025年。" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "merge"))
    assert event.detail["final_years"] == [[world.unit.id, None, 2025]]
    shown = text(client.get(f"/reports/annual?unit={world.unit.id}&year=2025"))
    assert "定稿后数据有变化" in shown


def test_a_signed_year_a_takes_over_unchanged_is_not_named(client, world, admin):
    """Two accounts of 赵六 (one name, one 党支部) of 县统计局: B on the roll since always,
    A only since 1 March 2025; no work. Both units' 2024 and 2025 年度总结 are 已定稿.
    At the end of 2024 only B was on the roll: A takes B's place there and the 2024
    document reads as before (the same 赵六 on the roll, not taking part). At the end of
    2025 both were: the roll falls by one. The confirmation page names 2025 only, the
    message after names 2025 only, and only 2025's page says 「定稿后数据有变化」."""
    from datetime import date

    from tracker.models import AuditEvent, RollPeriod, SummaryScope
    from tracker.reports import annual_final

    unit = f.unit("县统计局")
    keep = f.member(unit, name="赵六", on_roll=True)
    drop = f.member(unit, name="赵六", on_roll=True)
    f.member(unit, name="钱七", on_roll=True)
    db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == keep.id)).since = \
        date(2025, 3, 1)
    for year in (2024, 2025):
        annual_final.finalize_year(world.admin, SummaryScope(unit_id=unit.id), year)
    db.session.commit()

    page = text(client.get(f"/admin/members/{drop.id}/merge?keep={keep.id}"))
    assert "合并会改变以下已定稿年度总结的当前数据：县统计局2025年。" in page

    response = confirm(client, keep, drop)
    page = text(client.get(response.headers["Location"]))
    assert "这次合并涉及已定稿的年度总结：县统计局2025年。" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "merge"))
    assert event.detail["final_years"] == [[unit.id, None, 2025]]
    for year, changed in ((2024, False), (2025, True)):
        shown = text(client.get(f"/reports/annual?unit={unit.id}&year={year}"))
        assert "已定稿" in shown
        assert ("定稿后数据有变化" in shown) == changed, year


def test_a_year_signed_in_an_earlier_wording_is_not_promised_the_data_notice(
        client, world, admin):
    """The demo's case, the 2025 年度总结 signed by a release that worded it otherwise: its
    page says that the wording changed since 定稿 and never 「定稿后数据有变化」. The
    confirmation page and the message after the merge name that year apart and say so,
    instead of promising the notice."""
    from tracker.models import SummaryScope, YearCopy
    from tracker.reports import annual_final

    drop = f.member(world.unit, name="周建国", on_roll=True)
    annual_final.finalize_year(world.admin, SummaryScope(unit_id=world.unit.id), 2025)
    db.session.scalar(select(YearCopy).order_by(YearCopy.id.desc()).limit(1)).wording_version = 1
    db.session.commit()
    named = f"{world.unit.name}2025年"

    page = text(client.get(f"/admin/members/{drop.id}/merge?keep={world.member.id}"))
    assert 'id="final-years"' not in page
    assert (f"合并还可能改变以下已定稿年度总结的当前数据：{named}。这些年度总结的定稿文件是系统更新前的"
            "写法，年度总结页面提示的是“年度总结的写法有变化”，不会另外提示数据有变化。") in page
    page = text(client.get(confirm(client, world.member, drop).headers["Location"]))
    assert "涉及已定稿的年度总结" not in page
    assert f"这次合并还可能改变以下已定稿年度总结的数据：{named}。" in page
    year = text(client.get(f"/reports/annual?unit={world.unit.id}&year=2025"))
    assert "定稿后系统更新，年度总结的写法有变化" in year and "定稿后数据有变化" not in year
