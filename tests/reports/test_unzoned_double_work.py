"""“双创” work on an item with no 责任区 (figures52 #3).

The 附表“责任区进展” files such work under 「未分责任区」, so section 三 does not say the
groups went to the community's 责任区 when all or part of the month's work is on no zone:
it says they went to the community (which holds its zones too). And 「未分责任区」 is the
last row in the 附表 and on the “双创”进展 page, which says its table is the 附表's.
"""
import io
import re
from datetime import date, datetime, timedelta, timezone

from docx import Document
from openpyxl import load_workbook

from tests import factories as f
from tests.reports.test_exports import docx_table
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, Finding, ReportStatus, TaskReport
from tracker.reports.annual import build_annual
from tracker.reports.exports import render_docx, render_xlsx
from tracker.reports.summary import build_summary
from tracker.services.findings import hand_over

SECTION = "二、协同推进“双创”工作。"  # November's 一 is 参与志愿服务 (十一月整治)


def ads_removed(world, zone, spots: int, day: int, *, community=None):
    """An approved 清除牛皮癣 of 县商务局 in ``community`` (建设路社区 unless given) on
    ``day`` November 2022, on ``zone`` (None: an item with no 责任区), with one member
    taking part."""
    task = f.task(f.item(world.unit, community or world.jianshe, "ad_removal", year=2022,
                         zone=zone),
                  world.liaison, starts_at=datetime(2022, 11, day, 1, tzinfo=timezone.utc),
                  duration=timedelta(hours=2))
    db.session.add(Assignment(task_id=task.id, member_id=world.members["王芳"].id,
                              status=AssignmentStatus.done, minutes=120))
    db.session.add(TaskReport(task_id=task.id, quantity=spots, people_served=0, note="清除",
                              status=ReportStatus.approved, submitted_by_id=world.liaison.id,
                              reviewed_by_id=world.liaison.id))
    db.session.commit()


def section_double(summary) -> str:
    [text] = [p.text for p in summary.paragraphs if p.heading.endswith(SECTION[2:])]
    return text


def zone_names(summary) -> list[str]:
    [table] = [t for t in summary.tables() if t.key == "zones"]
    return [row[1] for row in table.rows]


def same_in_word_and_excel(summary, text: str, names: list[str]) -> None:
    docx = Document(io.BytesIO(render_docx(summary)))
    assert SECTION + text in [p.text for p in docx.paragraphs]
    assert [row[1] for row in docx_table(docx, "责任区进展")[1:]] == names
    book = load_workbook(io.BytesIO(render_xlsx(summary)))
    cells = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
             if c.value is not None]
    assert any(SECTION + text in c.replace("\n", "") for c in cells)
    sheet = next(ws for ws in book.worksheets if "责任区进展" in ws.title)
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[1] == "责任区")
    assert [r[1] or "" for r in rows[header + 1:] if any(r)] == names


def test_work_on_no_zone_only_is_said_to_be_in_the_community(october):
    ads_removed(october, None, 7, 20)
    november = build_summary(2022, 11, unit=october.unit)
    text = "按照“双创”工作安排，组织党员干部分组前往建设路社区，清除牛皮癣7处。"
    assert section_double(november) == text
    assert zone_names(november) == ["未分责任区", ""]  # and the 合计
    same_in_word_and_excel(november, text, ["未分责任区", ""])


def test_work_partly_on_no_zone_is_said_to_be_in_the_community(october):
    ads_removed(october, october.zone1, 5, 18)
    ads_removed(october, None, 7, 20)
    november = build_summary(2022, 11, unit=october.unit)
    text = "按照“双创”工作安排，组织党员干部分组前往建设路社区，清除牛皮癣12处（一区5处、未分责任区7处）。"
    assert section_double(november) == text
    same_in_word_and_excel(november, text, ["一区", "未分责任区", ""])


def test_work_all_on_zones_still_goes_to_the_zones(october):
    ads_removed(october, october.zone1, 5, 18)
    november = build_summary(2022, 11, unit=october.unit)
    assert section_double(november) == \
        "按照“双创”工作安排，组织党员干部分组前往建设路社区责任区，清除牛皮癣5处。"


def test_no_zone_is_the_last_row_of_the_table(october):
    """A zone switched off since, listed for a hand-over of the month alone, comes before
    「未分责任区」 too."""
    ads_removed(october, None, 7, 20)
    finding = db.session.scalars(db.select(Finding).where(Finding.handed_over_on.is_(None))
                                 .order_by(Finding.id)).first()
    hand_over(finding, october.admin, "县住建局", date(2022, 11, 25))
    october.zone2.active = False
    db.session.commit()
    november = build_summary(2022, 11, unit=october.unit)
    assert zone_names(november) == ["二区", "未分责任区", ""]


def test_the_double_page_lists_no_zone_last_as_the_table_does(client, login, october):
    ads_removed(october, october.zone1, 5, 18)
    ads_removed(october, None, 7, 20)
    login(october.admin)
    html = client.get(f"/progress/double?community={october.jianshe.id}&period=month"
                      "&month=2022-11").get_data(as_text=True)
    rows = re.findall(r'<tr data-key="[^"]*">\s*<th scope="row">([^<]*)<', html)
    assert rows == ["一区", "二区", "未分责任区"]
    assert zone_names(build_summary(2022, 11, unit=october.unit)) == ["一区", "未分责任区", ""]



def test_the_year_says_the_same_of_work_partly_on_no_zone(october):
    """The 年度总结's section 三 follows the 月报's rule: 2022's 牛皮癣 in 一区 and 二区
    (October) and on no zone (November)."""
    ads_removed(october, None, 7, 20)
    [text] = [p.text for p in build_annual(2022, unit=october.unit).paragraphs
              if p.heading.endswith("协同推进“双创”工作。")]
    assert text == ("按照“双创”工作安排，全年组织党员干部分组前往建设路社区，"
                    "清除牛皮癣139处（一区47处、二区85处、未分责任区7处），粉刷楼道9个，"
                    "摸排统计下水道、人行道及其他破损道路问题17处（下水道5处、人行道7处、"
                    "破损道路5处），已移交相关部门11处，已整改3处。")
