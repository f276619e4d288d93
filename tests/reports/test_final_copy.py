"""The finalised 月报 is the document that was signed.

Once a month is 已定稿 its page and every download are what they were at 定稿, whatever
changes afterwards; the page says when the live figures differ and offers them as
当前数据 (never under the signed document's name); an admin re-opens the month and
finalises it again to sign the new figures; every document signed for the month —
in force or re-opened since — is listed on the page (定稿记录: when, by whom) and
downloads as it was signed. Only the whole unit's view may be finalised: a liaison
who sees a part of the unit's month may not sign it. Who may read a signed document
depends on the communities it covers, fixed at 定稿: a liaison who does not manage
them all sees none of the month's signed documents, even once the month's data no
longer reaches beyond them (a void), and one who manages them all keeps them, even once
it does (a 补录 elsewhere).
"""
from __future__ import annotations

import csv
import html
import io
import re
from datetime import date, datetime, timedelta, timezone
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    Finding,
    FindingStatus,
    ReportStatus,
    SummaryCopy,
    SummaryNote,
    SummaryScope,
    Task,
    TaskReport,
    TaskStatus,
)
from tracker.reports.csv_export import render_csv
from tracker.reports.summary import build_summary
from tracker.reports.wording import MONTH_UNCHANGED_IN, WORDING_VERSION, written_as
from tracker.permissions import managed_community_ids
from tracker.services import ServiceError, unit_of_work
from tracker.services import summary_notes, voiding
from tracker.services.directory import MemberData, update_member
from tracker.services.findings import mark_fixed
from tracker.services.funds import add_entry
from tracker.services.reviews import approve_report

MONTH = "2022-10"
CHANGED = "定稿后数据有变化"


def unit_query(october) -> str:
    return f"unit={october.unit.id}&month={MONTH}"


def document_section(html: str) -> str:
    """The page's document (title block, text, 落款, 附表), without the page around it."""
    return re.search(r'<article class="report">.*?</article>', html, re.S).group(0)


def documents(client, query: str) -> dict[str, bytes | str]:
    """What a reader of the month gets: the page's document and the three files, with
    the names they download under."""
    got: dict[str, bytes | str] = {
        "page": document_section(client.get(f"/reports/?{query}").get_data(as_text=True))}
    for fmt in ("docx", "xlsx", "csv"):
        response = client.get(f"/reports/monthly.{fmt}?{query}")
        assert response.status_code == 200
        got[fmt] = response.data
        got[f"{fmt} name"] = unquote(response.headers["Content-Disposition"])
    return got


def csv_lines(data: bytes) -> list[str]:
    return [row[0] for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) if row]


def finalise(client, query: str) -> None:
    assert client.post(f"/reports/finalize?{query}", data={"confirmed": "1"}).status_code == 302


# The four kinds of change after 定稿 the reviewers found rewriting a signed 月报.
def _approve_pending(o):
    approve_report(o.tasks["待审核整治"].report, o.admin)  # an admin may, in a final month


def _fix_a_finding(o):
    finding = db.session.scalar(select(Finding).where(
        Finding.status == FindingStatus.handed_over).order_by(Finding.id).limit(1))
    # fixed on October's last day: October's own figures change (a fix dated later
    # is told in its own month, tests/reports/test_finding_months.py); an admin's, in
    # a final month (the liaison is refused: tests/services/test_findings_service.py)
    mark_fixed(finding, o.admin, date(2022, 10, 31))


def _fund_entry_in_an_earlier_month(o):
    # October's 年度累计 counts a September entry: an admin's, in a final month (the
    # liaison is refused: tests/funds/test_later_months_signed.py)
    add_entry(o.admin, o.unit, o.jiefang, 2022, entry_date=date(2022, 9, 20),
              amount_fen=900_000, purpose="购置共建活动物资")


def _member_off_the_roll(o):
    # on the roll, did not take part in October; taken off it from a day in October (a
    # change dated today leaves October's roll as it was: the roll has its history)
    member = o.members["郑某某"]
    update_member(member, o.admin, MemberData(
        name=member.name, phone=member.phone, unit_id=member.unit_id, role=member.role,
        branch=member.branch, on_roll=False, roll_from=date(2022, 10, 15)))


CHANGES = {"approved": _approve_pending, "fixed": _fix_a_finding,
           "funds": _fund_entry_in_an_earlier_month, "roll": _member_off_the_roll}


@pytest.mark.parametrize("change", CHANGES)
def test_a_finalised_month_serves_what_was_signed(client, login, october, change):
    login(october.admin)
    query = unit_query(october)
    finalise(client, query)
    signed = documents(client, query)
    assert CHANGED not in client.get(f"/reports/?{query}").get_data(as_text=True)

    with unit_of_work():
        CHANGES[change](october)

    # the page's document and every file are what was signed, byte for byte, under
    # the same names
    assert documents(client, query) == signed
    # the page says the figures have moved since, and what: the live document
    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert CHANGED in page and "与定稿时不同" in page
    assert "current=1" in page
    live = client.get(f"/reports/monthly.csv?{query}&current=1")
    assert live.data != signed["csv"]
    # … never under the signed document's title and name
    assert csv_lines(live.data)[0] == "县商务局2022年10月社区共建工作情况（当前数据，非定稿）"
    assert "当前数据" in unquote(live.headers["Content-Disposition"])
    current_page = client.get(f"/reports/?{query}&current=1").get_data(as_text=True)
    assert "以下是当前数据，不是定稿的月报" in current_page
    assert "（当前数据，非定稿）" in document_section(current_page)


def test_reopen_and_finalise_again_signs_the_new_figures(client, login, october):
    login(october.admin)
    query = unit_query(october)
    finalise(client, query)
    first = documents(client, query)
    with unit_of_work():
        _approve_pending(october)
    assert client.post(f"/reports/reopen?{query}").status_code == 302
    # re-opened: the live figures again, the notes may be edited
    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert 'name="problems"' in page and CHANGED not in page
    finalise(client, query)
    second = documents(client, query)
    assert second["csv"] != first["csv"]
    # what is signed now is the new figures: the document the live figures give
    summary = build_summary(2022, 10, unit=october.unit)
    assert second["csv"] == render_csv(summary)
    lead = next(line for line in csv_lines(second["csv"]) if line.startswith("10月份"))
    assert "开展共建活动3场、12次" in lead  # 3场、11次 approved, then the pending one
    assert CHANGED not in client.get(f"/reports/?{query}").get_data(as_text=True)
    # the first signed copy is kept as history, marked re-opened
    copies = db.session.scalars(select(SummaryCopy).order_by(SummaryCopy.id)).all()
    assert [c.reopened_at is not None for c in copies] == [True, False]
    assert copies[0].csv == first["csv"]


def history(page: str) -> list[str]:
    """The 定稿记录's lines as the page shows them."""
    section = re.search(r'<details[^>]*data-figure="signed_history".*?</details>', page, re.S)
    if section is None:
        return []
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", line)).strip()
            for line in re.findall(r"<li data-copy=.*?</li>", section.group(0), re.S)]


def test_every_signed_copy_is_listed_and_downloads_as_it_was_signed(client, login, october):
    login(october.admin)
    query = unit_query(october)
    assert history(client.get(f"/reports/?{query}").get_data(as_text=True)) == []
    finalise(client, query)
    first = documents(client, query)
    with unit_of_work():
        _approve_pending(october)
    assert client.post(f"/reports/reopen?{query}").status_code == 302
    # re-opened: the copy signed is still listed, marked re-opened, with who and when
    lines = history(client.get(f"/reports/?{query}").get_data(as_text=True))
    assert len(lines) == 1 and lines[0].startswith("第1次定稿：") and "重新打开" in lines[0], lines
    assert lines[0].count(october.admin.name) == 2
    finalise(client, query)
    second = documents(client, query)
    assert second["csv"] != first["csv"]

    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert "定稿记录（2份）" in page
    lines = history(page)
    assert len(lines) == 2 and "重新打开" in lines[0] and "（现行定稿）" in lines[1], lines
    copies = db.session.scalars(select(SummaryCopy).order_by(SummaryCopy.id)).all()
    for number, copy, signed in zip((1, 2), copies, (first, second)):
        assert lines[number - 1].startswith(f"第{number}次定稿：")
        for fmt in ("docx", "xlsx", "csv"):
            response = client.get(f"/reports/signed/{copy.id}.{fmt}?{query}")
            assert response.status_code == 200
            assert response.data == signed[fmt]  # byte for byte what was signed then
            name = unquote(response.headers["Content-Disposition"])
            # named as the page numbers it: two copies of a month are told apart
            assert f"县商务局2022年10月社区共建工作情况（第{number}次定稿）.{fmt}" in name
    # a copy is served under its own month's 月报 only
    assert client.get(f"/reports/signed/{copies[0].id}.csv?unit={october.unit.id}"
                      f"&month=2022-09").status_code == 404
    assert client.get(f"/reports/signed/{copies[0].id}.csv?community={october.jianshe.id}"
                      f"&month={MONTH}").status_code == 404


def test_a_liaisons_part_of_the_unit_lists_no_signed_copy(client, login, october):
    _work_in_a_third_community(october)
    login(october.admin)
    query = unit_query(october)
    finalise(client, query)
    copy_id = db.session.scalar(select(SummaryCopy.id))
    assert len(history(client.get(f"/reports/?{query}").get_data(as_text=True))) == 1
    # the signed document holds 东门社区, outside the liaison's reach
    login(october.liaison)
    assert history(client.get(f"/reports/?{query}").get_data(as_text=True)) == []
    assert client.get(f"/reports/signed/{copy_id}.docx?{query}").status_code == 404


def test_a_void_after_finalising_does_not_hand_the_liaison_the_signed_copy(
        client, login, october):
    # signed with 东门社区's work in it; then the 东门 activity is voided: the month's
    # live data is all within the liaison's communities, the signed document is not
    _work_in_a_third_community(october)
    login(october.admin)
    query = unit_query(october)
    finalise(client, query)
    signed = documents(client, query)
    copy_id = db.session.scalar(select(SummaryCopy.id))
    with unit_of_work():
        voiding.void_activity(db.session.scalar(select(Task).where(
            Task.title == "环境整治：东门菜市场")), october.admin, "录错了")

    login(october.liaison)
    for fmt in ("docx", "xlsx", "csv"):
        assert client.get(f"/reports/signed/{copy_id}.{fmt}?{query}").status_code == 404
    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert history(page) == [] and "/reports/signed/" not in page
    # the page and the downloads are the live part of the unit, not the signed document
    assert "东门菜市场" in signed["page"] and "东门菜市场" in signed["csv"].decode("utf-8-sig")
    assert "东门菜市场" not in document_section(page)
    assert "（当前数据，非定稿）" in document_section(page)
    assert "定稿的是全单位的月报" in page
    mine = documents(client, query)
    for fmt in ("docx", "xlsx", "csv"):
        assert mine[fmt] != signed[fmt] and "当前数据" in mine[f"{fmt} name"]
    assert "东门" not in mine["csv"].decode("utf-8-sig")


def test_a_bulu_elsewhere_after_finalising_keeps_the_liaisons_signed_copy(client, login, october):
    # the liaison covers every community of the month and signs it; then an admin
    # records a 补录 of the month in 东门社区, which the liaison does not manage
    login(october.liaison)
    query = unit_query(october)
    finalise(client, query)
    signed = documents(client, query)
    copy_id = db.session.scalar(select(SummaryCopy.id))
    _work_in_a_third_community(october)

    # the signed document still covers only the liaison's communities: it is theirs
    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert len(history(page)) == 1 and "（现行定稿）" in history(page)[0]
    assert documents(client, query) == signed
    for fmt in ("docx", "xlsx", "csv"):
        response = client.get(f"/reports/signed/{copy_id}.{fmt}?{query}")
        assert response.status_code == 200 and response.data == signed[fmt]
    # … and the live figures they may compare it with are their part, without 东门
    live = client.get(f"/reports/monthly.csv?{query}&current=1").data.decode("utf-8-sig")
    assert "统计范围：建设路社区、解放路社区" in live and "东门" not in live


def test_the_liaison_finalising_the_whole_unit_keeps_it_too(client, login, october):
    """The liaison of every community the unit worked in sees the whole unit: no
    统计范围, the admin's document, and finalising it keeps that document."""
    login(october.liaison)
    query = unit_query(october)
    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert "统计范围" not in page and "标记本月月报已定稿" in page
    liaison_csv = client.get(f"/reports/monthly.csv?{query}").data
    finalise(client, query)
    assert db.session.scalar(select(SummaryNote)).final
    login(october.admin)
    assert client.get(f"/reports/monthly.csv?{query}").data == liaison_csv


def _work_in_a_third_community(october):
    """县商务局 also worked in 东门社区 in October, which the liaison does not manage."""
    dongmen = f.community("东门社区")
    task = f.task(f.item(october.unit, dongmen, "environment_cleanup", year=2022),
                  october.admin, starts_at=datetime(2022, 10, 10, 1, tzinfo=timezone.utc),
                  duration=timedelta(hours=4), status=TaskStatus.closed,
                  title="环境整治：东门菜市场")
    member = october.members["张伟"]
    db.session.add(Assignment(task_id=task.id, member_id=member.id,
                              status=AssignmentStatus.done, minutes=240))
    db.session.add(TaskReport(task_id=task.id, quantity=1, people_served=100, note="清理。",
                              status=ReportStatus.approved, submitted_by_id=member.id,
                              reviewed_by_id=october.admin.id))
    db.session.commit()
    return dongmen


def _other_units_work_in_a_third_community(october):
    """郑某某 of 县商务局 (on its roll, idle in October) takes part in 县财政局's activity in
    东门社区: the roll's work, in a community 县商务局's own month does not touch."""
    dongmen = f.community("东门社区")
    task = f.task(f.item(october.other_unit, dongmen, "environment_cleanup", year=2022),
                  october.admin, starts_at=datetime(2022, 10, 12, 1, tzinfo=timezone.utc),
                  duration=timedelta(hours=2), status=TaskStatus.closed, title="东门清扫")
    db.session.add(Assignment(task_id=task.id, member_id=october.members["郑某某"].id,
                              status=AssignmentStatus.done, minutes=120))
    db.session.add(TaskReport(task_id=task.id, quantity=1, people_served=10, note="清扫。",
                              status=ReportStatus.approved, submitted_by_id=october.admin.id,
                              reviewed_by_id=october.admin.id))
    db.session.commit()


def coverage_line(html: str) -> str:
    text = re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))
    return re.search(r"在册党员干部[^。]*。", text).group(0)


def test_the_liaison_who_sees_the_whole_unit_is_not_told_of_changes_that_are_none(
        client, login, october):
    """The liaison of every community 县商务局's October touches reads the whole unit:
    after 定稿, with nothing changed, their page says nothing changed — their live
    document is the whole unit's, 参与情况 included (the roll's work anywhere: 郑某某's
    in another unit's activity in 东门社区 counts, as in the signed document), not
    their communities' part worded as a part (「本月在建设路社区、解放路社区参与…」)."""
    _other_units_work_in_a_third_community(october)
    query = unit_query(october)
    login(october.admin)
    finalise(client, query)
    admin_live = client.get(f"/reports/?{query}&current=1").get_data(as_text=True)
    assert CHANGED not in client.get(f"/reports/?{query}").get_data(as_text=True)

    login(october.liaison)
    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert "（现行定稿）" in page and CHANGED not in page
    live = client.get(f"/reports/?{query}&current=1").get_data(as_text=True)
    assert document_section(live) == document_section(admin_live)
    assert coverage_line(live) == ("在册党员干部15人，本月参与14人（其中1人只参加了其他单位组织的活动），"
                                  "参与率93.3%。")


def test_a_change_after_finalising_is_told_to_the_admin_and_the_whole_units_liaison_alike(
        client, login, october):
    """An admin approves the report 待审核 after 定稿: the admin and the liaison who sees
    the whole unit are both told the data changed, and of the same parts."""
    query = unit_query(october)
    login(october.admin)
    finalise(client, query)
    with unit_of_work():
        _approve_pending(october)
    told = []
    for who in (october.admin, october.liaison):
        login(who)
        page = client.get(f"/reports/?{query}").get_data(as_text=True)
        told.append(re.search(CHANGED + r"：</strong>([^。]*)。", page).group(1))
    assert told[0] == told[1] and "与定稿时不同" in told[0]


def test_reopening_is_the_admins_so_an_admin_is_told_to_reopen_and_a_liaison_to_ask(
        client, login, october):
    """Before 定稿 (the finalise help) and after a change since 定稿: the admin, who has
    the 重新打开 button, is told to reopen the month first; the liaison who sees the
    whole unit, to ask an admin to."""
    query = unit_query(october)
    admin_says = {"open": "如需修改，请先重新打开本月月报。",
                  "changed": "如需按当前数据定稿，请先重新打开本月月报，再次定稿。"}
    liaison_says = {"open": "如需修改，请管理员重新打开。",
                    "changed": "如需按当前数据定稿，请管理员重新打开本月月报后再次定稿。"}
    pages = {}
    for who in (october.admin, october.liaison):
        login(who)
        pages[who.role.value, "open"] = client.get(f"/reports/?{query}").get_data(as_text=True)
    finalise(client, query)
    with unit_of_work():
        _approve_pending(october)
    for who in (october.admin, october.liaison):
        login(who)
        page = client.get(f"/reports/?{query}").get_data(as_text=True)
        assert CHANGED in page
        pages[who.role.value, "changed"] = page
    for state in ("open", "changed"):
        admin, liaison = pages["admin", state], pages["liaison", state]
        assert admin_says[state] in admin and "请管理员重新打开" not in admin, state
        assert liaison_says[state] in liaison and admin_says[state] not in liaison, state
    assert "重新打开（管理员）" in pages["admin", "changed"]


def test_a_liaison_who_sees_part_of_the_unit_cannot_finalise_it(client, login, october):
    _work_in_a_third_community(october)
    scope = SummaryScope(unit_id=october.unit.id)
    with pytest.raises(ServiceError, match="东门社区"):
        summary_notes.finalize(october.liaison, scope, 2022, 10)
    db.session.rollback()

    login(october.liaison)
    query = unit_query(october)
    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    # a part of the unit: said in the scope line and in the title (so its file name
    # is not the whole unit's), and no 定稿 button, with the reason
    assert "统计范围：建设路社区、解放路社区" in page
    assert "县商务局（建设路社区、解放路社区）2022年10月社区共建工作情况" in page
    assert "标记本月月报已定稿" not in page and "不能为全单位定稿" in page
    refused = client.post(f"/reports/finalize?{query}", data={"confirmed": "1"}, follow_redirects=True)
    assert "不能为全单位定稿" in refused.get_data(as_text=True)
    assert db.session.scalar(select(SummaryNote.finalized_at)) is None
    part_name = unquote(client.get(f"/reports/monthly.docx?{query}")
                        .headers["Content-Disposition"])

    login(october.admin)
    finalise(client, query)
    whole_name = unquote(client.get(f"/reports/monthly.docx?{query}")
                         .headers["Content-Disposition"])
    assert part_name != whole_name

    # the liaison's part of the signed month is not the signed document: it says so,
    # and is titled 当前数据
    login(october.liaison)
    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert "定稿的是全单位的月报" in page and "东门社区" in page
    assert "（当前数据，非定稿）" in document_section(page)


def test_the_community_summary_of_the_liaison_may_be_finalised(october):
    """A community's summary is the whole of it for the liaison who manages it."""
    _work_in_a_third_community(october)
    scope = SummaryScope(community_id=october.jiefang.id)
    with unit_of_work():
        summary_notes.finalize(october.liaison, scope, 2022, 10)
    assert summary_notes.outside_reach(october.liaison, scope, 2022, 10) == []


@pytest.mark.parametrize("who, unit, community, in_part", [
    ("admin", True, None, False),  # an admin reaches every community
    ("liaison", False, "jiefang", False),  # a community's summary is that community's
    ("liaison", True, "jiefang", False),  # so is a unit's in one community
    ("liaison", True, None, True),  # a unit's whole summary: 东门社区 is beyond them
])
def test_who_sees_a_unit_in_part_is_one_rule_for_the_month_and_the_year(
        october, who, unit, community, in_part):
    """Only a liaison reading a unit's whole summary can see it in part; the 月报 and the
    年度总结 ask that one question first (``summary_notes.may_see_in_part``), then name
    the communities of the unit's work the liaison does not manage — 东门社区, worked in
    that October — or none."""
    from tracker.services import year_notes

    _work_in_a_third_community(october)
    actor = getattr(october, who)
    scope = SummaryScope(unit_id=october.unit.id if unit else None,
                         community_id=getattr(october, community).id if community else None)
    outside = ["东门社区"] if in_part else []
    assert summary_notes.may_see_in_part(actor, scope) is in_part
    assert [c.name for c in summary_notes.outside_reach(actor, scope, 2022, 10)] == outside
    assert [c.name for c in year_notes.year_outside(actor, scope, 2022)] == outside


def test_the_changed_parts_are_named_in_the_language_of_the_page(client, login, october):
    """「定稿后数据有变化」 names the parts that differ as parts of its own sentence: a
    section by its heading in quotes, joined in the page's language (「、」 in
    Chinese, ", " in English); the document itself stays Chinese."""
    from tests.reports.test_document_language import english, fresh_locale

    login(october.admin)
    query = unit_query(october)
    finalise(client, query)
    with unit_of_work():
        _fund_entry_in_an_earlier_month(october)  # 一's year to date and the funds table
    fresh_locale()
    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert ("定稿后数据有变化：</strong>“落实结对共建责任”部分、附表“共建活动经费”与定稿时不同。"
            in page)
    english(client)
    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert ("The data have changed since the summary was finalised: </strong>in section "
            "“落实结对共建责任”, the table “共建活动经费”, the current data differ from the "
            "finalised copy." in page)


def test_a_heading_with_quotes_is_named_with_its_quotes_nested(client, login, october):
    """A heading that has quotes of its own (“双创”) is named inside the notice's “…”
    with its quotes as ‘…’, in Chinese and in English — 「“协同推进‘双创’工作”部分」,
    never 「“协同推进“双创”工作”」, whose quotes pair wrongly (figures42 #5)."""
    from tests.reports.test_document_language import english, fresh_locale

    login(october.admin)
    query = unit_query(october)
    finalise(client, query)
    with unit_of_work():
        _fix_a_finding(october)  # the “双创” section's figures
    fresh_locale()
    notice = html.unescape(client.get(f"/reports/?{query}").get_data(as_text=True))
    named = re.search(r"定稿后数据有变化：</strong>(.*?)与定稿时不同", notice).group(1)
    assert "“协同推进‘双创’工作”部分" in named, named
    assert "““" not in named and "“双创”" not in named, named
    english(client)
    notice = html.unescape(client.get(f"/reports/?{query}").get_data(as_text=True))
    assert "in section “协同推进‘双创’工作”" in notice
    assert "“双创”工作”" not in notice.split("have changed since")[1][:400]


REWORDED = "定稿后系统更新，月报的写法有变化"


# A release before today's whose 月报 was worded otherwise: the version before the
# wording today's code writes the 月报 in (a later bump may have changed the 年度总结 alone)
EARLIER_MONTH_WORDING = written_as(WORDING_VERSION, MONTH_UNCHANGED_IN) - 1


def _as_an_earlier_release_kept_it(copy: SummaryCopy) -> str:
    """Make ``copy`` one kept by an earlier release that laid the 月报 out otherwise
    (its first table without its last column, as 附表 were before they gained
    columns) — the same figures; returns that table's title."""
    rows = list(csv.reader(io.StringIO(copy.csv.decode("utf-8-sig"))))
    first = rows.index([]) + 1  # the first table's title, then its rows
    end = rows.index([], first) if [] in rows[first:] else len(rows)
    rows[first + 1:end] = [row[:-1] for row in rows[first + 1:end]]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    copy.csv = out.getvalue().encode("utf-8-sig")
    copy.wording_version = EARLIER_MONTH_WORDING
    return rows[first][0]


def test_a_month_signed_in_an_earlier_wording_is_not_said_to_have_changed_data(
        client, login, october):
    """After an upgrade that words or lays out the 月报 otherwise, a month signed before
    it differs from the live document although no figure changed: the page says the
    wording changed with a system update since 定稿 and names the parts that differ as
    possibly differing in wording only — not 「定稿后数据有变化」. The signed document is
    still what is served."""
    login(october.admin)
    query = unit_query(october)
    finalise(client, query)
    with unit_of_work():
        copy = db.session.scalar(select(SummaryCopy))
        table = _as_an_earlier_release_kept_it(copy)
    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert CHANGED not in page
    assert (f"{REWORDED}：</strong>附表“{table}”与定稿时不同，可能只是写法（措辞、排列、附表栏目）"
            "不同，不一定是数据有变化。" in page)
    assert "（当前数据，非定稿）" not in document_section(page)  # the signed document


def test_a_month_signed_in_an_earlier_wording_that_reads_the_same_says_nothing(
        client, login, october):
    """A copy kept by an earlier release whose document reads as today's: nothing
    differs, and the page says nothing about it."""
    login(october.admin)
    query = unit_query(october)
    finalise(client, query)
    with unit_of_work():
        db.session.scalar(select(SummaryCopy)).wording_version = EARLIER_MONTH_WORDING
    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert CHANGED not in page and REWORDED not in page


def test_a_month_signed_when_the_lead_added_its_activities_says_its_wording_changed(
        client, login, october):
    """A month signed by the release whose lead added 场 and 次 (「开展共建活动14次」,
    wording 1) reads 「3场、11次」 today, with the same figures: its page says the
    wording changed with a system update, not 「定稿后数据有变化」; the signed copy is
    served as signed."""
    login(october.admin)
    query = unit_query(october)
    finalise(client, query)
    with unit_of_work():
        copy = db.session.scalar(select(SummaryCopy))
        text = copy.csv.decode("utf-8-sig")
        assert "开展共建活动3场、11次" in text
        copy.csv = text.replace("开展共建活动3场、11次", "开展共建活动14次").encode("utf-8-sig")
        copy.wording_version = 1
    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert CHANGED not in page and f"{REWORDED}：</strong>正文与定稿时不同" in page
    assert "开展共建活动14次" in client.get(f"/reports/monthly.csv?{query}").data.decode("utf-8-sig")


def test_a_month_signed_in_todays_wording_whose_data_changed_says_so(client, login, october):
    """A copy kept in the wording of today's code differs from the live document only
    where the data changed: 「定稿后数据有变化」, as before."""
    login(october.admin)
    query = unit_query(october)
    finalise(client, query)
    assert db.session.scalar(select(SummaryCopy)).wording_version == WORDING_VERSION
    with unit_of_work():
        _fund_entry_in_an_earlier_month(october)
    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert CHANGED in page and REWORDED not in page


def test_a_note_has_one_current_signed_copy_at_most(app):
    """A month signed twice without a re-opening between (two 定稿 at once, if the lock
    ever failed) cannot leave two current copies: the database refuses the second one
    (races #5's backstop); a re-opened copy is history, as many as there are."""
    from sqlalchemy.exc import IntegrityError

    from tracker.models import Role
    from tracker.reports import final
    from tracker.timeutil import utcnow

    unit = f.unit("县商务局")
    admin = f.member(unit, Role.admin, "管理员")
    note = final.finalize(admin, SummaryScope(unit.id), 2022, 10)
    db.session.commit()
    [signed] = db.session.scalars(select(SummaryCopy).where(SummaryCopy.note_id == note.id))

    def another(reopened_at=None) -> SummaryCopy:
        return SummaryCopy(note_id=note.id, finalized_at=utcnow(), finalized_by_id=admin.id,
                           title=signed.title, page="", csv=b"", docx=b"", xlsx=b"",
                           reopened_at=reopened_at)

    db.session.add(another())
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.add_all([another(reopened_at=utcnow()), another(reopened_at=utcnow())])
    db.session.commit()  # history: no limit
    assert db.session.scalar(select(func.count()).select_from(SummaryCopy).where(
        SummaryCopy.note_id == note.id, SummaryCopy.reopened_at.is_(None))) == 1


def test_right_after_seed_demo_nobody_is_told_last_months_data_changed(
        seeded_demo, client, login):
    """`flask seed-demo` signs last month (the liaison, who serves every community the
    unit worked in): nothing has changed since, so neither the liaison nor the admin
    is told 「定稿后数据有变化」 on the 月报 page, which opens on that month."""
    from tracker.demo import DEMO_PASSWORD
    from tracker.timeutil import local_today

    world = seeded_demo(local_today())
    for who in (world.liaison, world.admin):
        login(who, DEMO_PASSWORD)
        page = client.get(f"/reports/?unit={world.unit.id}").get_data(as_text=True)
        assert "（现行定稿）" in page and CHANGED not in page, who.name


def test_the_years_reach_is_one_statement_and_the_liaisons_communities_their_own(
        october, count_queries):
    """The year's reach (``year_notes.year_outside``) is one statement: the liaison's
    communities are what the relationship says, loaded on a page by the session lookup
    (session 35: the reach no longer reads them itself). The communities of the unit's
    work they do not manage are named, a community of theirs without any work that year
    left out; and when a commit expired them (as a POST's, or the session's last-seen
    write, does earlier in a request) they are read again, with the same answer."""
    from tracker.services import year_notes

    _work_in_a_third_community(october)
    quiet = f.community("西门社区")  # the liaison's, no work of the unit's in 2022
    october.liaison.communities = [october.jiefang, october.jianshe, quiet]
    db.session.commit()
    expected = sorted(c.id for c in october.liaison.communities)
    liaison, scope = october.liaison, SummaryScope(unit_id=october.unit.id)
    db.session.commit()  # the liaison and their communities expired, as by a POST's commit
    assert [c.name for c in year_notes.year_outside(liaison, scope, 2022)] == ["东门社区"]
    assert sorted(managed_community_ids(liaison)) == expected
    with count_queries() as q:  # their communities loaded, as the session lookup leaves them
        outside = year_notes.year_outside(liaison, scope, 2022)
    assert q.count == 1
    assert [c.name for c in outside] == ["东门社区"]



def test_a_month_signed_before_a_change_of_the_years_words_alone_says_its_data_changed(
        client, login, october, monkeypatch):
    """Wording 7 changed the 年度总结's words only (its targets in 户次 / 人次); the 月报
    reads as in 6. A month signed by the release of wording 6 whose data then changes
    under the release of wording 7 says 「定稿后数据有变化」 — not that the difference may
    be one of wording, which would hide a real change from the signer. (Wording 8
    changed the 月报's words too: today's release reads a copy of 6 as reworded.)"""
    from tracker.reports import final

    assert 7 in MONTH_UNCHANGED_IN
    monkeypatch.setattr(final, "WORDING_VERSION", 7)  # the release of wording 7
    login(october.admin)
    query = unit_query(october)
    finalise(client, query)
    with unit_of_work():
        db.session.scalar(select(SummaryCopy)).wording_version = 6
        _fund_entry_in_an_earlier_month(october)
    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert CHANGED in page and REWORDED not in page


def test_a_month_signed_before_the_years_named_targets_still_says_its_data_changed(
        client, login, october, monkeypatch):
    """Wording 12 named whose target each clause of the 年度总结's 资源清单 sentence is
    (figures43 #2); the 月报 shows no target and reads as in 11. A month signed by the
    release of wording 11 whose data then change says 「定稿后数据有变化」 — not that the
    difference may be one of wording. So does wording 13 (the same clause beside
    untargeted work of its category, review43b #2). (Wording 14 changed the 月报's words
    too, doc44 #3: today's release reads a copy of 11 as reworded.)"""
    from tracker.reports import final

    assert {12, 13} <= MONTH_UNCHANGED_IN
    monkeypatch.setattr(final, "WORDING_VERSION", 13)  # the release of wording 13
    login(october.admin)
    query = unit_query(october)
    finalise(client, query)
    with unit_of_work():
        db.session.scalar(select(SummaryCopy)).wording_version = 11
        _fund_entry_in_an_earlier_month(october)
    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert CHANGED in page and REWORDED not in page


def test_a_month_signed_before_the_merged_ledger_column_still_says_its_data_changed(
        client, login, october, monkeypatch):
    """Wording 10 merged 活动 and 类别 into 「活动（类别）」 in the printed 台账 (.docx,
    .xlsx, the page); the .csv a signed month is compared by keeps them apart and reads
    as in 9. A month signed under 9 whose data then change under the release of wording
    10 says 「定稿后数据有变化」 — not that the difference may be one of wording — and its
    downloads stay as signed. (Wording 11 changed the 月报's words: today's release reads
    a copy of 9 as reworded.)"""
    from tracker.reports import final

    assert 10 in MONTH_UNCHANGED_IN
    monkeypatch.setattr(final, "WORDING_VERSION", 10)  # the release of wording 10
    login(october.admin)
    query = unit_query(october)
    finalise(client, query)
    with unit_of_work():
        copy = db.session.scalar(select(SummaryCopy))
        copy.wording_version = 9  # signed by the release before the merged column
        signed = {"docx": copy.docx, "xlsx": copy.xlsx}
        _fund_entry_in_an_earlier_month(october)
    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert CHANGED in page and REWORDED not in page
    for fmt, data in signed.items():
        assert client.get(f"/reports/monthly.{fmt}?{query}").data == data, fmt
