"""A 「未分责任区」 row per community in the 附表“责任区进展” (words53, zones52's open
「未分责任区」 row).

Work on no 责任区 is its community's: a document over several communities (a unit's)
names the community of each 「未分责任区」 row, one row per community,
after the zones, in the communities' order (建设路社区 before 解放路社区, as section 三
names them); section 三 tells the same rows. A community's document keeps its single
row, with its 社区.
"""
import io
import re
from datetime import date

from docx import Document
from openpyxl import load_workbook

from tests.reports.test_exports import docx_table
from tests.reports.test_unzoned_double_work import ads_removed, section_double
from tracker.extensions import db
from tracker.models import Finding
from tracker.reports.exports import render_docx, render_xlsx
from tracker.reports.summary import build_summary
from tracker.services.findings import hand_over

HEADER = ["社区", "责任区", "清除牛皮癣（处）", "粉刷楼道（个）", "摸排问题（处）",
          "已移交（处）", "已整改（处）", "本月移交（处）", "本月整改（处）", "人次"]


def two_communities_off_zones(world) -> None:
    """November 2022: 清除牛皮癣 on 建设路社区's 一区 (5处), on no zone in 建设路社区 (7处)
    and on no zone in 解放路社区 (3处), one person-time each."""
    ads_removed(world, world.zone1, 5, 18)
    ads_removed(world, None, 7, 20)
    ads_removed(world, None, 3, 22, community=world.jiefang)


ROWS = [
    ["建设路社区", "一区", "5", "0", "0", "0", "0", "0", "0", "1"],
    ["建设路社区", "未分责任区", "7", "0", "0", "0", "0", "0", "0", "1"],
    ["解放路社区", "未分责任区", "3", "0", "0", "0", "0", "0", "0", "1"],
    ["合计", "", "15", "0", "0", "0", "0", "0", "0", "3"],
]
TEXT = ("按照“双创”工作安排，组织党员干部分组前往建设路社区、解放路社区，清除牛皮癣15处"
        "（建设路社区一区5处、建设路社区未分责任区7处、解放路社区未分责任区3处）。")


def zones_table(summary) -> list[list[str]]:
    [table] = [t for t in summary.tables() if t.key == "zones"]
    return [[str(cell) for cell in row] for row in table.rows]


def word_rows(summary) -> list[list[str]]:
    return docx_table(Document(io.BytesIO(render_docx(summary))), "责任区进展")


def excel_rows(summary) -> list[list[str]]:
    book = load_workbook(io.BytesIO(render_xlsx(summary)))
    sheet = next(ws for ws in book.worksheets if "责任区进展" in ws.title)
    # a header wider than its column is broken before its bracket: read as one line
    rows = [["" if c.value is None else str(c.value).replace("\n", "") for c in row]
            for row in sheet.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[:2] == ["社区", "责任区"])
    return [r for r in rows[header:] if any(r)]


def page_rows(html: str) -> list[list[str]]:
    section = html[html.index('id="table-zones"'):]
    section = section[:section.index("</section>")]
    return [[re.sub(r"<[^>]+>|\s+", "", cell) for cell in
             re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", section, re.S)]


def test_a_month_of_two_communities_has_a_no_zone_row_per_community(october):
    """县商务局's 月报 covers 建设路社区 and 解放路社区 (a 月报 is a unit's or a
    community's: the county's documents are its units' and communities')."""
    two_communities_off_zones(october)
    summary = build_summary(2022, 11, unit=october.unit)
    assert zones_table(summary) == ROWS
    assert word_rows(summary) == [HEADER, *ROWS]
    assert excel_rows(summary) == [HEADER, *ROWS]
    assert section_double(summary) == TEXT


def test_the_units_month_page_and_files_say_whose_work_is_on_no_zone(client, login, october):
    two_communities_off_zones(october)
    login(october.admin)
    query = f"unit={october.unit.id}&month=2022-11"
    assert page_rows(client.get(f"/reports/?{query}").get_data(as_text=True)) == \
        [HEADER, *ROWS]
    word = Document(io.BytesIO(client.get(f"/reports/monthly.docx?{query}").data))
    assert docx_table(word, "责任区进展") == [HEADER, *ROWS]
    summary = build_summary(2022, 11, unit=october.unit)
    assert excel_rows(summary) == [HEADER, *ROWS]
    assert section_double(summary) == TEXT


def test_a_communitys_month_keeps_one_no_zone_row_with_its_community(october):
    two_communities_off_zones(october)
    jiefang = build_summary(2022, 11, community=october.jiefang)
    assert zones_table(jiefang) == [
        ["解放路社区", "未分责任区", "3", "0", "0", "0", "0", "0", "0", "1"],
        ["合计", "", "3", "0", "0", "0", "0", "0", "0", "1"],
    ]
    assert section_double(jiefang) == \
        "按照“双创”工作安排，组织党员干部分组前往解放路社区，清除牛皮癣3处。"


def test_a_step_of_a_finding_on_no_zone_is_its_communitys_row(october):
    """A hand-over of the month of a finding on no zone goes in its community's
    「未分责任区」 row, not in another community's."""
    two_communities_off_zones(october)
    finding = db.session.scalars(db.select(Finding).where(Finding.handed_over_on.is_(None))
                                 .order_by(Finding.id)).first()
    finding.zone_id, finding.community_id = None, october.jiefang.id
    db.session.commit()
    hand_over(finding, october.admin, "县住建局", date(2022, 11, 25))
    rows = zones_table(build_summary(2022, 11, unit=october.unit))
    assert [r[:2] + r[7:9] for r in rows] == [
        ["建设路社区", "一区", "0", "0"],
        ["建设路社区", "未分责任区", "0", "0"],
        ["解放路社区", "未分责任区", "1", "0"],
        ["合计", "", "1", "0"],
    ]


def test_a_no_zone_row_of_a_step_alone_keeps_its_communitys_place(october):
    """建设路社区's 「未分责任区」 row, there for a hand-over of the month of an October
    finding on no zone alone, comes before 解放路社区's, there for its work: the
    communities' order, not the order the rows were found in."""
    ads_removed(october, None, 3, 22, community=october.jiefang)
    finding = db.session.scalars(db.select(Finding).where(Finding.handed_over_on.is_(None))
                                 .order_by(Finding.id)).first()
    finding.zone_id = None  # 建设路社区's, found in October
    db.session.commit()
    hand_over(finding, october.admin, "县住建局", date(2022, 11, 25))
    rows = zones_table(build_summary(2022, 11, unit=october.unit))
    assert [r[:3] + r[7:9] for r in rows] == [
        ["建设路社区", "未分责任区", "0", "1", "0"],
        ["解放路社区", "未分责任区", "3", "0", "0"],
        ["合计", "", "3", "1", "0"],
    ]
