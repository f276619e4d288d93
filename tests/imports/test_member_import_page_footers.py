"""A roster exported from another system repeats its page footer in the rows — 「第1页
共2页」, 「- 2 -」, 「制表人：张三」, 「审核人：…」, 「制表时间：2026年11月」: those rows are
skipped and named on the preview, never read as members with errors; a row that could
be a person (a phone in it, a name that is no footer) stays a row."""
import io

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
    # beside footer text; 6: a label without its colon, then a name (「制表人｜张三」)
    table = [["姓名", "手机号", "单位"],
             ["王芳", "13700000001", "县商务局"],
             ["页", "13700000003", "县商务局"],
             ["第1页", "13700000004", ""],
             ["李静", "第1页", "县商务局"],
             ["制表人", "张三", ""]]
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
])
def test_footer_texts(cells):
    assert mi.footer_row(cells) is True


@pytest.mark.parametrize("cells", [
    ["页"], ["第一页"], ["王芳", "第1页"], ["第1页", "13700000001"],
    ["制表人：张三 137 0000 0001"], ["制表人", "张三"], ["3", "第1页"], ["审核"], ["35人"],
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
