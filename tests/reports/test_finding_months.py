"""A month's findings are counted as they stood at the month's end, and the month in
which a finding is handed over (移交) or fixed (整改) says so, whenever it was found.

A finding found in November and fixed in December: November's figures — its 月报,
the “双创” view of November, the county's November — say it was handed over and not
fixed (as of 30 November), before and after the fix; December's 月报 says
「本月整改1处」, although the finding is not one of December's.
"""
from datetime import date, datetime, timedelta, timezone

from tests import factories as f
from tracker.extensions import db
from tracker.models import Finding, FindingKind, FindingStatus, ReportStatus, TaskReport
from tracker.rollups import Scope
from tracker.rollups.double import double_progress
from tracker.rollups.findings import findings_counts
from tracker.reports.summary import build_summary
from tracker.services.findings import hand_over, mark_fixed

NOVEMBER = Scope(date(2022, 11, 1), date(2022, 12, 1))


def november_survey_finding(october) -> Finding:
    """An approved survey of 县商务局 in 建设路社区 on 10 November 2022 with one finding,
    handed over to 县住建局 on 20 November."""
    item = f.item(october.unit, october.jianshe, "facility_survey", year=2022,
                  zone=october.zone2)
    survey = f.task(item, october.liaison, title="十一月摸排",
                    starts_at=datetime(2022, 11, 10, 1, tzinfo=timezone.utc),
                    duration=timedelta(hours=2))
    finding = Finding(task_id=survey.id, unit_id=survey.unit_id,
                      community_id=survey.community_id, zone_id=survey.zone_id,
                      found_on=survey.service_date, kind=FindingKind.sewer, place="建设路8号",
                      status=FindingStatus.found, created_by_id=october.liaison.id)
    db.session.add(finding)
    db.session.add(TaskReport(task_id=survey.id, quantity=1, people_served=0, note="摸排",
                              status=ReportStatus.approved, submitted_by_id=october.liaison.id,
                              reviewed_by_id=october.liaison.id))
    db.session.flush()
    hand_over(finding, october.admin, "县住建局", date(2022, 11, 20))
    db.session.commit()
    return finding


def november_says(october) -> tuple:
    """(found, handed over, fixed) as November's 月报, its “双创” view of the unit and
    the county's November count them."""
    summary = build_summary(2022, 11, unit=october.unit)
    text = "".join(p.text for p in summary.paragraphs)
    zones = double_progress(Scope(NOVEMBER.date_from, NOVEMBER.date_to, unit_id=october.unit.id))
    county = findings_counts(NOVEMBER).official
    figures = {(summary.findings.total, summary.findings.handed_over,
                summary.findings.fixed),
               (zones.total.found, zones.total.handed_over, zones.total.fixed),
               (county.total, county.handed_over, county.fixed)}
    assert len(figures) == 1, figures
    return figures.pop(), text


def test_a_finding_fixed_in_december_stays_unfixed_in_november(october):
    finding = november_survey_finding(october)
    before, text_before = november_says(october)
    assert before == (1, 1, 0)
    assert "已移交相关部门1处" in text_before and "已整改" not in text_before

    mark_fixed(finding, october.admin, date(2022, 12, 3))
    db.session.commit()
    assert finding.status == FindingStatus.fixed
    # November as of 30 November: handed over, not fixed — unchanged by December's fix
    after, text_after = november_says(october)
    assert after == (1, 1, 0)
    assert text_after == text_before

    december = build_summary(2022, 12, unit=october.unit)
    text = "".join(p.text for p in december.paragraphs)
    assert "摸排问题本月整改1处（含以前月份发现的问题）。" in text
    assert december.findings.total == 0  # not one of December's findings
    # the county's year 2022, as of 31 December, counts it fixed with October's three
    assert findings_counts(Scope(date(2022, 1, 1), date(2023, 1, 1))).official.fixed == 4


def test_a_month_that_handed_over_its_own_findings_says_it_once(october):
    # October's 11 hand-overs and 3 fixes were of October's own findings: told once.
    text = "".join(p.text for p in build_summary(2022, 10, unit=october.unit).paragraphs)
    assert "已移交相关部门11处，已整改3处" in text
    assert "本月移交" not in text and "本月整改" not in text


def test_a_hand_over_in_december_of_a_november_finding(october):
    finding = november_survey_finding(october)
    finding.status, finding.handed_over_on, finding.handed_to = (
        FindingStatus.found, None, None)
    db.session.commit()
    hand_over(finding, october.admin, "县住建局", date(2022, 12, 2))
    mark_fixed(finding, october.admin, date(2022, 12, 9))
    db.session.commit()
    assert november_says(october)[0] == (1, 0, 0)
    text = "".join(p.text for p in build_summary(2022, 12, unit=october.unit).paragraphs)
    assert "摸排问题本月移交1处、整改1处（含以前月份发现的问题）。" in text
