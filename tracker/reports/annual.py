"""The annual summary (年度总结): the year's work as the bureau hands it up.

Every figure is the 月报's, asked of the same rollups over the year
(``figures.year_figures_plan``) and over each of its twelve months, plus the
checklist's year progress (``rollups.checklist``, as 社区共建进展 reads it) with
时序进度 at the year's end. The text is written in the 月报's voice from those
figures (a clause whose figure is zero is left out, numbers formatted as the 月报
writes them) and the tables reuse ``tables.py``'s kinds, so the .docx and .xlsx are
rendered by the 月报's exporters (they take any ``document.Document``).

存在问题 and 下步打算 are not part of it: ``SummaryNote`` keys people's words by
(scope, year, month), and a year would need a month that is none (docs/design.md,
"The annual summary").
The document is always written in Chinese (``DOCUMENT_LOCALE``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _

from ..formatting import amount, hours, pending_sentence, per_unit, target_pace, yuan
from ..i18n import month_name
from ..models import FUNDING_CODE, Community, Section, TargetMeasure, Unit
from ..rollups import Scope, Totals
from ..rollups.batch import Plan, gather, run
from ..rollups.checklist import CategoryProgress, ItemProgress, resource_progress_plan
from ..rollups.checklist import resource_progress_by_category_plan
from ..rollups.figures import (
    CategoryFigures,
    figures_by_category_plan,
    figures_plan,
    per_unit as per_unit_rows,
)
from ..rollups.scope import year_range
from ..rollups.shared import category_task_rows, members_plan, participants_part, summed
from ..timeutil import local_today, month_bounds
from .figures import MonthlyFigures, year_figures_plan
from .narrative import (
    MAX_NAMES,
    Paragraph,
    coverage_places,
    double_text,
    pairing_text,
    survey_text,
    volunteer_text,
    join,
    needs_sentence,
    places,
    we,
)
from .summary import caption_lines, appendix_line
from .tables import DOCUMENT_LOCALE, Count, Hours, Rate, Table, Yuan, category_table

NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class MonthRow:
    """One month of the year: the 月报's totals and categories for it."""

    month: int
    totals: Totals
    categories: list[CategoryFigures]

    def activities(self, section: Section | None = None) -> str:
        """The month's activities per word (「3场、5次」: 场 and 次 never added), of one
        section or all."""
        rows = [c for c in self.categories if section is None or c.section == section]
        return per_unit(per_unit_rows(rows, "activities"))


@dataclass
class AnnualSummary:
    """The year's figures with the document every format renders (the fields the
    exporters read: ``document.Document``)."""

    figures: MonthlyFigures  # the year's (``month`` None)
    months: list[MonthRow]
    checklist: list[ItemProgress]
    checklist_categories: list[CategoryProgress]
    schedule_day: date  # where 时序进度 is read: the year's last day, or today
    title: str = ""
    subtitle: list[str] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    signer: str = ""
    signed_on: str = ""
    appendix: str = ""
    attached: list[Table] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    empty_text: str = ""

    @property
    def year(self) -> int:
        return self.figures.year

    def tables(self) -> list[Table]:
        return self.attached

    def captioned_tables(self) -> list[tuple[str, Table]]:
        return list(zip(self.captions, self.attached))

    def filename(self, ext: str) -> str:
        return f"{self.title}.{ext}"


def build_annual(year: int, *, unit: Unit | None = None, community: Community | None = None,
                 community_ids: tuple[int, ...] | None = None,
                 today: date | None = None) -> AnnualSummary:
    """Everything the year's summary says, for a unit, a community, or both
    (``community_ids``: a liaison's part of a unit)."""
    return run(annual_plan(year, unit=unit, community=community, community_ids=community_ids,
                           today=today))


def _month_plan(scope: Scope) -> Plan:
    """A month's totals and categories, asked as the 月报 asks them
    (``figures._period_plan``): the categories' rows added up, the distinct members
    from one read of the participations."""
    per_category, part = category_task_rows(scope), participants_part(scope)
    return gather(
        figures_plan(scope, tasks=summed(per_category), members=members_plan(part)),
        figures_by_category_plan(scope, include_empty=False, tasks=per_category,
                                 members=members_plan(part, "category")),
        shape=lambda overall, categories: (overall.official,
                                           [c for c in categories if c.official.activities]))


def annual_plan(year: int, *, unit: Unit | None = None, community: Community | None = None,
                community_ids: tuple[int, ...] | None = None,
                today: date | None = None) -> Plan:
    """``build_annual`` as a plan (one statement with whatever the page reads)."""
    today = today or local_today()
    if community is not None:
        ids = (community.id,)
    else:
        ids = tuple(sorted(community_ids)) if community_ids is not None else None
    unit_id = unit.id if unit is not None else None
    year_end = year_range(year)[1]
    months = [_month_plan(Scope(*month_bounds(year, m), unit_id=unit_id, community_ids=ids))
              for m in range(1, 13)]

    def shape(figures, items, categories, *month_figures) -> AnnualSummary:
        with force_locale(DOCUMENT_LOCALE):
            rows = [MonthRow(m, totals, cats)
                    for m, (totals, cats) in enumerate(month_figures, 1)]
            summary = AnnualSummary(figures, rows, items, categories,
                                    schedule_day=min(date(year, 12, 31), today))
            tables = annual_tables(summary)
            summary.attached, summary.captions = tables, caption_lines(tables)
            summary.title = _title(figures)
            summary.subtitle = _subtitle(figures, today)
            summary.paragraphs = annual_paragraphs(summary)
            summary.signer = (unit or community).name
            summary.signed_on = _("%(y)s年%(m)s月%(d)s日", y=today.year, m=today.month,
                                  d=today.day)
            summary.appendix = appendix_line(tables)
            summary.empty_text = _("（无）")
        return summary

    return gather(
        year_figures_plan(year, unit=unit, community=community, community_ids=community_ids),
        # the checklist of the year as 社区共建进展 reads it, to the year's end
        resource_progress_plan(year, community_ids=ids, unit_id=unit_id, until=year_end),
        resource_progress_by_category_plan(year, community_ids=ids, unit_id=unit_id,
                                           until=year_end),
        *months, shape=shape)


def _title(f: MonthlyFigures) -> str:
    if f.unit is not None and f.community is not None:
        who = _("%(unit)s（%(community)s）", unit=f.unit.name, community=f.community.name)
    elif f.restricted_to:
        who = _("%(unit)s（%(community)s）", unit=f.unit.name,
                community="、".join(f.restricted_to))
    else:
        who = (f.unit or f.community).name
    return _("%(who)s%(y)s年社区共建工作总结", who=who, y=f.year)


def _subtitle(f: MonthlyFigures, today: date) -> list[str]:
    if f.year == today.year:
        period = _("统计时间：%(y)s年1月1日至%(m)s月%(d)s日（统计至%(m)s月%(d)s日，本年度尚未结束）",
                   y=f.year, m=today.month, d=today.day)
    else:
        period = _("统计时间：%(y)s年1月1日至12月31日", y=f.year)
    lines = [period, _("（只计已审核通过的完成情况）")]
    if f.restricted_to:
        lines.append(_("统计范围：%(names)s", names="、".join(f.restricted_to)))
    return lines


# --- the text ---------------------------------------------------------------------------

def _lead(f: MonthlyFigures) -> str:
    t = f.totals
    activities = per_unit(f.per_unit("activities"))
    year = _("%(y)s年，", y=f.year)
    if f.unit is not None:
        where = [f.community.name] if f.community else f.communities
        text = year + _("%(we)s组织党员干部深入%(places)s开展共建活动%(a)s",
                        we=we(f), places=places(where), a=activities)
    else:
        text = year + _("各共建单位组织党员干部在%(place)s开展共建活动%(a)s",
                        place=f.community.name, a=activities)
    if t.person_times:
        # 参与情况 counts the unit's own roll of the year's last day: the lead names who
        # else is in its people, as the 月报's lead does for the month
        apart = []
        if f.other_units_members:
            apart.append(_("外单位党员干部%(n)s人", n=f.other_units_members))
        if f.moved_members:
            apart.append(_("年内调离的%(n)s人", n=f.moved_members))
        if f.left_members:
            apart.append(_("年内离册的%(n)s人", n=f.left_members))
        if f.off_roll_members:
            apart.append(_("不计入参与统计的%(n)s人", n=f.off_roll_members))
        people = _("%(m)s人", m=t.members)
        if apart:
            people += _("，其中%(parts)s", parts=join(apart))
        text += _("，参与党员干部%(pt)s人次（%(people)s）", pt=t.person_times, people=people)
    if t.minutes:
        text += _("，累计志愿服务%(h)s小时", h=hours(t.minutes))
    if f.section_categories(Section.double) or f.findings.total:
        text += _("，扎实推进社区共建和城市“双创”工作。")
    else:
        text += _("，扎实推进社区共建工作。")
    return text + _("现将全年工作总结如下：")


def _section_pairing(f: MonthlyFigures) -> str:
    clauses = [pairing_text(c) for c in f.section_categories(Section.pairing)
               if c.code != FUNDING_CODE]
    text = ""
    if clauses:
        where = places(f.community_sections[Section.pairing])
        intro = (_("全年针对%(places)s实际困难，按照单位资源清单落实帮扶措施：", places=where)
                 if f.unit is not None else
                 _("全年针对%(places)s实际困难，各共建单位按照资源清单落实帮扶措施：",
                   places=where))
        text = intro + join(clauses, "；") + "。"
    return text + needs_sentence(f)


def _section_volunteer(f: MonthlyFigures) -> str:
    clauses = [volunteer_text(c) for c in f.section_categories(Section.volunteer)]
    if not clauses:
        return ""
    return (_("全年组织党员干部前往%(places)s报到，",
              places=places(f.community_sections[Section.volunteer]))
            + join(clauses, "，") + _("，增强社区居民幸福感、安全感、获得感。"))


def _section_double(f: MonthlyFigures) -> str:
    clauses = [double_text(c, f) for c in f.section_categories(Section.double)]
    clauses.append(survey_text(f))
    clauses = [c for c in clauses if c]
    if not clauses:
        return ""
    where = f.community_sections[Section.double] or f.communities
    intro = (_("按照“双创”工作安排，全年组织党员干部分组前往%(places)s责任区，",
               places=places(where)) if where
             else _("按照“双创”工作安排，全年组织党员干部分组前往责任区，"))
    return intro + join(clauses, "，") + "。"


def _target_clause(c: CategoryProgress) -> str:
    if c.is_money:
        done, target = _("%(x)s元", x=yuan(c.done)), _("%(x)s元", x=yuan(c.target))
    else:
        done, target = amount(c.done, c.unit), amount(c.target, c.unit)
    return _("%(name)s目标%(t)s、完成%(d)s（%(p)s）", name=c.category_name, t=target, d=done,
             p=c.percent)


def _section_checklist(s: AnnualSummary) -> str:
    """The checklist's year: items and targets met, per category against its target,
    and 时序进度 while the year runs."""
    items = [i for i in s.checklist if i.target]
    if not items:
        return ""
    met = sum(1 for i in items if i.done >= i.target)
    text = _("全年资源清单共%(n)s项，已完成全年目标%(m)s项", n=len(items), m=met)
    clauses = [_target_clause(c) for c in s.checklist_categories if c.target]
    if clauses:
        text += _("，其中") + join(clauses, "，")
    text += "。"
    if s.schedule_day < date(s.year, 12, 31):
        pace = target_pace(0, 1, date(s.year, 12, 31), s.schedule_day)
        text += _("截至%(m)s月%(d)s日，时序进度为%(p)s。", m=s.schedule_day.month,
                  d=s.schedule_day.day, p=pace.schedule)
    return text


def _section_coverage(f: MonthlyFigures, tables) -> str:
    cov = f.coverage
    if cov is None or cov.on_roll <= 0:
        return ""
    where = coverage_places(f)
    took = (_("全年在%(places)s参与%(k)s人", places=places(where), k=cov.took_part) if where
            else _("全年参与%(k)s人", k=cov.took_part))
    if cov.elsewhere_only and cov.elsewhere_only == cov.took_part:
        took += _("（均为参加其他单位组织的活动）")
    elif cov.elsewhere_only:
        took += _("（其中%(n)s人只参加了其他单位组织的活动）", n=cov.elsewhere_only)
    text = _("%(we)s在册党员干部%(n)s人，%(took)s，参与率%(rate)s。",
             we=we(f), n=cov.on_roll, took=took, rate=cov.rate_text)
    t = f.totals
    if cov.person_times and (cov.person_times, cov.minutes) != (t.person_times, t.minutes):
        # the 参与情况 page's figures where they are not the lead's (the 月报's rule)
        text += _("本单位党员参与%(pt)s人次、服务时长%(h)s小时（按活动当日所在单位计，"
                  "含参加其他单位组织的活动）。", pt=cov.person_times, h=hours(cov.minutes))
    names = [p.listed_name for p in cov.not_yet]
    if names:
        listed = join(names[:MAX_NAMES])
        if len(names) > MAX_NAMES:
            number = next((n for n, t in enumerate(tables, 1) if t.key == "not_yet"), None)
            listed = _("%(names)s等%(n)s人（名单见附表%(t)s）", names=listed, n=len(names),
                       t=number)
        text += _("全年未参与：%(names)s。", names=listed)
    return text


def _section_funds(f: MonthlyFigures) -> str:
    funds = f.funds
    if funds.spent_fen <= 0:
        return ""
    text = _("全年使用共建活动经费%(x)s元", x=yuan(funds.spent_fen))
    if funds.budget_fen:
        if funds.unbudgeted_fen:
            text += _("，其中%(x)s元占年度预算（%(b)s元）的%(p)s", x=yuan(funds.budgeted_fen),
                      b=yuan(funds.budget_fen), p=funds.used)
        else:
            text += _("，占年度预算（%(b)s元）的%(p)s", b=yuan(funds.budget_fen), p=funds.used)
        if funds.total_over:
            text += _("，超出预算%(x)s元", x=yuan(-funds.remaining_fen))
        if funds.unbudgeted_fen:
            text += _("，另有未设预算的支出%(x)s元", x=yuan(funds.unbudgeted_fen))
    return text + "。"


def annual_paragraphs(s: AnnualSummary) -> list[Paragraph]:
    """The year's text: the lead, then each section with something to say, numbered
    一、二、三… in the order they appear, then the pending note."""
    f = s.figures
    tables = s.attached
    out: list[Paragraph] = []
    if f.is_empty:
        out.append(Paragraph(_("本年度暂无已审核的共建活动。")))
    else:
        out.append(Paragraph(_lead(f)))
    sections = [
        (_("落实结对共建责任。"), "" if f.is_empty else _section_pairing(f)),
        (_("组织党员志愿服务。"), _section_volunteer(f)),
        (_("协同推进“双创”工作。"), _section_double(f)),
        (_("资源清单完成情况。"), _section_checklist(s)),
        (_("参与情况。"), _section_coverage(f, tables)),
        (_("共建活动经费。"), _section_funds(f)),
    ]
    numbers = iter(NUMERALS)
    for heading, text in sections:
        if text:
            out.append(Paragraph(text, heading=f"{next(numbers)}、{heading}"))
    pending = pending_sentence(f.pending)
    if pending:
        out.append(Paragraph(pending))
    return out


# --- the tables -------------------------------------------------------------------------

def annual_tables(s: AnnualSummary) -> list[Table]:
    """附表: month by month, the categories, the checklist, 参与情况 and funds — those
    with rows (all of them in an empty year, as the 月报 does)."""
    f = s.figures
    tables = [_months_table(s), category_table(f), _checklist_table(s)]
    cov = f.coverage
    if cov is not None and cov.on_roll > 0:
        tables.append(Table("coverage", _("参与情况"), [
            _("在册党员干部"), _("全年参与"), _("参与率"), _("未参与"),
        ], [[cov.on_roll, cov.took_part, Rate(cov.took_part, cov.on_roll), len(cov.not_yet)]],
            widths=[12, 10, 10, 10]))
        absent = Table("not_yet", _("全年未参与名单"), [_("序号"), _("姓名"), _("备注")],
                       widths=[6, 14, 24])
        for number, person in enumerate(cov.not_yet, 1):
            absent.rows.append([number, person.listed_name,
                                _("有活动待审核") if person.has_pending else ""])
        tables.append(absent)
    tables.append(_funds_table(f))
    return tables if f.is_empty else [t for t in tables if t.rows]


SECTION_COLUMNS = (Section.pairing, Section.volunteer, Section.double)


def _months_table(s: AnnualSummary) -> Table:
    """Twelve months and the year: the 合计 is the year's figures (``figures``), which
    are the months added up (activities per word, 场 and 次 never added)."""
    section_headers = {Section.pairing: _("结对共建活动"), Section.volunteer: _("志愿服务活动"),
                       Section.double: _("“双创”活动")}
    table = Table("months", _("分月统计"), [
        _("月份"), _("活动"), _("人次"), _("服务时长（小时）"),
        *(section_headers[section] for section in SECTION_COLUMNS),
    ], widths=[8, 12, 8, 10, 12, 12, 12])
    for row in s.months:
        table.rows.append([month_name(s.year, row.month), row.activities() or "—",
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
    """Each checklist item of the year: its target, what was done, the share, and how
    it stands against 时序进度 at the year's end (or today)."""
    by_unit = s.figures.unit is None
    table = Table("checklist", _("资源清单完成情况"), [
        _("单位") if by_unit else _("社区"), _("类别"), _("年度目标"), _("已完成"),
        _("完成率"), _("时序进度"), _("进度"),
    ], widths=[16, 16, 12, 12, 8, 8, 24])
    for i in s.checklist:
        if not i.target:
            continue
        where = i.unit_name if by_unit else (
            f"{i.community_name}·{i.zone_name}" if i.zone_name else i.community_name)
        pace = target_pace(i.done, i.target, date(i.year, 12, 31), s.schedule_day)
        if i.measure == TargetMeasure.money:
            target, done = Yuan(i.target), Yuan(i.done)
        else:
            target, done = Count(i.target, i.unit), Count(i.done, i.unit)
        table.rows.append([where, i.category_name, target, done, Rate(i.done, i.target),
                           pace.schedule, pace.reading])
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

