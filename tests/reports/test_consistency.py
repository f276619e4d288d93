"""Every official figure that appears in more than one place is the same number in
each: the community view, the “双创” view, the coverage page, and the 月报 as a web
page, a .docx, an .xlsx and a .csv — for one community, for two communities
together, and for the whole unit.

The figures are read back from what a reader gets (the pages' ``data-figure``
values, the documents' text), never from the objects that produced them, and
compared with each other; the October dataset (tests/reports/dataset.py) has work
in every state, findings, funds against a budget, two communities and another
unit's activity in one of them.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from docx import Document
from openpyxl import load_workbook

MONTH = "2022-10"
PERIOD = f"period=month&month={MONTH}"


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def figures_of(html: str) -> dict:
    """Every data-figure of a page: {name: text}."""
    return {name: value.strip() for name, value in
            re.findall(r'data-figure="([^"]+)">([^<]*)<', html)}


# --- what a 月报 says, read from its text ----------------------------------------------------

SAYS = {
    "activities": r"开展共建活动((?:\d+[场次]、?)+)",  # per word: 3场、6次
    "person_times": r"参与党员干部(\d+)人次（\d+人）",
    "members": r"参与党员干部\d+人次（(\d+)人）",
    "hours": r"累计志愿服务([\d.]+)小时",
    "found": r"破损道路问题(\d+)处",
    "handed_over": r"已移交相关部门(\d+)处",
    "fixed": r"已整改(\d+)处",
    "fund_spent": r"本月使用共建活动经费([\d,.]+)元",
    "fund_ytd": r"年度累计([\d,.]+)元",
    "fund_budget": r"占年度预算（([\d,.]+)元）",
    "fund_used": r"占年度预算（[\d,.]+元）的([\d.]+%)",
    "pending": r"(另有\d+份完成情况待审核.*?未计入以上数据。)",
    "on_roll": r"在册党员干部(\d+)人",
    "took_part": r"本月(?:在[^，。]*?)?参与(\d+)人",  # 在…社区: a part of the unit
    "rate": r"参与率([\d.]+%)",
}


def per_word(*texts: str) -> dict[str, int]:
    """Activities said per word (「3场、6次」), added up word by word: {"场": 3, "次": 6}."""
    words: dict[str, int] = {}
    for text in texts:
        for n, word in re.findall(r"(\d+)([场次])", text):
            words[word] = words.get(word, 0) + int(n)
    return words


def said(text: str) -> dict:
    text = compact(text)
    found = {}
    for name, pattern in SAYS.items():
        match = re.search(pattern, text)
        if match:
            found[name] = match.group(1)
    return found


def summary_texts(client, query: str) -> dict:
    """The 月报 of ``query`` as each format's reader gets it: {format: text}."""
    texts = {"page": re.sub(r"<[^>]+>", "", page(client, f"/reports/?{query}"))}
    docx = Document(io.BytesIO(client.get(f"/reports/monthly.docx?{query}").data))
    texts["docx"] = "\n".join(p.text for p in docx.paragraphs)
    book = load_workbook(io.BytesIO(client.get(f"/reports/monthly.xlsx?{query}").data))
    texts["xlsx"] = "\n".join(str(c.value) for c in book["汇总"]["A"] if c.value)
    data = client.get(f"/reports/monthly.csv?{query}").data.decode("utf-8-sig")
    texts["csv"] = "\n".join(row[0] for row in csv.reader(io.StringIO(data)) if row)
    return texts


def the_same_in_every_format(client, query: str) -> dict:
    texts = summary_texts(client, query)
    readings = {fmt: said(text) for fmt, text in texts.items()}
    first = readings["docx"]
    for fmt, reading in readings.items():
        assert reading == first, (fmt, reading, first)
    return first


# --- one community -----------------------------------------------------------------------------

def one_community_reads_the_same(client, community_id: int, month: str) -> dict:
    period = f"period=month&month={month}"
    view = figures_of(page(client, f"/progress/community?community={community_id}&{period}"))
    double_page = page(client, f"/progress/double?community={community_id}&{period}")
    double = figures_of(double_page)
    summary = the_same_in_every_format(client, f"community={community_id}&month={month}")

    assert (view["activities"], view["person_times"], view["members"], view["hours"]) == (
        summary.get("activities", "0"), summary.get("person_times", "0"),
        summary.get("members", "0"), summary.get("hours", "0.0")), (view, summary)
    if "no_activity" in view:  # a month with no activity says so instead of a table of 0
        assert view["person_times"] == "0" and view["activities"] == "0", view
    else:
        assert view["person_times"] == view["person_times_total"]
        assert view["activities"] == view["activities_total"]
    # Findings: the community view, the “双创” view and the 月报 (approved surveys only).
    if "found" in summary:
        assert view["findings"] == double["found"] == summary["found"]
        # the 月报 says nothing of none handed over or fixed yet (as the source report)
        assert double["handed_over"] == summary.get("handed_over", "0")
        assert double["fixed"] == summary.get("fixed", "0")
    elif "found" in double:
        assert view["findings"] == double["found"] == "0"
    else:
        # a community with no zone and no “双创” work shows only that, no row of zeros
        # (review "setup" #7): none found, as the other pages say
        assert view["findings"] == "0" and "该社区没有责任区" in double_page
    # Funds: spent, year to date, budget, the share used — one format everywhere.
    if "fund_spent" in summary:
        # the 月报 leaves out a year to date that is the month's own (January's)
        said = {"fund_ytd": summary["fund_spent"], **summary}
        for key in ("fund_spent", "fund_ytd", "fund_budget", "fund_used"):
            if key in said:
                assert view[key] == said[key], key
    # Pending: the same sentence on both views and in the 月报.
    assert view.get("pending") == summary.get("pending")
    if "pending" in double or "found" in summary:
        assert double.get("pending") == summary.get("pending")
    return summary


@pytest.mark.parametrize("name", ["jiefang", "jianshe"])
def test_one_community_reads_the_same_on_every_page_and_export(client, login, october, name):
    login(october.liaison)
    summary = one_community_reads_the_same(client, getattr(october, name).id, MONTH)
    assert "activities" in summary


# --- two communities together ------------------------------------------------------------------

def test_two_communities_together_are_the_sum_of_each(client, login, october):
    """A liaison's views default to both communities; what adds up is the sum of the
    two communities' 月报 (distinct members do not add up and are left out)."""
    login(october.liaison)
    both = figures_of(page(client, f"/progress/community?{PERIOD}"))
    double = figures_of(page(client, f"/progress/double?{PERIOD}"))
    each = [the_same_in_every_format(client, f"community={c.id}&month={MONTH}")
            for c in (october.jiefang, october.jianshe)]
    assert int(both["person_times"]) == sum(int(s.get("person_times", 0)) for s in each)
    # the activities add up per word (场 with 场, 次 with 次), never 场 and 次 together
    assert per_word(both["activities"]) == per_word(*(s.get("activities", "") for s in each))
    assert float(both["hours"]) == sum(float(s.get("hours", 0)) for s in each)
    assert int(both["findings"]) == int(double["found"]) == sum(int(s.get("found", 0))
                                                               for s in each)
    assert int(double["handed_over"]) == sum(int(s.get("handed_over", 0)) for s in each)
    pending = [re.search(r"另有(\d+)份", s["pending"]) for s in each if "pending" in s]
    assert re.search(r"另有(\d+)份", both["pending"]).group(1) == str(
        sum(int(m.group(1)) for m in pending))


# --- the whole unit ----------------------------------------------------------------------------

def test_the_unit_reads_the_same_in_its_summary_and_on_the_coverage_page(client, login,
                                                                          october):
    login(october.admin)
    summary = the_same_in_every_format(client, f"unit={october.unit.id}&month={MONTH}")
    coverage = figures_of(page(client, f"/progress/coverage?unit={october.unit.id}&{PERIOD}"))
    assert (coverage["on_roll"], coverage["took_part"], coverage["rate"]) == (
        summary["on_roll"], summary["took_part"], summary["rate"])
    assert coverage["person_times"] == summary["person_times"]
    assert coverage["hours"] == summary["hours"]
    # The unit's 月报 tables say what its text says.
    docx = Document(io.BytesIO(client.get(
        f"/reports/monthly.docx?unit={october.unit.id}&month={MONTH}").data))
    cells = {compact(cell.text) for table in docx.tables for row in table.rows
             for cell in row.cells}
    for key in ("fund_spent", "fund_ytd", "fund_budget", "fund_used", "rate", "hours"):
        assert summary[key] in cells, key
    # The liaison's part of the unit (both communities) is the unit's own figures here.
    login(october.liaison)
    part = the_same_in_every_format(client, f"unit={october.unit.id}&month={MONTH}")
    assert part == summary


def test_the_reader_finds_every_figure_it_compares(client, login, october):
    """(The comparisons above read something: the unit's 月报 says every figure.)"""
    login(october.admin)
    summary = the_same_in_every_format(client, f"unit={october.unit.id}&month={MONTH}")
    assert set(summary) == set(SAYS)
    assert (summary["found"], summary["fund_used"], summary["on_roll"]) == ("17", "84.0%", "15")


# --- the demo world ----------------------------------------------------------------------------

def test_the_demo_world_reads_the_same_on_every_page_and_export(seeded_demo, client, login):
    """What a newcomer sees after `make run`: last month and this month, for each of the
    liaison's communities and for the unit, on every page and in every format."""
    from tracker.demo import DEMO_PASSWORD
    from tracker.extensions import db
    from tracker.timeutil import local_today

    today = local_today()
    world = seeded_demo(today)
    last_day = today.replace(day=1) - timedelta(days=1)
    last = last_day.strftime("%Y-%m")
    # the demo finalises last month: its document is kept, as a liaison's 定稿 keeps it
    from sqlalchemy import select

    from tracker.models import SummaryCopy

    copy = db.session.scalar(select(SummaryCopy))
    assert copy is not None and copy.reopened_at is None
    assert copy.title == f"{world.unit.name}{last_day.year}年{last_day.month}月社区共建工作情况"
    read_something = False
    for month in (last, today.strftime("%Y-%m")):
        login(world.liaison, DEMO_PASSWORD)
        for community in world.liaison.communities:
            summary = one_community_reads_the_same(client, community.id, month)
            read_something |= "activities" in summary
        login(world.admin, DEMO_PASSWORD)
        summary = the_same_in_every_format(client, f"unit={world.unit.id}&month={month}")
        coverage = figures_of(page(client, f"/progress/coverage?unit={world.unit.id}"
                                           f"&period=month&month={month}"))
        assert coverage["on_roll"] == "28"  # thirty accounts, two of them staff
        if month == last or "on_roll" in summary:  # early in a month there may be nothing yet
            assert (coverage["on_roll"], coverage["took_part"], coverage["rate"]) == (
                summary["on_roll"], summary["took_part"], summary["rate"])
    assert read_something
