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
# the literal first: a pattern opening with \b is tried at every character of the page
# (a unit's 月报, 65 KB: 1.0 ms a page), one opening with a literal only where it is
# found (0.25 ms with the word boundary checked by hand: ``_class_values``; month55)
_CLASS_ATTRIBUTE = re.compile(r'class="([^"]*)"')


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
    return any(name in own for value in _class_values(html) for name in value.split())


def _class_values(html: str):
    """The values of the ``class`` attributes in ``html``: ``class="…"`` at a word's
    start (``\bclass=``: not ``subclass="…"``). Read as a plain ``str``: the page
    comes as ``Markup``, whose every character read makes a ``Markup`` of it."""
    html = str(html)
    for found in _CLASS_ATTRIBUTE.finditer(html):
        at = found.start()
        if at == 0 or not (html[at - 1].isalnum() or html[at - 1] == "_"):
            yield found.group(1)
