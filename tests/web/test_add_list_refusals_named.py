"""添加遗漏的参加人员 on an approved activity says, before its form, why it leaves someone
out of its list; each sentence names the people as the page lists them and says what
refuses them.

- A liaison is refused a participant whose unit of the day, another unit, has signed
  that month (review44b #3, review44c #3). The page says so in the service's words. It
  names her as the page lists her, so two namesakes are told apart (docs/design.md,
  namesakes: a list that says 「王五、王五」 says nothing). Before forgotnames45 it used
  her plain name (reopenfix44's Open).
- 补录's rule refuses a participant whose unit of the day does not work in the
  community. The page names that unit, as 补录's own refusal does (「…在2026-12-02所在的
  单位（县财政局）…」). For a member who has moved since, the unit is the one she was
  in that day, not the one she is in now (forgotlist44's Open). Two refused for the same
  unit share one sentence, and each unit gets its own.
"""
from __future__ import annotations

import html
import re
from datetime import timedelta

from sqlalchemy import select

from tests import factories as f
from tests.rollups import builders as b
from tests.services.test_signed_units import _approved_activity, finance  # noqa: F401
from tests.web.stale_support import form_on
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, RollPeriod

UNIT_WORDS = "不在该社区开展共建，不能添加为本活动的参加人员。"


def _page(client, task, query: str = "") -> str:
    return html.unescape(client.get(f"/manage/tasks/{task.id}{query}").get_data(as_text=True))


def _before_form(page: str) -> str:
    return page[:page.index("/add-participant", page.index('id="add-participant"'))]


def _offered(page: str, member) -> bool:
    start = page.index("/add-participant", page.index('id="add-participant"'))
    return re.search(rf'<option[^>]*value="{member.id}"', page[start:page.index(
        "</form>", start)]) is not None


def _tail(member) -> str:
    return f"{member.name}（尾号{member.phone[-4:]}）"


def test_a_participant_of_a_signed_unit_is_told_apart_from_her_namesake(
        client, login, world, finance):  # noqa: F811
    task = _approved_activity(world, finance["day"])
    wang = finance["wang"]  # 县财政局's, whose month is signed
    b.join(task, wang, AssignmentStatus.absent)
    namesake = f.member(world.unit, name="王五")  # 县商务局's, the activity's own unit
    b.join(task, namesake, AssignmentStatus.absent)
    db.session.commit()
    login(world.liaison)
    page = _page(client, task)
    assert not _offered(page, wang) and _offered(page, namesake)
    assert f"{_tail(wang)}所在单位（县财政局）" in _before_form(page)
    assert "王五所在单位" not in page

    # a post naming her anyway (a page read before, or by hand): the same words
    after = html.unescape(client.post(
        f"/manage/tasks/{task.id}/add-participant",
        data=form_on(page, "/add-participant", member=str(wang.id))).get_data(as_text=True))
    assert f"{_tail(wang)}所在单位（县财政局）" in after
    assert "王五所在单位" not in after


def test_a_searched_member_of_a_signed_unit_is_told_apart_from_her_namesake(
        client, login, world, finance):  # noqa: F811
    task = _approved_activity(world, finance["day"])
    zhao = finance["zhao"]  # 县财政局's, on nothing
    namesake = f.member(world.unit, name="赵七")
    db.session.commit()
    login(world.liaison)
    page = _page(client, task, "?q=赵七")
    assert not _offered(page, zhao) and _offered(page, namesake)
    assert f"{_tail(zhao)}所在单位（县财政局）" in _before_form(page)
    assert "赵七所在单位" not in page


def _outsiders(world):
    """On 楼道清理 (approved), not counted: two members of 县林业局 and one of 县水利局,
    units working nowhere in 解放路社区."""
    forestry, water = f.unit("县林业局"), f.unit("县水利局")
    people = [f.member(forestry, name="周建国"), f.member(forestry, name="吴敏"),
              f.member(water, name="郑强")]
    for person in people:
        b.join(world.past_task, person, AssignmentStatus.absent)
    f.reported(world.past_task, world.leader, approved=True)
    db.session.commit()
    return people


def test_the_unit_of_the_day_is_named_one_sentence_a_unit(client, login, world):
    zhou, wu, zheng = _outsiders(world)
    login(world.liaison)
    page = _page(client, world.past_task)
    assert not any(_offered(page, m) for m in (zhou, wu, zheng))
    before = _before_form(page)
    assert f"周建国、吴敏 在该活动当日所在的单位（县林业局）{UNIT_WORDS}" in before
    assert f"郑强 在该活动当日所在的单位（县水利局）{UNIT_WORDS}" in before
    assert before.count(UNIT_WORDS) == 2

    # a post naming one of them: her own sentence, her unit named
    after = html.unescape(client.post(
        f"/manage/tasks/{world.past_task.id}/add-participant",
        data={"member": str(zheng.id), "hours": "1"}).get_data(as_text=True))
    assert f"郑强 在该活动当日所在的单位（县水利局）{UNIT_WORDS}" in after
    assert db.session.scalar(select(Assignment.status).where(
        Assignment.task_id == world.past_task.id, Assignment.member_id == zheng.id)) \
        == AssignmentStatus.absent  # nothing added


def test_a_member_moved_since_is_named_with_the_unit_she_was_in_that_day(
        client, login, world):
    """周建国 was in 县林业局 on the activity's day and has moved since to 县商务局, which
    works in the community: the rule refuses him for that day's unit, and the page
    names it, not the unit he is in now."""
    task = world.past_task
    moved_on = task.service_date + timedelta(days=1)
    zhou = f.member(world.unit, name="周建国")
    stay = db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == zhou.id))
    stay.since = moved_on
    db.session.add(RollPeriod(member_id=zhou.id, unit_id=f.unit("县林业局").id, until=moved_on))
    b.join(task, zhou, AssignmentStatus.absent)
    f.reported(task, world.leader, approved=True)
    db.session.commit()
    login(world.liaison)
    page = _page(client, task)
    assert not _offered(page, zhou)
    assert f"周建国 在该活动当日所在的单位（县林业局）{UNIT_WORDS}" in _before_form(page)
    assert "县商务局）" + UNIT_WORDS not in page


def test_in_english(client, login, world):
    _outsiders(world)
    login(world.liaison)
    page = _page(client, world.past_task, "?lang=en")
    assert ("周建国, 吴敏: their unit on the day of this activity (县林业局) does not work in "
            "this community, so they cannot be added") in page
