"""naming50's Open: the 补录申请 queue asks the unit on the roll of the month's end too.
A unit's 参与情况 (its 参与 count and 未参与名单) counts its roll of the month's last day
(``rollups.coverage``), so a 补录 of the work of a member who moved units within the
month changes the signed 月报 of the unit she moved to, and 保存 refuses a liaison for
it (naming50). docs/design.md: a signed month's figures are changed by an admin only —
so the queue does not offer 采纳 of such a request to a liaison (it says the request is
an admin's, as it does for her unit of the day), and the 待单位管理员处理 digest tells
the admins of the unit whose signed month it would change.

The data shape of ``test_approval_named_roll_end``: 调动党员 of 县财政局 moves to 县教育局
on 31 October 2022, whose October is signed; her request is of work on 30 October in
解放路社区 (through the 补录 form), or of 县财政局's approved 「财政局宣讲」 (10 Oct)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.reports.test_approval_named_roll_end import MOVER, _mover
from tests.web.manage_support import text
from tracker.extensions import db
from tracker.models import BackfillRequest, Member, SummaryScope
from tracker.reports import final
from tracker.services.backfill_requests import admin_only_adoptions, adopt_notices

HERS = f"{MOVER}所在单位（县教育局）2022年10月的月报已定稿，补录该活动须由单位管理员操作"
ADMINS = "2022年10月的月报已定稿，该申请须由单位管理员采纳"


def _request(o, day: date, task=None) -> BackfillRequest:
    mover = db.session.scalar(select(Member).where(Member.name == MOVER))
    request = BackfillRequest(member_id=mover.id, community_id=o.jiefang.id,
                              service_date=day, minutes=120, description="帮助清理楼道杂物",
                              task_id=task.id if task is not None else None)
    db.session.add(request)
    db.session.commit()
    return request


def _signed_move(o):
    education, _task = _mover(o, date(2022, 10, 31))
    final.finalize(o.admin, SummaryScope(unit_id=education.id), 2022, 10)
    db.session.commit()
    return education


def test_a_request_through_the_form_is_the_admins_of_her_unit_on_the_months_roll(
        client, login, october):
    o = october
    education = _signed_move(o)
    request = _request(o, date(2022, 10, 30))

    notice = adopt_notices([request], o.liaison)[request.id]
    assert notice.refused
    assert HERS in str(notice.words)
    # the digest tells 县教育局's admins: its October is the signed one
    assert admin_only_adoptions([request])[request.id].unit_ids == {education.id}

    login(o.liaison)
    queue = text(client.get("/backfill-requests/"))
    assert HERS in queue
    assert f"/manage/backfill?request={request.id}" not in queue


def test_a_request_of_an_approved_activity_is_the_admins_of_her_unit_on_the_months_roll(
        client, login, october):
    o = october
    education = _signed_move(o)
    task = o.tasks["财政局宣讲"]
    assert task.report_approved
    request = _request(o, task.service_date, task)

    notice = adopt_notices([request], o.liaison)[request.id]
    assert notice.refused
    assert ADMINS in str(notice.words)
    assert admin_only_adoptions([request])[request.id].unit_ids == {education.id}
