"""Pages that cannot work until something is set up (a community, a checklist line) say
what is missing. On a new installation the admin is the only user, so he is given a
link to the page that adds it, never told to ask the admin; a liaison, who cannot add
it, is still told to ask (review "setup" #5)."""
from __future__ import annotations

import html
import re

import pytest

from tests import factories as f
from tracker.extensions import db
from tracker.models import Role

# The six pages an admin reaches from the menu on an empty database, and the page that
# fixes each: no checklist line → 开始使用 (communities, then the checklist, in order);
# no community → 添加社区.
PAGES = [
    ("/manage/tasks/new", "/admin/setup"),
    ("/manage/backfill", "/admin/setup"),
    ("/progress/community", "/admin/communities/new"),
    ("/progress/double", "/admin/communities/new"),
    ("/needs/new", "/admin/communities/new"),
    ("/outbox/webhooks", "/admin/communities/new"),
]


def _missing_paragraph(page: str) -> str:
    found = re.search(r"<p class=\"empty\" data-missing>(.*?)</p>", page, re.S)
    assert found, "no 'something is missing' sentence on the page"
    return html.unescape(found.group(1))


@pytest.mark.parametrize("path, fix", PAGES)
def test_the_only_admin_of_an_empty_installation_gets_a_link_to_what_fixes_the_page(
        client, login, path, fix):
    admin = f.member(f.unit("县商务局"), Role.admin, "王管理")  # what create-admin leaves
    db.session.commit()
    login(admin)
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "请联系" not in page
    assert f'href="{fix}"' in _missing_paragraph(page)


@pytest.mark.parametrize("path, sentence", [
    ("/manage/tasks/new", "您负责的社区还没有可用的资源清单项目，请联系单位管理员添加。"),
    ("/manage/backfill", "您负责的社区还没有可用的资源清单项目，请联系单位管理员添加。"),
])
def test_a_liaison_without_a_checklist_is_still_told_to_ask_the_admin(client, login, path, sentence):
    unit = f.unit("县商务局")
    liaison = f.member(unit, Role.liaison, "联络员", communities=[f.community("解放路社区")])
    db.session.commit()
    login(liaison)
    said = _missing_paragraph(client.get(path).get_data(as_text=True))
    assert said == sentence and "href" not in said


@pytest.mark.parametrize("path, sentence", [
    ("/progress/community", "您还没有负责的社区，请联系管理员。"),
    ("/progress/double", "您还没有负责的社区，请联系管理员。"),
    ("/needs/new", "您没有负责的社区。"),
    ("/outbox/webhooks", "您没有负责的社区。"),
])
def test_a_liaison_without_communities_is_still_told_so_without_an_admin_link(client, login, path, sentence):
    liaison = f.member(f.unit("县商务局"), Role.liaison, "联络员")
    f.community("解放路社区")  # exists, but is not the liaison's
    db.session.commit()
    login(liaison)
    said = _missing_paragraph(client.get(path).get_data(as_text=True))
    assert said == sentence and "href" not in said
