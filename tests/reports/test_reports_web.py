"""The 月报 page and its downloads, as a liaison and an admin see them."""
import csv
import io
import re

from docx import Document
from openpyxl import load_workbook

from tracker.reports.summary import build_summary


def page_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_page_shows_the_summary_and_links_the_downloads(client, login, october):
    login(october.admin)
    page = page_of(client, f"/reports/?unit={october.unit.id}&month=2022-10")
    summary = build_summary(2022, 10, unit=october.unit)
    assert summary.title in page
    for p in summary.paragraphs:
        assert p.heading + p.text in page.replace('<strong class="report-heading">', "").replace(
            "</strong>", "")
    for fmt in ("docx", "xlsx", "csv"):
        assert f"/reports/monthly.{fmt}?unit={october.unit.id}&amp;month=2022-10" in page
    assert "已超出年度预算" not in page and "84.0%" in page


def test_liaison_default_is_their_unit_limited_to_their_communities(client, login, october):
    october.liaison.communities = [october.jianshe]
    from tracker.extensions import db

    db.session.commit()
    login(october.liaison)
    page = page_of(client, "/reports/?month=2022-10")
    assert "统计范围：建设路社区" in page
    assert "开展共建活动4次" in page
    assert "落实结对共建责任" not in page  # 解放路社区's pairing work is not theirs
    data = client.get(f"/reports/monthly.xlsx?unit={october.unit.id}&month=2022-10").data
    book = load_workbook(io.BytesIO(data))
    assert book["本月活动台账"].max_row == 3 + 4  # title rows + header, then its 4 activities


def test_downloads_have_the_title_as_name(client, login, october):
    login(october.liaison)
    response = client.get(f"/reports/monthly.docx?community={october.jiefang.id}&month=2022-10")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    document = Document(io.BytesIO(response.data))
    assert document.paragraphs[0].text == "解放路社区2022年10月社区共建工作情况"
    response = client.get(f"/reports/monthly.csv?community={october.jiefang.id}&month=2022-10")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["解放路社区2022年10月社区共建工作情况"]


def test_the_phone_numbers_are_a_download_of_their_own_not_in_the_monthly_workbook(
        client, login, october):
    """The 月报 workbook is handed up to the county: its sheets are the listed 附表, no
    member's phone number in any cell. The participations, which bulk 补录 reads back,
    come from their own link on the page."""
    login(october.liaison)
    query = f"unit={october.unit.id}&month=2022-10"
    book = load_workbook(io.BytesIO(client.get(f"/reports/monthly.xlsx?{query}").data))
    cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
             if c.value is not None}
    assert not any(re.search(r"1\d{10}", text) for text in cells)
    assert "参与明细" not in book.sheetnames
    page = page_of(client, f"/reports/?{query}")
    assert "导出参与明细（可再导入）" in page
    assert f"/reports/participations.xlsx?{query}" in page.replace("&amp;", "&")
    response = client.get(f"/reports/participations.xlsx?{query}")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    details = load_workbook(io.BytesIO(response.data))
    assert details.sheetnames == ["参与明细"]
    values = [c.value for row in details["参与明细"].iter_rows() for c in row]
    assert "手机号" in values
    assert any(isinstance(v, str) and re.fullmatch(r"1\d{10}", v) for v in values)


def test_bad_month_on_the_page_and_on_downloads(client, login, october):
    login(october.admin)
    page = page_of(client, "/reports/?month=2022-13")
    assert "月份格式不正确" in page
    assert client.get("/reports/monthly.docx?month=abc").status_code == 400
    assert client.get("/reports/?unit=abc").status_code == 404
    # a month before the house's floor says so (fuzz38 F3), not that it is mistyped
    page = page_of(client, "/reports/?month=1999-12")
    assert "不能早于2000年（本系统不统计更早的工作），请检查年份。" in page
    assert 'value="1999-12"' in page and "月份格式不正确" not in page
    page = page_of(client, "/reports/annual?year=0224")
    assert "不能早于2000年（本系统不统计更早的工作），请检查年份。" in page
    assert "年份格式不正确" not in page


def test_the_empty_month_page(client, login, october):
    login(october.admin)
    page = page_of(client, "/reports/?month=2021-01")
    assert "本月暂无已审核的共建活动。" in page and "（无）" in page


def test_print_stylesheet_is_a4(client, login, world):
    """A report prints on A4 with its tables' headers repeated on each page: the rules
    are in the sheets a report page links (app.css, tables.css for its table, report.css
    for the document: the print rules of the two last were moved out of app.css so
    that a page without a report or a table does not carry them)."""
    import re
    from pathlib import Path

    # the commented sources (static/css is their build, scripts/build_static.py)
    sources = Path(__file__).resolve().parents[2] / "assets" / "css"
    assert "@page { size: A4" in (sources / "app.css").read_text("utf-8")
    tables = (sources / "tables.css").read_text("utf-8")
    block = tables[tables.rindex("@media print"):]
    assert ".report thead { display: table-header-group; }" in block
    assert "@media print" in (sources / "report.css").read_text("utf-8")
    login(world.member)
    page = client.get(f"/reports/records/{world.member.id}").get_data(as_text=True)
    assert '<article class="report">' in page
    linked = set(re.findall(r'/static/css/(\w+)\.css', page))
    assert {"app", "report"} <= linked


def test_the_kept_pickers_follow_the_lists_and_what_was_typed(client, login, october):
    """The unit and community pickers are kept between requests (issue 14) under
    everything they show: a community added since shows at once, the chosen unit
    stays chosen, and a bad month keeps what was typed with its message."""
    import re

    from tests import factories as f
    from tracker.extensions import db
    from tracker.templating import FRAGMENTS

    def pickers(page):
        return re.search(r'<form method="get" action="/reports/".*?</form>', page, re.S).group(0)

    login(october.admin)
    FRAGMENTS.clear()
    url = f"/reports/?unit={october.unit.id}&month=2022-10"
    fresh, kept = (pickers(page_of(client, url)) for _ in range(2))
    assert kept == fresh
    assert re.search(rf'<option selected value="{october.unit.id}">', kept)
    f.community("人民路社区")
    db.session.commit()
    assert "人民路社区" in pickers(page_of(client, url))
    bad = pickers(page_of(client, f"/reports/?unit={october.unit.id}&month=2022-13"))
    assert 'value="2022-13"' in bad and "月份格式不正确" in bad
    assert 'value="2022-10"' in pickers(page_of(client, url))
