"""How numbers are written, the same on every page and in every export.

One helper per kind of number, used by the Jinja filters (``templating``), the
monthly summary's text and tables (``reports``) and the spreadsheets' number
formats, so a figure never reads "10000 元" in one place and "10,000.00 元" in
another:

- money: two decimals with thousands separators (10,000.00), from integer fen;
- hours: one decimal (126.5, 36.0), from integer minutes;
- rates: one decimal with % (26.5%), exact half-up;
- counts: the integer with its unit, no space (58人次, 3场); figures of different
  units are never added, they are listed one per unit (132处、9个). The app's own
  closed units (场/次 of an activity, 人次/户/人 of beneficiaries) are words of the
  app, shown in the reader's language on pages ("58 person-times"); a quantity's
  unit (处, 个 …) is data an admin typed and stays as typed. Documents, made under
  the document locale, keep 58人次;
- a day in a table of one month's work: 11月3日 (the year is in the heading).

受益 in 户 or 人 over more than one activity is written 户次 / 人次, after the distinct
households / people when every activity named them (「5户（60户次）」, ``served``); a
checklist target in 户 or 人 of beneficiaries is written 户次 / 人次 (``target_unit``).
Beside a yearly target it writes 时序进度 (the share of the period's year passed by the
period's end, or by today while it runs, in Asia/Shanghai) and whether the target is
ahead of it or behind (``target_pace``).

It also writes the one sentence every view and the 月报 use for work still waiting
for review ("另有N份完成情况待审核（…），未计入以上数据。").
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from flask_babel import ngettext, npgettext, pgettext
from .i18n import lazy_gettext as _l

from .money import format_yuan
from .timeutil import period_elapsed

HOURS_FORMAT = "0.0"  # the spreadsheet's number format for hours
YUAN_FORMAT = "#,##0.00"  # and for money
RATE_FORMAT = "0.0%"
MONTH_DAY_FORMAT = 'm"月"d"日"'  # and for a day of the month: 11月3日


def inside_quotes(text: str) -> str:
    """``text`` to be put inside “…”: its own double quotes become single ones
    (「“三、协同推进‘双创’工作”部分」), as Chinese and English both nest quotes, rather
    than 「“三、协同推进“双创”工作”」, where the quotes pair wrongly."""
    return text.replace("“", "‘").replace("”", "’")


def yuan(fen) -> str:
    """Integer fen → '3,200.50'."""
    return format_yuan(fen)


def hours_value(minutes) -> Decimal:
    """Minutes → hours rounded to one decimal (what every format shows)."""
    return (Decimal(int(minutes)) / 60).quantize(Decimal("0.1"), ROUND_HALF_UP)


def hours(minutes) -> str:
    """Minutes → '2.5' hours, always one decimal ('36.0'); '' for None."""
    if minutes is None:
        return ""
    return f"{hours_value(minutes)}"


def rate_value(part, whole) -> Decimal | None:
    """part/whole to three decimals (0.265 → 26.5%); None when whole is 0."""
    if not whole:
        return None
    return (Decimal(int(part)) / Decimal(int(whole))).quantize(Decimal("0.001"), ROUND_HALF_UP)


def percent(part, whole) -> str:
    """part/whole → '86.7%' (one decimal, half up, exact); '—' when whole is 0."""
    value = rate_value(part, whole)
    return "—" if value is None else f"{(value * 100).quantize(Decimal('0.1'))}%"


def month_day(day) -> str:
    """A day in a document about its month: '11月3日' (the year is in the heading)."""
    return _("%(m)s月%(d)s日", m=day.month, d=day.day)


# The closed units (directory.ACTIVITY_UNITS, BENEFICIARY_UNITS): a count with one,
# in the reader's language and number ('1 session', '58 person-times'); in Chinese
# the msgid itself ('3场').
COUNTED = {
    "场": lambda n: npgettext("计量单位", "%(num)s场", "%(num)s场", n),
    "次": lambda n: npgettext("计量单位", "%(num)s次", "%(num)s次", n),
    "人次": lambda n: npgettext("计量单位", "%(num)s人次", "%(num)s人次", n),
    "户": lambda n: npgettext("计量单位", "%(num)s户", "%(num)s户", n),
    "户次": lambda n: npgettext("计量单位", "%(num)s户次", "%(num)s户次", n),
    "人": lambda n: npgettext("计量单位", "%(num)s人", "%(num)s人", n),
}
# ... and the unit by itself, as an admin picks it or a label names it ('person-times')
UNIT_WORDS = {
    "场": lambda: pgettext("计量单位", "场"),
    "次": lambda: pgettext("计量单位", "次"),
    "人次": lambda: pgettext("计量单位", "人次"),
    "户": lambda: pgettext("计量单位", "户"),
    "户次": lambda: pgettext("计量单位", "户次"),
    "人": lambda: pgettext("计量单位", "人"),
}


# 受益 in 户 or 人 says how many households or people one activity served. A report
# gives a number, and a task's named 服务对象 are optional, so a sum over more than one
# activity counts visits: 户次 / 人次 — and the households / people themselves only
# when every activity of the sum named as many 服务对象 as its 受益 (``served``;
# docs/design.md, "Categories").
REPEATED = {"户": "户次", "人": "人次"}


def served_unit(unit: str | None, activities: int) -> str | None:
    """The unit of a 受益 figure summed over ``activities`` approved reports."""
    return REPEATED.get(unit, unit) if unit and activities > 1 else unit


def served_distinct(unit: str | None, activities: int, distinct: int | None) -> int | None:
    """The households / people a sum of ``activities`` approved reports' 受益 is written
    with, beside its 户次 / 人次: ``distinct``, the distinct 服务对象 the activities name
    (None when they are not known: whether every activity names as many as its 受益 is
    decided once, by ``rollups.served.named_rows``), wherever the figure is written in
    visits (``served_unit``). None where it is not: one activity's 受益 in 户 is its
    households already, and 人次 of trainees are visits with nothing to count apart."""
    return None if served_unit(unit, activities) == unit else distinct


def served(value: int, unit: str | None, activities: int, distinct: int | None = None) -> str:
    """A category's 受益 over ``activities`` approved reports, the one way every text and
    table writes it: one activity's in its unit (「5户」); a sum of more than one in visits
    (「60户次」), after the households / people when they are known (``served_distinct``):
    「5户（60户次）」."""
    visits = amount(value, served_unit(unit, activities))
    known = served_distinct(unit, activities, distinct)
    if known is None:
        return visits
    return served_beside(known, unit, visits)


def served_beside(known: int, unit: str, visits: str) -> str:
    """The households / people ``known`` (in ``unit``, 户 or 人) written before the
    ``visits`` (the 户次 / 人次 as written, or what stands in for them in a spreadsheet's
    number format: ``reports.tables.Served``): 「5户（60户次）」."""
    return _("%(distinct)s（%(visits)s）", distinct=amount(known, unit), visits=visits)


def target_unit(unit: str | None, measure) -> str | None:
    """The unit a checklist item's yearly target of ``measure`` (a ``TargetMeasure`` or
    its value) and its progress are written in, given the category's unit of that
    measure. A beneficiaries target in 户 or 人 is compared with the 受益 of the year's
    activities added up, each activity adding the households or people it served: it
    is a target of household-visits / person-visits, 户次 / 人次, whatever the number of
    activities so far (one activity serving 15 households is 15户次 too: each served
    once). Every place that shows a target with its progress asks here (docs/design.md,
    "Categories")."""
    return REPEATED.get(unit, unit) if measure == "beneficiaries" else unit


def unit_word(unit: str | None) -> str:
    """A closed unit in the reader's language ('场' → 'sessions'); any other unit (a
    quantity's, typed by an admin) as it is."""
    word = UNIT_WORDS.get(unit or "")
    return word() if word is not None else (unit or "")


def amount(value, unit: str | None) -> str:
    """A count with its unit: '58人次', '3场' (a unit-less count is the bare number);
    a closed unit in the reader's language: '58 person-times'."""
    counted = COUNTED.get(unit or "")
    if counted is not None and value is not None:
        return counted(value)
    return f"{value}{unit or ''}"


# The one order a total of several units lists them in, whatever categories the period
# has work in (附表2's 合计 read 「41人次、4户次」 one month and 「5户次、5人次」 the next when
# the units came in the order of the first category with a figure): the closed units as
# they are declared (``directory.ACTIVITY_UNITS``: 场, 次; ``BENEFICIARY_UNITS``: 人次,
# 户, 人 — the order of the reference categories), a unit's visits (户次) right after it;
# 人 summed as 人次 is counted with the 人次 already first. Any other unit (a quantity's,
# typed by an admin) comes after them, in the order given (docs/design.md, "Categories").
UNIT_ORDER = ("场", "次", "人次", "户", "户次", "人")


def in_unit_order(amounts: Iterable) -> list:
    """(value, unit) pairs of one total in ``UNIT_ORDER`` (the rest after, as given)."""
    rank = {unit: place for place, unit in enumerate(UNIT_ORDER)}
    return sorted(amounts, key=lambda pair: rank.get(pair[1], len(UNIT_ORDER)))


def per_unit(amounts: Iterable) -> str:
    """Figures of different units side by side, never added: '132处、9个' ('' if none).
    ``amounts`` are (value, unit) pairs, already summed per unit and in ``UNIT_ORDER``
    (``rollups.figures.per_unit``); joined in the reader's language ('3 sessions, 17
    times' on an English page; a document is Chinese)."""
    return _("、").join(amount(value, unit) for value, unit in amounts if value)


BENEFICIARY_LABELS = {"人次": _l("受益人次"), "户": _l("受益户数"), "人": _l("受益人数")}


def beneficiary_label(unit: str | None):
    """What a category's beneficiary figure is called: 受益人次, 受益户数, 受益人数 …"""
    return BENEFICIARY_LABELS.get(unit) or _l("受益（%(unit)s）", unit=unit_word(unit))


def pending_sentence(pending) -> str:
    """'另有2份完成情况待审核（参与8人次，服务时长12.0小时，清除牛皮癣20处，
    电子商务培训受益22人次），未计入以上数据。'

    ``pending`` is a ``rollups.figures.Pending``: how many reports wait for review and
    what they would add to the figures above. '' when nothing waits."""
    if not pending.reports:
        return ""
    adds = []
    if pending.person_times:
        adds.append(ngettext("参与%(n)s人次",
                             "参与%(n)s人次",
                             pending.person_times, n=pending.person_times))
    if pending.minutes:
        adds.append(_("服务时长%(h)s小时", h=hours(pending.minutes)))
    for name, value, unit in pending.results:
        if value:
            adds.append(_("%(what)s%(n)s", what=name, n=amount(value, unit)))
    for name, value, unit in pending.beneficiaries:
        if value:
            adds.append(_("%(what)s受益%(n)s", what=name, n=amount(value, unit)))
    # The separator is the language's own (「，」 in Chinese, ", " in English).
    detail = _("（%(adds)s）", adds=_("，").join(adds)) if adds else ""
    return _pending_words(pending.reports, pending.reports, detail)


def _pending_words(reports: int, n, detail) -> str:
    return ngettext("另有%(n)s份完成情况待审核%(detail)s，未计入以上数据。",
                    "另有%(n)s份完成情况待审核%(detail)s，未计入以上数据。",
                    reports, n=n, detail=detail)


# stand-ins for the sentence's figures while its pattern is made
_COUNT, _DETAIL = "\x00", "\x01"


def pending_sentence_pattern() -> re.Pattern:
    """What every sentence ``pending_sentence`` writes in the current language matches
    in full (``fullmatch``), whatever its figures: a signed document's comparison
    leaves it out (``reports.final.official``), since what waits for review is no
    official figure. Made from the sentence's msgid, so it follows the catalog: built
    when asked, under the language in force (never at import), once for all the lines
    a caller tests."""
    words = _pending_words(2, _COUNT, _DETAIL)
    pattern = "".join(r"\d+" if part == _COUNT else ".*" if part == _DETAIL else re.escape(part)
                      for part in re.split(f"({_COUNT}|{_DETAIL})", words))
    return re.compile(pattern, re.S)


@dataclass(frozen=True)
class Pace:
    """A yearly target against the share of the year passed (时序进度)."""

    schedule: str  # 时序进度 as a percentage: '91.5%'
    reading: str  # the plain reading: 快于 / 慢于时序进度 N 个百分点, 持平, 已完成
    behind: bool


def target_pace(done: int, target: int, last_day, today=None, *,
                spaced: bool = True) -> Pace | None:
    """How a target stands against time (None without a target): ``done`` counts up to
    the period's ``last_day``, so the schedule is read there too (``period_elapsed``).
    Both shares rounded as the page shows them, so the reading agrees with the two
    figures beside it. The pages space the number from its words; a document handed up
    (``spaced`` False: the 年度总结) writes no spaces around numbers, as the 月报 does."""
    if not target:
        return None
    passed, days = period_elapsed(last_day, today)
    reached, schedule = rate_value(done, target), rate_value(passed, days)
    points = ((reached - schedule) * 100).quantize(Decimal("0.1"))
    if done >= target:
        reading = _("已完成全年目标")
    elif passed == days:
        # the schedule is the whole year (the period's year is over by its last day):
        # there is no pace left to be behind, only a target not met
        reading = _("未完成全年目标")
    elif points > 0:
        reading = (_("快于时序进度 %(n)s 个百分点", n=points) if spaced
                   else _("快于时序进度%(n)s个百分点", n=points))
    elif points < 0:
        reading = (_("慢于时序进度 %(n)s 个百分点", n=-points) if spaced
                   else _("慢于时序进度%(n)s个百分点", n=-points))
    else:
        reading = _("与时序进度持平")
    return Pace(percent(passed, days), reading, behind=done < target and points < 0)
