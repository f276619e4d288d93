"""添加遗漏的参加人员's name search does not offer a liaison a member, not on the
activity, whose unit of the day — another unit — has signed that month, to refuse her
once picked (review44c #3): she is left out of the list and the page says why, in the
service's words, as for a participant (review44b #3, ``summary_notes.unit_of_day_closed``);
an admin, whom no 定稿 refuses, is offered her."""
from __future__ import annotations

import html
import re

from tests.services.test_signed_units import _approved_activity, finance  # noqa: F401
from tests.web.stale_support import form_on

REFUSED = "须由单位管理员操作"


def _page(client, task):
    return html.unescape(client.get(f"/manage/tasks/{task.id}?q=赵七").get_data(as_text=True))


def _offered(page, member_id) -> bool:
    start = page.index("/add-participant")
    form = page[start:page.index("</form>", start)]
    return re.search(rf'<option[^>]*value="{member_id}"', form) is not None


def test_a_searched_member_of_a_signed_unit_is_not_offered_and_said_why(
        client, login, world, finance):  # noqa: F811
    task = _approved_activity(world, finance["day"])
    zhao = finance["zhao"]
    login(world.liaison)
    page = _page(client, task)
    assert not _offered(page, zhao.id)
    said = re.findall(rf"[^<>]*{REFUSED}[^<>]*", page)
    assert any("赵七所在单位（县财政局）" in s for s in said), said
    # a post naming her anyway (a page read before, or by hand): the same sentence
    after = html.unescape(client.post(
        f"/manage/tasks/{task.id}/add-participant?q=赵七",
        data=form_on(page, "/add-participant", member=str(zhao.id))).get_data(as_text=True))
    assert any("赵七所在单位（县财政局）" in s for s in re.findall(rf"[^<>]*{REFUSED}[^<>]*", after))


def test_an_admin_is_offered_her(client, login, world, finance):  # noqa: F811
    task = _approved_activity(world, finance["day"])
    login(world.admin)
    assert _offered(_page(client, task), finance["zhao"].id)
