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
(``tasks.queries.participant_names``, also on 提交完成 and the review pages); for a
list to pick from across units (补录, 结对党员), each unit's active members
(``choice_names``), the unit being written beside the name. One rule for every list:
``distinguished`` for one person whose counts are known (from a window in SQL),
``distinguished_names`` for people and the set they are told apart on (in Python), and
``names_told_apart`` for that set read from the database.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select

from .extensions import db
from .fields import clean_text, one_line
from .models import Member
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
    name = one_line(clean_text(value or "")).strip()  # a name is one line (in a Subject too)
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


def names_told_apart(groups: dict) -> dict[object, dict[int, str]]:
    """{key: {member id: name as listed}} for ``groups`` ({key: (unit id, members)}, a
    task's participants or a 补录's choices), each group's namesakes told apart
    (``names.distinguished_names``) on its unit's active members and the group's own
    members: one statement for a whole page (the review queue names several tasks)."""
    everyone = {m.id: m for _unit, members in groups.values() for m in members}
    if not everyone:
        return {}
    roll = db.session.execute(
        select(Member.id, Member.name, Member.branch, Member.unit_id, Member.active)
        .where(Member.name.in_({m.name for m in everyone.values()}),
               or_(and_(Member.unit_id.in_({unit for unit, _members in groups.values()}),
                        Member.active.is_(True)),
                   Member.id.in_(list(everyone))))).all()
    named = {}
    for key, (unit_id, members) in groups.items():
        ids = {m.id for m in members}
        named[key] = distinguished_names(members, [
            (row.name, row.branch) for row in roll
            if row.id in ids or (row.unit_id == unit_id and row.active)])
    return named


def choice_names(members: list) -> dict[int, str]:
    """{member id: name as listed} for members offered across units (the 补录 form's):
    each told apart from the namesakes of their own unit, as a task or a 月报 does (a
    namesake in another unit is told apart by the unit, which the choice shows)."""
    by_unit: dict[int, list] = defaultdict(list)
    for member in members:
        by_unit[member.unit_id].append(member)
    groups = names_told_apart({unit: (unit, people) for unit, people in by_unit.items()})
    return {m_id: name for names in groups.values() for m_id, name in names.items()}


def choices_with_unit(members: list) -> list[tuple[int, str]]:
    """(id, label) for a list to pick members from across units: the name as listed
    (``choice_names``) and the unit — 「陈艳（机关第一党支部）（县商务局）」, 「陈艳（县林业局）」."""
    names = choice_names(members)
    return [(m.id, names[m.id] + _("（%(x)s）", x=m.unit.name)) for m in members]
