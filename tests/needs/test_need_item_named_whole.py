"""A need's own page names its checklist item as every picker offers it — year,
community and 责任区, category, and the unit that commits to it — not 「2026 环境整治」,
which two units' or two zones' items of a community share (small56's Open: the pickers
changed, the need's page did not). Read with the need: the page stays within its
budget (需求 5, docs/design.md "Budgets")."""
from __future__ import annotations

import html as html_lib
import re

from tests import factories as f
from tests.needs.support import world_need
from tests.page_statements import page_statements
from tracker.extensions import db


def _offered(page: str, item_id: int) -> str:
    """The text the need's edit form offers the item under (关联资源清单项目)."""
    picker = re.search(r'<select[^>]* name="resource_item"[^>]*>(.*?)</select>', page, re.S)
    assert picker
    found = re.search(rf'<option[^>]* value="{item_id}"[^>]*>([^<]+)</option>', picker.group(1))
    assert found, item_id
    return html_lib.unescape(found.group(1))


def _named(page: str) -> str:
    found = re.search(r"<dt>资源清单</dt><dd>([^<]+)</dd>", page)
    assert found
    return html_lib.unescape(found.group(1))


def test_the_need_names_its_item_as_the_pickers_do_within_budget(client, login, world,
                                                                 count_queries):
    zone = f.zone(world.community, "一区", world.unit)
    item = f.item(world.unit, world.community, zone=zone)
    need = world_need(world)
    need.resource_item_id = item.id
    db.session.commit()
    login(world.liaison)
    picked = _offered(client.get(f"/needs/{need.id}/edit").get_data(as_text=True), item.id)
    # the whole name: its year, community, zone and unit among it
    assert all(part in picked for part in (str(item.year), world.community.name, "一区",
                                           world.unit.name)), picked
    for who in (world.member, world.liaison, world.admin):
        count, page = page_statements(client, login, count_queries, who, f"/needs/{need.id}")
        assert _named(page) == picked, who.name
        assert count <= 5, (who.name, count)
