"""A community's 年度总结 tells its 附表“资源清单完成情况” rows apart (doc44 #1).

A unit with a target in each of a community's three zones has three rows of one
category in the community's document. Named by the unit alone they read alike
(「县商务局 | 牛皮癣清除 | 100处」 three times) and the summary cannot say which zone missed
its target. Each row names the unit with its zone — 「县商务局（一区）」, as the same
document's 资源清单 sentence names a unit's zone item (``annual_text._whose``) — in
every format; an item without a zone is the unit's bare name; a unit's document names
the community and zone as before (「建设路社区·一区」).
"""
from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from tests import factories as f
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import Role, TargetMeasure
from tracker.reports.annual import build_annual
from tracker.reports.csv_export import render_csv
from tracker.reports.exports import render_xlsx

YEAR = 2024  # over: every target short of it reads 「未完成全年目标」


def _world():
    """县商务局 in 建设路社区's three zones, 牛皮癣清除 100处 in each (一区 done, 二区 and
    三区 short), and 结对帮扶 in 建设路社区 with no zone (4次, done 1)."""
    commerce = f.unit("县商务局")
    jianshe = f.community("建设路社区")
    zones = [f.zone(jianshe, name, commerce) for name in ("一区", "二区", "三区")]
    admin = f.member(commerce, Role.admin, name="张一")
    for zone, removed in zip(zones, (100, 53, 59)):
        it = f.item(commerce, jianshe, "ad_removal", year=YEAR, target=100, zone=zone,
                    measure=TargetMeasure.quantity)
        task = b.task_on(it, admin, date(YEAR, 6, 10))
        b.join(task, admin)
        b.report(task, admin, quantity=removed)
    visits = f.item(commerce, jianshe, "household_assistance", year=YEAR, target=4,
                    measure=TargetMeasure.activities)
    task = b.task_on(visits, admin, date(YEAR, 7, 1))
    b.join(task, admin)
    b.report(task, admin, people=1)
    db.session.commit()
    return commerce, jianshe


def _rows(document) -> list[list]:
    [table] = [t for t in document.tables() if t.key == "checklist"]
    return [[str(row[0]), str(row[1]), str(row[2]), str(row[3])] for row in table.rows]


def test_a_communitys_checklist_rows_name_each_units_zone(app):
    _commerce, jianshe = _world()
    document = build_annual(YEAR, community=jianshe)
    assert _rows(document) == [
        ["县商务局", "困难群众结对帮扶", "4次", "1次"],
        ["县商务局（一区）", "牛皮癣清除", "100处", "100处"],
        ["县商务局（二区）", "牛皮癣清除", "100处", "53处"],
        ["县商务局（三区）", "牛皮癣清除", "100处", "59处"],
    ]
    # the .csv (what a signed year is compared by) and the .xlsx say the same
    csv_text = render_csv(document).decode("utf-8-sig")
    assert "县商务局（二区）,牛皮癣清除,100处,53处" in csv_text
    assert "\n县商务局,牛皮癣清除" not in csv_text.replace("\r", "")
    sheet = next(ws for ws in load_workbook(io.BytesIO(render_xlsx(document))).worksheets
                 if "资源清单完成情况" in ws.title)
    names = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert {"县商务局（一区）", "县商务局（二区）", "县商务局（三区）", "县商务局"} <= set(names)


def test_the_rows_name_items_as_the_sentence_does(app):
    """The 资源清单 sentence names a unit's zone item by the label its row has: a
    category with targets in two measures (结对帮扶 4次 in no zone, 10户次 in 一区)
    reads 「县商务局（一区）困难群众结对帮扶…」, and the row reads 「县商务局（一区）」."""
    commerce, jianshe = _world()
    zone1 = next(z for z in jianshe.zones if z.name == "一区")
    households = f.item(commerce, jianshe, "household_assistance", year=YEAR, target=10,
                        zone=zone1, measure=TargetMeasure.beneficiaries)
    admin = commerce.members[0]
    task = b.task_on(households, admin, date(YEAR, 8, 1))
    b.join(task, admin)
    b.report(task, admin, people=3)
    db.session.commit()
    document = build_annual(YEAR, community=jianshe)
    text = next(p.text for p in document.paragraphs
                if p.heading.endswith("资源清单完成情况。"))
    assert "县商务局（一区）困难群众结对帮扶目标10户次、完成3户次（30.0%）" in text, text
    assert ["县商务局（一区）", "困难群众结对帮扶", "10户次", "3户次"] in _rows(document)


def test_a_units_checklist_rows_name_community_and_zone(app):
    commerce, _jianshe = _world()
    assert [row[0] for row in _rows(build_annual(YEAR, unit=commerce))] == [
        "建设路社区", "建设路社区·一区", "建设路社区·二区", "建设路社区·三区"]
