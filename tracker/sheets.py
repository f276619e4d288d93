"""Whether a rendered page needs an optional stylesheet that is linked by the classes it
styles (static/css/parts.css: the rules of parts only some pages have), read from the
built sheets themselves, so a rule moved between them needs no list kept here.

A sheet is needed where the page uses a class that the sheet's selectors name and
app.css's (linked by every page) do not; every selector of such a sheet names one (the
build's test, tests/test_static_build.py), so a page that could match a rule of it
links it. Why: the first-load budget (docs/design.md, "Budgets"): a form page
(补录申请 and its refusal, 确认参与) carries none of the open list's or 我的待办's rules."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_SELECTOR_CLASS = re.compile(r"\.([A-Za-z_][\w-]*)")
_CLASS_ATTRIBUTE = re.compile(r'\bclass="([^"]*)"')


def selector_classes(css: str) -> set[str]:
    """The classes a built stylesheet's selectors name (inside an @media too)."""
    names: set[str] = set()
    for rule in css.split("}"):
        if "{" in rule:
            selector = rule.rsplit("{", 1)[0].split("{")[-1]
            names |= set(_SELECTOR_CLASS.findall(selector))
    return names


@lru_cache(maxsize=8)
def own_classes(static_folder: str, sheet: str) -> frozenset[str]:
    """The classes ``sheet`` (under static_folder/css) names and app.css does not."""
    folder = Path(static_folder) / "css"
    return frozenset(selector_classes((folder / sheet).read_text("utf-8"))
                     - selector_classes((folder / "app.css").read_text("utf-8")))


def uses_own_class(html: str, own: frozenset[str]) -> bool:
    """Whether ``html`` has an element of one of ``own``'s classes."""
    return any(name in own for value in _CLASS_ATTRIBUTE.findall(html) for name in value.split())
