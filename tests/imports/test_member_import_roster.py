"""A bureau's own roster, imported: no 角色 column, a title row, headers as people type
them, pre-numbered empty rows, names padded to line up (review session 22, onboard)."""
import io

import pytest
from flask_babel import force_locale
from openpyxl import Workbook
from sqlalchemy import select

from tests import factories as f
from tracker.extensions import db
from tracker.models import Member, Role
from tracker.services import directory as d
from tracker.services import member_import as mi


def workbook(rows, title: str | None = None) -> bytes:
    """An .xlsx as a roster comes: optionally a title merged across the top."""
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def gbk_csv(rows) -> bytes:
    """As Excel writes 「CSV（逗号分隔）」 on a Chinese Windows: GBK, CRLF."""
    return "".join(",".join(cells) + "\r\n" for cells in rows).encode("gbk")


def parsed(data: bytes, name="名单.xlsx"):
    return mi.parse_rows(mi.read_table(name, data))


def checked(data: bytes, name="名单.xlsx", actor=None):
    result = parsed(data, name)
    assert not result.file_errors, result.file_errors
    return mi.check_rows(result.rows, actor)


def upload(client, data: bytes, name="名单.xlsx"):
    return client.post("/imports/members", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def person(phone):
    return db.session.scalar(select(Member).where(Member.phone == phone))


# --- onboard #1: an empty 角色 keeps the role -----------------------------------------------

def test_a_roster_without_a_role_column_keeps_liaisons_admins_and_their_communities(world):
    second_admin = f.member(world.unit, Role.admin, "副管理员")
    db.session.commit()
    roster = [["姓名", "手机号", "单位", "党支部"],
              [world.liaison.name, world.liaison.phone, "县商务局", ""],
              [second_admin.name, second_admin.phone, "县商务局", ""],
              ["新来的", "13700000001", "县商务局", ""]]
    preview = checked(workbook(roster))
    assert preview.ok
    assert [r.action for r in preview.rows] == ["same", "same", "create"]
    assert preview.without_liaison == []
    mi.import_members(world.admin, preview.rows)
    db.session.commit()
    assert (world.liaison.role, [c.name for c in world.liaison.communities]) == (
        Role.liaison, ["解放路社区"])
    assert second_admin.role == Role.admin
    assert person("13700000001").role == Role.member  # a new member: the default


def test_an_empty_role_cell_keeps_the_role_and_a_written_one_changes_it(world):
    roster = [["姓名", "手机号", "单位", "角色"],
              [world.liaison.name, world.liaison.phone, "县商务局", ""],
              [world.other_liaison.name, world.other_liaison.phone, "县商务局", "党员干部"]]
    preview = checked(workbook(roster))
    mi.import_members(world.admin, preview.rows)
    db.session.commit()
    assert (world.liaison.role, len(world.liaison.communities)) == (Role.liaison, 1)
    assert (world.other_liaison.role, world.other_liaison.communities) == (Role.member, [])


def test_the_preview_shows_a_role_or_unit_change_and_names_the_community_left_without_liaison(
        client, login, world):
    f.unit("县财政局")
    db.session.commit()
    login(world.admin)
    roster = [["姓名", "手机号", "单位", "角色"],
              [world.liaison.name, world.liaison.phone, "县商务局", "党员干部"],
              [world.member.name, world.member.phone, "县财政局", ""]]
    preview_url = upload(client, workbook(roster)).headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "角色：社区联络员 → 党员干部" in page
    assert "负责社区：解放路社区 → （空）" in page
    assert "单位：县商务局 → 县财政局" in page
    assert "导入后以下社区将没有在用的社区联络员，请为其指定新的联络员：解放路社区" in page
    assert "建设路社区" not in page  # its liaison is not in the file
    done = client.post(preview_url, follow_redirects=True).get_data(as_text=True)
    assert "以下社区已没有在用的社区联络员，请为其指定新的联络员：解放路社区" in done


def test_no_warning_when_the_file_gives_the_community_another_liaison(client, login, world):
    login(world.admin)
    roster = [["姓名", "手机号", "单位", "角色", "负责社区"],
              [world.liaison.name, world.liaison.phone, "县商务局", "党员干部", ""],
              [world.member.name, world.member.phone, "县商务局", "社区联络员", "解放路社区"]]
    preview_url = upload(client, workbook(roster)).headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "角色：党员干部 → 社区联络员" in page
    assert "没有在用的社区联络员" not in page
    done = client.post(preview_url, follow_redirects=True).get_data(as_text=True)
    assert "没有在用的社区联络员" not in done


# --- onboard #2: where the header is, and how it is written -----------------------------------

@pytest.mark.parametrize("name,phone,unit", [
    ("姓　名", "手机号", "单位"),            # padded with a full-width space
    ("姓\u00a0名", "手机号码（必填）", "单位名称"),
    ("姓名*", "联系方式", "所在单位（部门）"),
    ("姓名", "移动电话", "单位"),
    ("姓名", "电话", "单位"),
    ("姓名", "手机\n号码", "工作单位"),       # Alt+Enter in the header cell
    ("姓 名 ", "手机号(必填)", "单位 *"),
])
def test_header_texts_as_rosters_write_them(app, name, phone, unit):
    roster = [["序号", name, phone, unit, "职务"], [1, "王芳", "13700000001", "县商务局", "科员"]]
    result = parsed(workbook(roster))
    assert not result.file_errors, result.file_errors
    row = result.rows[0]
    assert (row.line, row.name, row.phone, row.unit) == (2, "王芳", "13700000001", "县商务局")


def test_a_title_row_above_the_header_is_passed_over(world):
    roster = [["序号", "姓　名", "手机号码", "单位名称", "职务"],
              [1, "王芳", "13700000001", "县商务局", "科员"]]
    result = parsed(workbook(roster, title="县直机关党员干部花名册（2026年12月）"))
    assert not result.file_errors, result.file_errors
    assert result.header_line == 2
    assert [(r.line, r.name) for r in result.rows] == [(3, "王芳")]
    assert "表头在第2行，其上的标题行已忽略。" in mi.ignored_notes(result.header_line, result.skipped)


def test_a_gbk_csv_with_a_title_and_padded_headers(world):
    data = gbk_csv([["县直机关党员干部名单", "", "", ""], ["", "", "", ""],
                    ["序号", "姓　名", "联系方式", "所在单位"],
                    ["1", "李　静", "137 0000 0002", "县商务局"]])
    preview = checked(data, name="名单.csv")
    assert preview.ok
    assert [(r.line, r.name, r.phone, r.action) for r in preview.rows] == [
        (4, "李静", "13700000002", "create")]


def test_no_header_found_names_what_was_found(app):
    table = [["花名册"], ["序号", "名字", "电话号", "部门"], ["1", "王芳", "13700000001", "县商务局"]]
    message = mi.parse_rows(table).file_errors[0]
    assert "第2行的列为：序号、名字、电话号、部门，缺少手机号、单位。" in message


def test_a_header_below_the_first_ten_rows_is_not_looked_for(app):
    table = [[f"说明{i}"] for i in range(10)] + [["姓名", "手机号", "单位"], ["甲", "13700000001", "县商务局"]]
    assert "没有找到表头" in mi.parse_rows(table).file_errors[0]


# --- onboard #3: rows that hold only a 序号 ------------------------------------------------

def test_rows_with_only_a_number_are_skipped_and_named(client, login, world):
    roster = [["序号", "姓名", "手机号", "单位", "备注"],
              [1, "王芳", "13700000001", "县商务局", ""],
              [2, "李静", "13700000002", "县商务局", "调入"],
              [3, None, None, None, None], [4, None, None, None, "空"], [5, None, None, None, None],
              [None, None, None, None, None],
              [7, None, None, None, None]]
    preview = checked(workbook(roster))
    assert preview.ok and [r.line for r in preview.rows] == [2, 3]
    result = parsed(workbook(roster))
    assert result.skipped == [4, 5, 6, 8]
    login(world.admin)
    page = client.get(upload(client, workbook(roster)).headers["Location"]).get_data(as_text=True)
    assert "检查通过，可以导入。" in page
    assert "第4–6、8行只有导入不读取的列（如序号），没有姓名、手机号等，已忽略。" in page


def test_a_row_with_a_name_but_no_phone_is_still_an_error(world):
    roster = [["序号", "姓名", "手机号", "单位"], [1, "王芳", "", ""]]
    preview = checked(workbook(roster))
    assert preview.rows[0].errors == ["缺少手机号。", "缺少单位。"]


# --- onboard #7: names as one spelling ------------------------------------------------------

def test_names_lose_padding_and_middle_dot_look_alikes_on_import(world):
    roster = [["姓名", "手机号", "单位"],
              ["王　芳", "13700000001", "县商务局"],
              ["热合曼•艾力", "13700000002", "县商务局"],
              ["阿依古丽.买买提", "13700000003", "县商务局"],
              ["古丽 ・ 努尔", "13700000004", "县商务局"],
              ["Tom Lee", "13700000005", "县商务局"]]
    mi.import_members(world.admin, checked(workbook(roster)).rows)
    db.session.commit()
    assert [person(f"1370000000{i}").name for i in range(1, 6)] == [
        "王芳", "热合曼·艾力", "阿依古丽·买买提", "古丽·努尔", "Tom Lee"]


def test_a_later_import_corrects_a_name_stored_as_typed(client, login, world):
    padded = f.member(world.unit, name="王\u3000芳", phone="13700000009")
    db.session.commit()
    preview = checked(workbook([["姓名", "手机号", "单位"], ["王\u3000芳", "13700000009", "县商务局"]]))
    assert preview.rows[0].action == "update"
    assert preview.rows[0].changes == ["姓名：王\u3000芳 → 王芳"]
    mi.import_members(world.admin, preview.rows)
    db.session.commit()
    assert padded.name == "王芳"
    login(world.admin)
    assert "137****0009" in client.get("/admin/members?q=王芳").get_data(as_text=True)


def test_the_member_form_stores_the_same_spelling(world):
    member = d.create_member(world.admin, d.MemberData(
        name=" 热合曼•艾力 ", phone="13700000008", unit_id=world.unit.id, role=Role.member))
    assert member.name == "热合曼·艾力"
    d.update_member(member, world.admin, d.MemberData(
        name="王 芳", phone="13700000008", unit_id=world.unit.id, role=Role.member))
    assert member.name == "王芳"


# --- onboard #9: the refusal in English -------------------------------------------------------

def test_the_header_refusal_in_english_joins_the_columns_in_english(app):
    with app.test_request_context("/"), force_locale("en"):
        message = mi.parse_rows([["姓名", "备注"], ["甲", ""]]).file_errors[0]
    assert "手机号, 单位" in message
    assert not any(quote in message for quote in "“”")
