"""需求清单 / 微心愿 through the pages: the liaison's form explains bad input on the same
page with what was typed kept, a member claims (for themselves or their unit) and sees
it in 我认领的需求, the liaison confirms it fulfilled or closes it, and a resident's
name reaches only those the register allows."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.audit import work_event_count
from tests.needs.support import need
from tests.residents.support import resident
from tests.security.support import error_texts
from tracker.extensions import db
from tracker.models import Category, Need, NeedStatus
from tracker.timeutil import local_today


def _category(code="household_assistance"):
    return db.session.scalar(select(Category).where(Category.code == code))


def _form(**overrides):
    data = {"kind": "wish", "title": "为独居老人修理轮椅", "description": "左轮松动",
            "category": str(_category().id), "wanted_by": (local_today() + timedelta(days=3)).isoformat(),
            "people": "2", "quantity": ""}
    data.update(overrides)
    return data


def test_the_liaison_posts_a_need_through_the_form(client, login, world):
    login(world.liaison)
    page = client.get("/needs/new").get_data(as_text=True)  # one community: no choice asked
    assert "解放路社区" in page and 'name="title"' in page
    # every member reads the board: the form asks for no name in the title
    assert "请不要写服务对象的姓名" in page
    response = client.post("/needs/new", data=_form())
    posted = db.session.scalar(select(Need))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/needs/{posted.id}")
    assert (posted.title, posted.people, posted.community_id) == (
        "为独居老人修理轮椅", 2, world.community.id)
    page = client.get(f"/needs/{posted.id}").get_data(as_text=True)
    assert "需求已发布" in page and "为独居老人修理轮椅" in page


def test_bad_input_is_explained_on_the_same_form_and_kept(client, login, world):
    login(world.liaison)
    before = work_event_count()
    response = client.post("/needs/new", data=_form(
        title="", people="两个", wanted_by="2020-13-01", category="999"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert set(error_texts(html)) >= {"请填写标题。", "请输入整数（只能填写数字）。",
                                         "日期格式不正确，请按“年-月-日”填写。", "请选择类别。"}
    assert 'value="两个"' in html and "左轮松动" in html
    # a refusal only the service can make (a quantity in a category without a unit)
    html = client.post("/needs/new", data=_form(quantity="3")).get_data(as_text=True)
    assert "该类别没有数量单位，请不填数量，或填写需要的人数。" in error_texts(html)
    assert db.session.scalar(select(Need)) is None and work_event_count() == before


def test_every_refused_field_is_named_in_one_submit(client, login, world):
    """Walk 2, defect 4: a past 需要完成的日期 is named with a wrong 需要人数 (a number the
    form refuses), and with a quantity in a category without a unit (both the service's
    refusals), not only on the next submit; on a new need and on an edited one."""
    wish = need(world.community, world.liaison)
    db.session.commit()
    login(world.liaison)
    before = work_event_count()
    for url in ("/needs/new", f"/needs/{wish.id}/edit"):
        html = client.post(url, data=_form(wanted_by="2020-01-01", people="-3")
                           ).get_data(as_text=True)
        errors = error_texts(html)
        assert "需要完成的日期不能早于今天。" in errors, url
        assert any("整数" in e for e in errors) and len(errors) == 2, (url, errors)
        assert 'value="2020-01-01"' in html and 'value="-3"' in html, url
        html = client.post(url, data=_form(wanted_by="2020-01-01", quantity="3")
                           ).get_data(as_text=True)
        assert set(error_texts(html)) == {"需要完成的日期不能早于今天。",
                                          "该类别没有数量单位，请不填数量，或填写需要的人数。"}, url
    db.session.refresh(wish)
    assert wish.title == "为独居老人修理轮椅" and db.session.scalar(
        select(db.func.count(Need.id))) == 1 and work_event_count() == before


def test_an_empty_wanted_by_date_is_a_message_on_the_form(client, login, world):
    """The field is ``required`` in the page; a client that sends it empty anyway is
    answered on the form (no 500), on a new need and on an edited one."""
    wish = need(world.community, world.liaison)
    db.session.commit()
    login(world.liaison)
    for url in ("/needs/new", f"/needs/{wish.id}/edit"):
        response = client.post(url, data=_form(title="修轮椅", wanted_by=""))
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert "请填写需要完成的日期。" in error_texts(html), url
        assert 'value="修轮椅"' in html, url
    db.session.refresh(wish)
    assert wish.title == "为独居老人修理轮椅" and db.session.scalar(
        select(db.func.count(Need.id))) == 1


def test_a_member_claims_for_their_unit_and_sees_it_in_mine(client, login, world):
    wish = need(world.community, world.liaison)
    db.session.commit()
    login(world.member)
    page = client.get("/needs/").get_data(as_text=True)
    assert "为独居老人修理轮椅" in page
    response = client.post(f"/needs/{wish.id}/claim", data={"for_unit": "y"})
    assert response.headers["Location"].endswith("/needs/mine")
    db.session.refresh(wish)
    assert (wish.status, wish.claimed_by_id, wish.claimed_unit_id) == (
        NeedStatus.claimed, world.member.id, world.unit.id)
    # 我的任务 leads to 我认领的需求
    assert 'href="/needs/mine"' in client.get("/tasks/mine").get_data(as_text=True)
    mine = client.get("/needs/mine").get_data(as_text=True)
    assert "为独居老人修理轮椅" in mine and "县商务局（联系人：张三）" in mine
    # the next member is told it is taken, on the need's page
    login(world.other_member)
    response = client.post(f"/needs/{wish.id}/claim", follow_redirects=True)
    assert "该需求已被认领。" in response.get_data(as_text=True)
    # the claimer gives it back
    login(world.member)
    client.post(f"/needs/{wish.id}/release", data={"confirmed": "1"})
    db.session.refresh(wish)
    assert wish.status == NeedStatus.open and "您还没有认领需求" in client.get("/needs/mine").get_data(as_text=True)


@pytest.mark.parametrize("lang, card, label, verb", [
    ("zh_CN", "认领人：张三", "<dt>认领人</dt>", "<dt>认领</dt>"),
    ("en", "Claimed by: 张三", "<dt>Claimed by</dt>", "<dt>Claim</dt>"),
])
def test_who_claimed_a_need_is_labelled_as_a_claimer_not_as_the_verb(client, login, world, lang,
                                                                     card, label, verb):
    """The card and the need's page say who holds a claimed need: 「认领人：张三」, in
    English "Claimed by", not the 认领 button's "Claim" (an instruction)."""
    wish = need(world.community, world.liaison, status=NeedStatus.claimed, claimer=world.member)
    db.session.commit()
    login(world.member)
    mine = client.get(f"/needs/mine?lang={lang}").get_data(as_text=True)
    assert card in mine and "Claim: " not in mine
    page = client.get(f"/needs/{wish.id}?lang={lang}").get_data(as_text=True)
    assert label in page and verb not in page


def test_the_liaison_fulfils_with_a_note_or_closes_with_a_reason(client, login, world):
    wish = need(world.community, world.liaison, status=NeedStatus.claimed, claimer=world.member)
    other = need(world.community, world.liaison, title="楼道灯维修")
    db.session.commit()
    login(world.liaison)
    html = client.post(f"/needs/{other.id}/close", data={"reason": " "}).get_data(as_text=True)
    assert "请填写关闭原因。" in error_texts(html)
    response = client.post(f"/needs/{wish.id}/fulfil", data={"note": "轮椅已修好"},
                           follow_redirects=True)
    assert "已确认完成。" in response.get_data(as_text=True)
    db.session.refresh(wish)
    assert (wish.status, wish.fulfil_note) == (NeedStatus.fulfilled, "轮椅已修好")
    client.post(f"/needs/{other.id}/close", data={"reason": "物业已维修"})
    db.session.refresh(other)
    assert (other.status, other.close_reason) == (NeedStatus.closed, "物业已维修")
    board = client.get("/needs/?status=fulfilled").get_data(as_text=True)
    assert "为独居老人修理轮椅" in board and "楼道灯维修" not in board


def test_the_overdue_tab_lists_what_is_late_and_not_done(client, login, world):
    need(world.community, world.liaison, title="逾期未认领", wanted_in=-1)
    need(world.community, world.liaison, title="逾期已认领", wanted_in=-2,
         status=NeedStatus.claimed, claimer=world.member)
    need(world.community, world.liaison, title="逾期但已完成", wanted_in=-2,
         status=NeedStatus.fulfilled, claimer=world.member)
    need(world.community, world.liaison, title="今天到期", wanted_in=0)
    db.session.commit()
    login(world.member)
    board = client.get("/needs/?status=overdue").get_data(as_text=True)
    assert "逾期未认领" in board and "逾期已认领" in board
    assert "逾期但已完成" not in board and "今天到期" not in board


def test_a_residents_name_only_for_whom_the_register_allows(client, login, world):
    elder = resident(world.community, world.liaison, name="赵奶奶", paired=[world.member])
    wish = need(world.community, world.liaison, resident_id=elder.id)
    db.session.commit()
    for who, sees in (("member", True), ("liaison", True), ("other_member", False),
                      ("other_liaison", False)):
        login(getattr(world, who))
        response = client.get(f"/needs/{wish.id}")
        html = response.get_data(as_text=True)
        assert ("赵奶奶" in html) is sees, who
        # never the address or the phone, even for those who may open the record
        assert "解放路12号" not in html and "13800000001" not in html
        assert response.headers["Cache-Control"] == "no-store"


def test_a_claim_whose_claimer_was_switched_off_is_marked_until_given_back(client, login, world):
    """A claimed 微心愿 nobody will fulfil (its claimer's account was switched off) is
    marked on the need's page and on the board, with the way out (取消认领); given back,
    or once fulfilled, the mark goes (nothing is waiting on the account any more)."""
    claimed = need(world.community, world.liaison, status=NeedStatus.claimed,
                   claimer=world.member)
    world.member.active = False
    db.session.commit()
    mark = "账号已停用，可取消认领后重新等待认领"
    login(world.liaison)
    assert mark in client.get(f"/needs/{claimed.id}").get_data(as_text=True)
    assert mark in client.get("/needs/?status=claimed").get_data(as_text=True)
    assert client.post(f"/needs/{claimed.id}/release",
                       data={"confirmed": "1"}).status_code == 302
    assert mark not in client.get(f"/needs/{claimed.id}").get_data(as_text=True)
    fulfilled = need(world.community, world.liaison, title="修理水管",
                     status=NeedStatus.fulfilled, claimer=world.member)
    db.session.commit()
    page = client.get(f"/needs/{fulfilled.id}").get_data(as_text=True)
    assert world.member.name in page and mark not in page


def test_a_quantity_for_a_category_without_a_unit_is_named_in_the_first_round(
        client, login, world):
    """Walk10 D2: 需要数量 「一台」 for a category without a unit, with a past date and a
    wrong 需要人数: the first submit names the category's rule (not only 「请输入整数」, to
    be followed by the rule once a number is typed) with the other two, all kept."""
    login(world.liaison)
    response = client.post("/needs/new", data=_form(
        wanted_by="2020-01-01", people="-2", quantity="一台"))
    html = response.get_data(as_text=True)
    errors = error_texts(html)
    assert "该类别没有数量单位，请不填数量，或填写需要的人数。" in errors
    assert "需要完成的日期不能早于今天。" in errors and any("整数" in e for e in errors)
    assert len(errors) == 3 and 'value="一台"' in html
    assert db.session.scalar(select(Need)) is None
