"""The .docx and .xlsx of a month, opened by real office software: LibreOffice
(headless) prints each to PDF and poppler's pdftotext reads the PDF back, as a
reader would see it on paper.

Checked: every official figure of the month is there, in the same digits as the
page; the 落款 (unit, date) is right-aligned at the end of the report, on the last
page before the tables (附表, which follow it on their own pages, as attachments do
in an official document); the page count is reasonable and the footer says
"第 X 页 共 Y 页"; a spreadsheet's tables print one page wide; the Chinese text
is set in an installed CJK font, not in boxes; and, in a busy month, nothing is
printed over anything else (no two words' boxes on a page overlap: a spreadsheet row
lower than its wrapped text prints it over the rows below, which pdftotext's text
alone does not show) and the ledger's type stays legible.

Needs Debian's libreoffice-writer-nogui, libreoffice-calc-nogui and poppler-utils
(`.ci/run` installs them). Each conversion uses its own LibreOffice profile, so
parallel runs do not collide. Selected with ``-m office``; ``make test`` runs them.
"""
from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from tracker.extensions import db
from tracker.models import SummaryScope
from tracker.reports.annual import build_annual
from tracker.reports.docx_export import render_docx
from tracker.reports.summary import build_summary
from tracker.reports.xlsx_export import render_xlsx
from tracker.services.summary_notes import save_notes

pytestmark = pytest.mark.office

SIGNED = date(2022, 11, 3)
PROBLEMS = "部分党员干部工作日参与时间不足。"
PLANS = "结合“双创”迎检安排周末分组清理。"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: install libreoffice-writer-nogui, "
                    "libreoffice-calc-nogui and poppler-utils (.ci/run does)")
    return path


@dataclass
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class Pdf:
    pages: list[str]  # pdftotext -layout, one string per page
    fonts: str  # pdffonts' listing
    words: list[list[Word]]  # pdftotext -bbox: each page's words with their boxes

    @property
    def text(self) -> str:
        return "\n".join(self.pages)

    def page_of(self, needle: str) -> int:
        """Index of the first page holding ``needle`` (spaces of the layout ignored)."""
        for index, page in enumerate(self.pages):
            if needle in re.sub(r"[ \u3000]+", "", page):
                return index
        raise AssertionError(f"{needle!r} is not in the PDF")


def to_pdf(data: bytes, suffix: str, tmp_path: Path) -> Pdf:
    soffice, pdftotext, pdffonts = _tool("soffice"), _tool("pdftotext"), _tool("pdffonts")
    source = tmp_path / f"report{suffix}"
    source.write_bytes(data)
    profile = tmp_path / "lo-profile"  # a private profile: parallel runs never share one
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=300)
    pdf = tmp_path / "report.pdf"
    assert pdf.exists(), f"LibreOffice wrote no PDF for {suffix}"
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    fonts = subprocess.run([pdffonts, str(pdf)], check=True, capture_output=True,
                           text=True).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    boxes = subprocess.run([pdftotext, "-bbox", str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout
    words = [[Word(*map(float, m.groups()[:4]), html.unescape(m.group(5)))
              for m in WORD.finditer(page)] for page in boxes.split("<page ")[1:]]
    return Pdf(pages, fonts, words)


WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                  r"(.*?)</word>")


def overprinted(pdf: Pdf) -> list[tuple[int, str, str]]:
    """Pairs of words printed over each other: their boxes cross by more than a third
    of a line's height (lines set closely touch by a point, which is not overprinting)."""
    found = []
    for number, words in enumerate(pdf.words, 1):
        words = sorted(words, key=lambda w: w.y0)
        for i, a in enumerate(words):
            for b in words[i + 1:]:
                if b.y0 >= a.y1:
                    break
                across = min(a.x1, b.x1) - max(a.x0, b.x0)
                down = min(a.y1, b.y1) - max(a.y0, b.y0)
                if across > 0.5 and down > min(a.height, b.height) / 3:
                    found.append((number, a.text, b.text))
    return found


def compact(text: str) -> str:
    """The text without the layout's spaces, line breaks and page footers (a
    sentence may wrap, even across a page)."""
    return re.sub(r"第\d+页共\d+页", "", re.sub(r"[\s\u3000]+", "", text))


def cjk_families() -> set[str]:
    listed = subprocess.run([_tool("fc-list"), ":lang=zh", "family"], capture_output=True,
                            text=True).stdout
    return {name.replace(" ", "").lower() for line in listed.splitlines()
            for name in line.split(",") if name.strip()}


def assert_chinese_in_an_installed_font(pdf: Pdf) -> None:
    assert CJK.search(pdf.text), "no Chinese text in the PDF"
    embedded = pdf.fonts.replace(" ", "").lower()
    families = cjk_families()
    assert families, "no CJK font installed (fonts-wqy-microhei)"
    assert any(family in embedded for family in families), pdf.fonts


@pytest.fixture
def summary(october):
    scope = SummaryScope(unit_id=october.unit.id)
    save_notes(october.liaison, scope, 2022, 10, PROBLEMS, PLANS)
    db.session.commit()
    return build_summary(2022, 10, unit=october.unit, today=SIGNED)


def official_figures(summary) -> list[str]:
    """The month's figures as every format writes them (tracker.formatting)."""
    funds, cov = summary.funds, summary.coverage
    return [
        "开展共建活动3场、11次", "参与党员干部48人次（13人）", "累计志愿服务126.5小时",
        "培训社区居民71人次", "结对帮扶困难群众5户", "疫情防控值守3次（9人次，36.0小时）",
        "清除牛皮癣132处", "摸排统计下水道、人行道及其他破损道路问题17处",
        "已移交相关部门11处", "已整改3处",
        f"在册党员干部{cov.on_roll}人", f"本月参与{cov.took_part}人", f"参与率{cov.rate_text}",
        "本月使用共建活动经费2,800.00元", "年度累计8,400.00元", "（10,000.00元）的84.0%",
        "另有1份完成情况待审核（参与2人次，服务时长4.0小时），未计入以上数据。",
        PROBLEMS, PLANS,
    ] + [f"{funds.used}"]


def test_the_word_document_as_printed(summary, tmp_path):
    pdf = to_pdf(render_docx(summary), ".docx", tmp_path)
    text = compact(pdf.text)
    assert compact(summary.title) in text
    for figure in official_figures(summary):
        assert compact(figure) in text, figure
    # The 落款 ends the report: right-aligned, on the last page before the 附表.
    signer_page, date_page = pdf.page_of("县商务局\n"), pdf.page_of("2022年11月3日")
    first_table = pdf.page_of("附表1")
    assert signer_page == date_page == first_table - 1
    lines = pdf.pages[date_page].splitlines()
    signed = next(line for line in lines if "2022年11月3日" in compact(line))
    body = next(line for line in lines if line.strip().startswith(("五、", "六、", "四、")))
    assert len(signed) - len(signed.lstrip()) > len(body) - len(body.lstrip()) + 20
    # The tables follow, every 附表 there, each figure of the category table too.
    for number, title in enumerate(("本月活动台账", "分类统计", "责任区进展", "参与情况",
                                    "未参与名单", "共建活动经费"), 1):
        assert pdf.page_of(f"附表{number}{title}") >= first_table, title
    assert "111人次、5户、9人" in text and "2,800.00" in text and "1,600.00" in text
    # A few pages, each numbered "第 X 页 共 Y 页".
    assert 3 <= len(pdf.pages) <= 12, len(pdf.pages)
    for number, page in enumerate(pdf.pages, 1):
        assert f"第{number}页共{len(pdf.pages)}页" in re.sub(r"\s+", "", page), number
    assert_chinese_in_an_installed_font(pdf)


def test_the_workbook_as_printed(summary, tmp_path):
    pdf = to_pdf(render_xlsx(summary), ".xlsx", tmp_path)
    text = compact(pdf.text)
    for figure in official_figures(summary):
        assert compact(figure) in text, figure
    # The summary sheet ends with the 落款, right-aligned.
    signed = next(line for line in pdf.text.splitlines() if "2022年11月3日" in compact(line))
    assert len(signed) - len(signed.lstrip()) > 40
    # Each table sheet: its title and unit/period rows, and one page wide — the
    # last column is on every page its first column is.
    for page in pdf.pages:
        flat = compact(page)
        if "序号" in flat and "参与人员" in flat:  # a ledger page
            assert "审核人" in flat
            assert "单位：县商务局" in flat and "统计时间：2022年10月1日至10月31日" in flat
    assert "附表1本月活动台账" in text  # numbered as in the .docx
    # Money with two decimals and separators, hours with one, rates with one.
    assert "2,800.00" in text and "10,000.00" in text and "84.0%" in text
    assert "36.0" in text or "12.0" in text
    assert 3 <= len(pdf.pages) <= 20, len(pdf.pages)
    assert_chinese_in_an_installed_font(pdf)


# --- a busy month, as printed -----------------------------------------------------------

NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴刚", "徐丽",
         "孙涛"]
CONTENT = ("组织党员干部按照社区安排开展活动，现场秩序良好，居民反映积极，活动中发现的问题已当场"
           "与社区沟通，并约定下次活动的时间和内容，后续继续跟进落实。")


@pytest.fixture
def busy(october):
    """October with 24 more activities in its ledger, each with a long 活动内容 (twice the
    text above), twelve participants and long names of places and people served: what
    a unit's busiest month prints (the rows as the documents get them)."""
    summary = build_summary(2022, 10, unit=october.unit, today=SIGNED)
    ledger = next(t for t in summary.tables() if t.key == "ledger")
    first = ledger.rows[0]
    for _ in range(24):
        row = list(first)
        row[4], row[5] = "社区活动中心及周边背街小巷", "辖区居民、困难群众及“空巢”老人"
        row[6], row[7], row[8] = CONTENT * 2, "、".join(NAMES), len(NAMES)
        row[13] = "社区联络员林芳"
        ledger.rows.append(row)
    for number, row in enumerate(ledger.rows, 1):
        row[0] = number
    return summary


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_a_busy_month_prints_without_words_over_words(busy, suffix, tmp_path):
    render = render_xlsx if suffix == ".xlsx" else render_docx
    pdf = to_pdf(render(busy), suffix, tmp_path)
    assert not overprinted(pdf), overprinted(pdf)[:5]
    # every row of the ledger is there, its last participant too
    assert compact(pdf.text).count("孙涛") >= 24
    # legible: no word on a ledger page set smaller than about 6.5 pt (a word's box is
    # about 1.3 times its type size; the old one-page-wide sheet was about 5 pt)
    ledger = [words for words, page in zip(pdf.words, pdf.pages) if "孙涛" in compact(page)]
    assert ledger
    # the ledger runs over pages, its header row printed at the top of each
    pages = [compact(page) for page in pdf.pages if "孙涛" in compact(page)]
    assert len(pages) > 1
    for page in pages:
        assert page.index("序号") < page.index("孙涛") and "审核人" in page
    smallest = min(w.height for words in ledger for w in words)
    assert smallest >= 8.5, smallest
    # the hours header breaks before its bracket, never inside it
    texts = [w.text for words in ledger for w in words]
    assert "（小时）" in texts
    assert not any(t.endswith(("（小", "（小时")) or t.startswith(("时）", "）")) for t in texts)


# --- each 附表 on a page of its own ------------------------------------------------------

MONTH_TABLES = ("本月活动台账", "分类统计", "责任区进展", "参与情况", "未参与名单", "共建活动经费")
YEAR_TABLES = ("分月统计", "分类统计", "资源清单完成情况", "参与情况", "全年未参与名单",
               "共建活动经费")


@pytest.mark.parametrize("kind", ["月报", "年度总结"])
def test_each_appendix_table_prints_on_a_page_of_its_own(october, kind, tmp_path):
    """October 2022 (and its year) has six 附表, each short enough for one landscape
    page: the document prints as its text's pages — up to the 落款 — and then one page
    per 附表, each headed by its caption; no blank page between the text and the
    附表, none between two 附表. The text ends with the list of 附表 under the 落款 (as in
    the source report), on the 落款's page: the text's last paragraph, the 落款 and the
    list are kept together, so a 落款 filling its page takes the last paragraph with it
    onto the next one rather than leave the list alone there (walk 5, D8)."""
    if kind == "月报":
        document, titles = build_summary(2022, 10, unit=october.unit, today=SIGNED), MONTH_TABLES
    else:
        document, titles = build_annual(2022, unit=october.unit, today=SIGNED), YEAR_TABLES
    pdf = to_pdf(render_docx(document), ".docx", tmp_path)
    signed = pdf.page_of(compact(document.signed_on))
    text_pages = pdf.page_of(compact(f"附表：1.{titles[0]}")) + 1  # the list under the 落款
    assert text_pages - 1 == signed  # the list on the 落款's page, not alone on the next
    assert len(pdf.pages) == text_pages + 6, [compact(page)[:20] for page in pdf.pages]
    for number, title in enumerate(titles, 1):
        page = pdf.pages[text_pages + number - 1]
        first_line = next(line for line in page.splitlines() if line.strip())
        assert compact(first_line) == f"附表{number}{title}", (number, compact(page)[:40])


def test_a_full_ledger_prints_dates_and_short_names_on_one_line(app, tmp_path):
    """Walk 5, D7: in 附表1 LibreOffice printed 「11月20」 over 「日」 and 「解放路社」 over
    「区」 — the widths ignored the space it puts between Chinese and digits, and shrank
    every text column alike. A ledger whose 活动内容 fills the page keeps each date,
    each five-character name and the eight-character 活动 (session 37's open D7: its
    「扶」 wrapped) on one line; the long text wraps."""
    from docx import Document as WordDocument
    from flask_babel import force_locale

    from tracker.reports import docx_export
    from tracker.reports.tables import DOCUMENT_LOCALE, Day, Hours, Lines, ledger_table

    with force_locale(DOCUMENT_LOCALE):
        table = ledger_table([], "本月活动台账")
        for number, (day, community) in enumerate(
                [(date(2026, 11, 20), "解放路社区"), (date(2026, 12, 3), "建设路社区")], 1):
            table.rows.append([number, Day.of(day), community,
                               Lines(("困难群众结对帮扶", "结对帮扶")), "解放路沿街", "困难群众",
                               "走访困难群众，送去米面油。" * 8, "李娜、刘洋", 3, Hours(360), "",
                               "", "李娜", "张伟", "现场签到"])
        document = WordDocument()
        docx_export._styles(document)
        docx_export._page(document.sections[0], landscape=True)
        docx_export.add_table(document, table)
    buffer = io.BytesIO()
    document.save(buffer)
    pdf = to_pdf(buffer.getvalue(), ".docx", tmp_path)
    lines = [re.sub(r"[ \u3000]+", "", line) for line in pdf.text.splitlines()]
    for needle in ("11月20日", "12月3日", "解放路社区", "建设路社区", "解放路沿街", "李娜、刘洋",
                   "困难群众结对帮扶"):
        assert any(needle in line for line in lines), (needle, lines[:12])


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_the_demo_novembers_ledger_prints_title_and_category_unbroken(app, suffix, tmp_path):
    """Walk 9 #2: the demo's November 台账, printed at the ledger's size, broke
    「招商引资政策宣讲」 into 「招商引资政」 over 「策宣讲」 and the category 「困难群众结对帮扶」
    into 「困难群众」 over 「结对帮扶」 — sixteen columns left no room for both. Now 活动 and
    类别 share 「活动（类别）」, the title over the category: each keeps its line, on paper,
    in the .docx and the .xlsx."""
    from docx import Document as WordDocument
    from flask_babel import force_locale
    from openpyxl import Workbook

    from tests.reports.test_ledger_columns import november_ledger
    from tracker.reports import docx_export, xlsx_export
    from tracker.reports.tables import DOCUMENT_LOCALE

    with app.app_context(), force_locale(DOCUMENT_LOCALE):
        ledger = november_ledger()
        if suffix == ".docx":
            document = WordDocument()
            docx_export._styles(document)
            docx_export._page(document.sections[0], landscape=True)
            docx_export.add_table(document, ledger)
            buffer = io.BytesIO()
            document.save(buffer)
        else:
            book = Workbook()
            xlsx_export.write_table(book.active, ledger)
            xlsx_export.print_setup(book.active, xlsx_export.TITLE_ROWS)
            buffer = io.BytesIO()
            book.save(buffer)
    pdf = to_pdf(buffer.getvalue(), suffix, tmp_path)
    # each line of a cell is a word of its own on paper (the columns apart)
    words = [w.text for page in pdf.words for w in page]
    # row 1's title and its category; rows 2 and 6's category (under a ten-character
    # title, which may wrap after its eighth)
    assert words.count("招商引资政策宣讲") == 2, [w for w in words if "招商" in w]
    assert words.count("困难群众结对帮扶") >= 2, [w for w in words if "困难" in w]
    assert not {"招商引资政", "策宣讲", "结对帮扶"} & set(words)
    assert "活动（类别）" in compact(pdf.text)
