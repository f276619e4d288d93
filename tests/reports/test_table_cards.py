"""Tables that turn into cards on a phone (table.cards) label every cell with its
column's header, so each card line reads "label: value"."""
from __future__ import annotations

import re

import pytest

from tests import factories as f
from tracker.extensions import db


def card_tables(html: str) -> list[str]:
    return re.findall(r'<table class="cards"[^>]*>(.*?)</table>', html, re.S)


def check_labels(table: str) -> int:
    headers = [re.sub(r"<[^>]+>", "", h).strip()
               for h in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)]
    body = table.split("<tbody>", 1)[1]
    cells = re.findall(r"<td([^>]*)>", body)
    labels = [re.search(r'data-label="([^"]*)"', attrs) for attrs in cells]
    assert all(labels), "a cell without data-label"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    for row in rows:  # in the order of the headers, one each
        assert re.findall(r'data-label="([^"]*)"', row) == headers
    return len(rows)


@pytest.mark.parametrize("path", ["/admin/units", "/admin/communities", "/admin/zones",
                                  "/admin/categories", "/admin/items", "/admin/members"])
def test_admin_lists_label_every_cell(client, login, world, path):
    f.zone(world.community, "一号责任区")
    db.session.commit()
    login(world.admin)
    [table] = card_tables(client.get(path).get_data(as_text=True))
    assert check_labels(table) >= 1


def test_monthly_summary_and_service_record_label_every_cell(client, login, october):
    login(october.admin)
    page = client.get(f"/reports/?unit={october.unit.id}&month=2022-10").get_data(as_text=True)
    tables = card_tables(page)
    assert len(tables) >= 3 and all(check_labels(t) for t in tables)
    zhang = october.members["张伟"]
    login(zhang)
    [record] = card_tables(client.get(f"/reports/records/{zhang.id}?year=2022").get_data(
        as_text=True))
    assert check_labels(record) == 6
    assert re.search(r'<td data-label="日期" class="nowrap">2022-09-28</td>', record)


def test_a_tables_cells_come_escaped_with_their_columns_classes(app):
    """Table.cells_html, what data_table prints per row: each cell labelled with its
    header, numbers ``num nowrap``, dates ``nowrap``, text neither; header and cell
    text escaped."""
    from datetime import date

    from tracker.reports.tables import Hours, Table

    table = Table("t", "t", ['名称"<', "日期", "时长"],
                  rows=[["<b>甲</b>", date(2022, 10, 1), Hours(90)], ["乙", date(2022, 10, 2), 3]])
    first, second = table.cells_html()
    assert str(first) == (
        '<td data-label="名称&#34;&lt;">&lt;b&gt;甲&lt;/b&gt;</td>'
        '<td data-label="日期" class="nowrap">2022-10-01</td>'
        '<td data-label="时长" class="num nowrap">1.5</td>')
    assert str(second).endswith('<td data-label="时长" class="num nowrap">3</td>')
