"""服务记录: rows and yearly totals, the .xlsx, and who may open whose record."""
import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from tests import factories as f
from tracker.rollups.member_status import member_totals
from tracker.extensions import db
from tracker.models import Role
from tracker.reports.records import record_member, service_record, visible_members
from tracker.timeutil import local_today


def test_record_rows_and_totals(october):
    zhang = october.members["张伟"]
    record = service_record(zhang, 2022)
    activities, minutes = member_totals(zhang.id, date(2022, 1, 1), date(2023, 1, 1))
    assert (record.activities, record.minutes) == (activities, minutes) == (6, 840)
    assert len(record.rows) == activities
    assert sum(r.minutes for r in record.rows) == minutes
    first = record.rows[0]
    assert (first.service_date, first.title, first.place, first.beneficiary, first.content,
            first.minutes, first.leader, first.reviewer) == (
        date(2022, 9, 28), "九月培训", "解放路社区党群服务中心", "社区居民", "九月培训，情况良好。",
        120, "张伟", "钱联络")
    assert "待审核整治" not in [r.title for r in record.rows]
    # the years she worked, and this year always (the fixture's month is in 2022)
    assert record.years == [local_today().year, 2022]


def test_record_xlsx(client, login, october):
    zhang = october.members["张伟"]
    login(zhang)
    response = client.get(f"/reports/records/{zhang.id}.xlsx?year=2022")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data))["服务记录"]
    assert sheet["A1"].value == "张伟 2022年志愿服务记录"
    assert sheet["A2"].value == "单位：县商务局　党支部：—　全年参加活动6次，服务时长14.0小时"
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 6 and sum(r[8] for r in rows) == Decimal(14)
    assert sheet.cell(row=4, column=9).number_format == "0.0"
    assert sheet.freeze_panes == "A4"
    assert sheet.page_setup.orientation == "landscape"


def test_record_page_is_printable(client, login, october):
    zhang = october.members["张伟"]
    login(zhang)
    page = client.get(f"/reports/records/{zhang.id}?year=2022").get_data(as_text=True)
    assert "张伟 2022年志愿服务记录" in page and "report-page" in page
    assert "九月培训" in page and "十一月整治" in page
    assert client.get("/reports/records").headers["Location"].endswith(f"/reports/records/{zhang.id}")


def test_who_sees_whose_record(october):
    zhang, idle = october.members["张伟"], october.members["冯某某"]
    outsider = f.member(october.unit, name="外社区联络员", role=Role.liaison,
                        communities=[f.community("幸福路社区")])
    db.session.commit()
    assert record_member(zhang, zhang.id) is not None
    assert record_member(zhang, october.members["王芳"].id) is None
    assert record_member(october.liaison, zhang.id) is not None
    assert record_member(october.admin, idle.id) is not None
    assert record_member(outsider, zhang.id) is None
    # 冯某某 only withdrew from a task in 解放路社区: still "active in" the community? No.
    assert record_member(october.liaison, idle.id) is None
    listed = {m.name for m in db.session.scalars(visible_members(october.liaison))}
    assert "张伟" in listed and "冯某某" not in listed and "郑某某" in listed  # 郑: absent, on a task
    assert {m.name for m in db.session.scalars(visible_members(outsider))} == {"外社区联络员"}


def test_the_records_list_is_the_roll(client, login, october):
    """服务记录 lists the members on the roll (计入参与统计); a staff account off the roll
    is not listed for the admin — though it still sees its own record."""
    off = f.member(october.unit, name="局办公室文员", on_roll=False)
    on_staff = f.member(october.unit, name="志愿联络员", role=Role.liaison, on_roll=True)
    db.session.commit()
    listed = {m.name for m in db.session.scalars(visible_members(october.admin))}
    assert "局办公室文员" not in listed and "志愿联络员" in listed and "张伟" in listed
    login(october.admin)
    page = client.get("/reports/records").get_data(as_text=True)
    assert "局办公室文员" not in page
    assert {m.name for m in db.session.scalars(visible_members(off))} == {"局办公室文员"}
    assert on_staff.on_roll


def test_a_member_off_the_roll_is_found_by_the_work_they_did(client, login, october):
    """人次 and hours count every participation, on the roll or not (design.md, the
    roll): 张伟 taken off the roll (计入参与统计 否) keeps his 服务记录, and whoever may
    open it finds him in the list and by his name; so is a member off the roll whose
    only work is approved. A liaison of another community still does not; an account
    off the roll whose only work is still 待审核 has no record yet and is not listed."""
    from tracker.models import Assignment, AssignmentStatus

    zhang = october.members["张伟"]
    zhang.on_roll = False
    pending_only = f.member(october.unit, name="待审核文员", on_roll=False)
    db.session.add(Assignment(task_id=october.tasks["待审核整治"].id, member_id=pending_only.id,
                              status=AssignmentStatus.done, minutes=60))
    outsider = f.member(october.unit, name="外社区联络员", role=Role.liaison,
                        communities=[f.community("幸福路社区")])
    db.session.commit()
    for actor in (october.admin, october.liaison):
        listed = {m.name for m in db.session.scalars(visible_members(actor))}
        assert "张伟" in listed and "待审核文员" not in listed, actor.name
        found = [m.name for m in db.session.scalars(visible_members(actor, "张伟"))]
        assert found == ["张伟"], actor.name
        login(actor)
        page = client.get("/reports/records", query_string={"q": "张伟"}).get_data(as_text=True)
        assert f"/reports/records/{zhang.id}" in page and "没有找到党员" not in page
    assert "张伟" not in {m.name for m in db.session.scalars(visible_members(outsider, "张伟"))}


def test_a_member_moved_during_the_year_has_the_units_of_the_years_stays(client, login, october):
    """张伟 moves from 县商务局 to 县财政局 on 20 November 2022: his record of 2022 is of
    both units — 县商务局 up to 19 November, then 县财政局 — as the figures count his
    year (by the unit of the stay on the activity's day), on the page and in the .xlsx;
    his record of 2023 is 县财政局's alone."""
    from tracker.services import roll

    zhang = october.members["张伟"]
    zhang.unit_id = october.other_unit.id
    roll.settle(zhang, date(2022, 11, 20))
    db.session.commit()
    units = "县商务局（至2022年11月19日）、县财政局"
    assert service_record(zhang, 2022).units() == units
    assert service_record(zhang, 2023).units() == "县财政局"
    login(october.admin)
    page = client.get(f"/reports/records/{zhang.id}?year=2022").get_data(as_text=True)
    assert f"单位：{units}" in page
    response = client.get(f"/reports/records/{zhang.id}.xlsx?year=2022")
    sheet = load_workbook(io.BytesIO(response.data))["服务记录"]
    assert sheet["A2"].value.startswith(f"单位：{units}　党支部：—")


def test_a_member_switched_off_and_on_again_in_one_unit_has_that_unit_once(october):
    """停用 on 1 March and 重新启用 on 1 May 2022: two stays in 县商务局, one unit on
    the record; a member on no roll (staff) is of their unit."""
    from tracker.services import roll

    wang = october.members["王芳"]
    wang.active = False
    roll.settle(wang, date(2022, 3, 1))
    wang.active = True
    roll.settle(wang, date(2022, 5, 1))
    db.session.commit()
    assert service_record(wang, 2022).units() == "县商务局"
    staff = f.member(october.other_unit, Role.liaison, "财政局联络员")
    db.session.commit()
    assert service_record(staff, 2022).units() == "县财政局"


def _visits_in_two_communities(world):
    """world.member's approved visit in world.other_community (the person served and the
    leader's 情况说明 named) and approved work in world.community: what liaison A may and
    may not read of the member's year."""
    from datetime import timedelta

    from tracker.models import Assignment, AssignmentStatus, TaskStatus

    tasks = []
    for item, staff, title, served, note in (
            (world.other_item, world.other_liaison, "走访慰问", "独居老人王秀英（幸福里3栋）",
             "王秀英行动不便，独居，儿子在外地"),
            (world.item, world.liaison, "A社区楼道清理", "A社区居民", "清理三个单元")):
        task = f.task(item, staff, starts_in=timedelta(days=-3), title=title)
        task.beneficiary = served
        db.session.add(Assignment(task_id=task.id, member_id=world.member.id,
                                  status=AssignmentStatus.done, minutes=120))
        db.session.commit()
        f.reported(task, staff, approved=True)
        task.report.note = note
        task.status = TaskStatus.closed  # as approval leaves it
        tasks.append(task)
    db.session.commit()
    return tasks


def test_a_liaison_reads_only_the_rows_of_tasks_they_may_see(client, login, world):
    # invariant 5: the other community's visit answers liaison A 404 on its task page, so
    # its 服务对象 and 情况说明 are not on the member's record either — page or .xlsx;
    # the totals still count it, and the record says how many rows are left out
    visit, own = _visits_in_two_communities(world)
    year = visit.service_date.year
    login(world.liaison)
    assert client.get(f"/tasks/{visit.id}").status_code == 404
    page = client.get(f"/reports/records/{world.member.id}?year={year}").get_data(as_text=True)
    assert "A社区楼道清理" in page and "清理三个单元" in page
    assert "王秀英" not in page and "儿子在外地" not in page and "走访慰问" not in page
    assert "另有1次活动在其他社区，不列明细，已计入合计。" in page
    record = service_record(world.member, year, world.liaison)
    assert (record.activities, len(record.rows), record.withheld) == (2, 1, 1)
    sheet = load_workbook(io.BytesIO(client.get(
        f"/reports/records/{world.member.id}.xlsx?year={year}").data))["服务记录"]
    text = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)
    assert "清理三个单元" in text and "王秀英" not in text and "走访慰问" not in text
    assert "全年参加活动2次" in text and "另有1次活动在其他社区" in text


def test_the_member_the_admin_and_the_other_liaison_read_the_visit(client, login, world):
    visit, _own = _visits_in_two_communities(world)
    year = visit.service_date.year
    # the member and an admin read every row; community B's liaison B's rows only
    for reader, withheld in ((world.member, 0), (world.admin, 0), (world.other_liaison, 1)):
        login(reader)
        page = client.get(f"/reports/records/{world.member.id}?year={year}").get_data(
            as_text=True)
        assert "王秀英" in page and "儿子在外地" in page, reader.name
        assert ("清理三个单元" in page) == (not withheld), reader.name
        assert ("另有1次活动在其他社区" in page) == bool(withheld), reader.name
        assert service_record(world.member, year, reader).withheld == withheld


def test_last_years_record_offers_the_way_back_to_this_year(client, login, october):
    """In January a reader opens last year's record to print it; the year links must
    still offer this year (walk46 #3), whether she worked in it yet or not."""
    zhang = october.members["张伟"]
    login(zhang)
    page = client.get(f"/reports/records/{zhang.id}?year=2022").get_data(as_text=True)
    this_year = local_today().year
    assert f"/reports/records/{zhang.id}?year={this_year}" in page
