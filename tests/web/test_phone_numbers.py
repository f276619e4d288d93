"""A phone number is one number however it is written (review "forms" #3, #4).

A member's 手机号 typed on a Chinese keyboard (full-width １３６…), with blanks (U+3000
too), with dashes, or with +86 / 86 / 0086 in front is the 11-digit mobile number: the
admin's member form stores it so, login finds the member by it, the activation link
leads to an account that logs in with it, the roster import matches the member by it,
and search finds the member by it. Digits of other scripts are no digits.
"""
from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.imports.helpers import csv_bytes
from tests.web.roll_support import edit, page_of
from tests.web.test_admin_roll_stale_page import data, form_on
from tracker import throttle
from tracker.extensions import db
from tracker.models import Member, Role, ThrottleHit
from tracker.services import directory
from tracker.services import member_import as mi
from tracker.services.invitations import issue_links

# 136…: outside the factory's numbers (139 and a counter), so no member of a cached
# world can already hold it
NUMBER = "13600001005"
# The ways one number is written: a Chinese keyboard, a form, iOS, WeChat, a roster.
WRITTEN = [
    "1３６ 0000-1005",  # full-width digits mixed in, a blank, a dash
    "１３６００００１００５",  # all full-width
    "136 0000 1005",
    "136-0000-1005",
    "+86 136 0000 1005",
    "+86 13600001005",
    "8613600001005",
    "0086 136 0000 1005",
    " 13600001005　",  # an ASCII blank before, U+3000 after
    "136—0000—1005",  # the dash a word processor writes
]


def _member_form(world, phone, name="测试四"):
    return {"name": name, "phone": phone, "unit_id": world.unit.id, "branch": "机关党支部",
            "role": "member"}


@pytest.mark.parametrize("written", WRITTEN)
def test_the_admins_member_form_stores_the_11_digit_number(client, world, login, written):
    login(world.admin)
    response = client.post("/admin/members/new", data=_member_form(world, written))
    assert response.status_code == 302, html.unescape(response.get_data(as_text=True))[-2000:]
    assert db.session.scalar(select(Member.phone).where(Member.name == "测试四")) == NUMBER


@pytest.mark.parametrize("typed", ["１２", "1٣٩٠٠٠٠١٠٠٥", "139 0000 10055", "+86 1390000100"])
def test_what_is_no_mobile_number_is_refused_in_chinese_as_typed(client, world, login, typed):
    login(world.admin)
    response = client.post("/admin/members/new", data=_member_form(world, typed))
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "请输入11位手机号。" in page
    assert f'value="{typed}"' in page  # shown back as typed, not as read
    assert db.session.scalar(select(func.count()).where(Member.name == "测试四")) == 0


def test_the_stored_pattern_is_ascii_digits_only():
    assert directory.PHONE_RE.match("13600001005")
    assert not directory.PHONE_RE.match("1٣٩٠٠٠٠١٠٠٥")  # Arabic-Indic digits
    assert not directory.PHONE_RE.match("1３６００００１００５")


def test_editing_a_member_stores_the_number_typed_as_11_digits(client, world, login):
    login(world.admin)
    member = world.member
    page = page_of(client.get(edit(member.id)))
    response = client.post(edit(member.id), data=form_on(page, "phone", phone="+86 136 0000 1005"))
    assert response.status_code == 302, page_of(response)[-2000:]
    db.session.refresh(member)
    assert member.phone == NUMBER


def test_the_directory_stores_the_number_whoever_calls_it(world):
    """Not only the form: the service itself reads the number (the CLI, a script)."""
    created = directory.create_member(world.admin, directory.MemberData(
        name="测试四", phone="１３６ ００００ １００５", unit_id=world.unit.id,
        role=Role.member, branch=None))
    assert created.phone == NUMBER
    directory.update_member(world.member, world.admin,
                            data(world.member, phone="+86 136-0000-1006"))
    assert world.member.phone == "13600001006"


def test_a_number_written_another_way_is_still_the_one_taken(client, world, login):
    login(world.admin)
    response = client.post("/admin/members/new",
                           data=_member_form(world, "+86 " + world.member.phone))
    assert response.status_code == 200
    assert "该手机号已被其他党员使用。" in response.get_data(as_text=True)


def test_the_roster_import_then_matches_the_member_the_form_added(client, world, login):
    """Added on the form with full-width digits, the member is the roster's row with
    ASCII ones: 「将更新」 or no change, never a second person (「将新增」)."""
    login(world.admin)
    assert client.post("/admin/members/new",
                       data=_member_form(world, "1３６ 0000-1005")).status_code == 302
    parsed = mi.parse_rows(mi.read_table("名单.csv", csv_bytes(
        [("测试四", NUMBER, world.unit.name, "机关党支部", "党员干部", "")])))
    preview = mi.check_rows(parsed.rows, world.admin)
    assert [row.action for row in preview.rows] in (["same"], ["update"])
    assert db.session.scalar(select(func.count()).where(Member.name == "测试四")) == 1


@pytest.mark.parametrize("written", WRITTEN + ["13600001005 ", " 13600001005"])
def test_login_with_the_number_written_any_way_logs_the_member_in(client, world, written):
    f.member(world.unit, name="测试四", phone=NUMBER)
    db.session.commit()
    response = client.post("/auth/login", data={"phone": written, "password": f.PASSWORD})
    assert response.status_code == 302, html.unescape(response.get_data(as_text=True))[-1500:]
    assert client.get("/tasks/mine").status_code == 200  # signed in as the member


class TestTheLoginThrottle:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True}  # the shipped limits

    def test_a_wrong_password_counts_against_one_account_however_written(self, client, world):
        world.member.phone = "13800000002"
        db.session.commit()
        for written in ("138 0000 0002", "+86 13800000002", "13800000002"):
            db.session.rollback()
            response = client.post("/auth/login", data={"phone": written,
                                                        "password": "wrong-password"})
            assert "手机号或密码不正确。" in response.get_data(as_text=True)
        account = throttle.key("login-acct", "13800000002")
        assert db.session.scalar(select(func.count(ThrottleHit.id))
                                 .where(ThrottleHit.key == account)) == 3


def test_login_refuses_what_is_no_number_in_chinese_keeping_it(client, world):
    response = client.post("/auth/login", data={"phone": "１２", "password": f.PASSWORD})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "请输入11位手机号。" in page and 'value="１２"' in page


def test_a_member_added_with_a_written_number_activates_and_logs_in_with_it(client, world,
                                                                           login):
    """The activation flow: the admin adds the member typing the number as written on a
    paper form, sends the link; the member sets a password, then logs in with the
    number as their phone writes it."""
    login(world.admin)
    assert client.post("/admin/members/new",
                       data=_member_form(world, "136-0000-1005")).status_code == 302
    client.post("/auth/logout")
    member = db.session.scalar(select(Member).where(Member.name == "测试四"))
    [link] = issue_links(world.admin, [member])
    db.session.commit()
    response = client.post(f"/invite/{link.token}", data={
        "new_password": "Hongqi-Piaopiao-88", "confirm": "Hongqi-Piaopiao-88"})
    assert response.status_code == 302
    client.post("/auth/logout")
    response = client.post("/auth/login", data={"phone": "+86 136 0000 1005",
                                                "password": "Hongqi-Piaopiao-88"})
    assert response.status_code == 302


@pytest.mark.parametrize("searched", ["136 0000 1005", "+86 136 0000 1005", "１３６００００",
                                      "0000-1005"])
def test_search_finds_the_member_by_the_number_written_any_way(client, world, login, searched):
    f.member(world.unit, name="测试四", phone=NUMBER)
    db.session.commit()
    login(world.admin)
    page = client.get("/admin/members", query_string={"q": searched}).get_data(as_text=True)
    assert "测试四" in page
    other = client.get("/admin/members", query_string={"q": "136 9999"}).get_data(as_text=True)
    assert "测试四" not in other
