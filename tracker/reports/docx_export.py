"""The monthly summary as a Word document in the conventions of Chinese official
documents (GB/T 9704): A4, title in 方正小标宋简体, body 仿宋_GB2312 三号 (16 pt),
headings 黑体, the 落款 (who, and the date) right-aligned after the text, page
numbers "第 X 页 共 Y 页" in the footer, and the tables (附表) after the 落款 on
landscape pages, with bordered cells, a header row repeated on every page and
column widths fitted to what the columns hold.

python-docx's ``font.name`` sets only the Latin font; Chinese text needs the
``w:eastAsia`` attribute of ``w:rFonts`` as well, so it is set on every style used.
Readers without these fonts installed get their office suite's substitutes (an
installed CJK font: the PDF test in tests/reports checks that with LibreOffice).
"""
from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from flask_babel import force_locale
from flask_babel import gettext as _

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
MIN_TEXT = 8  # a text column shrinks to no fewer characters than this (four Chinese)
LATIN_EM = 0.6  # a digit or Latin letter of the fallback CJK fonts, in em
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


def _page_numbers(section) -> None:
    """第 X 页 共 Y 页, centred in the footer (later sections follow the first)."""
    paragraph = section.footer.paragraphs[0]
    paragraph.style = "Footer"
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fields = {"\x00page": "PAGE", "\x00pages": "NUMPAGES"}
    text = _("第 %(page)s 页 共 %(pages)s 页", page="\x01\x00page\x01",
             pages="\x01\x00pages\x01")
    for part in text.split("\x01"):
        if part in fields:
            _field(paragraph, fields[part])
        elif part:
            paragraph.add_run(part)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _cell_margins(grid) -> None:
    """Narrow cell padding: Word's default (1.9 mm a side) eats a wide table."""
    tbl_pr = grid._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(int(CELL_MARGIN.twips)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tbl_pr.append(margins)


def column_widths(table: Table, text_width: int, char_width: int) -> list[int]:
    """Column widths (EMU) for ``text_width``: each column as wide as its fitted
    content. When that is too wide, the text columns give up room in proportion to
    their width (long text such as 活动内容 keeps the most, and wraps), none below a
    few characters; numbers and dates never wrap. When it is narrower, every column
    grows alike, up to half as wide again."""
    padding = 2 * CELL_MARGIN
    fitted = table.fitted_widths()
    room = (text_width - padding * len(fitted)) // char_width  # characters
    if sum(fitted) <= room:
        scale = min(room / max(1, sum(fitted)), 1.5)
        return [int(w * char_width * scale) + padding for w in fitted]
    whole = table.unbroken
    kept = sum(w for w, keep in zip(fitted, whole) if keep)

    def shrunk(scale):
        return [w if keep else max(min(w, MIN_TEXT), w * scale) for w, keep in zip(fitted, whole)]

    low, high = 0.0, 1.0
    for _ in range(30):  # the largest scale that fits (bisection)
        middle = (low + high) / 2
        low, high = (middle, high) if sum(shrunk(middle)) <= max(room, kept) else (low, middle)
    return [int(w * char_width) + padding for w in shrunk(low)]


def _set_style(paragraph, style_id: str) -> None:
    """Set a paragraph style by its id. ``paragraph.style = name`` looks the name up
    among all styles and compares with the default style on every call: two thirds of
    the render time of a ledger, so the tables resolve their style once."""
    paragraph._p.get_or_add_pPr().style = style_id


def add_table(document, table: Table, text_width: int = LANDSCAPE_TEXT_WIDTH) -> None:
    """A bordered table ("Table Grid"); header row bold and repeated on each page;
    columns fitted to their content."""
    columns = len(table.headers)
    style = document.styles[LEDGER_STYLE if columns >= LEDGER_TABLE else
                            SMALL_TABLE_STYLE if columns >= WIDE_TABLE else TABLE_STYLE]
    numeric = table.numeric
    grid = document.add_table(rows=1 + max(1, len(table.rows)), cols=columns)
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    _cell_margins(grid)
    # All cells in one pass: ``row.cells`` and ``column.cells`` walk the whole table on
    # every call, which makes filling a table row by row quadratic in its length.
    cells = grid._cells
    rows = [cells[start:start + columns] for start in range(0, len(cells), columns)]
    for cell, text in zip(rows[0], table.headers):
        paragraph = cell.paragraphs[0]
        _set_style(paragraph, style.style_id)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold = True
    _repeat_header(grid.rows[0])
    for index, (cells_of_row, values) in enumerate(zip(rows[1:], table.rows), 1):
        total = table.total_row and index == len(table.rows)
        for cell, value, is_number in zip(cells_of_row, values, numeric):
            paragraph = cell.paragraphs[0]
            _set_style(paragraph, style.style_id)
            if is_number:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run(cell_text(value))
            if total:  # a new run has no bold to clear: not touching it keeps the XML the same
                run.bold = True
    widths = column_widths(table, text_width, int(style.font.size.emu * LATIN_EM))
    for column, width in zip(grid.columns, widths):
        column.width = width
    for cells_of_row in rows:
        for cell, width in zip(cells_of_row, widths):
            cell.width = width
    if not table.rows:
        merged = rows[1][0].merge(rows[1][-1])
        _set_style(merged.paragraphs[0], style.style_id)
        merged.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        merged.paragraphs[0].add_run(_("（无）"))


def render_docx(summary) -> bytes:
    with force_locale(DOCUMENT_LOCALE):
        document = _document(summary)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _signature(document, summary) -> None:
    """落款: the unit and the date, right-aligned, after a blank line."""
    document.add_paragraph()
    for text in (summary.signer, summary.signed_on):
        paragraph = document.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.first_line_indent = Pt(0)
        paragraph.paragraph_format.right_indent = Pt(32)


def _document(summary):
    document = Document()
    document.core_properties.title = summary.title
    _styles(document)
    _page(document.sections[0])
    _page_numbers(document.sections[0])

    document.add_paragraph(summary.title, style="Title")
    for line in summary.subtitle:
        document.add_paragraph(line, style="Subtitle")
    for paragraph in summary.paragraphs:
        p = document.add_paragraph()
        if paragraph.heading:
            set_font(p.add_run(paragraph.heading), HEADING_FONT)
        p.add_run(paragraph.text)
    _signature(document, summary)
    if summary.appendix:
        appendix = document.add_paragraph(summary.appendix)
        appendix.paragraph_format.first_line_indent = Pt(0)
        appendix.paragraph_format.space_before = Pt(28)

    tables = summary.tables()
    if tables:
        _page(document.add_section(WD_SECTION.NEW_PAGE), landscape=True)
        for number, table in enumerate(tables, 1):
            document.add_paragraph(_("附表%(n)s　%(title)s", n=number, title=table.title),
                                   style="Heading 1")
            add_table(document, table)
    return document
