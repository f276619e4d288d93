"""修改经费预算's naming page (an admin's edit of a checklist item with a month of its
unit signed): whether another item holds the item's line (unit, community, zone,
category, year) — what the save refuses with 「…已有该类别的同年度资源清单项目」 — was a
statement of its own after the post was read (pagesb50: 7, over the budget). A post
that keeps the line asks it of the item's own line, so it is read with the item
(``directory.item_line_load``, pagesb51: 6, tests/web/test_asked_first_budget.py); a
post that moves the item asks the line it names, as before, and a save asks under its
locks. The refusal is said on the form in the service's words, as before, no naming
page: here for an active and an inactive item on the line, and the rule read from the
item is the rule asked (``item_refusal``) for a zone, no zone, and a zone elsewhere."""
from __future__ import annotations

from sqlalchemy import update

from tests import factories as f
from tests.reports.test_signed_named import named
from tests.web.test_admin_budget_named import _budget_item, _edit_fields, _sign_november
from tracker.extensions import db
from tracker.models import ResourceItem
from tracker.services import directory

TAKEN = "该单位在此社区（责任区）已有该类别的同年度资源清单项目。"
TAKEN_INACTIVE = "该单位在此社区（责任区）已有该类别的同年度资源清单项目（已停用，可在列表中重新启用）。"


def _twin(item: ResourceItem, **changes) -> ResourceItem:
    """Another item of ``item``'s line (as data written before the line was held)."""
    values = {c: getattr(item, c) for c in ("unit_id", "community_id", "zone_id",
                                            "category_id", "year", "target",
                                            "target_measure")}
    twin = ResourceItem(**(values | changes), description="同一行", active=True)
    db.session.add(twin)
    db.session.commit()
    return twin


def test_a_budget_edit_on_a_taken_line_is_refused_on_the_form(client, login, october):
    item = _budget_item(october)
    login(october.admin)
    _sign_november(client, october)
    typed = _edit_fields(client, item.id) | {"target": "12000"}
    url = f"/admin/items/{item.id}/edit"
    twin = _twin(item)
    response = client.post(url, data=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and TAKEN in page and not named(page)
    assert 'value="12000"' in page
    twin.active = False
    db.session.commit()
    page = client.post(url, data=typed).get_data(as_text=True)
    assert TAKEN_INACTIVE in page and not named(page)
    db.session.expire_all()
    assert db.session.get(ResourceItem, item.id).target != 1_200_000  # nothing saved


def test_the_line_read_with_the_item_is_the_line_asked(world):
    item = world.item
    zone = f.zone(world.community, "一号责任区")
    other_zone = f.zone(world.community, "二号责任区")
    db.session.commit()

    def data_of(it):
        return directory.ResourceItemData(
            unit_id=it.unit_id, community_id=it.community_id, category_id=it.category_id,
            year=it.year, target=it.target, zone_id=it.zone_id,
            target_measure=it.target_measure)

    def both(it_id) -> tuple:
        """The check's refusal asked (the item read alone), then read with the item."""
        db.session.expunge_all()
        asked = db.session.get(ResourceItem, it_id)
        assert asked.line_taken is None
        refusals = [directory.item_refusal(asked, data_of(asked), frozen=())]
        db.session.expunge_all()
        read = db.session.get(ResourceItem, it_id, options=[directory.item_line_load()])
        assert read.line_taken is not None
        refusals.append(directory.item_refusal(read, data_of(read), frozen=()))
        db.session.expunge_all()
        return tuple(r and str(r) for r in refusals)

    def change(it_id, **values) -> None:
        db.session.execute(update(ResourceItem).where(ResourceItem.id == it_id)
                           .values(**values))
        db.session.commit()

    item_id, zone_id, other_zone_id = item.id, zone.id, other_zone.id
    assert both(item_id) == (None, None)  # its line is its own
    twin_id = _twin(item).id
    assert both(item_id) == (TAKEN, TAKEN)
    change(twin_id, active=False)
    assert both(item_id) == (TAKEN_INACTIVE, TAKEN_INACTIVE)
    change(twin_id, zone_id=zone_id)  # the twin in a zone: the line without one is free
    assert both(item_id) == (None, None)
    change(item_id, zone_id=other_zone_id)  # both in zones, not the same one
    assert both(item_id) == (None, None)
    change(item_id, zone_id=zone_id)  # the same zone
    change(twin_id, active=True)
    assert both(item_id) == (TAKEN, TAKEN)
