"""Both imports fed the sheets a bureau really keeps: a merged title above the header, a
header typed with spaces, a blank row in the middle, a row holding only its 序号, numbers
stored as text and as numbers, a 合计 row at the bottom — and a row pasted twice. The
data rows are read as a person sees them, the rest is left out and named in the
preview, and a duplicate is refused on its row."""
from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from sqlalchemy import select

from tests.imports.test_ledger_import_service import (
    HEADERS,
    errors_by_line,
    imported,
    preview,
)
from tests.imports.test_ledger_import_web import upload
from tracker.extensions import db
from tracker.models import Assignment, Member, Task
from tracker.services import member_import as mi
from tracker.services.ledger_import import read_ledger


def workbook(rows, merged=()) -> bytes:
    book = Workbook()
    sheet = book.active
    for values in rows:
        sheet.append(list(values))
    for ref in merged:
        sheet.merge_cells(ref)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- the member list ------------------------------------------------------------------------

def roster(*people) -> bytes:
    return workbook([
        ["县商务局党员花名册"],
        ["填报单位：县商务局", None, None, "填报时间：2025年11月"],
        ["序号", "姓　名", "手机号码", "单 位", "党支部", "备注"],
        *people,
        ["合　计", None, "4人"],
    ], merged=["A1:F1", "A2:C2", "A{n}:B{n}".format(n=4 + len(people))])


def test_the_member_list_as_kept_reads_its_people_and_names_what_it_left_out(world):
    data = roster(
        [1, "张小三", 13712340001, "县商务局", "第一党支部"],  # the phone a number cell
        [2, "李小四", "13712340002", "县商务局", "第一党支部", "调入"],  # the phone as text
        [],  # a blank row in the middle
        [3, "王小五", "１３７１２３４０００３", "县商务局", "第二党支部"],
        [4, "赵小六", " 137 1234 0004 ", "县商务局", ""],
        [5],  # numbered in advance, nobody on it
    )
    parsed = mi.parse_rows(mi.read_table("花名册.xlsx", data))
    assert not parsed.file_errors
    assert [(r.line, r.name, r.phone) for r in parsed.rows] == [
        (4, "张小三", "13712340001"), (5, "李小四", "13712340002"), (7, "王小五", "13712340003"),
        (8, "赵小六", "13712340004")]
    assert mi.ignored_notes(parsed.header_line, parsed.skipped, parsed.totals) == [
        "表头在第3行，其上的标题行已忽略。",
        "第9行只有导入不读取的列（如序号），没有姓名、手机号等，已忽略。",
        "第10行是合计行，已忽略。"]
    checked = mi.check_rows(parsed.rows, world.admin)
    assert checked.ok, [r.errors for r in checked.error_rows]
    assert mi.import_members(world.admin, checked.rows).created == 4
    db.session.commit()
    assert db.session.scalar(select(Member).where(Member.phone == "13712340003")).name == "王小五"


def test_a_member_row_pasted_twice_is_refused_on_the_second(world):
    person = [1, "张小三", "13712340001", "县商务局", "第一党支部"]
    parsed = mi.parse_rows(mi.read_table("花名册.xlsx", roster(person, person)))
    checked = mi.check_rows(parsed.rows, world.admin)
    assert [(r.line, r.errors) for r in checked.error_rows] == [(5, ["手机号与第4行重复。"])]


def test_the_member_preview_page_names_the_total_row(client, login, world):
    login(world.admin)
    response = client.post("/imports/members", data={"file": (io.BytesIO(roster(
        [1, "张小三", "13712340001", "县商务局", ""])), "花名册.xlsx")},
        content_type="multipart/form-data")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "第5行是合计行，已忽略。" in page and "检查通过，可以导入。" in page


# --- the 台账 -------------------------------------------------------------------------------

def ledger(october, category, *extra) -> bytes:
    """The 台账 as a liaison keeps it by hand: a 序号 column, 「日　期」 and
    「服务时长(小时)」 typed so, one activity of 郑某某 and 冯某某 with its date once a
    date cell and once Excel's serial typed as text, phones and counts as numbers and
    as text."""
    header = ["序号", *("日　期" if h == "日期" else "服务时长(小时)" if h.startswith("服务时长")
                      else h for h in HEADERS)]

    def line(number, member, day, phone, hours, served, leader=""):
        values = {"日期": day, "开始": "09:00", "结束": "11:00", "单位": "县商务局",
                  "社区": "解放路社区", "类别": category, "活动": "楼道清扫", "地点": "党群服务中心",
                  "姓名": member.name, "手机号": phone, "服务时长（小时）": hours, "组长": leader,
                  "完成数量": "", "受益": served, "情况说明": "清理楼道杂物。"}
        return [number, *(values.get(h, "") for h in HEADERS)]

    m = october.members
    rows = [
        ["县商务局2022年10月共建活动台账"],
        header,
        line(1, m["郑某某"], datetime(2022, 10, 5), int(m["郑某某"].phone), "2", 0, "是"),
        [],  # a blank row in the middle
        line(2, m["冯某某"], "44839", m["冯某某"].phone, 1.5, "0"),
        *extra,
        [3],  # numbered in advance, nobody on it
        ["合计", None, None, None, None, None, None, None, None, None, None, None, None, 3.5],
    ]
    return workbook(rows, merged=["A1:S1"])


def test_the_ledger_as_kept_records_its_activity_and_names_what_it_left_out(
        october, cleanup_category):
    data = ledger(october, cleanup_category)
    read = read_ledger("台账.xlsx", data)
    assert not read.file_errors
    assert [r.line for r in read.rows] == [3, 5]
    assert mi.ignored_notes(read.header_line, read.skipped, read.totals) == [
        "表头在第2行，其上的标题行已忽略。",
        "第6行只有导入不读取的列（如序号），没有姓名、手机号等，已忽略。",
        "第7行是合计行，已忽略。"]
    checked = preview(october.liaison, data)
    assert errors_by_line(checked) == {} and checked.activities == 1
    imported(october.liaison, data)
    task = db.session.scalar(select(Task).where(Task.title == "楼道清扫"))
    minutes = {a.member.name: a.minutes for a in db.session.scalars(
        select(Assignment).where(Assignment.task_id == task.id))}
    assert (task.service_date.isoformat(), minutes) == ("2022-10-05", {"郑某某": 120, "冯某某": 90})


def test_a_ledger_row_pasted_twice_is_refused_on_the_second(october, cleanup_category):
    m = october.members["冯某某"]
    twice = ["", "2022-10-05", "09:00", "11:00", "县商务局", "解放路社区", "", cleanup_category,
             "楼道清扫", "党群服务中心", "", m.name, m.phone, "1.5", "", "", "0", "清理楼道杂物。"]
    assert errors_by_line(preview(october.liaison, ledger(october, cleanup_category, twice))) == {
        6: ["与第5行重复（冯某某）。"]}


def test_the_ledger_preview_page_names_the_total_row(client, login, october, cleanup_category):
    login(october.liaison)
    response = upload(client, ledger(october, cleanup_category))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "第7行是合计行，已忽略。" in page and "检查通过，可以导入。" in page


def test_a_row_that_holds_a_phone_is_a_person_whatever_its_first_cell_says():
    """The 合计 rule reads the first filled cell; a row with a phone number in it is
    someone's, even when that cell begins with one of the words (a name pasted
    into the wrong column, 「小计」 typed by mistake): it is read, not dropped."""
    assert mi.total_row(["合计：25人", "", "3.5"]) is True
    assert mi.total_row(["合　计", "", "25"]) is True
    assert mi.total_row(["小计", "张三", "13900000001"]) is False
    assert mi.total_row(["合计", "１３９ ０００ ０００ ０２"]) is False  # full-width, spaced
