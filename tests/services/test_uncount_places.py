"""An approved activity's 作废 and 撤销审核 take out of the figures what its approval
counted: its own month, its findings' steps' months (移交, 整改) and the hours of the
participants it counts — the confirmed ones — in the months of their units of the day
(docs/design.md, "Refused in a 已定稿 month"). A participant checked in but left
unconfirmed at the approval was not counted, so neither takes anything out of her unit's
month. An admin is told first which signed documents each changes; the two are named
from the places 通过 names, with the approval's counted participations (unitrows42)."""
from __future__ import annotations

from datetime import date

from tests import factories as f
from tests.rollups import builders as b
from tests.services.test_void_need_moves import approved_on, named, sign
from tracker.extensions import db
from tracker.models import AssignmentStatus, FindingStatus
from tracker.services.voiding import uncount_signed

NAMES = "{action}会改变以下已定稿月报的当前数据：{months}。"


def test_a_void_and_a_reopen_name_the_months_of_what_the_approval_counted(
        client, login, world):
    finance, commerce = f.unit("县财政局"), f.unit("县民政局")
    task = b.task_on(world.item, world.liaison, date(2025, 11, 20))
    b.join(task, world.member)
    b.join(task, f.member(finance, name="王五"))  # confirmed: counted for 县财政局
    b.join(task, f.member(commerce, name="赵六"), AssignmentStatus.checked_in)  # not counted
    finding = b.finding(task, world.liaison, status=FindingStatus.handed_over)
    finding.handed_over_on = date(2025, 12, 3)  # its 移交 counts in December
    approved_on(task, world.liaison, date(2025, 11, 20))
    db.session.commit()
    for unit, month in ((finance, 11), (commerce, 11), (world.unit, 12)):
        sign(world.admin, unit, 2025, month)

    months = f"{world.unit.name}2025年12月、县财政局2025年11月"
    voided, reopened = uncount_signed(world.admin, task)
    for naming in (voided, reopened):
        assert {(m.unit_name, m.year, m.month) for m in naming.months} == {
            (world.unit.name, 2025, 12), ("县财政局", 2025, 11)}
    login(world.admin)
    page = client.get(f"/manage/tasks/{task.id}").get_data(as_text=True)
    blocks = named(page)
    for action in ("作废该活动", "撤销审核"):
        (words,) = [w for w in blocks if w.lstrip().startswith(action)]
        assert "县民政局" not in words, action
        assert {m for m in words.split("：", 1)[1].split("。", 1)[0].split("、")} == \
            set(months.split("、")), (action, words)
