"""Bulk 补录 from the sheets people really make: overnight duties, the same date or time
written in different ways, full-width digits, Excel's serial numbers, merged cells,
a participant listed twice — and the import's own audit event."""
from __future__ import annotations

import io
from datetime import datetime, time

from openpyxl import Workbook
from sqlalchemy import select

from tests import factories as f
from tests.imports.test_ledger_import_service import (
    HEADERS,
    counts,
    errors_by_line,
    exported,
    imported,
    preview,
    row,
    sheet,
)
from tracker.extensions import db
from tracker.models import Assignment, AuditEvent, Task
from tracker.services import unit_of_work
from tracker.services.ledger_import import (
    TEMPLATE_NOTES,
    file_digest,
    import_ledger,
    read_ledger,
)
from tracker.timeutil import to_local


def local_span(task: Task) -> tuple[datetime, datetime]:
    return (to_local(task.starts_at).replace(tzinfo=None),
            to_local(task.ends_at).replace(tzinfo=None))


def participants(title: str) -> dict[str, int]:
    task = db.session.scalar(select(Task).where(Task.title == title))
    return {a.member.name: a.minutes for a in db.session.scalars(
        select(Assignment).where(Assignment.task_id == task.id))}


# --- overnight -------------------------------------------------------------------------------

def test_an_end_before_the_start_is_on_the_next_day(october):
    duty = october.tasks["疫情防控一"].category.name
    m = october.members
    data = sheet([row(october, m["郑某某"], title="夜间值守", day="2022-10-10", starts="22:00",
                      ends="02:00", category=duty, leader="是"),
                  row(october, m["冯某某"], title="夜间值守", day="2022-10-10", starts="22:00",
                      ends="02:00", category=duty)])
    result = imported(october.liaison, data)
    assert (result.activities, result.participations) == (1, 2)
    task = db.session.scalar(select(Task).where(Task.title == "夜间值守"))
    assert local_span(task) == (datetime(2022, 10, 10, 22), datetime(2022, 10, 11, 2))
    assert participants("夜间值守") == {"郑某某": 240, "冯某某": 240}
    assert any("次日" in note for note in TEMPLATE_NOTES)


def test_times_written_the_wrong_way_round_are_not_a_day_long_activity(october):
    """11:00 to 09:00 is two times swapped, not a 22-hour night: read as the next day
    it would give each participant 22 hours. A night's duty is at most 12 hours; an
    end equal to the start is refused too."""
    duty = october.tasks["疫情防控一"].category.name
    m = october.members
    data = sheet([row(october, m["郑某某"], title="上午值守", day="2022-10-10", starts="11:00",
                      ends="09:00", category=duty, leader="是"),
                  row(october, m["冯某某"], title="值守", day="2022-10-11", starts="09:00",
                      ends="09:00", category=duty, leader="是"),
                  row(october, m["郑某某"], title="夜班", day="2022-10-12", starts="20:00",
                      ends="08:00", category=duty, leader="是")])
    errors = errors_by_line(preview(october.liaison, data))
    assert sorted(errors) == [2, 3]
    assert all("写反" in " ".join(errors[line]) for line in (2, 3))


def test_an_exported_ledger_holding_an_overnight_duty_reimports_with_nothing_changed(
        october):
    duty = october.tasks["疫情防控一"].category.name
    imported(october.liaison, sheet([
        row(october, october.members["郑某某"], title="夜间值守", day="2022-10-10",
            starts="22:00", ends="02:00", category=duty, leader="是")]))
    data = exported(october)
    before = counts()
    result = preview(october.liaison, data)
    assert result.ok, errors_by_line(result)
    assert {r.action for r in result.rows} == {"skip"}
    again = imported(october.liaison, data)
    assert (again.activities, again.participations) == (0, 0)
    db.session.expire_all()
    assert counts() == before


# --- one activity however its date and times are written ------------------------------------

def test_rows_meaning_the_same_date_and_times_are_one_activity(october, cleanup_category):
    m = october.members
    data = sheet([
        row(october, m["郑某某"], leader="是", category=cleanup_category),  # 2022-10-05 09:00
        row(october, m["冯某某"], day="2022.10.5", starts="9:00", category=cleanup_category),
        row(october, m["张伟"], day=datetime(2022, 10, 5), starts=time(9), ends=time(11),
            category=cleanup_category),
    ])
    result = preview(october.liaison, data)
    assert errors_by_line(result) == {}
    assert result.activities == 1
    done = imported(october.liaison, data)
    assert (done.activities, done.participations) == (1, 3)
    assert set(participants("补录活动")) == {"郑某某", "冯某某", "张伟"}


# --- full-width digits, serial numbers, merged cells -----------------------------------------

def test_full_width_phone_digits_and_excel_serials_are_read(october, cleanup_category):
    zheng = october.members["郑某某"]
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in zheng.phone)
    # a date cell formatted 常规 shows 44839 (2022-10-05); time cells, fractions of a day
    data = sheet([row(october, zheng, leader="是", category=cleanup_category,
                      day=44839, starts=0.375, ends=11 / 24, **{"手机号": full_width})])
    result = preview(october.liaison, data)
    assert errors_by_line(result) == {}
    imported(october.liaison, data)
    task = db.session.scalar(select(Task).where(Task.title == "补录活动"))
    assert local_span(task) == (datetime(2022, 10, 5, 9), datetime(2022, 10, 5, 11))
    assert participants("补录活动") == {"郑某某": 120}


def test_a_serial_number_far_from_any_date_is_not_a_date(october, cleanup_category):
    data = sheet([row(october, october.members["郑某某"], leader="是",
                      category=cleanup_category, day=12345)])
    assert errors_by_line(preview(october.liaison, data)) == {
        2: ["日期“12345”无法识别，请填写日期，如2026-10-05。"]}


def merged_sheet(october, people, category) -> bytes:
    """An activity's cells merged down its participants' rows, as hand-made 台账 are."""
    book = Workbook()
    ws = book.active
    ws.append(HEADERS)
    for n, person in enumerate(people):
        values = row(october, person, category=category, leader="是" if n == 0 else "")
        per_person = {"姓名", "手机号", "组长", "服务时长（小时）"}
        ws.append([values.get(h, "") if n == 0 or h in per_person else None for h in HEADERS])
    last = 1 + len(people)
    for col, header in enumerate(HEADERS, start=1):
        if header not in {"姓名", "手机号", "组长", "服务时长（小时）"}:
            ws.merge_cells(start_row=2, end_row=last, start_column=col, end_column=col)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_merged_cells_count_for_every_row_they_cover(october, cleanup_category):
    m = october.members
    data = merged_sheet(october, [m["郑某某"], m["冯某某"], m["张伟"]], cleanup_category)
    result = preview(october.liaison, data)
    assert errors_by_line(result) == {}
    assert result.activities == 1
    done = imported(october.liaison, data)
    assert (done.activities, done.participations) == (1, 3)


# --- a refusal on the row it is about -------------------------------------------------------

def test_a_repeated_row_is_named_on_the_later_row(october, cleanup_category):
    m = october.members
    data = sheet([row(october, m["郑某某"], leader="是", category=cleanup_category),
                  row(october, m["冯某某"], category=cleanup_category),
                  row(october, m["冯某某"], category=cleanup_category)])
    assert errors_by_line(preview(october.liaison, data)) == {4: ["与第3行重复（冯某某）。"]}


def test_a_member_who_may_not_take_part_is_refused_on_their_own_row(october, cleanup_category):
    """A 停用 member is no one's to record: their row says so, without their name
    (tests/imports/test_ledger_import_names.py)."""
    m = october.members
    gone = f.member(october.unit, name="停用党员", active=False)
    db.session.commit()
    data = sheet([row(october, m["郑某某"], leader="是", category=cleanup_category),
                  row(october, m["冯某某"], category=cleanup_category),
                  row(october, gone, category=cleanup_category)])
    assert errors_by_line(preview(october.liaison, data)) == {
        4: [f"手机号{gone.phone}不是本社区可补录的党员。"]}


# --- the import's audit event ----------------------------------------------------------------

def test_one_audit_event_says_what_a_confirmed_import_did(october, cleanup_category):
    m = october.members
    data = sheet([row(october, m["郑某某"], leader="是", category=cleanup_category),
                  row(october, m["冯某某"], category=cleanup_category),
                  row(october, m["郑某某"], title="第二次", day="2022-10-06", leader="是",
                      category=cleanup_category)])

    def confirm():
        with unit_of_work():
            return import_ledger(october.liaison, read_ledger("十月台账.xlsx", data).rows,
                                 filename="十月台账.xlsx", sha256=file_digest(data))

    confirm()
    confirm()  # the same file again: everything skipped, and said so
    first, second = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "ledger_import").order_by(AuditEvent.id)).all()
    tasks = sorted(db.session.scalars(select(Task.id).where(
        Task.title.in_(["补录活动", "第二次"]))))
    assert first.actor_id == october.liaison.id
    assert first.detail == {"filename": "十月台账.xlsx", "sha256": file_digest(data),
                            "rows": 3, "activities": 2, "participations": 3, "skipped": 0,
                            "voided": 0,
                            "task_ids": tasks}
    assert (second.detail["activities"], second.detail["skipped"],
            second.detail["task_ids"]) == (0, 3, [])
