"""naming50b's Open: 添加遗漏的参加人员's list named a participant's signed units in unit
id order, the save's refusal (``summary_notes.closed_member_units``) in ``Unit.sort_key``
order — with two signed units the page's sentence and the save's differed. docs/design.md:
the page says before the form what the service would refuse, in the service's words; one
rule of order, the save's.

The data shape of ``tests/web/test_add_list_roll_end_unit.py``: 调动党员 of 县财政局,
marked 缺席 in 县财政局's approved 「财政局宣讲」 (10 Oct), moves to 县教育局 on 31 October
(October's roll) and on to 县卫健局 on 1 December (the year's roll); 县教育局's October and
县卫健局's year are signed. 县教育局 is the older unit (the lower id), 县卫健局 the first in
natural order (the lower sort key)."""
from __future__ import annotations

import html
from datetime import date

from sqlalchemy import select

from tests.reports.test_adoption_named_roll_end import _moved_again, _sign
from tests.reports.test_approval_named_roll_end import MOVER, _mover
from tests.web.stale_support import form_on
from tests.web.test_add_list_signed_unit import _offered, _page
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, Member
from tracker.services.backfill import forgotten_problems

ADD = "向该活动添加参加人员须由单位管理员操作"
SAVED = (f"{MOVER}所在单位（县卫健局）2022年度总结已定稿，{ADD}（或由单位管理员先重新打开该年度总结）。"
         f"{MOVER}所在单位（县教育局）2022年10月的月报已定稿，{ADD}（或由单位管理员先重新打开该月的月报）。")


def _two_signed_units(o):
    education, _pending = _mover(o, date(2022, 10, 31))
    health = _moved_again(o, education, date(2022, 12, 1))
    _sign(o, education, month=True, year=False)
    _sign(o, health, month=False, year=True)
    # the two orders differ: the id's and the natural order's
    assert education.id < health.id and health.sort_key < education.sort_key
    return db.session.scalar(select(Member).where(Member.name == MOVER))


def test_a_participants_two_signed_units_are_named_in_the_saves_order(client, login, october):
    o = october
    mover = _two_signed_units(o)
    task = o.tasks["财政局宣讲"]
    db.session.add(Assignment(task_id=task.id, member_id=mover.id,
                              status=AssignmentStatus.absent))
    db.session.commit()
    # the service's own refusal (read only), in its order
    assert [str(words) for _field, words in
            forgotten_problems(o.liaison, task, mover, None, lock=False)] == [SAVED]

    login(o.liaison)
    page, form = _page(client, task)
    assert not _offered(form, mover)
    assert SAVED in page[:page.index("/add-participant")]
    after = html.unescape(client.post(
        f"/manage/tasks/{task.id}/add-participant",
        data=form_on(page, "/add-participant", member=str(mover.id))).get_data(as_text=True))
    assert SAVED in after


def test_a_searched_members_two_signed_units_are_named_in_the_saves_order(
        client, login, october):
    """The name search's mark (a member not on the activity, review44c #3): the same."""
    o = october
    _two_signed_units(o)
    task = o.tasks["财政局宣讲"]
    login(o.liaison)
    page = html.unescape(client.get(f"/manage/tasks/{task.id}?q={MOVER}").get_data(as_text=True))
    assert SAVED in page[:page.index("/add-participant")]
