"""What the 年度总结 is (``AnnualSummary``): the year's figures, its months begun
(``MonthRow``), its checklist, and the document every format renders — the fields
``document.Document`` names. ``annual`` fills it, ``annual_text`` and
``annual_tables`` write from it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from ..formatting import per_unit
from ..models import Section, SummaryScope, YearNote
from ..rollups import Totals
from ..rollups.checklist import CategoryProgress, ItemProgress
from ..rollups.figures import CategoryFigures
from ..rollups.figures import per_unit as per_unit_rows
from .figures import MonthlyFigures
from .narrative import Paragraph
from .tables import Table


@dataclass(frozen=True)


class MonthRow:
    """One month of the year: the 月报's totals and categories for it."""

    month: int
    totals: Totals
    categories: list[CategoryFigures]
    running: bool = False  # the month of today: its figures are to date
    changed: bool = False  # 已定稿, and its 月报 now reads otherwise than the signed one

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
    note: YearNote | None = None  # the year's 存在问题 and 下步打算, if written
    summary_scope: SummaryScope | None = None  # whose words: the unit's, the community's
    # 已定稿 months whose live 月报 differs from the signed one (``final.changes``): in
    # data, or — a copy kept by an earlier wording (``final.reworded``) — maybe in words
    changed_months: list[int] = field(default_factory=list)
    reworded_months: list[int] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.figures.year

    @property
    def final(self) -> bool:
        """已定稿: the year's words are final and its document was kept."""
        return self.note is not None and self.note.final

    def item_place(self, item: ItemProgress) -> str:
        """Whose a checklist item is, one rule for the document (review44 #3): the first
        column of 附表“资源清单完成情况” and whose target a clause of the 资源清单
        sentence is (``annual_text._whose``). In a unit's document the item's community
        and zone (「东门社区·一区」: a zone's name is unique in its community only), or
        its community; in any other its unit, with the zone of an item that has one
        (「县商务局（一区）」: a unit's three zone targets of one category are three rows
        that read alike without it, doc44 #1)."""
        if self.figures.unit is None:
            if item.zone_name:
                return _("%(unit)s（%(zone)s）", unit=item.unit_name, zone=item.zone_name)
            return item.unit_name
        if item.zone_name:
            return f"{item.community_name}·{item.zone_name}"
        return item.community_name

    def tables(self) -> list[Table]:
        return self.attached

    def captioned_tables(self) -> list[tuple[str, Table]]:
        return list(zip(self.captions, self.attached))

    def filename(self, ext: str) -> str:
        return f"{self.title}.{ext}"
