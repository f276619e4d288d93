"""Two people on the same edit page (tests/web/test_stale_edit_pages.py,
tests/reports/test_notes_stale_page.py): browsers of their own, signed in with CSRF on
as in production, and what a page's form posts as the browser shows it."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from flask import g
from werkzeug.datastructures import MultiDict

from tests import factories as f


def by(browser):
    """``browser``, to send a request as the one signed in on it: Flask-Login keeps a
    request's user on ``g`` and Flask-WTF its CSRF token, and the test's app context
    shares ``g`` between requests (and here two browsers); a served request starts
    without them."""
    for name in ("_login_user", "_login_session", "csrf_token"):
        g.pop(name, None)
    return browser


def signed_in(app, person):
    """A browser of its own, signed in as ``person`` through the login form."""
    browser = app.test_client()
    page = text(by(browser).get("/auth/login"))
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    token = match.group(1)
    response = by(browser).post("/auth/login", data={
        "phone": person.phone, "password": f.PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return browser


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


class PageForms(HTMLParser):
    """The forms of a page and what each would post as the browser shows it (inputs,
    selected options, the text of text areas)."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, list]] = []
        self._open = False
        self._select = None
        self._area = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append((a.get("action") or "", []))
            self._open = True
        elif not self._open:
            return
        elif tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.forms[-1][1].append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.forms[-1][1].append((self._select, a.get("value") or ""))
        elif tag == "textarea" and a.get("name"):
            self._area = [a["name"], ""]
            self.forms[-1][1].append(self._area)

    def handle_data(self, data):
        if self._area is not None:
            self._area[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._area is not None:
            self._area[1] = self._area[1].removeprefix("\r\n").removeprefix("\n")
            self._area = None


def form_on(page: str, action: str, **typed) -> MultiDict:
    """What the page's form posting to ``action`` (a part of its URL; a form posting
    to its own page, ``action=""``, counts when it carries a ``shown`` key or a field
    typed) posts, with
    ``typed`` typed in."""
    parser = PageForms()
    parser.feed(page)
    [fields] = [fields for url, fields in parser.forms
                if action in html.unescape(url) and url
                or not url and any(name == "shown" or name in typed for name, _value in fields)]
    data = MultiDict([(k, v) for k, v in fields if k not in typed])
    for name, value in typed.items():
        data[name] = value
    return data
