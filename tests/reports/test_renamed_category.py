"""A renamed reference category keeps one name in one 月报 (review "resources" #5).

docs/design.md: the signed 月报 is kept as it was signed, names and all, while the live
document is rendered with today's names (a community renamed). So after an admin
renames 招商引资政策宣讲 to 招商政策宣讲, the live October document calls it 招商政策宣讲
in its text as in its 附表, in every format; the source's fixed wording stays for a
category that keeps its seeded name.
"""
import io

from docx import Document
from openpyxl import load_workbook

from tracker.extensions import db
from tracker.reference import ensure_categories
from tracker.reports.csv_export import render_csv
from tracker.reports.docx_export import render_docx
from tracker.reports.summary import build_summary
from tracker.reports.xlsx_export import render_xlsx


def texts(summary) -> dict[str, str]:
    document = Document(io.BytesIO(render_docx(summary)))
    book = load_workbook(io.BytesIO(render_xlsx(summary)))
    return {
        "csv": render_csv(summary).decode("utf-8-sig"),
        "docx": "\n".join([p.text for p in document.paragraphs]
                          + [c.text for t in document.tables for r in t.rows for c in r.cells]),
        "xlsx": "".join(str(v) for s in book.worksheets for r in s.iter_rows(values_only=True)
                        for v in r if v is not None).replace("\n", ""),
    }


def test_a_renamed_category_has_one_name_in_the_month(october):
    ensure_categories()["policy_briefing"].name = "招商政策宣讲"
    db.session.commit()
    summary = build_summary(2022, 10, unit=october.unit)
    text = "".join(p.text for p in summary.paragraphs)
    assert "开展招商政策宣讲1场" in text  # 县商务局's one 政策宣讲 of October
    for fmt, content in texts(summary).items():
        assert "招商引资政策宣讲" not in content, fmt
        assert "开展招商政策宣讲1场" in content and content.count("招商政策宣讲") >= 2, fmt


def test_a_category_under_its_seeded_name_keeps_the_sources_wording(october):
    summary = build_summary(2022, 10, unit=october.unit)
    assert "开展招商引资政策宣讲1场，覆盖群众40人次" in "".join(p.text for p in summary.paragraphs)
