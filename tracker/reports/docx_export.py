"""The monthly summary as a Word document in the conventions of Chinese official
documents: A4, title in 方正小标宋简体, body 仿宋_GB2312 三号 (16 pt), headings
黑体, tables with borders (the appendix on landscape pages, the ledger is wide).

python-docx's ``font.name`` sets only the Latin font; Chinese text needs the
``w:eastAsia`` attribute of ``w:rFonts`` as well, so it is set on every style used.
Readers without these fonts installed get Word's usual substitutes.
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
    if landscape:
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin = section.right_margin = Mm(20)


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
    title.paragraph_format.space_after = Pt(16)
    title.paragraph_format.line_spacing = Pt(36)

    for name, font in (("Heading 1", HEADING_FONT), ("Heading 2", SUBHEADING_FONT)):
        heading = styles[name]
        set_font(heading, font, 16, bold=False)
        heading.font.color.rgb = RGBColor(0, 0, 0)
        heading.paragraph_format.first_line_indent = Pt(0)
        heading.paragraph_format.space_before = Pt(12)
        heading.paragraph_format.space_after = Pt(6)

    cell = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    set_font(cell, BODY_FONT, 10.5)
    cell.paragraph_format.first_line_indent = Pt(0)
    cell.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def add_table(document, table: Table) -> None:
    """A bordered table ("Table Grid"); header row bold and repeated on each page."""
    numeric = table.numeric
    grid = document.add_table(rows=1, cols=len(table.headers))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(grid.rows[0].cells, table.headers):
        paragraph = cell.paragraphs[0]
        paragraph.style = TABLE_STYLE
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold = True
    _repeat_header(grid.rows[0])
    for values in table.rows:
        cells = grid.add_row().cells
        for cell, value, is_number in zip(cells, values, numeric):
            paragraph = cell.paragraphs[0]
            paragraph.style = TABLE_STYLE
            if is_number:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.add_run(cell_text(value))
    if not table.rows:
        cells = grid.add_row().cells
        merged = cells[0].merge(cells[-1])
        merged.paragraphs[0].style = TABLE_STYLE
        merged.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        merged.paragraphs[0].add_run(_("（无）"))


def render_docx(summary) -> bytes:
    with force_locale(DOCUMENT_LOCALE):
        document = _document(summary)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _document(summary):
    document = Document()
    document.core_properties.title = summary.title
    _styles(document)
    _page(document.sections[0])

    document.add_paragraph(summary.title, style="Title")
    for paragraph in summary.paragraphs:
        p = document.add_paragraph()
        if paragraph.heading:
            set_font(p.add_run(paragraph.heading), HEADING_FONT)
        p.add_run(paragraph.text)

    tables = summary.tables()
    if tables:
        _page(document.add_section(WD_SECTION.NEW_PAGE), landscape=True)
        for number, table in enumerate(tables, 1):
            document.add_paragraph(_("附表%(n)s　%(title)s", n=number, title=table.title),
                                   style="Heading 1")
            add_table(document, table)
    return document
