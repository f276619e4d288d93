"""The 年度总结's 附表 (``annual_document.AnnualSummary``): month by month, the categories, the
checklist, 参与情况 and funds, in ``tables.py``'s kinds (the 月报's exporters render
them).
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from ..formatting import target_pace
from ..i18n import month_name
from ..models import Section, TargetMeasure
from ..timeutil import period_elapsed
from .annual_document import AnnualSummary, MonthRow
from .figures import MonthlyFigures
from .tables import (
    Count,
    Hours,
    Rate,
    Table,
    Yuan,
    YuanAmount,
    category_table,
    coverage_tables,
    needs_table,
)


def annual_tables(s: AnnualSummary) -> list[Table]:
    """附表: month by month, the categories, the checklist, 参与情况, the needs and funds —
    those with rows (all of them in an empty year, as the 月报 does)."""
    f = s.figures
    tables = [_months_table(s), category_table(f), _checklist_table(s)]
    cov = f.coverage
    if cov is not None and cov.on_roll > 0:
        tables += coverage_tables(cov, _("全年参与"), _("全年未参与名单"))
    tables.append(needs_table(f, _("全年发布（条）"), _("全年完成（条）")))
    tables.append(_funds_table(f))
    return tables if f.is_empty else [t for t in tables if t.rows]


SECTION_COLUMNS = (Section.pairing, Section.volunteer, Section.double)

# after a month of 分月统计 whose 月报 changed since its 定稿: not a figure of the year
# (``annual_text.unmarked``)
CHANGED_MARK = "*"


def _months_table(s: AnnualSummary) -> Table:
    """The months begun (the running one marked, those changed since 定稿 with *) and the
    year: the 合计 is the year's figures (``figures``), which
    are the months added up (activities per word, 场 and 次 never added)."""
    section_headers = {Section.pairing: _("结对共建活动"), Section.volunteer: _("志愿服务活动"),
                       Section.double: _("“双创”活动")}
    table = Table("months", _("分月统计"), [
        _("月份"), _("活动"), _("人次"), _("服务时长（小时）"),
        *(section_headers[section] for section in SECTION_COLUMNS),
    ], widths=[8, 12, 8, 10, 12, 12, 12])
    for row in s.months:
        label = month_name(s.year, row.month)
        if row.running:
            label += _("（截至%(d)s日）", d=s.schedule_day.day)
        if row.changed:  # the text says why (``annual_text.changed_sentence``)
            label += CHANGED_MARK
        table.rows.append([label, row.activities() or "—",
                           row.totals.person_times, Hours(row.totals.minutes),
                           *(row.activities(section) or "—"
                             for section in SECTION_COLUMNS)])
    f = s.figures
    year = MonthRow(0, f.totals, f.categories)
    table.rows.append([_("合计"), year.activities() or "—", f.totals.person_times,
                       Hours(f.totals.minutes),
                       *(year.activities(section) or "—" for section in SECTION_COLUMNS)])
    table.total_row = True
    return table


def _checklist_table(s: AnnualSummary) -> Table:
    """Each checklist item of the year: its target, what was done, the share, 时序进度
    at the year's end (or today) and how the item stands against it — not a budget's."""
    by_unit = s.figures.unit is None
    table = Table("checklist", _("资源清单完成情况"), [
        _("单位") if by_unit else _("社区"), _("类别"), _("年度目标"), _("已完成"),
        _("完成率"), _("时序进度"), _("进度"),
    ], widths=[16, 16, 12, 12, 8, 8, 24])
    year_end = date(s.year, 12, 31)
    schedule = Rate(*period_elapsed(year_end, s.schedule_day))
    for i in s.checklist:
        if not i.target:
            continue
        where = s.item_place(i)
        if i.measure == TargetMeasure.money:
            # a budget is spent, not done ahead of or behind time (社区共建进展 too)
            target, done, reading = YuanAmount(i.target), YuanAmount(i.done), "—"
        else:
            target, done = Count(i.target, i.unit), Count(i.done, i.unit)
            reading = target_pace(i.done, i.target, year_end, s.schedule_day,
                                  spaced=False).reading
        table.rows.append([where, i.category_name, target, done, Rate(i.done, i.target),
                           schedule, reading])
    return table


def _funds_table(f: MonthlyFigures) -> Table:
    by_unit = f.unit is None and f.community is not None
    table = Table("funds", _("共建活动经费"), [
        _("单位") if by_unit else _("社区"), _("全年使用（元）"), _("年度预算（元）"),
        _("预算使用率"), _("预算剩余（元）"), _("未设预算的支出（元）"),
    ], widths=[16, 14, 14, 10, 14, 14])

    def cells(fund) -> list:
        return [Yuan(fund.spent_fen),
                Yuan(fund.budget_fen) if fund.budget_fen else _("未设定"),
                Rate(fund.budgeted_fen, fund.budget_fen),
                Yuan(fund.remaining_fen) if fund.budget_fen else "—",
                Yuan(fund.unbudgeted_fen)]

    for ledger in f.fund_ledgers:
        table.rows.append([ledger.unit_name if by_unit else ledger.community_name,
                           *cells(ledger.fund)])
    if f.fund_ledgers:
        table.rows.append([_("合计"), *cells(f.funds)])
        table.total_row = True
    return table


