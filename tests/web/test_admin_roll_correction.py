"""更正日期 on the member page: the admin corrects the date of the latest roll change;
a date out of bounds or a missing reason is refused in Chinese on the same page with
what was typed kept and nothing written; a correction across a 已定稿 month is made
and the page names the month, whose signed document stays as signed."""
from __future__ import annotations

import html
import re
from datetime import date

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.audit import work_event_count
from tests.web.roll_support import confirmed, correction, page_of, stays
from tracker.extensions import db
from tracker.models import AuditEvent, Member, SummaryCopy, SummaryScope
from tracker.services import directory


@pytest.fixture
def moved(world):
    """张三 moved from 县商务局 to 县财政局 "from 1 November 2022" on the form."""
    new = f.unit("县财政局")
    db.session.commit()
    zhang = db.session.get(Member, world.member.id)
    directory.update_member(zhang, world.admin, directory.MemberData(
        name=zhang.name, phone=zhang.phone, unit_id=new.id, role=zhang.role,
        branch=zhang.branch, on_roll=True, roll_from=date(2022, 11, 1)))
    db.session.commit()
    return zhang, new


def shown(client, member_id: int) -> dict:
    """The change the correction form on the member page names, as the page posts it."""
    section = correction(page_of(client.get(f"/admin/members/{member_id}/edit")))
    return {"roll-change": re.search(r'name="roll-change"[^>]*value="([^"]*)"',
                                     section).group(1)}


def test_the_member_page_offers_the_correction_and_makes_it(client, login, world, moved):
    zhang, new = moved
    login(world.admin)
    page = page_of(client.get(f"/admin/members/{zhang.id}/edit"))
    section = correction(page)
    assert "最近一次变动：自2022-11-01起由县商务局调入县财政局。" in section
    assert "更正为" in section and "更正的原因" in section

    response = client.post(f"/admin/members/{zhang.id}/roll-date",
                           data={"roll-day": "2022-10-15", "roll-reason": "调动文件日期为10月15日",
                                 **shown(client, zhang.id)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/members/{zhang.id}/edit")
    page = page_of(client.get(response.headers["Location"]))
    assert "已更正张三的在册变动日期：2022-11-01改为2022-10-15。" in page
    assert "涉及已定稿" not in page
    assert stays(zhang.id) == [(world.unit.id, None, date(2022, 10, 15)),
                               (new.id, date(2022, 10, 15), None)]
    rows = re.findall(r"<tr><td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td></tr>", page)
    assert rows == [("县商务局", "最早记录起", "2022-10-14"), ("县财政局", "2022-10-15", "至今")]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "correct_roll_date"))
    assert (event.actor_id, event.entity_id) == (world.admin.id, zhang.id)
    assert (event.detail["before"], event.detail["after"], event.detail["reason"]) == (
        "2022-11-01", "2022-10-15", "调动文件日期为10月15日")


@pytest.mark.parametrize("typed,reason,message", [
    ("2099-01-01", "日期记错", "更正后的日期不能晚于今天。"),
    ("2022-11-01", "日期记错", "更正后的日期与原日期相同。"),
    ("2022-13-40", "日期记错", "日期格式不正确，请按“年-月-日”填写。"),
    ("", "日期记错", "请填写更正后的日期。"),
    ("2022-10-15", "   ", "请填写更正的原因。"),
])
def test_a_refused_correction_stays_on_the_page_with_what_was_typed(
        client, login, world, moved, typed, reason, message):
    zhang, _new = moved
    login(world.admin)
    before, events = stays(zhang.id), work_event_count()
    response = client.post(f"/admin/members/{zhang.id}/roll-date",
                           data={"roll-day": typed, "roll-reason": reason,
                                 **shown(client, zhang.id)})
    page = page_of(response)
    assert response.status_code == 200
    section = correction(page)
    assert message in section
    if typed:
        assert f'value="{typed}"' in section
    if reason.strip():
        assert f'value="{reason}"' in section
    # the member form on the same page still saves to its own address, as stored, and
    # 停用 comes back to the member page (not to this POST-only address)
    assert f'action="/admin/members/{zhang.id}/edit"' in page
    assert re.findall(r'action="/admin/members/\d+/active\?next=([^"]*)"', page) == [
        f"/admin/members/{zhang.id}/edit"]
    assert f'value="{zhang.phone}"' in page
    assert stays(zhang.id) == before and work_event_count() == events


def test_a_day_before_the_change_before_is_refused(client, login, world, moved):
    """张三 back to 县商务局 from 5 November: the move of 1 November is now the change
    before, so the latest may not be corrected to 1 November or earlier."""
    zhang, new = moved
    directory.update_member(zhang, world.admin, directory.MemberData(
        name=zhang.name, phone=zhang.phone, unit_id=world.unit.id, role=zhang.role,
        branch=zhang.branch, on_roll=True, roll_from=date(2022, 11, 5)))
    db.session.commit()
    login(world.admin)
    section = correction(page_of(client.get(f"/admin/members/{zhang.id}/edit")))
    assert "自2022-11-05起由县财政局调入县商务局" in section
    assert "须晚于2022-11-01" in section
    response = client.post(f"/admin/members/{zhang.id}/roll-date",
                           data={"roll-day": "2022-10-20", "roll-reason": "日期记错",
                                 **shown(client, zhang.id)})
    section = correction(page_of(response))
    assert "更正后的日期须晚于2022-11-01（此前一次在册变动的日期）。" in section
    assert 'value="2022-10-20"' in section


def test_a_correction_into_a_finalised_month_names_it_and_keeps_the_signed_copy(
        client, login, world, moved):
    from tracker.reports import final

    zhang, new = moved
    final.finalize(world.admin, SummaryScope(unit_id=world.unit.id), 2022, 10)
    db.session.commit()
    signed = db.session.scalar(select(SummaryCopy.csv))
    login(world.admin)
    response = confirmed(client, f"/admin/members/{zhang.id}/roll-date",
                                 data={"roll-day": "2022-10-15", "roll-reason": "调动文件日期为10月15日",
                                       **shown(client, zhang.id)}, follow_redirects=True)
    page = page_of(response)
    assert "已更正张三的在册变动日期" in page
    assert "这次更正涉及已定稿的月报：县商务局2022年10月。" in page
    assert "定稿文件仍是签署时的内容" in page
    assert db.session.scalar(select(SummaryCopy.csv)) == signed
    october = page_of(client.get(f"/reports/?unit={world.unit.id}&month=2022-10"))
    assert "定稿后数据有变化" in october


def test_nothing_to_correct_shows_no_form(client, login, world):
    login(world.admin)
    page = page_of(client.get(f"/admin/members/{world.other_member.id}/edit"))
    assert 'id="roll-date"' not in page


class TestWithCsrf:
    """With CSRF protection on, as in production: the form carries its token."""

    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_the_correction_form_posts_with_its_token(self, client, world, moved):
        from flask import g

        zhang, _new = moved
        login_page = page_of(client.get("/auth/login"))
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
        assert client.post("/auth/login", data={"phone": world.admin.phone,
                                                 "password": f.PASSWORD,
                                                 "csrf_token": token}).status_code == 302
        g.pop("csrf_token", None)
        section = correction(page_of(client.get(f"/admin/members/{zhang.id}/edit")))
        fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', section))
        assert any(name.endswith("csrf_token") for name in fields), fields
        assert client.post(f"/admin/members/{zhang.id}/roll-date", data={
            "roll-day": "2022-10-20", "roll-reason": "日期记错"}).status_code == 400
        fields.update({"roll-day": "2022-10-20", "roll-reason": "日期记错"})
        response = client.post(f"/admin/members/{zhang.id}/roll-date", data=fields)
        assert response.status_code == 302, page_of(response)[-2000:]
        assert stays(zhang.id)[-1][1] == date(2022, 10, 20)



def _approved_november_pending_december(world, moved):
    """张三 (moved to 县财政局 from 1 November 2022) on an approved activity of 县商务局 on
    10 November; 李四, moved there from 1 December, on one still 待审核 on 10 December."""
    from tests.rollups import builders as b
    from tracker.models import ReportStatus

    zhang, new = moved
    li = db.session.get(Member, world.other_member.id)
    directory.update_member(li, world.admin, directory.MemberData(
        name=li.name, phone=li.phone, unit_id=new.id, role=li.role, branch=li.branch,
        on_roll=True, roll_from=date(2022, 12, 1)))
    item = f.item(world.unit, world.community, "environment_cleanup", year=2022)
    for person, day, status in ((zhang, date(2022, 11, 10), ReportStatus.approved),
                                (li, date(2022, 12, 10), ReportStatus.submitted)):
        task = b.task_on(item, world.liaison, day, title="清理楼道")
        b.join(task, person, minutes=90)
        b.report(task, world.liaison, status=status)
    return zhang, li, new


def test_only_months_whose_official_figures_move_are_promised_the_notice(
        client, login, world, moved):
    """张三 (moved to 县财政局 from 1 November 2022) worked on an approved activity of
    县商务局 on 10 November; 李四, moved there from 1 December, on one still 待审核 on 10
    December. Both units' November and December are 已定稿. Each move is corrected to
    the 20th: 张三's approved work of the 10th now counts for 县商务局, not 县财政局 — an
    official figure of both units' November —, while 李四's waits for review and counts
    in no signed figure, and both months' rolls (of their last day) stay as they were.
    The message names November, not December, and the 月报 pages keep the promise both
    ways: November's says 「定稿后数据有变化」, December's does not."""
    from tracker.reports import final

    zhang, li, new = _approved_november_pending_december(world, moved)
    for unit in (world.unit, new):
        for month in (11, 12):
            final.finalize(world.admin, SummaryScope(unit_id=unit.id), 2022, month)
    db.session.commit()
    login(world.admin)

    def correct(person, day: str) -> str:
        return page_of(confirmed(client, f"/admin/members/{person.id}/roll-date",
                                         data={"roll-day": day, "roll-reason": "调动文件日期有误",
                                               **shown(client, person.id)}, follow_redirects=True))

    page = correct(zhang, "2022-11-20")
    assert "已更正张三的在册变动日期：2022-11-01改为2022-11-20。" in page
    assert "这次更正涉及已定稿的月报：县商务局2022年11月、县财政局2022年11月。" in page
    page = correct(li, "2022-12-20")
    assert "已更正李四的在册变动日期：2022-12-01改为2022-12-20。" in page
    assert "涉及已定稿" not in page

    for month, changed in (("2022-11", True), ("2022-12", False)):
        for unit in (world.unit, new):
            shown_page = page_of(client.get(f"/reports/?unit={unit.id}&month={month}"))
            assert ("定稿后数据有变化" in shown_page) == changed, (unit.name, month)


def test_a_correction_that_leaves_the_month_counted_as_before_promises_nothing(
        client, login, world):
    """李四 left 县商务局's roll (计入参与统计 否) from 5 November 2022, corrected to the 20th;
    he worked on an approved activity of the unit on the 10th, and November is 已定稿.
    Either way he was on the roll during November and off it at its end, and his work
    counts for the unit he is in: the month's document reads as signed. No month is
    named, and November's 月报 page does not say 「定稿后数据有变化」."""
    from datetime import date

    from tests.rollups import builders as b
    from tracker.reports import final

    li = db.session.get(Member, world.other_member.id)
    directory.update_member(li, world.admin, directory.MemberData(
        name=li.name, phone=li.phone, unit_id=li.unit_id, role=li.role, branch=li.branch,
        on_roll=False, roll_from=date(2022, 11, 5)))
    task = b.task_on(f.item(world.unit, world.community, "environment_cleanup", year=2022),
                     world.liaison, date(2022, 11, 10), title="清理楼道")
    b.join(task, li, minutes=90)
    b.report(task, world.liaison)
    final.finalize(world.admin, SummaryScope(unit_id=world.unit.id), 2022, 11)
    db.session.commit()
    login(world.admin)

    page = page_of(client.post(f"/admin/members/{li.id}/roll-date",
                               data={"roll-day": "2022-11-20", "roll-reason": "日期记错",
                                     **shown(client, li.id)}, follow_redirects=True))
    assert "已更正李四的在册变动日期：2022-11-05改为2022-11-20。" in page
    assert "涉及已定稿" not in page
    assert "定稿后数据有变化" not in page_of(
        client.get(f"/reports/?unit={world.unit.id}&month=2022-11"))


def test_a_month_signed_in_an_earlier_wording_is_not_promised_the_data_notice(
        client, login, world, moved):
    """October 2022, signed by a release that worded the 月报 otherwise: its page says
    that the wording changed since 定稿, never 「定稿后数据有变化」. The correction into
    it says that of the month instead of promising the notice."""
    from tracker.reports import final

    zhang, _new = moved
    final.finalize(world.admin, SummaryScope(unit_id=world.unit.id), 2022, 10)
    db.session.scalar(select(SummaryCopy)).wording_version = 1
    db.session.commit()
    login(world.admin)
    page = page_of(confirmed(client, f"/admin/members/{zhang.id}/roll-date",
                                     data={"roll-day": "2022-10-15", "roll-reason": "调动文件日期为10月15日",
                                           **shown(client, zhang.id)}, follow_redirects=True))
    assert "这次更正涉及已定稿" not in page
    assert ("这次更正还可能改变以下已定稿月报的数据：县商务局2022年10月。这些月份的定稿文件是系统更新前的"
            "写法，月报页面提示的是“月报的写法有变化”，不会另外提示数据有变化") in page
    october = page_of(client.get(f"/reports/?unit={world.unit.id}&month=2022-10"))
    assert "月报的写法有变化" in october and "定稿后数据有变化" not in october


def test_a_signed_year_whose_figures_move_is_named_and_its_page_tells_it(
        client, login, world, moved):
    """As the test above, with no month signed but both units' 年度总结 of 2022: 李四's
    correction moves work that waits for review only, in no signed figure: it names no
    year, and neither year's page says 「定稿后数据有变化」. 张三's approved work of 10
    November then counts for 县商务局's members, not 县财政局's: 县财政局's year loses
    it (本单位党员参与…人次, 按活动当日所在单位计), and the message names that year, whose
    page then says 「定稿后数据有变化」. 县商务局's year prints its members' 人次 only where
    they differ from its own activities' (as the 月报, so no rule tells before the change):
    here its document reads as signed, so it is not named and its page says nothing."""
    from tracker.reports import annual_final

    zhang, li, new = _approved_november_pending_december(world, moved)
    for unit in (world.unit, new):
        annual_final.finalize_year(world.admin, SummaryScope(unit_id=unit.id), 2022)
    db.session.commit()
    login(world.admin)

    def correct(person, day: str) -> str:
        return page_of(confirmed(client, f"/admin/members/{person.id}/roll-date",
                                         data={"roll-day": day, "roll-reason": "调动文件日期有误",
                                               **shown(client, person.id)}, follow_redirects=True))

    def year_pages() -> list[bool]:
        return ["定稿后数据有变化" in page_of(
            client.get(f"/reports/annual?unit={unit.id}&year=2022")) for unit in (world.unit, new)]

    page = correct(li, "2022-12-20")
    assert "已更正李四的在册变动日期：2022-12-01改为2022-12-20。" in page
    assert "涉及已定稿" not in page
    assert year_pages() == [False, False]

    page = correct(zhang, "2022-11-20")
    assert "已更正张三的在册变动日期：2022-11-01改为2022-11-20。" in page
    assert "这次更正涉及已定稿的年度总结：县财政局2022年。" in page
    assert "县商务局2022年" not in page and "已定稿的月报" not in page
    assert year_pages() == [False, True]


def test_a_correction_across_a_signed_years_end_names_that_year_and_audits_it(
        client, login, world, moved):
    """张三's move to 县财政局, recorded from 1 November 2022, took effect on 5 January
    2023; no month is signed, both units' 年度总结 of 2022 and 2023 are. A year counts
    its roll on its last day: 31 December 2022 lies between the two dates, so 张三 counts
    on 县商务局's 2022 roll, not 县财政局's, and both 2022 years move. Nothing of 2023
    counts otherwise (he is 县财政局's at its end either way, with no work). The service
    names both 2022 years before the change and the audit row records them; the message
    names them (the year page's own comparison), and only the 2022 pages say
    「定稿后数据有变化」."""
    from tracker.reports import annual_final

    zhang, new = moved
    for unit in (world.unit, new):
        for year in (2022, 2023):
            annual_final.finalize_year(world.admin, SummaryScope(unit_id=unit.id), year)
    db.session.commit()
    login(world.admin)

    page = page_of(confirmed(client, f"/admin/members/{zhang.id}/roll-date",
                                     data={"roll-day": "2023-01-05", "roll-reason": "调动文件日期有误",
                                           **shown(client, zhang.id)}, follow_redirects=True))
    assert "已更正张三的在册变动日期：2022-11-01改为2023-01-05。" in page
    assert "这次更正涉及已定稿的年度总结：县商务局2022年、县财政局2022年。" in page
    assert "2023年" not in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "correct_roll_date"))
    assert sorted(event.detail["final_years"]) == sorted(
        [[world.unit.id, None, 2022], [new.id, None, 2022]])
    for unit in (world.unit, new):
        for year, changed in ((2022, True), (2023, False)):
            shown_page = page_of(client.get(f"/reports/annual?unit={unit.id}&year={year}"))
            assert "已定稿" in shown_page
            assert ("定稿后数据有变化" in shown_page) == changed, (unit.name, year)


def test_a_correction_within_a_signed_year_names_no_year(client, login, world, moved):
    """The same move corrected to 20 November 2022: the days between hold no year's end,
    no work and no first day of a year, so the signed 2022 of either unit counts as
    signed; the audit row records no year, and the message names none."""
    from tracker.reports import annual_final

    zhang, new = moved
    for unit in (world.unit, new):
        annual_final.finalize_year(world.admin, SummaryScope(unit_id=unit.id), 2022)
    db.session.commit()
    login(world.admin)

    page = page_of(client.post(f"/admin/members/{zhang.id}/roll-date",
                               data={"roll-day": "2022-11-20", "roll-reason": "调动文件日期有误",
                                     **shown(client, zhang.id)}, follow_redirects=True))
    assert "已更正张三的在册变动日期：2022-11-01改为2022-11-20。" in page
    assert "涉及已定稿" not in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "correct_roll_date"))
    assert event.detail["final_years"] == []


def test_a_year_signed_in_an_earlier_wording_is_not_promised_the_data_notice(
        client, login, world, moved):
    """The move corrected across 31 December 2022, 县商务局's 2022 年度总结 signed by a
    release that worded it otherwise: the message names it apart (its page says the
    wording changed, never 「定稿后数据有变化」); 县财政局's 2022, signed in today's words,
    is told as before."""
    from tracker.models import YearCopy
    from tracker.reports import annual_final

    zhang, new = moved
    for unit in (world.unit, new):
        annual_final.finalize_year(world.admin, SummaryScope(unit_id=unit.id), 2022)
    db.session.scalar(select(YearCopy).where(YearCopy.id == select(YearCopy.id).order_by(
        YearCopy.id).limit(1).scalar_subquery())).wording_version = 1
    db.session.commit()
    login(world.admin)

    page = page_of(confirmed(client, f"/admin/members/{zhang.id}/roll-date",
                                     data={"roll-day": "2023-01-05", "roll-reason": "调动文件日期有误",
                                           **shown(client, zhang.id)}, follow_redirects=True))
    assert "这次更正涉及已定稿的年度总结：县财政局2022年。" in page
    assert "这次更正还可能改变以下已定稿年度总结的数据：县商务局2022年。" in page


def test_a_correction_names_the_signed_years_and_months_before_it_is_made(
        client, login, world, moved):
    """The member page, as the merge's confirmation page, names before the correction
    the signed 年度总结 and 月报 it would change: 张三's move of 1 November 2022 corrected
    to 5 January 2023, both units' 2022 signed. The first post writes nothing and shows
    them, with what was typed and 确认更正. If a month it moves is 定稿 meanwhile, the
    confirmation is refused and the page names it too; confirmed again, it is made."""
    from tracker.reports import annual_final, final

    zhang, new = moved
    for unit in (world.unit, new):
        annual_final.finalize_year(world.admin, SummaryScope(unit_id=unit.id), 2022)
    db.session.commit()
    login(world.admin)
    url = f"/admin/members/{zhang.id}/roll-date"
    typed = {"roll-day": "2023-01-05", "roll-reason": "调动文件日期有误", **shown(client, zhang.id)}
    before, events = stays(zhang.id), work_event_count()

    response = client.post(url, data=typed)
    assert response.status_code == 200
    section = correction(page_of(response))
    assert ("更正可能改变以下已定稿年度总结的当前数据：县商务局2022年、县财政局2022年。"
            "定稿文件仍是签署时的内容") in section
    assert "已定稿月报" not in section
    assert 'value="2023-01-05"' in section and "调动文件日期有误" in section
    assert "确认更正" in section
    assert stays(zhang.id) == before and work_event_count() == events
    promised = re.search(r'name="roll-promised"[^>]*value="([^"]+)"', section).group(1)

    final.finalize(world.admin, SummaryScope(unit_id=new.id), 2022, 12)  # meanwhile
    db.session.commit()
    events = work_event_count()
    section = correction(page_of(client.post(url, data={**typed, "roll-promised": promised})))
    assert "这次更正涉及的已定稿月报或年度总结有了变化" in section
    assert "更正可能改变以下已定稿月报的当前数据：县财政局2022年12月。" in section
    assert stays(zhang.id) == before and work_event_count() == events

    page = page_of(confirmed(client, url, typed, follow_redirects=True))
    assert "已更正张三的在册变动日期：2022-11-01改为2023-01-05。" in page
    assert "这次更正涉及已定稿的月报：县财政局2022年12月。" in page


def _both_years_signed(world, new) -> None:
    from tracker.reports import annual_final
    for unit in (world.unit, new):
        annual_final.finalize_year(world.admin, SummaryScope(unit_id=unit.id), 2022)
    db.session.commit()


def test_a_correction_from_a_stale_page_is_refused_before_any_confirmation(
        client, login, world, moved):
    """review37b F1: the page showed a change another admin has corrected since. A date
    that would move a signed 年度总结 is not put up for confirmation (it could not be
    made): the page says the roll was changed by another, nothing is written."""
    zhang, new = moved
    _both_years_signed(world, new)
    login(world.admin)
    url = f"/admin/members/{zhang.id}/roll-date"
    typed = {"roll-day": "2023-01-05", "roll-reason": "调动文件日期有误", **shown(client, zhang.id)}
    directory.correct_roll_date(db.session.get(Member, zhang.id), world.admin,
                                date(2022, 11, 20), "另一位管理员", shown=typed["roll-change"])
    db.session.commit()
    before, events = stays(zhang.id), work_event_count()

    response = client.post(url, data=typed)
    assert response.status_code == 200
    section = correction(page_of(response))
    assert "该党员的在册记录已被他人修改，请刷新后重试。" in page_of(response)
    assert "确认更正" not in section and "更正可能改变" not in section
    assert 'value="2023-01-05"' in section and "调动文件日期有误" in section
    assert stays(zhang.id) == before and work_event_count() == events


def test_another_date_typed_on_the_confirming_page_is_a_new_correction(
        client, login, world, moved):
    """review37b F3: the admin changes 更正为 on the confirming page. Nothing was signed
    in between, so the page does not say the signed documents changed: a date touching
    nothing signed is made at once, one touching signed years is named for confirming."""
    zhang, new = moved
    _both_years_signed(world, new)
    login(world.admin)
    url = f"/admin/members/{zhang.id}/roll-date"
    typed = {"roll-day": "2023-01-05", "roll-reason": "调动文件日期有误", **shown(client, zhang.id)}
    section = correction(page_of(client.post(url, data=typed)))
    promised = html.unescape(
        re.search(r'name="roll-promised"[^>]*value="([^"]+)"', section).group(1))

    section = correction(page_of(client.post(
        url, data={**typed, "roll-day": "2023-01-10", "roll-promised": promised})))
    assert "有了变化" not in section
    assert "更正可能改变以下已定稿年度总结的当前数据：县商务局2022年、县财政局2022年。" in section
    assert 'value="2023-01-10"' in section and "确认更正" in section

    response = client.post(url, data={**typed, "roll-day": "2022-11-20",
                                      "roll-promised": promised})
    assert response.status_code == 302
    assert "有了变化" not in page_of(client.get(response.headers["Location"]))
    assert stays(zhang.id) == [(world.unit.id, None, date(2022, 11, 20)),
                               (new.id, date(2022, 11, 20), None)]


def test_a_correction_confirmed_after_its_month_was_re_opened_says_so(
        client, login, world, moved):
    """reopened44 Open: the page named 县商务局's October 2022 (signed) before the
    correction; the month is re-opened (撤销定稿) before 确认更正. The correction now
    changes nothing signed — an ordinary one, but not the one confirmed: nothing is
    done, the page says which month was re-opened and offers the plain 更正, what was
    typed kept — never 「请查看下方的说明」 with no block below (reopened.words_since,
    one choice of words for every page)."""
    from tracker.reports import final
    from tracker.services.summary_notes import reopen

    zhang, _new = moved
    final.finalize(world.admin, SummaryScope(unit_id=world.unit.id), 2022, 10)
    db.session.commit()
    login(world.admin)
    url = f"/admin/members/{zhang.id}/roll-date"
    typed = {"roll-day": "2022-10-15", "roll-reason": "调动文件日期为10月15日",
             **shown(client, zhang.id)}
    section = correction(page_of(client.post(url, data=typed)))
    assert "更正可能改变以下已定稿月报的当前数据：县商务局2022年10月。" in section
    promised = re.search(r'name="roll-promised"[^>]*value="([^"]+)"', section).group(1)
    reopen(world.admin, SummaryScope(unit_id=world.unit.id), 2022, 10)  # meanwhile
    db.session.commit()
    before, events = stays(zhang.id), work_event_count()

    page = page_of(client.post(url, data={**typed, "roll-promised": html.unescape(promised)}))
    assert ("打开页面之后，县商务局2022年10月已撤销定稿，这次操作现在不会改变已定稿的月报或年度总结。"
            "未作任何更改；如仍要更正，请再次点击“更正日期”。") in page
    assert "下方的说明" not in page and "上方的说明" not in page
    section = correction(page)
    assert "已定稿月报" not in section  # nothing named: no block to point at
    assert 'value="2022-10-15"' in section and "调动文件日期为10月15日" in section
    assert stays(zhang.id) == before and work_event_count() == events
    # the plain 更正, posted again as the page now offers it, is made
    again = re.search(r'name="roll-promised"[^>]*value="([^"]*)"', section).group(1)
    done = page_of(client.post(url, data={**typed, "roll-promised": again},
                               follow_redirects=True))
    assert "已更正张三的在册变动日期：2022-11-01改为2022-10-15。" in done
