"""The line under each 附表 sheet's title in the .xlsx says whose document it is:
「单位：县商务局」 in a unit's (and its part for one community), 「社区：解放路社区」 in a
community's — a community is no 共建单位, and its sheets list the units in a 「单位」
column (doc44 #2) — in the 月报 and the 年度总结."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from tracker.reports.annual import build_annual
from tracker.reports.exports import render_xlsx
from tracker.reports.summary import build_summary


def _whose_lines(document) -> set[str]:
    """Whose each 附表 sheet says it is (the 汇总 sheet, the text, has no such line)."""
    sheets = load_workbook(io.BytesIO(render_xlsx(document))).worksheets[1:]
    assert sheets
    return {str(sheet["A2"].value).split("　")[0] for sheet in sheets}


def test_a_communitys_sheets_name_the_community(october):
    assert _whose_lines(build_summary(2022, 10, community=october.jiefang)) == {
        "社区：解放路社区"}
    assert _whose_lines(build_annual(2022, community=october.jiefang)) == {"社区：解放路社区"}


def test_a_units_sheets_name_the_unit(october):
    assert _whose_lines(build_summary(2022, 10, unit=october.unit)) == {"单位：县商务局"}
    assert _whose_lines(build_summary(2022, 10, unit=october.unit,
                                      community=october.jiefang)) == {"单位：县商务局"}
    assert _whose_lines(build_annual(2022, unit=october.unit)) == {"单位：县商务局"}
