"""A member whose claim (or 指派) was never confirmed when her activity was approved is
not counted there; the repair is the liaison's 添加遗漏的参加人员 (docs/design.md, approve /
return) — unless she holds a place on another activity at those hours, which refuses that
addition by the overlap rule (``backfill.refuse_overlap``). Then her task page and the
confirm page do not send her to it but name that activity and the record to correct, as
for one marked 缺席 (review41 #4), at no statement more (review40b #3); and the liaison's
task page does not offer her in 添加遗漏的参加人员 only to refuse her, but says why before
the form (main41)."""
from __future__ import annotations

import html
import re

from flask import g

from tests import factories as f
from tests.page_statements import page_statements
from tests.web.test_absent_held_elsewhere_told import held_on_a_visit
from tests.web.test_confirm_counted_elsewhere import own

SENT_TO_ADD = "在任务页“添加遗漏的参加人员”中补上"
TOLD = ("该任务审核通过时，您尚未确认服务时长，本次参与没有计入统计。"
        "您在同一时间还参加了“入户走访”")
WHOM = "请联系本社区联络员更正“入户走访”的记录"
TOLD_EN = "You also hold a place on “入户走访”"
NOTE = "张三 在同一时间已参加“入户走访”"
NOTE_EN = "张三 already holds a place on “入户走访”"


def _approved_unconfirmed(world) -> None:
    """楼道清理 approved while 张三's claim on it was not confirmed (the world's)."""
    f.reported(world.past_task, world.leader, approved=True)


def _add_form(page: str) -> str:
    """添加遗漏的参加人员's form (not the 组长 list below it, which names everyone on it)."""
    start = page.index("/add-participant\"")
    return page[start:page.index("</form>", start)]


def _offered(page: str, member) -> bool:
    """Whether 添加遗漏的参加人员's list offers ``member``."""
    return re.search(rf'<option[^>]*value="{member.id}"', _add_form(page)) is not None


def test_held_elsewhere_she_is_told_where_not_sent_to_the_liaisons_addition(
        client, login, world, count_queries):
    held_on_a_visit(world)
    _approved_unconfirmed(world)
    n, page = page_statements(client, login, count_queries, world.member,
                              f"/tasks/{world.past_task.id}")
    page = html.unescape(page)
    assert SENT_TO_ADD not in page
    assert TOLD in page and WHOM in page
    assert n == 5, n  # what a member done there costs (test_task_page_not_counted_budget)
    g.pop("_flask_babel", None)  # a served request starts without the last one's locale
    english = html.unescape(client.get(f"/tasks/{world.past_task.id}?lang=en")
                            .get_data(as_text=True))
    assert TOLD_EN in english


def test_the_confirm_page_says_the_same(client, login, world):
    held_on_a_visit(world)
    _approved_unconfirmed(world)
    login(world.member)
    page = html.unescape(client.get(f"/tasks/assignments/{own(world).id}/confirm")
                         .get_data(as_text=True))
    assert SENT_TO_ADD not in page and TOLD in page and WHOM in page


def test_held_nowhere_else_she_is_sent_to_it_and_the_liaison_offered_her(
        client, login, world):
    _approved_unconfirmed(world)
    login(world.member)
    page = html.unescape(client.get(f"/tasks/{world.past_task.id}").get_data(as_text=True))
    assert SENT_TO_ADD in page and TOLD not in page
    login(world.liaison)
    page = html.unescape(client.get(f"/manage/tasks/{world.past_task.id}")
                         .get_data(as_text=True))
    assert _offered(page, world.member) and NOTE not in page


def test_the_liaison_is_told_before_the_form_not_offered_her_to_be_refused(
        client, login, world):
    held_on_a_visit(world)
    _approved_unconfirmed(world)
    login(world.liaison)
    page = html.unescape(client.get(f"/manage/tasks/{world.past_task.id}")
                         .get_data(as_text=True))
    assert not _offered(page, world.member)
    assert _offered(page, world.leader)  # also not confirmed, held nowhere else
    section = page[page.index('id="add-participant"'):]
    assert NOTE in section and "请先更正“入户走访”的记录" in section
    assert section.index(NOTE) < section.index("/add-participant\"")  # before the form
    g.pop("_flask_babel", None)  # a served request starts without the last one's locale
    english = html.unescape(client.get(f"/manage/tasks/{world.past_task.id}?lang=en")
                            .get_data(as_text=True))
    assert NOTE_EN in english
