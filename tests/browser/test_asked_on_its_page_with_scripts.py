"""An admin's 撤销审核 or 作废 in a 已定稿 month, in Chromium with scripts on: the signed
月报 is named before anything is done — the tap leads to the confirmation page that names
it, with the reason typed, not to an in-page question that would skip it (docs/design.md,
the actions that ask first; needwords41 and unapprove42 Open, as review41 #1 for 冲销)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from tests.browser.conftest import follow

# drafts.js's words for a send that did not arrive (``data-draft-unsent``)
UNSENT = "已恢复您上次填写但未提交成功的内容"


@dataclass(frozen=True)
class Action:
    """One action's route and words, as its form and confirmation page say them."""
    route: str
    reason_label: str
    reason: str
    button: str
    named: str  # the naming sentence's start, before the months
    taken_off: str
    confirm: str
    status: str  # the report's status once done
    done: str


REOPEN = Action("reopen", "撤销审核的原因", "人数有误", "撤销审核", "撤销审核会改变以下已定稿月报的当前数据：",
                "1名党员共1.0小时的服务时长暂不计入", "确认撤销审核", "returned", "已撤销审核")
VOID = Action("void", "作废的原因", "重复录入", "作废该活动", "作废该活动会改变以下已定稿月报的当前数据：",
              "1名党员共1.0小时的服务时长不再计入", "确认作废", "voided", "该活动已作废")


@pytest.mark.parametrize("action", [REOPEN, VOID], ids=["撤销审核", "作废"])
def test_an_admins_action_with_scripts_names_the_signed_month(live_server, world, user_page,
                                                              action):
    from tests.rollups import builders as b
    from tracker.extensions import db
    from tracker.models import Community, Member, ResourceItem, SummaryScope, Unit
    from tracker.reports import final

    with live_server.db() as session:
        unit = session.scalar(select(Unit))
        community = session.scalar(select(Community).where(Community.name == world.community))
        item = session.scalar(select(ResourceItem).where(ResourceItem.community_id == community.id))
        liaison, admin = db.session.get(Member, world.liaison.id), db.session.get(Member, world.admin.id)
        task = b.task_on(item, liaison, date(2025, 11, 20), title="清理楼道杂物（11月）")
        b.join(task, db.session.get(Member, world.member.id))
        b.report(task, liaison)
        db.session.commit()
        final.finalize(admin, SummaryScope(unit_id=unit.id), 2025, 11)
        db.session.commit()
        task_id, unit_name = task.id, unit.name

    def status() -> str:
        from tracker.models import Task

        with live_server.db() as session:
            return session.get(Task, task_id).report.status.value

    page = user_page(world.admin)
    page.goto(live_server.url(f"/manage/tasks/{task_id}"))
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    form = page.locator(f'form[action="/manage/tasks/{task_id}/{action.route}"]')
    form.get_by_label(action.reason_label).fill(action.reason)
    follow(form.get_by_role("button", name=action.button))
    # named before anything is done: the signed month, on the page the tap leads to
    assert status() == "approved", f"done without naming the signed month (asked {asked})"
    main = page.locator("main").inner_text()
    assert f"{action.named}{unit_name}2025年11月。" in main
    assert action.taken_off in main
    assert page.get_by_label(action.reason_label).input_value() == action.reason
    # a page that only asks is no lost send: drafts.js says nothing of one (confirm43 #5)
    assert UNSENT not in main
    follow(page.get_by_role("button", name=action.confirm))
    assert status() == action.status
    assert action.done in page.locator("main").inner_text()
