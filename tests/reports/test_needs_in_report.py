"""需求清单 / 微心愿 in the 月报: the needs the liaison confirmed fulfilled in the month
are told in the text ("完成微心愿N个") and tabled, in every format. A unit's 月报
counts the needs its members claimed; a community's, every need of the community."""
from __future__ import annotations

import csv
import re
import io
from datetime import date

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from tests.needs.support import need
from tracker.extensions import db
from tracker.models import Member, NeedKind, NeedStatus
from tracker.reports.csv_export import render_csv
from tracker.reports.docx_export import render_docx
from tracker.reports.summary import build_summary
from tracker.reports.xlsx_export import render_xlsx
from tests.plans import paragraph_text


def _needs(o):
    member = next(iter(o.members.values()))
    stranger = db.session.scalar(select(Member).where(Member.name == "财政局党员"))

    def add(kind, fulfilled, claimer=member, posted=date(2022, 10, 2)):
        need(o.jiefang, o.liaison, kind=kind, posted_on=posted, wanted_by=date(2022, 10, 30),
             status=NeedStatus.fulfilled if fulfilled else NeedStatus.open,
             claimer=claimer if fulfilled else None, fulfilled_on=fulfilled)

    add(NeedKind.wish, date(2022, 10, 8))
    add(NeedKind.wish, date(2022, 10, 31))
    add(NeedKind.need, date(2022, 10, 15))
    add(NeedKind.wish, date(2022, 11, 1), posted=date(2022, 10, 20))  # November's
    add(NeedKind.wish, date(2022, 10, 9), claimer=stranger)  # another unit's member
    add(NeedKind.need, None, posted=date(2022, 10, 5))  # posted, nobody has claimed it
    db.session.commit()


def _pairing(summary) -> str:
    return next(p.text for p in summary.paragraphs if "落实结对共建责任" in p.heading)


def test_a_units_report_counts_what_its_members_fulfilled(october):
    _needs(october)
    summary = build_summary(2022, 10, unit=october.unit)
    assert "认领社区需求清单，完成微心愿2个、社区需求1条。" in _pairing(summary)
    table = next(t for t in summary.tables() if t.key == "needs")
    # posted in October and claimed by the unit's members: the three above and November's
    assert table.rows == [[4, 3, 2]]


def test_a_communitys_report_counts_every_need_of_it(october):
    _needs(october)
    summary = build_summary(2022, 10, community=october.jiefang)
    assert "认领社区需求清单，完成微心愿3个、社区需求1条。" in _pairing(summary)
    assert next(t for t in summary.tables() if t.key == "needs").rows == [[6, 4, 3]]


def test_only_wishes_and_an_empty_month(october):
    need(october.jiefang, october.liaison, kind=NeedKind.wish, posted_on=date(2022, 8, 1),
         wanted_by=date(2022, 8, 30), status=NeedStatus.fulfilled,
         claimer=october.liaison, fulfilled_on=date(2022, 8, 10))
    db.session.commit()
    summary = build_summary(2022, 8, unit=october.unit)
    assert [p.text for p in summary.paragraphs] == [
        "本月暂无已审核的共建活动。", "认领社区需求清单，完成微心愿1个。"]


def test_every_format_says_and_tables_it(october):
    _needs(october)
    summary = build_summary(2022, 10, unit=october.unit)
    sentence = "完成微心愿2个、社区需求1条"
    document = Document(io.BytesIO(render_docx(summary)))
    assert any(sentence in p.text for p in document.paragraphs)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    index = next(i for i, text in enumerate(headings) if text.endswith("需求清单和微心愿"))
    assert [c.text for c in document.tables[index].rows[1].cells] == ["4", "3", "2"]
    book = load_workbook(io.BytesIO(render_xlsx(summary)))
    assert any(sentence in paragraph_text(row[0] or "")
               for row in book["汇总"].iter_rows(values_only=True))
    rows = [list(r) for r in book["需求清单和微心愿"].iter_rows(values_only=True)]
    assert [4, 3, 2] in rows
    lines = list(csv.reader(io.StringIO(render_csv(summary).decode("utf-8-sig"))))
    assert any(sentence in line[0] for line in lines if line)
    at = lines.index(["需求清单和微心愿"])
    assert lines[at + 2] == ["4", "3", "2"]


def test_the_page_says_and_tables_it(client, login, october):
    _needs(october)
    login(october.admin)
    html = client.get(f"/reports/?unit={october.unit.id}&month=2022-10").get_data(as_text=True)
    assert "认领社区需求清单，完成微心愿2个、社区需求1条。" in html
    table = html.split('id="table-needs"', 1)[1].split("</section>", 1)[0]
    assert "需求清单和微心愿" in table
    assert [cell.strip() for cell in re.findall(r"<td[^>]*>([^<]*)</td>", table)] == ["4", "3", "2"]
