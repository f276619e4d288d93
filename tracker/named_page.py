"""The confirmation page before an admin's change that a 已定稿 月报 or 年度总结
counts (``services.named_first``): the house's step — the form posted, a page naming
the signed documents it will change, 「确认…」 posting every typed field again with
``confirmed=1``, 「返回，不操作」 posting them back to the form (``returning``) —, as
冲销's (``funds.routes.reverse``) and 作废's confirmation pages name theirs."""
from __future__ import annotations

from flask import render_template, request

from .admin.told import signed_names

# the question's own fields and the tokens the page sends afresh
_NOT_CARRIED = frozenset({"csrf_token", "submission_token", "page_submission_token",
                          "confirmed", "returning"})


def carried() -> list[tuple[str, str]]:
    """Every field the post carried as (name, value) — each of a multiple choice's —,
    for the confirmation page to post again as typed."""
    return [(name, value) for name, value in request.form.items(multi=True)
            if name not in _NOT_CARRIED]


def ask_first(named, *, title: str, submit: str, explain: str, action: str, back: str,
              subject: str | None = None, task=None, files=None):
    """The confirmation page naming ``named`` (a ``summary_notes.Naming``), ``action``
    the change's word in its sentence (「登记支出会改变以下已定稿月报…」). ``files``: a
    form of the file fields the post had — a page cannot post a chosen file again, so
    they are asked for again there (as 补录's 查找 asks for its photos again)."""
    action_url = request.full_path.rstrip("?")  # a search the form's address carries
    return render_template("confirm.html", title=title, submit=submit, explain=explain,
                           subject=subject, task=task, action=action_url, back=back,
                           keeps=True, carried=carried(), signed=signed_names(named),
                           signed_action=action, form=files,
                           enctype="multipart/form-data" if files is not None else None)
