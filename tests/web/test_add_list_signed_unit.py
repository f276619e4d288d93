"""添加遗漏的参加人员's list and a participant whose unit of the day (another unit) has
signed its month (review44b #3).

docs/design.md: a signed month's figures are changed by an admin only, and work written
onto a day changes the 月报 of each participant's unit of that day as well as the
activity's (``summary_notes.closed_member_units``: the service's first refusal). A list
offers no one the addition then refuses (checkfirst43, forgotlist44): a liaison is not
offered her, and the page says why before the form, in the service's words; an admin,
who may change a signed month, is still offered her (and is told first, on 确认)."""
from __future__ import annotations

import html
import re

from tests.rollups import builders as b
from tests.services.test_signed_units import _approved_activity, finance  # noqa: F401
from tests.web.stale_support import form_on
from tracker.extensions import db
from tracker.models import AssignmentStatus

SIGNED = "王五所在单位（县财政局）"


def _page(client, task) -> tuple[str, str]:
    page = html.unescape(client.get(f"/manage/tasks/{task.id}").get_data(as_text=True))
    start = page.index("/add-participant")
    return page, page[start:page.index("</form>", start)]


def _offered(form: str, member) -> bool:
    return re.search(rf'<option[^>]*value="{member.id}"', form) is not None


def test_a_participant_the_liaison_may_not_add_is_not_offered(client, login, world, finance):  # noqa: F811
    task = _approved_activity(world, finance["day"])  # 县商务局's, its own month not signed
    b.join(task, finance["wang"], AssignmentStatus.absent)  # 县财政局's 王五, marked 缺席
    db.session.commit()
    login(world.liaison)
    page, form = _page(client, task)
    assert not _offered(form, finance["wang"])
    before = page[:page.index("/add-participant")]
    assert SIGNED in before and "向该活动添加参加人员须由单位管理员操作" in before

    # a post naming her (an older page, or by hand): the same words on the form
    after = html.unescape(client.post(
        f"/manage/tasks/{task.id}/add-participant",
        data=form_on(page, "/add-participant", member=str(finance["wang"].id))).get_data(as_text=True))
    assert SIGNED in after and "须由单位管理员操作" in after
    assert "请从列表中选择" not in after


def test_an_admin_is_still_offered_her(client, login, world, finance):  # noqa: F811
    task = _approved_activity(world, finance["day"])
    b.join(task, finance["wang"], AssignmentStatus.absent)
    db.session.commit()
    login(world.admin)
    page, form = _page(client, task)
    assert _offered(form, finance["wang"])
    assert SIGNED not in page
