"""naming50's Open: 添加遗漏的参加人员's list marks a participant whom the liaison's add
would refuse for the unit on the roll of the month's end too. A unit's 参与情况 counts
its roll of the month's last day (``rollups.coverage``), so adding a member who moved
units within the month changes the signed 月报 of the unit she moved to, and the
service refuses a liaison for it (``closed_member_units``, naming50). docs/design.md: a
list offers no one the addition then refuses (checkfirst43, forgotlist44) — the page
says why before the form, in the service's words.

The data shape of ``tests/reports/test_approval_named_roll_end.py``: 调动党员 of 县财政局
moves to 县教育局 on 31 October 2022, whose October is signed; she is marked 缺席 in
县财政局's approved 「财政局宣讲」 (解放路社区, 10 Oct), her unit of that day its own."""
from __future__ import annotations

import html
from datetime import date

from sqlalchemy import select

from tests.reports.test_approval_named_roll_end import MOVER, _mover
from tests.web.stale_support import form_on
from tests.web.test_add_list_signed_unit import _offered, _page
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, Member, SummaryScope
from tracker.reports import final

REFUSED = f"{MOVER}所在单位（县教育局）2022年10月的月报已定稿，向该活动添加参加人员须由单位管理员操作"


def test_a_participant_on_a_signed_units_roll_of_the_months_end_is_not_offered(
        client, login, october):
    o = october
    education, _pending = _mover(o, date(2022, 10, 31))
    mover = db.session.scalar(select(Member).where(Member.name == MOVER))
    task = o.tasks["财政局宣讲"]
    assert task.report_approved and task.community_id == o.jiefang.id
    db.session.add(Assignment(task_id=task.id, member_id=mover.id,
                              status=AssignmentStatus.absent))
    final.finalize(o.admin, SummaryScope(unit_id=education.id), 2022, 10)
    db.session.commit()

    login(o.liaison)
    page, form = _page(client, task)
    assert not _offered(form, mover)
    assert REFUSED in page[:page.index("/add-participant")]
    # the service's own refusal of a post naming her says the same
    after = html.unescape(client.post(
        f"/manage/tasks/{task.id}/add-participant",
        data=form_on(page, "/add-participant", member=str(mover.id))).get_data(as_text=True))
    assert REFUSED in after


def test_a_searched_member_on_a_signed_units_roll_of_the_months_end_is_not_offered(
        client, login, october):
    """添加遗漏的参加人员's name search, of a member not on the activity (review44c #3):
    the same mark and words as for a participant."""
    o = october
    education, _pending = _mover(o, date(2022, 10, 31))
    mover = db.session.scalar(select(Member).where(Member.name == MOVER))
    task = o.tasks["财政局宣讲"]
    final.finalize(o.admin, SummaryScope(unit_id=education.id), 2022, 10)
    db.session.commit()

    login(o.liaison)
    page = html.unescape(client.get(f"/manage/tasks/{task.id}?q={MOVER}").get_data(as_text=True))
    start = page.index("/add-participant")
    assert not _offered(page[start:page.index("</form>", start)], mover)
    assert REFUSED in page[:start]
    after = html.unescape(client.post(
        f"/manage/tasks/{task.id}/add-participant?q={MOVER}",
        data=form_on(page, "/add-participant", member=str(mover.id))).get_data(as_text=True))
    assert REFUSED in after
