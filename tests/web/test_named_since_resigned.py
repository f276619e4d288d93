"""A change confirmed on a page that named October (已定稿), October re-opened (撤销定稿)
before the service's locks — so the service refuses: what the page named is no longer
what it changes — and signed again by another admin after the service's rollback, before
the view answers. The page named afresh names October once more: the same document the
page named, signed again since it was read, perhaps with other figures.

What the user reads (docs/design.md, "The words said first answer what the user was
shown"): the list shown again is the list the page showed — October —, so the words say
that what it names changed meanwhile and is again what the page lists, nothing done, to
confirm again (``reopened.Then.same``, stale53) — never 「…有了变化…请查看上方的说明…」, which
sends the user to look for a change in an identical list, nor 「October已撤销定稿…现在不会
改变已定稿的月报或年度总结」, the refusal's words of a moment gone by, over a block naming
October signed (afresh51: 撤销审核 and 作废 say ``roll.said_since`` of what they name now,
as every ``named_page.NamedFirst`` change — 冲销 here — does). Nothing is done. Forced
order in one process, as the other since() tests (``_decided_after_the_rollback``)."""
from __future__ import annotations

import re

import pytest

from tests.reports.test_signed_named import named
from tests.web.test_named_first import MONTH, _confirmation, _sign_october_only
from tests.web.test_named_first_since import _october_entry, _posted_again, _reversals
from tests.web.test_named_reopened_since import buttons
from tests.web.test_named_since_refused_again import _other_admin
from tests.web.test_named_since_refused_decisions import _decided_after_the_rollback
from tracker.extensions import db
from tracker.models import Member, ReportStatus, SummaryScope, Task, TaskStatus
from tracker.reports.final import finalize
from tracker.services import unit_of_work
from tracker.services.summary_notes import reopen

# the list again (before stale53, each page's own 「…有了变化…请查看上方的说明后再确认…」),
# sending the user to the page's own button (before then53: 「…请再次确认。」, a verb, above
# 确认作废, 确认撤销审核, 确认冲销)
SAME = ("打开页面之后，这次操作涉及的已定稿月报或年度总结曾有变化，现在仍是本页说明所列的这些。"
        "未作任何更改；如仍要{verb}，请再次点击“{button}”。")


def _said(html):
    return re.findall(r"打开页面之后[^<]*", html)


def _reopen_october(o) -> None:
    with unit_of_work(once=False):  # not the post's own token
        reopen(o.admin, SummaryScope(o.unit.id), 2022, 10)


def _signed_again_after_the_rollback(monkeypatch, module, o):
    """October signed again by the other admin once the service has rolled back."""
    other = _other_admin(o)
    return _decided_after_the_rollback(monkeypatch, module, lambda: finalize(
        db.session.get(Member, other), SummaryScope(o.unit.id), 2022, 10))


def _reopened_after_the_read(monkeypatch, module, name: str, o) -> None:
    """``module.name`` — a ``NamedFirst``'s naming — reads as it would; right after the
    view's first unlocked read (its compare of the key, which still finds October)
    October is re-opened: the service's locked read finds it unsigned."""
    real = getattr(module, name)
    done = []

    def naming(*args, lock=False, **kwargs):
        found = real(*args, lock=lock, **kwargs)
        if not lock and not done:
            done.append(True)
            _reopen_october(o)
        return found

    monkeypatch.setattr(module, name, naming)


@pytest.mark.parametrize("path,submit,verb", [("void", "确认作废", "作废"),
                                             ("reopen", "确认撤销审核", "撤销审核")])
def test_a_void_or_reopen_whose_month_was_re_opened_and_signed_again_points_at_it(
        client, login, october, monkeypatch, path, submit, verb):
    from tracker import manage
    o = october
    task_id = o.tasks["环境整治一"].id
    login(o.admin)
    _sign_october_only(client, o)
    page = client.post(f"/manage/tasks/{task_id}/{path}",
                       data={f"{path}-reason": "数量登记错误"}).get_data(as_text=True)
    assert submit in page and MONTH in " ".join(named(page))
    action, fields = _confirmation(page)
    key = re.search(rf'name="{path}-named" type="hidden" value="([^"]*)"', page).group(1)
    _reopen_october(o)  # 撤销审核 and 作废 compare in the service only
    seen = _signed_again_after_the_rollback(monkeypatch, manage.task_page, o)

    html = client.post(action, data={**fields, f"{path}-reason": "数量登记错误",
                                     f"{path}-named": key},
                       follow_redirects=True).get_data(as_text=True)
    db.session.expire_all()
    assert seen["decided"] and submit in buttons(html)
    assert MONTH in " ".join(named(html))  # October named, signed again
    assert _said(html) == [SAME.format(verb=verb, button=submit)]
    task = db.session.get(Task, task_id)
    assert task.status != TaskStatus.cancelled and task.report.status == ReportStatus.approved


def test_a_reversal_whose_month_was_re_opened_and_signed_again_points_at_it(
        client, login, october, monkeypatch):
    """The same words as every ``NamedFirst`` change: 冲销's."""
    from tracker.funds import routes
    from tracker.services import funds
    o = october
    entry_id = _october_entry(o).id
    login(o.admin)
    _sign_october_only(client, o)
    page = client.post(f"/funds/entries/{entry_id}/reverse",
                       data={"reason": "重复录入"}).get_data(as_text=True)
    assert "确认冲销" in page and MONTH in " ".join(named(page))
    action, fields = _posted_again(page)
    _reopened_after_the_read(monkeypatch, funds, "reversal_signed", o)
    seen = _signed_again_after_the_rollback(monkeypatch, routes, o)
    before = _reversals()

    html = client.post(action, data=fields, follow_redirects=True).get_data(as_text=True)
    db.session.expire_all()
    assert seen["decided"] and "确认冲销" in buttons(html)
    assert MONTH in " ".join(named(html))
    assert _said(html) == [SAME.format(verb="冲销", button="确认冲销")]
    assert _reversals() == before
