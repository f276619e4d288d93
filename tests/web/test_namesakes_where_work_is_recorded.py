"""Namesakes where the work is recorded (review "setup" #2): two 陈艳 of one unit, in
different 党支部, did the same activity. Wherever someone picks one of them or reviews
what they did — the leader's 缺席 ticks on 提交完成, the liaison's review page and queue,
the 补录 participants and 组长 — each reads 「陈艳（机关第一党支部）」 or 「陈艳（机关第二党支部）」,
as on the task page and in the 月报: never a bare 「陈艳」, where ticking the wrong one
marks the wrong person absent and costs her the hours."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests import factories as f
from tests.backfill_requests.support import asked
from tests.web.manage_support import assignment, submitted_report, text
from tracker.extensions import db
from tracker.models import AssignmentStatus, WaitlistEntry, WaitStatus

FIRST, SECOND = "陈艳（机关第一党支部）", "陈艳（机关第二党支部）"


@pytest.fixture
def chens(world):
    # not the factory's phones (139 and its count): a world cached when the count was at 51
    # holds 13900000051 already, and the fixture failed on the unique phone
    first = f.member(world.unit, name="陈艳", phone="13800000051")
    second = f.member(world.unit, name="陈艳", phone="13800000052")
    first.branch, second.branch = "机关第一党支部", "机关第二党支部"
    db.session.commit()
    return first, second


def _chens_on(page: str) -> list[str]:
    """Every place the page writes 陈艳, with what follows it in brackets, if anything."""
    return re.findall(r"陈艳(?:（[^）]*）)?", page)


def _tick_labels(page: str, name: str) -> dict[str, str]:
    """{member id: label} of the checkboxes ``name``."""
    return {value: label.strip() for value, label in re.findall(
        rf'<label class="option"><input[^>]*name="{name}"[^>]*value="(\d+)"[^>]*>([^<]*)</label>',
        page)}


def _on_past_task(world, chens):
    for chen in chens:
        assignment(world.past_task, chen)


def test_the_leaders_absent_ticks_and_list_tell_namesakes_apart(client, login, world, chens):
    _on_past_task(world, chens)
    login(world.leader)
    page = text(client.get(f"/tasks/{world.past_task.id}/report"))
    ticks = _tick_labels(page, "absent")
    assert ticks[str(chens[0].id)] == FIRST and ticks[str(chens[1].id)] == SECOND
    assert ticks[str(world.member.id)] == "张三"  # a name nobody shares stays as it is
    assert sorted(_chens_on(page)) == sorted([FIRST, SECOND] * 2)  # the list and the ticks

    # ticking 陈艳（机关第二党支部） marks her absent, and only her
    response = client.post(f"/tasks/{world.past_task.id}/report", data={
        "note": "清理楼道杂物。", "absent": [str(chens[1].id)]})
    assert response.status_code == 302, text(response)[:2000]
    db.session.expire_all()
    assert assignment(world.past_task, chens[1]).status == AssignmentStatus.absent
    assert assignment(world.past_task, chens[0]).status != AssignmentStatus.absent


def test_the_review_page_and_queue_tell_namesakes_apart(client, login, world, chens):
    _on_past_task(world, chens)
    report = submitted_report(world.past_task, world.leader)
    login(world.liaison)
    page = text(client.get(f"/manage/reports/{report.id}"))
    table = page.split("参与党员及服务时长")[1].split("</table>")[0]
    assert re.findall(r'<td data-label="姓名">(陈艳[^<]*?)\s*(?:<|$)', table) == [FIRST, SECOND]
    # neither has confirmed: the warning names each so that the liaison knows whom to remind
    unconfirmed = re.search(r"([^>]*) 尚未确认服务时长", page).group(1)
    assert FIRST in unconfirmed and SECOND in unconfirmed
    assert set(_chens_on(page)) == {FIRST, SECOND}

    queue = text(client.get("/manage/reviews"))
    assert set(_chens_on(queue)) == {FIRST, SECOND}


def test_the_backfill_participants_and_leader_tell_namesakes_apart(client, login, world,
                                                                   chens):
    other_unit = f.unit("县林业局")
    f.item(other_unit, world.community, "environment_cleanup")  # working in 解放路 too
    lonely = f.member(other_unit, name="陈艳", phone="13800000053")  # the unit tells her apart
    db.session.commit()
    login(world.liaison)
    page = text(client.get(f"/manage/backfill?item={world.item.id}"))
    ticks = _tick_labels(page, "participants")
    assert ticks[str(chens[0].id)] == FIRST + "（县商务局）"
    assert ticks[str(chens[1].id)] == SECOND + "（县商务局）"
    assert ticks[str(lonely.id)] == "陈艳（县林业局）"
    leaders = dict(re.findall(r'<option[^>]*value="(\d+)"[^>]*>([^<]*)</option>',
                              re.search(r'<select[^>]*name="leader".*?</select>', page,
                                        re.S).group(0)))
    assert leaders[str(chens[0].id)] == FIRST + "（县商务局）"
    assert leaders[str(chens[1].id)] == SECOND + "（县商务局）"
    # no 陈艳 of 县商务局 is offered bare, in the ticks, the 组长 list or an hours field's name
    assert not re.search(r"陈艳（县商务局）", page)


def test_the_members_to_pair_with_a_resident_tell_namesakes_apart(client, login, world, chens):
    """The same harm in 结对党员: pairing the wrong 陈艳 shows the resident's record to
    the wrong person."""
    login(world.liaison)
    page = text(client.get(f"/residents/new?community={world.community.id}"))
    ticks = _tick_labels(page, "paired_ids")
    assert ticks[str(chens[0].id)] == FIRST + "（县商务局）"
    assert ticks[str(chens[1].id)] == SECOND + "（县商务局）"
    assert ticks[str(world.member.id)] == "张三（县商务局）"


def test_the_waitlist_on_the_task_page_tells_namesakes_apart(client, login, world, chens):
    """转正 picks one of those waiting: each 陈艳 is named as the participants are."""
    full = f.task(world.item, world.liaison, slots=1, title="只有一个名额")
    db.session.commit()
    assignment(full, world.member)
    for chen in chens:
        db.session.add(WaitlistEntry(task_id=full.id, member_id=chen.id,
                                     status=WaitStatus.waiting))
    db.session.commit()
    login(world.liaison)
    page = text(client.get(f"/manage/tasks/{full.id}"))
    waiting = page.split('id="waitlist"')[1].split("</section>")[0]
    # each named in its line and again in its 移出候补's question (confirmfix)
    assert list(dict.fromkeys(_chens_on(waiting))) == [FIRST, SECOND]


def test_the_backfill_requests_to_decide_tell_namesakes_apart(client, login, world, chens):
    """Two 补录申请 by a 陈艳 of 县商务局: which one is adopted or refused shows."""
    for chen in chens:
        asked(chen, world.community)
    login(world.liaison)
    page = text(client.get("/backfill-requests/"))
    assert sorted(re.findall(r"<h3>(陈艳[^<]*)</h3>", page)) == [
        FIRST + "（县商务局）", SECOND + "（县商务局）"]


def test_the_task_page_tells_its_leader_and_submitter_apart_as_its_participants(
        client, login, world, chens):
    """figures42 #6: a namesake 组长 and the report's submitter read as the participants
    table reads them (「陈艳（机关第二党支部）」), not a bare 「陈艳」 beside it."""
    _on_past_task(world, chens)
    world.past_task.leader_id = chens[1].id
    db.session.commit()
    submitted_report(world.past_task, chens[1])
    login(world.liaison)
    page = text(client.get(f"/manage/tasks/{world.past_task.id}"))
    leader = re.search(r"<dt>组长</dt><dd>\s*(陈艳(?:（[^）]*）)?)", page)
    assert leader and leader.group(1) == SECOND, leader
    submitted = re.search(r"(陈艳(?:（[^）]*）)?) 提交于", page)
    assert submitted and submitted.group(1) == SECOND, submitted
    assert "陈艳" not in _chens_on(page)


def test_the_workbench_cards_tell_the_leader_and_submitter_apart(client, login, world, chens):
    """The 工作台 names a waiting report's submitter and a task's 组长 as the task page
    does: 「陈艳（机关第二党支部） 提交于 …」, 「组长 陈艳（机关第一党支部）」."""
    _on_past_task(world, chens)
    world.past_task.leader_id = chens[1].id
    upcoming = f.task(world.item, world.liaison, leader=chens[0],
                      starts_in=timedelta(days=1, hours=1), title="明天的清扫")
    db.session.commit()
    submitted_report(world.past_task, chens[1])
    login(world.liaison)
    page = text(client.get("/manage/"))
    submitted = re.search(r"(陈艳(?:（[^）]*）)?) 提交于", page)
    assert submitted and submitted.group(1) == SECOND, submitted
    card = page[page.index(upcoming.title):]
    leader = re.search(r"组长\s*(陈艳(?:（[^）]*）)?)", card)
    assert leader and leader.group(1) == FIRST, leader
    assert "陈艳" not in _chens_on(page)
