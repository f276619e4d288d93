"""Rosters as a bureau's office lays them out (review "setup", session 29): a header
over two rows (#3), and a unit's own roster with no 单位 column (#4)."""
import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tests import factories as f
from tracker.extensions import db
from tracker.models import AuditEvent, Member
from tracker.services import member_import as mi

SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "秀英", "芳", "伟", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛",
         "明", "超", "秀兰", "霞", "平", "刚"]
PEOPLE = 40


def phone(k: int) -> str:
    return f"158{k:08d}"  # not the factories' 139…


def roster(with_unit: bool, two_row_header: bool) -> bytes:
    """The reviewer's office-made roster (scratch/setup/mkroster.py): a merged title, a
    填报 line, 序号, phones with spaces, a blank row after the 20th person, a 合计 row.
    With ``two_row_header``, 联系方式 is merged over 手机｜办公电话 in the header's second
    row and every other header cell is merged down over both rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = "花名册"
    unit = ["单位"] if with_unit else []
    cols = ["序号", "姓名", "性别", "出生年月", "所在党支部", "职务", *unit,
            *(["联系方式", "", "备注"] if two_row_header else ["联系电话", "备注"])]
    sheet.append(["县商务局党员花名册（2026年12月）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(cols))
    sheet.append(["填报单位：县商务局机关党委" + " " * 20 + "填报日期：2026年12月1日"])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(cols))
    sheet.append(cols)
    if two_row_header:
        contact = cols.index("联系方式")
        sub = [""] * len(cols)
        sub[contact], sub[contact + 1] = "手机", "办公电话"
        sheet.append(sub)
        sheet.merge_cells(start_row=3, start_column=contact + 1, end_row=3,
                          end_column=contact + 2)
        for column in range(1, len(cols) + 1):
            if column - 1 not in (contact, contact + 1):
                sheet.merge_cells(start_row=3, start_column=column, end_row=4,
                                  end_column=column)
    branches = ["机关第一党支部"] * 14 + ["机关第二党支部"] * 14 + ["离退休党支部"] * 12
    for k in range(PEOPLE):
        number = phone(k)
        typed = f"{number[:3]} {number[3:7]} {number[7:]}" if k % 3 else number
        row = [k + 1, SURNAMES[k % 20] + GIVEN[(k * 7) % 20], "男" if k % 2 else "女",
               f"1975.0{k % 9 + 1}", branches[k], "科员" if k % 4 else "科长",
               *(["县商务局"] if with_unit else []), typed]
        if two_row_header:
            row.append("0898-6231234" if k % 5 == 0 else "")
        row.append("")
        sheet.append(row)
        if k == 19:
            sheet.append([])
    sheet.append(["合计", "", "", "", "", "40人"])
    return save(book)


def save(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet_of(rows, merges=()) -> bytes:
    """An .xlsx of ``rows``, with ``merges`` ("C1:D1", …) merged."""
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    for ref in merges:
        book.active.merge_cells(ref)
    return save(book)


def parsed(data: bytes, unit: str = ""):
    return mi.parse_rows(mi.read_table("花名册.xlsx", data), unit=unit)


def upload(client, data: bytes, unit="", name="花名册.xlsx"):
    return client.post("/imports/members",
                       data={"file": (io.BytesIO(data), name), "unit": str(unit)},
                       content_type="multipart/form-data")


def members_count():
    return db.session.scalar(select(func.count()).select_from(Member))


# --- #3: a header over two rows ---------------------------------------------------------------

def test_the_offices_two_row_header_previews_forty_people_with_phones_from_the_mobile_column(
        world):
    result = parsed(roster(with_unit=True, two_row_header=True))
    assert not result.file_errors, result.file_errors
    assert (result.header_line, result.second_header_line) == (3, 4)
    preview = mi.check_rows(result.rows)
    assert len(preview.rows) == PEOPLE and preview.error_rows == []
    assert preview.count("create") == PEOPLE
    # the people, in order, each with the 手机 under 联系方式 (not the 办公电话 beside it)
    assert [row.phone for row in preview.rows] == [phone(k) for k in range(PEOPLE)]
    assert preview.rows[0].line == 5  # the first person, under the header's two rows
    notes = mi.ignored_notes(result.header_line, result.skipped, result.totals,
                             result.second_header_line)
    assert "第4行是表头的第二行，已忽略。" in notes


def test_the_two_row_header_on_the_preview_page(client, login, world):
    login(world.admin)
    response = upload(client, roster(with_unit=True, two_row_header=True), unit="")
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "第4行是表头的第二行，已忽略。" in page
    assert "检查通过，可以导入。" in page
    assert "手机号“手机”不正确" not in page and "单位“单位”不存在" not in page


@pytest.mark.parametrize("sub,merged_down", [
    (["手机", "办公电话"], True),
    (["办公电话", "手机"], True),     # the mobile on the right
    (["手机号码", "固定电话"], False),  # the other header cells empty under, not merged
    (["座机", "手机"], False),
])
def test_the_mobile_is_read_from_its_column_under_the_merged_heading(world, sub, merged_down):
    header = ["序号", "姓名", "单位", "联系方式", "", "备注"]
    below = ["", "", "", *sub, ""]
    person = [1, "王芳", "县商务局"] + [
        "13700000001" if "手机" in text else "0898-6231234" for text in sub] + [""]
    merges = ["D1:E1"] + (["A1:A2", "B1:B2", "C1:C2", "F1:F2"] if merged_down else [])
    result = parsed(sheet_of([header, below, person], merges))
    assert not result.file_errors, result.file_errors
    assert result.second_header_line == 2
    assert [(row.line, row.name, row.phone, row.unit) for row in result.rows] == [
        (3, "王芳", "13700000001", "县商务局")]


def test_a_column_named_only_in_the_second_row_under_a_heading_the_import_does_not_know(world):
    """姓名 and 单位 stand in the first row only; 手机 stands under 「通讯」."""
    header = ["姓名", "单位", "通讯", ""]
    below = ["", "", "手机", "电子邮箱"]
    result = parsed(sheet_of([header, below, ["王芳", "县商务局", "13700000001", "a@b.cn"]],
                             ["C1:D1"]))
    assert not result.file_errors, result.file_errors
    assert (result.header_line, result.second_header_line) == (1, 2)
    assert [(row.name, row.phone) for row in result.rows] == [("王芳", "13700000001")]


@pytest.mark.parametrize("first", [
    ["王芳", "", ""],                    # a person whose number is missing
    ["王芳", "手机", "单位"],             # header words typed into a person's row
    ["", "13700000001", ""],            # a number without a name
    ["", "", "县商务局"],
])
def test_a_persons_row_under_the_header_is_never_taken_for_its_second_row(world, first):
    header = ["姓名", "手机号", "单位"]
    result = parsed(sheet_of([header, first, ["李静", "13700000002", "县商务局"]]))
    assert not result.file_errors, result.file_errors
    assert result.second_header_line is None
    assert [row.line for row in result.rows] == [2, 3]  # the row stays, with its errors
    assert mi.check_rows(result.rows).rows[0].errors


def test_a_person_without_a_name_under_a_merged_contact_heading_stays_a_row(world):
    header = ["姓名", "单位", "联系方式", ""]
    result = parsed(sheet_of([header, ["", "县商务局", "13700000001", "0898-6231234"]],
                             ["C1:D1"]))
    assert not result.file_errors, result.file_errors
    assert result.second_header_line is None
    assert [(row.line, row.phone) for row in result.rows] == [(2, "13700000001")]


def test_a_title_holding_a_column_name_is_not_the_headers_first_row(world):
    """A one-word title row 「单位」 above the real header: the header is row 2."""
    result = parsed(sheet_of([["单位"], ["姓名", "手机号", "单位"],
                              ["王芳", "13700000001", "县商务局"]]))
    assert not result.file_errors, result.file_errors
    assert (result.header_line, result.second_header_line) == (2, None)
    assert [row.name for row in result.rows] == ["王芳"]


# --- #4: a unit's own roster, without a 单位 column ---------------------------------------------

def test_the_upload_form_offers_the_active_units_and_preselects_the_only_one(client, login, world):
    login(world.admin)
    page = client.get("/imports/members").get_data(as_text=True)
    assert "名单中没有“单位”列时，全部计入" in page
    assert re.search(rf'<option selected value="{world.unit.id}">县商务局</option>', page), page
    f.unit("县财政局")
    f.unit("县民政局").active = False
    db.session.commit()
    page = client.get("/imports/members").get_data(as_text=True)
    assert "县财政局</option>" in page and "县民政局" not in page
    assert not re.search(r"<option selected value=\"\d", page)  # two units: the admin chooses


def test_a_roster_without_a_unit_column_takes_the_chosen_unit(world):
    result = parsed(roster(with_unit=False, two_row_header=False), unit="县商务局")
    assert not result.file_errors, result.file_errors
    preview = mi.check_rows(result.rows)
    assert len(preview.rows) == PEOPLE and preview.error_rows == []
    assert preview.count("create") == PEOPLE
    assert {row.unit for row in preview.rows} == {"县商务局"}


def test_the_chosen_unit_is_previewed_on_every_row_imported_and_audited(client, login, world):
    finance = f.unit("县财政局")
    db.session.commit()
    login(world.admin)
    response = upload(client, roster(with_unit=False, two_row_header=False), unit=finance.id)
    assert response.status_code == 302, response.get_data(as_text=True)
    preview_url = response.headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "名单中没有“单位”列，全部计入所选单位：县财政局。" in page
    assert re.search(r"<b>40</b><span>将新增</span>", page)
    assert page.count('<td data-label="单位">县财政局</td>') == PEOPLE
    before = members_count()
    done = client.post(preview_url, follow_redirects=True).get_data(as_text=True)
    assert "导入完成：新增40人，更新0人，0人无变化。" in done
    assert members_count() == before + PEOPLE
    imported = db.session.scalars(select(Member).where(Member.phone.like("158%"))).all()
    assert {m.unit_id for m in imported} == {finance.id} and len(imported) == PEOPLE
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "import_create")).all()
    assert len(events) == PEOPLE
    assert all(e.detail["unit_id"] == finance.id and e.detail["unit_chosen"] is True
               for e in events)


def test_the_choice_is_kept_with_the_preview_not_read_again_at_the_confirmation(
        client, login, world):
    """Confirmed, the import writes the unit the preview showed: a unit posted with the
    confirmation is no part of it."""
    finance = f.unit("县财政局")
    db.session.commit()
    login(world.admin)
    data = sheet_of([["姓名", "手机号"], ["王芳", "13700000001"]])
    preview_url = upload(client, data, unit=world.unit.id).headers["Location"]
    assert '<td data-label="单位">县商务局</td>' in client.get(preview_url).get_data(as_text=True)
    client.post(preview_url, data={"unit": str(finance.id)}, follow_redirects=True)
    assert db.session.scalar(select(Member).where(Member.phone == "13700000001")).unit_id == \
        world.unit.id


def test_no_unit_column_and_none_chosen_points_to_the_choice(client, login, world):
    login(world.admin)
    before = members_count()
    response = upload(client, roster(with_unit=False, two_row_header=False), unit="")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    message = "名单中没有“单位”列（表头在第3行）。请选择全部计入的单位，或在名单中加上单位列。"
    # under the field, and linked from the summary at the top of the form
    assert re.search(r'<p class="error" id="unit-error1">' + re.escape(message), page), page
    assert re.search(r'<a href="#unit">[^<]*' + re.escape(message), page)
    assert "没有找到表头" not in page
    assert members_count() == before


def test_a_file_with_a_unit_column_keeps_its_own_and_says_the_choice_was_not_used(
        client, login, world):
    finance = f.unit("县财政局")
    db.session.commit()
    login(world.admin)
    response = upload(client, roster(with_unit=True, two_row_header=False), unit=finance.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "名单中有“单位”列，各行按名单中的单位导入，未使用所选单位（县财政局）。" in page
    assert page.count('<td data-label="单位">县商务局</td>') == PEOPLE and '<td data-label="单位">县财政局</td>' not in page
    client.post(response.headers["Location"])
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "import_create")).all()
    assert len(events) == PEOPLE and not any("unit_chosen" in e.detail for e in events)


def test_the_command_takes_the_unit_as_an_option(runner, world, tmp_path):
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(roster(with_unit=False, two_row_header=True))
    refused = runner.invoke(args=["import-members", str(path), "--dry-run"])
    assert refused.exit_code == 1 and "--unit" in refused.output
    result = runner.invoke(args=["import-members", str(path), "--dry-run", "--unit", "县商务局"])
    assert result.exit_code == 0, result.output
    assert "全部计入所选单位：县商务局" in result.output
    assert "第4行是表头的第二行，已忽略。" in result.output
    assert "将新增40人" in result.output


def test_the_templates_notes_say_how_both_kinds_of_roster_are_read(client, login, world):
    from openpyxl import load_workbook

    login(world.admin)
    data = client.get("/imports/members/template.xlsx").get_data()
    notes = "".join(str(row[0] or "") for row in
                    load_workbook(io.BytesIO(data))["填写说明"].iter_rows(values_only=True))
    assert "名单中没有单位列时（如一个单位自己的花名册），可在上传时选择全部计入的单位" in notes
    assert "表头可以占两行" in notes and "手机号从“手机”列读取" in notes
