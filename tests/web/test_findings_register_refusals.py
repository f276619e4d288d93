"""The 摸排问题 register never shows a total that is not the answer to the filters on
the page (walk6 #3): a 责任区 of another community than the one chosen — the zone
select keeps its choice when only the community is changed — is dropped, said so,
and the other filters still apply; a filter the form refuses lists nothing, with the
message, instead of the whole register under the filters still shown."""
from __future__ import annotations

import html as html_lib
import re

from tests import factories as f
from tests.web.progress_setup import build_double
from tracker.extensions import db

DROPPED = "所选责任区不属于所选社区，已按该社区的全部责任区筛选。"
REFUSED = "筛选条件有误，未列出摸排问题：请修改上面标出的内容后重新筛选。"


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html_lib.unescape(response.get_data(as_text=True))


def total(html: str) -> str | None:
    found = re.search(r'data-figure="findings_total">([^<]*)<', html)
    return found.group(1) if found else None


def cards(html: str) -> int:
    return html.count('class="card finding-card')


def test_a_zone_of_another_community_is_dropped_and_the_rest_applies(client, login, world):
    double = build_double(world)  # three findings of world.community's 二区
    second = f.community("新华路社区")
    other_zone = f.zone(second, "一区", world.unit)
    world.liaison.communities.append(second)
    db.session.commit()
    login(world.liaison)

    # 二区 kept from the first community's filter, 新华路 now chosen: it has no findings
    html = page(client, f"/progress/findings?community={second.id}&zone={double.zone2.id}")
    assert DROPPED in html and REFUSED not in html
    assert total(html) == "共 0 处" and cards(html) == 0
    assert "请选择责任区。" not in html
    # and the other way round: world.community's three, with the other filters applied
    html = page(client, f"/progress/findings?community={world.community.id}"
                        f"&zone={other_zone.id}&kind=sewer")
    assert DROPPED in html
    assert total(html) == "共 1 处" and cards(html) == 1
    # a zone of the chosen community is no news
    html = page(client, f"/progress/findings?community={world.community.id}"
                        f"&zone={double.zone2.id}&review=approved")
    assert DROPPED not in html and total(html) == "共 3 处"


def test_a_refused_filter_lists_nothing(client, login, world):
    build_double(world)
    login(world.liaison)
    assert total(page(client, "/progress/findings?kind=sewer")) == "共 1 处"
    for url in ("/progress/findings?kind=sewer&month=2026-13",
                "/progress/findings?kind=volcano&status=open"):
        html = page(client, url)
        assert REFUSED in html, url
        assert total(html) is None and cards(html) == 0, url
    html = page(client, "/progress/findings?kind=sewer&month=2026-13")
    assert "请选择月份，例如“2025-10”。" in html
    assert 'value="2026-13"' in html  # what was typed stays


def test_each_zone_names_its_community_for_the_select_that_follows(client, login, world):
    """What static/js/follow.js reads (tests/browser/test_zone_follows_community.py
    drives it): the 责任区 select follows the 社区 select, each zone option names its
    community, 全部责任区 none; the page loads the script."""
    double = build_double(world)
    second = f.community("新华路社区")
    other_zone = f.zone(second, "一区", world.unit)
    db.session.commit()
    login(world.admin)
    html = page(client, "/progress/findings")
    select = re.search(r'<select[^>]*id="zone"[^>]*>.*?</select>', html, re.S).group(0)
    assert 'data-follows="community"' in select
    parents = {re.search(r'value="(\d*)"', tag).group(1):
               (re.search(r'data-parent="(\d+)"', tag) or [None, None])[1]
               for tag in re.findall(r"<option\b[^>]*>", select)}
    assert parents[""] is None
    assert parents[str(double.zone2.id)] == str(world.community.id)
    assert parents[str(other_zone.id)] == str(second.id)
    assert "/static/js/follow.js?v=" in html
