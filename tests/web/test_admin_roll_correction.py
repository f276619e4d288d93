"""更正日期 on the member page: the admin corrects the date of the latest roll change;
a date out of bounds or a missing reason is refused in Chinese on the same page with
what was typed kept and nothing written; a correction across a 已定稿 month is made
and the page names the month, whose signed document stays as signed."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.audit import work_event_count
from tests.web.roll_support import correction, page_of, stays
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
    response = client.post(f"/admin/members/{zhang.id}/roll-date",
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
