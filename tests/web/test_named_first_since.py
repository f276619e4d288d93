"""An admin's change named first (``named_page.ask_first``: 登记支出, 补录, 添加遗漏的参加人员,
a finding's 移交 / 整改, 更换组长; and 冲销's confirmation page) is done only as its naming page named it (docs/design.md,
"Refused in a 已定稿 month"; namefirst42 Open #3). The page posts back what it named
(``named_page.KEY``, ``roll.named_key``, the rule of 作废's and 撤销审核's keys); when
what the change would change is no longer that — here the 年度总结 signed after the
page named only the October 月报 — 确认 is answered by the naming page afresh, naming
both, 「…有了变化，未作任何更改…」 said first and every typed field carried again;
nothing is done until it is confirmed there."""
from __future__ import annotations

from typing import Callable, NamedTuple

import pytest

from tests.reports.test_signed_named import named
from tests.web.test_named_first import (MONTH, YEAR, _backfill, _confirmation, _entries,
                                        _finding, _on_task, _shown, _sign_october_only,
                                        _tasks_titled)
import re
from datetime import date

from sqlalchemy import func, select

from tests.funds.test_signed_reversal_named_with_scripts import _form, _posted
from tracker.extensions import db
from tracker.models import FindingStatus, FundEntry, Task
from tracker.services import unit_of_work
from tracker.services.funds import add_entry

# the head of a 「确认…」 page's own sentence for "more is signed now", its button after it
SINCE = "打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，未作任何更改。请查看上方的说明后再"


def since(page: str) -> str:
    """The page's own sentence for "more is signed now", naming the button its
    confirmation form shows (small56: it said 「…请查看上方的说明后再确认。」, no button)."""
    form = re.search(r'<form method="post" action="[^"]*".*?</form>', page, re.S).group(0)
    (button,) = [b for b in re.findall(r'<button type="submit"[^>]*>([^<]+)</button>', form)
                 if b.startswith("确认")]  # not its 「返回，不操作」
    return f"{SINCE}点击“{button}”。"


class Change(NamedTuple):
    """One change named first: where it posts and what, and what is true once done."""

    word: str  # its word in the naming sentence
    post: Callable  # (client, october) -> (url, typed)
    done: Callable  # (october, before) -> bool
    before: Callable = lambda o: None  # noqa: E731 — what ``done`` compares with


def _entry(client, o):
    return (f"/funds/{o.unit.id}/{o.jiefang.id}/2022/entries",
            {"entry_date": "2022-10-25", "amount": "300", "purpose": "补登购买垃圾桶",
             "task_id": ""})


def _hand_over(client, o):
    return (f"/progress/findings/{_finding(FindingStatus.found).id}/hand-over",
            {"handed_to": "县住建局", "handed_over_on": "2022-10-31"})


def _added(client, o):
    task, member = o.tasks["政策宣讲"], o.members["张伟"]
    return (f"/manage/tasks/{task.id}/add-participant",
            {"member": str(member.id), "hours": "1"})


def _leader(client, o):
    task = o.tasks["政策宣讲"]
    return (f"/manage/tasks/{task.id}/leader",
            {"leader": str(o.members["赵敏"].id), "shown": _shown(client, task)})


def _leader_is(o) -> bool:
    return db.session.get(Task, o.tasks["政策宣讲"].id).leader_id == o.members["赵敏"].id


def _posted_again(page: str) -> tuple[str, dict]:
    """What the page's confirmation form posts: its hidden fields and, 冲销's, the
    reason shown in its field."""
    action, fields = _confirmation(page)
    form = re.search(r'<form method="post" action="[^"]*".*?</form>', page, re.S).group(0)
    shown = dict(re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\s*(.*?)</textarea>', form, re.S))
    for tag in re.findall(r'<input [^>]*type="text"[^>]*>', form):
        shown[re.search(r'name="([^"]+)"', tag).group(1)] = \
            re.search(r'value="([^"]*)"', tag).group(1)
    return action, {**shown, **fields}


def _reversals() -> int:
    return db.session.scalar(select(func.count()).select_from(FundEntry)
                             .where(FundEntry.reverses_id.is_not(None)))


def _october_entry(o) -> FundEntry:
    with unit_of_work():
        return add_entry(o.admin, o.unit, o.jiefang, 2022, entry_date=date(2022, 10, 20),
                         amount_fen=900_000, purpose="购置共建活动物资")


def _reverse(client, o):
    return f"/funds/entries/{_october_entry(o).id}/reverse", {"reason": "重复录入"}


CHANGES = {
    "冲销": Change("冲销", _reverse, lambda o, n: _reversals() == n + 1, lambda o: _reversals()),
    "登记支出": Change("登记支出", _entry, lambda o, n: _entries() == n + 1,
                   lambda o: _entries()),
    "登记移交": Change("登记移交", _hand_over,
                   lambda o, n: _finding(FindingStatus.found) is None
                   or _finding(FindingStatus.found).id != n,
                   lambda o: _finding(FindingStatus.found).id),
    "添加遗漏的参加人员": Change("添加遗漏的参加人员", _added,
                       lambda o, n: _on_task(o.tasks["政策宣讲"], o.members["张伟"])),
    "补录该活动": Change("补录该活动", lambda c, o: ("/manage/backfill", _backfill(o, "2022-10-26")),
                    lambda o, n: _tasks_titled("补录整治") == 1),
    "更换组长": Change("更换组长", _leader, lambda o, n: _leader_is(o)),
}


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
def test_a_year_signed_after_the_naming_page_was_read_is_named_before_the_change(
        client, login, october, change):
    login(october.admin)
    _sign_october_only(client, october)
    case = CHANGES[change]
    before = case.before(october)
    url, typed = case.post(client, october)
    page = client.post(url, data=typed).get_data(as_text=True)
    (words,) = named(page)
    assert MONTH in words and "年度总结" not in words  # named: the month only
    action, fields = _posted_again(page)

    # the year signed while the naming page was read
    assert client.post(f"/reports/annual/finalize?unit={october.unit.id}&year=2022",
                       data={"confirmed": "1"}).status_code == 302
    response = client.post(action, data=fields)
    assert response.status_code == 200
    db.session.expire_all()
    assert not case.done(october, before)  # nothing done
    again = response.get_data(as_text=True)
    assert since(again) in again
    (words,) = named(again)
    assert f"{case.word}会改变以下已定稿月报的当前数据：{MONTH}。" in words
    assert f"{case.word}会改变以下已定稿年度总结的当前数据：{YEAR}。" in words
    action, fields = _posted_again(again)
    assert {k: fields[k] for k in typed} == typed  # every typed field carried again

    # confirmed on the page that named them both: done
    assert client.post(action, data=fields).status_code == 302
    db.session.expire_all()
    assert case.done(october, before)


def test_a_month_signed_after_the_ledger_was_read_is_named_before_a_reversal(
        client, login, october):
    """With scripts on, an entry whose 冲销 named nothing is asked in the ledger (its
    form posts ``confirmed=1``) and posts back that it named nothing: October signed
    since, the post is answered with the confirmation page naming it, nothing done."""
    entry = _october_entry(october)
    login(october.admin)
    ledger = client.get(f"/funds/{october.unit.id}/{october.jiefang.id}/2022"
                        ).get_data(as_text=True)
    posted = _posted(_form(ledger, entry.id), "重复录入")
    assert posted["confirmed"] == "1"  # asked in the page: nothing signed
    _sign_october_only(client, october)
    before = _reversals()

    response = client.post(f"/funds/entries/{entry.id}/reverse", data=posted)
    assert response.status_code == 200 and _reversals() == before
    page = response.get_data(as_text=True)
    assert since(page) in page
    (words,) = named(page)
    assert f"冲销会改变以下已定稿月报的当前数据：{MONTH}。" in words
    action, fields = _confirmation(page)
    assert client.post(action, data={**fields, "reason": "重复录入"}).status_code == 302
    assert _reversals() == before + 1
