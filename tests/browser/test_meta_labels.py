"""A card's label–value list (``dl.meta``) keeps each label clear of its value in both
languages, on a phone and on a desktop, measured from the boxes Chromium draws (review
walk3, #3: in English at 390 px the fixed label column, four Chinese characters wide,
drew 「Community」 under 「解放路社区」 — the page read 「Community解放路社区」, 「Beneficiarie社区居民」
— and nothing went past the viewport, so no overflow check saw it)."""
from __future__ import annotations

import pytest

# Each label of every dl.meta: the right edge of its text and of its box, and the left
# edge of its value. A label's text wider than its column overflows its box.
LABELS = r"""() => [...document.querySelectorAll('dl.meta > dt')].filter(dt => dt.getClientRects().length)
  .map(dt => {
    const range = document.createRange();
    range.selectNodeContents(dt);
    const text = range.getBoundingClientRect(), box = dt.getBoundingClientRect();
    const value = dt.nextElementSibling.getBoundingClientRect();
    return {label: dt.innerText.trim(), text: text.right, box: box.right, value: value.left};
  })"""

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


def overlapping(page) -> list[str]:
    labels = page.evaluate(LABELS)
    assert labels, "no dl.meta on the page"
    return [f"{row['label']}: text to {row['text']:.0f} px, box to {row['box']:.0f} px, "
            f"value from {row['value']:.0f} px"
            for row in labels if max(row["text"], row["box"]) > row["value"]]


@pytest.mark.parametrize("size", SIZES)
def test_labels_stay_clear_of_their_values_in_both_languages(user_page, live_server, world,
                                                            shot, size):
    page = user_page(world.member)
    page.set_viewport_size(SIZES[size])
    for lang in ("en", "zh_CN"):
        # the task card (社区, 服务对象, 组长, 剩余名额 …) and 我的个人信息's lists
        # (计入参与统计 …: "Counted in participation")
        for path in (f"/tasks/{world.task_id}", "/me/data"):
            page.goto(live_server.url(f"{path}?lang={lang}"))
            if path.startswith("/tasks/"):
                shot(page, f"task-{lang}-{size}")
            assert overlapping(page) == [], (lang, path)
