"""A roster whose header comes again further down — printed with the header (and the
title) on every page, or two blocks pasted one under the other: the repeats are
skipped and named, not read as people with errors."""
import io

from openpyxl import Workbook
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Member
from tracker.services import member_import as mi

TITLE = "县商务局党员花名册"
HEADER = ["序号", "姓名", "手机号", "单位", "党支部"]


def printed_roster() -> bytes:
    """Two printed pages, each with the title merged across the top and the header:
    rows 1–2 title and header, 3–4 people, 5–6 title and header again, 7 a person."""
    book = Workbook()
    sheet = book.active
    rows = [[TITLE], HEADER,
            [1, "王芳", "13700000001", "县商务局", "第一党支部"],
            [2, "李静", "13700000002", "县商务局", "第一党支部"],
            [TITLE], HEADER,
            [3, "赵强", "13700000003", "县商务局", "第二党支部"]]
    for row in rows:
        sheet.append(row)
    for title_row in (1, 5):
        sheet.merge_cells(start_row=title_row, start_column=1, end_row=title_row, end_column=5)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def notes(result) -> list[str]:
    return mi.ignored_notes(result.header_line, result.skipped, result.totals,
                            result.second_header_line, result.repeated_headers,
                            result.repeated_titles)


def people() -> list[tuple[str, str]]:
    return sorted(db.session.execute(select(Member.name, Member.phone)
                                     .where(Member.phone.like("1370000000%"))).all())


def upload(client, data: bytes, name: str):
    return client.post("/imports/members", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_a_printed_roster_skips_the_header_and_title_of_its_second_page(world):
    result = mi.parse_rows(mi.read_table("花名册.xlsx", printed_roster()))
    assert not result.file_errors, result.file_errors
    assert [(r.line, r.name) for r in result.rows] == [(3, "王芳"), (4, "李静"), (7, "赵强")]
    assert (result.repeated_titles, result.repeated_headers) == ([5], [6])
    assert notes(result) == ["表头在第2行，其上的标题行已忽略。", "第5行是重复的标题行，已跳过。",
                             "第6行是重复的表头，已跳过。"]
    assert mi.check_rows(result.rows).ok


def test_two_pasted_blocks_in_a_csv_skip_the_second_header_as_typed_differently(world):
    # the second block's header is the same columns written as header detection reads
    # them alike (「姓　名」, 「手机号*」); its trailing empty cell is no column
    text = ("姓名,手机号,单位\r\n"
            "王芳,13700000001,县商务局\r\n"
            ",,\r\n"
            "姓　名,手机号*,单位,\r\n"
            "李静,13700000002,县商务局\r\n")
    result = mi.parse_rows(mi.read_table("名单.csv", text.encode("utf-8-sig")))
    assert [(r.line, r.name) for r in result.rows] == [(2, "王芳"), (5, "李静")]
    assert notes(result) == ["第4行是重复的表头，已跳过。"]
    assert mi.check_rows(result.rows).ok


def test_a_header_with_other_columns_is_not_the_header_again(world):
    # a second block with a column more is another table, not a repeat: read as a row
    # (and refused), so nothing of it is dropped unseen
    table = [["姓名", "手机号", "单位"], ["王芳", "13700000001", "县商务局"],
             ["姓名", "手机号", "单位", "党支部"], ["李静", "13700000002", "县商务局", "一支部"]]
    result = mi.parse_rows(table)
    assert [r.line for r in result.rows] == [2, 3, 4]
    assert result.repeated_headers == []
    checked = mi.check_rows(result.rows)
    assert [r.line for r in checked.error_rows] == [3]


def test_a_title_repeated_without_a_header_under_it_is_not_skipped_as_one(world):
    # a title is known only by standing above a header: a lone repeat is a row as before
    table = [[TITLE] * 3, ["姓名", "手机号", "单位"], ["王芳", "13700000001", "县商务局"],
             [TITLE] * 3, ["李静", "13700000002", "县商务局"]]
    result = mi.parse_rows(table)
    assert result.repeated_titles == [] and [r.line for r in result.rows] == [3, 4, 5]


def test_a_two_row_header_repeated_is_skipped_whole(world):
    top = ["姓名", "联系方式", "联系方式", "单位"]
    below = ["姓名", "手机", "办公电话", "单位"]
    table = [top, below, ["王芳", "13700000001", "88880001", "县商务局"],
             top, below, ["李静", "13700000002", "88880002", "县商务局"]]
    result = mi.parse_rows(table)
    assert result.second_header_line == 2
    assert [(r.line, r.phone) for r in result.rows] == [(3, "13700000001"), (6, "13700000002")]
    assert "第4–5行是重复的表头，已跳过。" in notes(result)


def test_the_preview_page_names_the_repeats_and_the_import_adds_the_three_people(
        client, login, world):
    login(world.admin)
    preview_url = upload(client, printed_roster(), "花名册.xlsx").headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "检查通过，可以导入。" in page
    assert "第5行是重复的标题行，已跳过。" in page and "第6行是重复的表头，已跳过。" in page
    client.post(preview_url, follow_redirects=True)
    assert people() == [("李静", "13700000002"), ("王芳", "13700000001"),
                        ("赵强", "13700000003")]


def test_the_command_line_import_names_the_repeats(app, world, tmp_path):
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(printed_roster())
    output = app.test_cli_runner().invoke(args=["import-members", str(path)]).output
    assert "第6行是重复的表头，已跳过。" in output and "导入完成：新增3人" in output
    assert len(people()) == 3
