"""A page that says up front that a signed month (or year) makes an action an admin's
says what the refusal of that action says, remedy and all (session 45 Open: walk45fix,
cancel45, main45). docs/design.md: a signed month's figures are changed by an admin
only, and a signed 年度总结 closes every month of its year alike — so a liaison may also
ask an admin to re-open the signed month first, and the year's summary too when it is
signed (re-opening the month alone would leave her refused by the year). The task page
of an approved activity (添加遗漏的参加人员, 组长) and the 补录 form that adopts a
补录申请 tell her so before she acts, in the words the services refuse her with — the
same sentence, in both languages; the 补录申请 queue's card, in place of 采纳, says the
remedy in the same words."""
from __future__ import annotations

import html
from datetime import date

import pytest

from tests import factories as f
from tests.rollups import builders as b
from tests.web.manage_support import text
from tracker.extensions import db
from tracker.models import BackfillRequest, ReportStatus, SummaryNote, YearNote
from tracker.timeutil import local_today, utcnow

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
SIGNED = TODAY.year - 1
DAY = date(SIGNED, 6, 15)
MONTH = f"{SIGNED}年6月"
MONTH_ONLY = "（或由单位管理员先重新打开该月的月报）。"
BOTH = f"（或由单位管理员先重新打开该月的月报和{SIGNED}年度总结）。"
ADD = f"{MONTH}的月报已定稿，向该月的活动添加参加人员须由单位管理员操作"
LEADER = f"{MONTH}的月报已定稿，更换该月活动的组长须由单位管理员操作"
BACKFILL = f"{MONTH}的月报已定稿，补录该月的活动须由单位管理员操作"


def sign(world, *, year: bool) -> None:
    """The unit's 月报 of DAY's month signed, and its 年度总结 too when ``year``."""
    db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                               year=DAY.year, month=DAY.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    if year:
        db.session.add(YearNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                                year=SIGNED, finalized_at=utcnow(),
                                finalized_by_id=world.admin.id))
    db.session.commit()


def approved_task(world):
    item = f.item(world.unit, world.community, "environment_cleanup", year=SIGNED)
    task = b.task_on(item, world.liaison, DAY, leader=world.leader)
    b.report(task, world.leader, ReportStatus.approved)
    db.session.commit()
    return task


@pytest.mark.parametrize("year", [False, True], ids=["month", "month and year"])
def test_the_task_page_says_what_to_reopen_as_the_refusals_do(client, login, world, year):
    task = approved_task(world)
    sign(world, year=year)
    remedy = BOTH if year else MONTH_ONLY
    login(world.liaison)
    page = text(client.get(f"/manage/tasks/{task.id}"))
    assert ADD + remedy in page
    assert LEADER + remedy in page
    # the very sentence a post is refused with, not a page's own
    refused = client.post(f"/manage/tasks/{task.id}/leader",
                          data={"leader": world.member.id})
    assert LEADER + remedy in text(client.get(refused.headers["Location"]))


def _pending_request(world) -> BackfillRequest:
    """A free-text 补录申请 of the other member, pending, on the month the tests sign."""
    request = BackfillRequest(member_id=world.other_member.id, community_id=world.community.id,
                              service_date=DAY, minutes=120, description="帮助清理楼道杂物")
    db.session.add(request)
    db.session.commit()
    return request


@pytest.mark.parametrize("year", [False, True], ids=["month", "month and year"])
def test_the_backfill_form_of_a_request_says_what_to_reopen(client, login, world, year):
    request = _pending_request(world)
    sign(world, year=year)
    login(world.liaison)
    form = text(client.get(f"/manage/backfill?request={request.id}"))
    assert BACKFILL + (BOTH if year else MONTH_ONLY) in form


@pytest.mark.parametrize("year", [False, True], ids=["month", "month and year"])
def test_the_request_queue_says_what_to_reopen(client, login, world, year):
    _pending_request(world)
    sign(world, year=year)
    login(world.liaison)
    queue = text(client.get("/backfill-requests/"))
    # every item there (this year's: 保存 takes any year's) is of her unit: named as 保存
    # on it names it (notice47b #1, #2)
    assert (f"资源清单项目所属单位（{world.unit.name}）{MONTH}的月报已定稿，"
            "补录该月的活动须由单位管理员操作" + (BOTH if year else MONTH_ONLY)
            + "如不属实请拒绝。") in queue


def test_the_notices_say_the_remedy_in_english_too(client, login, world):
    task = approved_task(world)
    sign(world, year=True)
    login(world.liaison)
    page = html.unescape(client.get(f"/manage/tasks/{task.id}?lang=en").get_data(as_text=True))
    both = (f"(or have a unit administrator reopen both that month's summary and the "
            f"{SIGNED} annual summary first).")
    assert ("only a unit administrator can add participants to an activity of that month "
            + both) in page
    assert ("only a unit administrator can change the leader of an activity of that month "
            + both) in page
    _pending_request(world)
    queue = html.unescape(client.get("/backfill-requests/?lang=en").get_data(as_text=True))
    # the year's item there is of her unit: named as 保存 on it names it
    assert ("of the checklist item's unit (县商务局) is final; only a unit administrator can "
            f"record past activities of that month {both} Decline it if") in queue
