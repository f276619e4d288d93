"""Each 附表 of a Word document handed up — the 月报 and the 年度总结 alike — starts a
page of its own: its caption (附表N　title) at the top, kept with its table, the
table's header row repeated on every page it runs over; and the text before them ends
without an empty paragraph that could fall onto a page of its own and print blank.

Read here from the .docx's XML, as Word and LibreOffice read it;
``test_office_pdf.py`` prints the October 2022 month and year and counts the pages.
A month signed before the 附表 had pages of their own keeps the bytes it was signed
with, and its page says neither that its data nor that its wording changed: the
layout of the .docx is not what a signed month is compared by (its .csv is).
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import SummaryCopy
from tracker.reports.annual import build_annual
from tracker.reports.docx_export import render_docx
from tracker.reports.summary import build_summary

SIGNED = date(2022, 11, 3)
CAPTION = re.compile(r"^附表\d+\u3000")


def body_of(data: bytes):
    return Document(io.BytesIO(data)).element.body


def text_of(element) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t"))).strip()


def on(element, tag: str) -> bool:
    """Whether a paragraph property (``w:pageBreakBefore``, ``w:keepNext``) is set on
    the paragraph itself: present, and not switched off by ``w:val``."""
    found = element.find(f"{qn('w:pPr')}/{qn(tag)}")
    return found is not None and found.get(qn("w:val"), "true") in ("true", "1", "on")


def documents(october) -> dict[str, object]:
    return {
        "月报": build_summary(2022, 10, unit=october.unit, today=SIGNED),
        "社区月报": build_summary(2022, 10, community=october.jiefang, today=SIGNED),
        "空月报": build_summary(2021, 1, unit=october.unit, today=SIGNED),
        "年度总结": build_annual(2022, unit=october.unit),
    }


@pytest.mark.parametrize("kind", ["月报", "社区月报", "空月报", "年度总结"])
def test_each_appendix_table_starts_a_page_with_its_caption_kept_with_it(october, kind):
    summary = documents(october)[kind]
    expected = [caption for caption, _table in summary.captioned_tables()]
    assert expected, "the document has 附表"
    body = list(body_of(render_docx(summary)))
    captions = [(i, el) for i, el in enumerate(body)
                if el.tag == qn("w:p") and CAPTION.match(text_of(el))]
    assert [text_of(el) for _i, el in captions] == expected
    for index, caption in captions:
        assert on(caption, "w:pageBreakBefore"), text_of(caption)
        assert on(caption, "w:keepNext"), text_of(caption)
        table = body[index + 1]
        assert table.tag == qn("w:tbl"), f"{text_of(caption)} is followed by its table"
        first_row = table.find(qn("w:tr"))
        header = first_row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}")
        assert header is not None and header.get(qn("w:val")) == "true"
        # only the header row repeats: a body row repeated would print twice
        assert all(row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None
                   for row in table.findall(qn("w:tr"))[1:])


@pytest.mark.parametrize("kind", ["月报", "社区月报", "空月报", "年度总结"])
def test_the_text_ends_without_an_empty_paragraph_before_the_appendix(october, kind):
    """The landscape section of the 附表 begins after the text's last paragraph, the
    list of 附表 (附表：1. …), which holds the section break: no empty paragraph is left
    to fall onto a page of its own, and nothing breaks a page by a ``w:br``."""
    summary = documents(october)[kind]
    body = list(body_of(render_docx(summary)))
    first = next(i for i, el in enumerate(body)
                 if el.tag == qn("w:p") and CAPTION.match(text_of(el)))
    before = body[first - 1]
    assert before.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
    assert text_of(before) == summary.appendix
    breaks = [el for el in body if el.tag == qn("w:p")
              and (el.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
                   or el.find(f".//{qn('w:br')}[@{qn('w:type')}='page']") is not None)]
    assert breaks == [before]
    # two sections: the portrait text, then the landscape 附表
    document = Document(io.BytesIO(render_docx(summary)))
    assert [round(s.page_width.mm) for s in document.sections] == [210, 297]


MARKS = b"<w:keepNext/><w:pageBreakBefore/>"  # a caption's, in the schema's order


def without_appendix_pages(data: bytes) -> bytes:
    """The .docx as the release before this one wrote it: no page break before, nor keep
    with next on, a 附表's caption (the Heading 1 style's own keep-with-next aside)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/document.xml":
                assert MARKS in content, "the kept .docx has page breaks before its captions"
                content = content.replace(MARKS, b"")
            target.writestr(item, content)
    return out.getvalue()


def test_a_month_signed_before_keeps_its_bytes_and_is_not_called_changed(
        client, login, october):
    """October signed by the previous layout (its kept .docx without the page breaks):
    its download is still those bytes; the live .docx has the breaks; and the page says
    neither 「定稿后数据有变化」 nor that a system update changed the wording, nor does the
    年度总结 name the month — the words and tables are those signed."""
    login(october.admin)
    query = f"unit={october.unit.id}&month=2022-10"
    assert client.post(f"/reports/finalize?{query}", data={"confirmed": "1"}).status_code == 302
    copy = db.session.scalar(select(SummaryCopy))
    old = without_appendix_pages(copy.docx)
    copy.docx = old
    db.session.commit()

    assert client.get(f"/reports/monthly.docx?{query}").data == old
    assert client.get(f"/reports/signed/{copy.id}.docx?{query}").data == old
    live = client.get(f"/reports/monthly.docx?{query}&current=1").data
    captions = [el for el in body_of(live)
                if el.tag == qn("w:p") and CAPTION.match(text_of(el))]
    assert captions and all(on(el, "w:pageBreakBefore") for el in captions)
    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert "定稿后数据有变化" not in page and "定稿后系统更新" not in page
    year = build_annual(2022, unit=october.unit)
    assert (year.changed_months, year.reworded_months) == ([], [])


@pytest.mark.parametrize("kind", ["月报", "社区月报", "空月报", "年度总结"])
def test_the_appendix_list_stays_with_the_signature_and_the_text(october, kind):
    """Walk 5, D8: a month whose text filled page 1 printed the 「附表：…」 line alone on
    page 2. The text's last paragraph, the blank line, the 落款 (unit, date) and the
    附表 list are one block: each kept with the next, so an office suite moves them to
    a page together or not at all."""
    summary = documents(october)[kind]
    body = [el for el in body_of(render_docx(summary)) if el.tag == qn("w:p")]
    texts = [text_of(el) for el in body]
    listed = texts.index(summary.appendix)
    assert texts[listed - 2:listed] == [summary.signer, summary.signed_on]
    assert texts[listed - 3] == ""  # the blank line before the 落款
    assert texts[listed - 4], "the text's last paragraph"
    assert all(on(el, "w:keepNext") for el in body[listed - 4:listed])
