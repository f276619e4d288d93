"""Details of the 月报 as a document the bureau signs: the period it covers (a month
still running says so, a month to come has no 月报), and dates in the 附表 written as
the text writes them (10月8日: the year and month are in the heading)."""
import io
from datetime import date

from docx import Document
from openpyxl import load_workbook

from tracker.reports.summary import build_summary
from tracker.timeutil import local_today


def next_month(day: date) -> str:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return f"{year}-{month:02d}"


def test_a_month_still_running_is_covered_up_to_today_and_said_to_be_running(october):
    running = build_summary(2022, 10, unit=october.unit, today=date(2022, 10, 3))
    assert running.subtitle[0] == "统计时间：2022年10月1日至10月3日（本月尚未结束）"
    assert running.signed_on == "2022年10月3日"
    over = build_summary(2022, 10, unit=october.unit, today=date(2022, 11, 3))
    assert over.subtitle[0] == "统计时间：2022年10月1日至10月31日"


def test_the_running_month_downloads_say_so_too(client, login, october):
    login(october.admin)
    today = local_today()
    docx = Document(io.BytesIO(client.get(
        f"/reports/monthly.docx?unit={october.unit.id}&month={today:%Y-%m}").data))
    text = "\n".join(p.text for p in docx.paragraphs)
    assert (f"统计时间：{today.year}年{today.month}月1日至{today.month}月{today.day}日"
            "（本月尚未结束）") in text


def test_a_month_to_come_has_no_summary_on_the_page_or_in_the_downloads(client, login,
                                                                      october):
    login(october.admin)
    month = next_month(local_today())
    page = client.get(f"/reports/?unit={october.unit.id}&month={month}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "这个月份还没有到，月报只能生成本月及以前的月份。" in text
    assert "社区共建工作情况" not in text.split("</form>", 1)[-1]
    for fmt in ("docx", "xlsx", "csv"):
        response = client.get(f"/reports/monthly.{fmt}?unit={october.unit.id}&month={month}")
        assert response.status_code == 400
        assert "这个月份还没有到" in response.get_data(as_text=True)
    # 定稿 of a month to come is refused the same way
    response = client.post(f"/reports/finalize?unit={october.unit.id}&month={month}", data={"confirmed": "1"})
    assert response.status_code == 400 and "这个月份还没有到" in response.get_data(as_text=True)


def test_dates_in_the_tables_are_written_as_the_text_writes_them(client, login, october):
    login(october.admin)
    query = f"unit={october.unit.id}&month=2022-10"
    summary = build_summary(2022, 10, unit=october.unit)
    ledger = summary.tables()[0]
    assert ledger.headers[1] == "日期" and str(ledger.rows[0][1]) == "10月8日"
    # the page
    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert ">10月8日</td>" in page and "2022-10-08" not in page
    # the .docx
    docx = Document(io.BytesIO(client.get(f"/reports/monthly.docx?{query}").data))
    cells = [c.text for t in docx.tables for row in t.rows for c in row.cells]
    assert "10月8日" in cells and not any("2022-10" in c for c in cells)
    # the .xlsx: a date, shown as 10月8日
    book = load_workbook(io.BytesIO(client.get(f"/reports/monthly.xlsx?{query}").data))
    days = [cell for sheet in book.worksheets if sheet.title != "参与明细"
            for row in sheet.iter_rows() for cell in row if getattr(cell, "is_date", False)]
    assert days and all(cell.number_format == 'm"月"d"日"' for cell in days)
    assert days[0].value.date() == date(2022, 10, 8)
