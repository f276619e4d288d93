"""A phone with enlarged text (WeChat's 字体大小, Android's font size), as the members this
app is for use it: a refused form brings them to the refusal, no page scrolls sideways,
and the menu leaves most of the first screen to the page.

Enlarged text is the root font at 200 % (every rem and em of the style sheet doubles,
the layout's pixels do not), set before the page's own scripts run."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_narrow_screens import _october_people
from tests.factories import PASSWORD

# Added to the app's style sheet as it is served: in force before any script of the page runs.
ENLARGED = "\nhtml { font-size: 200% !important; } body { font-size: 1rem !important; }\n"


def _enlarge_text(route) -> None:
    response = route.fetch()
    route.fulfill(response=response, body=response.text() + ENLARGED)

# What has the focus, and where it is on the screen.
FOCUSED = """() => { const el = document.activeElement, box = el.getBoundingClientRect();
  return {id: el.id, tag: el.tagName, invalid: el.getAttribute('aria-invalid'),
          top: box.top, bottom: box.bottom, text: el.innerText || '', screen: innerHeight}; }"""


def _phone(new_context, live_server, person, *, width=360, height=640, text=1,
           javascript=True):
    page = new_context(java_script_enabled=javascript).new_page()
    page.set_viewport_size({"width": width, "height": height})
    if text != 1:
        page.route("**/static/css/app.css*", _enlarge_text)
    sign_in(page, live_server, person, PASSWORD)
    return page


@pytest.fixture
def ended_task(live_server, world) -> int:
    """A 牛皮癣清除 of yesterday led by the world's leader: its report is due."""
    from sqlalchemy import select

    from tests import factories as f
    from tracker.models import Community, Member, ResourceItem, Unit

    with live_server.db() as session:
        cleanup = session.scalars(select(ResourceItem)).first()
        item = f.item(session.get(Unit, cleanup.unit_id),
                      session.get(Community, cleanup.community_id), "ad_removal")  # 处
        liaison = session.get(Member, world.liaison.id)
        leader = session.get(Member, world.leader.id)
        task = f.task(item, liaison, leader=leader, title="楼道清理（昨天）",
                      starts_in=-timedelta(days=1))
        session.commit()
        return task.id


@pytest.mark.parametrize("text, javascript", [(1, True), (2, True), (2, False)],
                         ids=["text100", "text200", "text200-no-js"])
def test_a_refused_report_brings_the_leader_to_the_refusal(new_context, live_server, world,
                                                           ended_task, shot, text, javascript):
    """提交完成 with 「三十」 as the figure: the page that comes back has the refusal in
    focus and on the screen (it was below the first screen, focus nowhere), and from it a
    link leads to the field."""
    page = _phone(new_context, live_server, world.leader, text=text, javascript=javascript)
    page.goto(live_server.url(f"/tasks/{ended_task}/report"))
    page.get_by_label("完成数量（处）").fill("三十")
    page.get_by_label("情况说明").fill("清理了楼道")
    with page.expect_navigation():
        page.get_by_role("button", name="提交完成").click()
    page.wait_for_load_state("load")
    shot(page, f"refused-{text}")
    focused = page.evaluate(FOCUSED)
    assert focused["id"] == "form-errors" or focused["invalid"] == "true", focused
    assert -1 <= focused["top"] < focused["screen"] - 40, focused  # on the first screen
    assert "请输入整数" in focused["text"]  # it names the field's error
    if javascript:
        assert page.title().startswith("错误：")
    link = page.locator("#form-errors a", has_text="完成数量")
    assert link.get_attribute("href") == "#quantity"


def _sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - innerWidth")


MEMBER_PAGES = ["/tasks/", "/tasks/todo", "/tasks/mine", "/progress/mine", "/needs/",
                "/reports/records/{member}?year=2022", "/me/"]
LIAISON_PAGES = ["/manage/", "/manage/tasks/new", "/manage/tasks",
                 "/reports/?month=2022-10", "/progress/findings",
                 "/progress/community?community={community}&year=2022",
                 "/funds/{unit}/{community}/2022", "/funds/"]


def test_no_page_scrolls_sideways_at_320_px_with_text_at_200_percent(new_context, live_server):
    people = live_server.built("browser-october", _october_people)
    wide = {}
    for role, paths in (("member", MEMBER_PAGES), ("liaison", LIAISON_PAGES)):
        page = _phone(new_context, live_server, people[role], width=320, height=568, text=2)
        for path in paths:
            url = path.format(**{**people, "member": people["member"].id})
            assert page.goto(live_server.url(url)).ok, url
            if _sideways(page) > 0:
                wide[url] = _sideways(page)
        page.context.close()
    assert wide == {}


def test_the_member_menu_leaves_the_first_screen_to_the_page(new_context, live_server, world,
                                                           shot):
    """At 360×640 with text at 200 % the six buttons took 55 % of the screen (five rows);
    the three of the claim-and-report flow and 更多 take under a third, and what is folded
    under 更多 is a tap away, its unread count shown on 更多."""
    from tracker.models import Channel, Outbox, OutboxStatus
    from tracker.timeutil import utcnow

    with live_server.db() as session:  # one unread in-app message
        session.add(Outbox(dedupe_key="test:menu", kind="returned", channel=Channel.inapp,
                           member_id=world.member.id, subject="提醒", body="明天上午有活动",
                           status=OutboxStatus.sent, attempts=0, next_attempt_at=utcnow(),
                           sent_at=utcnow()))
        session.commit()
    page = _phone(new_context, live_server, world.member, text=2)
    page.goto(live_server.url("/tasks/"))
    shot(page, "member-menu-text200")
    height = page.locator("header.topbar").bounding_box()["height"]
    assert height < 640 / 3, height
    more = page.locator("nav.nav .more summary")
    assert more.inner_text().split() == ["更多", "1"]  # the unread message, not hidden
    messages = page.get_by_role("link", name="消息")
    assert not messages.is_visible()
    more.click()
    for name in ("需求清单", "我的参与", "消息"):
        assert page.get_by_role("link", name=name).is_visible(), name
    with page.expect_navigation():
        messages.click()
    assert page.url.endswith("/me/messages")


def _on_the_screen(page, *, javascript: bool, says: str) -> None:
    """The refusal has the focus, on the first screen, and says why."""
    focused = page.evaluate(FOCUSED)
    assert focused["id"] == "form-errors", focused
    assert -1 <= focused["top"] < focused["screen"] - 40, focused
    assert says in focused["text"], focused
    if javascript:
        assert page.title().startswith("错误：")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_refused_confirm_brings_the_member_to_the_refusal(new_context, live_server, world,
                                                            ended_task, shot, javascript):
    """确认参与 tapped after the report was approved (the page open meanwhile): the
    refusal was a notice below the first screen at 200 % with the focus nowhere."""
    from tracker.models import Assignment, AssignmentStatus, ReportStatus, TaskReport

    with live_server.db() as session:
        place = Assignment(task_id=ended_task, member_id=world.member.id,
                           status=AssignmentStatus.claimed)
        session.add(place)
        session.commit()
        place_id = place.id
    page = _phone(new_context, live_server, world.member, text=2, javascript=javascript)
    page.goto(live_server.url(f"/tasks/assignments/{place_id}/confirm"))
    with live_server.db() as session:  # the liaison approves it meanwhile
        session.add(TaskReport(task_id=ended_task, quantity=3, people_served=0, note="清理了楼道",
                               status=ReportStatus.approved, submitted_by_id=world.leader.id))
        session.commit()
    with page.expect_navigation():
        page.get_by_role("button", name="确认参与").click()
    page.wait_for_load_state("load")
    shot(page, "confirm-refused")
    _on_the_screen(page, javascript=javascript, says="本次参与没有计入统计。")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_refused_delete_of_a_finding_is_unfolded_and_reached(new_context, live_server, world,
                                                               ended_task, shot, javascript):
    """「登记有误？删除该问题」 is folded in a <details>; the delete refused (the survey
    approved while the page was open: an approved survey's page offers no delete), the
    refusal came back folded away, unseen, the focus nowhere."""
    from tests import factories as f
    from tests.rollups import builders as b
    from tracker.models import (Community, FindingKind, Member, ReportStatus, ResourceItem,
                                Task, TaskReport, Unit)

    with live_server.db() as session:
        ended = session.get(Task, ended_task)
        item = session.get(ResourceItem, ended.resource_item_id)
        survey_item = f.item(session.get(Unit, item.unit_id),
                             session.get(Community, item.community_id), "facility_survey")
        leader = session.get(Member, world.leader.id)
        survey = f.task(survey_item, session.get(Member, world.liaison.id), leader=leader,
                        title="下水道摸排", starts_in=-timedelta(days=1))
        report = b.report(survey, leader, ReportStatus.submitted, quantity=1)
        finding_id = b.finding(survey, leader, FindingKind.sewer).id
        session.commit()
        report_id = report.id
    page = _phone(new_context, live_server, world.liaison, text=2, javascript=javascript)
    page.goto(live_server.url(f"/progress/findings/{finding_id}"))
    with live_server.db() as session:  # approved meanwhile
        session.get(TaskReport, report_id).status = ReportStatus.approved
        session.commit()
    page.locator("details.danger-zone > summary").click()
    page.get_by_label("删除原因").fill("重复登记")
    with page.expect_navigation():
        page.get_by_role("button", name="删除", exact=True).click()
    page.wait_for_load_state("load")
    shot(page, "finding-delete-refused")
    _on_the_screen(page, javascript=javascript, says="该摸排任务的完成情况已审核通过，不能再删除问题。")


def test_errors_js_unfolds_a_refusal_in_a_closed_details(new_context, live_server, world):
    """Whatever the page: the refusal errors.js brings the member to is never left inside
    a closed <details> (a page that renders it folded, an older template)."""
    page = _phone(new_context, live_server, world.member)
    page.goto(live_server.url("/tasks/"))
    page.evaluate("""() => { document.activeElement && document.activeElement.blur();
      const d = document.createElement('details'); d.id = 'folded'; d.innerHTML = '<summary>更多</summary>' +
        '<div class="errors" id="form-errors" role="alert">已被拒绝</div>';
      document.querySelector('main').prepend(d); }""")
    page.add_script_tag(url=live_server.url("/static/js/errors.js"))
    assert page.evaluate("document.getElementById('folded').open") is True
    assert page.evaluate("document.activeElement.id") == "form-errors"


def _october_signed() -> dict:
    """The October world (``_october_people``) with its unit's 月报 of 2022-10 signed
    (定稿) by its admin: the page lists the signed copy's downloads."""
    from tracker.extensions import db
    from tracker.models import Member, SummaryScope
    from tracker.reports import final

    people = _october_people()
    final.finalize(db.session.get(Member, people["admin"].id), SummaryScope(people["unit"]),
                   2022, 10)
    db.session.commit()
    return people


# Each link matched: its text, width and height on the screen.
TARGETS = """sel => [...document.querySelectorAll(sel)].map(a => {
  const box = a.getBoundingClientRect();
  return [a.innerText.trim(), Math.round(box.width), Math.round(box.height)]; })"""


@pytest.mark.parametrize("width, text", [(320, 1), (320, 2), (768, 1)])
def test_the_staff_links_left_small_are_44_px_targets(new_context, live_server, shot, width,
                                                      text):
    """The 月报's 定稿记录 downloads (Word / Excel / CSV) and, where the table shows its
    header (600 px and wider: below, each row is a card), the sortable columns of
    “双创”进展 are at least 44 × 44 px — as every other tap target of the app — and the
    page still fits the screen."""
    people = live_server.built("browser-october-signed", _october_signed)
    page = _phone(new_context, live_server, people["admin"], width=width, height=640, text=text)
    assert page.goto(live_server.url("/reports/?month=2022-10")).ok
    page.locator("[data-figure=signed_history] > summary").click()  # folded once signed
    page.locator("[data-figure=signed_history]").scroll_into_view_if_needed()
    shot(page, "signed-copies")
    found = {"signed": page.evaluate(TARGETS, "[data-figure=signed_history] .card-actions a")}
    assert [label for label, *_ in found["signed"]] == ["Word", "Excel", "CSV"]
    assert _sideways(page) <= 0
    if width >= 600:
        assert page.goto(live_server.url("/progress/double")).ok
        found["sortable"] = page.evaluate(TARGETS, "table.double-table thead th a")
        shot(page, "double")
        assert len(found["sortable"]) == 11  # with 本月移交 and 本月整改 (walk6 #5)
    small = {where: [link for link in links if min(link[1:]) < 44]
             for where, links in found.items()}
    assert small == {where: [] for where in found}
