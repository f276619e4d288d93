"""The pages that say why instead of offering what a signed month refuses say it for a
signed year too (walk3 defect 1): a 年度总结 已定稿 closes its months to a liaison
(``summary_notes.closed_to``), so 待审核, the 工作台 and the report's page replace 通过
with the year's sentence, and an approved activity's page says who adds a forgotten
participant; an admin is offered each as before."""
from __future__ import annotations

from datetime import date

import pytest

from tests.rollups import builders as b
from tests import factories as f
from tests.web.manage_support import text
from tracker.extensions import db
from tracker.models import ReportStatus, YearNote
from tracker.timeutil import local_today, utcnow

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
SIGNED = TODAY.year - 1
DAY = date(SIGNED, 6, 15)
OWN = f"{SIGNED}年度总结已定稿，审核通过该年的完成情况须由单位管理员操作（或由单位管理员先重新打开该年度总结）。"


def sign_year(world):
    db.session.add(YearNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                            year=SIGNED, finalized_at=utcnow(), finalized_by_id=world.admin.id))
    db.session.commit()


@pytest.mark.parametrize("url", ["/manage/reviews", "/manage/", "report"],
                         ids=["待审核", "工作台", "report"])
def test_an_approval_a_signed_year_refuses_is_not_offered(client, login, world, url):
    item = f.item(world.unit, world.community, "environment_cleanup", year=SIGNED)
    task = b.task_on(item, world.liaison, DAY, leader=world.leader, title="去年的活动")
    report = b.report(task, world.leader, ReportStatus.submitted)
    db.session.commit()
    sign_year(world)
    approve = f'action="/manage/reports/{report.id}/approve'
    where = f"/manage/reports/{report.id}" if url == "report" else url
    login(world.liaison)
    page = text(client.get(where))
    assert "去年的活动" in page and OWN in page and approve not in page
    login(world.admin)
    page = text(client.get(where))
    assert approve in page and "年度总结已定稿" not in page


def test_an_approved_activitys_page_says_the_signed_year_makes_additions_an_admins(
        client, login, world):
    item = f.item(world.unit, world.community, "environment_cleanup", year=SIGNED)
    task = b.task_on(item, world.liaison, DAY, leader=world.leader)
    b.report(task, world.leader, ReportStatus.approved)
    db.session.commit()
    sign_year(world)
    add = f"/manage/tasks/{task.id}/add-participant"
    login(world.liaison)
    page = text(client.get(f"/manage/tasks/{task.id}"))
    # the services' own refusals, said before, with what to re-open (notices46)
    assert (f"{SIGNED}年度总结已定稿，向该年的活动添加参加人员须由单位管理员操作"
            "（或由单位管理员先重新打开该年度总结）。" in page and add not in page)
    assert (f"{SIGNED}年度总结已定稿，更换该年活动的组长须由单位管理员操作"
            "（或由单位管理员先重新打开该年度总结）。" in page)
    assert "该月的月报已定稿" not in page
    login(world.admin)
    page = text(client.get(f"/manage/tasks/{task.id}"))
    assert add in page and "年度总结已定稿" not in page


def test_a_request_dated_in_a_signed_year_is_the_admins_to_adopt(client, login, world):
    """A 补录申请 asked in January for a day of December, the year signed since: the
    queue and the 补录 form tell the liaison an admin must adopt it (the request is
    written as it stands then: today's 90 days back would not reach last year)."""
    from tracker.models import BackfillRequest

    request = BackfillRequest(member_id=world.other_member.id, community_id=world.community.id,
                              service_date=date(SIGNED, 12, 20), minutes=120,
                              description="帮助清理楼道杂物")
    db.session.add(request)
    db.session.commit()
    sign_year(world)
    adopt = f"/manage/backfill?request={request.id}"
    login(world.liaison)
    queue = text(client.get("/backfill-requests/"))
    # her unit's item (of this year: 保存 takes any year's) the only one there: named as
    # 保存 on it names it (notice47b #1, #2)
    assert (f"资源清单项目所属单位（{world.unit.name}）{SIGNED}年度总结已定稿，"
            "补录该年的活动须由单位管理员操作") in queue and adopt not in queue
    form = text(client.get(adopt))
    assert f"{SIGNED}年度总结已定稿，补录该年的活动须由单位管理员操作" in form
    login(world.admin)
    queue = text(client.get("/backfill-requests/"))
    # offered, not refused; told that 采纳 names the signed documents first (review43 #1)
    assert adopt in queue and "须由单位管理员采纳" not in queue
    assert f"{SIGNED}年度总结已定稿：采纳该申请会改变已定稿的文件" in queue
