"""The member import names, on its preview and before 确认导入, the signed (已定稿) 月报 and
年度总结 it may change — a new member from a 自何日起 inside a signed month, a move or a
change of 计入参与统计 dated so, a 姓名 or 党支部 changed of a member whom signed documents
print — as the member form names its own before a save (docs/design.md, the roll over
time). 确认导入 posts back what the preview named: when the import would now touch other
signed documents (one signed since), nothing is imported and the preview names them
afresh. After the import, the message names those whose page now says
「定稿后数据有变化」, renamed members' included (session 38 Open: backdate, peoplefix).

Also: two new rows of one 姓名, 单位 and 党支部 in the same file are noted as a likely
duplicate, as a new row like an existing account is (session 38 Open: mergefix)."""
from __future__ import annotations

import io
from datetime import date
from sqlalchemy import func, select

from tests import factories as f
from tests.imports.helpers import HEADER, xlsx_bytes
from tests.imports.test_member_import_changed_since_preview import confirm_form
from tests.web.roll_support import branch_namesakes_signed, page_of
from tracker.extensions import db
from tracker.models import Member, SummaryScope
from tracker.services import member_import as mi

WITH_DAY = [*HEADER, "自何日起"]
PHONE = "13712345678"
BEFORE = "这次导入会改变在册人数、不在册期间的参与所计入的单位或已定稿文件上的姓名、党支部，涉及已定稿的月报或年度总结。"
MONTHS = "导入可能改变以下已定稿月报的当前数据："
YEARS = "导入可能改变以下已定稿年度总结的当前数据："
ASKED_AGAIN = "预览之后，这次导入涉及的已定稿月报或年度总结有了变化，未导入任何数据。"


def _sign(world, *months, unit=None) -> None:
    from tracker.reports import final

    for year, month in months:
        final.finalize(world.admin, SummaryScope(unit_id=(unit or world.unit).id), year, month)
    db.session.commit()


def _upload(client, rows) -> str:
    response = client.post("/imports/members", content_type="multipart/form-data", data={
        "file": (io.BytesIO(xlsx_bytes(rows, header=WITH_DAY)), "名单.xlsx")})
    assert response.status_code == 302
    return response.headers["Location"]


def _named(page: str) -> str:
    """The preview's notice of the signed documents the import may change ("" for none)."""
    start = page.find('id="import-final"')
    return "" if start < 0 else page[start:page.find("</section>", start)]


def _added() -> Member | None:
    db.session.expire_all()
    return db.session.scalar(select(Member).where(Member.phone == PHONE))


def _in(client, url: str, lang: str) -> str:
    """The page read in ``lang`` (the choice kept for the next pages)."""
    from flask import g

    g.pop("_flask_babel", None)  # the test's requests share one context: its cached locale
    page = page_of(client.get(f"{url}?lang={lang}"))
    g.pop("_flask_babel", None)
    return page


def _members() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Member))


def test_a_new_member_dated_into_a_signed_month_is_named_on_the_preview(client, login, world):
    # a month counts the roll of its last day: from 15 November 2022 the new member is
    # on November's roll and not October's, both signed
    _sign(world, (2022, 10), (2022, 11))
    login(world.admin)
    unit = world.unit.name
    url = _upload(client, [("安新人", PHONE, unit, "", "", "", "", "2022-11-15")])
    page = page_of(client.get(url))
    notice = _named(page)
    assert BEFORE in notice and "“确认导入”" in notice
    assert f"{MONTHS}{unit}2022年11月。" in notice
    assert "2022年10月" not in notice
    assert _added() is None  # the preview writes nothing
    # the page in English says the same
    english = _named(_in(client, url, "en"))
    assert "The import may change the current data of these finalised monthly summaries: " \
           f"{unit} 11/2022." in english
    # 确认导入 of that page: imported, and the message after names what the page's own
    # comparison finds changed
    _in(client, url, "zh_CN")
    done = page_of(client.post(url, data=confirm_form(page_of(client.get(url)), url),
                               follow_redirects=True))
    assert "导入完成：新增1人" in done and _added() is not None
    assert f"这次导入涉及已定稿的月报：{unit}2022年11月。" in done


def test_a_preview_touching_nothing_signed_names_nothing(client, login, world):
    # a new member from 15 December 2022 changes no month up to November's
    _sign(world, (2022, 10), (2022, 11))
    login(world.admin)
    url = _upload(client, [("安新人", PHONE, world.unit.name, "", "", "", "", "2022-12-15")])
    page = page_of(client.get(url))
    assert "检查通过，可以导入。" in page and _named(page) == ""
    done = page_of(client.post(url, data=confirm_form(page, url), follow_redirects=True))
    assert "导入完成：新增1人" in done and "这次导入涉及" not in done


def test_a_month_signed_after_the_preview_asks_again_and_imports_nothing(client, login, world):
    # the preview named November; December is signed before 确认导入: the import would
    # now change it too, unseen — nothing imported, the preview names both
    _sign(world, (2022, 11))
    login(world.admin)
    unit = world.unit.name
    url = _upload(client, [("安新人", PHONE, unit, "", "", "", "", "2022-11-15")])
    page = page_of(client.get(url))
    assert f"{MONTHS}{unit}2022年11月。" in _named(page)
    before = _members()
    _sign(world, (2022, 12))  # another admin's 定稿
    again = page_of(client.post(url, data=confirm_form(page, url), follow_redirects=True))
    assert ASKED_AGAIN in again
    assert _members() == before and _added() is None
    assert f"{MONTHS}{unit}2022年11月、{unit}2022年12月。" in _named(again)
    # 确认导入 of the page read again imports
    done = page_of(client.post(url, data=confirm_form(again, url), follow_redirects=True))
    assert "导入完成：新增1人" in done and _added() is not None


def test_a_signed_month_when_the_preview_named_none_asks_too(client, login, world):
    login(world.admin)
    url = _upload(client, [("安新人", PHONE, world.unit.name, "", "", "", "", "2022-11-15")])
    page = page_of(client.get(url))
    assert _named(page) == ""
    _sign(world, (2022, 11))
    again = page_of(client.post(url, data=confirm_form(page, url), follow_redirects=True))
    assert ASKED_AGAIN in again and _added() is None
    assert f"{MONTHS}{world.unit.name}2022年11月。" in _named(again)


def test_a_move_dated_into_signed_months_names_both_units(world):
    # 张三 moves from 县商务局 to 县财政局 from 15 November 2022: both units' November
    # rolls (of the 30th) change, and 县商务局's year 2022
    from tracker.reports import annual_final

    other = f.unit("县财政局")
    db.session.commit()
    _sign(world, (2022, 11))
    _sign(world, (2022, 11), unit=other)
    annual_final.finalize_year(world.admin, SummaryScope(unit_id=world.unit.id), 2022)
    db.session.commit()
    m = world.member
    parsed = mi.parse_rows(mi.read_table("m.xlsx", xlsx_bytes(
        [(m.name, m.phone, "县财政局", m.branch or "", "", "", "", "2022-11-15")], header=WITH_DAY)))
    preview = mi.check_rows(parsed.rows, world.admin)
    assert preview.ok
    assert {(x.unit_id, x.year, x.month) for x in preview.signed.months} == {
        (world.unit.id, 2022, 11), (other.id, 2022, 11)}
    assert [(y.unit_id, y.year) for y in preview.signed.years] == [(world.unit.id, 2022)]
    # the import asks for what the preview named: another promise is refused, nothing
    # written; the command line (no promise) is asked nothing
    import pytest

    with pytest.raises(mi.SignedChangedSincePreview):
        mi.import_members(world.admin, mi.rows_from_raw([r.raw() for r in parsed.rows]),
                          promised="")
    db.session.rollback()
    assert db.session.get(Member, m.id).unit_id == world.unit.id
    result = mi.import_members(world.admin, mi.rows_from_raw([r.raw() for r in parsed.rows]),
                               promised=preview.promise)
    db.session.commit()
    assert result.updated == 1 and db.session.get(Member, m.id).unit_id == other.id


def test_a_rename_by_import_names_the_signed_months_that_print_the_name(client, login, world):
    # 李四 is on the roll of 30 November 2022 and did nothing that month: its signed
    # 未参与名单 prints his name. The import's 「更新 姓名」 is named before and after.
    _sign(world, (2022, 11))
    login(world.admin)
    li = db.session.get(Member, world.other_member.id)
    unit = world.unit.name
    url = _upload(client, [("李思", li.phone, unit, li.branch or "", "", "", "", "")])
    page = page_of(client.get(url))
    assert "姓名：李四 → 李思" in page
    assert f"{MONTHS}{unit}2022年11月。" in _named(page)
    done = page_of(client.post(url, data=confirm_form(page, url), follow_redirects=True))
    assert "导入完成：新增0人，更新1人" in done
    assert f"这次导入涉及已定稿的月报：{unit}2022年11月。" in done
    assert "定稿后数据有变化" in page_of(client.get(
        f"/reports/?unit={world.unit.id}&month=2022-11"))


def test_a_branch_change_by_import_is_named_with_the_year(client, login, world):
    # two 李四 of another 党支部 each, told apart by it in the signed 未参与名单 (month and
    # year); the import puts one in the other's 党支部
    li = branch_namesakes_signed(world)
    login(world.admin)
    unit = world.unit.name
    url = _upload(client, [(li.name, li.phone, unit, "第二党支部", "", "", "", "")])
    page = page_of(client.get(url))
    notice = _named(page)
    assert f"{MONTHS}{unit}2022年11月。" in notice and f"{YEARS}{unit}2022年。" in notice
    done = page_of(client.post(url, data=confirm_form(page, url), follow_redirects=True))
    assert f"这次导入涉及已定稿的月报：{unit}2022年11月。" in done
    assert f"这次导入涉及已定稿的年度总结：{unit}2022年。" in done


def test_two_new_rows_of_one_name_unit_and_branch_are_noted(world):
    rows = [("王芳", "13700000001", "县商务局", "第一党支部", "", ""),
            ("王芳", "13700000002", "县商务局", "第一党支部", "", ""),
            ("王芳", "13700000003", "县商务局", "第二党支部", "", ""),  # another 党支部
            ("王芳", "13700000004", "县商务局", "第一党支部", "", "")]
    parsed = mi.parse_rows(mi.read_table("m.xlsx", xlsx_bytes(rows)))
    preview = mi.check_rows(parsed.rows, world.admin)
    assert preview.ok and [r.action for r in preview.rows] == ["create"] * 4
    notes = {row.line: row.notes for row in preview.rows}
    assert notes[2] == ["第3、5行也将新增县商务局第一党支部的王芳：如为同一人，请核对手机号，不要重复新增。"]
    assert notes[3] == ["第2、5行也将新增县商务局第一党支部的王芳：如为同一人，请核对手机号，不要重复新增。"]
    assert notes[4] == []
    assert notes[5] == ["第2、3行也将新增县商务局第一党支部的王芳：如为同一人，请核对手机号，不要重复新增。"]


def test_two_new_namesakes_are_noted_on_the_preview_page(client, login, world):
    login(world.admin)
    response = client.post("/imports/members", content_type="multipart/form-data", data={
        "file": (io.BytesIO(xlsx_bytes([("王芳", "13700000001", "县商务局", "", "", ""),
                                        ("王芳", "13700000002", "县商务局", "", "", "")])),
                 "名单.xlsx")})
    url = response.headers["Location"]
    page = page_of(client.get(url))
    assert "第3行也将新增县商务局的王芳：如为同一人，请核对手机号，不要重复新增。" in page
    english = _in(client, url, "en")
    assert "Row(s) 3 also add 王芳 of 县商务局" in english


def test_the_join_day_of_an_imported_member_is_dated_as_the_import_writes_it(world):
    # a new member without 自何日起 joins today once work is recorded: no past month
    # is named (the world has tasks), as the import then writes
    _sign(world, (2022, 11))
    parsed = mi.parse_rows(mi.read_table("m.xlsx", xlsx_bytes(
        [("安新人", PHONE, "县商务局", "", "", "")])))
    preview = mi.check_rows(parsed.rows, world.admin)
    assert preview.signed.months == [] and preview.promise == ""


def test_the_command_names_them_too_and_asks_nothing(runner, world, tmp_path):
    # ``import-members`` checks and imports in one go: its --dry-run and its run say
    # what the page's preview says; no page between, so no promise is asked
    _sign(world, (2022, 11))
    path = tmp_path / "members.xlsx"
    path.write_bytes(xlsx_bytes([("安新人", PHONE, world.unit.name, "", "", "", "", "2022-11-15")],
                                header=WITH_DAY))
    dry = runner.invoke(args=["import-members", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"{MONTHS}{world.unit.name}2022年11月。" in dry.output and _added() is None
    done = runner.invoke(args=["import-members", str(path)])
    assert done.exit_code == 0 and "新增1人" in done.output and _added() is not None


def test_many_renamed_members_are_each_asked_by_their_own_stays(world):
    # 李四 is on 县商务局's roll since always; 王五 joined 县财政局's on 1 January 2023.
    # Both months of November 2022 are signed: renaming both names 县商务局's (李四 on
    # its roll then) and not 县财政局's (王五 not yet on it), as each alone would
    from tracker.models import RollPeriod
    from tracker.services import summary_notes

    other = f.unit("县财政局")
    wang = f.member(other, name="王五", on_roll=False)
    db.session.add(RollPeriod(member_id=wang.id, unit_id=other.id, since=date(2023, 1, 1)))
    db.session.commit()
    _sign(world, (2022, 11))
    _sign(world, (2022, 11), unit=other)
    li = db.session.get(Member, world.other_member.id)
    db.session.expire_all()
    li, wang = db.session.get(Member, li.id), db.session.get(Member, wang.id)
    today = date(2026, 12, 5)
    both = summary_notes.final_naming_many([li, wang], today)
    assert [(m.unit_id, m.year, m.month) for m in both[0]] == [(world.unit.id, 2022, 11)]
    assert both == tuple(
        [*summary_notes.final_naming(li, today)[i], *summary_notes.final_naming(wang, today)[i]]
        for i in (0, 1))


# the preview read again naming nothing: the import an ordinary one now, its 确认导入 again
NOW_PLAIN = ("预览之后，这次导入涉及的已定稿月报或年度总结有了变化，现在不会改变已定稿的月报或年度总结。"
             "未导入任何数据；如仍要导入，请再次点击“确认导入”。")
# the same when the preview's list is known (``listed``): the months it named, re-opened
REOPENED_PLAIN = ("已撤销定稿，这次导入现在不会改变已定稿的月报或年度总结。"
                  "未导入任何数据；如仍要导入，请再次点击“确认导入”。")


def test_a_month_re_opened_after_the_preview_is_said_so_and_nothing_imported(
        client, login, world):
    """reopened44 Open: the preview named November; November is re-opened (撤销定稿)
    before 确认导入. The import now changes nothing signed — an ordinary one, but not the
    one confirmed: nothing imported, and the preview read again, naming nothing, is not
    pointed at for a list (「请查看预览中重新列出的…」); it says the import now changes
    no signed document and offers its 确认导入 (``reopened.words_since``)."""
    from tracker.services import unit_of_work
    from tracker.services.summary_notes import reopen

    _sign(world, (2022, 11))
    login(world.admin)
    url = _upload(client, [("安新人", PHONE, world.unit.name, "", "", "", "", "2022-11-15")])
    page = page_of(client.get(url))
    assert f"{MONTHS}{world.unit.name}2022年11月。" in _named(page)
    with unit_of_work():  # another admin's 撤销定稿, after the preview
        reopen(world.admin, SummaryScope(unit_id=world.unit.id), 2022, 11)
    before = _members()
    again = page_of(client.post(url, data=confirm_form(page, url), follow_redirects=True))
    assert f"预览之后，{world.unit.name}2022年11月{REOPENED_PLAIN}" in again, again
    assert _members() == before and _added() is None
    assert _named(again) == "" and "重新列出" not in again
    done = page_of(client.post(url, data=confirm_form(again, url), follow_redirects=True))
    assert "导入完成：新增1人" in done and _added() is not None
