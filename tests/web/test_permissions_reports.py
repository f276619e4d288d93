"""Permission matrix rows for the monthly summary and service records.

Summaries: staff only (members 403); a community outside a liaison's reach, or
another unit, answers 404. Service records: own, or a liaison's members active
in their communities (``member`` is on ``past_task`` in community A), or admin.

"Another unit" is 县财政局 (``far_unit``, made by the rows that need it): it worked in
the liaison's community A in October 2022, so the liaison is near it, yet its summary,
every download of it, its notes, 定稿 (the month's and the year's) and signed copies are
an admin's only.
"""
from datetime import datetime, timezone

import pytest

from tests import factories as f
from tests.web.matrix import (
    FORBIDDEN,
    HIDDEN,
    OK,
    STAFF_ANY,
    STAFF_NOT_FOUND,
    STAFF_OF_COMMUNITY,
    Route,
    cases_for,
    check,
    everyone,
)
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus

MONTH = "2022-10"
RECORD_OF_MEMBER = {"member": OK, "liaison": OK, "admin": OK}
# another unit's summary: the liaisons (both of 县商务局) do not see it; members are
# refused the staff page before anything is looked up
OTHER_UNITS = {"admin": OK, "liaison": HIDDEN, "other_liaison": HIDDEN}


def _far_unit(w):
    """县财政局 in community A: an October 2022 activity (赵外单位 on it) and 钱未参与,
    on its roll, who took no part — the names its 未参与名单 and 参与明细 would show."""
    if hasattr(w, "far_unit"):
        return
    w.far_unit = f.unit("县财政局")
    item = f.item(w.far_unit, w.community, "environment_cleanup")
    w.far_worker = f.member(w.far_unit, name="赵外单位")
    w.far_idle = f.member(w.far_unit, name="钱未参与")
    task = f.task(item, w.liaison, title="外单位清理",
                  starts_at=datetime(2022, 10, 5, 1, tzinfo=timezone.utc))
    db.session.add(Assignment(task_id=task.id, member_id=w.far_worker.id,
                              status=AssignmentStatus.claimed))
    task.taken = 1
    db.session.commit()


def _far_unit_signed(w):
    """县财政局's October 2022 finalised (its signed copy)."""
    from tracker.models import SummaryScope
    from tracker.reports import final
    from tracker.services.summary_notes import current_copy

    _far_unit(w)
    w.far_copy = current_copy(final.finalize(w.admin, SummaryScope(w.far_unit.id), 2022, 10)).id


def _far_unit_year_signed(w):
    """县财政局's 2022 finalised (its 年度总结 kept)."""
    from tracker.models import SummaryScope
    from tracker.reports import annual_final
    from tracker.services.year_notes import current_year_copy

    _far_unit(w)
    w.far_year_copy = current_year_copy(
        annual_final.finalize_year(w.admin, SummaryScope(w.far_unit.id), 2022)).id
    db.session.commit()


def _unit_year_signed(w):
    """县商务局's 2022 finalised (its 年度总结 kept)."""
    from tracker.models import SummaryScope
    from tracker.reports import annual_final
    from tracker.services.year_notes import current_year_copy

    w.unit_year_copy = current_year_copy(
        annual_final.finalize_year(w.admin, SummaryScope(w.unit.id), 2022)).id
    db.session.commit()


def _far_unit_rows() -> list:
    """Every summary route asked for the other unit: an admin's only."""
    query = lambda w: f"unit={w.far_unit.id}&month={MONTH}"  # noqa: E731
    rows = [Route("reports.monthly", "GET", lambda w: f"/reports/?{query(w)}", OTHER_UNITS,
                  setup=_far_unit, id="monthly-other-unit")]
    rows += [Route("reports.annual", "GET",
                   lambda w: f"/reports/annual?unit={w.far_unit.id}&year=2022", OTHER_UNITS,
                   setup=_far_unit, id="annual-other-unit")]
    rows += [Route("reports.annual_export", "GET",
                   lambda w, fmt=fmt: f"/reports/annual.{fmt}?unit={w.far_unit.id}&year=2022",
                   OTHER_UNITS, setup=_far_unit, id=f"annual-{fmt}-other-unit")
             for fmt in ("docx", "xlsx", "csv")]
    rows += [Route("reports.save_annual_notes", "POST",
                   lambda w: f"/reports/annual/notes?unit={w.far_unit.id}&year=2022",
                   OTHER_UNITS, setup=_far_unit, data={"problems": "问题", "plans": ""},
                   id="annual-notes-other-unit")]
    rows += [
        Route("reports.finalize_annual", "POST",
              lambda w: f"/reports/annual/finalize?unit={w.far_unit.id}&year=2022",
              OTHER_UNITS, setup=_far_unit, id="annual-finalize-other-unit"),
        Route("reports.reopen_annual", "POST",
              lambda w: f"/reports/annual/reopen?unit={w.far_unit.id}&year=2022",
              OTHER_UNITS, setup=_far_unit_year_signed, id="annual-reopen-other-unit"),
        Route("reports.annual_signed_export", "GET",
              lambda w: f"/reports/annual/signed/{w.far_year_copy}.docx?unit={w.far_unit.id}"
                        "&year=2022", OTHER_UNITS, setup=_far_unit_year_signed,
              id="annual-signed-other-unit"),
    ]
    rows += [Route("reports.monthly_export", "GET",
                   lambda w, fmt=fmt: f"/reports/monthly.{fmt}?{query(w)}", OTHER_UNITS,
                   setup=_far_unit, id=f"{fmt}-other-unit") for fmt in ("docx", "xlsx", "csv")]
    rows += [
        Route("reports.participations_export", "GET",
              lambda w: f"/reports/participations.xlsx?{query(w)}", OTHER_UNITS,
              setup=_far_unit, id="participations-other-unit"),
        Route("reports.save_notes", "POST", lambda w: f"/reports/notes?{query(w)}", OTHER_UNITS,
              data={"problems": "问题", "plans": "打算"}, setup=_far_unit,
              id="notes-other-unit"),
        Route("reports.finalize", "POST", lambda w: f"/reports/finalize?{query(w)}",
              OTHER_UNITS, setup=_far_unit, id="finalize-other-unit"),
        Route("reports.reopen", "POST", lambda w: f"/reports/reopen?{query(w)}", OTHER_UNITS,
              setup=_far_unit_signed, id="reopen-other-unit"),
        Route("reports.signed_export", "GET",
              lambda w: f"/reports/signed/{w.far_copy}.docx?{query(w)}", OTHER_UNITS,
              setup=_far_unit_signed, id="signed-other-unit"),
        # 服务记录 go by where a member worked, not by unit: 钱未参与 worked nowhere (an
        # admin's only); 赵外单位 worked in community A (its liaison sees the record)
        Route("reports.record", "GET", lambda w: f"/reports/records/{w.far_idle.id}?year=2022",
              {"admin": OK}, default=HIDDEN, setup=_far_unit, id="record-other-unit-idle"),
        Route("reports.record_xlsx", "GET",
              lambda w: f"/reports/records/{w.far_idle.id}.xlsx?year=2022", {"admin": OK},
              default=HIDDEN, setup=_far_unit, id="record-xlsx-other-unit-idle"),
        Route("reports.record", "GET",
              lambda w: f"/reports/records/{w.far_worker.id}?year=2022",
              {"liaison": OK, "admin": OK}, default=HIDDEN, setup=_far_unit,
              id="record-other-unit-in-A"),
    ]
    return rows



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
    Route("reports.monthly", "GET", lambda w: f"/reports/?unit=999&month={MONTH}", STAFF_NOT_FOUND,
          id="monthly-unknown-unit"),
    Route("reports.monthly_export", "GET",
          lambda w: f"/reports/monthly.docx?unit={w.unit.id}&month={MONTH}", STAFF_ANY, id="docx"),
    Route("reports.monthly_export", "GET",
          lambda w: f"/reports/monthly.xlsx?community={w.community.id}&month={MONTH}",
          STAFF_OF_COMMUNITY, id="xlsx-community"),
    Route("reports.monthly_export", "GET",
          lambda w: f"/reports/monthly.csv?community={w.other_community.id}&month={MONTH}",
          {"other_liaison": OK, "admin": OK, "liaison": HIDDEN}, id="csv-other-community"),
    # 参与明细 (phone numbers, re-importable): whoever may read the summary, as its downloads
    Route("reports.participations_export", "GET",
          lambda w: f"/reports/participations.xlsx?unit={w.unit.id}&month={MONTH}", STAFF_ANY,
          id="participations-unit"),
    Route("reports.participations_export", "GET",
          lambda w: f"/reports/participations.xlsx?community={w.community.id}&month={MONTH}",
          STAFF_OF_COMMUNITY, id="participations-community"),
    Route("reports.participations_export", "GET",
          lambda w: f"/reports/participations.xlsx?unit=999&month={MONTH}",
          STAFF_NOT_FOUND,
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
          STAFF_NOT_FOUND, setup=_signed, id="signed-copy-of-another-summary"),
    Route("reports.signed_export", "GET",
          lambda w: f"/reports/signed/{w.unit_copy}.csv?unit=999&month={MONTH}",
          STAFF_NOT_FOUND,
          setup=_signed, id="signed-unknown-unit"),
    # 存在问题 / 下步打算 and 已定稿: whoever may read the summary; re-opening, an admin.
    Route("reports.save_notes", "POST", lambda w: f"/reports/notes?unit={w.unit.id}&month={MONTH}",
          STAFF_ANY, data={"problems": "问题", "plans": "打算"}, id="notes-unit"),
    Route("reports.save_notes", "POST",
          lambda w: f"/reports/notes?community={w.community.id}&month={MONTH}",
          STAFF_OF_COMMUNITY, data={"problems": "问题", "plans": ""}, id="notes-community"),
    Route("reports.save_notes", "POST", lambda w: "/reports/notes?unit=999&month=2022-10",
          STAFF_NOT_FOUND,
          data={"problems": "问题"}, id="notes-unknown-unit"),
    Route("reports.finalize", "POST",
          lambda w: f"/reports/finalize?community={w.community.id}&month={MONTH}",
          STAFF_OF_COMMUNITY),
    # re-opening is an admin's: the liaisons see the month (403)
    Route("reports.reopen", "POST", lambda w: f"/reports/reopen?unit={w.unit.id}&month={MONTH}",
          {"admin": OK, "liaison": FORBIDDEN, "other_liaison": FORBIDDEN}),
    # 年度总结: whoever may read the 月报 of the same unit or community, its downloads too
    Route("reports.annual", "GET", lambda w: "/reports/annual", STAFF_ANY),
    Route("reports.annual", "GET", lambda w: f"/reports/annual?unit={w.unit.id}&year=2022",
          STAFF_ANY, id="annual-unit"),
    Route("reports.annual", "GET",
          lambda w: f"/reports/annual?community={w.community.id}&year=2022",
          STAFF_OF_COMMUNITY, id="annual-community"),
    Route("reports.annual", "GET", lambda w: "/reports/annual?unit=999&year=2022",
          STAFF_NOT_FOUND, id="annual-unknown-unit"),
    Route("reports.annual_export", "GET",
          lambda w: f"/reports/annual.docx?unit={w.unit.id}&year=2022", STAFF_ANY,
          id="annual-docx"),
    Route("reports.annual_export", "GET",
          lambda w: f"/reports/annual.xlsx?community={w.community.id}&year=2022",
          STAFF_OF_COMMUNITY, id="annual-xlsx-community"),
    Route("reports.annual_export", "GET",
          lambda w: f"/reports/annual.xlsx?community={w.other_community.id}&year=2022",
          {"other_liaison": OK, "admin": OK, "liaison": HIDDEN}, id="annual-other-community"),
    Route("reports.annual_export", "GET",
          lambda w: f"/reports/annual.csv?unit={w.unit.id}&year=2022", STAFF_ANY,
          id="annual-csv"),
    Route("reports.annual_export", "GET",
          lambda w: f"/reports/annual.csv?community={w.community.id}&year=2022",
          STAFF_OF_COMMUNITY, id="annual-csv-community"),
    Route("reports.annual_export", "GET", lambda w: "/reports/annual.csv?unit=999&year=2022",
          STAFF_NOT_FOUND, id="annual-csv-unknown-unit"),
    # the year's 存在问题 / 下步打算: whoever may write the 月报's words of the same summary
    Route("reports.save_annual_notes", "POST",
          lambda w: f"/reports/annual/notes?unit={w.unit.id}&year=2022", STAFF_ANY,
          data={"problems": "问题", "plans": "打算"}, id="annual-notes-unit"),
    Route("reports.save_annual_notes", "POST",
          lambda w: f"/reports/annual/notes?community={w.community.id}&year=2022",
          STAFF_OF_COMMUNITY, data={"problems": "问题", "plans": ""},
          id="annual-notes-community"),
    Route("reports.save_annual_notes", "POST",
          lambda w: "/reports/annual/notes?unit=999&year=2022", STAFF_NOT_FOUND,
          data={"problems": "问题"}, id="annual-notes-unknown-unit"),
    # the year's 定稿: whoever may write its words (the 月报's rule); re-opening, an admin
    Route("reports.finalize_annual", "POST",
          lambda w: f"/reports/annual/finalize?community={w.community.id}&year=2022",
          STAFF_OF_COMMUNITY, id="annual-finalize-community"),
    Route("reports.finalize_annual", "POST",
          lambda w: "/reports/annual/finalize?unit=999&year=2022", STAFF_NOT_FOUND,
          id="annual-finalize-unknown-unit"),
    Route("reports.reopen_annual", "POST",
          lambda w: f"/reports/annual/reopen?unit={w.unit.id}&year=2022",
          {"admin": OK, "liaison": FORBIDDEN, "other_liaison": FORBIDDEN},
          setup=_unit_year_signed, id="annual-reopen-unit"),
    Route("reports.reopen_annual", "POST",
          lambda w: f"/reports/annual/reopen?community={w.community.id}&year=2022",
          {"admin": OK, "liaison": FORBIDDEN, "other_liaison": HIDDEN},
          id="annual-reopen-community"),
    # the year's 定稿记录 as signed: whoever may read the (whole) 年度总结, each under its
    # own year's summary only
    Route("reports.annual_signed_export", "GET",
          lambda w: f"/reports/annual/signed/{w.unit_year_copy}.xlsx?unit={w.unit.id}&year=2022",
          STAFF_ANY, setup=_unit_year_signed, id="annual-signed-unit"),
    Route("reports.annual_signed_export", "GET",
          lambda w: f"/reports/annual/signed/{w.unit_year_copy}.csv?unit={w.unit.id}&year=2021",
          STAFF_NOT_FOUND, setup=_unit_year_signed, id="annual-signed-another-year"),
    Route("reports.annual_signed_export", "GET",
          lambda w: f"/reports/annual/signed/{w.unit_year_copy}.csv?unit=999&year=2022",
          STAFF_NOT_FOUND, setup=_unit_year_signed, id="annual-signed-unknown-unit"),
    Route("reports.records", "GET", lambda w: "/reports/records", everyone()),
    Route("reports.record", "GET", lambda w: f"/reports/records/{w.member.id}", RECORD_OF_MEMBER,
          default=HIDDEN),
    Route("reports.record", "GET", lambda w: f"/reports/records/{w.other_liaison.id}?year=2022",
          {"other_liaison": OK, "admin": OK}, default=HIDDEN, id="record-of-a-liaison"),
    Route("reports.record_xlsx", "GET", lambda w: f"/reports/records/{w.member.id}.xlsx",
          RECORD_OF_MEMBER, default=HIDDEN),
    Route("reports.record_xlsx", "GET", lambda w: "/reports/records/9999.xlsx", everyone(HIDDEN),
          id="record-unknown"),
    *_far_unit_rows(),
]


@pytest.mark.parametrize(**cases_for(CASES))
def test_reports_permissions(client, login, route_world, route, actor):
    check(client, login, route_world, route, actor)
