"""review42 #4: a liaison's 取消任务 refused by a signed posted month, in English, says
the action as a phrase of the sentence ("…only a unit administrator can cancel this
task…"), as 作废's does ("void this activity"), not the button's label "Cancel task"."""
from __future__ import annotations

import html

from tests.services.test_need_give_back_signed import tasked  # noqa: F401 (fixture)


def test_the_english_refusal_says_cancel_this_task_in_the_sentence(client, login, world, tasked):  # noqa: F811
    login(world.liaison)
    page = html.unescape(client.get(f"/manage/tasks/{tasked.id}?lang=en").get_data(as_text=True))
    assert "only a unit administrator can cancel this task" in page
    assert "can Cancel task" not in page


def test_the_chinese_refusal_says_cancel_this_task(client, login, world, tasked):  # noqa: F811
    login(world.liaison)
    page = html.unescape(client.get(f"/manage/tasks/{tasked.id}").get_data(as_text=True))
    assert "已定稿，取消这个任务须由单位" in page
