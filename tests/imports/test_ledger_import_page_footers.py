"""The 台账 printed or exported by another system carries what the member list does: a
page footer in the rows (「第一页 共五页」「- 2 -」「1/5」「制表人」｜「张三」 …) and the title
and header again on every page. The bulk 补录 leaves them out and names them on the
preview as the member import does (one sorting, ``member_import.rows_under_header``);
the activities between them are recorded as if the file had none."""
from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime

from openpyxl import Workbook
from sqlalchemy import select

from tests.imports.test_ledger_import_service import (
    HEADERS,
    errors_by_line,
    imported,
    preview,
)
from tests.imports.test_ledger_import_web import confirm, upload
from tracker.extensions import db
from tracker.models import Assignment, Task
from tracker.rollups import Scope
from tracker.rollups.figures import figures
from tracker.services import member_import as mi
from tracker.services.ledger_import import read_ledger

TITLE = "县商务局2022年10月共建活动台账"
NOTES = ["表头在第2行，其上的标题行已忽略。", "第6行是重复的标题行，已跳过。", "第7、12行是重复的表头，已跳过。",
         "第4–5、9–11、14–17行是页脚（页码、制表人、审核人等），共9行，已跳过。"]


def line(october, category, name, *, day="2022-10-05", starts="09:00", ends="11:00",
         title="楼道清扫", hours="", leader="", quantity="", served="") -> list:
    member = october.members[name]
    values = {"日期": day, "开始": starts, "结束": ends, "单位": "县商务局", "社区": "解放路社区",
              "类别": category, "活动": title, "地点": "党群服务中心", "姓名": member.name,
              "手机号": member.phone, "服务时长（小时）": hours, "组长": leader,
              "完成数量": quantity, "受益": served, "情况说明": "清理楼道杂物。"}
    return [values.get(header, "") for header in HEADERS]


def workbook(rows) -> bytes:
    book = Workbook()
    for values in rows:
        book.active.append(list(values))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def printed_ledger(october, category) -> bytes:
    """Three printed pages (spreadsheet rows by hand): 1 title, 2 header, 3 郑某某 in
    楼道清扫 (10-05 09:00–11:00, 2 h, 组长), 4 「制表人」｜「张三」, 5
    「第一页 共五页」, 6–7 title and header again, 8 冯某某 in 楼道清扫 (1.5 h), 9 「共5页
    第2页」, 10 a bare 「- 2 -」 under 地点, 11 a bare 「1/5」, 12 header again, 13 冯某某
    in 垃圾清运 (10-06 14:00–16:00, hours empty: its 2 hours, 组长), 14
    「第十二页」, 15 「Page 3 of 5」, 16 「第一页」, 17 「制表时间」｜ a date cell."""
    return workbook([
        [TITLE], HEADERS,
        line(october, category, "郑某某", hours="2", leader="是"),
        ["制表人", "张三"],
        ["第一页 共五页"],
        [TITLE], HEADERS,
        line(october, category, "冯某某", hours="1.5"),
        ["共5页 第2页"],
        [None] * 8 + ["- 2 -"],
        ["1/5"],
        HEADERS,
        line(october, category, "冯某某", day="2022-10-06", starts="14:00", ends="16:00",
             title="垃圾清运", leader="是"),
        ["第十二页"],
        [None, "Page 3 of 5"],
        ["第一页"],
        ["制表时间", datetime(2022, 11, 1)],
    ])


def notes(read) -> list[str]:
    return mi.ignored_notes(read.header_line, read.skipped, read.totals,
                            read.second_header_line, read.repeated_headers,
                            read.repeated_titles, read.footers)


def official(october):
    return figures(Scope(date(2022, 10, 1), date(2022, 11, 1),
                         unit_id=october.unit.id)).official


def minutes(title: str) -> dict[str, int]:
    task = db.session.scalar(select(Task).where(Task.title == title))
    return {a.member.name: a.minutes for a in db.session.scalars(
        select(Assignment).where(Assignment.task_id == task.id))}


def test_a_printed_ledger_skips_footers_and_repeated_headers_and_records_the_rest(
        october, cleanup_category):
    data = printed_ledger(october, cleanup_category)
    read = read_ledger("台账.xlsx", data)
    assert not read.file_errors, read.file_errors
    assert [r.line for r in read.rows] == [3, 8, 13]
    assert read.footers == [4, 5, 9, 10, 11, 14, 15, 16, 17]
    assert (read.repeated_titles, read.repeated_headers) == ([6], [7, 12])
    assert notes(read) == NOTES
    checked = preview(october.liaison, data)
    assert errors_by_line(checked) == {} and checked.activities == 2
    before = official(october)
    done = imported(october.liaison, data)
    assert (done.activities, done.participations, done.skipped) == (2, 3, 0)
    db.session.expire_all()
    # by hand: two activities of 环境整治 (a category with no unit of 完成数量 or 受益:
    # those cells left empty), 人次 3 of two members who had none in
    # October, 120 + 90 + 120 minutes
    assert official(october) == replace(
        before, activities=before.activities + 2, person_times=before.person_times + 3,
        members=before.members + 2, minutes=before.minutes + 330)
    assert minutes("楼道清扫") == {"郑某某": 120, "冯某某": 90}
    assert minutes("垃圾清运") == {"冯某某": 120}


def test_look_alike_rows_of_a_ledger_stay_rows_and_say_what_is_wrong(october, cleanup_category):
    """Footer-like text beside a date, a time or a phone is a row of the 台账 — 1 January
    typed 「1/5」 in an activity's row, a page number where a date goes in a row with its
    times — and comes back with its errors; only the footers they look like (rows 7–9)
    are skipped."""
    zheng = october.members["郑某某"]
    short_date = line(october, cleanup_category, "郑某某", day="1/5", leader="是")
    page_in_date = line(october, cleanup_category, "冯某某", day="第十二页", leader="是")
    data = workbook([
        HEADERS,
        line(october, cleanup_category, "郑某某", title="楼道清扫", leader="是"),
        short_date,  # 3
        page_in_date,  # 4
        ["制表人", "2022-10-05"],  # 5: a date after a label that is no date's
        ["制表人", zheng.phone],  # 6: a phone
        ["制表人", "张三"], ["1/5"], ["第十二页"],  # 7–9: footers
    ])
    read = read_ledger("台账.xlsx", data)
    assert read.footers == [7, 8, 9]
    assert [r.line for r in read.rows] == [2, 3, 4, 5, 6]
    errors = errors_by_line(preview(october.liaison, data))
    assert sorted(errors) == [3, 4, 5, 6]
    assert errors[3] == ["日期“1/5”无法识别，请填写日期，如2026-10-05。"]
    assert errors[4] == ["日期“第十二页”无法识别，请填写日期，如2026-10-05。"]


def test_the_ledger_preview_page_names_footers_and_repeats_and_the_import_records_two(
        client, login, october, cleanup_category):
    login(october.liaison)
    response = upload(client, printed_ledger(october, cleanup_category))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "检查通过，可以导入。" in page
    for note in NOTES:
        assert note in page
    done = confirm(client, response.headers["Location"])
    flashed = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "导入完成：补录活动2次、参与记录3条；0条已存在，已跳过。" in flashed


def test_the_template_notes_say_what_is_skipped():
    from tracker.services.ledger_import import TEMPLATE_NOTES

    assert any("表头" in note and "页脚" in note and "跳过" in note for note in TEMPLATE_NOTES)
