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
people a page or document can name, each of them is written with what tells them apart,
so that no two of them read alike (``distinguished``):

- the 党支部, when theirs is the only one of that name there (「陈芳（第2党支部）」);
- else the last four digits of the phone, when no other namesake written by the phone
  has them (「陈芳（尾号0063）」);
- else the phone as lists mask it (``privacy.mask_phone``: 「赵敏（138****0008）」 and
  「赵敏（139****0008）」, the mistyped duplicate 合并账号 is for) — never more digits
  than that: the middle four are shown nowhere, and a 月报 is handed up;
- else (no phone; or the same first three and last four) a serial among those nothing
  else tells apart, in the order the accounts were opened (「陈芳（同名1）」,
  「陈芳（同名2）」); one such namesake alone is written as the name is, which reads
  unlike every other.

A phone the retention period erased still tells its member apart as it did: the mask
is kept (``Member.phone_mask``, read through ``Member.namesake_phone``), so
``flask purge-members`` changes no name a signed 月报 or 年度总结 printed, and numbers
no serial afresh (only an account erased before the mask was kept, session 39, has
none).

A name nobody else there has is written as it is. For a 月报 (and 参与情况) those people are the unit's roll of the
month's last day and everyone on its activities (``rollups.coverage.named_people``), one
set for its 未参与名单 and its ledger's 参与人员, so a liaison 陈芳 in the ledger and a
member 陈芳 in the list are both told apart, and a past month reads the same whoever
joins later; for a task page, the task unit's active members and its participants,
组长 and submitter (and, on the report's page, its reviewer)
(``tasks.queries.participant_names``, also on 提交完成 and the review pages), and, for a
member its lists offer whom the staff page or a confirmation names, those with the members
offered added (``besides``); for a list's card naming one of them alone (the 工作台's,
逾期事项's, 任务管理's) the unit's active members and that person
(``manage.queries.card_names``, or ``namesakes_of`` read with the list's rows); for a
list to pick from across units (补录, 结对党员), each unit's active members
(``choice_names``), the unit being written beside the name. One rule for every list:
``distinguished`` writes one person from what is counted of their namesakes
(``COUNTS``), counted in Python (``namesake_counts``: ``distinguished_names``, and
``names_told_apart`` for a set read from the database) or by windows in SQL
(``namesake_columns``: the 月报's set, ``rollups.coverage.named_people``, counted once a
page in ``rollups.coverage.namesakes_part``, which its ledger and its 未参与名单 both
read)
— the same counts, ``tests/reports/test_namesakes.py`` holding the two to it.
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict, namedtuple
from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased

from .extensions import db
from .fields import clean_text, one_line
from .models import Member
from .privacy import ERASED_PHONE_MARK, mask_phone, phone_held
from .sql_json import json_rows

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
# What ``distinguished`` is told of a person's namesakes in a list, in this order (a row
# of ``namesake_columns``, a value of ``namesake_counts``): of the people the list is
# about, how many have the name; of those, how many the 党支部 too; of the namesakes
# written by the phone (no 党支部 of their own), how many its last four digits and how
# many its masked number (0 for someone not written by a phone); and the serial among
# the namesakes nothing else tells apart (0 unless two or more of them are).
COUNTS = ("namesakes", "same_branch", "same_tail", "same_mask", "serial")
ALONE = (1, 1, 1, 1, 0)


def phone_shown(phone: str | None) -> str | None:
    """``phone`` (``Member.namesake_phone``: a number held, or the mask kept of an
    erased one) as lists mask it — what a namesake is told apart by, its last four
    digits included —; None for no number or the erased placeholder."""
    phone = phone_held(phone)
    if not phone:
        return None
    return phone if "*" in phone else mask_phone(phone)


def distinguished(name: str, branch: str | None, phone: str | None, *, namesakes: int,
                  same_branch: int, same_tail: int = 1, same_mask: int = 1,
                  serial: int = 0) -> str:
    """``name`` as listed among its namesakes (``COUNTS``; the module's rule): as it is
    when nobody else in the list has it, else with its 党支部 (none of theirs shared),
    a serial (nothing else tells them apart), the phone's last four digits or the
    masked phone (the fewest digits that tell them apart). ``phone``: the member's
    ``namesake_phone``."""
    if namesakes <= 1:
        return name
    if branch and same_branch <= 1:
        return name + _("（%(x)s）", x=branch)
    if serial:
        return name + _("（同名%(n)s）", n=serial)
    shown = phone_shown(phone)  # an erased phone whose mask was not kept tells nobody apart
    if shown and same_tail <= 1:
        return name + _("（尾号%(x)s）", x=shown[-PHONE_DIGITS:])
    if shown and same_mask <= 1:
        return name + _("（%(x)s）", x=shown)
    return name  # the one namesake nothing tells apart: the others are written otherwise


def listed(name: str, branch: str | None, phone: str | None, counts) -> str:
    """``distinguished`` with ``counts`` as a row gives them (``COUNTS``' order)."""
    return distinguished(name, branch, phone, **dict(zip(COUNTS, map(int, counts))))


def namesake_counts(roll: Iterable) -> dict[int, tuple[int, ...]]:
    """{id: ``COUNTS``} for everyone on ``roll`` (people with ``id``, ``name``,
    ``branch`` and ``phone``, their ``Member.namesake_phone``: everyone a list is
    about), counted among them."""
    roll = list(roll)
    names = Counter(p.name for p in roll)
    branches = Counter((p.name, p.branch) for p in roll)
    by_phone = sorted((p for p in roll if names[p.name] > 1
                       and not (p.branch and branches[(p.name, p.branch)] <= 1)),
                      key=lambda p: p.id)
    held = {p.id: phone_shown(p.phone) for p in by_phone}  # masked: a number or a kept mask
    tails = Counter((p.name, held[p.id][-PHONE_DIGITS:]) for p in by_phone if held[p.id])
    masks = Counter((p.name, held[p.id]) for p in by_phone if held[p.id])
    unnamed: dict[str, list[int]] = defaultdict(list)
    for p in by_phone:  # in id order: the serials' order
        if not held[p.id] or masks[(p.name, held[p.id])] > 1:
            unnamed[p.name].append(p.id)
    serials = {p_id: n for ids in unnamed.values() if len(ids) > 1
               for n, p_id in enumerate(ids, 1)}
    by_phone_ids = {p.id for p in by_phone}

    def phone_counts(p) -> tuple[int, int]:
        phone = held.get(p.id) if p.id in by_phone_ids else None
        if not phone:
            return 0, 0
        return tails[(p.name, phone[-PHONE_DIGITS:])], masks[(p.name, phone)]

    return {p.id: (names[p.name], branches[(p.name, p.branch)], *phone_counts(p),
                   serials.get(p.id, 0)) for p in roll}


def namesake_columns(people):
    """``namesake_counts`` in SQL, by windows: a subquery of ``member_id`` and the
    ``COUNTS`` columns over ``people`` (a subquery of ``member_id``, ``name``,
    ``branch`` and ``phone``, their ``Member.namesake_phone``: everyone a list is
    about, once each). Three layers, each
    counting over the one before: the namesakes and their 党支部; who of them is written
    by the phone, and how many share its last four digits and its masked number; the
    serials of those nothing tells apart."""
    p = people.c
    namesakes = (select(p.member_id, p.name, p.branch, p.phone,
                        func.count().over(partition_by=p.name).label("namesakes"),
                        func.count().over(partition_by=(p.name, p.branch)).label("same_branch"))
                 .subquery("namesakes_counted"))
    n = namesakes.c
    by_phone = and_(n.namesakes > 1, or_(func.coalesce(n.branch, "") == "", n.same_branch > 1))
    held = and_(n.phone.is_not(None), ~n.phone.startswith(ERASED_PHONE_MARK))
    tail_of = func.substr(n.phone, func.length(n.phone) - (PHONE_DIGITS - 1))
    # equal where ``mask_phone`` writes two numbers alike: a mobile's first three and last
    # four digits, another number's last four — read alike from a mask kept at erasure
    # (138****0001, ****5678: same lengths, same places)
    mask_of = case((func.length(n.phone) == 11, func.substr(n.phone, 1, 3)), else_="").op("||")(tail_of)
    tail = case((and_(by_phone, held), tail_of))
    mask = case((and_(by_phone, held), mask_of))
    phones = (select(n.member_id, n.name, n.namesakes, n.same_branch,
                     case((by_phone, 1), else_=0).label("by_phone"), tail.label("tail"),
                     func.count(tail).over(partition_by=(n.name, tail)).label("same_tail"),
                     func.count(mask).over(partition_by=(n.name, mask)).label("same_mask"))
              .subquery("namesakes_by_phone"))
    q = phones.c
    unnamed = case((and_(q.by_phone == 1, or_(q.tail.is_(None), q.same_mask > 1)), 1), else_=0)
    serial = case((and_(unnamed == 1, func.sum(unnamed).over(partition_by=q.name) > 1),
                   func.row_number().over(partition_by=(q.name, unnamed), order_by=q.member_id)),
                  else_=0)
    return (select(q.member_id, q.namesakes, q.same_branch, q.same_tail, q.same_mask,
                   serial.label("serial"))
            .subquery("namesakes"))


def distinguished_names(people: Iterable, roll: Iterable) -> dict:
    """{person.id: name as listed} for ``people`` (with ``id``, ``name``, ``branch`` and
    ``phone``, their ``Member.namesake_phone``), told apart on ``roll``: everyone the
    list is about, ``people`` included, with the same four attributes."""
    counts = namesake_counts(roll)
    return {p.id: listed(p.name, p.branch, p.phone, counts.get(p.id, ALONE)) for p in people}


def names_told_apart(groups: dict) -> dict[object, dict[int, str]]:
    """{key: {member id: name as listed}} for ``groups`` ({key: (unit id, members)}, a
    task's participants or a 补录's choices), each group's namesakes told apart
    (``names.distinguished_names``) on its unit's active members and the group's own
    members: one statement for a whole page (the review queue names several tasks)."""
    everyone = {m.id: m for _unit, members in groups.values() for m in members}
    if not everyone:
        return {}
    roll = db.session.execute(
        select(Member.id, Member.name, Member.branch,
               Member.namesake_phone.label("phone"), Member.unit_id, Member.active)
        .where(Member.name.in_({m.name for m in everyone.values()}),
               or_(and_(Member.unit_id.in_({unit for unit, _members in groups.values()}),
                        Member.active.is_(True)),
                   Member.id.in_(list(everyone))))).all()
    named = {}
    for key, (unit_id, members) in groups.items():
        ids = {m.id for m in members}
        # the members as read here (``namesake_phone``: an erased one's kept mask)
        named[key] = distinguished_names([row for row in roll if row.id in ids], [
            row for row in roll if row.id in ids or (row.unit_id == unit_id and row.active)])
    return named


# a person as ``namesakes_of`` reads them: what ``distinguished_names`` asks of each
_Person = namedtuple("_Person", "id name branch phone")


def _people(value: str | None) -> list[_Person]:
    """The people of a ``namesakes_of`` value (none when it was not read)."""
    return [_Person(*row) for row in json.loads(value or "[]")]


def namesakes_of(person_id, unit_id, group=None):
    """SQL, a column of a list's statement: the people ``names_told_apart`` tells
    ``person_id`` apart from where a card of a task of ``unit_id`` names them alone (the
    submitter of a report, a task's 组长) — the unit's active members of that name, and
    the person — as ``sql_json.json_rows`` of (id, name, branch, phone). The card's name
    is read with its row (``listed_among``), in no statement of its own, as
    ``manage.queries.card_names`` reads it in one (``person_id``, ``unit_id``: columns
    of the asking statement, whose rows are a page's: read once a card). ``group``: a
    select of the ids of the members listed with the person in ``names_told_apart``'s
    group (the 补录申请 queue's requesters of that unit), counted too whatever their unit
    now and switched off or not, as that function counts a group's own members."""
    person, roll = aliased(Member), aliased(Member)
    among = [roll.id == person.id,
             and_(roll.unit_id == unit_id, roll.name == person.name, roll.active.is_(True))]
    if group is not None:
        among.append(and_(roll.name == person.name, roll.id.in_(group)))
    return (select(json_rows(roll.id, roll.name, roll.branch, roll.namesake_phone))
            .select_from(person)
            .join(roll, or_(*among))
            .where(person.id == person_id)
            .correlate_except(person, roll).scalar_subquery())


def listed_among(person_id: int, value: str | None) -> str | None:
    """The name of ``person_id`` as listed (``distinguished_names``) among a
    ``namesakes_of`` value; None when the value was not read (no such person)."""
    roll = _people(value)
    return distinguished_names([p for p in roll if p.id == person_id], roll).get(person_id)


def names_read(named: str, offered: dict) -> dict[int, str]:
    """``names_told_apart``'s two sets of a task's page (``tasks.queries
    .participant_names``) from rows read with the page's own: ``named``, the first set
    (flagged) and the unit's active members of their names, as JSON rows (``Task
    .people_named``); ``offered``, {member id: ``namesakes_of`` her in the task's unit}
    for the members its lists offer, each told apart on the first set with the offered
    added and the unit's active members of her name — the same people as that function
    tells her apart on — unless she is in the first set, whose name stands (a search
    changes no participant's name)."""
    roll = [row for row in json.loads(named)]
    first = {row[0]: _Person(*row[:4]) for row in roll if row[4]}
    told = distinguished_names(first.values(), [_Person(*row[:4]) for row in roll])
    theirs = {m_id: _people(value) for m_id, value in offered.items()}
    # the offered as read (each is in her own ``namesakes_of``)
    people = {p.id: p for m_id, rows in theirs.items() for p in rows if p.id == m_id}
    for m_id, rows in theirs.items():
        if m_id in first or m_id not in people:
            continue
        name = people[m_id].name
        among = {p.id: p for p in [*rows, *(p for p in people.values() if p.name == name),
                                   *(_Person(*row[:4]) for row in roll if row[1] == name)]}
        told[m_id] = distinguished_names([people[m_id]], among.values())[m_id]
    return told


def choice_names(members: list, units: dict | None = None,
                 read: dict | None = None) -> dict[int, str]:
    """{member id: name as listed} for members offered across units (the 补录 form's):
    each told apart from the namesakes of the unit they are listed with, as a task or a
    月报 does (a namesake in another unit is told apart by the unit, which the choice
    shows). ``units``: {member id: unit} where the unit listed is not the one they are in
    now (补录 lists the unit of the activity's day, ``stays.unit_then``). ``read``:
    {member id: ``namesakes_of`` her in the unit she is listed with}, read with the list
    offering her (``manage.queries.backfill_candidates``): no statement of its own
    (``choices_read``); None: asked here (``names_told_apart``)."""
    units = units or {}
    by_unit: dict[int, list] = defaultdict(list)
    for member in members:
        listed_in = units.get(member.id)
        by_unit[member.unit_id if listed_in is None else listed_in.id].append(member)
    if read is not None:
        return choices_read(by_unit, read)
    groups = names_told_apart({unit: (unit, people) for unit, people in by_unit.items()})
    return {m_id: name for names in groups.values() for m_id, name in names.items()}


def choices_read(by_unit: dict, read: dict) -> dict[int, str]:
    """``names_told_apart``'s names of each unit's group (``by_unit``: {unit id: the
    members listed with it}) from their ``namesakes_of`` values (``read``): a group's
    roll there is its members and the unit's active members of their names — every
    namesake one of them is counted among, since a name is told apart among those of
    that name alone (``namesake_counts``) —, which is the union of the group's
    ``namesakes_of`` values, each her and the unit's active members of her name."""
    named = {}
    for members in by_unit.values():
        roll = {p.id: p for m in members for p in _people(read.get(m.id))}
        named.update(distinguished_names([roll[m.id] for m in members], roll.values()))
    return named


def choices_with_unit(members: list, units: dict | None = None,
                      read: dict | None = None) -> list[tuple[int, str]]:
    """(id, label) for a list to pick members from across units: the name as listed
    (``choice_names``) and the unit — 「陈艳（机关第一党支部）（县商务局）」, 「陈艳（县林业局）」.
    ``units``: {member id: unit} to name instead of the one they are in now (the unit of
    the activity's day, which 补录 counts the work for); ``read``: ``choice_names``'."""
    units = units or {}
    names = choice_names(members, units, read)
    return [(m.id, names[m.id] + _("（%(x)s）", x=units.get(m.id, m.unit).name))
            for m in members]


def labels_with_unit(entries) -> dict:
    """{key: label} for ``entries`` ((key, member, unit) each: the 补录申请 queue's
    requests, each member with the unit of the request's day): ``choices_with_unit``'s
    label, the namesakes of each unit told apart — one statement however many. A member
    may be listed with two units (requests for days either side of a move)."""
    entries = list(entries)
    by_unit: dict[int, dict] = defaultdict(dict)
    for _key, member, unit in entries:
        by_unit[unit.id][member.id] = member
    told = names_told_apart({unit: (unit, list(people.values()))
                             for unit, people in by_unit.items()})
    return {key: with_unit(told[unit.id][member.id], unit) for key, member, unit in entries}


def with_unit(name: str, unit) -> str:
    """A name as listed (told apart among the unit's namesakes) with its unit:
    「陈艳（机关第一党支部）（县商务局）」 — ``labels_with_unit``'s label, and 采纳's of one
    request read with its namesakes (``namesakes_of``, ``listed_among``)."""
    return name + _("（%(x)s）", x=unit.name)


def with_masked_phone(name: str, phone: str | None) -> str:
    """A name with its phone as lists mask it, for a list where the phone is how one
    picks the account (the 工作台's 组长 select, 合并账号's 保留的账号): 「张伟（138****0007）」,
    the brackets the page language's — "张伟 (138****0007)" in English."""
    return name + _("（%(x)s）", x=mask_phone(phone))
