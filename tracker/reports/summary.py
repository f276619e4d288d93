"""The monthly summary (月报) as one object that every format renders.

``build_summary`` takes the month's figures (``figures.py``), lays them out as the
tables behind the text (``tables.py``) and has ``narrative`` write the text from
both. The web page, the .docx, the .xlsx and the .csv all render the same
``MonthlySummary`` — its paragraphs and its ``tables()`` — so they cannot disagree.

The document is always written in Chinese (it goes to the county's offices),
whatever language the person downloading it reads the site in.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import force_locale
from flask_babel import gettext as _

from ..models import Community, Unit
from .figures import MonthlyFigures, monthly_figures
from .narrative import Paragraph, paragraphs
from .tables import DOCUMENT_LOCALE, Table, summary_tables


@dataclass
class MonthlySummary(MonthlyFigures):
    """The month's figures with the title, the tables and the text written from them."""

    title: str
    attached: list[Table] = field(default_factory=list)  # 附表, in order
    paragraphs: list[Paragraph] = field(default_factory=list)

    def tables(self) -> list[Table]:
        """The tables attached to the text (see ``tables.summary_tables``)."""
        return self.attached

    def filename(self, ext: str) -> str:
        return f"{self.title}.{ext}"


def build_summary(year: int, month: int, *, unit: Unit | None = None,
                  community: Community | None = None,
                  community_ids: tuple[int, ...] | None = None) -> MonthlySummary:
    """Everything the month's summary says, for a unit, a community, or both.

    ``community_ids`` narrows a unit's summary to some communities (a liaison's).
    """
    with force_locale(DOCUMENT_LOCALE):
        figures = monthly_figures(year, month, unit=unit, community=community,
                                  community_ids=community_ids)
        tables = summary_tables(figures)
        return MonthlySummary(**vars(figures), title=_title(unit, community, year, month),
                              attached=tables, paragraphs=paragraphs(figures, tables))


def _title(unit, community, year, month) -> str:
    if unit is not None and community is not None:
        who = _("%(unit)s（%(community)s）", unit=unit.name, community=community.name)
    else:
        who = (unit or community).name
    return _("%(who)s%(year)s年%(month)s月社区共建工作情况", who=who, year=year, month=month)
