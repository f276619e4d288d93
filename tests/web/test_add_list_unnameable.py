"""添加遗漏的参加人员's list on an approved activity offers only those the addition takes.
Of the participants not counted, 补录's rule (``backfill.nameable``, docs/design.md 补录:
"who may be named on past work is one rule") refuses a member whose unit that day does
not work in the community, and an account switched off that was on no roll that day;
it names one switched off since on work she did while on a roll. Before forgotlist44
(checkfirst43's Open) the list offered the first two and the form then refused them,
and left out the third, whom the addition takes. Now the list offers whom the rule
names, and the page says, before the form, why it leaves the others out — one sentence
for each reason (for the unit, one for each unit of the day, named), namesakes told apart
as the page lists them."""
from __future__ import annotations

import html
import re
from sqlalchemy import select

from tests import factories as f
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, RollPeriod
from tracker.timeutil import local_today

# the unit of the day named, as 补录's own refusal names it (forgotnames45)
UNIT_WORDS = "在该活动当日所在的单位（县林业局）不在该社区开展共建，不能添加为本活动的参加人员。"
OFF_WORDS = "的账号已停用，该活动当日不在册，不能添加为本活动的参加人员。"


def _add_form(page: str) -> str:
    start = page.index("/add-participant")
    return page[start:page.index("</form>", start)]


def _offered(page: str, member) -> bool:
    return re.search(rf'<option[^>]*value="{member.id}"', _add_form(page)) is not None


def _page(client, task, lang: str = "") -> str:
    return html.unescape(client.get(f"/manage/tasks/{task.id}{lang}").get_data(as_text=True))


def _on(task, member, status=AssignmentStatus.claimed) -> None:
    db.session.add(Assignment(task_id=task.id, member_id=member.id, status=status))
    task.taken += 1


def _status_on(task, member):
    return db.session.scalar(select(Assignment.status).where(
        Assignment.task_id == task.id, Assignment.member_id == member.id))


def _outsider_namesake(world):
    """A 张三 of 县林业局 — a unit working nowhere in 解放路社区 — who claimed 楼道清理 and
    never confirmed, beside the world's 张三 (claimed too); 楼道清理 approved."""
    outsider = f.member(f.unit("县林业局"), name="张三", phone="13900000321")
    _on(world.past_task, outsider)
    f.reported(world.past_task, world.leader, approved=True)
    db.session.commit()
    return outsider


def test_a_participant_whose_unit_works_elsewhere_is_not_offered_and_told_apart(
        client, login, world):
    outsider = _outsider_namesake(world)
    login(world.liaison)
    page = _page(client, world.past_task)
    assert not _offered(page, outsider)
    assert _offered(page, world.member)  # the other 张三: the rule names her
    # said before the form, named as the page tells the two 张三 apart
    said = page.index("张三（尾号0321） " + UNIT_WORDS)
    assert said < page.index("/add-participant", page.index('id="add-participant"'))
    assert "张三 " + UNIT_WORDS not in page


def test_one_sentence_for_each_reason(client, login, world):
    """Two members refused for their unit (the same unit of the day) are named in one
    sentence, and one switched off and on no roll that day in another."""
    outsider = _outsider_namesake(world)
    second = f.member(outsider.unit, name="周建国")
    off = f.member(world.unit, name="钱六", active=False)  # on no roll, ever
    _on(world.past_task, second, AssignmentStatus.absent)
    _on(world.past_task, off, AssignmentStatus.absent)
    db.session.commit()
    login(world.liaison)
    page = _page(client, world.past_task)
    assert not any(_offered(page, m) for m in (outsider, second, off))
    assert page.count(UNIT_WORDS) == 1
    assert "张三（尾号0321）、周建国 " + UNIT_WORDS in page
    assert "钱六 " + OFF_WORDS in page


def test_switched_off_since_she_is_offered_and_added(client, login, world):
    """One switched off since, who was on the unit's roll on the activity's day: the rule
    names her, so the list offers her and the addition takes her."""
    gone = f.member(world.unit, name="孙七", active=False)
    db.session.add(RollPeriod(member_id=gone.id, unit_id=world.unit.id, until=local_today()))
    _on(world.past_task, gone, AssignmentStatus.absent)
    f.reported(world.past_task, world.leader, approved=True)
    db.session.commit()
    login(world.liaison)
    page = _page(client, world.past_task)
    assert _offered(page, gone) and OFF_WORDS not in page
    client.post(f"/manage/tasks/{world.past_task.id}/add-participant",
                data={"member": str(gone.id), "hours": ""})
    assert _status_on(world.past_task, gone) == AssignmentStatus.done


def test_a_post_naming_her_is_told_why_on_the_form(client, login, world):
    outsider = _outsider_namesake(world)
    login(world.liaison)
    answer = html.unescape(client.post(
        f"/manage/tasks/{world.past_task.id}/add-participant",
        data={"member": str(outsider.id), "hours": "1"}).get_data(as_text=True))
    form = _add_form(answer)
    assert "张三（尾号0321） " + UNIT_WORDS in form
    assert "请从列表中选择要添加的党员" not in answer
    assert _status_on(world.past_task, outsider) == AssignmentStatus.claimed  # nothing added


def test_in_english(client, login, world):
    _outsider_namesake(world)
    login(world.liaison)
    page = _page(client, world.past_task, "?lang=en")
    assert ("张三 (phone ending 0321): their unit on the day of this activity (县林业局) does not "
            "work in this community, so they cannot be added") in page
