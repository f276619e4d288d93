"""The tables behind the monthly summary's text (附表), format-neutral.

Cells are plain ``int``/``str`` or one of the typed values below, so each format
shows them its own way: as text written by ``tracker.formatting`` on the page, in
Word and in CSV; as numbers with the matching number format in Excel — the same
digits everywhere. Every number is a figure of the month (``figures.py``), which
has it from the rollups; the narrative is written after the tables, and names them.

Figures of different units are never added: a total row lists them one per unit
(``formatting.per_unit``). Column widths are fitted to what the columns hold
(``Table.fitted_widths``): long text wide, numbers narrow.

A cell may hold texts on lines of their own (``Lines``): the ledger's 「活动（类别）」, the
activity's title over its category — one column fewer, so that an eight-character
title and category keep their lines when printed (``Table.kept_widths``). The .csv,
read as data and compared at 定稿, keeps them as columns of their own (``Table.apart``).
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..i18n import force_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..formatting import (
    HOURS_FORMAT,
    MONTH_DAY_FORMAT,
    RATE_FORMAT,
    YUAN_FORMAT,
    amount,
    hours,
    hours_value,
    month_day,
    per_unit,
    percent,
    rate_value,
    served,
    served_beside,
    served_distinct,
    served_unit,
    yuan,
)
from ..privacy import phone_held
from ..services.ledger_import import HEADERS as PARTICIPATION_HEADERS
from ..services.ledger_import import LEADER_MARK
from ..timeutil import to_local
from .figures import LedgerRow, MonthlyFigures, ParticipationRow

DOCUMENT_LOCALE = "zh_CN"
HEADER_WRAP = 10  # a header may wrap onto two lines of (about) five Chinese characters
MIN_WIDTH = 4
LINE_KEPT = 16  # display columns (eight Chinese) a line of 活动（类别） keeps whole, printed


@dataclass(frozen=True)
class Hours:
    minutes: int

    def __str__(self) -> str:
        return hours(self.minutes)

    @property
    def number(self) -> Decimal:
        return hours_value(self.minutes)

    number_format = HOURS_FORMAT


@dataclass(frozen=True)
class Yuan:
    fen: int

    def __str__(self) -> str:
        return yuan(self.fen)

    @property
    def number(self) -> Decimal:
        return Decimal(self.fen) / 100

    number_format = YUAN_FORMAT


@dataclass(frozen=True)
class YuanAmount(Yuan):
    """Money among counts in their units: '4,300.00元' as text, in Excel the number
    shown so (a column whose other rows read 12场, 160人次)."""

    text: str = field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", _("%(x)s元", x=yuan(self.fen)))

    def __str__(self) -> str:
        return self.text

    number_format = YUAN_FORMAT + '"元"'


@dataclass(frozen=True)
class Rate:
    part: int
    whole: int

    def __str__(self) -> str:
        return percent(self.part, self.whole)

    @property
    def number(self) -> Decimal | None:
        return rate_value(self.part, self.whole)

    number_format = RATE_FORMAT


@dataclass(frozen=True)
class Day:
    """A day of the month the table is about: '11月3日' as text, as the document
    writes dates (the year is in its heading); in Excel the date shown so."""

    value: date
    text: str  # written when the table is built, in the document's language

    @classmethod
    def of(cls, value: date) -> "Day":
        return cls(value, month_day(value))

    def __str__(self) -> str:
        return self.text

    @property
    def number(self) -> date:
        return self.value

    number_format = MONTH_DAY_FORMAT


@dataclass(frozen=True)
class Count:
    """A count in its unit: '58人次' as text; in Excel the number 58 shown as 58人次.

    The text is written when the count is made: a closed unit (人次, 场 …) is worded in
    the language of that moment (the document's, for the 月报's tables), not in the
    language of the page that later shows the table."""

    value: int
    unit: str | None
    text: str = field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", amount(self.value, self.unit))

    def __str__(self) -> str:
        return self.text

    @property
    def number(self) -> int:
        return self.value

    @property
    def number_format(self) -> str:
        return f'0"{self.unit}"' if self.unit else "0"


@dataclass(frozen=True)
class Served(Count):
    """A category's 受益 as ``formatting.served`` writes it: a count in its unit (「5户」,
    「60户次」), or the households / people with the visits (「5户（60户次）」) — in Excel
    the visits (60), so a column sums to its 合计, the households written into the
    number format as text (``"5户（"0"户次）"``)."""

    activities: int = 1
    distinct: int | None = None

    @classmethod
    def of(cls, c) -> "Served":
        """The 受益 of a category's row (``rollups.figures.CategoryFigures``)."""
        o = c.official
        return cls(o.people_served, c.beneficiary_unit, activities=o.activities,
                   distinct=c.served)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", served(self.value, self.unit, self.activities,
                                                self.distinct))

    @property
    def known(self) -> int | None:
        return served_distinct(self.unit, self.activities, self.distinct)

    @property
    def number(self) -> int:
        # always the 户次 / 人次: a column of 受益 adds up to its 合计 row
        return self.value

    @property
    def number_format(self) -> str:
        # the visits: their number (0) and unit, as ``Count`` writes them
        head, tail = "", served_unit(self.unit, self.activities) or ""
        known = self.known
        if known is not None:
            # the households as literal text before the visits' number: 「5户（60户次）」
            # shows 60, the value a sum of the column takes (``known`` is a fixed
            # number); written by the same words as the text, the visits stood in for
            head, after = served_beside(known, self.unit, _VISITS).split(_VISITS)
            tail += after
        return f"{_literal(head)}0{_literal(tail)}"


# what stands for the visits while the format's words are written (no text holds it)
_VISITS = "\x00"


def _literal(text: str) -> str:
    """``text`` shown as it is by an Excel number format: quoted, without the quotes
    it cannot hold."""
    text = text.replace('"', "")
    return f'"{text}"' if text else ""


@dataclass(frozen=True)
class Lines:
    """Texts in one cell, each on a line of its own (the ledger's 活动（类别）: the
    activity's title over its category): a line break in the .docx and the .xlsx, a
    ``<br>`` on the page; columns of their own in the .csv (``Table.apart``). An empty
    part takes no line."""

    parts: tuple[str, ...]

    def __str__(self) -> str:
        return "\n".join(part for part in self.parts if part)

    def __html__(self) -> str:
        """The lines escaped, a ``<br>`` between them (what ``escape`` makes of it)."""
        return "<br>".join([str(escape(line)) for line in str(self).split("\n")])


TYPED = (Hours, Yuan, Rate, Count, Day)
NUMBERS = (Hours, Yuan, Rate, Count)


def display_width(text: str) -> int:
    """Columns a text takes in a monospaced grid: a Chinese character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)  # the widest each column may grow (chars)
    total_row: bool = False  # the last row adds up the others
    # a column of ``Lines``: the headers of its parts, each a column of its own in the .csv
    apart_headers: dict[int, tuple[str, ...]] = field(default_factory=dict)
    # a column whose lines of up to this many display columns keep their line when a page's
    # room is shared out (``kept_widths``)
    kept_lines: dict[int, int] = field(default_factory=dict)

    def _columns_holding(self, kinds: tuple) -> list[bool]:
        return [any(isinstance(row[col], kinds) and not isinstance(row[col], bool)
                    for row in self.rows) for col in range(len(self.headers))]

    @property
    def numeric(self) -> list[bool]:
        """Columns holding numbers (right-aligned)."""
        return self._columns_holding((int, *NUMBERS))

    @property
    def unbroken(self) -> list[bool]:
        """Columns never wrapped: numbers and dates."""
        return self._columns_holding((int, date, *TYPED))

    def cell_attributes(self) -> list[Markup]:
        """Each column's ``<td>`` attributes, for the ``data_table`` macro: the header
        as the card label (``data-label``) and the classes of a number (``num``) or a
        cell that never wraps (``nowrap``). Worked out once per table, not per cell."""
        attributes = []
        for header, number, unbroken in zip(self.headers, self.numeric, self.unbroken):
            classes = " ".join(c for c, on in (("num", number), ("nowrap", unbroken)) if on)
            # the header escaped, the classes fixed words
            attributes.append(Markup(f' data-label="{escape(header)}"'  # nosec B704
                                     + (f' class="{classes}"' if classes else "")))
        return attributes

    def cells_html(self) -> list[Markup]:
        """Each row's cells (``<td>`` … ``</td>``, escaped) for the ``data_table``
        macro, one string per row: a Jinja loop per cell cost more than the rest of
        the 月报 page's tables (a unit's month is hundreds of cells)."""
        attributes = self.cell_attributes()
        # every cell's text escaped (``Lines`` with a <br> between its lines); the
        # attributes are Markup already
        return [Markup("".join(
            f"<td{a}>{escape(value if isinstance(value, Lines) else cell_text(value))}</td>"  # nosec B704
            for a, value in zip(attributes, row))) for row in self.rows]

    def apart(self) -> Table:
        """The table with each ``Lines`` column as the columns of its parts, under
        ``apart_headers`` (活动, 类别): what the .csv writes — data to read, and what a
        signed month is compared by (``final.compare``), where one column holding two
        facts would be one fact."""
        if not self.apart_headers:
            return self
        split = self.apart_headers

        def cells(row):
            for col, value in enumerate(row):
                if col in split:
                    parts = value.parts if isinstance(value, Lines) else (value,)
                    yield from (*parts, *[""] * (len(split[col]) - len(parts)))
                else:
                    yield value

        headers = [h for col, header in enumerate(self.headers) for h in split.get(col, (header,))]
        widths = [w for col, width in enumerate(self.widths)
                  for w in [width] * len(split.get(col, (None,)))]
        return Table(self.key, self.title, headers, [list(cells(row)) for row in self.rows],
                     widths, self.total_row)

    def fitted_widths(self, measure: Callable[[str], float] = display_width) -> list[float]:
        """Each column as wide as its longest cell (a header may wrap), at most its
        ``widths`` cap: long text gets the room, numbers stay narrow. ``measure`` is
        a text's width in display columns (the .docx adds what office software puts
        between Chinese and digits: ``docx_export.set_width``)."""
        caps = self.widths or [20] * len(self.headers)
        fitted = []
        for col, (header, cap, unbroken) in enumerate(
                zip(self.header_widths(measure), caps, self.unbroken)):
            # a cell of several lines is as wide as its widest
            cells = [measure(line) for row in self.rows for line in cell_text(row[col]).split("\n")]
            wanted = max([header, *cells])
            # a number or a date is never wrapped: its cap cannot cut it
            fitted.append(max(MIN_WIDTH, wanted if unbroken else min(cap, wanted)))
        return fitted


    def header_widths(self, measure: Callable[[str], float] = display_width) -> list[float]:
        """Each header's width as ``fitted_widths`` counts it: a header wider than
        ``HEADER_WRAP`` wraps onto two lines. A column shrunk to fit a page never
        gets narrower than its header (``layout.share_columns``)."""
        return [min(measure(header), HEADER_WRAP) for header in self.headers]

    def kept_widths(self, measure: Callable[[str], float] = display_width) -> list[float]:
        """Each column's width below which a page's room shared out does not cut it (a
        floor of ``layout.share_columns``): for a column of ``kept_lines``, its widest line
        of at most that many display columns, which so keeps its line (an eight-character
        活动 over an eight-character 类别: 「困难群众结对帮扶」); a longer line wraps. 0 for
        the other columns."""
        kept = []
        for col in range(len(self.headers)):
            limit = self.kept_lines.get(col)
            lines = ([line for row in self.rows for line in cell_text(row[col]).split("\n")
                      if display_width(line) <= limit] if limit else [])
            kept.append(max(map(measure, lines), default=0))
        return kept


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


LEDGER_ACTIVITY = 3  # the ledger's column 活动（类别）


def ledger_table(rows: list[LedgerRow], title: str, key: str = "ledger") -> Table:
    """One row per approved activity: what an inspection asks to see (台账). 完成数量
    and 受益 are in their category's units (empty where it has none).

    The activity and its category share a column, 「活动（类别）」, the title over the
    category (``Lines``): with a column of its own each, an A4 landscape page at a
    legible size had no room for both to keep an eight-character line (「招商引资政」
    over 「策宣讲」) beside 活动内容 and 参与人员. The .csv keeps them apart (``apart``)."""
    table = Table(key, title, [
        _("序号"), _("日期"), _("社区（责任区）"), _("活动（类别）"), _("地点"), _("服务对象"),
        _("活动内容"), _("参与人员"), _("人次"), _("服务时长（小时）"), _("完成数量"),
        _("受益"), _("组长"), _("审核人"), _("来源"),
    ], widths=[4, 10, 16, 20, 16, 12, 44, 24, 4, 10, 8, 8, 8, 8, 8],
        apart_headers={LEDGER_ACTIVITY: (_("活动"), _("类别"))},
        kept_lines={LEDGER_ACTIVITY: LINE_KEPT})
    listing = _("、")  # looked up once, not once a row
    for number, r in enumerate(rows, 1):
        where = f"{r.community}·{r.zone}" if r.zone else r.community
        table.rows.append([
            number, Day.of(r.service_date), where, Lines((r.title, r.category)), r.place,
            r.beneficiary, r.content, listing.join(r.participants), r.person_times, Hours(r.minutes),
            Count(r.quantity, r.quantity_unit) if r.quantity_unit else "",
            Count(r.people_served, r.beneficiary_unit) if r.beneficiary_unit else "",
            r.leader, r.reviewer, r.source,
        ])
    return table


def participation_table(ledger: list[LedgerRow], rows: list[ParticipationRow],
                        title: str) -> Table:
    """One row per participation, in the columns bulk 补录 reads back
    (``services/ledger_import.py``): an exported 台账 can be imported again."""
    table = Table("participations", title, list(PARTICIPATION_HEADERS),
                  widths=[10, 6, 6, 14, 12, 8, 14, 20, 16, 12, 8, 12, 8, 4, 8, 8, 44, 8])
    activities = {r.task_id: r for r in ledger}
    for p in rows:
        a = activities[p.task_id]
        table.rows.append([
            a.service_date, to_local(p.starts_at).strftime("%H:%M"),
            to_local(p.ends_at).strftime("%H:%M"), p.unit, a.community, a.zone or "",
            a.category, a.title, a.place, a.beneficiary, p.name, phone_held(p.phone) or "",
            Hours(p.minutes) if p.minutes is not None else "", LEADER_MARK if p.leader else "",
            a.quantity if a.quantity_unit else "", a.people_served if a.beneficiary_unit else "",
            a.content, a.source,
        ])
    return table


def summary_tables(figures: MonthlyFigures) -> list[Table]:
    """The tables attached to the summary's text (附表): all of them in an empty month
    (they stay empty), otherwise those with rows."""
    with force_locale(DOCUMENT_LOCALE):
        tables = _tables(figures)
    return tables if figures.is_empty else [t for t in tables if t.rows]


def category_table(s: MonthlyFigures) -> Table:
    """分类统计: each category's figures of the period and their 合计 (the 月报's and
    the 年度总结's)."""
    by_category = Table("categories", _("分类统计"), [
        _("类别"), _("活动"), _("完成数量"), _("受益"), _("人次"), _("参与人数"),
        _("服务时长（小时）"),
    ], widths=[30, 8, 10, 20, 8, 8, 10])
    for c in s.categories:
        o = c.official
        by_category.rows.append([
            c.name, Count(o.activities, c.activity_unit),
            Count(o.quantity, c.quantity_unit) if c.quantity_unit else "—",
            Served.of(c) if c.beneficiary_unit else "—",
            o.person_times, o.members, Hours(o.minutes)])
    if s.categories:
        t = s.totals
        by_category.rows.append([
            # 完成数量 of different categories are different things (ads cleared,
            # problems found): no total; 受益 add up per unit
            # 场 and 次 are not added either: the activities one per unit (1场、5次)
            _("合计"), per_unit(s.per_unit("activities")), "—",
            per_unit(s.per_unit("people_served")) or "—", t.person_times, t.members,
            Hours(t.minutes)])
        by_category.total_row = True
    return by_category


def _other_work(row, others) -> str:
    """A zone's work in an admin's own "双创" categories: each category's 完成数量 in its
    unit (its activities when it has none), 「共享单车整理120辆、义务植树2次」; "—" for none."""
    done = [(c, row.other(c.id).done) for c in others]
    return _("、").join(f"{c.name}{amount(value, c.unit)}" for c, value in done if value) or "—"


def coverage_tables(cov, took_part: str, absent_title: str) -> list[Table]:
    """参与情况 and the names of who did not take part, for the 月报 and the 年度总结
    (``took_part`` heads the column: 本月参与 / 全年参与)."""
    counts = Table("coverage", _("参与情况"), [
        _("在册党员干部"), took_part, _("参与率"), _("未参与"),
    ], [[cov.on_roll, cov.took_part, Rate(cov.took_part, cov.on_roll), len(cov.not_yet)]],
        widths=[12, 10, 10, 10])
    absent = Table("not_yet", absent_title, [_("序号"), _("姓名"), _("备注")], widths=[6, 14, 24])
    for number, person in enumerate(cov.not_yet, 1):
        absent.rows.append([number, person.listed_name,
                            pending_remark() if person.has_pending else ""])
    return [counts, absent]


def pending_remark() -> str:
    """The 未参与名单's 备注 of someone whose activity waits for review: told apart
    from the official figures, it is left out when a signed document is compared with
    the live one (``final.changes``)."""
    return _("有活动待审核")


def needs_table(s: MonthlyFigures, posted: str, fulfilled: str) -> Table:
    """附表“需求清单和微心愿” of the 月报 and the 年度总结: the period's needs posted and
    fulfilled (``rollups/needs.py``, the figures the text counts), with the headers
    naming the period (本月 / 全年)."""
    needs = Table("needs", _("需求清单和微心愿"), [posted, fulfilled, _("其中微心愿（个）")],
                  widths=[14, 14, 14])
    if s.needs.posted or s.needs.fulfilled:
        needs.rows.append([s.needs.posted, s.needs.fulfilled, s.needs.wishes_fulfilled])
    return needs


def _tables(s: MonthlyFigures) -> list[Table]:
    tables = [ledger_table(s.ledger, _("本月活动台账")), category_table(s)]

    # 已移交/已整改: of the month's own findings, as they stood at its end; 本月移交/本月
    # 整改: the steps of the month, whenever the finding was found (what the text tells)
    # An admin's own "双创" categories (共享单车整理) count in 人次 like the three with
    # columns of their own; their 完成数量 go in one column, per category
    # (「共享单车整理120辆」), there only in a month with such work.
    others = [c for c in s.zone_others if s.zones_total.other(c.id).done]
    zones = Table("zones", _("责任区进展"), [
        _("社区"), _("责任区"), _("清除牛皮癣（处）"), _("粉刷楼道（个）"),
        *([_("其他“双创”工作")] if others else []), _("摸排问题（处）"),
        _("已移交（处）"), _("已整改（处）"), _("本月移交（处）"), _("本月整改（处）"), _("人次"),
    ], widths=[16, 12, 8, 8, *([24] if others else []), 8, 8, 8, 8, 8, 6])
    # a 「未分责任区」 row per community, its 社区 named (words53)
    steps = {z.place: z for z in s.finding_moves.by_zone}
    for z in s.zones:
        step = steps.get(z.place)
        zones.rows.append([z.community_name, z.name or _("未分责任区"), z.ads, z.stairs,
                           *([_other_work(z, others)] if others else []), z.found,
                           z.handed_over, z.fixed, step.handed_over if step else 0,
                           step.fixed if step else 0, z.person_times])
    if s.zones:
        t, m = s.zones_total, s.finding_moves
        zones.rows.append([_("合计"), "", t.ads, t.stairs,
                           *([_other_work(t, others)] if others else []), t.found,
                           t.handed_over, t.fixed, m.handed_over, m.fixed, t.person_times])
        zones.total_row = True
    tables.append(zones)

    if s.coverage is not None and s.coverage.on_roll > 0:  # a roll of nobody says nothing
        tables += coverage_tables(s.coverage, _("本月参与"), _("未参与名单"))

    tables.append(needs_table(s, _("本月发布（条）"), _("本月完成（条）")))

    # one row per (unit, community) ledger and their 合计, from one rollup
    # (rollups.funds.ledger_funds_plan): the 合计 is the sentence's figure and 经费台账's.
    # A ledger is named by what the title does not say: its community in a unit's
    # 月报, its unit in a community's.
    by_unit = s.unit is None and s.community is not None
    funds = Table("funds", _("共建活动经费"), [
        _("单位") if by_unit else _("社区"),
        _("本月使用（元）"), _("年度累计（元）"), _("年度预算（元）"), _("预算使用率"),
        _("预算剩余（元）"), _("未设预算的支出（元）"),
    ], widths=[16, 14, 14, 14, 10, 14, 14])
    for ledger in s.fund_ledgers:
        funds.rows.append([ledger.unit_name if by_unit else ledger.community_name,
                           *_fund_cells(ledger.fund)])
    if s.fund_ledgers:
        funds.rows.append([_("合计"), *_fund_cells(s.funds)])
        funds.total_row = True
    tables.append(funds)
    return tables


def _fund_cells(f) -> list:
    """A funds row's figures: 使用率 and 剩余 count the ledgers with a budget; the rest
    is its own column."""
    return [Yuan(f.spent_fen), Yuan(f.year_to_date_fen),
            Yuan(f.budget_fen) if f.budget_fen else _("未设定"),
            Rate(f.budgeted_fen, f.budget_fen),
            Yuan(f.remaining_fen) if f.budget_fen else "—",
            Yuan(f.unbudgeted_fen)]
