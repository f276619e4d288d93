"""A month's findings are counted as they stood at the month's end, and the month in
which a finding is handed over (移交) or fixed (整改) says so, whenever it was found.

A finding found in November and fixed in December: November's figures — its 月报,
the “双创” view of November, the county's November — say it was handed over and not
fixed (as of 30 November), before and after the fix; December's 月报 says
「本月整改1处」, although the finding is not one of December's.
"""
import io
import re
from datetime import date, datetime, timedelta, timezone

from docx import Document
from openpyxl import load_workbook

from tests import factories as f
from tests.reports.test_exports import docx_table
from tests.reports.test_participation_story import approved_activity
from tracker.extensions import db
from tracker.models import Finding, FindingKind, FindingStatus, ReportStatus, TaskReport
from tracker.rollups import Scope
from tests.plans import double_progress
from tests.plans import findings_counts
from tracker.reports.csv_export import render_csv
from tracker.reports.exports import render_docx, render_xlsx
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
    assert "摸排问题本月整改1处（为以前月份发现的问题）。" in text
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
    assert "摸排问题本月移交1处、整改1处（为以前月份发现的问题）。" in text


def test_all_of_earlier_months_is_said_of_two_or_more(october):
    """「均」 ("all") is said of two or more findings: one fixed in December reads
    「（为以前月份发现的问题）」 (figures42 #7), two 「（均为…）」."""
    first = november_survey_finding(october)
    mark_fixed(first, october.admin, date(2022, 12, 3))
    db.session.commit()
    text = "".join(p.text for p in build_summary(2022, 12, unit=october.unit).paragraphs)
    assert "摸排问题本月整改1处（为以前月份发现的问题）。" in text
    assert "均为" not in text

    second = Finding(task_id=first.task_id, unit_id=first.unit_id,
                     community_id=first.community_id, zone_id=first.zone_id,
                     found_on=first.found_on, kind=FindingKind.sewer, place="建设路9号",
                     status=FindingStatus.found, created_by_id=october.liaison.id)
    db.session.add(second)
    db.session.flush()
    hand_over(second, october.admin, "县住建局", date(2022, 11, 21))
    mark_fixed(second, october.admin, date(2022, 12, 4))
    db.session.commit()
    text = "".join(p.text for p in build_summary(2022, 12, unit=october.unit).paragraphs)
    assert "摸排问题本月整改2处（均为以前月份发现的问题）。" in text


def zone_rows(summary) -> dict[str, list]:
    """附表“责任区进展” as {zone: [已移交, 已整改, 本月移交, 本月整改]}, 合计 included."""
    [table] = [t for t in summary.tables() if t.key == "zones"]
    columns = [table.headers.index(h) for h in ("已移交（处）", "已整改（处）", "本月移交（处）",
                                                 "本月整改（处）")]
    return {row[1] or row[0]: [row[c] for c in columns] for row in table.rows}


def test_the_zone_table_has_the_steps_the_text_tells(october):
    """The text's 「本月移交1处、整改1处」 is in the 附表 too, in the zone where they
    happened: a December with no work of its own still has 二区's row, 1 and 1, in
    the page's table and in every file."""
    finding = november_survey_finding(october)
    finding.status, finding.handed_over_on, finding.handed_to = (
        FindingStatus.found, None, None)
    db.session.commit()
    hand_over(finding, october.admin, "县住建局", date(2022, 12, 2))
    mark_fixed(finding, october.admin, date(2022, 12, 9))
    db.session.commit()

    december = build_summary(2022, 12, unit=october.unit)
    assert "摸排问题本月移交1处、整改1处（为以前月份发现的问题）。" in "".join(
        p.text for p in december.paragraphs)
    assert zone_rows(december) == {"二区": [0, 0, 1, 1], "合计": [0, 0, 1, 1]}
    csv_text = render_csv(december).decode("utf-8-sig").replace("\r", "")
    assert ("社区,责任区,清除牛皮癣（处）,粉刷楼道（个）,摸排问题（处）,已移交（处）,已整改（处）,"
            "本月移交（处）,本月整改（处）,人次\n建设路社区,二区,0,0,0,0,0,1,1,0\n"
            "合计,,0,0,0,0,0,1,1,0\n") in csv_text
    sheet = next(ws for ws in load_workbook(io.BytesIO(render_xlsx(december))).worksheets
                 if "责任区进展" in ws.title)
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any(str(v).replace("\n", "") == "本月移交（处）" for row in rows for v in row)
    assert ["建设路社区", "二区", 0, 0, 0, 0, 0, 1, 1, 0] in rows
    docx = docx_table(Document(io.BytesIO(render_docx(december))), "责任区进展")
    assert docx[1] == ["建设路社区", "二区", "0", "0", "0", "0", "0", "1", "1", "0"]

    # November: its own finding as of 30 November (found, not handed over), no step
    assert zone_rows(build_summary(2022, 11, unit=october.unit))["二区"] == [0, 0, 0, 0]


def test_the_lead_names_the_double_work_its_section_tells(october):
    """A month whose “双创” section is only the month's steps with earlier findings
    still says 「社区共建和城市“双创”工作」 in its lead, and says the finding is one of
    an earlier month (「均」, "all", only of two or more)."""
    finding = november_survey_finding(october)
    approved_activity(october.unit, october.jiefang, october.liaison, 5,
                      [october.members["王芳"]], month=12)
    mark_fixed(finding, october.admin, date(2022, 12, 9))
    db.session.commit()
    paragraphs = build_summary(2022, 12, unit=october.unit).paragraphs
    assert paragraphs[0].text.endswith(
        "累计志愿服务2.0小时，扎实推进社区共建和城市“双创”工作。现将有关情况汇报如下：")
    assert "二、协同推进“双创”工作。摸排问题本月整改1处（为以前月份发现的问题）。" in [
        p.heading + p.text for p in paragraphs]


def test_the_double_view_says_its_statuses_are_those_of_the_period_end(client, login, october):
    """The “双创” view of November counts November's finding as handed over and not
    fixed after its fix in December, and its note says so: statuses as of the
    period's end, not today's (which the register shows)."""
    finding = november_survey_finding(october)
    mark_fixed(finding, october.admin, date(2022, 12, 3))
    db.session.commit()
    login(october.admin)
    html = client.get(f"/progress/double?unit={october.unit.id}&period=month&month=2022-11"
                      ).get_data(as_text=True)
    assert re.search(r'data-figure="handed_over">1<', html)
    assert re.search(r'data-figure="fixed">0<', html)
    assert "按发现日期统计，状态为所选时间段末的状态（此后的移交、整改计入其发生的月份）。" in html
    assert "状态为当前状态" not in html
    register = client.get("/progress/findings").get_data(as_text=True)
    assert "登记簿列出所有摸排问题及其当前状态（进展页和月报中的状态为所选时间段末的状态）" in register


def double_steps(html: str, key) -> tuple[int, int]:
    """(本月移交, 本月整改) of the “双创” view's row ``key`` (its ``data-key``), or of
    its cards (``key`` None)."""
    if key is None:
        return tuple(int(re.search(rf'data-figure="{name}">(\d+)<', html).group(1))
                     for name in ("handed_over_in", "fixed_in"))
    row = re.search(rf'<tr data-key="{key}">(.*?)</tr>', html, re.S).group(1)
    return tuple(int(re.search(rf'data-label="{label}" class="num">(\d+)<', row).group(1))
                 for label in ("本月移交", "本月整改"))


def test_the_double_view_has_the_month_steps_the_summary_tells(client, login, october):
    """Invariant 1: a November finding handed over and fixed in December is 「本月移交1处、
    整改1处」 in December's 月报 (text and 附表“责任区进展”), and the “双创” view of December
    says the same — on its cards, in its zone's row, and in its community's row when it
    shows every community — though none of its own findings is December's."""
    finding = november_survey_finding(october)
    finding.status, finding.handed_over_on, finding.handed_to = (
        FindingStatus.found, None, None)
    db.session.commit()
    hand_over(finding, october.admin, "县住建局", date(2022, 12, 2))
    mark_fixed(finding, october.admin, date(2022, 12, 9))
    db.session.commit()

    summary = build_summary(2022, 12, community=october.jianshe)
    assert "摸排问题本月移交1处、整改1处" in "".join(p.text for p in summary.paragraphs)
    table = zone_rows(summary)
    assert table["二区"][2:] == [1, 1] and table["合计"][2:] == [1, 1]

    login(october.admin)
    zones = client.get(f"/progress/double?community={october.jianshe.id}&period=month"
                       "&month=2022-12").get_data(as_text=True)
    assert double_steps(zones, None) == (1, 1)
    assert double_steps(zones, october.zone2.id) == tuple(table["二区"][2:])
    assert double_steps(zones, october.zone1.id) == (0, 0)
    county = client.get("/progress/double?community=all&period=month&month=2022-12"
                        ).get_data(as_text=True)
    assert double_steps(county, None) == (1, 1)
    assert double_steps(county, october.jianshe.id) == (1, 1)
    assert double_steps(county, october.jiefang.id) == (0, 0)
    # November's view: the finding's own month, no step in it but its 已移交 as of 30 November
    november = client.get(f"/progress/double?community={october.jianshe.id}&period=month"
                          "&month=2022-11").get_data(as_text=True)
    assert double_steps(november, None) == (0, 0)


# --- a month that steps its own findings and earlier ones (doc44 #3) ------------------------
# October 2022's own findings (tests/reports/dataset.py): 17 found on 30 October, 11 handed
# over on the 31st, 3 of them fixed that day — told by 「已移交相关部门11处，已整改3处」.
# A finding of September stepped in October is told after them, alone: the month's own
# hand-overs and fixes are not counted again under 「以前月份」.

def september_finding(october, place: str, handed_over_on: date,
                      fixed_on: date | None = None) -> Finding:
    """A finding of an approved survey of 县商务局 in 建设路社区·一区 on 20 September
    2022, handed over (and fixed) on the days given."""
    item = f.item(october.unit, october.jianshe, "facility_survey", year=2022,
                  zone=october.zone1)
    survey = f.task(item, october.liaison, title=f"九月摸排{place}",
                    starts_at=datetime(2022, 9, 20, 1, tzinfo=timezone.utc),
                    duration=timedelta(hours=2))
    finding = Finding(task_id=survey.id, unit_id=survey.unit_id,
                      community_id=survey.community_id, zone_id=survey.zone_id,
                      found_on=survey.service_date, kind=FindingKind.road, place=place,
                      status=FindingStatus.found, created_by_id=october.liaison.id)
    db.session.add(finding)
    db.session.add(TaskReport(task_id=survey.id, quantity=1, people_served=0, note="摸排",
                              status=ReportStatus.approved, submitted_by_id=october.liaison.id,
                              reviewed_by_id=october.liaison.id))
    db.session.flush()
    hand_over(finding, october.admin, "县住建局", handed_over_on)
    if fixed_on is not None:
        mark_fixed(finding, october.admin, fixed_on)
    db.session.commit()
    return finding


def october_double(october, **scope) -> str:
    """October's “双创” section of the unit's 月报 (or of ``scope``'s)."""
    paragraphs = build_summary(2022, 10, **(scope or {"unit": october.unit})).paragraphs
    [double] = [p.text for p in paragraphs if "摸排" in p.text]
    return double


OWN = "已移交相关部门11处，已整改3处"


def test_an_earlier_finding_fixed_beside_the_months_own_hand_overs(october):
    """doc44 #3: the month's own 11 hand-overs (and 3 fixes) are told once; the one
    step of an earlier finding — handed over in September, fixed on 12 October — is
    told as that alone, never as 「本月移交11处…（含以前月份…）」."""
    september_finding(october, "解放路1号", date(2022, 9, 25), fixed_on=date(2022, 10, 12))
    text = october_double(october)
    assert text.endswith(OWN + "。另整改以前月份发现的问题1处。"), text
    assert "本月移交" not in text and "本月整改" not in text and "含以前月份" not in text
    # 建设路社区's own document tells it alike
    assert october_double(october, community=october.jianshe).endswith(
        OWN + "。另整改以前月份发现的问题1处。")


def test_earlier_findings_handed_over_beside_the_months_own(october):
    """Two September findings handed over on 3 and 15 October, beside October's own 11
    hand-overs: 2, not 13."""
    september_finding(october, "解放路1号", date(2022, 10, 3))
    september_finding(october, "解放路2号", date(2022, 10, 15))
    text = october_double(october)
    assert text.endswith(OWN + "。另移交以前月份发现的问题2处。"), text
    assert "整改以前月份" not in text and "含以前月份" not in text


def test_earlier_findings_handed_over_and_fixed_beside_the_months_own(october):
    """September's findings: one handed over on 5 October and fixed on the 20th, one
    handed over on the 8th, one handed over in September and fixed on 25 October —
    2 hand-overs and 2 fixes of earlier months, beside October's own 11 and 3."""
    september_finding(october, "解放路1号", date(2022, 10, 5), fixed_on=date(2022, 10, 20))
    september_finding(october, "解放路2号", date(2022, 10, 8))
    september_finding(october, "解放路3号", date(2022, 9, 28), fixed_on=date(2022, 10, 25))
    text = october_double(october)
    assert text.endswith(OWN + "。另移交以前月份发现的问题2处、整改2处。"), text
    # 附表“责任区进展” still has every step of the month in its 本月 columns: 11 + 2
    # hand-overs, 3 + 2 fixes
    assert zone_rows(build_summary(2022, 10, unit=october.unit))["合计"][2:] == [13, 5]
