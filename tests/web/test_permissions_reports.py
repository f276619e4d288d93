"""Permission matrix rows for the monthly summary and service records.

Summaries: staff only (members 403); a community outside a liaison's reach, or
another unit, answers 404. Service records: own, or a liaison's members active
in their communities (``member`` is on ``past_task`` in community A), or admin.
"""
import pytest

from tests.web.matrix import DENIED, OK, STAFF_ANY, STAFF_OF_COMMUNITY, Route, cases_for, check, everyone

MONTH = "2022-10"
RECORD_OF_MEMBER = {"member": OK, "liaison": OK, "admin": OK}


def _signed(w):
    """October 2022 finalised for the unit and for community A (each keeps its copy)."""
    from tracker.models import SummaryScope
    from tracker.reports import final
    from tracker.services.summary_notes import current_copy

    w.unit_copy = current_copy(final.finalize(w.admin, SummaryScope(w.unit.id), 2022, 10)).id
    w.community_copy = current_copy(final.finalize(
        w.admin, SummaryScope(community_id=w.community.id), 2022, 10)).id

CASES = [
    Route("reports.monthly", "GET", lambda w: "/reports/", STAFF_ANY),
    Route("reports.monthly", "GET", lambda w: f"/reports/?unit={w.unit.id}&month={MONTH}", STAFF_ANY,
          id="monthly-unit"),
    Route("reports.monthly", "GET", lambda w: f"/reports/?community={w.community.id}&month={MONTH}",
          STAFF_OF_COMMUNITY, id="monthly-community"),
    Route("reports.monthly", "GET", lambda w: f"/reports/?unit=999&month={MONTH}", {},
          id="monthly-unknown-unit"),
    Route("reports.monthly_export", "GET",
          lambda w: f"/reports/monthly.docx?unit={w.unit.id}&month={MONTH}", STAFF_ANY, id="docx"),
    Route("reports.monthly_export", "GET",
          lambda w: f"/reports/monthly.xlsx?community={w.community.id}&month={MONTH}",
          STAFF_OF_COMMUNITY, id="xlsx-community"),
    Route("reports.monthly_export", "GET",
          lambda w: f"/reports/monthly.csv?community={w.other_community.id}&month={MONTH}",
          {"other_liaison": OK, "admin": OK}, id="csv-other-community"),
    # 参与明细 (phone numbers, re-importable): whoever may read the summary, as its downloads
    Route("reports.participations_export", "GET",
          lambda w: f"/reports/participations.xlsx?unit={w.unit.id}&month={MONTH}", STAFF_ANY,
          id="participations-unit"),
    Route("reports.participations_export", "GET",
          lambda w: f"/reports/participations.xlsx?community={w.community.id}&month={MONTH}",
          STAFF_OF_COMMUNITY, id="participations-community"),
    Route("reports.participations_export", "GET",
          lambda w: f"/reports/participations.xlsx?unit=999&month={MONTH}", {},
          id="participations-unknown-unit"),
    # the 定稿记录's documents as signed: whoever may read the (whole) summary, each
    # under its own month's summary only
    Route("reports.signed_export", "GET",
          lambda w: f"/reports/signed/{w.unit_copy}.docx?unit={w.unit.id}&month={MONTH}",
          STAFF_ANY, setup=_signed, id="signed-unit"),
    Route("reports.signed_export", "GET",
          lambda w: f"/reports/signed/{w.community_copy}.xlsx?community={w.community.id}"
                    f"&month={MONTH}", STAFF_OF_COMMUNITY, setup=_signed, id="signed-community"),
    Route("reports.signed_export", "GET",
          lambda w: f"/reports/signed/{w.community_copy}.csv?unit={w.unit.id}&month={MONTH}",
          {}, setup=_signed, id="signed-copy-of-another-summary"),
    Route("reports.signed_export", "GET",
          lambda w: f"/reports/signed/{w.unit_copy}.csv?unit=999&month={MONTH}", {},
          setup=_signed, id="signed-unknown-unit"),
    # 存在问题 / 下步打算 and 已定稿: whoever may read the summary; re-opening, an admin.
    Route("reports.save_notes", "POST", lambda w: f"/reports/notes?unit={w.unit.id}&month={MONTH}",
          STAFF_ANY, data={"problems": "问题", "plans": "打算"}, id="notes-unit"),
    Route("reports.save_notes", "POST",
          lambda w: f"/reports/notes?community={w.community.id}&month={MONTH}",
          STAFF_OF_COMMUNITY, data={"problems": "问题", "plans": ""}, id="notes-community"),
    Route("reports.save_notes", "POST", lambda w: "/reports/notes?unit=999&month=2022-10", {},
          data={"problems": "问题"}, id="notes-unknown-unit"),
    Route("reports.finalize", "POST",
          lambda w: f"/reports/finalize?community={w.community.id}&month={MONTH}",
          STAFF_OF_COMMUNITY),
    Route("reports.reopen", "POST", lambda w: f"/reports/reopen?unit={w.unit.id}&month={MONTH}",
          {"admin": OK}),
    Route("reports.records", "GET", lambda w: "/reports/records", everyone()),
    Route("reports.record", "GET", lambda w: f"/reports/records/{w.member.id}", RECORD_OF_MEMBER),
    Route("reports.record", "GET", lambda w: f"/reports/records/{w.other_liaison.id}?year=2022",
          {"other_liaison": OK, "admin": OK}, id="record-of-a-liaison"),
    Route("reports.record_xlsx", "GET", lambda w: f"/reports/records/{w.member.id}.xlsx",
          RECORD_OF_MEMBER),
    Route("reports.record_xlsx", "GET", lambda w: "/reports/records/9999.xlsx", {}, default=DENIED,
          id="record-unknown"),
]


@pytest.mark.parametrize(**cases_for(CASES))
def test_reports_permissions(client, login, world, cached_build, route, actor):
    check(client, login, world, route, actor, cached_build)
