"""walk55 #1: a 补录 whose 受益 or 完成数量 was typed for a category that does not count
it (环境整治 counts neither; a 摸排's 完成数量 is its 摸排问题 lines) is refused under the
box, with everything typed kept and nothing written — not saved with the figure quietly
made 0, so that the 台账 the liaison exports no longer says what she typed."""
from __future__ import annotations

import re

from tests import factories as f
from tests.web.manage_support import audit_count, backfill_form, task_count, text
from tracker.extensions import db


def error_under(page: str, field: str) -> str:
    found = re.search(rf'id="{field}-error1"[^>]*>([^<]*)<', page)
    return found.group(1) if found else ""


def test_a_beneficiary_figure_for_a_category_without_one_is_refused(client, login, world):
    login(world.liaison)  # the world's item is 环境整治: no 受益, no 完成数量
    before = (task_count(), audit_count())
    page = text(client.post("/manage/backfill", data=backfill_form(
        world, people_served="20", quantity="3")))
    assert error_under(page, "people_served") == "“环境整治”不统计受益，请清空此项。"
    assert error_under(page, "quantity") == "“环境整治”不统计完成数量，请清空此项。"
    assert re.search(r'<input[^>]*name="people_served"[^>]*value="20"', page)
    assert 'value="解放路12号"' in page and "清理楼道杂物。" in page
    assert (task_count(), audit_count()) == before


def test_a_survey_s_typed_quantity_points_to_its_findings(client, login, world):
    survey = f.item(world.unit, world.community, "facility_survey")
    db.session.commit()
    login(world.liaison)
    before = task_count()
    page = text(client.post("/manage/backfill", data=backfill_form(
        world, resource_item=survey.id, quantity="2",
        findings="下水道，解放路12号门前，井盖破损")))
    assert error_under(page, "quantity") == (
        "摸排类活动的完成数量就是登记的问题处数，请清空此项，在“摸排问题”中每行填写一处。")
    assert task_count() == before


def test_empty_or_zero_figures_are_no_refusal(client, login, world):
    login(world.liaison)
    response = client.post("/manage/backfill", data=backfill_form(
        world, people_served="0", quantity=""))
    assert response.status_code == 302, text(response)[:2000]
