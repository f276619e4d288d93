"""The annual summary (年度总结): the year's work as the bureau hands it up.

Every figure is the 月报's, asked of the same rollups over the year
(``figures.year_figures_plan``) and over each of its months begun, plus the
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

from flask_babel import force_locale
from flask_babel import gettext as _

from ..models import Community, SummaryScope, Unit
from ..rollups import Scope
from ..rollups.batch import Plan, built_once, gather, run
from ..rollups.checklist import (
    resource_progress_by_category_plan,
    resource_progress_plan,
)
from ..rollups.figures import figures_by_category_plan, figures_plan
from ..rollups.scope import year_range
from ..rollups.shared import category_task_rows, members_plan, participants_part, summed
from ..services.year_notes import find_year_note
from ..timeutil import local_today, month_bounds, to_local
from .annual_document import AnnualSummary, MonthRow
from .annual_tables import annual_tables
from .annual_text import annual_paragraphs, annual_subtitle, annual_title
from .final import changes, reworded, signed_months
from .figures import year_figures_plan
from .summary import appendix_line, caption_lines, summary_plan
from .tables import DOCUMENT_LOCALE


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
    scope = SummaryScope(unit_id, community.id if community is not None else None)
    note = find_year_note(scope, year)  # people's words: an entity, read now
    # the months begun: one to come has nothing to tell yet
    last = 12 if year < today.year else today.month
    # the months' and the checklist's statements built once per scope in a process, as
    # the year's and the 月报's are (``batch.built_once``): building and combining ~50
    # SELECTs cost more CPU than running them, and with every part built once the
    # page's whole batch is combined once too. One key for all the months, so a year
    # takes two places in the bounded cache of built plans, not thirteen.
    months = built_once(("annual months", year, last, unit_id, ids), lambda: gather(
        *(_month_plan(Scope(*month_bounds(year, m), unit_id=unit_id, community_ids=ids))
          for m in range(1, last + 1)), shape=lambda *figures: figures))
    # the checklist of the year as 社区共建进展 reads it, to the year's end (its county
    # branch reads today: in the key, as the progress pages' is)
    checklist = built_once(("annual checklist", year, unit_id, ids, local_today()),
                           lambda: gather(
        resource_progress_plan(year, community_ids=ids, unit_id=unit_id, until=year_end),
        resource_progress_by_category_plan(year, community_ids=ids, unit_id=unit_id,
                                           until=year_end),
        shape=lambda items, categories: (items, categories)))
    # the 已定稿 months, compared with their signed 月报 as the 月报 page does; a
    # liaison's part of the unit has no signed 月报 of its own to compare with
    restricted = community is None and community_ids is not None
    signed = {} if restricted else signed_months(scope, year)
    lives = [summary_plan(year, m, unit=unit, community=community, today=today, note=kept)
             for m, (kept, _copy) in signed.items()]

    def shape(figures, checklist, month_figures, *live) -> AnnualSummary:
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

    return gather(
        year_figures_plan(year, unit=unit, community=community, community_ids=community_ids),
        checklist, months, *lives, shape=shape)

