"""The tables behind the monthly summary's text (附表), format-neutral.

Cells are plain ``int``/``str`` or one of the typed values below, so each format
shows them its own way (text with the ``yuan``/``hours``/``percent`` formatters on
the page, in Word and in CSV; numbers with a number format in Excel). Every
number is a figure of the month (``figures.py``), which has it from the rollups;
the narrative is written after the tables, and names them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from flask_babel import force_locale
from flask_babel import gettext as _

from ..money import format_yuan
from ..templating import hours, percent
from .figures import LedgerRow, MonthlyFigures

DOCUMENT_LOCALE = "zh_CN"


@dataclass(frozen=True)
class Hours:
    minutes: int

    def __str__(self) -> str:
        return hours(self.minutes) or "0"

    @property
    def number(self) -> Decimal:
        return Decimal(self.minutes) / 60


@dataclass(frozen=True)
class Yuan:
    fen: int

    def __str__(self) -> str:
        return format_yuan(self.fen)

    @property
    def number(self) -> Decimal:
        return Decimal(self.fen) / 100


@dataclass(frozen=True)
class Rate:
    part: int
    whole: int

    def __str__(self) -> str:
        return percent(self.part, self.whole)

    @property
    def number(self) -> Decimal | None:
        return None if not self.whole else Decimal(self.part) / Decimal(self.whole)


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)  # column widths in characters (Excel)
    total_row: bool = False  # the last row adds up the others

    @property
    def numeric(self) -> list[bool]:
        """Columns holding numbers (right-aligned), judged by the first row."""
        if not self.rows:
            return [False] * len(self.headers)
        return [isinstance(v, (int, Hours, Yuan, Rate)) and not isinstance(v, bool)
                for v in self.rows[0]]


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def ledger_table(rows: list[LedgerRow], title: str, key: str = "ledger") -> Table:
    """One row per approved activity: what an inspection asks to see (台账)."""
    table = Table(key, title, [
        _("序号"), _("日期"), _("社区（责任区）"), _("活动"), _("地点"), _("类别"), _("服务对象"),
        _("活动内容"), _("参与人员"), _("人次"), _("服务时长（小时）"), _("完成数量"),
        _("计量单位"), _("受益人数"), _("组长"), _("审核人"),
    ], widths=[6, 12, 18, 20, 18, 14, 14, 40, 30, 8, 10, 10, 8, 10, 10, 10])
    for number, r in enumerate(rows, 1):
        where = f"{r.community}·{r.zone}" if r.zone else r.community
        table.rows.append([
            number, r.service_date, where, r.title, r.place, r.category,
            r.beneficiary, r.content, "、".join(r.participants), r.person_times,
            Hours(r.minutes), r.quantity, r.measure, r.people_served, r.leader, r.reviewer,
        ])
    return table


def summary_tables(figures: MonthlyFigures) -> list[Table]:
    """The tables attached to the summary's text (附表): all of them in an empty month
    (they stay empty), otherwise those with rows."""
    with force_locale(DOCUMENT_LOCALE):
        tables = _tables(figures)
    return tables if figures.is_empty else [t for t in tables if t.rows]


def _tables(s: MonthlyFigures) -> list[Table]:
    tables = [ledger_table(s.ledger, _("本月活动台账"))]

    by_category = Table("categories", _("分类统计"), [
        _("类别"), _("活动次数"), _("完成数量"), _("计量单位"), _("受益人数"), _("人次"),
        _("参与人数"), _("服务时长（小时）"),
    ], widths=[28, 10, 10, 10, 10, 10, 10, 14])
    for c in s.categories:
        o = c.official
        by_category.rows.append([c.name, o.activities, o.quantity, c.measure, o.people_served,
                                 o.person_times, o.members, Hours(o.minutes)])
    if s.categories:
        t = s.totals
        by_category.rows.append([_("合计"), t.activities, "", "", t.people_served, t.person_times,
                                 t.members, Hours(t.minutes)])
        by_category.total_row = True
    tables.append(by_category)

    zones = Table("zones", _("责任区进展"), [
        _("社区"), _("责任区"), _("清除牛皮癣（处）"), _("粉刷楼道（个）"), _("摸排问题（处）"),
        _("已移交（处）"), _("已整改（处）"), _("人次"),
    ], widths=[16, 14, 14, 14, 14, 12, 12, 8])
    for z in s.zones:
        zones.rows.append([z.community_name, z.name or _("未分责任区"), z.ads, z.stairs, z.found,
                           z.handed_over, z.fixed, z.person_times])
    if s.zones:
        t = s.zones_total
        zones.rows.append([_("合计"), "", t.ads, t.stairs, t.found, t.handed_over, t.fixed,
                           t.person_times])
        zones.total_row = True
    tables.append(zones)

    if s.coverage is not None:
        cov = s.coverage
        tables.append(Table("coverage", _("参与情况"), [
            _("在册党员干部"), _("本月参与"), _("参与率"), _("未参与"),
        ], [[cov.on_roll, cov.took_part, Rate(cov.took_part, cov.on_roll), len(cov.not_yet)]],
            widths=[14, 12, 12, 12]))
        absent = Table("not_yet", _("未参与名单"), [_("序号"), _("姓名"), _("备注")],
                       widths=[6, 14, 24])
        for number, person in enumerate(cov.not_yet, 1):
            absent.rows.append([number, person.name,
                                _("有活动待审核") if person.has_pending else ""])
        tables.append(absent)

    f = s.funds
    tables.append(Table("funds", _("共建活动经费"), [
        _("本月使用（元）"), _("年度累计（元）"), _("年度预算（元）"), _("预算使用率"),
        _("预算剩余（元）"),
    ], [[Yuan(f.spent_fen), Yuan(f.year_to_date_fen), Yuan(f.budget_fen),
         Rate(f.year_to_date_fen, f.budget_fen), Yuan(f.remaining_fen) if f.budget_fen else ""]],
        widths=[16, 16, 16, 12, 16]))
    return tables
