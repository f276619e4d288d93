"""A document handed up (``document.Document``: the 月报, the 年度总结) as a Word
document in the conventions of Chinese official documents (GB/T 9704): A4, title in
方正小标宋简体, body 仿宋_GB2312 三号 (16 pt), headings 黑体, the 落款 (who, and the
date) right-aligned after the text, page numbers "第 X 页 共 Y 页" in the footer, and
the tables (附表) after the 落款 on landscape pages, each starting a page of its own with
its caption kept with it, with bordered cells, a header row repeated on every page and
column widths fitted to what the columns hold.

python-docx's ``font.name`` sets only the Latin font; Chinese text needs the
``w:eastAsia`` attribute of ``w:rFonts`` as well, so it is set on every style used.
Readers without these fonts installed get their office suite's substitutes (an
installed CJK font: the PDF test in tests/reports checks that with LibreOffice).
"""
from __future__ import annotations

import io
import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Mm, Pt, RGBColor
from ..i18n import force_locale
from flask_babel import gettext as _
from markupsafe import escape

from ..fields import clean_text
from .document import Document as HandedUp
from .layout import MIN_TEXT, break_header, fit_columns, share_columns
from .tables import DOCUMENT_LOCALE, Table, cell_text

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
TABLE_STYLE = "报表正文"
SMALL_TABLE_STYLE = "报表正文（小）"
LEDGER_STYLE = "报表正文（台账）"
WIDE_TABLE = 10  # columns from which a table is set in 小五 (9 pt) instead of 五号 …
LEDGER_TABLE = 13  # … and from which in 8 pt (the ledger: one row per activity)
CELL_MARGIN = Mm(1)
LATIN_EM = 0.6  # a display column (half a Chinese character), in em
# as office software sets a table cell (LibreOffice measured, Word alike): a digit or
# Latin letter of the fallback fonts (DejaVu Sans: 0.636 em), and the space both put
# between a Chinese character and a digit or Latin letter ("autospace": LibreOffice
# 0.2 em, Word about a quarter) — 「11月20日」 has three such joins
CHINESE_EM = 1.05  # a Chinese character is 1 em: a little room to spare
DIGIT_EM = 0.64
AUTOSPACE_EM = 0.25
SHORT_TEXT = 12  # display columns (six Chinese) a short text column keeps when it can
LANDSCAPE_MARGIN = Mm(15)
LANDSCAPE_TEXT_WIDTH = Mm(297) - 2 * LANDSCAPE_MARGIN


def set_font(target, name: str, size: float | None = None, bold: bool | None = None) -> None:
    """Latin and East Asian font of a style or a run."""
    target.font.name = name
    if size is not None:
        target.font.size = Pt(size)
    if bold is not None:
        target.font.bold = bold
    element = target.element if hasattr(target, "element") else target._element
    rpr = element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)  # a theme font would win over the named one
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        rfonts.set(qn(attr), name)


def _page(section, landscape: bool = False) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.page_width, section.page_height = width, height
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(20)
    if landscape:
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin = section.right_margin = LANDSCAPE_MARGIN
        section.footer_distance = Mm(8)


def _styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    set_font(normal, BODY_FONT, 16)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28)
    fmt.first_line_indent = Pt(32)  # two characters
    fmt.space_before = fmt.space_after = Pt(0)

    title = styles["Title"]
    set_font(title, TITLE_FONT, 22, bold=False)
    title.font.color.rgb = RGBColor(0, 0, 0)
    for border in title.element.xpath("./w:pPr/w:pBdr"):  # the template underlines titles
        border.getparent().remove(border)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.first_line_indent = Pt(0)
    title.paragraph_format.space_after = Pt(8)
    title.paragraph_format.line_spacing = Pt(36)

    subtitle = styles["Subtitle"]
    set_font(subtitle, SUBHEADING_FONT, 14, bold=False)
    subtitle.font.italic = False
    subtitle.font.color.rgb = RGBColor(0, 0, 0)
    subtitle.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.paragraph_format.first_line_indent = Pt(0)
    subtitle.paragraph_format.space_after = Pt(12)

    for name, font in (("Heading 1", HEADING_FONT), ("Heading 2", SUBHEADING_FONT)):
        heading = styles[name]
        set_font(heading, font, 16, bold=False)
        heading.font.color.rgb = RGBColor(0, 0, 0)
        heading.paragraph_format.first_line_indent = Pt(0)
        heading.paragraph_format.space_before = Pt(12)
        heading.paragraph_format.space_after = Pt(6)

    for style_name, size in ((TABLE_STYLE, 10.5), (SMALL_TABLE_STYLE, 9), (LEDGER_STYLE, 8)):
        cell = styles.add_style(style_name, WD_STYLE_TYPE.PARAGRAPH)
        cell.base_style = normal
        set_font(cell, BODY_FONT, size)
        cell.paragraph_format.first_line_indent = Pt(0)
        cell.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE

    footer = styles["Footer"]
    set_font(footer, BODY_FONT, 12)
    footer.paragraph_format.first_line_indent = Pt(0)


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) the reader's office suite fills in."""
    def char(kind):
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    run = paragraph.add_run()
    run._r.append(char("begin"))
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    run._r.append(char("separate"))
    paragraph.add_run("1")
    paragraph.add_run()._r.append(char("end"))


def _page_numbers(section, footer_style: str, text: str) -> None:
    """第 X 页 共 Y 页, centred in the footer (later sections follow the first);
    ``text`` is the wording, its two numbers marked as ``_document`` marks them."""
    paragraph = section.footer.paragraphs[0]
    _set_style(paragraph, footer_style)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fields = {"\x00page": "PAGE", "\x00pages": "NUMPAGES"}
    for part in text.split("\x01"):
        if part in fields:
            _field(paragraph, fields[part])
        elif part:
            paragraph.add_run(part)


@lru_cache(maxsize=4)
def _blank(footer: str) -> bytes:
    """A document before its text — the styles, the first section's page and its
    page numbers — saved. Made once per process (per wording of the footer): opening
    the saved bytes costs what python-docx's empty template costs, and the styles
    (about a quarter of a month's render at county scale) are then there."""
    document = Document()
    _styles(document)
    _page(document.sections[0])
    _page_numbers(document.sections[0], document.styles["Footer"].style_id, footer)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_style(paragraph, style_id: str) -> None:
    """Set a paragraph style by its id. ``paragraph.style = name`` (and the ``style``
    of ``add_paragraph``) looks the name up among all styles and compares it with the
    default style on every call."""
    paragraph._p.get_or_add_pPr().style = style_id


def _add_paragraph(document, text: str, style_id: str):
    paragraph = document.add_paragraph(clean_text(text))
    _set_style(paragraph, style_id)
    return paragraph


def set_width(text: str) -> float:
    """``text``'s width in display columns as office software sets it: a Chinese
    character ``CHINESE_EM`` (two display columns would be 1.2 em: a fifth too much,
    which made a full ledger shrink every column), a digit or Latin letter
    ``DIGIT_EM``, and ``AUTOSPACE_EM`` more wherever a Chinese character meets a digit
    or Latin letter. Measured with ``tables.display_width`` alone, 「12月3日」 was a
    character short of its column and printed 「12月3」 over 「日」."""
    width = 0.0
    joins = 0
    before = None  # whether the last character was Chinese (None: neither)
    for ch in text:
        wide = unicodedata.east_asian_width(ch) in "WF"
        width += (CHINESE_EM if wide else DIGIT_EM) / LATIN_EM
        kind = True if wide else (False if ch.isalnum() else None)
        if kind is not None and before is not None and kind != before:
            joins += 1
        before = kind
    return width + joins * AUTOSPACE_EM / LATIN_EM


def column_widths(table: Table, text_width: int, char_width: int) -> list[int]:
    """Column widths (EMU) for ``text_width``: each column as wide as its fitted
    content (``set_width``). When that is too wide, the widest text column gives up
    room first (``layout.share_columns``: 活动内容 is cut down toward the next widest,
    and wraps), so a text column a few characters longer than the short ones (an
    eight-character 活动, a long place) keeps its line — shrunk in proportion with
    活动内容, it lost its last character or two to a second line (「困难群众结对帮」
    over 「扶」), as every column did before widths were fitted (「解放路社」 over
    「区」). None gets narrower than its header or ``MIN_TEXT``, nor a column cut this
    way than half its width. A busy ledger, every column full, where that is still too
    wide, shares the room in proportion as before (``layout.fit_columns``): a short
    text column (a community, a place, two names: up to ``SHORT_TEXT``) keeps its width
    while the longer ones shrink; only when that cannot fit do the short ones shrink
    too. Numbers and dates never wrap (their cells are ``w:noWrap`` as well). When it
    is narrower, every column grows alike, up to half as wide again."""
    padding = 2 * CELL_MARGIN
    fitted = table.fitted_widths(set_width)
    room = (text_width - padding * len(fitted)) // char_width  # characters
    if sum(fitted) <= room:
        scale = min(room / max(1, sum(fitted)), 1.5)
        return [int(w * char_width * scale) + padding for w in fitted]
    unbroken = table.unbroken
    # an eight-character 活动 or 类别 of 活动（类别） keeps its line (``Table.kept_widths``)
    floors = [max(MIN_TEXT, header, kept) for header, kept in
              zip(table.header_widths(set_width), table.kept_widths(set_width))]
    shared = share_columns(fitted, unbroken, room, floors)
    if shared is None:
        short = SHORT_TEXT if sum(w if keep else min(w, SHORT_TEXT)
                                  for w, keep in zip(fitted, unbroken)) <= room else MIN_TEXT
        shared = fit_columns(fitted, unbroken, room, [max(short, floor) for floor in floors])
    return [int(w * char_width) + padding for w in shared]


_BREAKS = re.compile(r"([\t\r\n])")  # a run's w:tab and w:br
_CELL_END = "</w:p></w:tc>"
_CANT_SPLIT = "<w:cantSplit/>"  # a row is never split across pages
_ROW = f"<w:tr><w:trPr>{_CANT_SPLIT}</w:trPr>"


def _text_xml(text: str) -> str:
    """The content of a run holding ``text``, as python-docx's ``add_run(text)`` writes
    it: a tab is a ``w:tab``, a line break (CR or LF) a ``w:br``, the rest ``w:t``
    elements (``xml:space="preserve"`` when they start or end with a space)."""
    if not _BREAKS.search(text):
        return _t_xml(text)
    parts = []
    for piece in _BREAKS.split(text):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            parts.append("<w:br/>")
        elif piece:
            parts.append(_t_xml(piece))
    return "".join(parts)


def _t_xml(text: str) -> str:
    escaped = escape(text)  # the XML is parsed: any valid escaping gives the same element
    if len(text.strip()) < len(text):
        return f'<w:t xml:space="preserve">{escaped}</w:t>'
    return f"<w:t>{escaped}</w:t>"


def _cell_start(width: int, style_id: str, align: str | None, span: int = 1,
                no_wrap: bool = False) -> str:
    """A ``w:tc`` up to its paragraph's run: the cell's width (twips) and span, whether
    its text may wrap, the paragraph's style and alignment. Made once per column of a
    table."""
    span_xml = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    wrap_xml = "<w:noWrap/>" if no_wrap else ""
    align_xml = f'<w:jc w:val="{align}"/>' if align else ""
    return (f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>{span_xml}{wrap_xml}</w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="{escape(style_id)}"/>'
            f"{align_xml}</w:pPr>")


def _run_xml(text: str, bold: bool) -> str:
    """A run holding ``text``, without the control characters XML cannot hold (typed
    before the forms removed them: python-docx would refuse the whole document)."""
    text = clean_text(text)
    if bold:
        return f"<w:r><w:rPr><w:b/></w:rPr>{_text_xml(text) if text else ''}</w:r>"
    return f"<w:r>{_text_xml(text)}</w:r>" if text else "<w:r/>"


@dataclass(frozen=True)
class TableStyles:
    """The styles a table uses, looked up by name once per document (each lookup
    searches every style)."""

    grid: str  # the table style's id ("Table Grid")
    cells: dict[str, tuple[str, int]]  # paragraph style name: (id, width of a digit in EMU)

    @classmethod
    def of(cls, document) -> TableStyles:
        styles = document.styles
        return cls(styles["Table Grid"].style_id, {
            name: (styles[name].style_id, int(styles[name].font.size.emu * LATIN_EM))
            for name in (TABLE_STYLE, SMALL_TABLE_STYLE, LEDGER_STYLE)})


def add_table(document, table: Table, text_width: int = LANDSCAPE_TEXT_WIDTH,
              styles: TableStyles | None = None) -> None:
    """A bordered table ("Table Grid"), centred, of fixed layout with narrow cell
    padding; header row bold, centred and repeated on each page; numbers right-aligned;
    the total row (if any) bold; columns fitted to their content; an empty table has
    one row reading （无） across its whole width; no row split across pages; a header
    wider than its column broken before its bracket.

    The table is written as XML and parsed once, in the same elements python-docx's
    ``add_table``, ``cell.width``, ``paragraph.style``, ``add_run`` and ``merge``
    would make (``tests/reports/test_docx_tables.py`` compares the two): going through
    python-docx cell by cell cost about 2 ms per row of a 16-column ledger, most of a
    unit's 月报 at county scale."""
    styles = styles or TableStyles.of(document)
    columns = len(table.headers)
    style_id, char_width = styles.cells[LEDGER_STYLE if columns >= LEDGER_TABLE else
                                        SMALL_TABLE_STYLE if columns >= WIDE_TABLE else
                                        TABLE_STYLE]
    emus = column_widths(table, text_width, char_width)
    widths = [Emu(width).twips for width in emus]
    # a header wider than its column breaks before its bracket (服务时长 / （小时）)
    headers = [break_header(header, (width - 2 * CELL_MARGIN) / char_width)
               for header, width in zip(table.headers, emus)]
    margin = int(CELL_MARGIN.twips)  # narrow padding: Word's 1.9 mm a side eats a wide table
    parts = [
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        f'<w:tblStyle w:val="{escape(styles.grid)}"/>'
        f'<w:tblW w:type="auto" w:w="0"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:left w:w="{margin}" w:type="dxa"/>'
        f'<w:right w:w="{margin}" w:type="dxa"/></w:tblCellMar>'
        f'<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
        f'w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr><w:tblGrid>',
        *(f'<w:gridCol w:w="{width}"/>' for width in widths),
        f'</w:tblGrid><w:tr><w:trPr>{_CANT_SPLIT}<w:tblHeader w:val="true"/></w:trPr>',
        *(_cell_start(width, style_id, "center") + _run_xml(text, True) + _CELL_END
          for width, text in zip(widths, headers)),
        "</w:tr>",
    ]
    starts = [_cell_start(width, style_id, "right" if is_number else None, no_wrap=keep)
              for width, is_number, keep in zip(widths, table.numeric, table.unbroken)]
    last = len(table.rows)
    for index, values in enumerate(table.rows, 1):
        total = table.total_row and index == last
        parts.append(_ROW)
        parts.extend(start + _run_xml(cell_text(value), total) + _CELL_END
                     for start, value in zip(starts, values))
        parts.append("</w:tr>")
    if not table.rows:
        parts += [_ROW, _cell_start(sum(widths), style_id, "center", span=columns),
                  _run_xml(_("（无）"), False), _CELL_END, "</w:tr>"]
    parts.append("</w:tbl>")
    document.element.body._insert_tbl(parse_xml("".join(parts)))


def render_docx(summary: HandedUp) -> bytes:
    with force_locale(DOCUMENT_LOCALE):
        document = _document(summary)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _signature(document, summary) -> None:
    """落款: the unit and the date, right-aligned, after a blank line; and the list of
    附表 after it. The text's last paragraph, the 落款 and the list are kept together
    (keep with next): a month whose text filled its first page printed the 附表 list
    alone on a page of its own (a 落款 alone would read as unsigned text)."""
    kept = [document.add_paragraph()]
    for text in (summary.signer, summary.signed_on):
        paragraph = document.add_paragraph(clean_text(text))
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.first_line_indent = Pt(0)
        paragraph.paragraph_format.right_indent = Pt(32)
        kept.append(paragraph)
    if summary.appendix:
        appendix = document.add_paragraph(clean_text(summary.appendix))
        appendix.paragraph_format.first_line_indent = Pt(0)
        appendix.paragraph_format.space_before = Pt(28)
    else:
        kept.pop()  # the date ends the text: nothing to keep it with
    last_text = kept[0]._p.getprevious()
    if last_text is not None and last_text.tag == qn("w:p"):
        last_text.get_or_add_pPr().keepNext_val = True
    for paragraph in kept:
        paragraph.paragraph_format.keep_with_next = True


def _document(summary):
    footer = _("第 %(page)s 页 共 %(pages)s 页", page="\x01\x00page\x01",
               pages="\x01\x00pages\x01")
    document = Document(io.BytesIO(_blank(footer)))
    document.core_properties.title = clean_text(summary.title)
    ids = {name: document.styles[name].style_id for name in ("Title", "Subtitle", "Heading 1")}

    _add_paragraph(document, summary.title, ids["Title"])
    for line in summary.subtitle:
        _add_paragraph(document, line, ids["Subtitle"])
    for paragraph in summary.paragraphs:
        p = document.add_paragraph()
        if paragraph.heading:
            set_font(p.add_run(clean_text(paragraph.heading)), HEADING_FONT)
        p.add_run(clean_text(paragraph.text))  # the 存在问题 and 下步打算 people typed
    _signature(document, summary)

    tables = summary.captioned_tables()
    if tables:
        _page(_section_after_text(document), landscape=True)
        table_styles = TableStyles.of(document)
        for caption, table in tables:
            _caption(document, caption, ids["Heading 1"])
            add_table(document, table, styles=table_styles)
    return document


def _section_after_text(document):
    """A section starting on a new page after the text, its break held by the text's
    last paragraph. python-docx's ``add_section`` holds it in an empty paragraph of its
    own, which falls onto a page of its own — a blank page before the 附表 — when the
    text fills its last page to the bottom."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    holder = document.element.body.xpath("./w:p[w:pPr/w:sectPr]")[-1]
    last = holder.getprevious()
    if last is not None and last.tag == qn("w:p") and (last.pPr is None
                                                       or last.pPr.sectPr is None):
        last.set_sectPr(holder.pPr.sectPr)
        holder.getparent().remove(holder)
    return section


def _caption(document, caption: str, style_id: str) -> None:
    """A 附表's caption (附表N　title) at the top of a page of its own, kept with its
    table: an office files each 附表 as a sheet of its own, and a caption at the foot of
    a page with its table on the next reads as a table without a title. A page break
    *before* the caption, not an empty paragraph holding a break, which would itself
    fall onto a fresh page and leave it blank; at the top of the tables' first page the
    break asks for nothing more."""
    paragraph = _add_paragraph(document, caption, style_id)
    paragraph.paragraph_format.page_break_before = True
    paragraph.paragraph_format.keep_with_next = True
