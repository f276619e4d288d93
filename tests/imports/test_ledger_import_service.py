"""Bulk 补录 from the 台账's 「参与明细」 sheet, without HTTP (issue 11): an exported
ledger re-imported changes nothing, imported into a month without its activities
gives the month's figures back, and one wrong row writes nothing."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import delete, func, select

from tests import factories as f
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AuditEvent,
    CountedParticipation,
    CountedTask,
    Finding,
    Member,
    ReportStatus,
    SummaryNote,
    Task,
    TaskReport,
    TaskStatus,
)
from tracker.participation import rebuild
from tracker.reports.summary import build_summary
from tracker.reports.xlsx_export import render_participations_xlsx
from tracker.rollups import Scope
from tracker.rollups.figures import figures
from tests.plans import figures_by_category
from tracker.services import ServiceError, unit_of_work
from tests.owed_marks import assert_marks_follow_the_rule
from tracker.services.ledger_import import HEADERS, check_ledger, import_ledger, read_ledger
from tracker.sources import source_label
from tracker.timeutil import local_today

OCT = Scope(date(2022, 10, 1), date(2022, 11, 1))
TABLES = (Task, Assignment, TaskReport, CountedTask, CountedParticipation, AuditEvent)


def counts() -> dict:
    """The rows an import could write, apart from the import's own audit event (which
    says a file came, and is looked at by itself)."""
    return {t.__name__: db.session.scalar(select(func.count()).select_from(t).where(
        AuditEvent.action != "ledger_import") if t is AuditEvent else
        select(func.count()).select_from(t)) for t in TABLES}


def exported(october) -> bytes:
    return render_participations_xlsx(build_summary(2022, 10, unit=october.unit))


def month_figures(october):
    unit_id = october if isinstance(october, int) else october.unit.id
    scope = Scope(OCT.date_from, OCT.date_to, unit_id=unit_id)
    return figures(scope).official, [(c.code, c.official) for c in
                                     figures_by_category(scope, include_empty=False)]


def sheet(rows) -> bytes:
    book = Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append([row.get(h, "") for h in HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row(october, member, *, day="2022-10-05", starts="09:00", ends="11:00", title="补录活动",
        community="解放路社区", zone="", category="环境卫生整治", leader="", **more) -> dict:
    values = {"日期": day, "开始": starts, "结束": ends, "单位": "县商务局", "社区": community,
              "责任区": zone, "类别": category, "活动": title, "地点": "党群服务中心",
              "姓名": member.name, "手机号": member.phone, "服务时长（小时）": "",
              "组长": leader, "完成数量": "", "受益": "", "情况说明": "清理楼道杂物。"}
    values.update(more)
    return values


def preview(actor, data: bytes, name="台账.xlsx"):
    read = read_ledger(name, data)
    assert not read.file_errors
    return check_ledger(actor, read.rows)


def imported(actor, data: bytes):
    with unit_of_work():
        return import_ledger(actor, read_ledger("台账.xlsx", data).rows)


def test_the_export_has_one_row_per_participation_with_what_recording_needs(october):
    book = load_workbook(io.BytesIO(exported(october)))
    details = book["参与明细"]
    rows = [[c.value for c in r] for r in details.iter_rows(min_row=3)]
    assert rows[0] == HEADERS
    body = rows[1:]
    scope = Scope(OCT.date_from, OCT.date_to, unit_id=october.unit.id)
    assert len(body) == figures(scope).official.person_times  # one row per 人次
    first = body[:3]  # 电商培训一: 张伟 (its leader), 王芳, 李娜, 2 hours each, 09:00–13:00
    assert [(r[10], r[11], r[12], r[13]) for r in first] == [
        ("张伟", "13800000002", 2, "是"), ("王芳", "13800000003", 2, None),
        ("李娜", "13800000004", 2, None)]
    assert first[0][:10] == [datetime(2022, 10, 8), "09:00", "13:00", "县商务局", "解放路社区",
                             None, "电子商务培训", "电商培训一", "解放路社区党群服务中心", "社区居民"]
    # 电子商务培训 counts no 完成数量 (empty, as on the printed ledger), 受益 35 人次
    assert first[0][14:] == [None, 35, "讲解网店开设和直播带货。", "组长提交"]


def test_the_preview_of_the_exported_ledger_skips_every_row_and_writes_nothing(october):
    before = counts()
    result = preview(october.liaison, exported(october))
    assert result.ok and result.rows
    assert {r.action for r in result.rows} == {"skip"}
    assert counts() == before


def test_reimporting_the_exported_ledger_changes_nothing(october):
    # One activity came from 现场签到 (someone checked in), the others from 组长提交.
    scanned = db.session.scalars(select(Assignment).where(
        Assignment.task_id == october.tasks["环境整治二"].id).order_by(Assignment.id)).first()
    scanned.checked_in_at = datetime(2022, 10, 23, 1, 5, tzinfo=timezone.utc)
    db.session.commit()
    data = exported(october)
    sources = {r[17] for r in load_workbook(io.BytesIO(data))["参与明细"].iter_rows(
        min_row=4, values_only=True)}
    assert sources == {"现场签到", "组长提交"}
    before, figures_before = counts(), month_figures(october)
    result = imported(october.liaison, data)
    assert (result.activities, result.participations) == (0, 0)
    assert result.skipped == figures_before[0].person_times
    db.session.expire_all()
    assert counts() == before and month_figures(october) == figures_before


def _remove_october_activities(october) -> None:
    """What a bureau adopting the app has: members, communities and checklist items,
    but the month's approved activities only on paper. (The survey stays: the ledger has
    its count of findings, not the findings, so it cannot be imported; its row is
    recognised as already there.)"""
    survey = october.tasks["摸排"].id
    ids = list(db.session.scalars(
        select(Task.id).join(TaskReport, TaskReport.task_id == Task.id)
        .where(TaskReport.status == ReportStatus.approved, Task.id != survey,
               Task.service_date >= OCT.date_from, Task.service_date < OCT.date_to)))
    assert not db.session.scalar(select(func.count(Finding.id)).where(Finding.task_id.in_(ids)))
    for table, column in ((Assignment, Assignment.task_id), (TaskReport, TaskReport.task_id),
                          (CountedTask, CountedTask.task_id),
                          (CountedParticipation, CountedParticipation.task_id), (Task, Task.id)):
        db.session.execute(delete(table).where(column.in_(ids)))
    rebuild(db.session.connection())
    db.session.commit()
    db.session.expunge_all()  # the deleted tasks' objects must not meet their ids again


def test_the_ledger_imported_into_a_month_without_its_activities_gives_its_figures(october):
    data = exported(october)
    unit_id, liaison_id = october.unit.id, october.liaison.id
    original = month_figures(unit_id)
    _remove_october_activities(october)
    assert month_figures(unit_id) != original
    liaison = db.session.get(Member, liaison_id)
    result = imported(liaison, data)
    assert result.activities == original[0].activities - 1  # all but the survey
    db.session.expire_all()
    assert month_figures(unit_id) == original
    task = db.session.scalar(select(Task).where(Task.title == "电商培训一"))
    assert task.backfilled and task.report.status == ReportStatus.approved
    assert source_label(task.backfilled, False) == "补录"
    assert_marks_follow_the_rule()  # recorded approved: owing nothing
    # … and importing it once more changes nothing.
    before = counts()
    assert imported(liaison, data).activities == 0
    assert counts() == before


def test_new_activities_are_recorded_once_however_often_the_file_comes(october, cleanup_category):
    m = october.members
    data = sheet([row(october, m["郑某某"], leader="是", category=cleanup_category),
                  row(october, m["冯某某"], category=cleanup_category, **{"服务时长（小时）": "1.5"})])
    first = imported(october.liaison, data)
    assert (first.activities, first.participations, first.skipped) == (1, 2, 0)
    task = db.session.scalar(select(Task).where(Task.title == "补录活动"))
    minutes = dict(db.session.execute(select(Assignment.member_id, Assignment.minutes)
                                      .where(Assignment.task_id == task.id)).all())
    assert minutes == {m["郑某某"].id: 120, m["冯某某"].id: 90}
    assert task.leader_id == m["郑某某"].id and task.backfilled
    before = counts()
    again = imported(october.liaison, data)
    assert (again.activities, again.participations, again.skipped) == (0, 0, 2)
    assert counts() == before


def errors_by_line(result) -> dict:
    return {r.line: r.errors for r in result.rows if r.errors}


def test_row_errors_name_the_row_and_nothing_is_written(october, cleanup_category):
    m = october.members
    idle, other = m["郑某某"], m["冯某某"]
    tomorrow = local_today() + timedelta(days=1)
    f.item(october.unit, october.jiefang, "environment_cleanup", year=tomorrow.year)
    db.session.commit()
    rows = [
        row(october, idle, leader="是", category=cleanup_category),             # 2: fine
        row(october, idle, title="未知", **{"手机号": "13712345678"}, leader="是",
            category=cleanup_category),                                          # 3
        row(october, idle, title="社区", community="不存在社区", leader="是",
            category=cleanup_category),                                          # 4
        row(october, idle, title="将来", day=tomorrow.isoformat(), leader="是",
            category=cleanup_category),                                          # 5
        row(october, idle, title="无此时刻", starts="11:00", ends="25:00", leader="是",
            category=cleanup_category),                                          # 6
        row(october, m["张伟"], title="重叠", day="2022-10-08", starts="10:00",
            ends="12:00", leader="是", category=cleanup_category),               # 7
        row(october, other, title="日期", day="十月五日", leader="是",
            category=cleanup_category),                                          # 8
    ]
    before = counts()
    result = preview(october.liaison, sheet(rows))
    errors = errors_by_line(result)
    assert not result.ok and 2 not in errors
    assert errors[3] == ["手机号13712345678不是本社区可补录的党员。"]
    assert errors[4] == ["社区“不存在社区”不存在。"]
    assert errors[5] == ["补录的活动须已经结束：时间不能晚于现在。"]
    assert errors[6] == ["时间“25:00”无法识别，应为如09:00的时间。"]
    assert errors[7][0].startswith("张伟 在同一时间已参加“电商培训一”（2022-10-08 09:00）")
    assert errors[8] == ["日期“十月五日”无法识别，请填写日期，如2026-10-05。"]
    assert counts() == before
    with pytest.raises(ServiceError, match="有6行存在错误，未导入任何数据"):
        imported(october.liaison, sheet(rows))
    db.session.expire_all()
    assert counts() == before


def test_a_row_names_every_error_at_once_in_column_order(october, cleanup_category):
    """Walk 2, defect 4: five independent errors of one row come in one upload, in the
    sheet's column order — not the missing cell alone, then the rest on the next one."""
    zheng = october.members["郑某某"]
    next_year = str(local_today().year + 1)
    data = sheet([row(october, zheng, day="2026-13-45", category="不存在类别",
                      **{"服务时长（小时）": "abc", "情况说明": ""}),
                  row(october, zheng, day=f"{next_year}-01-05", leader="是", title="将来",
                      category=cleanup_category, **{"受益": "-1"})])
    before = counts()
    assert errors_by_line(preview(october.liaison, data)) == {2: [
        "日期“2026-13-45”不是有效日期：没有13月。",
        "类别“不存在类别”不存在。",
        "服务时长“abc”应为小时数，如2或1.5。",
        "该活动没有组长：请在其中一行的“组长”填“是”。",
        "缺少“情况说明”。",
    ], 3: ["补录的活动须已经结束：时间不能晚于现在。", "“-1”应为0到1000000之间的整数。"]}
    with pytest.raises(ServiceError, match="有2行存在错误"):
        imported(october.liaison, data)
    db.session.expire_all()
    assert counts() == before


def test_a_day_before_the_floor_is_refused_on_its_row_in_the_form_s_words(
        october, cleanup_category):
    """fuzz38 F3: 0224 typed for 2024 is refused as the 补录 form refuses it (before
    ``timeutil.EARLIEST_DAY``, 2000-01-01), on its own row, nothing written."""
    zheng = october.members["郑某某"]
    data = sheet([row(october, zheng, leader="是", category=cleanup_category),
                  row(october, zheng, day="0224-10-05", title="年份", leader="是",
                      category=cleanup_category),
                  row(october, zheng, day="1999/12/31", title="上世纪", leader="是",
                      category=cleanup_category)])
    before = counts()
    floor = "日期不能早于2000-01-01（本系统不统计更早的工作），请检查年份。"
    assert errors_by_line(preview(october.liaison, data)) == {
        3: [f"日期“0224-10-05”：{floor}"], 4: [f"日期“1999/12/31”：{floor}"]}
    with pytest.raises(ServiceError, match="有2行存在错误"):
        imported(october.liaison, data)
    db.session.expire_all()
    assert counts() == before


def test_a_missing_cell_is_named_once_not_as_a_wrong_value(october, cleanup_category):
    """An empty 日期, 单位 or 手机号 says it is missing, not also that it does not read."""
    data = sheet([row(october, october.members["郑某某"], day="", leader="是",
                      category=cleanup_category, **{"单位": "", "手机号": ""})])
    assert errors_by_line(preview(october.liaison, data)) == {2: [
        "缺少“日期”。", "缺少“单位”。", "缺少“手机号”。"]}


def test_one_bad_row_and_nothing_is_written(october, cleanup_category):
    m = october.members
    rows = [row(october, m["郑某某"], leader="是", category=cleanup_category),
            row(october, m["冯某某"], title="第二次", day="2022-10-06", leader="是",
                category=cleanup_category),
            row(october, m["冯某某"], title="第三次", day="2022-10-07", leader="是",
                category=cleanup_category, **{"服务时长（小时）": "两小时"})]
    before = counts()
    with pytest.raises(ServiceError, match="有1行存在错误"):
        imported(october.liaison, sheet(rows))
    db.session.expire_all()
    assert counts() == before


@pytest.mark.parametrize("column, value, message", [
    # a phone number pasted into 受益 must not become an official figure
    ("受益", "13800000002", "“13800000002”应为0到1000000之间的整数。"),
    ("完成数量", "99999999999999999999999",
     "“99999999999999999999999”应为0到1000000之间的整数。"),
    # str.isdigit() holds for these, int() refuses them
    ("受益", "①", "“①”应为0到1000000之间的整数。"),
    ("完成数量", "²", "“²”应为0到1000000之间的整数。"),
    # float() reads these, but no number of hours is infinite
    ("服务时长（小时）", "inf", "服务时长“inf”应为小时数，如2或1.5。"),
    ("服务时长（小时）", "1e400", "服务时长“1e400”应为小时数，如2或1.5。"),
    ("服务时长（小时）", "nan", "服务时长“nan”应为小时数，如2或1.5。"),
])
def test_a_cell_out_of_range_is_a_row_error_not_a_crash(october, cleanup_category, column,
                                                        value, message):
    data = sheet([row(october, october.members["郑某某"], leader="是",
                      category=cleanup_category, **{column: value})])
    before = counts()
    assert errors_by_line(preview(october.liaison, data)) == {2: [message]}
    assert counts() == before


def test_the_bounds_of_a_count_are_accepted(october):
    # 电子商务培训 counts a 受益 (人次), no 完成数量: 0 is none
    data = sheet([row(october, october.members["郑某某"], leader="是", category="电子商务培训",
                      **{"受益": "1000000", "完成数量": "０"})])  # full-width 0 is a number
    assert preview(october.liaison, data).ok


def test_rows_of_one_file_that_overlap_each_other_are_refused_in_the_preview(
        october, cleanup_category):
    idle = october.members["郑某某"]
    rows = [row(october, idle, leader="是", category=cleanup_category),
            row(october, idle, title="同时另一活动", starts="10:00", ends="12:00", leader="是",
                category=cleanup_category)]
    errors = errors_by_line(preview(october.liaison, sheet(rows)))
    assert list(errors) == [3] and errors[3][0].startswith("郑某某 在同一时间已参加“补录活动”")


def test_the_rules_of_the_one_form_hold_row_by_row(october, cleanup_category):
    stranger = db.session.scalar(select(Assignment).join(Task).where(
        Task.title == "财政局宣讲")).member  # 县财政局 works in 解放路社区, not in 建设路社区
    rows = [
        row(october, stranger, title="外单位", community="建设路社区", zone="一区",
            category=october.tasks["楼道粉刷"].category.name, leader="是", **{"单位": "县商务局"}),
        row(october, october.members["郑某某"], title="摸排补录", community="建设路社区",
            zone="二区", category=october.tasks["摸排"].category.name, leader="是"),
        row(october, october.members["冯某某"], title="无组长", category=cleanup_category),
        row(october, october.members["冯某某"], title="无清单", leader="是",
            category=october.tasks["楼道粉刷"].category.name),  # only in 建设路社区·一区
        row(october, october.members["冯某某"], title="无类别", leader="是", category="打扫"),
        row(october, october.members["冯某某"], title="无责任区", leader="是", zone="九区",
            category=cleanup_category),
    ]
    errors = errors_by_line(preview(october.liaison, sheet(rows)))
    painting = october.tasks["楼道粉刷"].category.name
    assert errors[5] == [f"县商务局2022年在解放路社区没有“{painting}”资源清单项目。"]
    assert errors[6] == ["类别“打扫”不存在。"]
    assert errors[7] == ["责任区“九区”不在解放路社区。"]
    assert errors[2] == ["财政局党员 所在单位不在该社区开展共建，不能补录。"]
    assert errors[3][0].startswith("摸排类活动须逐处登记问题，不能从台账导入")
    assert errors[4] == ["该活动没有组长：请在其中一行的“组长”填“是”。"]  # the file's words


def test_a_final_month_needs_an_admin(october, cleanup_category):
    db.session.add(SummaryNote(scope_key=f"unit:{october.unit.id}", unit_id=october.unit.id,
                               year=2022, month=10,
                               finalized_at=datetime(2022, 11, 2, tzinfo=timezone.utc),
                               finalized_by_id=october.admin.id))
    db.session.commit()
    data = sheet([row(october, october.members["郑某某"], leader="是", category=cleanup_category)])
    errors = errors_by_line(preview(october.liaison, data))
    # whose month: the unit of the row's checklist item (review46b #2)
    assert errors == {2: [f"资源清单项目所属单位（{october.unit.name}）2022年10月的月报已定稿，"
                          "补录该月的活动须由单位管理员操作（或由单位管理员先重新打开该月的月报）。"]}
    assert preview(october.admin, data).ok


def test_a_liaison_cannot_record_in_a_community_they_do_not_manage(october, cleanup_category):
    from tracker.models import Role

    elsewhere = f.member(october.unit, Role.liaison, "别处联络员",
                         communities=[f.community("别处社区")])
    db.session.commit()
    data = sheet([row(october, october.members["郑某某"], leader="是", category=cleanup_category)])
    errors = errors_by_line(preview(elsewhere, data))
    assert errors == {2: ["无权在该社区补录活动。"]}


def test_a_file_without_the_headers_says_which_columns_it_needs():
    book = Workbook()
    book.active.append(["姓名", "手机号"])
    buffer = io.BytesIO()
    book.save(buffer)
    read = read_ledger("a.xlsx", buffer.getvalue())
    assert read.file_errors and "“日期”“开始”“结束”" in read.file_errors[0]


def test_each_recorded_activity_names_the_import_it_came_from(october, cleanup_category):
    """An activity's own ``backfill`` event names the ``ledger_import`` event of the file
    it came from (session 20's open item): from any activity the file is found — its
    name and SHA-256 — and from the file every activity."""
    m = october.members
    data = sheet([row(october, m["郑某某"], leader="是", category=cleanup_category),
                  row(october, m["冯某某"], leader="是", category=cleanup_category,
                      title="第二场补录")])
    with unit_of_work():
        import_ledger(october.liaison, read_ledger("十月台账.xlsx", data).rows,
                      filename="十月台账.xlsx", sha256="ab" * 32)
    [file_event] = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "ledger_import")).all()
    tasks = db.session.scalars(select(Task).where(
        Task.title.in_(("补录活动", "第二场补录"))).order_by(Task.id)).all()
    assert sorted(file_event.detail["task_ids"]) == [t.id for t in tasks]
    for task in tasks:
        [event] = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "backfill", AuditEvent.entity_type == "task",
            AuditEvent.entity_id == task.id)).all()
        assert event.detail["ledger_import_event_id"] == file_event.id
        assert event.actor_id == october.liaison.id
        assert event.detail["participants"] == {
            str(a.member_id): a.minutes for a in task.assignments}
    # the one form's 补录 names no import
    from tracker.services.backfill import BackfillData, Participant, record_past_activity
    with unit_of_work():
        typed = record_past_activity(october.liaison, tasks[0].resource_item, BackfillData(
            title="表单补录", place="党群服务中心", starts_local=datetime(2022, 10, 20, 9),
            ends_local=datetime(2022, 10, 20, 10), participants=[Participant(m["郑某某"])],
            leader=m["郑某某"], note="清理楼道杂物。"))
    [event] = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "backfill", AuditEvent.entity_id == typed.id)).all()
    assert "ledger_import_event_id" not in event.detail


def test_an_activity_imported_twice_under_two_titles_is_voided_and_counts_once(
        october, cleanup_category):
    """The reviewer's case: the same clean-up in two files, typed 「补录活动」 in one and
    「楼道清理」 in the other, is two activities in the 月报; the liaison voids the second
    and the month is what one import made it."""
    from tracker.services.voiding import void_activity

    m = october.members
    once = sheet([row(october, m["郑某某"], leader="是", category=cleanup_category)])
    imported(october.liaison, once)
    figures_once = month_figures(october)
    imported(october.liaison, sheet([row(october, m["郑某某"], leader="是",
                                         category=cleanup_category, title="楼道清理",
                                         day="2022-10-06")]))
    assert month_figures(october)[0].activities == figures_once[0].activities + 1
    twice = db.session.scalar(select(Task).where(Task.title == "楼道清理",
                                                 Task.backfilled.is_(True)))
    with unit_of_work():
        void_activity(twice, october.liaison, "与“补录活动”是同一次活动，重复导入")
    db.session.expire_all()
    assert month_figures(october) == figures_once


def test_a_voided_activity_in_a_kept_export_is_not_recorded_again(october):
    """作废 says the activity did not happen (or was recorded twice): the month's
    export kept from before, imported again, must not bring it back as a 补录. Its rows
    are skipped, each saying when it was voided and why; the rest is skipped as before."""
    from tracker.services.voiding import void_activity

    data = exported(october)  # kept from before the 作废
    task = october.tasks["环境整治一"]
    title, item_id = task.title, task.resource_item_id
    with unit_of_work():
        void_activity(task, october.liaison, "误录：当天并未开展")
    db.session.expire_all()
    before, figures_voided = counts(), month_figures(october)

    checked = preview(october.liaison, data)
    assert checked.ok
    voided = [r for r in checked.rows if r.title == title]
    assert voided and {r.action for r in voided} == {"voided"}
    day = local_today().isoformat()  # voided just now
    assert {r.voided for r in voided} == {f"该活动已于{day}作废（原因：误录：当天并未开展），跳过。"}
    assert checked.activities == 0 and checked.voided_rows == voided

    result = imported(october.liaison, data)
    assert (result.activities, result.participations, result.voided) == (0, 0, len(voided))
    db.session.expire_all()
    assert counts() == before and month_figures(october) == figures_voided
    live = db.session.scalars(select(Task).where(
        Task.resource_item_id == item_id, Task.title == title,
        Task.status != TaskStatus.cancelled)).all()
    assert live == []  # no approved 补录 of the voided activity
    [event] = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "ledger_import")).all()
    assert event.detail["voided"] == len(voided) and event.detail["task_ids"] == []


def test_an_activity_voided_and_recorded_again_on_the_form_is_skipped_as_existing(
        october, cleanup_category):
    """The one form may record a voided activity again (a deliberate act); the file's
    rows then meet that live activity and are skipped as already there."""
    from tracker.services.voiding import void_activity

    m = october.members
    data = sheet([row(october, m["郑某某"], leader="是", category=cleanup_category)])
    imported(october.liaison, data)
    first = db.session.scalar(select(Task).where(Task.title == "补录活动"))
    with unit_of_work():
        void_activity(first, october.liaison, "时长填错，重新补录")
    assert {r.action for r in preview(october.liaison, data).rows} == {"voided"}
    from tracker.services.backfill import BackfillData, Participant, record_past_activity
    with unit_of_work():
        record_past_activity(october.liaison, first.resource_item, BackfillData(
            title="补录活动", place="党群服务中心", starts_local=datetime(2022, 10, 5, 9),
            ends_local=datetime(2022, 10, 5, 11), participants=[Participant(m["郑某某"])],
            leader=m["郑某某"], note="清理楼道杂物。"))
    again = preview(october.liaison, data)
    assert again.ok and {r.action for r in again.rows} == {"skip"}


def test_an_activity_voided_before_any_report_is_not_recorded_again_either(
        october, cleanup_category):
    """作废 of an activity with confirmed hours but no report yet (a 现场签到 nobody
    reported) leaves no 已作废 report — it is the ``void`` that says the activity did
    not happen, and a file row of it is skipped all the same."""
    from tracker.models import AssignmentStatus
    from tracker.services.voiding import void_activity

    m = october.members
    imported(october.liaison, sheet([row(october, m["郑某某"], leader="是",
                                         category=cleanup_category, title="另一场")]))
    item = db.session.scalar(select(Task).where(Task.title == "另一场")).resource_item
    task = f.task(item, october.liaison, title="补录活动", leader=m["郑某某"],
                  starts_at=datetime(2022, 10, 5, 1, tzinfo=timezone.utc))  # 09:00–11:00
    db.session.add(Assignment(task_id=task.id, member_id=m["郑某某"].id,
                              status=AssignmentStatus.done, minutes=120))
    task.taken = 1
    db.session.commit()
    with unit_of_work():
        void_activity(task, october.liaison, "签到有误，当天并未开展")
    assert task.report is None
    checked = preview(october.liaison, sheet([row(october, m["郑某某"], leader="是",
                                                  category=cleanup_category)]))
    assert checked.ok and [r.action for r in checked.rows] == ["voided"]
    assert "原因：签到有误，当天并未开展" in checked.rows[0].voided


def test_a_cell_with_alt_enter_line_breaks_is_one_line_but_the_note_keeps_them(
        october, cleanup_category):
    """An Excel cell typed with Alt+Enter holds a line break: in 活动 it became the task's
    title, and its reminder e-mail's Subject stopped the reminder run (review37 F1).
    Every column but 情况说明 is one line."""
    m = october.members
    data = sheet([row(october, m["郑某某"], leader="是", category=cleanup_category,
                      title="楼道清理\n第二行", **{"地点": "党群服务中心\r\n二楼",
                                                 "服务对象": "独居老人\n李某",
                                                 "情况说明": "清理楼道杂物。\n共三处。"})])
    assert imported(october.liaison, data).activities == 1
    task = db.session.scalar(select(Task).where(Task.backfilled.is_(True)))
    assert (task.title, task.place, task.beneficiary) == ("楼道清理 第二行", "党群服务中心 二楼",
                                                         "独居老人 李某")
    assert task.report.note == "清理楼道杂物。\n共三处。"
