"""People's names: one spelling as stored, and namesakes told apart where listed.

**One spelling.** Rosters line two-character names up with four-character ones by a
space between the characters (「王　芳」, a full-width space, or a no-break one copied
from a web page), and type the middle dot of a minority name with whatever the input
method offered (「热合曼•艾力」 with a bullet, ・ ･ ‧, or a full stop). Stored as typed,
王芳 is not found by a search for 王芳, and the same person reads differently in every
list. ``person_name`` is used wherever a name comes in: the member form and the member
import. Only blanks *between Han characters* go; a name in Latin letters keeps its
spaces (「Tom Lee」). A dot look-alike between two Han characters becomes 「·」 (U+00B7,
the dot the national standard uses for such names), and so does a lone '.' or '．' there.

**Namesakes.** A bureau of 2,000 has several 张伟 and 王芳: a list that names 「陈芳、陈芳」
says nothing about which two took part. Where a name occurs more than once among the
people a page or document can name, each of them is written with what tells them apart:
the 党支部 when theirs is the only one of that name there, else the last four digits of
the phone (「陈芳（第2党支部）」, 「陈芳（尾号0063）」). A name nobody else there has is
written as it is. For a 月报 (and 参与情况) those people are the unit's roll of the
month's last day and everyone on its activities (``rollups.coverage.named_people``), one
set for its 未参与名单 and its ledger's 参与人员, so a liaison 陈芳 in the ledger and a
member 陈芳 in the list are both told apart, and a past month reads the same whoever
joins later; for a task page, the task unit's active members and its participants
(``manage.queries.participant_names``). One rule for every list: ``distinguished`` for
one person whose counts are known (from a window in SQL), ``distinguished_names`` for
people and the set they are told apart on (in Python).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from flask_babel import gettext as _

from .fields import clean_text
from .privacy import phone_held

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


PHONE_DIGITS = 4


def distinguished(name: str, branch: str | None, phone: str | None, *, namesakes: int,
                  same_branch: int) -> str:
    """``name`` as listed: with its 党支部 or the phone's last digits when ``namesakes``
    (people of that name, this one included) is more than one. ``same_branch``: of
    those, how many are in this one's 党支部 (a 党支部 shared tells nobody apart)."""
    if namesakes <= 1:
        return name
    if branch and same_branch <= 1:
        return name + _("（%(x)s）", x=branch)
    phone = phone_held(phone)  # an erased phone tells nobody apart
    if phone:
        return name + _("（尾号%(x)s）", x=phone[-PHONE_DIGITS:])
    return name


def distinguished_names(people: Iterable, roll: Iterable[tuple[str, str | None]]) -> dict:
    """{person.id: name as listed} for ``people`` (with ``id``, ``name``, ``branch`` and
    ``phone``), told apart on ``roll``: the (name, 党支部) of everyone the list is
    about, ``people`` included."""
    roll = list(roll)
    names = Counter(name for name, _branch in roll)
    branches = Counter(roll)
    return {p.id: distinguished(p.name, p.branch, p.phone, namesakes=names[p.name],
                                same_branch=branches[(p.name, p.branch)])
            for p in people}
