"""walk45 #2 in Chromium, scripts on: a change confirmed on its naming page ends the
draft of the form it came from, and that form's one-time token is spent with it
(docs/design.md, "A form sent twice changes things once"). An admin's 登记支出 dated in
a signed month: 登记 → the page naming the 月报 → 确认登记 → the ledger again, its form
empty, with no 「已恢复您上次填写但未提交成功的内容」; the old form sent again with its own
token is answered 「已提交，无需重复提交。」 and records nothing. 「返回，不操作」 brings the
form back as typed, saying nothing of a failed send: nothing failed, nothing was done."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from tests.browser.conftest import follow

UNSENT = "未提交成功"
PURPOSE = "结对帮扶慰问品"


def _signed_october(live_server, world):
    """县商务局2025年10月 signed; the ledger's address."""
    from tracker.extensions import db
    from tracker.models import Community, Member, SummaryScope, Unit
    from tracker.reports import final

    with live_server.db() as session:
        unit = session.scalar(select(Unit))
        community = session.scalar(select(Community).where(Community.name == world.community))
        final.finalize(db.session.get(Member, world.admin.id), SummaryScope(unit_id=unit.id),
                       2025, 10)
        db.session.commit()
        return f"/funds/{unit.id}/{community.id}/2025"


def _entries(live_server) -> int:
    from tracker.models import FundEntry

    with live_server.db() as session:
        return session.scalar(select(func.count()).select_from(FundEntry)
                              .where(FundEntry.purpose == PURPOSE,
                                     FundEntry.entry_date == date(2025, 10, 16)))


def _fill(form) -> None:
    form.locator("input[name=entry_date]").fill("2025-10-16")
    form.locator("input[name=amount]").fill("200")
    form.locator("input[name=purpose]").fill(PURPOSE)


def test_an_expense_confirmed_on_its_naming_page_leaves_no_draft_and_is_recorded_once(
        live_server, world, user_page, shot):
    ledger = _signed_october(live_server, world)
    page = user_page(world.admin)
    page.goto(live_server.url(ledger))
    form = page.locator('form[action$="/entries"]')
    _fill(form)
    token = form.locator("input[name=submission_token]").input_value()
    follow(form.get_by_role("button", name="登记"))
    assert "登记支出会改变以下已定稿月报的当前数据" in page.locator("main").inner_text()
    follow(page.get_by_role("button", name="确认登记"))

    main = page.locator("main").inner_text()
    assert "支出已登记。" in main and _entries(live_server) == 1
    # the send was accepted: its form's draft is gone, not restored as a failed send
    assert UNSENT not in main and page.locator(".draft-note").count() == 0
    form = page.locator('form[action$="/entries"]')
    assert form.locator("input[name=purpose]").input_value() == ""
    shot(page, "confirmed-no-draft")
    page.reload()
    assert page.locator('form[action$="/entries"] input[name=purpose]').input_value() == ""

    # the old form (the back button, another tab) sent again with its token: a resend
    _fill(form)
    form.locator("input[name=submission_token]").evaluate("(el, t) => { el.value = t; }", token)
    follow(form.get_by_role("button", name="登记"))
    assert "已提交，无需重复提交。" in page.locator("main").inner_text()
    assert _entries(live_server) == 1
    shot(page, "resent-once")


def test_going_back_from_an_expenses_naming_page_keeps_it_as_typed_and_says_no_failure(
        live_server, world, user_page, shot):
    ledger = _signed_october(live_server, world)
    page = user_page(world.admin)
    page.goto(live_server.url(ledger))
    _fill(page.locator('form[action$="/entries"]'))
    follow(page.locator('form[action$="/entries"]').get_by_role("button", name="登记"))
    follow(page.get_by_role("button", name="返回，不操作"))

    form = page.locator('form[action$="/entries"]')
    assert form.locator("input[name=purpose]").input_value() == PURPOSE
    assert form.locator("input[name=amount]").input_value() == "200"
    assert UNSENT not in page.locator("main").inner_text()
    assert page.locator(".flash-error").count() == 0 and _entries(live_server) == 0
    shot(page, "back-as-typed")
    # read again later: the device draft, as a draft (nothing was lost, nothing failed)
    page.goto(live_server.url(ledger))
    form = page.locator('form[action$="/entries"]')
    assert form.locator("input[name=purpose]").input_value() == PURPOSE
    assert UNSENT not in page.locator("main").inner_text()
    assert "已恢复本机保存的草稿" in page.locator("main").inner_text()


def test_a_forgotten_participant_confirmed_on_its_naming_page_leaves_no_draft(
        live_server, world, user_page, shot):
    """The same on an approved activity's page (walk45 #2: 服务时长 refilled on every
    reload): 添加参加人员 → the naming page → 确认 → no draft; the old form again: a resend."""
    from tests.rollups import builders as b
    from tracker.extensions import db
    from tracker.models import Assignment, Community, Member, ResourceItem, SummaryScope, Unit
    from tracker.reports import final

    with live_server.db() as session:
        unit = session.scalar(select(Unit))
        community = session.scalar(select(Community).where(Community.name == world.community))
        item = session.scalar(select(ResourceItem).where(ResourceItem.community_id == community.id))
        liaison, admin = db.session.get(Member, world.liaison.id), db.session.get(Member, world.admin.id)
        task = b.task_on(item, liaison, date(2025, 11, 20), title="清理楼道杂物（11月）")
        b.join(task, db.session.get(Member, world.leader.id))
        b.report(task, liaison)
        db.session.commit()
        final.finalize(admin, SummaryScope(unit_id=unit.id), 2025, 11)
        db.session.commit()
        task_id = task.id

    def added() -> int:
        with live_server.db() as session:
            return session.scalar(select(func.count()).select_from(Assignment).where(
                Assignment.task_id == task_id, Assignment.member_id == world.member.id))

    page = user_page(world.admin)
    page.goto(live_server.url(f"/manage/tasks/{task_id}"))
    form = page.locator(f'form[action^="/manage/tasks/{task_id}/add-participant"]')
    form.locator("select[name=member]").select_option(str(world.member.id))
    form.locator("input[name=hours]").fill("1.5")
    token = form.locator("input[name=submission_token]").input_value()
    follow(form.get_by_role("button", name="添加参加人员"))
    assert "会改变以下已定稿月报的当前数据" in page.locator("main").inner_text()
    follow(page.locator("form button.danger"))
    assert added() == 1
    assert UNSENT not in page.locator("main").inner_text()
    shot(page, "added-no-draft")
    page.goto(live_server.url(f"/manage/tasks/{task_id}"))
    form = page.locator(f'form[action^="/manage/tasks/{task_id}/add-participant"]')
    assert UNSENT not in page.locator("main").inner_text()
    assert page.locator(".draft-note").count() == 0

    # the old form sent again with its token: answered as the first, no second row
    form.locator("input[name=submission_token]").evaluate("(el, t) => { el.value = t; }", token)
    form.locator("input[name=hours]").fill("1.5")
    follow(form.get_by_role("button", name="添加参加人员"))
    assert "已提交，无需重复提交。" in page.locator("main").inner_text()
    assert added() == 1
