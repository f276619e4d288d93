"""「不漏一人」's list marks a member with activities pending review after the name:
「李四（有待审核的活动）」 in Chinese, "李四 (has activities pending review)" in English —
not "李四(has activities pending review)" glued to the name (walk56). The Chinese bracket
is read as English's " (" with its space (tests/web/test_sentences_not_glued.py)."""
from __future__ import annotations

import re

from flask import g

from tests.web.progress_setup import build_double


def _text(client, url: str) -> str:
    g.pop("_flask_babel", None)  # a served request starts without the last one's locale
    response = client.get(url)
    assert response.status_code == 200
    not_yet = response.get_data(as_text=True).split('class="people not-yet"')[1].split("</ul>")[0]
    return re.sub(r"<[^>]+>", "", not_yet)


def test_the_pending_mark_stands_apart_from_the_name_in_english(client, login, world):
    build_double(world)  # 李四 is on a task whose report is pending review
    login(world.liaison)
    assert "李四 (has activities pending review)" in _text(client, "/progress/coverage?lang=en")
    assert "李四（有待审核的活动）" in _text(client, "/progress/coverage?lang=zh_CN")
