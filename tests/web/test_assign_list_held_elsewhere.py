"""指派 to an activity that has ended (not yet approved) refuses a member who holds a place
on another activity at its hours — the same person's time is counted once, and she could
never confirm there (``assigning.assign_member``, ``backfill.refuse_overlap``; docs/
design.md, 补录's rule). The task page's 指派 list does not offer her: a name searched is
told where she is, with no search the page says how many it leaves out, and a post from
a page read before she took that place says why, nothing assigned (assignheld43,
claimopen42's Open). Before the activity's end 指派 is a claim made for her, which the
rule does not refuse (one may move between two items of one event; whichever 通过
counts first counts her): that list still offers her."""
from __future__ import annotations

import html
import re

from tests import factories as f
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus

NOTE = "李四 在同一时间已参加“入户走访”"
UNLISTED = "另有1名党员在同一时间已参加其他活动，同一时间只计一次，不能指派"


def _assign_form(page: str) -> str:
    start = page.index("/assign")
    return page[start:page.index("</form>", start)]


def _offered(page: str, member) -> bool:
    return re.search(rf'<option[^>]*value="{member.id}"', _assign_form(page)) is not None


def _page(client, task, search: str = "", lang: str = "") -> str:
    query = "&".join(part for part in (f"q={search}" if search else "",
                                       f"lang={lang}" if lang else "") if part)
    url = f"/manage/tasks/{task.id}" + (f"?{query}" if query else "")
    return html.unescape(client.get(url).get_data(as_text=True))


def _held_on_a_visit(world, task, member) -> None:
    """``member`` claims 入户走访, starting halfway through ``task``: a place at its hours."""
    visit = f.task(world.item, world.liaison, title="入户走访",
                   starts_at=task.starts_at + (task.ends_at - task.starts_at) / 2)
    db.session.add(Assignment(task_id=visit.id, member_id=member.id,
                              status=AssignmentStatus.claimed))
    visit.taken = 1
    db.session.commit()


def _on(task, member) -> bool:
    return db.session.scalar(db.select(Assignment.id).where(
        Assignment.task_id == task.id, Assignment.member_id == member.id)) is not None


def test_an_ended_tasks_list_leaves_out_a_member_held_elsewhere_and_says_why(
        client, login, world):
    lisi, ended = world.other_member, world.past_task  # ended yesterday, not reported
    login(world.liaison)
    assert _offered(_page(client, ended), lisi)  # held nowhere else: offered
    _held_on_a_visit(world, ended, lisi)
    page = _page(client, ended)
    assert not _offered(page, lisi)
    assert UNLISTED in page and NOTE not in page
    searched = _page(client, ended, "李四")
    assert not _offered(searched, lisi)
    assert NOTE in searched and "不能指派到本活动" in searched
    assert "请先更正“入户走访”的记录" in searched and UNLISTED not in searched


def test_a_post_from_a_page_read_before_she_took_the_place_is_told_why(client, login, world):
    lisi, ended = world.other_member, world.past_task
    login(world.liaison)
    page = client.get(f"/manage/tasks/{ended.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    _held_on_a_visit(world, ended, lisi)
    data = {"member": str(lisi.id)}
    if token:
        data["csrf_token"] = token.group(1)
    answer = html.unescape(client.post(f"/manage/tasks/{ended.id}/assign", data=data)
                           .get_data(as_text=True))
    assert NOTE in answer and "不能指派到本活动" in answer
    assert "请从列表中选择要指派的党员" not in answer
    assert not _on(ended, lisi)


def test_in_english_the_page_says_how_many_it_leaves_out(client, login, world):
    _held_on_a_visit(world, world.past_task, world.other_member)
    login(world.liaison)
    page = _page(client, world.past_task, lang="en")
    assert "1 more member holds a place on another activity at the same time" in page
    assert "cannot be assigned" in page


def test_before_its_end_a_member_held_elsewhere_is_still_offered_and_assigned(
        client, login, world):
    """A claim at the same hours is allowed (counted once, by whichever 通过 comes
    first): 指派 before the end is one, so the list offers her and says nothing."""
    lisi, coming = world.other_member, world.task  # starts in two days
    _held_on_a_visit(world, coming, lisi)
    login(world.liaison)
    page = _page(client, coming)
    assert _offered(page, lisi)
    assert "不能指派" not in page
    client.post(f"/manage/tasks/{coming.id}/assign", data={"member": str(lisi.id)})
    assert _on(coming, lisi)
