"""取消任务, and 作废 of an activity not yet approved, give back the needs the task was
to do (needseries41 Open). A need nobody claimed is its task's unit's; given back with
no other task of its series left it is no unit's, so its posted month's 本月发布 leaves
that unit. A signed month's figures are changed by an admin only, whatever the change
(docs/design.md, "Refused in a 已定稿 month"): a liaison is refused, naming the need, the
unit and the month; an admin is told first which signed documents it changes — the same
rule as an approved activity's 作废 (``task_needs.void_need_places``)."""
from __future__ import annotations

from datetime import date

import pytest

from tests import factories as f
from tests.needs.support import need
from tests.services.test_signed_year_closes_months import sign_year
from tests.services.test_void_need_moves import NOVEMBER, counts, named, sign
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import AssignmentStatus, NeedStatus, SummaryScope
from tracker.services import ServiceError, summary_notes, unit_of_work, year_notes
from tracker.services.tasks import cancel_task
from tracker.services.voiding import void_activity, void_refusal, void_signed

REFUSED = "需求“清理楼道杂物”计入的单位（{unit}）2025年11月的月报已定稿，{action}须由单位管理员操作"


@pytest.fixture
def tasked(world):
    """A need nobody claimed, posted on 3 November, turned into a December task of the
    world unit (not approved); the world unit signed its November, where the need's
    本月发布 counts."""
    task = b.task_on(world.item, world.liaison, date(2025, 12, 4))
    need(world.community, world.liaison, status=NeedStatus.tasked, title="清理楼道杂物",
         posted_on=date(2025, 11, 3), wanted_by=date(2025, 12, 30), task_id=task.id)
    db.session.commit()
    sign(world.admin, world.unit, 2025, 11)
    assert counts(world.unit, NOVEMBER) == (1, 0)
    return task


def test_a_liaisons_cancel_is_refused_when_the_need_leaves_a_signed_posted_month(
        client, login, world, tasked):
    expected = REFUSED.format(unit=world.unit.name, action="取消这个任务")
    with pytest.raises(ServiceError) as refused:
        cancel_task(tasked, world.liaison, "不再进行")
    db.session.rollback()
    assert expected in str(refused.value)
    assert counts(world.unit, NOVEMBER) == (1, 0), "a liaison changed a signed November"
    login(world.liaison)
    page = client.get(f"/manage/tasks/{tasked.id}").get_data(as_text=True)
    assert expected in page, "the page offers a liaison 取消任务"


def test_an_admin_is_told_first_that_the_cancel_moves_the_needs_posted_month(
        client, login, world, tasked):
    login(world.admin)
    for page in (client.get(f"/manage/tasks/{tasked.id}"),
                 client.post(f"/manage/tasks/{tasked.id}/cancel", data={"reason": "不再进行"})):
        (words,) = named(page.get_data(as_text=True))
        assert f"取消任务会改变以下已定稿月报的当前数据：{world.unit.name}2025年11月。" in words
    cancel_task(tasked, world.admin, "不再进行")
    db.session.commit()
    assert counts(world.unit, NOVEMBER) == (0, 0)  # what was named is what changed


def test_a_void_of_an_activity_not_approved_asks_the_same(world, tasked):
    """On record (a confirmed hour) but not approved: 作废, not 取消任务, and the same
    rule."""
    b.join(tasked, world.member, AssignmentStatus.done)
    db.session.commit()
    refusal = void_refusal(tasked, world.liaison, lock=False)
    assert refusal is not None, "the page offers a liaison 作废"
    assert REFUSED.format(unit=world.unit.name, action="作废这次活动") in str(refusal)
    months = void_signed(world.admin, tasked).months
    assert [(m.unit_name, m.year, m.month) for m in months] == [(world.unit.name, 2025, 11)]
    void_activity(tasked, world.admin, "录入错误")
    db.session.commit()
    assert counts(world.unit, NOVEMBER) == (0, 0)


def test_a_need_a_member_claimed_stays_hers_and_nothing_is_asked(world):
    """A guard: a claimed need is its claimer's unit's whatever becomes of the task."""
    finance = f.unit("县财政局")
    task = b.task_on(world.item, world.liaison, date(2025, 12, 4))
    need(world.community, world.liaison, status=NeedStatus.claimed, title="清理楼道杂物",
         claimer=f.member(finance, name="何静"), posted_on=date(2025, 11, 3),
         wanted_by=date(2025, 12, 30), task_id=task.id)
    db.session.commit()
    sign(world.admin, finance, 2025, 11)
    sign(world.admin, world.unit, 2025, 11)
    assert void_signed(world.admin, task) is None or not void_signed(world.admin, task).months
    cancel_task(task, world.liaison, "不再进行")
    db.session.commit()


def test_a_liaisons_cancel_in_a_month_signed_with_its_year_names_both(world, tasked):
    """walk45 #4 for a need (walk45fix Open): November's 月报 and the 2025 年度总结 both
    signed, re-opening the month alone would leave the need's move closed by the year —
    so the refusal names both, and each step it names is what lets her."""
    sign_year(world, 2025)
    assert refusal(tasked, world.liaison) == REFUSED.format(
        unit=world.unit.name, action="取消这个任务") + "（或由单位管理员先重新打开该月的月报和2025年度总结）。"
    # the month re-opened alone: still refused, now by the year
    summary_notes.reopen(world.admin, SummaryScope(unit_id=world.unit.id), 2025, 11)
    db.session.commit()
    assert refusal(tasked, world.liaison) == (
        f"需求“清理楼道杂物”计入的单位（{world.unit.name}）2025年度总结已定稿，取消这个任务须由单位"
        "管理员操作（或由单位管理员先重新打开该年度总结）。")
    year_notes.reopen_year(world.admin, SummaryScope(unit_id=world.unit.id), 2025)
    db.session.commit()
    with unit_of_work():
        cancel_task(tasked, world.liaison, "不再进行")  # both re-opened, as said: hers


def refusal(task, actor) -> str:
    with pytest.raises(ServiceError) as refused:
        with unit_of_work():
            cancel_task(task, actor, "不再进行")
    db.session.rollback()
    return str(refused.value)
