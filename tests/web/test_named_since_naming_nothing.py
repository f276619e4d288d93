"""A page that named no signed document, its change refused because a month was signed
before the service's locks, and that month re-opened by another admin after the
service's rollback: the change names nothing now, and the page that comes back has no
说明 to point at. It says so in its ``Then.none``'s words — never 「…请查看上方
（现在）的说明…」 over no 说明 (design.md: "The words said first answer what the user was
shown"; review50 #1) — and nothing is done. Forced order in one process, as the other
since() tests (``_decided_after_the_rollback``)."""
from __future__ import annotations

import re

import pytest

from tests.reports.test_signed_named import named
from tests.web.stale_support import form_on
from tests.web.test_named_first import _confirmation, _sign_october_only
from tests.web.test_named_reopened_since import buttons
from tests.web.test_named_since_refused_again import _other_admin
from tests.web.test_named_since_refused_decisions import _decided_after_the_rollback
from tracker.extensions import db
from tracker.models import Member, ReportStatus, SummaryScope, Task, TaskReport, TaskStatus
from tracker.services.summary_notes import reopen

# each page's own button, in its verb: the report's 通过 (afresh52's Open), 作废's 确认作废
# and 撤销审核's 确认撤销审核 (then53; before: 「…如仍要进行，请再次提交。」, no 提交 there)
SIGNED_NOW = ("打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，现在不会改变已定稿的月报"
              "或年度总结。未作任何更改；如仍要{verb}，请再次点击“{button}”。")
APPROVE_SIGNED_NOW = SIGNED_NOW.format(verb="通过", button="通过")


def _reopened_after_the_rollback(monkeypatch, module, o):
    other = _other_admin(o)
    return _decided_after_the_rollback(monkeypatch, module, lambda: reopen(
        db.session.get(Member, other), SummaryScope(o.unit.id), 2022, 10))


def _said(html):
    return re.findall(r"打开页面之后[^<]*", html)


def test_an_approval_from_a_page_naming_nothing_says_nothing_is_signed_now(
        client, login, october, monkeypatch):
    from tracker import manage
    o = october
    report_id = o.tasks["待审核整治"].report.id
    login(o.admin)
    approve = f"/manage/reports/{report_id}/approve"
    page = client.get(f"/manage/reports/{report_id}").get_data(as_text=True)
    assert not named(page)
    _sign_october_only(client, o)
    seen = _reopened_after_the_rollback(monkeypatch, manage.reviews, o)
    html = client.post(approve, data=form_on(page, approve),
                       follow_redirects=True).get_data(as_text=True)
    db.session.expire_all()
    assert seen["decided"] and named(html) == []
    assert _said(html) == [APPROVE_SIGNED_NOW]
    assert db.session.get(TaskReport, report_id).status == ReportStatus.submitted


@pytest.mark.parametrize("path,submit,verb", [("void", "确认作废", "作废"),
                                             ("reopen", "确认撤销审核", "撤销审核")])
def test_a_void_or_reopen_confirmed_naming_nothing_says_nothing_is_signed_now(
        client, login, october, monkeypatch, path, submit, verb):
    from tracker import manage
    o = october
    task_id = o.tasks["环境整治一"].id
    login(o.admin)
    page = client.post(f"/manage/tasks/{task_id}/{path}",
                       data={f"{path}-reason": "数量登记错误"}).get_data(as_text=True)
    assert submit in page and not named(page)
    action, fields = _confirmation(page)
    key = re.search(rf'name="{path}-named" type="hidden" value="([^"]*)"', page).group(1)
    assert key == ""
    _sign_october_only(client, o)
    seen = _reopened_after_the_rollback(monkeypatch, manage.task_page, o)
    html = client.post(action, data={**fields, f"{path}-reason": "数量登记错误",
                                     f"{path}-named": key},
                       follow_redirects=True).get_data(as_text=True)
    db.session.expire_all()
    assert seen["decided"] and named(html) == [] and submit in buttons(html)
    assert _said(html) == [SIGNED_NOW.format(verb=verb, button=submit)]
    task = db.session.get(Task, task_id)
    assert task.status != TaskStatus.cancelled and task.report.status == ReportStatus.approved
