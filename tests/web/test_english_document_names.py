"""The English UI names a part of the 月报 or the 年度总结 as the document prints it
(figures52 #1), and the English “双创”进展 cards keep their unit (figures52 #4).

The documents are always in Chinese (docs/design.md): an English page that sends the
reader to the table “Responsibility zone progress” sends them to a title no document
they get carries. It names the part in Chinese, with the English gloss, as the 月报
page's 「定稿后数据有变化」 notice does (“the table “责任区进展””).
"""
from __future__ import annotations

import html as html_lib
import re

from flask import g

from tracker.reports.annual import build_annual
from tracker.reports.summary import build_summary

# the modules that write the documents' own (Chinese) words, whose English is never printed
DOCUMENT_WORDS = ("tracker/reports/narrative.py", "tracker/reports/annual_text.py",
                  "tracker/reports/tables.py", "tracker/reports/annual_tables.py",
                  "tracker/reports/summary.py")


def page(client, url: str) -> str:
    g.pop("_flask_babel", None)  # a served request starts without the last one's locale
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return html_lib.unescape(response.get_data(as_text=True))


def cards(html: str) -> list[str]:
    return re.findall(r'<b data-figure="[^"]+">[^<]*</b><span>([^<]*)</span>', html)


def test_the_double_page_names_the_table_as_the_monthly_summary_prints_it(client, login,
                                                                            october):
    login(october.admin)
    html = page(client, f"/progress/double?community={october.jianshe.id}&period=month"
                        "&month=2022-10&lang=en")
    note = ("“Handed over this month” and “Fixed this month” are the hand-overs and fixes "
            "within the selected period, whichever month the finding was found in, as in the "
            "monthly summary's table “责任区进展” (Responsibility zone progress).")
    assert note in " ".join(html.split())
    # the title the note names is the one the 月报 prints, in English as in Chinese
    assert "附表3　责任区进展" in page(client, f"/reports/?unit={october.unit.id}&month=2022-10")


def test_the_english_move_cards_keep_their_unit(client, login, october):
    login(october.admin)
    month = cards(page(client, f"/progress/double?community={october.jianshe.id}"
                               "&period=month&month=2022-10&lang=en"))
    assert {"Handed over (spots)", "Fixed (spots)", "Handed over this month (spots)",
            "Fixed this month (spots)"} <= set(month)
    quarter = cards(page(client, f"/progress/double?community={october.jianshe.id}"
                                 "&period=quarter&year=2022&quarter=4&lang=en"))
    assert {"Handed over in period (spots)", "Fixed in period (spots)"} <= set(quarter)


def test_every_ui_message_takes_a_document_part_as_printed(catalog, october):
    """A UI message that names a table or a section of the 月报 or the 年度总结
    (「月报的“参与情况”」) takes the name the document prints as a placeholder
    (``reports.part_names``), which the English message keeps: the name is never its
    own words, neither Chinese in an English message nor an English title no document
    carries."""
    month = build_summary(2022, 10, unit=october.unit)
    year = build_annual(2022, unit=october.unit)
    parts = {t.title for s in (month, year) for t in s.tables()}
    parts |= {p.heading.split("、", 1)[1].rstrip("。") for s in (month, year)
              for p in s.paragraphs if p.heading}
    assert {"责任区进展", "参与情况", "共建活动经费", "资源清单完成情况"} <= parts
    named = []
    for message in catalog:
        if not message.id or isinstance(message.id, tuple) or all(
                path in DOCUMENT_WORDS for path, _line in message.locations):
            continue
        for part in parts:
            # named as a part of a document: 附表“…”, 月报的“…”, 年度总结“…”部分 (a category
            # of the same name, 资源清单中“共建活动经费”项目, is not a part)
            as_part = rf"(附表|月报的?|总结的?)“{re.escape(part)}”|“{re.escape(part)}”部分"
            if re.search(as_part, message.id):
                named.append(message.id)
    assert not named, "\n".join(named)


def test_the_item_pages_name_the_annual_table_as_printed(app):
    from flask_babel import force_locale

    from tracker.admin.routes import BUDGET_EXPLAIN, CHECKLIST_EXPLAIN

    with app.test_request_context(), force_locale("en"):
        assert str(BUDGET_EXPLAIN) == (
            "A co-building funds item's annual target is the unit's funds budget in the "
            "community for that year: every monthly summary of the year counts its budget "
            "used and its table “共建活动经费” (Co-building funds) against it, and so does "
            "the annual summary.")
        assert str(CHECKLIST_EXPLAIN) == (
            "A checklist item's unit, community, zone, category, year and annual target are "
            "printed in that year's annual summary (the section “资源清单完成情况”, Resource "
            "checklist progress, and its table).")
    with app.test_request_context(), force_locale("zh_CN"):
        assert str(CHECKLIST_EXPLAIN) == ("资源清单项目的单位、社区、责任区、类别、年度和年度目标都写在"
                                          "该年度年度总结的“资源清单完成情况”部分和附表中。")
