"""The task page's forms of an action asked first on its own page (撤销审核, 作废): where
each posts, the form on a page, and what it posts with a reason typed — as a browser
with scripts on posts it (tests/web/test_reopen_asks_first.py,
tests/web/test_void_signed_named_with_scripts.py); and, for 作废 and 取消任务, what a
browser without scripts gets (tests/web/test_manage_void.py, test_manage_tasks.py)."""
from __future__ import annotations

import re
from typing import Callable, NamedTuple
from urllib.parse import quote

from tests.web.manage_support import text
from tests.web.stale_support import form_on


class AskedOnTask(NamedTuple):
    action: Callable  # (task) -> the form's address
    form: Callable  # (page, task) -> the form's HTML on the page
    posted: Callable  # (page, task, reason) -> what it posts


def asked_on_task(verb: str) -> AskedOnTask:
    """The three for ``/manage/tasks/<id>/<verb>``, its reason field ``<verb>-reason``
    (the form's prefix)."""

    def action(task) -> str:
        return f"/manage/tasks/{task.id}/{verb}"

    def form(page: str, task) -> str:
        return re.search(r'<form[^>]*action="%s".*?</form>' % re.escape(action(task)),
                         page, re.S).group(0)

    def posted(page: str, task, reason: str) -> dict:
        """What the page's form posts with ``reason`` typed (its hidden fields: the
        signed documents it named, ``<verb>-named``) — with scripts on, confirm.js sets
        ``confirmed`` to 1 when the form carries a question (``data-confirm``) and it is
        accepted; a form with no question posts what it holds."""
        data = form_on(page, action(task), **{f"{verb}-reason": reason})
        if "data-confirm=" in form(page, task).split(">", 1)[0] and "confirmed" in data:
            data["confirmed"] = "1"
        return data

    return AskedOnTask(action, form, posted)


def back_keeps_the_reason(client, action: str, typed: dict, submit: str) -> str:
    """walk45 #3, without scripts: ``typed`` (the reason field and the reason) posted to
    ``action`` unconfirmed is answered with the confirmation page itself (200, no
    redirect), whose form — its button ``submit`` — carries the reason and a 返回，不操作
    that posts it back (``returning``: a link would lose it); that 返回, posted as a plain
    browser posts it, brings the task page with the reason as typed in the action's form,
    the question gone. The confirmation page's text, for what it says of the action."""
    (reason,) = typed.values()
    asked = client.post(action, data=typed)
    assert asked.status_code == 200 and "Location" not in asked.headers
    page = text(asked)
    question = page[page.index(f'action="{action}"'):]
    question = question[:question.index("</form>")]
    assert submit in question and 'name="returning" value="1"' in question
    assert reason in question

    back = client.post(action, data={**typed, "returning": "1", "confirmed": "1"})
    assert back.status_code == 200
    task_page = text(back)
    form = task_page[task_page.index(f'action="{action}"'):]
    assert f"{reason}</textarea>" in form[:form.index("</form>")]
    assert submit not in task_page
    return page


def no_url_carries_the_reason(client, action: str, typed: dict) -> None:
    """Whatever is posted to ``action`` — the reason unconfirmed, a blank one, the reason
    confirmed —, no answer sends the reason, a free text, on in a URL (history, access
    logs): neither as ``reason=`` nor percent-encoded (its first character)."""
    ((field, reason),) = typed.items()
    for data in (typed, {field: " "}, {**typed, "confirmed": "1"}):
        location = client.post(action, data=data).headers.get("Location", "")
        assert "reason=" not in location and quote(reason[0]) not in location.upper()
