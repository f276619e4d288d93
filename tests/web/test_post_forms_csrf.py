"""Every POST form a page renders carries its CSRF token (review "walk", #1: 合并账号's
confirmation had none, so 确认合并 always got 「页面已过期」 in production, while the
suite — whose apps run with CSRF off — passed). tests/test_architecture.py scans the
templates for it; this test reads what the pages render: the demo's pages each role
reaches by following links from its home, with CSRF on as in production, every
``<form method="post">`` parsed for a non-empty CSRF token — plus a merge preview,
which no link of the demo reaches. (Pages only a POST shows — a refusal, the JS-off
confirmation page — are left to the template scan.) The walk reads each URL shape once
(ids and query values aside): in December 2026, 30 pages for a member, 106 for the
liaison, 134 for the admin."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import g

from tests import factories as f
from tracker.extensions import db
from tracker.timeutil import local_today

# Links not followed: files (their pages are not HTML), the ways out, and the language
# switch (the same page again).
SKIPPED = re.compile(r"/(export|download|exports|downloads|docx|xlsx|pdf|csv|ics|qr|photos?/)"
                     r"|\.(xlsx|docx|pdf|csv|ics|png|jpe?g|webp|svg|css|js|ico)$|^/auth/logout|^/static/")
PAGES_PER_ROLE = 250  # the walk's bound; one page per URL shape (ids and query values aside)


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


class PostForms(HTMLParser):
    """The POST forms of a page: (action, the names and values of its hidden inputs)."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict]] = []
        self.links: list[str] = []
        self._form = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            if (a.get("method") or "get").lower() == "post":
                self._form = {}
                self.forms.append((a.get("action") or "", self._form))
            else:
                self._form = None
        elif tag == "input" and self._form is not None and a.get("name"):
            self._form.setdefault(a["name"], a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _shape(url: str) -> str:
    parts = urlsplit(url)
    return re.sub(r"\d+", "N", parts.path) + "?" + ",".join(sorted(k for k, _v in parse_qsl(parts.query)))


def _get(client, url: str):
    for name in ("_login_user", "csrf_token", "_flask_babel"):  # as a served request starts
        g.pop(name, None)
    return client.get(url)


def _walk(client, starts: list[str]) -> tuple[dict, int]:
    """{page: [actions of its POST forms without a token]} for every page the links from
    ``starts`` reach (one per shape), and how many POST forms were read."""
    seen, todo, tokenless, forms = set(), list(starts), {}, 0
    shapes = set()
    while todo and len(seen) < PAGES_PER_ROLE:
        url = todo.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = _get(client, url)
        if response.status_code in (301, 302, 303) and response.location.startswith("/"):
            todo.insert(0, response.location)  # "/" leads each role to its home
            continue
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = PostForms()
        page.feed(response.get_data(as_text=True))
        for action, fields in page.forms:
            forms += 1
            # a prefixed form's is ``void-csrf_token``: Flask-WTF reads any name ending so
            if not any(value for name, value in fields.items() if name.endswith("csrf_token")):
                tokenless.setdefault(url, []).append(action)
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if SKIPPED.search(parts.path) or "lang=" in parts.query or _shape(target) in shapes:
                continue
            shapes.add(_shape(target))
            todo.append(target)
    return tokenless, forms


@pytest.mark.parametrize("role", ["member", "liaison", "admin"])
def test_every_post_form_a_role_reaches_carries_its_token(client, login, seeded_demo, role):
    from tracker.demo import DEMO_PASSWORD

    demo = seeded_demo(local_today())
    person = demo.members[0] if role == "member" else getattr(demo, role)
    starts = ["/"]
    if role == "admin":
        # a merge preview (the demo has no duplicate account to link to one)
        twin = f.member(demo.unit, name=person.name + "乙")
        db.session.commit()
        starts.append(f"/admin/members/{twin.id}/merge?keep={demo.members[0].id}")
    login(person, DEMO_PASSWORD)
    tokenless, forms = _walk(client, starts)
    assert not tokenless, tokenless
    assert forms >= 10, forms  # the walk read the role's forms, not an empty page
