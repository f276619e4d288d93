"""The text of the monthly summary for a fixed month of a fixed dataset.

The expected texts are golden files, reviewed by reading them: they must read
like section （六） of the source report and agree with the figures below — the
whole document: title block, numbered sections, the pending note, 存在问题 and
下步打算 when written, the 落款 and the list of tables.
"""
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from tests import factories as f
from tracker.extensions import db
from tracker.models import FundEntry, ReportStatus, TaskReport
from tracker.reports.summary import build_summary
from tracker.rollups import Scope
from tracker.rollups.coverage import coverage as unit_coverage
from tracker.rollups.figures import figures, per_unit
from tests.plans import figures_by_category

GOLDEN = Path(__file__).parent / "golden"


SIGNED = date(2022, 11, 3)  # the day the summary is written (not yet 已定稿)


def text_of(summary) -> str:
    lines = [summary.title, *summary.subtitle, *(p.heading + p.text for p in summary.paragraphs),
             summary.signer, summary.signed_on, summary.appendix]
    return "\n".join(line for line in lines if line) + "\n"


@pytest.mark.parametrize("who,golden", [("unit", "县商务局-2022-10.txt"),
                                        ("jiefang", "解放路社区-2022-10.txt")])
def test_golden_text(october, who, golden):
    if who == "unit":
        summary = build_summary(2022, 10, unit=october.unit, today=SIGNED)
    else:
        summary = build_summary(2022, 10, community=october.jiefang, today=SIGNED)
    assert text_of(summary) == (GOLDEN / golden).read_text("utf-8")


def test_the_figures_in_the_text_are_rollup_figures(october):
    """Spot-check the golden text's numbers against the rollups, asked directly."""
    scope = Scope(date(2022, 10, 1), date(2022, 11, 1), unit_id=october.unit.id)
    official = figures(scope).official
    lead = build_summary(2022, 10, unit=october.unit).paragraphs[0].text
    # the activities per word of the categories (3场、11次), 14 in all
    words = per_unit(figures_by_category(scope, include_empty=False), "activities")
    assert words == [(3, "场"), (11, "次")] and sum(n for n, _w in words) == official.activities
    assert "开展共建活动3场、11次" in lead
    assert f"参与党员干部{official.person_times}人次（{official.members}人）" in lead
    assert official.minutes == 7590 and "累计志愿服务126.5小时" in lead
    coverage = unit_coverage(october.unit.id, date(2022, 10, 1), date(2022, 11, 1))
    assert (coverage.on_roll, coverage.took_part, coverage.rate_text) == (15, 13, "86.7%")


def test_empty_month(october):
    summary = build_summary(2022, 8, unit=october.unit, today=SIGNED)
    assert [p.text for p in summary.paragraphs] == ["本月暂无已审核的共建活动。"]
    assert (summary.signer, summary.signed_on) == ("县商务局", "2022年11月3日")
    tables = {t.key: t for t in summary.tables()}
    # The tables are attached and stay empty.
    assert tables["ledger"].rows == [] and tables["categories"].rows == []
    assert tables["zones"].rows == []


def test_month_with_only_pending_reports(october):
    task = f.task(f.item(october.unit, october.jiefang, "elderly_visit", year=2022),
                  october.liaison, starts_at=datetime(2022, 12, 3, 1, tzinfo=timezone.utc))
    db.session.add(TaskReport(task_id=task.id, quantity=3, people_served=3, note="慰问",
                              status=ReportStatus.submitted, submitted_by_id=october.liaison.id))
    db.session.commit()
    summary = build_summary(2022, 12, unit=october.unit)
    assert [p.text for p in summary.paragraphs] == [
        "本月暂无已审核的共建活动。", "另有1份完成情况待审核（慰问“空巢”老人受益3人），未计入以上数据。"]
    assert summary.ledger == [] and summary.totals.activities == 0


def test_empty_month_with_spending_says_so(october):
    summary = build_summary(2022, 7, unit=october.unit)
    assert [p.text for p in summary.paragraphs] == [
        "本月暂无已审核的共建活动。",
        "本月使用共建活动经费2,600.00元，年度累计5,600.00元，占年度预算（10,000.00元）的56.0%。"]


def test_unit_with_no_members(october):
    empty_unit = f.unit("县档案馆")
    db.session.commit()
    summary = build_summary(2022, 10, unit=empty_unit)
    assert summary.coverage.on_roll == 0
    assert [p.text for p in summary.paragraphs] == ["本月暂无已审核的共建活动。"]
    # Its activities are done by others' members: the text has no 参与情况 section.
    item = f.item(empty_unit, october.jiefang, "environment_cleanup", year=2022)
    task = f.task(item, october.liaison, starts_at=datetime(2022, 10, 5, 1, tzinfo=timezone.utc))
    db.session.add(TaskReport(task_id=task.id, quantity=1, people_served=20, note="清扫",
                              status=ReportStatus.approved, submitted_by_id=october.liaison.id,
                              reviewed_by_id=october.liaison.id))
    db.session.commit()
    summary = build_summary(2022, 10, unit=empty_unit)
    headings = [p.heading for p in summary.paragraphs if p.heading]
    assert headings == ["一、组织党员志愿服务。"]
    assert summary.paragraphs[0].text.startswith("10月份，我单位组织党员干部深入解放路社区开展共建活动1次，")


def test_budget_exceeded_is_said(october):
    db.session.add(FundEntry(unit_id=october.unit.id, community_id=october.jiefang.id,
                             entry_date=date(2022, 10, 28), amount_fen=200_050, purpose="追加",
                             created_by_id=october.liaison.id))
    db.session.commit()
    pairing = build_summary(2022, 10, unit=october.unit).paragraphs[1].text
    assert pairing.endswith("本月使用共建活动经费4,800.50元，年度累计10,400.50元，"
                            "占年度预算（10,000.00元）的104.0%，超出预算400.50元。")


def test_a_liaison_sees_the_part_of_the_unit_in_their_communities(october):
    summary = build_summary(2022, 10, unit=october.unit, community_ids=(october.jianshe.id,))
    assert summary.restricted_to == ["建设路社区"]
    assert summary.totals.activities == 4
    headings = [p.heading for p in summary.paragraphs if p.heading]
    assert headings == ["一、协同推进“双创”工作。", "二、参与情况。"]
    assert all(row.community == "建设路社区" for row in summary.ledger)
    # Funds of 解放路社区 are not in the liaison's part.
    assert summary.funds.spent_fen == 0


def test_many_idle_members_are_cut_in_the_text(october):
    for n in range(40):
        f.member(october.unit, name=f"待参与{n:02d}")
    db.session.commit()
    summary = build_summary(2022, 10, unit=october.unit)
    coverage_text = summary.paragraphs[4].text
    # the text names the 附表 that lists them all, by its number
    assert "等42人（名单见附表5）" in coverage_text
    assert summary.captions[4] == "附表5　未参与名单" and len(summary.tables()[4].rows) == 42
    assert coverage_text.count("、") == 29
