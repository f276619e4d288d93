"""An admin's 作废 that changes a 已定稿 月报 or 年度总结 names them before it is done,
scripts on or off (docs/design.md, the actions that ask first; signed months: every
change named). The task page's in-page question (confirm.js posts ``confirmed`` with
it) would skip the server's confirmation page, the one that names them: so when the
作废 changes a signed document the form asks no question of its own and what it posts
reaches that page, as 冲销's (review41 #1) and 撤销审核's (unapprove42) do. An activity
whose 作废 changes nothing signed keeps the quick in-page question (unapprove42 Open,
voidjs42)."""
from __future__ import annotations

from datetime import date

from tests.rollups import builders as b
from tests.services.test_void_need_moves import approved_on, named, sign
from tests.web.manage_support import text
from tests.web.asked_on_task_support import asked_on_task
from tests.web.stale_support import form_on
from tracker.extensions import db
from tracker.models import ReportStatus, Task

VOID_NAMES = "作废该活动会改变以下已定稿月报的当前数据：{months}。"


_action, _form, _posted = asked_on_task("void")


def _status(task) -> ReportStatus:
    db.session.expire_all()
    return db.session.get(Task, task.id).report.status


def _november(world):
    task = b.task_on(world.item, world.liaison, date(2025, 11, 20))
    b.join(task, world.member)
    approved_on(task, world.liaison, date(2025, 11, 20))
    db.session.commit()
    return task


def test_a_signed_month_is_named_on_the_page_the_void_tap_leads_to(client, login, world):
    task = _november(world)
    sign(world.admin, world.unit, 2025, 11)
    login(world.admin)
    page = text(client.get(f"/manage/tasks/{task.id}"))
    # the block above the form names it (another above 撤销审核's) …
    assert any(VOID_NAMES.format(months=f"{world.unit.name}2025年11月") in words
               for words in named(page))
    assert "data-confirm" not in _form(page, task).split(">", 1)[0]  # … and no question skips it

    response = client.post(_action(task), data=_posted(page, task, "重复录入"),
                           follow_redirects=True)
    assert response.status_code == 200  # the confirmation page, scripts on or off
    (words,) = named(response.get_data(as_text=True))
    assert VOID_NAMES.format(months=f"{world.unit.name}2025年11月") in words
    confirmation = text(response)
    assert "确认作废" in confirmation and "重复录入" in confirmation
    assert _status(task) == ReportStatus.approved

    assert client.post(_action(task), data=form_on(confirmation, _action(task))
                       ).status_code == 302
    assert _status(task) == ReportStatus.voided


def test_with_nothing_signed_the_void_question_is_asked_in_the_page(client, login, world):
    task = _november(world)
    login(world.admin)
    page = text(client.get(f"/manage/tasks/{task.id}"))
    assert not named(page)
    form = _form(page, task)
    assert "data-confirm=" in form.split(">", 1)[0] and 'name="confirmed"' in form
    assert client.post(_action(task), data=_posted(page, task, "重复录入")).status_code == 302
    assert _status(task) == ReportStatus.voided


# only more signed since: the sentence every 「确认…」 page says, naming the button it
# asks for by its label (small57: it said 「…请查看上方的说明后再确认作废。」)
STALE = ("打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，未作任何更改。"
         "请查看上方的说明后再点击“确认作废”。")


def test_a_month_signed_after_the_task_page_was_read_is_named_before_the_void(
        client, login, world):
    """The page named nothing, so it asked in the page; November is signed before the
    tap: the post is answered with the confirmation page naming it, nothing done (the
    page posts back what it named, ``void-named``, as 撤销审核's does)."""
    task = _november(world)
    login(world.admin)
    page = text(client.get(f"/manage/tasks/{task.id}"))
    assert "data-confirm=" in _form(page, task).split(">", 1)[0]
    sign(world.admin, world.unit, 2025, 11)

    response = client.post(_action(task), data=_posted(page, task, "重复录入"))
    assert response.status_code == 200
    confirmation = text(response)
    assert STALE in confirmation and "确认作废" in confirmation and "重复录入" in confirmation
    (words,) = named(response.get_data(as_text=True))
    assert VOID_NAMES.format(months=f"{world.unit.name}2025年11月") in words
    assert _status(task) == ReportStatus.approved

    # confirmed on the page that named it: done
    assert client.post(_action(task), data=form_on(confirmation, _action(task))
                       ).status_code == 302
    assert _status(task) == ReportStatus.voided


def test_a_month_signed_after_the_void_confirmation_page_was_read_is_named_again(
        client, login, world):
    task = _november(world)
    login(world.admin)
    confirmation = text(client.post(_action(task), data={"void-reason": "重复录入"}))
    assert "确认作废" in confirmation and not named(confirmation)
    sign(world.admin, world.unit, 2025, 11)
    response = client.post(_action(task), data=form_on(confirmation, _action(task)))
    assert response.status_code == 200 and STALE in text(response)
    assert "重复录入" in text(response)  # the reason travels on
    (words,) = named(response.get_data(as_text=True))
    assert VOID_NAMES.format(months=f"{world.unit.name}2025年11月") in words
    assert _status(task) == ReportStatus.approved
