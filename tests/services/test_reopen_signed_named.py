"""An admin's 撤销审核 takes an approved activity off every figure until it is approved
again, and moves the needs its approval fulfilled by the rule a 作废 moves them by
(``task_needs.taken_over_by``; needseries41 Open). No 定稿 refuses an admin, so, as
before 通过, 冲销 and 作废, the signed 月报 and 年度总结 it will change are named on the
page that offers it, before it is made (docs/design.md, "Refused in a 已定稿 month") —
in the task page's one statement of the names, which 作废's naming already runs."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.page_statements import page_statements
from tests.rollups import builders as b
from tests.services.test_void_need_moves import (DECEMBER, approved_on, counts, named, sign,
                                                 weekly)  # noqa: F401 (the fixture)
from tracker.extensions import db
from tracker.models import Need, Task
from tracker.services.reviews import reopen_report

REOPEN_NAMES = "撤销审核会改变以下已定稿月报的当前数据：{months}。"


def reopen_words(page: str) -> list[str]:
    return [words for words in named(page) if "撤销审核会改变" in words]


def test_the_activitys_own_signed_month_is_named_before_reopen(client, login, world):
    task = b.task_on(world.item, world.liaison, date(2025, 11, 20))
    b.join(task, world.member)
    approved_on(task, world.liaison, date(2025, 11, 20))
    db.session.commit()
    sign(world.admin, world.unit, 2025, 11)
    login(world.admin)
    (words,) = reopen_words(client.get(f"/manage/tasks/{task.id}").get_data(as_text=True))
    assert REOPEN_NAMES.format(months=f"{world.unit.name}2025年11月") in words


def test_the_month_a_need_moves_to_is_named_before_reopen(client, login, world,
                                                          weekly):  # noqa: F811 (the fixture)
    """The need the November week's approval did is done by the December week once that
    approval is taken back: on 5 December, for 县财政局, whose December is signed."""
    finance, november_week = weekly
    login(world.admin)
    page = client.get(f"/manage/tasks/{november_week.id}").get_data(as_text=True)
    (words,) = reopen_words(page)
    assert REOPEN_NAMES.format(months="县财政局2025年12月") in words

    reopen_report(november_week.report, world.admin, "人数有误")
    db.session.commit()
    assert counts(finance, DECEMBER) == (0, 1)  # what was named is what changed
    wish = db.session.scalar(select(Need).where(Need.title == "每周代购生活用品"))
    assert wish.fulfilled_on == date(2025, 12, 5)


def test_naming_reopens_documents_adds_no_statement(client, login, world, count_queries):
    task = b.task_on(world.item, world.liaison, date(2025, 11, 20))
    b.join(task, world.member)
    approved_on(task, world.liaison, date(2025, 11, 20))
    db.session.commit()
    url = f"/manage/tasks/{task.id}"
    before, page = page_statements(client, login, count_queries, world.admin, url)
    assert not reopen_words(page)
    sign(world.admin, world.unit, 2025, 11)
    after, page = page_statements(client, login, count_queries, world.admin, url)
    assert reopen_words(page) and after == before


@pytest.mark.parametrize("who", ["admin", "liaison"])
def test_a_week_of_a_series_costs_the_task_page_no_statement_more(
        client, login, world, count_queries, weekly, who):  # noqa: F811 (the fixture)
    """Where a week's needs go when its approval is taken back (the series' next approved
    week, ``taken_over_by``) or it is voided (the next week not cancelled,
    ``handed_on_to``) is asked inside the page's one statement of the names (an
    admin's 作废 and 撤销审核, ``uncount_signed``) or of the refusal (a liaison's 作废),
    not once more per action: the page of a week of a weekly series runs as many
    statements as that of a task made alone (needwords41, main41)."""
    _finance, november_week = weekly
    url = f"/manage/tasks/{november_week.id}"
    actor = getattr(world, who)
    in_series, _page = page_statements(client, login, count_queries, actor, url)
    for task in db.session.scalars(select(Task).where(Task.series_id.is_not(None))):
        task.series_id = None  # each week a task made alone
    db.session.commit()
    alone, _page = page_statements(client, login, count_queries, actor, url)
    assert in_series == alone
