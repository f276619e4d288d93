"""An admin list asked for a page number past anything the database can offset (typed,
or an old link) answers its last page, as every other list does (``paging.MAX_PAGE``).
review48b: 资源清单 reads its page and total in one statement since pagesb48, every
admin list since pagesa49 (``admin.queries.Page``), its OFFSET from the page asked: a
500 there (SQLite's OverflowError, PostgreSQL's bigint out of range)."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("url", ["/admin/items", "/admin/units", "/admin/members",
                                 "/admin/communities", "/admin/zones", "/admin/categories"])
@pytest.mark.parametrize("page", ["99999999999999999999", "1000000000000000000"])
def test_a_huge_page_number_is_the_last_page(client, login, world, url, page):
    login(world.admin)
    response = client.get(f"{url}?page={page}")
    assert response.status_code == 200, response.status_code
    shown = {"/admin/items": world.item.community.name, "/admin/units": world.unit.name,
             "/admin/members": world.member.name, "/admin/communities": world.community.name,
             "/admin/zones": "全部社区", "/admin/categories": world.item.category.name}[url]
    assert shown in response.get_data(as_text=True)
