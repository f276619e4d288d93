"""digest48 (second-to-last bullet): the naming before an admin's 通过 names the signed
documents of each participant's unit of the day (``reviews.approval_signed``, through
``summary_notes.final_naming_places``, partnames41). docs/design.md: a naming page names
exactly the signed documents the change alters — all of them, never one it does not.

Checked here on the October dataset: 县财政局's 财政局党员 took part (confirmed) in
县商务局's 「待审核整治」 in 解放路社区 on 30 October 2022, still 待审核. Her 人次 and hours
count for 县财政局 — its whole 月报 and its part in 解放路社区 (``rollups.coverage``: work
in the part's communities, whichever unit's activity) — and the activity counts in
解放路社区's own 月报, whoever's people did it. Her unit's part in 建设路社区 and its
September do not count it. So:

- only 解放路社区's own October and 2022 signed (with 县财政局's part in 建设路社区, month
  and year, and 县财政局's September): the page names 解放路社区2022年10月 and 2022年 alone — not 县财政局, whose documents
  that are signed do not change —, and after 通过 only that one says 「定稿后数据有变化」;
- 县财政局's part in 解放路社区 signed, month and year: the page names 县财政局2022年10月 and
  县财政局在解放路社区2022年, and after 通过 those documents say 「定稿后数据有变化」.

The expected values are the signed documents' own notices after 通过, not the naming's
query."""
from __future__ import annotations

from tests.reports.test_signed_named import named
from tests.web.stale_support import form_on, text
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, Member, ReportStatus, SummaryScope
from tracker.reports import annual_final, final
from tracker.services.reviews import approval_signed
from tracker.services.summary_notes import FinalCommunityMonth, FinalMonth, FinalYear

CHANGED = "定稿后数据有变化"
ACTION = "通过会改变以下已定稿月报的当前数据："
ACTION_YEAR = "通过会改变以下已定稿年度总结的当前数据："


def _with_finance_member(o):
    """「待审核整治」's report, 财政局党员 (县财政局) added to it as a confirmed participant."""
    task = o.tasks["待审核整治"]
    guest = db.session.query(Member).filter_by(name="财政局党员").one()
    db.session.add(Assignment(task_id=task.id, member_id=guest.id,
                              status=AssignmentStatus.done, minutes=120))
    task.taken += 1
    db.session.commit()
    return task.report


def _sign(o, *scopes, month: int = 10, year: bool = False) -> None:
    """Sign each scope's 月报 of ``month`` 2022, and ``year`` its 2022 年度总结 too."""
    for scope in scopes:
        final.finalize(o.admin, scope, 2022, month)
        if year:
            annual_final.finalize_year(o.admin, scope, 2022)
    db.session.commit()


def _changed(client, query: str, month: str = "2022-10") -> bool:
    return CHANGED in text(client.get(f"/reports/?{query}&month={month}"))


def _year_changed(client, query: str) -> bool:
    return CHANGED in text(client.get(f"/reports/annual?{query}&year=2022"))


def _approve(client, report) -> None:
    approve = f"/manage/reports/{report.id}/approve"
    page = text(client.get(f"/manage/reports/{report.id}"))
    assert client.post(approve, data=form_on(page, approve)).status_code == 302
    db.session.refresh(report)
    assert report.status == ReportStatus.approved


def test_only_the_communitys_own_month_signed_names_it_not_the_participants_unit(
        client, login, october):
    o = october
    report = _with_finance_member(o)
    finance = o.other_unit
    _sign(o, SummaryScope(community_id=o.jiefang.id),
          SummaryScope(unit_id=finance.id, community_id=o.jianshe.id), year=True)
    _sign(o, SummaryScope(unit_id=finance.id), month=9)

    naming = approval_signed([report.task], o.admin)[report.task.id]
    assert naming.months == [FinalCommunityMonth(o.jiefang.id, "解放路社区", 2022, 10)]
    assert naming.years == [FinalYear(None, o.jiefang.id, None, "解放路社区", 2022)]
    login(o.admin)
    for url in (f"/manage/reports/{report.id}", "/manage/reviews", "/manage/"):
        (words,) = named(text(client.get(url)))
        assert f"{ACTION}解放路社区2022年10月。" in words, url
        assert f"{ACTION_YEAR}解放路社区2022年。" in words, url
        assert "县财政局" not in words, url

    _approve(client, report)
    assert _changed(client, f"community={o.jiefang.id}")
    assert _year_changed(client, f"community={o.jiefang.id}")
    assert not _changed(client, f"unit={finance.id}&community={o.jianshe.id}")
    assert not _year_changed(client, f"unit={finance.id}&community={o.jianshe.id}")
    assert not _changed(client, f"unit={finance.id}", "2022-09")


def test_the_participants_units_part_in_the_community_signed_is_named_and_changes(
        client, login, october):
    o = october
    report = _with_finance_member(o)
    finance = o.other_unit
    _sign(o, SummaryScope(unit_id=finance.id, community_id=o.jiefang.id), year=True)

    naming = approval_signed([report.task], o.admin)[report.task.id]
    assert naming.months == [FinalMonth(finance.id, "县财政局", 2022, 10)]
    assert naming.years == [FinalYear(finance.id, o.jiefang.id, "县财政局", "解放路社区", 2022)]
    login(o.admin)
    (words,) = named(text(client.get(f"/manage/reports/{report.id}")))
    assert f"{ACTION}县财政局2022年10月。" in words
    assert f"{ACTION_YEAR}县财政局在解放路社区2022年。" in words

    _approve(client, report)
    assert _changed(client, f"unit={finance.id}&community={o.jiefang.id}")
    assert _year_changed(client, f"unit={finance.id}&community={o.jiefang.id}")
