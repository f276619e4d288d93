"""The 月报 tells namesakes apart on one set, the people it can name (its roll of the
month's last day, everyone on its activities, their 组长 and 审核人: docs/design.md),
so the page counts that set's namesakes once and every list of the document reads
them: the ledger's 参与人员, 组长 and 审核人 and the 未参与名单 (bench39, finding 4:
counted three times in the page's batch, +16 % of its CPU).

What is counted is recognised in the statements the page runs (counted as production
runs a request, ``tests/page_statements.py``) by the window that counts, for each of
those people, how many have their name — the first thing the rule asks
(``names.COUNTS``: ``namesakes``)."""
from __future__ import annotations

import re

import pytest

from tests import factories as f
from tests.page_statements import counted, warm
from tests.reports.test_participation_story import approved_activity
from tracker.extensions import db

# the window that counts the people of one name: COUNT(*) OVER (PARTITION BY x.name),
# as SQLite and PostgreSQL are sent it
PEOPLE_OF_ONE_NAME = re.compile(r"count\(\*\) OVER \(PARTITION BY \w+\.name\)", re.I)


def _namesakes_in_every_list(o):
    """A 陈芳 in each list of October's 月报: one who worked (参与人员), one on the roll
    who did not (未参与名单) and one off the roll who led the activity (组长) — told
    apart by their 党支部 — and two 李审核 of whom one approved it (审核人)."""
    worker = f.member(o.unit, name="陈芳", phone="13900000051")
    idle = f.member(o.unit, name="陈芳", phone="13900000052")
    leader = f.member(o.unit, name="陈芳", phone="13900000053", on_roll=False)
    worker.branch, idle.branch, leader.branch = "第1党支部", "第2党支部", "机关党支部"
    reviewer = f.member(o.unit, name="李审核", phone="13900000021")
    other_reviewer = f.member(o.unit, name="李审核", phone="13900000022")
    reviewer.branch, other_reviewer.branch = "第3党支部", "第4党支部"
    db.session.commit()
    task = approved_activity(o.unit, o.jiefang, o.liaison, 13, [worker, other_reviewer])
    task.leader_id = leader.id
    task.report.reviewed_by_id = reviewer.id
    db.session.commit()


def _counted_on_the_page(client, login, count_queries, who, url) -> tuple[int, str]:
    """(times the page's statements count the people of one name, its HTML)."""
    login(who)
    warm(client, url)
    statements, response = counted(client, count_queries, url)
    assert response.status_code == 200
    return (sum(len(PEOPLE_OF_ONE_NAME.findall(s)) for s in statements),
            response.get_data(as_text=True))


def test_the_unit_months_page_counts_its_namesakes_once_for_every_list(
        october, client, login, count_queries):
    _namesakes_in_every_list(october)
    times, page = _counted_on_the_page(client, login, count_queries, october.admin,
                                       f"/reports/?unit={october.unit.id}&month=2022-10")
    assert times == 1
    # and every list still tells them apart from that one count
    for label in ("陈芳（第1党支部）", "陈芳（第2党支部）", "陈芳（机关党支部）",
                  "李审核（第3党支部）", "李审核（第4党支部）"):
        assert label in page, label
    assert not re.search(r"陈芳(?!（)", page)


def test_the_coverage_page_counts_them_once_too(october, client, login, count_queries):
    """参与情况 alone (no ledger) tells its 未参与名单 apart on the same set: once."""
    _namesakes_in_every_list(october)
    times, html = _counted_on_the_page(
        client, login, count_queries, october.admin,
        f"/progress/coverage?unit={october.unit.id}&period=month&month=2022-10")
    assert times == 1
    assert "陈芳（第2党支部）" in html


@pytest.mark.parametrize("serves", ["a part", "the whole unit"])
def test_a_liaisons_page_counts_them_once_for_the_part_and_the_whole(
        october, client, login, count_queries, serves):
    """A liaison's page of their part of the unit, or of the whole unit when the part
    holds every community of the unit's month, counts them once (partunit41: the part
    and the whole unit's 参与情况 beside it counted once each, twice a page; since
    session 43 the page asks for one of them only, ``test_part_page_asks_one_coverage``)."""
    _namesakes_in_every_list(october)
    if serves == "a part":
        october.liaison.communities = [october.jiefang]  # 建设路社区 is not theirs
        db.session.commit()
    times, page = _counted_on_the_page(client, login, count_queries, october.liaison,
                                       f"/reports/?unit={october.unit.id}&month=2022-10")
    assert times == 1
    assert ("统计范围：解放路社区" in page) == (serves == "a part")
    for label in ("陈芳（第1党支部）", "陈芳（第2党支部）", "陈芳（机关党支部）",
                  "李审核（第3党支部）", "李审核（第4党支部）"):
        assert label in page, label
