"""A 台账 row dated in a year whose checklist lacks that line (县商务局 has a 2022
环境卫生整治 item in 解放路社区, none for 2023): the import records it as the 补录 form
does when the liaison picks last year's item — on the 2022 item, counted by date and
category but toward no year's 资源清单 progress — and its preview rows carry the warning
the task page gives such a 补录. With the 2023 item there, the activity goes on it and
nothing is said."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.imports.test_ledger_import_service import (
    errors_by_line,
    imported,
    preview,
    row,
    sheet,
)
from tests.imports.test_ledger_import_web import upload
from tracker.extensions import db
from tracker.models import Task


@pytest.fixture
def january(october):
    """Two people at a 2023 activity of the line that has a 2022 item only."""
    m = october.members
    category = october.tasks["环境整治一"].category.name
    return sheet([row(october, m["郑某某"], day="2023-01-10", leader="是", category=category,
                      title="新年大扫除"),
                  row(october, m["冯某某"], day="2023-01-10", category=category,
                      title="新年大扫除")])


def warning(category: str, remedy: str = "请联系单位管理员添加") -> str:
    return (f"该活动在2023年，但2023年的资源清单中没有“解放路社区 {category}”这一项目：它仍记在"
            "2022年的项目下，不计入任何一年的资源清单完成进度（月报和各项统计仍按日期和类别计入）。"
            f"如需计入，{remedy}2023年的这一项目。")


# the item is the admin's to add: an admin is told to add it, a liaison whom to ask
ADMIN_REMEDY = "请在资源清单中添加"


def test_rows_on_another_years_item_are_recorded_with_the_task_pages_warning(october, january):
    category = october.tasks["环境整治一"].category.name
    checked = preview(october.liaison, january)
    assert errors_by_line(checked) == {}
    assert [(r.line, r.action, r.off_checklist) for r in checked.rows] == [
        (2, "record", warning(category)), (3, "record", warning(category))]
    assert len(checked.off_checklist_rows) == 2
    imported(october.liaison, january)
    task = db.session.scalar(select(Task).where(Task.title == "新年大扫除"))
    assert (task.service_date.year, task.resource_item.year) == (2023, 2022)
    assert task.resource_item == october.tasks["环境整治一"].resource_item


def test_with_that_years_item_the_rows_go_on_it_and_nothing_is_said(october, january):
    this_year = f.item(october.unit, october.jiefang, "environment_cleanup", year=2023)
    db.session.commit()
    checked = preview(october.liaison, january)
    assert errors_by_line(checked) == {}
    assert [r.off_checklist for r in checked.rows] == ["", ""]
    imported(october.liaison, january)
    task = db.session.scalar(select(Task).where(Task.title == "新年大扫除"))
    assert task.resource_item_id == this_year.id


def test_the_preview_page_shows_the_warning_on_the_rows(client, login, october, january):
    login(october.liaison)
    response = upload(client, january)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "检查通过，可以导入。" in page
    assert page.count(warning(october.tasks["环境整治一"].category.name)) == 2


def test_an_admin_importing_is_told_to_add_the_item_not_to_ask_the_admin(
        client, login, october, january):
    category = october.tasks["环境整治一"].category.name
    checked = preview(october.admin, january)
    assert [r.off_checklist for r in checked.rows] == [warning(category, ADMIN_REMEDY)] * 2
    login(october.admin)
    page = client.get(upload(client, january).headers["Location"]).get_data(as_text=True)
    assert page.count(warning(category, ADMIN_REMEDY)) == 2
    assert "联系单位管理员" not in page


def test_of_several_other_years_the_nearest_earlier_item_is_used(october, january):
    """Items for 2021 and 2022, a 2023 row: the 补录 form's default, last year's item —
    2022, not the line's oldest."""
    f.item(october.unit, october.jiefang, "environment_cleanup", year=2021)
    db.session.commit()
    imported(october.liaison, january)
    task = db.session.scalar(select(Task).where(Task.title == "新年大扫除"))
    assert task.resource_item.year == 2022


def test_with_no_earlier_item_the_nearest_later_one_is_used(october):
    """Items for 2022 and 2024 only, a 2020 row: no earlier year's item, so the
    nearest later one — 2022, not 2024."""
    f.item(october.unit, october.jiefang, "environment_cleanup", year=2024)
    db.session.commit()
    m = october.members
    category = october.tasks["环境整治一"].category.name
    imported(october.liaison, sheet([row(october, m["郑某某"], day="2020-06-10", leader="是",
                                         category=category, title="旧年补录")]))
    task = db.session.scalar(select(Task).where(Task.title == "旧年补录"))
    assert task.resource_item.year == 2022


def test_recorded_on_last_years_item_it_is_already_there_once_its_years_item_is_added(
        october, january):
    """Imported while 2023 had no such item, the activity went on 2022's; the admin then
    adds 2023's, where it would now go. The same file imported again finds it there —
    its rows are skipped as already recorded, as an unchanged re-import's are — and
    nothing is added (not refused as an overlap of its own participants)."""
    imported(october.liaison, january)
    unchanged = preview(october.liaison, january)
    said = [(r.line, r.action, r.errors) for r in unchanged.rows]
    assert said == [(2, "skip", []), (3, "skip", [])]
    f.item(october.unit, october.jiefang, "environment_cleanup", year=2023)
    db.session.commit()
    tasks = db.session.scalar(select(func.count(Task.id)))

    checked = preview(october.liaison, january)
    assert [(r.line, r.action, r.errors) for r in checked.rows] == said
    result = imported(october.liaison, january)
    assert (result.activities, result.participations, result.skipped) == (0, 0, 2)
    assert db.session.scalar(select(func.count(Task.id))) == tasks
    task = db.session.scalar(select(Task).where(Task.title == "新年大扫除"))
    assert task.resource_item == october.tasks["环境整治一"].resource_item  # still 2022's
