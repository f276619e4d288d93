"""What the .docx and .xlsx exporters render: a document handed up — the 月报
(``summary.MonthlySummary``) or the 年度总结 (``annual.AnnualSummary``).

A title block (title, the lines under it), the text (``Paragraph``s, a heading
before some), the 落款 (who, and the date), the list of 附表 and the 附表 themselves
with their captions. The exporters read nothing else, so a new kind of document
needs no exporter of its own.
"""
from __future__ import annotations

from typing import Protocol

from .narrative import Paragraph
from .tables import Table


class Document(Protocol):
    title: str
    subtitle: list[str]
    paragraphs: list[Paragraph]
    signer: str
    signed_on: str
    appendix: str  # 附表：1. …  2. … ("" without tables)

    def captioned_tables(self) -> list[tuple[str, Table]]:
        """Each 附表 with its caption (附表1　…), in order."""
        ...
