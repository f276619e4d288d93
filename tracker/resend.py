"""The web side of one-time submission tokens (``tracker.services.submissions``).

Each state-changing form rendered by ``templates/_macros/forms.html`` carries a fresh
token in a hidden field. A POST that carries one:

- whose token is already spent (a retry after a lost answer, a double tap, the back
  button) is answered before the view runs: 「已提交，无需重复提交」 and a redirect to
  where the first send went — never an error page, never a second change;
- otherwise the token is handed to ``unit_of_work``, which writes it with the change;
  a send racing the first on another worker ends in ``AlreadySubmitted`` there, and
  gets the same answer.

A POST without a token (an old page, a script) works as before, unguarded.

A list of one-button forms (the open-task list's 认领 and 候补 on every card) is one
form whose buttons post to their own actions (``formaction``) with one token for the
page, in ``PAGE_FIELD``: its 20 tokens were a tenth of the list's bytes, and random
bytes do not compress (docs/design.md, "Budgets"). Such a token guards each action on
its own: what is written is ``action_token(token, path)``, so the same button sent
twice applies once, while two cards claimed from one rendering (the back button, a
second tab) are two claims, not one claim and a false 「已提交」.
"""
from __future__ import annotations

import base64
import hashlib
import logging
import secrets

from flask import Flask, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from .security import is_safe_next, referring_page
from .services import submissions, unit_of_work

FIELD = "submission_token"
PAGE_FIELD = "page_submission_token"  # one token for every action of a page's buttons
ACCEPTED = "accepted_submission"  # the token of the send the next page answers
log = logging.getLogger(__name__)


def new_token() -> str:
    """A token for one rendering of one form."""
    return secrets.token_urlsafe(16)


def action_token(page_token: str, path: str) -> str:
    """The token a page-wide token stands for when it is sent to ``path``: one per action
    (a token of the shape ``submissions.TOKEN`` accepts, so it is kept like any other)."""
    digest = hashlib.sha256(f"{page_token}\n{path}".encode()).digest()[:24]
    return base64.urlsafe_b64encode(digest).decode()


def sent_token() -> str | None:
    """The token this POST carries: its form's own, or its page's for this action."""
    token = request.form.get(FIELD)
    if submissions.is_token(token):
        return token
    shared = request.form.get(PAGE_FIELD)
    return action_token(shared, request.path) if submissions.is_token(shared) else None


def install(app: Flask) -> None:
    """Registered after CSRFProtect: a cross-site POST is refused before its token is read."""
    app.jinja_env.globals["submission_token"] = new_token
    app.jinja_env.globals["accepted_submission"] = accepted_submission
    app.jinja_env.globals["answered_submission"] = answered_submission
    app.jinja_env.globals["carried_submission"] = carried_submission
    app.before_request(_take_token)
    app.after_request(_remember_where)
    app.teardown_request(_forget_token)
    app.register_error_handler(submissions.AlreadySubmitted, lambda error: _replay(error.token))


def _take_token():
    if request.method != "POST":
        return None
    token = sent_token()
    if token is None:
        return None
    if submissions.spent(token) is not None:
        return _replay(token)
    g._submission_handle = submissions.begin(token)
    return None


def _remember_where(response):
    current = submissions.pending()
    if current is None or not current.spent:
        return response
    session[ACCEPTED] = current.token
    location = response.location if response.status_code in (301, 302, 303, 307, 308) else None
    # a send answered with a page of its own (the links just made) names where a second
    # send goes (``answered_on``): the page reloaded re-sends it, often without a Referer
    location = location or g.get("_replay_to")
    try:
        with unit_of_work(once=False):
            submissions.note_location(current.token, location if is_safe_next(location) else None)
    except SQLAlchemyError:  # the change is committed; a retry then lands on the form's page
        log.warning("could not note where a submission went", exc_info=True)
    return response


def answered_on(url: str) -> None:
    """For a form whose answer is a page, not a redirect: the page a second send of it
    (a double tap, the answer reloaded) is sent to, with 「已提交，无需重复提交。」."""
    g._replay_to = url


def accepted_submission() -> str:
    """For the page after a send: the token the server accepted (once), so the device's
    draft of that form can go (static/js/drafts.js)."""
    return session.pop(ACCEPTED, "")


def _unspent() -> bool:
    """Whether this request is a POST carrying a one-time token not spent by it."""
    current = submissions.pending() if request.method == "POST" else None
    return current is not None and not current.spent


def carried_submission() -> tuple[str, str] | None:
    """For a confirmation page answering a send (templates/confirm.html, ``once(carry=
    True)``): the token field that send carried — its form's own (``FIELD``) or its
    page's (``PAGE_FIELD``) — while nothing has spent it, else None (a fresh token).
    The page's 确认 is that send, confirmed: the change spends the form's own token, the
    page after it names that token (the form's device draft goes), and the form sent
    again from its old page is a resend, answered as the first (walk45 #2)."""
    if not _unspent():
        return None
    for name in (FIELD, PAGE_FIELD):
        value = request.form.get(name)
        if submissions.is_token(value):
            return name, value
    return None


def answered_submission() -> str:
    """For a page answering a send with nothing done (a refusal, a naming page, its
    「返回，不操作」): that send's form token, so the device's draft of it is no lost send
    (static/js/drafts.js: the server has answered it; what was typed stays a draft)."""
    carried = carried_submission()
    return carried[1] if carried is not None and carried[0] == FIELD else ""


def _forget_token(_error):
    handle = g.pop("_submission_handle", None)
    if handle is not None:
        submissions.end(handle)


def _replay(token: str):
    """The answer to a send whose change was applied already: where the first one went."""
    row = submissions.spent(token)
    target = row.location if row is not None and row.location else _form_page()
    session[ACCEPTED] = token
    flash(_("已提交，无需重复提交。"), "success")
    return redirect(target, 303)


def _form_page() -> str:
    """The page the form was on (its Referer, when it is this site), else the home page."""
    return referring_page() or url_for("main.index")
