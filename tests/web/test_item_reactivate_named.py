"""review46c #2: 重新启用 of a resource checklist item takes over the approved work of its
year recorded on another year's item of its line (``tasks.move_onto_year_items``), and
the year's 年度总结 counts an item's work of its own year (“资源清单完成情况”): when that
year is signed, 重新启用 names its 年度总结 first, as every change of what a signed
document prints is named (docs/design.md, "an admin's change goes through — named
first, every one of them"). Nothing is saved until 确认; a 年度总结 signed between the
page and 确认 is named afresh (「…有了变化…」), nothing done. The 月报 count an activity
by its date, unit, place and category, which the move keeps: none is named. Nothing to
take over, or the year not signed: saved at once, as before. 停用 changes nothing the
年度总结 prints (a switched-off item still counts in its year): saved at once, and the
year still reads as signed."""
from __future__ import annotations

from sqlalchemy import select

from tests import factories as f
from tests.reports.test_signed_named import named, sign_october_and_the_year
from tests.web.test_admin_budget_named import _confirmation
from tests.web.test_item_changes_named import _worked_item
from tracker.extensions import db
from tracker.models import ResourceItem, Task

CHANGED = "定稿后数据有变化"
NAMED_SINCE = "有了变化"
YEAR_NAMED = "重新启用会改变以下已定稿年度总结的当前数据：县商务局2022年。"


def _year_url(o) -> str:
    return f"/reports/annual?unit={o.unit.id}&year=2022"


def _changed(client, url) -> bool:
    return CHANGED in client.get(url).get_data(as_text=True)


def _switched_off_with_its_work_elsewhere(o) -> int:
    """The item switched off, its 2022 activities recorded meanwhile on 2021's item of
    its line (``item_of_year`` gives a switched-off item none): its id."""
    item = _worked_item(o)
    last_year = f.item(item.unit, item.community, item.category, year=2021, zone=item.zone,
                       target=item.target, measure=item.target_measure)
    for task in db.session.scalars(select(Task).where(Task.resource_item_id == item.id)):
        task.resource_item = last_year
    item.active = False
    db.session.commit()
    return item.id


def _switch_on(client, item_id, **fields):
    return client.post(f"/admin/items/{item_id}/active?next=/admin/items",
                       data={"active": "1", **fields})


def _active(item_id) -> bool:
    db.session.expire_all()
    return db.session.get(ResourceItem, item_id).active


def test_switching_on_an_item_taking_over_work_names_the_signed_year_first(
        client, login, october):
    item_id = _switched_off_with_its_work_elsewhere(october)
    login(october.admin)
    sign_october_and_the_year(client, october)

    response = _switch_on(client, item_id)
    page = response.get_data(as_text=True)
    assert response.status_code == 200  # asked, not saved
    (words,) = named(page)
    assert YEAR_NAMED in words and "月报" not in words  # the move keeps what 月报 count
    assert not _active(item_id) and not _changed(client, _year_url(october))

    action, fields = _confirmation(page)
    back = client.post(action, data=fields | {"returning": "1"})  # 返回: nothing done
    assert back.status_code == 302 and not _active(item_id)

    assert client.post(action, data=fields).status_code == 302
    assert _active(item_id)
    assert _changed(client, _year_url(october))


def test_a_year_signed_between_the_page_and_confirm_is_named_afresh(client, login, october):
    """The page named 县商务局's 年度总结; 解放路社区's own is signed before 确认: asked
    again, naming both, nothing saved."""
    item_id = _switched_off_with_its_work_elsewhere(october)
    community = db.session.get(ResourceItem, item_id).community
    login(october.admin)
    sign_october_and_the_year(client, october)
    page = _switch_on(client, item_id).get_data(as_text=True)
    (words,) = named(page)
    assert community.name not in words
    action, fields = _confirmation(page)
    assert client.post(f"/reports/annual/finalize?community={community.id}&year=2022",
                       data={"confirmed": "1"}).status_code == 302

    response = client.post(action, data=fields)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and NAMED_SINCE in text
    (words,) = named(text)
    assert "县商务局2022年" in words and community.name in words
    assert not _active(item_id)


def test_switching_on_with_the_year_not_signed_is_saved_at_once(client, login, october):
    item_id = _switched_off_with_its_work_elsewhere(october)
    login(october.admin)
    assert _switch_on(client, item_id).status_code == 302
    assert _active(item_id)


def test_switching_on_with_nothing_to_take_over_is_saved_at_once(client, login, october):
    item = _worked_item(october)
    item_id = item.id
    item.active = False
    db.session.commit()
    login(october.admin)
    sign_october_and_the_year(client, october)
    assert _switch_on(client, item_id).status_code == 302
    assert _active(item_id) and not _changed(client, _year_url(october))


def test_switching_an_item_with_work_off_changes_nothing_the_signed_year_prints(
        client, login, october):
    item_id = _worked_item(october).id
    login(october.admin)
    sign_october_and_the_year(client, october)
    response = client.post(f"/admin/items/{item_id}/active", data={"active": "0"})
    assert response.status_code == 302
    db.session.expire_all()
    assert not db.session.get(ResourceItem, item_id).active
    assert not _changed(client, _year_url(october))
