"""A bureau has several 张伟: where the task page names a member, namesakes are told apart
as its participants are (docs/design.md, "No two people of one list read alike";
``tasks.queries.participant_names``). main42's Open: the confirmation pages of
添加遗漏的参加人员 and 更换组长 (「将张伟添加为…」, 「该活动的组长改为赵敏。」) and the
held-elsewhere sentence of a searched candidate wrote the name bare. And the held-elsewhere
sentence, said before the form and as the form's refusal of a post naming her, is one
wording (``task_page.held_elsewhere_words``): the refusal names her as the page does."""
from __future__ import annotations

import html
import re

from tests import factories as f
from tests.reports.test_signed_named import sign_october_and_the_year
from tests.web.test_absent_held_elsewhere_told import held_on_a_visit
from tests.web.test_named_first import _shown
from tracker.extensions import db

HELD = "在同一时间已参加“入户走访”"


def _add_form(page: str) -> str:
    start = page.index("/add-participant")
    return page[start:page.index("</form>", start)]


def _tail(member) -> str:
    return f"（尾号{member.phone[-4:]}）"


def test_the_addition_names_the_member_as_the_page_tells_her_apart(client, login, october):
    login(october.admin)
    sign_october_and_the_year(client, october)
    zhang = october.members["张伟"]
    f.member(october.unit, name="张伟", phone="13912340077")  # a namesake in the unit
    db.session.commit()
    task = october.tasks["政策宣讲"]
    page = html.unescape(client.post(f"/manage/tasks/{task.id}/add-participant",
                                     data={"member": str(zhang.id), "hours": "1"})
                         .get_data(as_text=True))
    assert "确认添加" in page  # the naming page
    assert f"将张伟{_tail(zhang)}添加为该活动的参加人员" in page


def test_the_new_leader_is_named_as_the_page_tells_her_apart(client, login, october):
    login(october.admin)
    sign_october_and_the_year(client, october)
    zhao = october.members["赵敏"]
    f.member(october.unit, name="赵敏", phone="13912340088")
    db.session.commit()
    task = october.tasks["政策宣讲"]
    page = html.unescape(client.post(f"/manage/tasks/{task.id}/leader",
                                     data={"leader": str(zhao.id),
                                           "shown": _shown(client, task)})
                         .get_data(as_text=True))
    assert "确认更换" in page
    assert f"该活动的组长改为赵敏{_tail(zhao)}。" in page


def test_a_searched_candidate_held_elsewhere_is_told_apart(client, login, world):
    """The world has a 李四; another 李四 of the unit, not on 楼道清理, holds a place at
    its hours: searched, she is named with where, told apart from the first."""
    f.reported(world.past_task, world.leader, approved=True)
    lisi = f.member(world.unit, name="李四", phone="13900000777")
    held = world.member
    world.member = lisi  # ``held_on_a_visit`` puts ``world.member`` on 入户走访
    held_on_a_visit(world)
    world.member = held
    db.session.commit()
    login(world.liaison)
    page = html.unescape(client.get(f"/manage/tasks/{world.past_task.id}?q=李四")
                         .get_data(as_text=True))
    assert f"李四{_tail(lisi)} {HELD}" in page


def test_the_forms_refusal_names_her_as_the_page_does(client, login, world):
    """张三 claimed 楼道清理 and never confirmed; a namesake 张三 is in the unit. Posted
    from a page read before she took a place on 入户走访, the form refuses her in the
    sentence the page now says before it, with the same name."""
    f.reported(world.past_task, world.leader, approved=True)
    f.member(world.unit, name="张三", phone="13900000888")
    db.session.commit()
    login(world.liaison)
    page = client.get(f"/manage/tasks/{world.past_task.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    held_on_a_visit(world)
    db.session.commit()
    data = {"member": str(world.member.id), "hours": ""}
    if token:
        data["csrf_token"] = token.group(1)
    answer = html.unescape(client.post(f"/manage/tasks/{world.past_task.id}/add-participant",
                                       data=data).get_data(as_text=True))
    sentence = f"张三{_tail(world.member)} {HELD}"
    assert sentence in answer[:answer.index("/add-participant")]  # the page's, before it
    assert sentence in _add_form(answer)  # the form's refusal, the same words


def _key(page: str) -> str:
    return html.unescape(re.search(r'name="named_key"[^>]*value="([^"]*)"', page).group(1))


def test_a_searched_candidate_is_named_on_the_naming_page_as_the_page_tells_her_apart(
        client, login, october):
    """The naming page reads only what it shows (stmts45): a candidate found by a search,
    whose namesake in her own unit (another unit than the activity's) the same search
    offers, is told apart among the candidates as the task page tells her apart — the
    same name as the flash after 确认添加, which the whole page's context gives."""
    from tracker.models import Member
    login(october.admin)
    sign_october_and_the_year(client, october)
    first = db.session.scalar(db.select(Member).where(Member.name == "财政局党员"))
    f.member(october.other_unit, name="财政局党员", phone="13912340099")
    db.session.commit()
    task = october.tasks["政策宣讲"]
    url = f"/manage/tasks/{task.id}/add-participant?q=财政局党员"
    data = {"member": str(first.id), "hours": "1"}
    page = html.unescape(client.post(url, data=data).get_data(as_text=True))
    assert "确认添加" in page
    named = re.search(r"将(\S+?)添加为该活动的参加人员", page).group(1)
    assert named != "财政局党员"  # told apart from the other one offered
    done = html.unescape(client.post(url, data={**data, "confirmed": "1", "named_key": _key(page)},
                                     follow_redirects=True).get_data(as_text=True))
    assert f"已将 {named} 添加为该活动的参加人员" in done
