"""The 服务对象 page of a 走访慰问 / 结对帮扶 activity shows its 受益 beside the 服务对象
named and warns when they differ (walk6 #6): a sum knows its households / people
(「6户（8户次）」) only when every activity names exactly as many as its 受益
(docs/design.md, "Categories"; ``rollups.served``), so naming one more than the 受益
turns the month's 「6户（8户次）」 into 「8户次」 — the page where that happens says so."""
from __future__ import annotations

import html
from datetime import timedelta

import pytest

from tests import factories as f
from tests.residents.support import resident
from tracker.extensions import db
from tracker.models import ResidentCategory

# (category, the kind it serves, its unit)
KINDS = [("elderly_visit", ResidentCategory.elderly, "人"),
         ("household_assistance", ResidentCategory.needy, "户")]


def _page(client, task) -> str:
    response = client.get(f"/residents/task/{task.id}")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def _name(client, task, *people) -> str:
    response = client.post(f"/residents/task/{task.id}",
                           data={"residents": [str(p.id) for p in people]},
                           follow_redirects=True)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("code, kind, unit", KINDS, ids=[k[0] for k in KINDS])
def test_the_page_shows_the_benefit_beside_the_named_and_warns_when_they_differ(
        client, login, world, code, kind, unit):
    item = f.item(world.unit, world.community, code)
    task = f.task(item, world.liaison, leader=world.leader, starts_in=-timedelta(days=1),
                  title="走访")
    one, two = (resident(world.community, world.liaison, name=name, category=kind)
                for name in ("吴志明", "安阿婆"))
    db.session.commit()
    login(world.liaison)

    # no report yet: the count named, and that the 受益 is not filled in
    page = _page(client, task)
    assert f"已填写服务对象0{unit}；完成情况还没有填写受益{unit}数。" in page
    assert "不一致" not in page

    f.reported(task, world.leader, approved=False, people_served=1)
    page = _name(client, task, one)
    assert f"本次受益1{unit}，已填写服务对象1{unit}。" in page
    assert "不一致" not in page

    page = _name(client, task, one, two)  # one too many: the sum loses its 户 / 人
    assert f"本次受益1{unit}，已填写服务对象2{unit}。" in page
    assert f"服务对象与受益{unit}数不一致：合计只能写{unit}次，不写{unit}数" in page
    assert f"“6{unit}（8{unit}次）”只写“8{unit}次”" in page

    page = _name(client, task)  # none named: the sum cannot tell its 户 / 人 either
    assert f"本次受益1{unit}，已填写服务对象0{unit}。" in page
    assert "不一致" in page
