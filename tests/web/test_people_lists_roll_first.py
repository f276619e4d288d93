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
