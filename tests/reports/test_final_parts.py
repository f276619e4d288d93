"""「定稿后数据有变化」 names the parts whose words changed (figures43 #1).

A signed document's notice names the parts of the live document that differ from the
one signed: the title, a numbered section, 正文, a 附表. A section is what it says, not
its number: when a change adds a section (or takes one away), every section after it
is numbered on by one, and a section whose words did not change — the “双创” paragraph,
the signer's own 存在问题 and 下步打算 — is not named. Each part is named once, by its
heading without its number (the notice heads the signed copy, figures51 #2), in the
signed copy's order; the section added is named. The 年度总结's
signed copy is compared by the same rule.
"""
from __future__ import annotations

import html
import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from tests import factories as f
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    ReportStatus,
    SummaryScope,
    Task,
    TaskReport,
    TaskStatus,
)
from tracker.reports import annual_final, final
from tracker.reports.annual import build_annual
from tracker.services import unit_of_work, year_notes

PROBLEMS, PLANS = "部分党员参与不足。", "下月继续开展培训。"


def _approved_activity(o, code, community, day, people, *, zone=None, target=10):
    """An activity of 县商务局 on ``day`` of September 2022, approved, 2 hours each."""
    task = f.task(f.item(o.unit, community, code, year=2022, zone=zone, target=target),
                  o.admin, starts_at=datetime(2022, 9, day, 1, tzinfo=timezone.utc),
                  duration=timedelta(hours=2), status=TaskStatus.closed,
                  title=f"九月{code}")
    for name in people:
        db.session.add(Assignment(task_id=task.id, member_id=o.members[name].id,
                                  status=AssignmentStatus.done, minutes=120))
    db.session.add(TaskReport(task_id=task.id, quantity=3, people_served=10, note="完成。",
                              status=ReportStatus.approved, submitted_by_id=o.admin.id,
                              reviewed_by_id=o.admin.id))
    db.session.commit()


def _notice(client, query: str) -> list[str]:
    page = html.unescape(client.get(f"/reports/?{query}").get_data(as_text=True))
    named = re.search(r"定稿后数据有变化：</strong>(.*?)与定稿时不同", page)
    assert named, "the page says the data changed"
    # each part as the sentence names it: 正文, “…”部分, 附表“…”
    return re.findall(r"正文|标题|“[^”]*”部分|附表“[^”]*”", named.group(1))


def test_a_section_added_after_定稿_renumbers_no_other_part_into_the_notice(
        client, login, october):
    """September 2022 of 县商务局 is signed reading 一、结对共建, 二、“双创”, 三、参与情况,
    四、存在问题, 五、下步打算. A 环境整治 approved afterwards gives it a new
    二、组织党员志愿服务 and numbers the rest on. The notice names 正文 (the lead's
    figures), 参与情况 (a third member took part), the new section (after the signed
    copy's parts), and the 附表 that changed (the ledger, 分类统计, 参与情况, 未参与名单) — not
    “双创”, 存在问题 or 下步打算, whose words are as signed, and nothing twice."""
    o = october
    _approved_activity(o, "ad_removal", o.jianshe, 20, ["张伟"], zone=o.zone1)
    with unit_of_work():
        final.finalize_as_typed(o.admin, SummaryScope(unit_id=o.unit.id), 2022, 9,
                                PROBLEMS, PLANS)
    login(o.admin)
    query = f"unit={o.unit.id}&month=2022-09"
    signed = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert "二、协同推进“双创”工作" in signed and "五、下步打算" in signed

    _approved_activity(o, "environment_cleanup", o.jiefang, 25, ["张伟", "王芳", "李娜"])

    assert _notice(client, query) == [
        "正文", "“参与情况”部分", "“组织党员志愿服务”部分",
        "附表“本月活动台账”", "附表“分类统计”", "附表“参与情况”", "附表“未参与名单”"]


def test_a_years_signed_copy_names_only_what_changed_when_a_section_is_added(october):
    """建设路社区's 2022 年度总结, signed with its words, reads 一、“双创”,
    二、资源清单完成情况, 三、存在问题, 四、下步打算. A 环境整治 there approved afterwards
    (on an item without a target: the checklist reads as signed) adds
    一、组织党员志愿服务: the signed copy then differs in 正文, that section, 分月统计 and
    分类统计 — not in the sections only numbered on."""
    o = october
    scope = SummaryScope(community_id=o.jianshe.id)
    with unit_of_work():
        annual_final.finalize_year_as_typed(o.admin, scope, 2022, PROBLEMS, PLANS)
    _approved_activity(o, "environment_cleanup", o.jianshe, 25, ["张伟", "王芳"],
                       zone=o.zone1, target=0)
    live = build_annual(2022, community=o.jianshe)
    assert [p.heading for p in live.paragraphs if p.heading] == [
        "一、组织党员志愿服务。", "二、协同推进“双创”工作。", "三、资源清单完成情况。",
        "四、存在问题。", "五、下步打算。"]
    copy = year_notes.current_year_copy(year_notes.find_year_note(scope, 2022))
    assert final.changes(copy, live) == [  # the copy has no such section (figures52 #2)
        "正文", "“组织党员志愿服务”部分（当前数据新增）", "附表“分月统计”", "附表“分类统计”"]


def test_a_section_taken_away_is_named_by_its_heading(october):
    """The other way round: a year signed with 一、组织党员志愿服务 whose only such
    activity is then voided names that section, and nothing only
    numbered back."""
    from tracker.services import voiding

    o = october
    _approved_activity(o, "environment_cleanup", o.jianshe, 25, ["张伟", "王芳"],
                       zone=o.zone1, target=0)
    scope = SummaryScope(community_id=o.jianshe.id)
    with unit_of_work():
        annual_final.finalize_year_as_typed(o.admin, scope, 2022, PROBLEMS, PLANS)
    task = db.session.scalar(select(Task).where(Task.title == "九月environment_cleanup"))
    with unit_of_work():
        voiding.void_activity(task, o.admin, "误录")
    copy = year_notes.current_year_copy(year_notes.find_year_note(scope, 2022))
    assert final.changes(copy, build_annual(2022, community=o.jianshe)) == [
        "正文", "“组织党员志愿服务”部分（当前数据中已没有）", "附表“分月统计”", "附表“分类统计”"]


def _many_not_yet(o) -> None:
    """More members of 县商务局 than the text names (MAX_NAMES): its 参与情况 then sends
    the reader to the 附表“未参与名单” by number (「…等48人（名单见附表4）」)."""
    for i in range(35):
        o.members[f"未参{i:02d}"] = f.member(o.unit, name=f"未参{i:02d}",
                                           phone=f"1370000{i:04d}")
    db.session.commit()


def test_a_section_whose_table_reference_is_only_renumbered_is_not_named(
        client, login, october):
    """September signed with 参与情况 ending 「名单见附表4」. A first “双创” activity, by
    the member who already took part, brings the 附表“责任区进展” in before the
    未参与名单, now 附表5: 参与情况 says what it said, of the same table, and is not
    named (review43b #1); the “双创” section it brought is."""
    o = october
    _many_not_yet(o)
    _approved_activity(o, "environment_cleanup", o.jiefang, 20, ["张伟"])
    with unit_of_work():
        final.finalize_as_typed(o.admin, SummaryScope(unit_id=o.unit.id), 2022, 9,
                                PROBLEMS, PLANS)
    login(o.admin)
    query = f"unit={o.unit.id}&month=2022-09"
    signed = html.unescape(client.get(f"/reports/?{query}").get_data(as_text=True))
    assert "名单见附表4" in signed

    _approved_activity(o, "ad_removal", o.jianshe, 22, ["张伟"], zone=o.zone1)
    live = html.unescape(client.get(f"/reports/?{query}&current=1").get_data(as_text=True))
    assert "名单见附表5" in live
    named = _notice(client, query)
    assert "“协同推进‘双创’工作”部分" in named
    assert not any("参与情况”部分" in n for n in named), named


def test_a_section_whose_participation_changed_is_still_named_beside_a_renumbered_table(
        client, login, october):
    """The same, the “双创” activity by a member who had not taken part: 参与情况's
    figures and names change, and it is named."""
    o = october
    _many_not_yet(o)
    _approved_activity(o, "environment_cleanup", o.jiefang, 20, ["张伟"])
    with unit_of_work():
        final.finalize_as_typed(o.admin, SummaryScope(unit_id=o.unit.id), 2022, 9,
                                PROBLEMS, PLANS)
    login(o.admin)
    _approved_activity(o, "ad_removal", o.jianshe, 22, ["未参00"], zone=o.zone1)
    assert "“参与情况”部分" in _notice(client, f"unit={o.unit.id}&month=2022-09")


def test_a_part_only_the_current_data_has_is_said_to_be_new(client, login, october):
    """县商务局's December 2022 is signed empty: its only work, a survey with one
    finding, waits for review. Approved after 定稿, it gives the live document a
    “双创” section, 参与情况 and 附表 the signed copy below the notice does not have:
    the notice says they are new in the current data, not that they differ from the
    copy (figures52 #2)."""
    from tracker.models import Finding, FindingKind, FindingStatus
    from tracker.services.reviews import approve_report

    o = october
    survey = f.task(f.item(o.unit, o.jianshe, "facility_survey", year=2022, zone=o.zone2),
                    o.admin, starts_at=datetime(2022, 12, 5, 1, tzinfo=timezone.utc),
                    duration=timedelta(hours=2), title="十二月摸排")
    db.session.add(Assignment(task_id=survey.id, member_id=o.members["张伟"].id,
                              status=AssignmentStatus.done, minutes=120))
    db.session.add(Finding(task_id=survey.id, unit_id=o.unit.id, community_id=o.jianshe.id,
                           zone_id=o.zone2.id, found_on=survey.service_date,
                           kind=FindingKind.sewer, place="建设路30号",
                           status=FindingStatus.found, created_by_id=o.admin.id))
    report = TaskReport(task_id=survey.id, quantity=1, people_served=0, note="摸排",
                        status=ReportStatus.submitted, submitted_by_id=o.admin.id)
    db.session.add(report)
    db.session.commit()
    with unit_of_work():
        final.finalize_as_typed(o.admin, SummaryScope(unit_id=o.unit.id), 2022, 12, "", "")
    login(o.admin)
    query = f"unit={o.unit.id}&month=2022-12"
    signed = html.unescape(client.get(f"/reports/?{query}").get_data(as_text=True))
    assert "本月暂无已审核的共建活动" in signed and "协同推进“双创”工作" not in signed

    with unit_of_work():
        approve_report(report, o.admin)
    page = html.unescape(client.get(f"/reports/?{query}").get_data(as_text=True))
    notice = re.search(r"定稿后数据有变化：</strong>(.*?)<a ", page, re.S).group(1)
    # the 附表 are in both documents (the copy's with 「（无）」); the copy's 需求清单和微心愿
    # is not in the current data's
    assert " ".join(notice.split()) == (
        "正文、“协同推进‘双创’工作”部分（当前数据新增）、“参与情况”部分（当前数据新增）、"
        "附表“本月活动台账”、附表“分类统计”、附表“责任区进展”、附表“参与情况”、"
        "附表“未参与名单”、附表“需求清单和微心愿”（当前数据中已没有）与定稿时不同。"
        "以下是定稿时的月报，下载的文件也是定稿时的。")
