"""The annual summary (年度总结): the year's work as the bureau hands it up.

Every figure is the 月报's, asked of the same rollups over the year
(``figures.year_period_plan``) and counted for each of its months begun from the
year's reads (``_year_plan``), plus the
checklist's year progress (``rollups.checklist``, as 社区共建进展 reads it) with
时序进度 at the year's end. This module asks for them (``annual_plan``) and fills the
document (``annual_document.AnnualSummary``); ``annual_text`` writes its text in the 月报's voice,
``annual_tables`` its 附表 in ``tables.py``'s kinds, so the .docx, .xlsx and .csv are
rendered by the 月报's exporters (they take any ``document.Document``).

存在问题 and 下步打算 are people's words for the year (``YearNote``,
``services.year_notes``), read when the plan is made, as the 月报's are, and told
after the figures under their headings. Its 落款 is the day the year was marked
已定稿 (``annual_final``), else today. The document is always written in Chinese (``DOCUMENT_LOCALE``).

The year counts the data as it is now. A 已定稿 month whose live 月报 no longer reads
as the copy kept at its 定稿 (``final.changes``, the 月报 page's comparison) is
marked, so the office does not find out by adding up the 月报 it handed up.
"""
from __future__ import annotations

from datetime import date

from ..i18n import force_locale
from flask_babel import gettext as _

from ..models import Community, SummaryScope, Unit
from ..rollups import Scope
from ..rollups.batch import Plan, built_once, constant, gather, run
from ..rollups.checklist import (
    resource_progress_by_category_plan,
    resource_progress_plan,
)
from ..rollups.figures import figures_by_category_plan, figures_plan
from ..rollups.scope import year_range
from ..rollups.shared import (
    category_month_task_rows,
    in_month,
    members_plan,
    participants_part,
    summed,
)
from ..timeutil import local_today, month_bounds, to_local
from .annual_document import AnnualSummary, MonthRow
from .annual_tables import annual_tables
from .annual_text import annual_paragraphs, annual_subtitle, annual_title
from .final import YearWords, changes, reworded, year_words
from .figures import MonthlyFigures, scope_of, year_period_plan
from .summary import appendix_line, caption_lines, summary_plan
from .tables import DOCUMENT_LOCALE


def build_annual(year: int, *, unit: Unit | None = None, community: Community | None = None,
                 community_ids: tuple[int, ...] | None = None,
                 today: date | None = None) -> AnnualSummary:
    """Everything the year's summary says, for a unit, a community, or both
    (``community_ids``: a liaison's part of a unit)."""
    return run(annual_plan(year, unit=unit, community=community, community_ids=community_ids,
                           today=today))


def _month_plan(year: int, month: int, by_month: Plan, part) -> Plan:
    """A month's totals and categories, asked as the 月报 asks them
    (``figures._period_plan``): the categories' rows added up, the distinct members
    counted from the participations — both out of the year's reads, the counted tasks
    grouped by month and category (``shared.in_month``) and the participations read
    once (``members_plan(…, month=)``), not a statement of each per month."""
    per_category, this = in_month(by_month, year, month), (year, month)
    scope = Scope(*month_bounds(year, month))  # unread: both reads are given
    return gather(
        figures_plan(scope, tasks=summed(per_category), members=members_plan(part, month=this)),
        # a month's row gives no 受益 (``annual_tables._months_table``): no 服务对象 read
        figures_by_category_plan(scope, include_empty=False, tasks=per_category,
                                 members=members_plan(part, "category", month=this),
                                 named=constant({})),
        shape=lambda overall, categories: (overall.official,
                                           [c for c in categories if c.official.activities]))


def _year_plan(year: int, last: int, unit_id: int | None, ids: tuple[int, ...] | None,
               restricted: bool, today: date) -> Plan:
    """The year's figures (``figures.year_period_plan``) and those of its months begun,
    of plain values: the year's participations are read once for the year and every
    month (one statement object, ``batch.fetch`` runs it once), and the months' counted
    tasks in one statement grouped by month."""
    scope = Scope(*year_range(year), unit_id=unit_id, community_ids=ids)
    part, by_month = participants_part(scope), category_month_task_rows(scope)
    return gather(
        year_period_plan(year, unit_id, ids, restricted, today, part=part),
        *(_month_plan(year, m, by_month, part) for m in range(1, last + 1)),
        shape=lambda figures, *months: (figures, months))


def annual_plan(year: int, *, unit: Unit | None = None, community: Community | None = None,
                community_ids: tuple[int, ...] | None = None,
                today: date | None = None, words: YearWords | None = None) -> Plan:
    """``build_annual`` as a plan (one statement with whatever the page reads); ``words``:
    ``final.year_words`` of the same summary, read by the caller (its ``months`` when
    the summary is not a liaison's part of the unit)."""
    today = today or local_today()
    unit_id, ids, restricted = scope_of(unit, community, community_ids)
    year_end = year_range(year)[1]
    scope = SummaryScope(unit_id, community.id if community is not None else None)
    # people's words: an entity, read now (``words``: already read by the page, with
    # the document its reader is served), with the 已定稿 months, compared with their
    # signed 月报 as the 月报 page does; a liaison's part of the unit has no signed 月报
    # of its own to compare with
    note, _kept, signed = words or year_words(scope, year, months=not restricted)
    # the months begun: one to come has nothing to tell yet
    last = 12 if year < today.year else today.month
    # the year's, the months' and the checklist's statements built once per scope in a
    # process, as the 月报's are (``batch.built_once``): building and combining ~40
    # SELECTs cost more CPU than running them, and with every part built once the
    # page's whole batch is combined once too. The year and its months under one key
    # (they share their reads), so a year takes two places in the bounded cache of
    # built plans, not thirteen.
    figures = built_once(("annual figures", year, last, unit_id, ids, restricted, local_today()),
                         lambda: _year_plan(year, last, unit_id, ids, restricted, local_today()))
    # the checklist of the year as 社区共建进展 reads it, to the year's end (its county
    # branch reads today: in the key, as the progress pages' is)
    checklist = built_once(("annual checklist", year, unit_id, ids, local_today()),
                           lambda: gather(
        resource_progress_plan(year, community_ids=ids, unit_id=unit_id, until=year_end),
        resource_progress_by_category_plan(year, community_ids=ids, unit_id=unit_id,
                                           until=year_end),
        shape=lambda items, categories: (items, categories)))
    lives = [summary_plan(year, m, unit=unit, community=community, today=today, note=kept)
             for m, (kept, _copy) in signed.items()]

    def shape(year_and_months, checklist, *live) -> AnnualSummary:
        plain, month_figures = year_and_months
        figures = MonthlyFigures(unit=unit, community=community, **plain)
        items, categories = checklist
        changed, rewritten = [], []
        for (m, (_kept, copy)), month in zip(signed.items(), live):
            if changes(copy, month):
                (rewritten if reworded(copy) else changed).append(m)
        with force_locale(DOCUMENT_LOCALE):
            rows = [MonthRow(m, totals, cats, running=(year, m) == (today.year, today.month),
                             changed=m in changed)
                    for m, (totals, cats) in enumerate(month_figures, 1)]
            summary = AnnualSummary(figures, rows, items, categories,
                                    schedule_day=min(date(year, 12, 31), today),
                                    note=note, summary_scope=scope,
                                    changed_months=changed, reworded_months=rewritten)
            tables = annual_tables(summary)
            summary.attached, summary.captions = tables, caption_lines(tables)
            summary.title = annual_title(figures)
            summary.subtitle = annual_subtitle(figures, today)
            summary.paragraphs = annual_paragraphs(summary)
            summary.signer = (unit or community).name
            # 落款: the day the year was marked 已定稿, else today (as the 月报's)
            signed_on = to_local(note.finalized_at).date() if note and note.final else today
            summary.signed_on = _("%(y)s年%(m)s月%(d)s日", y=signed_on.year,
                                  m=signed_on.month, d=signed_on.day)
            summary.appendix = appendix_line(tables)
            summary.empty_text = _("（无）")
        return summary

    return gather(figures, checklist, *lives, shape=shape)

