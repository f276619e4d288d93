"""A person's name as stored: one spelling for what a roster pads or types differently.

Rosters line two-character names up with four-character ones by a space between the
characters (「王　芳」, a full-width space, or a no-break one copied from a web page), and
type the middle dot of a minority name with whatever the input method offered
(「热合曼•艾力」 with a bullet, ・ ･ ‧, or a full stop). Stored as typed, 王芳 is not found
by a search for 王芳, and the same person reads differently in every list. ``person_name``
is used wherever a name comes in: the member form and the member import.

Only blanks *between Han characters* go; a name in Latin letters keeps its spaces
(「Tom Lee」). A dot look-alike between two Han characters becomes 「·」 (U+00B7, the dot
the national standard uses for such names), and so does a lone '.' or '．' there.
"""
from __future__ import annotations

import re

from .fields import clean_text

MIDDLE_DOT = "·"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Look-alikes of the middle dot: bullet, hyphenation point, katakana middle dot (full-
# and half-width), bullet operator, dot operator, Greek ano teleia, the dot itself;
# and a full stop (ASCII, full-width) typed for it.
_DOTS = "\u2022\u2027\u30fb\uff65\u2219\u22c5\u0387\u00b7.\uff0e"
_BLANKS_BETWEEN_HAN = re.compile(rf"(?<=[{_HAN}])\s+(?=[{_HAN}])")
_DOT_BETWEEN_HAN = re.compile(rf"(?<=[{_HAN}])\s*[{_DOTS}]\s*(?=[{_HAN}])")


def person_name(value: str | None) -> str:
    """``value`` trimmed, without blanks between Han characters, and with any middle-dot
    look-alike between Han characters as 「·」: 「王　芳」 → 「王芳」, 「热合曼•艾力」 →
    「热合曼·艾力」."""
    name = clean_text(value or "").strip()
    name = _DOT_BETWEEN_HAN.sub(MIDDLE_DOT, name)
    return _BLANKS_BETWEEN_HAN.sub("", name)
