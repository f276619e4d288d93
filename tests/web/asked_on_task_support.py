"""The task page's forms of an action asked first on its own page (撤销审核, 作废): where
each posts, the form on a page, and what it posts with a reason typed — as a browser
with scripts on posts it (tests/web/test_reopen_asks_first.py,
tests/web/test_void_signed_named_with_scripts.py)."""
from __future__ import annotations

import re
from typing import Callable, NamedTuple

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
