"""Member import without HTTP: every kind of bad row, all or nothing, big files, twice."""
import pytest
from sqlalchemy import func, select

from tests.imports.helpers import csv_bytes, many_rows, xlsx_bytes
from tracker.extensions import db
from tracker.models import AuditEvent, Member, Role
from tracker.services import PermissionDenied, ServiceError
from tracker.services import member_import as mi


def preview_of(data: bytes, name="members.xlsx", actor=None):
    parsed = mi.parse_rows(mi.read_table(name, data))
    assert not parsed.file_errors, parsed.file_errors
    return mi.check_rows(parsed.rows, actor)


def members_count():
    return db.session.scalar(select(func.count()).select_from(Member))


@pytest.mark.parametrize("row,message", [
    (("", "13700000001", "县商务局", "", "", ""), "缺少姓名"),
    (("甲" * 41, "13700000001", "县商务局", "", "", ""), "姓名不能超过40个字"),
    (("王五", "", "县商务局", "", "", ""), "缺少手机号"),
    (("王五", "1370000001", "县商务局", "", "", ""), "手机号“1370000001”不正确"),
    (("王五", "23700000001", "县商务局", "", "", ""), "不正确"),
    (("王五", "1370000000a", "县商务局", "", "", ""), "不正确"),
    (("王五", "13700000001", "", "", "", ""), "缺少单位"),
    (("王五", "13700000001", "县财政局", "", "", ""), "单位“县财政局”不存在"),
    (("王五", "13700000001", "县商务局", "", "书记", ""), "角色“书记”无法识别"),
    (("王五", "13700000001", "县商务局", "", "社区联络员", ""), "社区联络员须填写负责社区"),
    (("王五", "13700000001", "县商务局", "", "社区联络员", "幸福路社区"), "负责社区“幸福路社区”不存在"),
    (("王五", "13700000001", "县商务局", "支" * 81, "", ""), "党支部不能超过80个字"),
])
def test_each_kind_of_bad_row(world, row, message):
    good = ("赵六", "13700000009", "县商务局", "机关第一支部", "党员干部", "")
    preview = preview_of(xlsx_bytes([good, row]))
    assert not preview.ok
    assert [r.line for r in preview.error_rows] == [3]
    assert any(message in e for e in preview.error_rows[0].errors), preview.error_rows[0].errors
    before = members_count()
    with pytest.raises(ServiceError, match="未导入任何数据"):
        mi.import_members(world.admin, preview.rows)
    db.session.rollback()
    assert members_count() == before  # all or nothing: the good row is not written either


def test_duplicate_phone_in_file_names_the_first_line(world):
    rows = [("甲", "13700000001", "县商务局", "", "", ""), ("乙", "13700000002", "县商务局", "", "", ""),
            ("丙", "137 0000 0001", "县商务局", "", "", "")]
    preview = preview_of(xlsx_bytes(rows))
    assert [(r.line, r.errors) for r in preview.error_rows] == [(4, ["手机号与第2行重复。"])]


def test_full_width_digits_are_the_same_phone(world):
    """A Chinese input method types １３７…: it is the phone 137…, matched as such."""
    rows = [("甲", "13700000001", "县商务局", "", "", ""),
            ("丙", "１３７ ００００ ０００１", "县商务局", "", "", "")]
    preview = preview_of(xlsx_bytes(rows))
    assert preview.rows[1].phone == "13700000001"
    assert [(r.line, r.errors) for r in preview.error_rows] == [(3, ["手机号与第2行重复。"])]


def test_a_disabled_unit_is_refused(world):
    world.unit.active = False
    db.session.commit()
    preview = preview_of(xlsx_bytes([("甲", "13700000001", "县商务局", "", "", "")]))
    assert preview.error_rows[0].errors == ["单位“县商务局”已停用。"]


def test_import_creates_without_password_and_audits(world):
    rows = [("钱七", "13700000001", "县商务局", "机关第一支部", "", ""),
            ("孙八", "13700000002", "县商务局", "", "社区联络员", "解放路社区、建设路社区"),
            ("周九", 13700000003, "县商务局", "", "单位管理员", "")]  # phone as a number cell
    preview = preview_of(xlsx_bytes(rows))
    assert preview.ok and preview.count("create") == 3
    result = mi.import_members(world.admin, preview.rows)
    db.session.commit()
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    sun = db.session.scalar(select(Member).where(Member.phone == "13700000002"))
    assert sun.role == Role.liaison and sun.password_hash is None
    assert sorted(c.name for c in sun.communities) == ["建设路社区", "解放路社区"]
    zhou = db.session.scalar(select(Member).where(Member.phone == "13700000003"))
    assert zhou.role == Role.admin and zhou.branch is None
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "import_create")) == 3


def test_reimport_updates_by_phone(world):
    mi.import_members(world.admin, preview_of(
        xlsx_bytes([("钱七", "13700000001", "县商务局", "一支部", "", "")])).rows)
    db.session.commit()
    preview = preview_of(xlsx_bytes([("钱七七", "13700000001", "县商务局", "二支部", "", ""),
                                     (world.member.name, world.member.phone, "县商务局", "三支部", "", "")]))
    assert [r.action for r in preview.rows] == ["update", "update"]
    result = mi.import_members(world.admin, preview.rows)
    db.session.commit()
    assert (result.created, result.updated) == (0, 2)
    qian = db.session.scalar(select(Member).where(Member.phone == "13700000001"))
    assert (qian.name, qian.branch) == ("钱七七", "二支部")


def test_admin_cannot_change_own_role_by_import(world):
    preview = preview_of(xlsx_bytes([(world.admin.name, world.admin.phone, "县商务局", "", "党员干部", "")]),
                         actor=world.admin)
    assert preview.error_rows[0].errors == ["不能通过导入修改自己的角色。"]


def test_only_admins_import(world):
    preview = preview_of(xlsx_bytes([("钱七", "13700000001", "县商务局", "", "", "")]))
    with pytest.raises(PermissionDenied):
        mi.import_members(world.liaison, preview.rows)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_the_encodings_excel_writes(world, encoding):
    data = csv_bytes([("钱七", "13700000001", "县商务局", "一支部", "党员干部", "")], encoding=encoding)
    preview = preview_of(data, name="名单.csv")
    assert preview.ok and preview.rows[0].name == "钱七" and preview.rows[0].branch == "一支部"


@pytest.mark.parametrize("separator", ["\t", ";"])
def test_a_csv_whose_columns_are_separated_by_tabs_or_semicolons(world, separator):
    """Walk 5, D5: a roster Excel/WPS saved as 「文本文件（制表符分隔）」 and renamed .csv
    (or a table copied into Notepad; a semicolon CSV) was read as one cell a line and
    refused with 「第1行的列为：姓名 手机号 单位，缺少姓名、手机号、单位」. Its columns are
    read as the separator it uses splits them."""
    text = "\n".join(separator.join(row) for row in [
        ("姓名", "手机号", "单位", "所在支部"),
        ("吴刚", "13912340010", "县商务局", "一支部"),
        ("孙丽", "13912340011", "县商务局", ""),
    ]) + "\n"
    preview = preview_of(text.encode("gb18030"), name="tabs.csv")
    assert preview.ok
    assert [(r.name, r.phone, r.branch) for r in preview.rows] == [
        ("吴刚", "13912340010", "一支部"), ("孙丽", "13912340011", "")]


def test_a_comma_csv_with_a_semicolon_in_a_cell_keeps_its_columns(world):
    data = csv_bytes([("钱七", "13700000001", "县商务局", "一支部;二组", "党员干部", "")],
                     encoding="utf-8")
    preview = preview_of(data, name="名单.csv")
    assert preview.ok and preview.rows[0].branch == "一支部;二组"


@pytest.mark.parametrize("name,data,message", [
    ("a.xls", b"whatever", "另存为 .xlsx"),
    ("a.txt", b"whatever", "只支持"),
    ("a.xlsx", b"not a zip file", "无法读取"),
])
def test_unreadable_files(name, data, message, app):
    with pytest.raises(ServiceError, match=message):
        mi.read_table(name, data)


@pytest.mark.parametrize("table,message", [
    ([], "没有数据"),
    ([["姓名", "单位"], ["甲", "县商务局"]], "缺少手机号"),
    ([["姓名", "手机号", "单位"]], "只有表头"),
])
def test_file_level_problems(table, message, app):
    assert message in mi.parse_rows(table).file_errors[0]


def test_five_thousand_rows_twice(world, count_queries):
    data = xlsx_bytes(many_rows(5000))
    before = members_count()
    with count_queries() as q:
        preview = preview_of(data)
        assert preview.ok and preview.count("create") == 5000
        result = mi.import_members(world.admin, preview.rows)
        db.session.commit()
    assert result.created == 5000
    assert members_count() == before + 5000
    # Bulk lookups: a handful of SELECTs, not one per row.
    assert sum(1 for s in q.statements if s.lstrip().upper().startswith("SELECT")) < 60

    again = preview_of(data)
    assert again.count("same") == 5000
    result = mi.import_members(world.admin, again.rows)
    db.session.commit()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 5000)
    assert members_count() == before + 5000


def test_the_roll_column_and_its_default(world):
    """计入参与统计: 是/否 as written; empty: by the role for a new member, unchanged
    for an existing one."""
    rows = [("甲", "13700000001", "县商务局", "", "", "", ""),
            ("乙", "13700000002", "县商务局", "", "社区联络员", "解放路社区", ""),
            ("丙", "13700000003", "县商务局", "", "社区联络员", "解放路社区", "是"),
            ("丁", "13700000004", "县商务局", "", "", "", "否"),
            (world.member.name, world.member.phone, "县商务局", "", "", "", "")]
    preview = preview_of(xlsx_bytes(rows))
    assert preview.ok, [r.errors for r in preview.error_rows]
    mi.import_members(world.admin, preview.rows)
    db.session.commit()
    roll = dict(db.session.execute(select(Member.name, Member.on_roll)).all())
    assert (roll["甲"], roll["乙"], roll["丙"], roll["丁"], roll[world.member.name]) == (
        True, False, True, False, True)
    bad = preview_of(xlsx_bytes([("戊", "13700000005", "县商务局", "", "", "", "也许")]))
    assert "“计入参与统计”应填“是”或“否”" in bad.error_rows[0].errors[0]


def _one_sheet(xml: bytes) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", xml)
    return buffer.getvalue()


@pytest.mark.parametrize("shift", [0, 3, 7, 12])
def test_rows_are_counted_exactly_across_read_chunks(app, shift):
    """A header and 40 rows; one row tag straddles the 64 KiB boundary between two
    reads (each shift puts the boundary at another point of the tag). 40 rows is within
    a limit of 40 and past a limit of 39, wherever the boundary falls."""
    chunk = 64 * 1024
    head = b'<?xml version="1.0"?><worksheet><sheetData>'
    rows = [b'<row r="%d"><c><v>1</v></c></row>' % n for n in range(1, 42)]
    # Fill after row 20 so that row 21's "<row " starts ``shift`` bytes before the boundary.
    before = head + b"".join(rows[:20])
    filler = b" " * (chunk - len(before) - shift)
    xml = before + filler + b"".join(rows[20:]) + b"</sheetData></worksheet>"
    assert xml[chunk - shift:chunk - shift + 4] == b"<row"
    data = _one_sheet(xml)
    mi._check_xlsx_archive(data, limit=40)
    with pytest.raises(ServiceError, match="一次最多导入39行"):
        mi._check_xlsx_archive(data, limit=39)


def test_a_sheet_far_past_the_limit_is_refused_before_it_is_read_to_the_end(app):
    """Counting stops at the first row past the limit: a declaration at the end of a
    sheet with too many rows is never reached, and the refusal names the rows."""
    rows = b"".join(b'<row r="%d"/>' % n for n in range(1, 30_000))
    data = _one_sheet(b"<worksheet><sheetData>" + rows + b"</sheetData><!DOCTYPE x></worksheet>")
    with pytest.raises(ServiceError, match="一次最多导入100行"):
        mi._check_xlsx_archive(data, limit=100)
