"""服务对象's 姓名 search: a liaison with 300 residents finds 「王秀英」 by a part of her
name, as the member directory finds a member (a literal part of the name); the list's
filters, its reach and its pages keep the search; an erased resident is found by no
name; a search that finds nobody says what was searched."""
from __future__ import annotations

import html
import re

from sqlalchemy import select

from tests.page_statements import own_app_context, page_statements
from tests.residents.support import resident
from tracker.extensions import db
from tracker.models import Resident, ResidentCategory
from tracker.services.residents import erase_resident


def _names(page: str) -> list[str]:
    return [html.unescape(n) for n in re.findall(r'class="resident-name"[^>]*>([^<]+)<', page)]


def _residents(world, *names, community=None, **kwargs):
    for n, name in enumerate(names):
        resident(community or world.community, world.liaison, name=name,
                 phone=f"1380000{n:04d}", **kwargs)
    db.session.commit()


def test_a_part_of_the_name_finds_the_residents_whose_name_holds_it(client, login, world):
    _residents(world, "王秀英", "李秀英", "王秀兰", "赵奶奶")
    login(world.liaison)
    page = client.get("/residents/?q=秀英").get_data(as_text=True)
    assert sorted(_names(page)) == sorted(["王秀英", "李秀英"])
    assert 'value="秀英"' in page  # the box keeps what was typed
    assert sorted(_names(client.get("/residents/?q=+王+").get_data(as_text=True))) \
        == sorted(["王秀英", "王秀兰"])  # spaces around the name are no part of it


def test_the_search_is_literal_as_the_member_directorys(client, login, world):
    """% and _ are letters of the name, not wildcards."""
    _residents(world, "王秀英", "李秀英")
    login(world.liaison)
    for typed in ("%", "_秀英", "王%"):
        page = client.get("/residents/", query_string={"q": typed}).get_data(as_text=True)
        assert _names(page) == [], typed


def test_the_search_keeps_the_lists_filters_and_reach(client, login, world):
    _residents(world, "王秀英", "赵奶奶")
    _residents(world, "王秀芳", "钱爷爷", category=ResidentCategory.needy)
    _residents(world, "王秀梅", "孙大爷", active=False)
    _residents(world, "王秀珍", community=world.other_community)  # not the liaison's
    login(world.liaison)
    assert sorted(_names(client.get("/residents/?q=王秀").get_data(as_text=True))) \
        == sorted(["王秀英", "王秀芳"])
    assert _names(client.get("/residents/?q=王秀&category=needy").get_data(as_text=True)) \
        == ["王秀芳"]
    assert _names(client.get("/residents/?q=王秀&archived=1").get_data(as_text=True)) \
        == ["王秀梅"]
    assert _names(client.get(
        f"/residents/?q=王秀&community={world.other_community.id}").get_data(as_text=True)) \
        == sorted(["王秀英", "王秀芳"])  # another community's id is no filter of hers


def test_the_pages_of_a_search_stay_a_search(app, client, login, world):
    _residents(world, "王秀英", "王秀兰", "王秀梅", "李四妹")
    app.config["RESIDENTS_PAGE_SIZE"] = 2
    login(world.liaison)
    first = client.get(f"/residents/?q=王秀&community={world.community.id}")
    text = first.get_data(as_text=True)
    assert "第 1 / 2 页" in text
    following = html.unescape(re.search(r'<a class="btn" href="([^"]+)">下一页', text).group(1))
    assert "q=%E7%8E%8B%E7%A7%80" in following and f"community={world.community.id}" in following
    second = _names(client.get(following).get_data(as_text=True))
    assert sorted(_names(text) + second) == sorted(["王秀英", "王秀兰", "王秀梅"])


def test_an_erased_resident_is_found_by_no_name(client, login, world):
    """Erasure takes the name (PIPL Art. 47): the archived list no longer finds the
    record by its old name, nor by the placeholder that stands in its place."""
    _residents(world, "王秀英", "王秀兰", active=False)
    erased = db.session.scalar(select(Resident).where(Resident.name == "王秀英"))
    erase_resident(erased, world.admin)
    db.session.commit()
    login(world.admin)
    for typed in ("王秀英", "秀英", "已删除", "（"):
        page = client.get("/residents/", query_string={"q": typed, "archived": "1"}
                          ).get_data(as_text=True)
        assert _names(page) == [], typed
    assert _names(client.get("/residents/?q=王秀&archived=1").get_data(as_text=True)) \
        == ["王秀兰"]


def test_a_search_that_finds_nobody_says_what_was_searched(client, login, world):
    _residents(world, "王秀英")
    login(world.liaison)
    page = client.get("/residents/?q=张桂兰&category=needy").get_data(as_text=True)
    assert _names(page) == []
    assert "没有姓名含“张桂兰”的服务对象。" in page
    cleared = html.unescape(re.search(r'data-searched>.*?<a href="([^"]+)">', page, re.S).group(1))
    assert "q=" not in cleared and "category=needy" in cleared  # the other filter stays
    with own_app_context(client):  # a request of its own: its own locale
        english = client.get("/residents/?q=张桂兰&lang=en").get_data(as_text=True)
    assert "No beneficiary whose name contains “张桂兰”." in english


def test_searching_costs_the_list_no_statement(client, login, count_queries, world):
    """The search is one more condition on the list's own statements: the page runs
    as many with it as without (docs/design.md: at most 6 a page)."""
    _residents(world, *[f"王秀{c}" for c in "英兰梅芳珍"], "李四妹")
    plain, _ = page_statements(client, login, count_queries, world.liaison, "/residents/")
    searched, page = page_statements(client, login, count_queries, world.liaison,
                                     "/residents/?q=王秀")
    assert len(_names(page)) == 5
    assert searched == plain <= 6
