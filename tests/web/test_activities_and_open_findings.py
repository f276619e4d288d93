"""Two figures the 工作台, the community view and the 月报 give alike (reviewers'
"figures" #1 and #3, session 27).

- Activities are counted in their category's word, 场 (trainings, briefings) or 次
  (visits, clean-ups): a total gives them per word (「1场、2次」), never 场 and 次 added
  (docs/design.md, "Categories"; "The monthly summary").
- The open 摸排问题 (found or handed over, not fixed) follow the official-figure rule:
  counted once their survey's report is approved; those of a survey 待审核 are told
  apart, those of a returned survey nowhere (invariant 2).
"""
from __future__ import annotations

import re

import pytest

from tests import factories as f
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import FindingKind, FindingStatus, ReportStatus
from tracker.timeutil import local_today

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
MONTH = TODAY.replace(day=1)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def figure(html: str, name: str) -> str | None:
    match = re.search(rf'data-figure="{re.escape(name)}">([^<]*)<', html)
    return match.group(1).strip() if match else None


def text_of(html: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


def activity(item, creator, status=ReportStatus.approved, people=()):
    task = b.task_on(item, creator, MONTH)
    for person in people:
        b.join(task, person)
    b.report(task, creator, status, people=10)
    return task


def test_one_training_and_two_clean_ups_are_1chang_2ci_wherever_they_are_totalled(
        client, login, world):
    """This month in 解放路社区: one 电子商务培训 (场) and two 环境整治 (次) approved, a
    third 环境整治 待审核. The community view's 总体情况 and its 合计 row, the 工作台's
    本月情况 and the 月报 — its lead and its 附表 合计 — all say 1场、2次, not 3."""
    training = f.item(world.unit, world.community, "ecommerce_training")
    activity(training, world.liaison, people=[world.member])
    for _ in range(2):
        activity(world.item, world.liaison, people=[world.member, world.leader])
    activity(world.item, world.liaison, ReportStatus.submitted, people=[world.member])
    db.session.commit()
    login(world.liaison)

    view = page(client, f"/progress/community?community={world.community.id}&period=month")
    assert figure(view, "activities") == figure(view, "activities_total") == "1场、2次"
    assert figure(page(client, "/manage/"), "home_activities") == "1场、2次"
    month = f"{MONTH:%Y-%m}"
    summary = text_of(page(client, f"/reports/?community={world.community.id}&month={month}"))
    assert "在解放路社区开展共建活动1场、2次，" in summary
    assert re.search(r"合计1场、2次", summary), summary
    # the unit's 月报 too
    login(world.admin)
    unit = text_of(page(client, f"/reports/?unit={world.unit.id}&month={month}"))
    assert "深入解放路社区开展共建活动1场、2次，" in unit


def test_a_month_without_activities_says_0(client, login, world):
    login(world.liaison)
    assert figure(page(client, "/manage/"), "home_activities") == "0"


def test_the_workbench_counts_the_open_findings_of_approved_surveys_only(client, login, world):
    """Three surveys of 解放路社区: approved (2 found, 1 handed over, 1 fixed), 待审核 (3
    found), returned (4 found). The 工作台 under 「以上为已审核通过的数据」 says 3 not
    fixed — the 双创进展's found less fixed — and 「另有3处待审核」; the returned survey's
    4 are in neither. The other community's open finding is the admin's, not this
    liaison's."""
    survey = f.item(world.unit, world.community, "facility_survey")
    plan = {ReportStatus.approved: [FindingStatus.found, FindingStatus.found,
                                    FindingStatus.handed_over, FindingStatus.fixed],
            ReportStatus.submitted: [FindingStatus.found] * 3,
            ReportStatus.returned: [FindingStatus.found] * 4}
    for status, findings in plan.items():
        task = b.task_on(survey, world.liaison, MONTH)
        b.report(task, world.liaison, status, quantity=len(findings))
        for state in findings:
            b.finding(task, world.liaison, FindingKind.road, state)
    elsewhere = f.item(world.unit, world.other_community, "facility_survey")
    task = b.task_on(elsewhere, world.other_liaison, MONTH)
    b.report(task, world.other_liaison, ReportStatus.approved, quantity=1)
    b.finding(task, world.other_liaison, FindingKind.sewer)
    db.session.commit()

    login(world.liaison)
    home = page(client, "/manage/")
    assert figure(home, "home_open_findings") == "3"
    assert figure(home, "home_pending_findings") == "另有3处待审核"
    double = page(client, f"/progress/double?community={world.community.id}&period=year")
    assert int(figure(double, "found")) - int(figure(double, "fixed")) == 3
    login(world.admin)
    home = page(client, "/manage/")
    assert figure(home, "home_open_findings") == "4"
    assert figure(home, "home_pending_findings") == "另有3处待审核"


def test_no_finding_waiting_says_nothing_apart(client, login, world):
    login(world.liaison)
    home = page(client, "/manage/")
    assert figure(home, "home_open_findings") == "0"
    assert figure(home, "home_pending_findings") is None


def test_the_open_findings_link_opens_the_list_of_that_figure(client, login, world):
    """The 工作台's 「N 未整改的摸排问题」 links to the register; the register it opens
    says 「共 N 处」 — the approved surveys' open findings, without the 待审核 ones told
    apart beside the figure (walk6 #8)."""
    survey = f.item(world.unit, world.community, "facility_survey")
    for status, count in ((ReportStatus.approved, 2), (ReportStatus.submitted, 3)):
        task = b.task_on(survey, world.liaison, MONTH)
        b.report(task, world.liaison, status, quantity=count)
        for _ in range(count):
            b.finding(task, world.liaison, FindingKind.road, FindingStatus.found)
    db.session.commit()
    for actor in (world.liaison, world.admin):
        login(actor)
        home = page(client, "/manage/")
        link = re.search(r'<a class="stat" href="([^"]+)"><b data-figure="home_open_findings">',
                         home).group(1).replace("&amp;", "&")
        assert figure(home, "home_open_findings") == "2"
        assert figure(page(client, link), "findings_total") == "共 2 处"
