"""A login that ended while a form was being typed: nothing typed is lost.

A leader types a long 完成情况; meanwhile the login ends on the server (idle timeout, a
new password elsewhere). 提交完成 then reaches a view that needs a login. Here:

- the login page says why (「登录已过期，请重新登录。」) and what became of the text;
- the posted text fields are kept in the session — Flask's signed session cookie,
  on this device only, as the drafts of ``static/js/drafts.js`` are in localStorage —
  together with the member whose login ended and the page the form was on; never the
  password, the tokens, files, or a resident's personal data (``PRIVATE_BLUEPRINTS``),
  and only while the cookie stays small (``STASH_MAX_BYTES``);
- after the same member logs in again, that page opens with the form filled in as it
  was sent (``tracker.form.Form``: the first form of the page with those fields), and
  says so. Another member logging in on the device never sees it; signing out, an hour
  (``STASH_SECONDS``) or opening the page drops it.

With JavaScript on, drafts.js restores the same text from the device as well; this is
what keeps it without JavaScript (a POST redirected to the login page loses its body).
"""
from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from ..form import RESTORED
from ..security import referring_page

STASH = "stashed_form"
STASH_SECONDS = 3600
# The whole session cookie with the text in it: browsers keep cookies up to 4 KB.
STASH_MAX_BYTES = 3800
# Never kept: logging in and passwords, invitations (a password is set there), and the
# resident register (personal data: its forms keep no draft on the device either).
PRIVATE_BLUEPRINTS = frozenset({"auth", "invites", "residents"})
_NOT_TEXT = frozenset({"csrf_token", "submission_token", "page_submission_token", "confirmed"})


def note_ended_login(reason: str | None, token: str) -> None:
    """Called by the user loader when a cookie names a login that has ended."""
    if reason not in (None, "unknown", "deactivated"):
        g.ended_login = token


def needs_login():
    """Flask-Login's unauthorized handler: to the login page, saying why, with what was
    being sent kept for after the login."""
    ended = g.get("ended_login")
    posted = request.method == "POST"
    back = _page_of_the_form() if posted else _this_page()
    kept = posted and ended is not None and back is not None and _stash(ended, back)
    if ended is not None:
        if kept:
            flash(_("登录已过期，请重新登录。您刚才填写的内容已保留，登录后会自动填回。"), "info")
        elif posted:
            flash(_("登录已过期，请重新登录。刚才填写的内容没有提交成功，登录后请核对并重新提交。"), "info")
        else:
            flash(_("登录已过期，请重新登录。"), "info")
    elif posted:
        flash(_("请先登录。"), "info")
    return redirect(url_for("auth.login", next=back) if back else url_for("auth.login"))


def take_stash() -> dict | None:
    """The stash, read before a login starts a fresh session (see ``put_back``)."""
    return session.get(STASH)


def put_back(stash: dict | None, member_id: int) -> None:
    """Keep ``stash`` in the new session when ``member_id`` is the one who sent it."""
    if stash and stash.get("member") == member_id:
        session[STASH] = stash


def restore_posted_form() -> None:
    """before_request: on the page the stash names, for the member who sent it, hand its
    fields to the page's form (``tracker.form.Form`` picks them up) and say so."""
    if request.method != "GET" or STASH not in session:
        return
    stash = session.get(STASH) or {}
    if time.time() - stash.get("at", 0) > STASH_SECONDS:
        session.pop(STASH, None)
        return
    if not current_user.is_authenticated:  # the login page, on the way
        return
    if stash.get("member") != current_user.id:
        session.pop(STASH, None)
        return
    if stash.get("path") != request.path:
        return
    session.pop(STASH, None)
    setattr(g, RESTORED, MultiDict([tuple(pair) for pair in stash.get("fields", [])]))
    flash(_("已填回您登录前填写的内容，请核对后重新提交。"), "info")


def install(app, login_manager) -> None:
    login_manager.unauthorized_handler(needs_login)
    app.before_request(restore_posted_form)


# --- the parts -----------------------------------------------------------------------

def _stash(token: str, path: str) -> bool:
    """Keep the posted text fields for ``path``; False when they may not or cannot be."""
    from ..services.sessions import session_of

    if request.blueprint in PRIVATE_BLUEPRINTS or request.files:
        return False
    row = session_of(token)
    if row is None:
        return False
    fields = [[name, value] for name, value in request.form.items(multi=True)
              if name.rsplit("-", 1)[-1] not in _NOT_TEXT  # a prefixed form's too
              and "password" not in name and value]
    if not fields:
        return False
    stash = {"member": row.member_id, "path": urlsplit(path).path, "at": int(time.time()),
             "fields": fields}
    serializer = current_app.session_interface.get_signing_serializer(current_app)
    if serializer is None or len(serializer.dumps({**session, STASH: stash})) > STASH_MAX_BYTES:
        return False
    session[STASH] = stash
    return True


def _this_page() -> str:
    path = request.full_path
    return path[:-1] if path.endswith("?") else path


def _page_of_the_form() -> str | None:
    """Where the form that was sent is shown: the page it came from (same site), or the
    address it was sent to when that address is a page; else nowhere known."""
    came_from = referring_page()
    if came_from is not None:
        return came_from
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        adapter.match(request.path, method="GET")
    except RequestRedirect:
        return None
    except HTTPException:  # 405: the address only takes a POST
        return None
    return _this_page()
