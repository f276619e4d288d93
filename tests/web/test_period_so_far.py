"""A period not yet over says so beside its figures (review "yearend" #3): on 1 January
the year's 0.0% and a full 未参与名单 are a year just begun, not a year nobody worked.
And a community with no checklist for the year viewed names that year and offers an
admin the copy from the year before (review "yearend" #4)."""
from __future__ import annotations

import re
from datetime import date

from tests import factories as f
from tracker.extensions import db
from tracker.progress.periods import month_period, so_far_note, year_period
from tracker.timeutil import local_today

SO_FAR = "统计至今天，该期间尚未结束。"


def test_the_note_by_the_day_the_period_is_read():
    december = month_period(2026, 12)
    assert so_far_note(december, date(2026, 11, 30)) == "该期间尚未开始。"
    assert so_far_note(december, date(2026, 12, 1)) == SO_FAR
    # the last day itself is not over: its work may still be reported
    assert so_far_note(december, date(2026, 12, 31)) == SO_FAR
    assert so_far_note(december, date(2027, 1, 1)) is None
    assert so_far_note(year_period(2027), date(2027, 1, 1)) == SO_FAR
    assert so_far_note(year_period(2026), date(2027, 1, 1)) is None


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_each_progress_page_says_when_its_period_is_not_over(client, login, world):
    login(world.liaison)
    today = local_today()
    last_year = today.year - 1
    community = f"community={world.community.id}"
    for path in ("/progress/community", "/progress/double", "/progress/coverage"):
        this_month = _page(client, f"{path}?{community}")
        assert SO_FAR in this_month, path
        assert SO_FAR in _page(client, f"{path}?{community}&period=year&year={today.year}"), path
        past = _page(client, f"{path}?{community}&period=year&year={last_year}")
        assert SO_FAR not in past and "该期间尚未开始" not in past, path


def test_no_checklist_names_the_year_viewed_and_an_admin_gets_the_copy(client, login, world):
    empty = f.community("无清单社区")
    world.liaison.communities.append(empty)
    db.session.commit()
    year = local_today().year - 1
    url = f"/progress/community?community={empty.id}&period=year&year={year}"

    login(world.liaison)
    html = _page(client, url)
    assert f"该社区{year}年度还没有资源清单。" in html
    assert "本年度还没有资源清单" not in html
    assert "/admin/items" not in html  # a liaison cannot add checklist items

    login(world.admin)
    html = _page(client, url)
    assert f"该社区{year}年度还没有资源清单。" in html
    link = re.search(r'data-missing>[^<]*<a class="btn" href="([^"]+)">从上一年度复制</a>', html)
    assert link, "no copy link for the admin"
    target = link.group(1).replace("&amp;", "&")
    assert target == f"/admin/items?year={year}&community={empty.id}#copy-items"
    # the copy form there starts at the year and community looked at
    items = _page(client, target.split("#")[0])
    assert re.search(rf'name="copy-year"[^>]*value="{year}"', items) \
        or re.search(rf'value="{year}"[^>]*name="copy-year"', items)
    assert re.search(rf'<option selected value="{empty.id}">无清单社区</option>'
                     rf'|<option value="{empty.id}" selected>无清单社区</option>', items)


def test_last_year_is_one_tab_away(client, login, world):
    """In January 本年 is days old and the year to sum up is the one before: 上年 opens it."""
    login(world.liaison)
    last_year = local_today().year - 1
    html = _page(client, f"/progress/coverage?unit={world.unit.id}")
    tab = re.search(r'<a href="([^"]+)">上年</a>', html)
    assert tab, "no 上年 tab"
    html = _page(client, tab.group(1).replace("&amp;", "&"))
    assert f"参与情况 · {world.unit.name} · {last_year}年" in html
    assert re.search(r'<a href="[^"]+" aria-current="page">上年</a>', html)
