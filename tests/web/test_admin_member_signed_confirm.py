"""A save of the member form whose 自何日起 falls in a signed (已定稿) month or year —
a member added, or 计入参与统计 / 单位 changed, from that day — changes its roll: the
page first names the months and years it would change, with what was typed kept and a
confirm button, and saves nothing; posted again unchanged it saves; posted with another
date, or after another admin's 定稿, it names them afresh (the brief of session 38,
backdate; docs/design.md, the roll over time). A save touching nothing signed saves at
once (``test_admin_roll_told``)."""
from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import select

from tests.web.roll_support import edit, member, page_of, promised_on
from tracker.extensions import db
from tracker.models import Member, Role, SummaryScope
from tracker.services import directory

NAMED = "尚未保存：这次保存会改变在册人数，涉及已定稿的月报或年度总结。"
PHONE = "13712345678"


def _sign(world, *months) -> None:
    from tracker.reports import final

    for year, month in months:
        final.finalize(world.admin, SummaryScope(unit_id=world.unit.id), year, month)
    db.session.commit()


def _new_member(world, roll_from: str) -> dict:
    return {"name": "安新人", "phone": PHONE, "unit_id": world.unit.id,
            "branch": "机关党支部", "role": "member", "on_roll": "1", "roll_from": roll_from}


def _added() -> Member | None:
    db.session.expire_all()
    return db.session.scalar(select(Member).where(Member.phone == PHONE))


def _named(page: str) -> str:
    """The page's notice of what the save would change of what was signed."""
    start = page.find('id="form-final"')
    assert start >= 0, "the page names nothing signed"
    return page[start:page.find("</section>", start)]


def test_a_member_added_into_a_signed_month_is_named_before_the_save(client, login, world):
    _sign(world, (2022, 10), (2022, 11))
    login(world.admin)
    unit = world.unit.name
    first = client.post("/admin/members/new", data=_new_member(world, "2022-11-15"))
    assert first.status_code == 200 and _added() is None  # nothing saved yet
    page = page_of(first)
    notice = _named(page)
    assert NAMED in notice and "“确认添加”" in notice
    # November's roll (of 30 November) would have the new member; October's not
    assert f"保存可能改变以下已定稿月报的当前数据：{unit}2022年11月。" in notice
    assert "2022年10月" not in notice
    assert 'value="安新人"' in page and 'value="2022-11-15"' in page  # what was typed kept
    assert ">确认添加</button>" in page
    # posted again unchanged: saved, and the page after names what its own comparison finds
    done = client.post("/admin/members/new",
                       data={**_new_member(world, "2022-11-15"), "promised": promised_on(page)},
                       follow_redirects=True)
    assert _added() is not None
    after = page_of(done)
    assert "已添加党员干部：安新人" in after
    assert f"这次添加涉及已定稿的月报：{unit}2022年11月。" in after


def test_an_edit_off_the_roll_inside_a_signed_month_is_named_before_the_save(client, login,
                                                                               world):
    _sign(world, (2022, 11))
    login(world.admin)
    person = member(world.other_member.id)
    assert person.on_roll and person.unit_id == world.unit.id
    data = {"name": person.name, "phone": person.phone, "unit_id": person.unit_id,
            "branch": person.branch or "", "role": person.role.value,
            "on_roll": "0", "roll_from": "2022-11-20"}
    first = client.post(edit(person.id), data=data)
    assert first.status_code == 200 and member(person.id).on_roll  # not saved
    page = page_of(first)
    assert f"{world.unit.name}2022年11月" in _named(page)
    assert ">确认保存</button>" in page
    done = client.post(edit(person.id), data={**data, "promised": promised_on(page)},
                       follow_redirects=True)
    assert not member(person.id).on_roll
    assert f"这次修改涉及已定稿的月报：{world.unit.name}2022年11月。" in page_of(done)


def test_another_date_typed_on_the_confirming_page_is_named_afresh(client, login, world):
    _sign(world, (2022, 10), (2022, 11))
    login(world.admin)
    unit = world.unit.name
    page = page_of(client.post("/admin/members/new", data=_new_member(world, "2022-11-15")))
    promised = promised_on(page)
    # the admin types an earlier date and confirms: October too, never saved on November's
    again = client.post("/admin/members/new",
                        data={**_new_member(world, "2022-10-15"), "promised": promised})
    assert again.status_code == 200 and _added() is None
    notice = _named(page_of(again))
    assert f"{unit}2022年10月、{unit}2022年11月" in notice
    assert promised_on(page_of(again)) not in ("", promised)


def test_a_month_signed_since_the_page_named_them_is_named_afresh(client, login, world):
    _sign(world, (2022, 11))
    login(world.admin)
    unit = world.unit.name
    page = page_of(client.post("/admin/members/new", data=_new_member(world, "2022-11-15")))
    _sign(world, (2022, 12))  # another admin signs December meanwhile
    again = client.post("/admin/members/new",
                        data={**_new_member(world, "2022-11-15"), "promised": promised_on(page)})
    assert again.status_code == 200 and _added() is None
    assert f"{unit}2022年11月、{unit}2022年12月" in _named(page_of(again))


def test_the_service_refuses_a_promise_the_roll_no_longer_keeps(world):
    """Decided in the service (under the member's lock for an edit): a save whose signed
    months are not those the page named is refused, carrying what to name; named, saved."""
    _sign(world, (2022, 11))
    data = directory.MemberData(name="安新人", phone=PHONE, unit_id=world.unit.id,
                                role=Role.member, on_roll=True,
                                roll_from=date(2022, 11, 15), promised="")
    with pytest.raises(directory.SignedUnconfirmed) as refused:
        directory.create_member(db.session.get(Member, world.admin.id), data)
    db.session.rollback()
    assert refused.value.field == "roll_from"
    # what the page names: the day, and November of the unit (its roll of 30 November)
    key = f"2022-11-15:{world.unit.id}-2022-11"
    assert refused.value.key == key
    # the page named it, then December was signed: refused as changed since
    _sign(world, (2022, 12))
    with pytest.raises(directory.SignedUnconfirmed) as refused:
        directory.create_member(db.session.get(Member, world.admin.id),
                                dataclasses.replace(data, promised=key))
    db.session.rollback()
    assert "这次保存涉及的已定稿月报或年度总结有了变化" in str(refused.value.message)
    key = refused.value.key
    assert key == f"2022-11-15:{world.unit.id}-2022-11,{world.unit.id}-2022-12"
    directory.create_member(db.session.get(Member, world.admin.id),
                            dataclasses.replace(data, promised=key))
    db.session.commit()
    assert _added() is not None
    # a script's save (no page: ``promised`` None) is asked nothing
    directory.create_member(db.session.get(Member, world.admin.id), dataclasses.replace(
        data, phone="13712345679", promised=None))
    db.session.commit()


def test_an_import_dated_into_a_signed_month_names_it_after(client, login, world):
    """The member import's 自何日起 into a signed month changes it as the form does: the
    page after the import names it (its preview names it before:
    ``tests/imports/test_member_import_signed_preview.py``)."""
    import io

    from tests.imports.helpers import HEADER, xlsx_bytes
    from tests.imports.test_member_import_changed_since_preview import confirm_form

    _sign(world, (2022, 10), (2022, 11))
    login(world.admin)
    rows = [("安新人", PHONE, world.unit.name, "", "", "", "", "2022-11-15")]
    upload = client.post("/imports/members", content_type="multipart/form-data", data={
        "file": (io.BytesIO(xlsx_bytes(rows, header=[*HEADER, "自何日起"])), "名单.xlsx")})
    url = upload.headers["Location"]
    page = page_of(client.post(url, data=confirm_form(page_of(client.get(url)), url),
                               follow_redirects=True))
    assert "导入完成：新增1人" in page and _added() is not None
    assert f"这次导入涉及已定稿的月报：{world.unit.name}2022年11月。" in page
    assert "2022年10月" not in page


def test_a_year_signed_in_an_earlier_wording_is_named_apart_before_and_after(
        client, login, world):
    """The unit's 2022 年度总结 signed by a release that worded it otherwise: a member
    added from 15 November 2022 is named apart before the save (its page says the
    wording changed, never 「定稿后数据有变化」), and after it as 更正日期 and 合并账号
    name theirs — the member form's message had no such line before."""
    from tracker.models import YearCopy
    from tracker.reports import annual_final

    annual_final.finalize_year(world.admin, SummaryScope(unit_id=world.unit.id), 2022)
    db.session.scalar(select(YearCopy).order_by(YearCopy.id).limit(1)).wording_version = 1
    db.session.commit()
    login(world.admin)
    unit = world.unit.name
    page = page_of(client.post("/admin/members/new", data=_new_member(world, "2022-11-15")))
    notice = _named(page)
    assert f"保存还可能改变以下已定稿文件的当前数据：{unit}2022年。" in notice
    assert "form-final-years" not in notice
    done = page_of(client.post("/admin/members/new", follow_redirects=True, data={
        **_new_member(world, "2022-11-15"), "promised": promised_on(page)}))
    assert "已添加党员干部：安新人" in done
    assert f"这次添加还可能改变以下已定稿年度总结的数据：{unit}2022年。" in done
    assert "这次添加涉及已定稿的年度总结" not in done


def _asked_not_refused(page: str) -> None:
    """The confirm step is a question, as 更正日期's confirmation: its notice and the
    confirm button — no error box (「请修改下面标出的内容…」, the 「错误：」 the page's
    title takes from it), no field marked in error."""
    assert 'id="form-errors"' not in page and "请修改下面标出的内容后重新提交。" not in page
    assert "错误：" not in page
    assert "has-error" not in page and 'aria-invalid="true"' not in page
    assert 'class="error"' not in page
    assert "请核对表单上方的说明" not in page


def test_the_confirm_step_asks_and_does_not_refuse(client, login, world):
    _sign(world, (2022, 11))
    login(world.admin)
    page = page_of(client.post("/admin/members/new", data=_new_member(world, "2022-11-15")))
    assert NAMED in _named(page) and ">确认添加</button>" in page
    _asked_not_refused(page)
    # an edit's confirm step alike
    person = member(world.other_member.id)
    data = {"name": person.name, "phone": person.phone, "unit_id": person.unit_id,
            "branch": person.branch or "", "role": person.role.value,
            "on_roll": "0", "roll_from": "2022-11-20"}
    page = page_of(client.post(edit(person.id), data=data))
    assert ">确认保存</button>" in page
    _asked_not_refused(page)


def test_a_confirm_step_named_afresh_says_why_in_its_notice(client, login, world):
    """A month signed since the page named them: asked again, the notice saying that
    what it names changed since (not an error under 自何日起)."""
    _sign(world, (2022, 11))
    login(world.admin)
    page = page_of(client.post("/admin/members/new", data=_new_member(world, "2022-11-15")))
    _sign(world, (2022, 12))
    again = page_of(client.post("/admin/members/new", data={
        **_new_member(world, "2022-11-15"), "promised": promised_on(page)}))
    # in the verb of the button it shows, 确认添加 (afresh52)
    assert "这次添加涉及的已定稿月报或年度总结有了变化" in _named(again)
    _asked_not_refused(again)


def _reopen(world, year: int, month: int) -> None:
    """Another admin re-opens (撤销定稿) the unit's month, as the 月报 page's button does."""
    from tracker.services.summary_notes import reopen

    reopen(world.admin, SummaryScope(unit_id=world.unit.id), year, month)
    db.session.commit()


def _off_the_roll(world) -> tuple[Member, dict]:
    person = member(world.other_member.id)
    return person, {"name": person.name, "phone": person.phone, "unit_id": person.unit_id,
                    "branch": person.branch or "", "role": person.role.value,
                    "on_roll": "0", "roll_from": "2022-11-20"}


@pytest.mark.parametrize("verb", ["添加", "保存"])
def test_a_save_confirmed_after_its_month_was_re_opened_says_so(client, login, world, verb):
    """memberlock44 Open: the page named November 2022 (signed) before the save; the month
    is re-opened (撤销定稿) before 确认添加 / 确认保存. The save now changes nothing signed —
    an ordinary one, but not the one confirmed (docs/design.md, "Refused in a 已定稿
    month"): nothing is saved, the page says which month was re-opened and offers the
    plain 添加 / 保存, what was typed kept, no block to point at and no error; posted
    again as the page now offers it, saved."""
    _sign(world, (2022, 11))
    login(world.admin)
    unit = world.unit.name
    if verb == "添加":
        url, typed = "/admin/members/new", _new_member(world, "2022-11-15")
        saved = lambda: _added() is not None  # noqa: E731
    else:
        person, typed = _off_the_roll(world)
        url = edit(person.id)
        saved = lambda: not member(person.id).on_roll  # noqa: E731
    page = page_of(client.post(url, data=typed))
    assert f"{unit}2022年11月" in _named(page) and f">确认{verb}</button>" in page
    _reopen(world, 2022, 11)  # meanwhile

    again = page_of(client.post(url, data={**typed, "promised": promised_on(page)}))
    assert not saved()  # nothing written
    assert (f"打开页面之后，{unit}2022年11月已撤销定稿，这次操作现在不会改变已定稿的月报或年度总结。"
            f"未作任何更改；如仍要{verb}，请再次点击“{verb}”。") in again  # the plain form's button
    assert 'id="form-final"' not in again  # nothing named …
    assert "上方的说明" not in again and "下方的说明" not in again  # … so none pointed at
    _asked_not_refused(again)
    assert f'value="{typed["roll_from"]}"' in again and f'value="{typed["name"]}"' in again
    assert f">确认{verb}</button>" not in again and promised_on(again) == ""
    # the plain save, posted again as the page now offers it, is made
    done = client.post(url, data={**typed, "promised": promised_on(again)})
    assert done.status_code == 302 and saved()


def test_a_month_re_opened_while_another_stays_signed_is_named_with_what_is_left(
        client, login, world):
    """The page named October and November; October is re-opened since: the page names
    November afresh and says October was re-opened — not only that something changed."""
    _sign(world, (2022, 10), (2022, 11))
    login(world.admin)
    unit = world.unit.name
    typed = _new_member(world, "2022-10-15")
    page = page_of(client.post("/admin/members/new", data=typed))
    assert f"{unit}2022年10月、{unit}2022年11月" in _named(page)
    _reopen(world, 2022, 10)

    again = page_of(client.post("/admin/members/new",
                                data={**typed, "promised": promised_on(page)}))
    assert _added() is None
    notice = _named(again)
    assert f"打开页面之后，{unit}2022年10月已撤销定稿，未作任何更改。" in notice
    assert f"保存可能改变以下已定稿月报的当前数据：{unit}2022年11月。" in notice
    _asked_not_refused(again)
    done = client.post("/admin/members/new", data={**typed, "promised": promised_on(again)})
    assert done.status_code == 302 and _added() is not None
