"""添加遗漏的参加人员's list on an approved activity offers no one the addition would refuse:
a member not on it who holds a place on another activity at its hours is refused by the
overlap rule (``backfill.refuse_overlap``; docs/design.md, "a page that would offer a
refused action says so instead"). The list leaves her out; a name searched is told where
she is, and with no search the page says how many it leaves out; a liaison posting her
from a page read before she took that place is told why, not 「请从列表中选择…」
(addlist42, claimopen42's Open)."""
from __future__ import annotations

import html
import re

from tests import factories as f
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus

# the world has a 李四 too: she is named as the page tells namesakes apart (main42)
NOTE = "李四（尾号0777） 在同一时间已参加“入户走访”"
UNLISTED = "另有1名党员在同一时间已参加其他活动"


def _add_form(page: str) -> str:
    start = page.index("/add-participant")
    return page[start:page.index("</form>", start)]


def _offered(page: str, member) -> bool:
    return re.search(rf'<option[^>]*value="{member.id}"', _add_form(page)) is not None


def _page(client, world, search: str = "") -> str:
    url = f"/manage/tasks/{world.past_task.id}" + (f"?q={search}" if search else "")
    return html.unescape(client.get(url).get_data(as_text=True))


def _held_on_a_visit(world, member) -> None:
    """``member`` claims 入户走访, an hour into 楼道清理: a place at those hours."""
    past = world.past_task
    visit = f.task(world.item, world.liaison,
                   starts_at=past.starts_at + (past.ends_at - past.starts_at) / 2, title="入户走访")
    db.session.add(Assignment(task_id=visit.id, member_id=member.id,
                              status=AssignmentStatus.claimed))
    visit.taken = 1
    db.session.commit()


def _approved_with_one_more(world):
    lisi = f.member(world.unit, name="李四", phone="13900000777")
    f.reported(world.past_task, world.leader, approved=True)
    db.session.commit()
    return lisi


def test_a_member_held_elsewhere_is_not_offered_and_the_page_says_why(client, login, world):
    lisi = _approved_with_one_more(world)
    login(world.liaison)
    assert _offered(_page(client, world), lisi)  # held nowhere else: offered
    _held_on_a_visit(world, lisi)
    page = _page(client, world)
    assert not _offered(page, lisi)
    assert UNLISTED in page and NOTE not in page
    searched = _page(client, world, "李四")
    assert not _offered(searched, lisi)
    assert NOTE in searched and "请先更正“入户走访”的记录" in searched
    assert UNLISTED not in searched


def test_a_post_from_a_page_read_before_she_took_the_place_is_told_why(client, login, world):
    lisi = _approved_with_one_more(world)
    login(world.liaison)
    page = client.get(f"/manage/tasks/{world.past_task.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    _held_on_a_visit(world, lisi)
    data = {"member": str(lisi.id), "hours": ""}
    if token:
        data["csrf_token"] = token.group(1)
    answer = html.unescape(client.post(f"/manage/tasks/{world.past_task.id}/add-participant",
                                       data=data).get_data(as_text=True))
    assert NOTE in answer and "请从列表中选择要添加的党员" not in answer
    assert db.session.scalar(db.select(Assignment.id).where(
        Assignment.task_id == world.past_task.id, Assignment.member_id == lisi.id)) is None


def test_in_english_the_page_says_how_many_it_leaves_out(client, login, world):
    lisi = _approved_with_one_more(world)
    _held_on_a_visit(world, lisi)
    login(world.liaison)
    page = html.unescape(client.get(f"/manage/tasks/{world.past_task.id}?lang=en")
                         .get_data(as_text=True))
    assert "1 more member holds a place on another activity at the same time" in page
