"""What is 待审核 changes no signed figure (docs/design.md, 定稿).

A 已定稿 月报 says 「定稿后数据有变化」 — and the 年度总结 marks its month — when an official
figure of the month moved since: a report approved, an approved one taken back (撤销审核),
a void, a correction dated in it. Reports waiting for review are told apart from the
official figures (the pending sentence 「另有N份完成情况待审核…」, and 「有活动待审核」
beside a name in the 未参与名单), never in them: a report submitted late, or returned
before anyone approved it, changes what waits, not what was signed. Neither the 月报 nor
the 年度总结 (of the month, or of a signed year) then says the data changed.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

from tests import factories as f
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, ResourceItem
from tracker.services import unit_of_work
from tracker.services.reviews import (
    ReportData,
    approve_report,
    reopen_report,
    return_report,
    submit_report,
)

MONTH_QUERY = "unit={unit}&month=2022-10"
YEAR_QUERY = "unit={unit}&year=2022"
CHANGED = "定稿后数据有变化"
MONTH_CHANGED_IN_YEAR = "10月月报定稿后数据有变化"
WAITING = 'data-figure="waiting_since_final"'


def month_page(client, o) -> str:
    return client.get("/reports/?" + MONTH_QUERY.format(unit=o.unit.id)).get_data(as_text=True)


def year_page(client, o) -> str:
    return client.get("/reports/annual?" + YEAR_QUERY.format(unit=o.unit.id)).get_data(
        as_text=True)


def sign_october(client, o) -> bytes:
    """The admin signs the unit's October; the signed .csv."""
    query = MONTH_QUERY.format(unit=o.unit.id)
    assert client.post(f"/reports/finalize?{query}", data={"confirmed": "1"}).status_code == 302
    return client.get(f"/reports/monthly.csv?{query}").data


def live_csv(client, o) -> bytes:
    return client.get("/reports/monthly.csv?" + MONTH_QUERY.format(unit=o.unit.id)
                      + "&current=1").data


def lines(data: bytes) -> list[str]:
    return [",".join(row) for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) if row]


def told_unchanged(client, o) -> None:
    """Neither the 月报 nor the 年度总结 says October's data changed since its 定稿."""
    assert CHANGED not in month_page(client, o)
    year = year_page(client, o)
    assert MONTH_CHANGED_IN_YEAR not in year
    assert 'data-figure="changed_months"' not in year


def told_changed(client, o) -> None:
    assert CHANGED in month_page(client, o)
    year = year_page(client, o)
    assert MONTH_CHANGED_IN_YEAR in year
    assert 'data-figure="changed_months"' in year


def late_report(o):
    """郑某某 — on the roll, not taking part in October — led a cleanup on October 31st
    and reports it after the month was signed: it waits for review."""
    leader = o.members["郑某某"]
    item = db.session.get(ResourceItem, o.tasks["环境整治二"].resource_item_id)
    task = f.task(item, o.liaison, starts_at=datetime(2022, 10, 31, 1, tzinfo=timezone.utc),
                  duration=timedelta(hours=2), leader=leader, title="月末补报整治")
    db.session.add(Assignment(task_id=task.id, member_id=leader.id,
                              status=AssignmentStatus.done, minutes=120))
    task.taken = 1
    db.session.flush()
    return submit_report(task, leader, ReportData(quantity=None, people_served=None,
                                                  note="月末清理楼道杂物。"))


def test_a_report_submitted_after_signing_is_no_change_until_it_is_approved(
        client, login, october):
    login(october.admin)
    signed = sign_october(client, october)
    told_unchanged(client, october)

    with unit_of_work():
        report = late_report(october)
    # what waits did change: the live document's pending sentence, and 郑某某 is now
    # listed as having an activity 待审核 …
    live = lines(live_csv(client, october))
    waiting = [line for line in live if "完成情况待审核" in line]
    assert waiting and waiting[0].startswith("另有2份完成情况待审核")
    assert waiting[0] not in lines(signed)
    assert any("郑某某" in line and "有活动待审核" in line for line in live)
    # … but no official figure: the signer is not told the data changed, nor is the year;
    # the page tells, as information, that what waits for review moved since
    told_unchanged(client, october)
    assert WAITING in month_page(client, october)
    login(october.liaison)  # who manages every community the month touches: the same
    told_unchanged(client, october)

    login(october.admin)
    with unit_of_work():
        approve_report(report, october.admin)  # an admin's, in a signed month
    told_changed(client, october)
    assert WAITING not in month_page(client, october)  # the change is told instead


def test_a_report_returned_before_approval_is_no_change(client, login, october):
    login(october.admin)
    sign_october(client, october)
    assert WAITING not in month_page(client, october)  # nothing moved yet
    with unit_of_work():  # the liaison returns October's report 待审核 (not refused)
        return_report(october.tasks["待审核整治"].report, october.liaison, "请补充照片")
    told_unchanged(client, october)
    assert WAITING in month_page(client, october)
    with unit_of_work():  # and the returned one of October is corrected and resubmitted
        task = october.tasks["被退回清除"]
        submit_report(task, task.leader, ReportData(quantity=28, people_served=0,
                                                    note="更正数量。"))
    told_unchanged(client, october)


def test_taking_back_an_approved_report_is_a_change(client, login, october):
    login(october.admin)
    sign_october(client, october)
    with unit_of_work():  # 撤销审核: an approved activity of October counts nowhere now
        reopen_report(october.tasks["环境整治二"].report, october.admin, "人数登记有误")
    told_changed(client, october)


def test_a_signed_year_is_not_changed_by_a_report_waiting_for_review(client, login, october):
    """The 年度总结 of a signed year compares itself with its kept copy by the same rule."""
    login(october.admin)
    query = YEAR_QUERY.format(unit=october.unit.id)
    assert client.post(f"/reports/annual/finalize?{query}", data={"confirmed": "1"}).status_code == 302
    assert CHANGED not in year_page(client, october)
    with unit_of_work():
        report = late_report(october)
    assert CHANGED not in year_page(client, october)
    with unit_of_work():
        approve_report(report, october.admin)
    assert CHANGED in year_page(client, october)


def test_what_waits_is_left_out_whatever_the_language_of_the_page(client, login, october):
    """The document is Chinese whoever reads it: a reader of the English page is not told
    of a change by a report waiting for review either, and is told of its approval."""
    from tests.reports.test_document_language import english

    login(october.admin)
    sign_october(client, october)
    with unit_of_work():
        report = late_report(october)
    english(client)
    changed = "The data have changed since the summary was finalised"
    assert changed not in month_page(client, october)
    with unit_of_work():
        approve_report(report, october.admin)
    assert changed in month_page(client, october)
