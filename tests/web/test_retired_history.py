"""停用 of a community or a unit does not hide its history (review "year", finding 6):
last year's figures are the same before and after a community is switched off in
January; its 进展 still opens, a liaison's 全部社区 is their reach (switched off or
not), and the pickers of a past period offer what is switched off but worked then,
marked 已停用."""
from __future__ import annotations

import html
import re
from datetime import date

import pytest

from tests import factories as f
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import Role
from tracker.timeutil import local_today


def _figures(page: str) -> dict[str, str]:
    return dict(re.findall(r'<b data-figure="([^"]+)">([^<]*)</b>', page))


def _last_year(world):
    """Last year a liaison of both communities saw: a clean-up in 解放路社区 (two
    members, one hour each) and ads cleared in 建设路社区 (one member, 30 of them)."""
    year = local_today().year - 1
    both = f.member(world.unit, Role.liaison, "林芳",
                    communities=[world.community, world.other_community])
    cleanup = f.item(world.unit, world.community, "environment_cleanup", year=year)
    ads = f.item(world.unit, world.other_community, "ad_removal", year=year)
    first = b.task_on(cleanup, both, date(year, 11, 3))
    b.join(first, world.member)
    b.join(first, world.other_member)
    b.report(first, both)
    second = b.task_on(ads, both, date(year, 11, 10))
    b.join(second, world.leader)
    b.report(second, both, quantity=30)
    db.session.commit()
    return year, both


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_last_years_figures_do_not_change_when_a_community_is_switched_off(
        client, login, world):
    year, both = _last_year(world)
    other = world.other_community.id
    login(both)
    all_of_it = f"/progress/community?community=all&period=year&year={year}"
    double = f"/progress/double?community=all&period=year&year={year}"
    before = _figures(_get(client, all_of_it))
    assert (before["activities"], before["person_times"], before["members"], before["hours"]) \
        == ("2次", "3", "3", "3.0")
    assert _figures(_get(client, double))["ads"] == "30"

    login(world.admin)
    assert client.post(f"/admin/communities/{other}/active",
                       data={"active": "0"}).status_code == 302
    # the admin still opens its year, and picks it, marked
    page = html.unescape(_get(client, f"/progress/community?community={other}"
                                      f"&period=year&year={year}"))
    assert _figures(page)["person_times"] == "1"
    assert "建设路社区（已停用）" in page
    monthly = html.unescape(_get(client, f"/reports/?unit={world.unit.id}&month={year}-11"))
    assert re.search(rf'<option value="{other}"[^>]*>建设路社区（已停用）</option>', monthly)
    # a month it did no work in offers it no more
    quiet = html.unescape(_get(client, f"/reports/?unit={world.unit.id}&month={year}-02"))
    assert f'<option value="{other}"' not in quiet

    login(both)
    assert _figures(_get(client, all_of_it)) == before
    assert _figures(_get(client, double))["ads"] == "30"
    assert _figures(_get(client, f"/progress/community?community={other}"
                                 f"&period=year&year={year}"))["person_times"] == "1"


def test_a_community_outside_the_reach_is_still_404(client, login, world):
    login(world.liaison)
    assert client.get(f"/progress/community?community={world.other_community.id}"
                      ).status_code == 404


@pytest.mark.parametrize("own_tasks", [True, False], ids=["own-tasks", "roll-only"])
def test_a_unit_switched_off_keeps_its_coverage_and_monthly_reachable(
        client, login, world, own_tasks):
    """县财政局 is switched off after its member 周建国 worked last November, on a task of
    its own 资源清单 item (its name is then offered in 县商务局's 月报 too) or — walk8 #11 —
    on 县商务局's item with no task of its own (it counts on 县财政局's roll): either way
    its 参与情况 and its 月报 stay one pick away, marked 已停用."""
    year = local_today().year - 1
    unit = f.unit("县财政局")
    someone = f.member(unit, name="周建国")
    item = (f.item(unit, world.community, "environment_cleanup", year=year)
            if own_tasks else world.item)
    task = b.task_on(item, world.admin, date(year, 11, 3))
    b.join(task, someone)
    b.report(task, world.admin)
    unit.active = False
    db.session.commit()
    login(world.admin)
    page = html.unescape(_get(client, f"/progress/coverage?unit={unit.id}&period=year&year={year}"))
    assert "县财政局（已停用）" in page
    monthly_of = world.unit if own_tasks else unit
    monthly = html.unescape(_get(client, f"/reports/?unit={monthly_of.id}&month={year}-11"))
    assert re.search(rf'<option[^>]* value="{unit.id}"[^>]*>县财政局（已停用）</option>', monthly)
