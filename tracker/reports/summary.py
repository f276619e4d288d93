"""The monthly summary (月报) as one object that every format renders.

``build_summary`` takes the month's figures (``figures.py``), lays them out as the
tables behind the text (``tables.py``) and has ``narrative`` write the text from
both, with the words people wrote for the month (存在问题, 下步打算: ``SummaryNote``).
The web page, the .docx, the .xlsx and the .csv all render the same
``MonthlySummary`` — its title block, paragraphs, 落款 and ``tables()`` — so they
cannot disagree.

The document is in the shape such a report is handed up in: a title and a line
saying what it covers; numbered sections that only appear when they have something
to say; the pending note; 存在问题 and 下步打算; the 落款 (who, and the date: the
day the month was marked 已定稿, else today); then the list of tables (附表), each
on its own pages. (A 已定稿 month is served as it was kept at 定稿: ``final.py``.) It is always written in Chinese (it goes to the county's
offices), whatever language the person downloading it reads the site in.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from ..i18n import force_locale
from flask_babel import gettext as _

from ..i18n import month_name
from ..models import Community, SummaryNote, SummaryScope, Unit
from ..services.summary_notes import find_note
from ..timeutil import local_today, to_local
from ..rollups.batch import Plan, given, run
from .figures import MonthlyFigures, monthly_figures_plan
from .narrative import Paragraph, join, paragraphs
from .tables import DOCUMENT_LOCALE, Table, summary_tables


@dataclass
class MonthlySummary(MonthlyFigures):
    """The month's figures with the title block, the text, the 落款 and the tables."""

    title: str = ""
    subtitle: list[str] = field(default_factory=list)  # what it covers, under the title
    paragraphs: list[Paragraph] = field(default_factory=list)
    signer: str = ""  # 落款: the unit (or community) handing it up …
    signed_on: str = ""  # … and the date, e.g. 2022年11月3日
    appendix: str = ""  # 附表：1. 本月活动台账  2. …
    attached: list[Table] = field(default_factory=list)  # 附表, in order
    captions: list[str] = field(default_factory=list)  # 附表1　本月活动台账, one per table
    empty_text: str = ""  # what an empty table reads
    note: SummaryNote | None = None  # the stored words and 已定稿, if any
    summary_scope: SummaryScope = field(default_factory=SummaryScope)

    def tables(self) -> list[Table]:
        """The tables attached to the text (see ``tables.summary_tables``)."""
        return self.attached

    def captioned_tables(self) -> list[tuple[str, Table]]:
        """Each 附表 with its caption (in the document's language, like its headers)."""
        return list(zip(self.captions, self.attached))

    @property
    def final(self) -> bool:
        return self.note is not None and self.note.final

    def filename(self, ext: str) -> str:
        return f"{self.title}.{ext}"


READ = object()  # ``summary_plan``'s words: read them when the plan is made


def build_summary(year: int, month: int, *, unit: Unit | None = None,
                  community: Community | None = None,
                  community_ids: tuple[int, ...] | None = None,
                  today: date | None = None) -> MonthlySummary:
    """Everything the month's summary says, for a unit, a community, or both.

    ``community_ids`` narrows a unit's summary to some communities (a liaison's).
    """
    return run(summary_plan(year, month, unit=unit, community=community,
                            community_ids=community_ids, today=today))


def summary_plan(year: int, month: int, *, unit: Unit | None = None,
                 community: Community | None = None,
                 community_ids: tuple[int, ...] | None = None,
                 today: date | None = None, note: SummaryNote | None | object = READ) -> Plan:
    """``build_summary`` as a plan, for a page that reads more in the same statement.
    The stored words (``SummaryNote``) are read now: they are an entity, not a figure
    (``note``: already read by the caller, or None when there are none; ``READ``: read
    them here)."""
    scope = _summary_scope(unit, community, community_ids)
    note = find_note(scope, year, month) if note is READ else note
    monthly = monthly_figures_plan(year, month, unit=unit, community=community,
                                   community_ids=community_ids)

    def shape(*rowsets) -> MonthlySummary:
        with force_locale(DOCUMENT_LOCALE):  # the ledger's 来源 words too (``_written``)
            return _written(monthly.shape(*rowsets), unit, community, note, scope, today)

    return given(monthly, {}, shape)


def _summary_scope(unit: Unit | None, community: Community | None,
                   community_ids: tuple[int, ...] | None) -> SummaryScope:
    return SummaryScope(unit.id if unit else None, community.id if community else None,
                        tuple(sorted(community_ids)) if community_ids is not None
                        and community is None else None)


def _written(figures: MonthlyFigures, unit: Unit | None, community: Community | None,
             note: SummaryNote | None, scope: SummaryScope,
             today: date | None) -> MonthlySummary:
    """The month's figures as the document: its title block, text, 落款 and tables,
    in the document's language whoever reads the page — and so must the figures'
    shapes run, which word the ledger's 来源 (the callers' ``force_locale``)."""
    year, month = figures.year, figures.month
    with force_locale(DOCUMENT_LOCALE):
        tables = summary_tables(figures)
        signed = to_local(note.finalized_at).date() if note and note.final else (
            today or local_today())
        return MonthlySummary(
            **vars(figures), title=_title(unit, community, year, month, figures.restricted_to),
            subtitle=_subtitle(figures, today or local_today()),
            paragraphs=paragraphs(figures, note, tables),
            signer=(unit or community).name,
            signed_on=_("%(y)s年%(m)s月%(d)s日", y=signed.year, m=signed.month, d=signed.day),
            appendix=appendix_line(tables), attached=tables, captions=caption_lines(tables),
            empty_text=_("（无）"), note=note, summary_scope=scope)


def _title(unit, community, year, month, restricted_to=None) -> str:
    """The unit or community, and the month. A liaison's part of a unit names its
    communities, so that it never goes by the whole unit's title and file name."""
    if unit is not None and community is not None:
        who = _("%(unit)s（%(community)s）", unit=unit.name, community=community.name)
    elif restricted_to:
        who = _("%(unit)s（%(community)s）", unit=unit.name, community=join(restricted_to))
    else:
        who = (unit or community).name
    return _("%(who)s%(month)s社区共建工作情况", who=who, month=month_name(year, month))


def _subtitle(figures: MonthlyFigures, today: date) -> list[str]:
    if (figures.year, figures.month) == (today.year, today.month):
        # the month still running: up to today, and said so
        period = _("统计时间：%(y)s年%(m)s月1日至%(m)s月%(d)s日（本月尚未结束）",
                   y=figures.year, m=figures.month, d=today.day)
    else:
        period = _("统计时间：%(y)s年%(m)s月1日至%(m)s月%(d)s日", y=figures.year,
                   m=figures.month, d=calendar.monthrange(figures.year, figures.month)[1])
    lines = [period, _("（只计已审核通过的完成情况）")]
    if figures.restricted_to:
        lines.append(_("统计范围：%(names)s", names=join(figures.restricted_to)))
    return lines


def caption_lines(tables: list[Table]) -> list[str]:
    return [_("附表%(n)s　%(title)s", n=number, title=table.title)
            for number, table in enumerate(tables, 1)]


def appendix_line(tables: list[Table]) -> str:
    if not tables:
        return ""
    return _("附表：") + "  ".join(f"{i}. {t.title}" for i, t in enumerate(tables, 1))
