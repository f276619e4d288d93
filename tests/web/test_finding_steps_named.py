"""A 摸排 finding's page is its history: beside the 移交 and the 整改 it names who recorded
each step and when, in Asia/Shanghai time (walk56: the page showed the dates, only the
audit log said who marked a finding fixed) — within the page's budget of 6 statements
(docs/design.md, "Budgets")."""
from __future__ import annotations

from datetime import time

from sqlalchemy import select

from tests.clock import set_app_clock
from tests.page_statements import page_statements
from tests.web.progress_setup import build_double
from tracker.extensions import db
from tracker.models import Finding, FindingStatus
from tracker.timeutil import local_today


def test_the_page_names_who_recorded_the_hand_over_and_the_fix(client, login, world,
                                                                count_queries, monkeypatch):
    day = set_app_clock(monkeypatch, local_today(), time(9, 30))  # Beijing time
    double = build_double(world)
    finding = double.finding
    page = f"/progress/findings/{finding.id}"
    today = day.isoformat()

    login(world.liaison)
    assert client.post(f"{page}/hand-over", data={
        "handed_to": "县住建局市政所", "handed_over_on": today}).status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert f"联络员甲 登记于 {today} 09:30" in html
    assert "登记于" in html.split("移交给", 1)[1].split("</dd>", 1)[0]  # beside the 移交

    set_app_clock(monkeypatch, day, time(16, 45))
    login(world.admin)
    assert client.post(f"{page}/fix", data={"fixed_on": today}).status_code == 302
    count, html = page_statements(client, login, count_queries, world.liaison, page)
    fixed = html.split("整改日期", 1)[1].split("</dd>", 1)[0]
    assert f"管理员 登记于 {today} 16:45" in fixed
    assert f"联络员甲 登记于 {today} 09:30" in html.split("移交给", 1)[1].split("</dd>", 1)[0]
    assert count <= 6, count  # the 摸排问题 pages' budget


def test_a_step_with_no_one_on_record_names_only_its_date(client, login, world):
    """The demo's and an older release's findings may have no audit row for a step: the
    page says what it knows, the date, and no empty 「登记于」."""
    double = build_double(world)  # its findings written as rows: no step on record
    login(world.liaison)
    fixed = db.session.scalar(select(Finding).where(
        Finding.task_id == double.survey.id, Finding.status == FindingStatus.fixed))
    html = client.get(f"/progress/findings/{fixed.id}").get_data(as_text=True)
    assert "整改日期" in html and "移交给" in html
    assert "登记于" not in html
