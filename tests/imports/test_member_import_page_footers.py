"""A roster exported from another system repeats its page footer in the rows — 「第1页
共2页」, 「- 2 -」, 「制表人：张三」, 「审核人：…」, 「制表时间：2026年11月」: those rows are
skipped and named on the preview, never read as members with errors; a row that could
be a person (a phone in it, a name that is no footer) stays a row."""
import io
from datetime import datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Member
from tracker.services import member_import as mi

HEADER = ["序号", "姓名", "手机号", "单位", "党支部"]


def exported_roster() -> bytes:
    """Two pages as another system exports them (spreadsheet rows by hand):
    1 title, 2 header, 3–4 people, 5 「制表人：」｜「张三」｜「审核人：」｜「李四」 in four
    cells, 6 「第1页 共2页」 in the middle column, 7 header again, 8 a person,
    9 「制表时间：2026年11月」, 10 「- 2 -」, 11 「合计：3人」."""
    book = Workbook()
    sheet = book.active
    for row in [["县商务局党员名单"], HEADER,
                [1, "王芳", "13700000001", "县商务局", "第一党支部"],
                [2, "李静", "13700000002", "县商务局", "第一党支部"],
                ["制表人：", "张三", "审核人：", "李四"],
                [None, None, "第1页 共2页"],
                HEADER,
                [3, "赵强", "13700000003", "县商务局", "第二党支部"],
                ["制表时间：2026年11月"],
                [None, None, "- 2 -"],
                ["合计：3人"]]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def notes(result) -> list[str]:
    return mi.ignored_notes(result.header_line, result.skipped, result.totals,
                            result.second_header_line, result.repeated_headers,
                            result.repeated_titles, result.footers)


def people() -> list[tuple[str, str]]:
    return sorted(db.session.execute(select(Member.name, Member.phone)
                                     .where(Member.phone.like("1370000000%"))).all())


def test_an_exported_xlsx_skips_its_page_footers_and_names_them(world):
    result = mi.parse_rows(mi.read_table("名单.xlsx", exported_roster()))
    assert not result.file_errors, result.file_errors
    assert [(r.line, r.name) for r in result.rows] == [(3, "王芳"), (4, "李静"), (8, "赵强")]
    assert result.footers == [5, 6, 9, 10]
    assert notes(result) == ["表头在第2行，其上的标题行已忽略。", "第7行是重复的表头，已跳过。",
                             "第5–6、9–10行是页脚（页码、制表人、审核人等），共4行，已跳过。",
                             "第11行是合计行，已忽略。"]
    assert mi.check_rows(result.rows).ok


def test_a_pasted_csv_skips_footers_in_the_name_column_and_a_blank_name_row(world):
    # rows 3 and 6 hold their footer where a name goes; row 4 has only 「第1页」 beside an
    # empty name, row 7 a page number written with dashes and blanks
    text = ("姓名,手机号,单位\r\n"
            "王芳,13700000001,县商务局\r\n"
            "第 1 页 共 2 页,,\r\n"
            ",,第1页\r\n"
            "李静,13700000002,县商务局\r\n"
            "审核人：李四,,\r\n"
            "—  2  —,,\r\n")
    result = mi.parse_rows(mi.read_table("名单.csv", text.encode("utf-8-sig")))
    assert [(r.line, r.name) for r in result.rows] == [(2, "王芳"), (5, "李静")]
    assert notes(result) == ["第3–4、6–7行是页脚（页码、制表人、审核人等），共4行，已跳过。"]
    assert mi.check_rows(result.rows).ok


def test_rows_that_could_be_a_person_stay_rows(world):
    # 3: a person named 页; 4: footer text with a phone number in the row; 5: a name
    # beside footer text; 6: a label without its colon, a name and a unit after it
    # (「制表人｜张三」 alone is a footer: ``test_footer_texts``)
    table = [["姓名", "手机号", "单位"],
             ["王芳", "13700000001", "县商务局"],
             ["页", "13700000003", "县商务局"],
             ["第1页", "13700000004", ""],
             ["李静", "第1页", "县商务局"],
             ["制表人", "张三", "县商务局"]]
    result = mi.parse_rows(table)
    assert result.footers == []
    assert [r.line for r in result.rows] == [2, 3, 4, 5, 6]
    # nothing dropped unseen: the doubtful ones come back as rows with errors
    assert [r.line for r in mi.check_rows(result.rows).error_rows] == [4, 5, 6]


@pytest.mark.parametrize("cells", [
    ["第1页"], ["第 2 页 共 5 页"], ["共5页 第2页"], ["第2/5页"], ["- 3 -"], ["－３－"],
    ["制表人：张三"], ["制表时间：2026年11月"], ["审核人：…"], ["制表人 张三  审核人 李四"],
    ["", "", "第3页"], ["制表人：", "张三", "审核人：", "李四"], ["第2页", "", "合计：35人"], ["共35人"],
    ["Page 3 of 5"],
    # page numbers in Chinese numerals, a bare fraction or dashes alone, a label with
    # no colon and its value in the next cell (a date only after a date's label)
    ["第一页"], ["第一页 共五页"], ["第十二页"], ["共五页 第一页"], ["第 三 页，共 十 页"],
    ["1/5"], ["", "3 / 12"], ["- 3 -"], ["共5页 第1页"], ["Page 1 of 5"], ["page 2/5"],
    ["制表人", "张三"], ["制表人", "张三", "审核人", "李四"], ["", "审核人", "", "李四", "第二页"],
    ["制表时间", "2026-11-30"], ["制表日期：", "2026-11-30"],
])
def test_footer_texts(cells):
    assert mi.footer_row(cells) is True


@pytest.mark.parametrize("cells", [
    ["页"], ["王芳", "第1页"], ["第1页", "13700000001"],
    ["制表人：张三 137 0000 0001"], ["3", "第1页"], ["审核"], ["35人"],
    # the new forms beside anything else: a name, a 序号, a phone, a date, a time
    ["第一页", "王芳"], ["3", "第一页"], ["第一页", "13700000001"], ["第一页", "", "2026-11-30"],
    ["1/5", "王芳"], ["3", "1/5"], ["1/5", "09:00", "11:00"], ["第1页", "1/5"],
    ["制表人", "张三", "县商务局"], ["制表人", "13700000001"], ["制表人", "2026-11-30"],
    ["制表人：", "2026-11-30"], ["制表人", "09:00"], ["审核人", "第1页"],
    # no page of a count: 「12/5」 and 「0/5」 are more likely a date or a score
    ["12/5"], ["0/5"], ["一页"],
])
def test_not_footers(cells):
    assert mi.footer_row(cells) is False


def test_the_template_notes_say_what_is_skipped():
    assert any("表头" in note and "页脚" in note and "跳过" in note for note in mi.TEMPLATE_NOTES)


def test_the_preview_page_names_the_footers_and_the_import_adds_the_three_people(
        client, login, world):
    login(world.admin)
    response = client.post("/imports/members",
                           data={"file": (io.BytesIO(exported_roster()), "名单.xlsx")},
                           content_type="multipart/form-data")
    preview_url = response.headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "检查通过，可以导入。" in page
    assert "第5–6、9–10行是页脚（页码、制表人、审核人等），共4行，已跳过。" in page
    client.post(preview_url, follow_redirects=True)
    assert people() == [("李静", "13700000002"), ("王芳", "13700000001"),
                        ("赵强", "13700000003")]


def test_the_command_line_import_names_the_footers(app, world, tmp_path):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(exported_roster())
    output = app.test_cli_runner().invoke(args=["import-members", str(path)]).output
    assert "第5–6、9–10行是页脚（页码、制表人、审核人等），共4行，已跳过。" in output
    assert "导入完成：新增3人" in output
    assert len(people()) == 3


def roster_with_every_footer() -> bytes:
    """A roster printed three pages long, its footers in every form another system
    writes (spreadsheet rows by hand): 1 title, 2 header, 3 a person, 4 「制表人」｜「张三」
    (no colon, in the name and phone columns), 5 「第一页 共五页」, 6–7 title and header
    again, 8 a person, 9 「共5页 第2页」, 10 a bare 「- 2 -」, 11 a bare 「1/5」, 12 header
    again, 13 a person, 14 「第十二页」, 15 「Page 3 of 5」, 16 「第一页」, 17 a person, 18
    「制表时间」｜ a date cell."""
    book = Workbook()
    sheet = book.active
    title = "县商务局党员名单"
    for row in [[title], HEADER,
                [1, "王芳", "13700000001", "县商务局", "第一党支部"],
                [None, "制表人", "张三"],
                [None, None, "第一页 共五页"],
                [title], HEADER,
                [2, "李静", "13700000002", "县商务局", "第一党支部"],
                ["共5页 第2页"],
                [None, None, "- 2 -"],
                [None, "1/5"],
                HEADER,
                [3, "赵强", "13700000003", "县商务局", "第二党支部"],
                ["第十二页"],
                [None, None, "Page 3 of 5"],
                [None, "第一页"],
                [4, "孙丽", "13700000004", "县商务局", "第二党支部"],
                ["制表时间", datetime(2026, 11, 30)]]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_every_footer_form_is_skipped_named_and_the_four_people_imported(world):
    result = mi.parse_rows(mi.read_table("名单.xlsx", roster_with_every_footer()))
    assert not result.file_errors, result.file_errors
    assert [(r.line, r.name) for r in result.rows] == [
        (3, "王芳"), (8, "李静"), (13, "赵强"), (17, "孙丽")]
    assert result.footers == [4, 5, 9, 10, 11, 14, 15, 16, 18]
    assert (result.repeated_titles, result.repeated_headers) == ([6], [7, 12])
    assert notes(result) == [
        "表头在第2行，其上的标题行已忽略。", "第6行是重复的标题行，已跳过。", "第7、12行是重复的表头，已跳过。",
        "第4–5、9–11、14–16、18行是页脚（页码、制表人、审核人等），共9行，已跳过。"]
    checked = mi.check_rows(result.rows, world.admin)
    assert checked.ok, [(r.line, r.errors) for r in checked.error_rows]
    done = mi.import_members(world.admin, checked.rows)
    db.session.commit()
    assert (done.created, done.updated) == (4, 0)
    assert people() == [("孙丽", "13700000004"), ("李静", "13700000002"),
                        ("王芳", "13700000001"), ("赵强", "13700000003")]


def test_look_alike_rows_of_a_roster_stay_rows_and_say_what_is_wrong(world):
    """Rows holding footer-like text beside something a person's row has — a phone, a
    name, a date, a 序号 — are read as rows: a member is imported from the one with a
    phone, and the others come back with their errors, never dropped unseen; only the
    footers they look like (rows 8–10) are skipped."""
    book = Workbook()
    sheet = book.active
    for row in [HEADER,
                [1, "王芳", "13700000001", "县商务局", "第一党支部"],
                [None, "第一页", "13700000009", "县商务局"],  # a phone: a person's
                [None, "1/5", "李静"],  # a bare fraction beside a name
                [None, "制表人", "张三", "县商务局"],  # a label's value, then a unit
                [None, "制表人", datetime(2026, 11, 30)],  # a date after a signature label
                [5, "第十二页"],  # a 序号 beside a page number
                [None, "制表人", "张三"], [None, "1/5"], [None, "第十二页"]]:  # footers
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    result = mi.parse_rows(mi.read_table("名单.xlsx", buffer.getvalue()))
    assert result.footers == [8, 9, 10]
    assert [r.line for r in result.rows] == [2, 3, 4, 5, 6, 7]
    checked = mi.check_rows(result.rows, world.admin)
    assert [r.line for r in checked.error_rows] == [4, 5, 6, 7]
    assert [r.line for r in checked.rows if r.action == "create"] == [2, 3]


def test_the_preview_page_names_the_new_footer_forms(client, login, world):
    login(world.admin)
    response = client.post("/imports/members",
                           data={"file": (io.BytesIO(roster_with_every_footer()), "名单.xlsx")},
                           content_type="multipart/form-data")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "检查通过，可以导入。" in page
    assert "第4–5、9–11、14–16、18行是页脚（页码、制表人、审核人等），共9行，已跳过。" in page
