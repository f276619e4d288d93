"""An admin's own “双创” category counts as “双创” work everywhere (figures #2, session 27).

What is “双创” work is the category's section, as the 月报's section 三 takes it — not
the three reference categories that have columns of their own (牛皮癣, 楼道, 摸排). The
admin adds 共享单车整理 (section “双创”, counted in 次, 完成数量 in 辆) with a checklist
item of 500辆 in 第1责任区, and the liaison 补录s an activity there: 张伟 and 王芳, two
hours each, 120辆. The same zone had a 牛皮癣清除 activity that month: 王芳, one
hour, 8处.

By hand, 第1责任区's “双创” work of the month is 2 activities, 3 人次 (张伟, 王芳,
王芳), 2 党员 and 5.0 小时; 8处 of 牛皮癣 and 120辆 of 共享单车整理 (of a 500辆 target,
120 done in the year). The 双创进展 page (by zone, and the county's year by community,
read from the kept summaries), the 月报's 附表“责任区进展” on the page, in Word and in
Excel, its 分类统计 and its text all say so.
"""
from __future__ import annotations

import io
from datetime import datetime, timedelta

import lxml.html
from docx import Document
from openpyxl import load_workbook

from tests import factories as f
from tests.rollups import builders as b
from tests.rollups.counted import assert_in_sync
from tracker.extensions import db
from tracker.models import ReportStatus, Role, Section, TargetMeasure
from tracker.reports.summary import build_summary
from tracker.services import directory, unit_of_work
from tracker.services.backfill import BackfillData, Participant, record_past_activity
from tracker.services.directory import CategoryData, ResourceItemData
from tracker.timeutil import local_today

ZONE_ROW = {"人次": 3, "党员": 2, "时长（小时）": "5.0"}


def _month():
    """A day of last month: the 补录 has ended, and the month's 月报 is complete."""
    day = local_today().replace(day=1) - timedelta(days=20)
    return day, f"{day.year}-{day.month:02d}"


def _county():
    day, _month_text = _month()
    unit = f.unit("县商务局")
    community = f.community("解放路社区")
    zone = f.zone(community, "第1责任区", unit)
    admin = f.member(unit, Role.admin, "管理员")
    liaison = f.member(unit, Role.liaison, "钱联络", communities=[community])
    zhang, wang = f.member(unit, name="张伟"), f.member(unit, name="王芳")
    ads = b.task_on(f.item(unit, community, "ad_removal", year=day.year, zone=zone), liaison,
                    day - timedelta(days=1))
    b.join(ads, wang, minutes=60)
    b.report(ads, liaison, ReportStatus.approved, quantity=8)
    db.session.commit()
    with unit_of_work():
        bikes = directory.create_category(admin, CategoryData(
            code="bike_tidy", name="共享单车整理", section=Section.double, activity_unit="次",
            quantity_unit="辆"))
    with unit_of_work():
        item = directory.create_resource_item(admin, ResourceItemData(
            unit_id=unit.id, community_id=community.id, category_id=bikes.id, year=day.year,
            target=500, zone_id=zone.id, target_measure=TargetMeasure.quantity))
    with unit_of_work():
        record_past_activity(liaison, item, BackfillData(
            title="整理共享单车", place="解放路", starts_local=datetime(day.year, day.month,
                                                                  day.day, 9),
            ends_local=datetime(day.year, day.month, day.day, 11),
            participants=[Participant(zhang), Participant(wang)], leader=zhang, note="补录",
            quantity=120))
    return unit, community, zone, admin, liaison, bikes


def _cells(row) -> dict:
    """A page's table row as {card label: the figure} (a target's progress bar left out)."""
    return {td.get("data-label"): (td.text or "").strip() for td in row.findall("td")}


def test_the_double_view_counts_the_admins_own_double_category(app, client, login):
    unit, community, zone, admin, liaison, bikes = _county()
    day, month = _month()
    login(liaison)
    page = lxml.html.fromstring(client.get(
        f"/progress/double?community={community.id}&period=month&month={month}").data)
    row = _cells(page.xpath(f'//tr[@data-key="{zone.id}"]')[0])
    assert {label: row[label] for label in ZONE_ROW} == {k: str(v) for k, v in ZONE_ROW.items()}
    assert (row["牛皮癣（处）"], row["共享单车整理（辆）"], row["共享单车整理/目标"]) == (
        "8", "120", "120/500")
    stats = {s.xpath("string(span)"): s.xpath("string(b)") for s in page.xpath('//*[@class="stat"]')}
    assert (stats["参与人次"], stats["参与党员（人）"], stats["服务时长（小时）"],
            stats["共享单车整理（辆）"]) == ("3", "2", "5.0", "120")

    # the county's year by community: read from the kept summaries
    login(admin)
    page = lxml.html.fromstring(client.get(
        f"/progress/double?community=all&period=year&year={day.year}").data)
    row = _cells(page.xpath(f'//tr[@data-key="{community.id}"]')[0])
    assert {label: row[label] for label in ZONE_ROW} == {k: str(v) for k, v in ZONE_ROW.items()}
    assert (row["共享单车整理（辆）"], row["共享单车整理/目标"]) == ("120", "120/500")
    assert_in_sync()  # the kept summaries are what a rebuild derives


ZONES_HEADER = ["社区", "责任区", "清除牛皮癣（处）", "粉刷楼道（个）", "其他“双创”工作",
                "摸排问题（处）", "已移交（处）", "已整改（处）", "本月移交（处）",
                "本月整改（处）", "人次"]
ZONE_LINE = ["解放路社区", "第1责任区", "8", "0", "共享单车整理120辆", "0", "0", "0", "0", "0",
             "3"]
TOTAL_LINE = ["合计", "", "8", "0", "共享单车整理120辆", "0", "0", "0", "0", "0", "3"]


def test_the_summarys_zone_table_and_text_count_it_too(app, client, login):
    unit, community, zone, admin, liaison, bikes = _county()
    day, month = _month()
    login(admin)
    query = f"unit={unit.id}&month={month}"

    page = lxml.html.fromstring(client.get(f"/reports/?{query}").data)
    table = next(t for t in page.xpath("//table")
                 if "其他“双创”工作" in [th.text_content().strip() for th in t.xpath(".//th")])
    rows = [[c.text_content().strip() for c in tr.xpath("./th|./td")] for tr in
            table.xpath(".//tr")]
    assert rows == [ZONES_HEADER, ZONE_LINE, TOTAL_LINE]

    document = Document(io.BytesIO(client.get(f"/reports/monthly.docx?{query}").data))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    index = next(i for i, text in enumerate(headings) if text.endswith("　责任区进展"))
    word = [[cell.text.replace("\n", "") for cell in r.cells]
            for r in document.tables[index].rows]
    assert word == [ZONES_HEADER, ZONE_LINE, TOTAL_LINE]

    book = load_workbook(io.BytesIO(client.get(f"/reports/monthly.xlsx?{query}").data))
    sheet = [[c if c is not None else "" for c in r]
             for r in book["责任区进展"].iter_rows(min_row=3, values_only=True)]
    assert [[h.replace("\n", "") for h in sheet[0]], *sheet[1:]] == [
        ZONES_HEADER, *[[int(c) if c.isdigit() else c for c in line]
                        for line in (ZONE_LINE, TOTAL_LINE)]]

    summary = build_summary(day.year, day.month, unit=unit)
    text = "".join(p.heading + p.text for p in summary.paragraphs)
    assert "开展共享单车整理1次，完成120辆" in text
    by_category = next(t for t in summary.tables() if t.key == "categories")
    assert [str(c) for c in next(r for r in by_category.rows if r[0] == "共享单车整理")] == [
        "共享单车整理", "1次", "120辆", "—", "2", "2", "4.0"]


def test_a_month_without_such_work_keeps_the_three_columns(app):
    """The column is there only when an admin's own "双创" category did work: a month of
    the reference categories only reads as before."""
    unit, community, zone, admin, liaison, bikes = _county()
    day, _month_text = _month()
    earlier = day.replace(day=1) - timedelta(days=1)
    task = b.task_on(f.item(unit, community, "ad_removal", year=earlier.year, zone=zone),
                     liaison, earlier)
    b.join(task, liaison)
    b.report(task, liaison, ReportStatus.approved, quantity=3)
    db.session.commit()
    summary = build_summary(earlier.year, earlier.month, unit=unit)
    zones = next(t for t in summary.tables() if t.key == "zones")
    assert "其他“双创”工作" not in zones.headers and len(zones.headers) == 10
