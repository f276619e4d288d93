"""An admin's landing pages run a few statements, the same however much is missing
(docs/design.md, "Budgets": at most 6 a page, constant in the data size; count48 #3).

开始使用's steps are counted from the data: the section counts (管理 shows them too)
and what is still missing, by name — the communities without a liaison, those with no
line of this year a task can be created from, the liaisons not activated. 管理 read
the section counts twice, and each name list and last year's checklist apart: / ran
those 5 statements on every admin visit before it redirected."""
from __future__ import annotations

import html

import pytest

from tests import factories as f
from tests.page_statements import page_statements, signed_in_run
from tracker.extensions import db
from tracker.models import Role

# the session; the section counts; the names missing; the menu
PAGES = {"/admin/": 4, "/admin/setup": 4}
# what each page says once a step is missing: 管理 points to 开始使用, which names them
UNFINISHED = {"/admin/": 'href="/admin/setup"', "/admin/setup": "尚未激活"}
# the session; the section counts; the names missing (then the redirect)
LANDING = 3


def unfinished(w, n: int) -> None:
    """n communities with no liaison and no checklist line, and n liaisons (of the
    world's community) who never set a password: each step names them."""
    for _ in range(n):
        f.community()
        f.member(w.unit, Role.liaison, communities=[w.community]).password_hash = None
    db.session.commit()


def landing(client, login, count_queries, admin) -> tuple[int, str]:
    login(admin)
    statements, response = signed_in_run(client, count_queries, "/", status=302)
    return len(statements), response.headers["Location"]


@pytest.mark.parametrize("url", PAGES)
def test_the_admin_pages_of_the_setup_run_a_fixed_few(client, login, world, count_queries,
                                                       url):
    done, page = page_statements(client, login, count_queries, world.admin, url)
    assert UNFINISHED[url] not in html.unescape(page)
    unfinished(world, 2)
    few, page = page_statements(client, login, count_queries, world.admin, url)
    assert UNFINISHED[url] in html.unescape(page)  # the steps are read, and shown
    unfinished(world, 20)  # ten times as much missing
    more, _page = page_statements(client, login, count_queries, world.admin, url)
    assert (done, few, more) == (PAGES[url],) * 3


def test_the_landing_asks_the_setup_in_a_fixed_few(client, login, world, count_queries):
    """Set up: to the 工作台; a step missing: to 开始使用 — the same statements."""
    assert landing(client, login, count_queries, world.admin) == (LANDING, "/manage/")
    unfinished(world, 2)
    assert landing(client, login, count_queries, world.admin) == (LANDING, "/admin/setup")
    unfinished(world, 20)
    assert landing(client, login, count_queries, world.admin) == (LANDING, "/admin/setup")
