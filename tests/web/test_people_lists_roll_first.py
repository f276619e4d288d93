"""walk55: 补录 and 指派 offered the admin and the liaisons (计入参与统计 否) among the
members, the liaison first after 查找 by day, easy to tick by mistake — and then in the
台账 as 参与人员 and 组长. Work done is work done, on the roll or not (docs/design.md,
补录: one rule names them), so the lists still offer them, but after the members on the
roll and marked with the words 党员干部's list marks them by, 「（不计入参与统计）」."""
from __future__ import annotations

import html
import re
from datetime import timedelta

from tests import factories as f
from tests.web.manage_support import backfill_form, text
from tracker.extensions import db

OFF = "（不计入参与统计）"


def _ticks(page: str) -> list[tuple[str, str]]:
    """The 补录 form's participants, (id, label) in page order."""
    return [(i, html.unescape(label).strip()) for i, label in re.findall(
        r'<input[^>]*name="participants"[^>]*value="(\d+)"[^>]*>\s*([^<]+)</label>', page)]


def _options(page: str, name: str) -> list[tuple[str, str]]:
    """A select's members, (id, label) in page order (its 请选择 / 不设组长 left out)."""
    select_ = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
    return [(i, html.unescape(label)) for i, label in
            re.findall(r'<option[^>]*value="(\d+)"[^>]*>([^<]*)</option>', select_)]


def _on_roll_first(listed, on_roll, off_roll) -> None:
    """The members on the roll, then the accounts off it, each of those marked."""
    ids = [i for i, _label in listed]
    assert set(ids) >= {str(m.id) for m in on_roll + off_roll}
    first_off = min(ids.index(str(m.id)) for m in off_roll)
    assert all(ids.index(str(m.id)) < first_off for m in on_roll), listed
    labels = dict(listed)
    for m in off_roll:
        assert labels[str(m.id)].startswith(m.name) and labels[str(m.id)].endswith(OFF)
    for m in on_roll:
        assert OFF not in labels[str(m.id)]


def test_backfill_lists_the_roll_first_and_marks_the_accounts_off_it(client, login, world):
    w = world
    login(w.liaison)
    members, staff = [w.other_member, w.leader, w.member], [w.admin, w.liaison]
    # before a day is typed, and after 查找 by the day (the list of the day's rule)
    page = text(client.get(f"/manage/backfill?item={w.item.id}"))
    _on_roll_first(_ticks(page), members, staff)
    _on_roll_first(_options(page, "leader"), members, staff)
    found = text(client.post("/manage/backfill", data=backfill_form(w, [], find="1")))
    _on_roll_first(_ticks(found), members, staff)
    _on_roll_first(_options(found, "leader"), members, staff)


def test_a_liaison_ticked_is_recorded_as_before(client, login, world):
    """Offered, not refused: the mark is for a tick by mistake to be seen."""
    w = world
    login(w.liaison)
    response = client.post("/manage/backfill", data=backfill_form(
        w, [w.member, w.leader, w.liaison]))
    assert response.status_code == 302, text(response)[:2000]


def test_the_task_page_lists_the_roll_first_and_marks_the_accounts_off_it(
        client, login, world):
    w = world
    login(w.liaison)
    page = text(client.get(f"/manage/tasks/{w.task.id}"))
    members, staff = [w.other_member, w.member], [w.admin, w.liaison]
    _on_roll_first(_options(page, "member"), members, staff)  # 指派
    _on_roll_first(_options(page, "leader"), members, staff)  # 组长


def test_assigning_to_an_ended_activity_lists_the_roll_first_too(client, login, world):
    """An ended activity's 指派 list is 补录's rule on its day (``_forgotten``)."""
    w = world
    task = f.task(w.item, w.liaison, starts_in=-timedelta(days=2), title="楼道清扫")
    db.session.commit()
    login(w.liaison)
    page = text(client.get(f"/manage/tasks/{task.id}"))
    members, staff = [w.other_member, w.member, w.leader], [w.admin, w.liaison]
    _on_roll_first(_options(page, "member"), members, staff)


# rollday57: a list marks and orders by the roll on the activity's day — who the figures
# count in 参与率 on that day (docs/design.md, the roll: a stay on a unit's roll that
# covers the day) —, not by the account's setting now.

def _roll_changed(w):
    """Two members of 张三's unit, each changed on the member form with a 自何日起 of
    last week (``roll.settle``, its writer): 周建国 on the roll since always and
    计入参与统计 switched off from last week; 吴新来 off it until he was put on it last
    week. Both active, their unit working in the community: 补录's rule names both on
    any day."""
    from tracker.services.roll import settle
    from tracker.timeutil import local_today

    last_week = local_today() - timedelta(days=7)
    left = f.member(w.member.unit, name="周建国")
    joined = f.member(w.member.unit, name="吴新来", on_roll=False)
    left.on_roll, joined.on_roll = False, True
    for m in (left, joined):
        assert settle(m, last_week)
    db.session.commit()
    return left, joined


def _marked_by_the_day(listed, on_then, off_then) -> None:
    """``on_then`` unmarked and listed before the first one marked; ``off_then``
    marked."""
    _on_roll_first(listed, [on_then], [off_then])


BEFORE, AFTER = 10, 3  # days ago: before last week's change, and after it


def _backfill_found(client, w, days_ago, **changes):
    from tests.web.manage_support import FMT, local

    return text(client.post("/manage/backfill", data=backfill_form(
        w, [], starts_at=local(-days_ago, 9).strftime(FMT),
        ends_at=local(-days_ago, 11).strftime(FMT), **changes)))


def test_a_backfill_marks_by_the_roll_of_the_day_typed(client, login, world):
    """On a day before last week 周建国 was on the roll (counted then) and 吴新来 not
    yet; on a day after, the other way round."""
    w = world
    left, joined = _roll_changed(w)
    login(w.liaison)
    before = _backfill_found(client, w, BEFORE, find="1")
    _marked_by_the_day(_ticks(before), left, joined)
    _marked_by_the_day(_options(before, "leader"), left, joined)
    after = _backfill_found(client, w, AFTER, find="1")
    _marked_by_the_day(_ticks(after), joined, left)
    _marked_by_the_day(_options(after, "leader"), joined, left)


def test_a_refused_backfill_shown_again_marks_by_the_day_typed(client, login, world):
    w = world
    left, joined = _roll_changed(w)
    login(w.liaison)
    refused = _backfill_found(client, w, BEFORE, note="")  # 保存 without 情况说明
    assert "请填写情况说明" in refused
    _marked_by_the_day(_ticks(refused), left, joined)


def test_before_a_day_is_typed_the_backfill_marks_by_todays_roll(client, login, world):
    w = world
    left, joined = _roll_changed(w)
    login(w.liaison)
    page = text(client.get(f"/manage/backfill?item={w.item.id}"))
    _marked_by_the_day(_ticks(page), joined, left)


def test_the_task_page_marks_by_the_roll_of_the_activitys_day(client, login, world):
    """An activity of ten days ago: its 指派 (after its end) and 组长 lists — one on it,
    read with the task, as the others — as on that day, and 添加遗漏的参加人员 of an
    approved one. An activity to come: today's roll is its day's (its 组长 read with the
    task too)."""
    from tracker.models import Assignment, AssignmentStatus

    w = world
    left, joined = _roll_changed(w)
    ended = f.task(w.item, w.liaison, starts_in=-timedelta(days=BEFORE), title="楼道清扫")
    db.session.add(Assignment(task_id=ended.id, member_id=left.id,
                              status=AssignmentStatus.claimed))
    approved = f.task(w.item, w.liaison, starts_in=-timedelta(days=BEFORE, hours=5),
                      title="绿地补植")
    coming = f.task(w.item, w.liaison, leader=left, title="垃圾分类宣传")
    db.session.commit()
    f.reported(approved, w.leader, approved=True)
    login(w.liaison)

    page = text(client.get(f"/manage/tasks/{ended.id}"))
    _marked_by_the_day(_options(page, "leader"), left, joined)
    assert dict(_options(page, "member"))[str(joined.id)].endswith(OFF)  # 指派
    # 吴新来 searched: 周建国 is in the 组长 list only as the one on it
    page = text(client.get(f"/manage/tasks/{ended.id}?q=吴新来"))
    _marked_by_the_day(_options(page, "leader"), left, joined)
    page = text(client.get(f"/manage/tasks/{approved.id}"))
    _marked_by_the_day(_options(page, "member"), left, joined)  # 添加遗漏的参加人员
    _marked_by_the_day(_options(page, "leader"), left, joined)

    page = text(client.get(f"/manage/tasks/{coming.id}"))
    _marked_by_the_day(_options(page, "member"), joined, left)  # 指派
    for page in (page, text(client.get(f"/manage/tasks/{coming.id}?q=吴新来"))):
        leaders = dict(_options(page, "leader"))  # searched: 周建国 only as its 组长
        assert leaders[str(left.id)].endswith(OFF) and OFF not in leaders[str(joined.id)]


def test_a_new_tasks_leader_list_marks_by_the_day_typed_else_today(client, login, world):
    from tests.web.manage_support import FMT, local, task_form

    w = world
    left, joined = _roll_changed(w)
    login(w.liaison)
    page = text(client.get(f"/manage/tasks/new?item={w.item.id}"))
    _marked_by_the_day(_options(page, "leader"), joined, left)
    found = text(client.post("/manage/tasks/new", data=task_form(
        resource_item=w.item.id, find="1", starts_at=local(-BEFORE, 9).strftime(FMT),
        ends_at=local(-BEFORE, 11).strftime(FMT))))
    _marked_by_the_day(_options(found, "leader"), left, joined)
