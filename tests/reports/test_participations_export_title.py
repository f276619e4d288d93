"""A liaison's 「导出参与明细」 is titled as her 月报 is: when her communities hold all the
unit's work of the month her 月报 is the whole unit's (design.md, 月报), and so is the
明细 — not titled as her part, with a 统计范围 naming a document she does not have
(figures50 #3)."""
from __future__ import annotations

import io
import re
from urllib.parse import unquote

from openpyxl import load_workbook

MONTH = "2022-10"


def test_a_liaisons_participations_are_titled_as_her_whole_unit_monthly(client, login,
                                                                        october):
    # 钱联络 manages 解放路社区 and 建设路社区, where all of 县商务局's October work is:
    # her 月报 is the whole unit's, and so is its 参与明细
    login(october.liaison)
    query = f"unit={october.unit.id}&month={MONTH}"
    page = client.get(f"/reports/?{query}").get_data(as_text=True)
    assert "统计范围" not in re.sub(r"<[^>]+>", "", page)
    response = client.get(f"/reports/participations.xlsx?{query}")
    assert response.status_code == 200
    assert unquote(response.headers["Content-Disposition"]).endswith(
        "县商务局2022年10月社区共建工作情况参与明细.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    words = "\n".join(str(cell.value) for sheet in book for row in sheet.iter_rows()
                      for cell in row if cell.value)
    assert "县商务局2022年10月社区共建工作情况" in words
    assert "统计范围" not in words and "（建设路社区、解放路社区）" not in words
