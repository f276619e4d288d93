"""Natural order for the names of places: 一区 < 二区 < 三区 < 十区, 2号楼 < 10号楼.

Code-point order puts 一区、三区、二区 and 10号楼 before 2号楼; people read numbers,
whether written in digits or in Chinese numerals. ``sort_key`` turns every number in
a name into fixed-width digits, so plain string comparison — Python's, or the
database's ORDER BY on the ``sort_key`` column that Unit, Community and Zone keep
(see ``models.places``) — gives the natural order everywhere, paging included.
"""
from __future__ import annotations

import re
import unicodedata

WIDTH = 12  # digits per number: far above any zone or building number
KEY_MAX = 255  # the column's length; a longer key only loses its tail, not the order
DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
          "七": 7, "八": 8, "九": 9}
POWERS = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
_NUMBER = re.compile(r"\d+|[〇零一二两三四五六七八九十百千万]+")


def chinese_number(text: str) -> int:
    """'十一' → 11, '二十' → 20, '一百零五' → 105, '三' → 3, '一二' → 12 (digit by digit)."""
    if not any(ch in POWERS for ch in text):
        value = 0
        for ch in text:  # 一二 read as digits, as in a house number
            value = value * 10 + DIGITS[ch]
        return value
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch == "万":
            total += (section + (digit or 0)) * 10_000
            section, digit = 0, None
        else:
            section += (1 if digit is None else digit) * POWERS[ch]  # 十 alone is 10
            digit = None
    return total + section + (digit or 0)


def _padded(match: re.Match) -> str:
    text = match.group(0)
    value = int(text) if text.isdecimal() else chinese_number(text)
    return f"{value:0{WIDTH}d}"


def sort_key(name: str | None) -> str:
    """The name with every number as 12 digits: sorting these sorts names naturally."""
    text = unicodedata.normalize("NFKC", name or "")  # full-width ２ → 2
    return _NUMBER.sub(_padded, text)[:KEY_MAX]
