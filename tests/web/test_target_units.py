"""A checklist target of 受益 in 户 or 人 reads as visits, 户次 / 人次 (docs/design.md,
"Categories, and how each counts").

Such a target is compared with the 受益 of the year's approved activities added up, each
activity adding the households or people it served: it counts household-visits /
person-visits, and the target and what is done against it are written so wherever they
are shown — with one activity so far too (one activity serving 5 households is 5户次:
each served once). The 年度总结's sentence and 附表 are in its golden files
(tests/reports/test_annual_golden.py)."""
from __future__ import annotations

import html as html_lib
import re

import pytest
from flask import g
from sqlalchemy import select

from tests import factories as f
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import Category, ReportStatus
from tracker.timeutil import local_today

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today


def page(client, url: str) -> str:
    g.pop("_flask_babel", None)  # a served request starts without the last one's locale
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return html_lib.unescape(response.get_data(as_text=True))


def helped_once(world, served=5, status=ReportStatus.approved):
    """One activity of this year against a 困难群众结对帮扶 target of 10 (受益, in 户)."""
    item = f.item(world.unit, world.community, "household_assistance", target=10)
    task = b.task_on(item, world.liaison, TODAY)
    b.join(task, world.member, minutes=60)
    b.report(task, world.liaison, status, people=served)
    db.session.commit()
    return item


def test_one_activity_against_a_household_target_reads_household_visits(client, login, world):
    helped_once(world)
    login(world.liaison)
    html = page(client, f"/progress/community?community={world.community.id}")
    assert "年度目标 10户次，已完成 5户次" in html
    assert "年度目标 10户，" not in html and "已完成 5户<" not in html


def test_the_categories_of_several_communities_read_visits_too(client, login, world):
    helped_once(world)
    elders = f.item(world.unit, world.other_community, "elderly_visit", target=12)
    task = b.task_on(elders, world.liaison, TODAY)
    b.report(task, world.liaison, ReportStatus.approved, people=4)
    world.liaison.communities = [world.community, world.other_community]
    db.session.commit()
    login(world.liaison)
    html = page(client, "/progress/community")  # both communities: a card per category
    assert "年度目标 10户次，已完成 5户次" in html
    assert "年度目标 12人次，已完成 4人次" in html


def test_pending_against_the_target_is_in_visits(client, login, world):
    helped_once(world, served=3, status=ReportStatus.submitted)
    login(world.liaison)
    html = page(client, f"/progress/community?community={world.community.id}")
    assert "年度目标 10户次，已完成 0户次" in html
    assert "另有 3户次 待审核" in html


def test_an_english_page_names_household_and_person_visits(client, login, world):
    helped_once(world)
    elders = f.item(world.unit, world.community, "elderly_visit", target=1)
    task = b.task_on(elders, world.liaison, TODAY)
    b.report(task, world.liaison, ReportStatus.approved, people=1)
    db.session.commit()
    login(world.liaison)
    html = page(client, f"/progress/community?community={world.community.id}&lang=en")
    assert "Yearly target 10 household visits, done 5 household visits" in html
    assert "Yearly target 1 person-time, done 1 person-time" in html


def test_the_checklist_list_writes_the_target_in_visits(client, login, world):
    f.item(world.unit, world.community, "household_assistance", target=10)
    f.item(world.unit, world.community, "elderly_visit", target=12)
    f.item(world.unit, world.community, "ecommerce_training", target=30)
    db.session.commit()
    login(world.admin)
    cells = re.findall(r'<td data-label="年度目标" class="num">([^<]*)</td>',
                       page(client, f"/admin/items?year={TODAY.year}"))
    assert {"10户次", "12人次", "30人次"} <= set(cells)
    assert "10户" not in cells and "12人" not in cells


def category(code: str) -> Category:
    return db.session.scalar(select(Category).where(Category.code == code))


def label_of_target(html: str) -> str:
    return re.search(r'<label for="target"[^>]*>([^<]*)<', html).group(1).strip()


def test_the_item_form_names_the_target_in_visits(client, login, world):
    help_item = f.item(world.unit, world.community, "household_assistance", target=10)
    visit_item = f.item(world.unit, world.community, "elderly_visit", target=12)
    db.session.commit()
    login(world.admin)
    new = page(client, "/admin/items/new")
    # the choice of category and measure names the target's unit
    assert f'<option value="{category("household_assistance").id}:beneficiaries">' \
           "困难群众结对帮扶 · 按受益（户次）计</option>" in new
    assert "慰问“空巢”老人 · 按受益（人次）计" in new
    assert "按受益（户）计" not in new and "按受益（人）计" not in new
    assert "受益按户或人计的，目标计户次或人次：每帮扶一户一次计1户次。" in new
    # the item's own form: the label and how the visits add up
    edit = page(client, f"/admin/items/{help_item.id}/edit")
    assert label_of_target(edit) == "年度目标（户次）"
    assert "每帮扶一户一次计1户次，全年各次活动累加，同一户帮扶两次计2户次。" in edit
    edit = page(client, f"/admin/items/{visit_item.id}/edit")
    assert label_of_target(edit) == "年度目标（人次）"
    assert "每服务一人一次计1人次，全年各次活动累加，同一人服务两次计2人次。" in edit
    # a new item's link naming the category prefills it, and the label follows
    prefilled = page(client, f"/admin/items/new?category={category('household_assistance').id}")
    assert label_of_target(prefilled) == "年度目标（户次）"


def test_a_refused_item_form_keeps_the_visits_label(client, login, world):
    login(world.admin)
    response = client.post("/admin/items/new", data={
        "unit_id": world.unit.id, "community_id": world.community.id, "zone_id": "",
        "category_id": f"{category('household_assistance').id}:beneficiaries",
        "year": str(TODAY.year), "target": "十户", "description": "每月一次"})
    html = html_lib.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert label_of_target(html) == "年度目标（户次）"
    assert 'value="十户"' in html and "每月一次" in html


@pytest.mark.parametrize("posted", ["99999999999999999999999:beneficiaries",
                                    "-1:beneficiaries", "x:beneficiaries"])
def test_a_category_no_record_can_have_is_refused_on_the_form(client, login, world, posted):
    """A posted category id the database's INTEGER cannot hold (or no id at all) is a
    choice not on the list: the form says so on the same page, keeps what was typed,
    and writes nothing — never a 500 from naming the target's unit."""
    login(world.admin)
    response = client.post("/admin/items/new", data={
        "unit_id": world.unit.id, "community_id": world.community.id, "zone_id": "",
        "category_id": posted, "year": str(TODAY.year), "target": "10",
        "description": "每月一次"})
    html = html_lib.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "每月一次" in html and "请从列表中选择" in html


def test_other_measures_keep_their_own_unit(client, login, world):
    training = f.item(world.unit, world.community, "ecommerce_training", target=30)
    ads = f.item(world.unit, world.community, "ad_removal", target=200)
    db.session.commit()
    login(world.admin)
    assert label_of_target(page(client, f"/admin/items/{training.id}/edit")) == "年度目标（人次）"
    assert label_of_target(page(client, f"/admin/items/{ads.id}/edit")) == "年度目标（处）"
    assert "同一户帮扶两次" not in page(client, f"/admin/items/{training.id}/edit")


def test_the_english_item_form_names_household_visits(client, login, world):
    help_item = f.item(world.unit, world.community, "household_assistance", target=10)
    db.session.commit()
    login(world.admin)
    html = page(client, f"/admin/items/{help_item.id}/edit?lang=en")
    assert label_of_target(html) == "Annual target (household visits)"
    assert "counted in Beneficiaries (household visits)" in html
