"""fundslater45 (open): a 共建活动经费 item's 年度目标 is its ledger's budget, which every
月报 of its year reads (the funds sentence's 预算使用率, the 附表“共建活动经费”) and the
year's 年度总结 (docs/design.md). An admin's change of it — a new budget, or the item
moved to another year or ledger — changes those documents, so, as for any admin's change a 已定稿
月报 or 年度总结 counts, the signed ones are named before the change is made (the house's
naming page: 「确认保存」 posts every typed field again, 「返回，不操作」 keeps them). A
change that leaves the budget alone (another field, or 停用: a switched-off item still
counts in its year) names nothing and saves at once."""
from __future__ import annotations

import dataclasses
import html as html_lib
import re

from sqlalchemy import select

from tests.reports.test_signed_named import named
from tracker.extensions import db
from tracker.models import FUNDING_CODE, Category, ResourceItem
from tracker.services import funds
from tracker.services.directory import ResourceItemData

UNIT_NOVEMBER = "县商务局2022年11月"
CHANGED = "定稿后数据有变化"


def _sign_november(client, o) -> None:
    assert client.post(f"/reports/finalize?unit={o.unit.id}&month=2022-11",
                       data={"confirmed": "1"}).status_code == 302


def _budget_item(o) -> ResourceItem:
    return db.session.scalar(
        select(ResourceItem).join(Category, Category.id == ResourceItem.category_id)
        .where(Category.code == FUNDING_CODE, ResourceItem.unit_id == o.unit.id,
               ResourceItem.community_id == o.jiefang.id, ResourceItem.year == 2022))


def edit_page_fields(page: str) -> dict:
    """What the item's edit page (``page``, its HTML) posts as it is shown: its inputs,
    chosen options and text areas."""
    form = re.search(r'<form[^>]*method="post"[^>]*>(?:(?!</form>).)*name="target".*?</form>',
                     page, re.S).group(0)
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if name and 'type="submit"' not in tag:
            value = re.search(r'value="([^"]*)"', tag)
            fields[name.group(1)] = html_lib.unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option(?=[^>]*\sselected)[^>]*value="([^"]*)"', body)
        fields[name] = html_lib.unescape(chosen.group(1)) if chosen else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        fields[name] = html_lib.unescape(body.strip())
    return fields


def _edit_fields(client, item_id: int) -> dict:
    """What the item's edit page posts as it is shown, read through the app."""
    return edit_page_fields(client.get(f"/admin/items/{item_id}/edit").get_data(as_text=True))


def _confirmation(page: str) -> tuple[str, dict]:
    """The naming page's form: where it posts, and what (its hidden fields)."""
    form = re.search(r'<form method="post" action="([^"]*)".*?</form>', page, re.S)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"',
                             form.group(0)))
    return html_lib.unescape(form.group(1)), {k: html_lib.unescape(v) for k, v in fields.items()}


def _november_changed(client, o) -> bool:
    text = client.get(f"/reports/?unit={o.unit.id}&month=2022-11").get_data(as_text=True)
    return CHANGED in text


def test_a_new_budget_names_the_signed_november_and_is_saved_once_confirmed(
        client, login, october):
    item = _budget_item(october)
    login(october.admin)
    _sign_november(client, october)
    typed = _edit_fields(client, item.id) | {"target": "12000"}

    response = client.post(f"/admin/items/{item.id}/edit", data=typed)
    assert response.status_code == 200  # asked, not saved
    (words,) = named(response.get_data(as_text=True))
    assert f"修改经费预算会改变以下已定稿月报的当前数据：{UNIT_NOVEMBER}。" in words
    db.session.expire_all()
    assert _budget_item(october).target == 1_000_000
    assert not _november_changed(client, october)

    action, fields = _confirmation(response.get_data(as_text=True))
    assert fields["target"] == "12000"  # every typed field posted again
    assert client.post(action, data=fields).status_code == 302
    db.session.expire_all()
    assert _budget_item(october).target == 1_200_000
    # November's 预算使用率 and 附表 read the new budget: its signed copy no longer matches
    assert _november_changed(client, october)


def test_back_from_the_naming_page_keeps_what_was_typed(client, login, october):
    item = _budget_item(october)
    login(october.admin)
    _sign_november(client, october)
    typed = _edit_fields(client, item.id) | {"target": "12000", "description": "追加预算"}
    response = client.post(f"/admin/items/{item.id}/edit", data=typed)
    action, fields = _confirmation(response.get_data(as_text=True))

    back = client.post(action, data=fields | {"returning": "1"})
    page = back.get_data(as_text=True)
    assert back.status_code == 200 and named(page) == []
    assert 'value="12000"' in page and "追加预算" in page  # the form again, as typed
    db.session.expire_all()
    assert _budget_item(october).target == 1_000_000  # nothing saved


def test_another_fields_change_names_nothing(client, login, october):
    item = _budget_item(october)
    login(october.admin)
    _sign_november(client, october)
    typed = _edit_fields(client, item.id) | {"description": "年度经费说明"}
    response = client.post(f"/admin/items/{item.id}/edit", data=typed)
    assert response.status_code == 302  # saved at once
    db.session.expire_all()
    assert _budget_item(october).description == "年度经费说明"
    assert not _november_changed(client, october)


def test_switching_the_budget_item_off_names_nothing(client, login, october):
    """A switched-off item still counts in its year (its target too): 停用 changes no
    budget, so it is not asked."""
    item = _budget_item(october)
    login(october.admin)
    _sign_november(client, october)
    response = client.post(f"/admin/items/{item.id}/active", data={"active": "0"})
    assert response.status_code == 302
    db.session.expire_all()
    assert not _budget_item(october).active
    assert not _november_changed(client, october)


def test_a_budget_change_with_nothing_signed_is_saved_at_once(client, login, october):
    item = _budget_item(october)
    login(october.admin)
    typed = _edit_fields(client, item.id) | {"target": "12000"}
    assert client.post(f"/admin/items/{item.id}/edit", data=typed).status_code == 302
    db.session.expire_all()
    assert _budget_item(october).target == 1_200_000


def test_the_communitys_own_signed_november_is_named_too(client, login, october):
    """The community's 月报 has the unit's ledger, with its budget, in its 附表."""
    item = _budget_item(october)
    login(october.admin)
    assert client.post(f"/reports/finalize?community={october.jiefang.id}&month=2022-11",
                       data={"confirmed": "1"}).status_code == 302
    typed = _edit_fields(client, item.id) | {"target": "8000"}
    response = client.post(f"/admin/items/{item.id}/edit", data=typed)
    (words,) = named(response.get_data(as_text=True))
    assert "修改经费预算会改变以下已定稿月报的当前数据：解放路社区2022年11月。" in words


def test_a_month_signed_after_the_page_was_read_is_named_afresh(client, login, october):
    """确认 compares what the page named with what the save changes then (under the
    months' locks): October signed meanwhile, the page comes again naming both, and
    nothing is saved until that is confirmed."""
    item = _budget_item(october)
    login(october.admin)
    _sign_november(client, october)
    typed = _edit_fields(client, item.id) | {"target": "12000"}
    action, fields = _confirmation(client.post(f"/admin/items/{item.id}/edit", data=typed)
                                   .get_data(as_text=True))
    assert client.post(f"/reports/finalize?unit={october.unit.id}&month=2022-10",
                       data={"confirmed": "1"}).status_code == 302

    again = client.post(action, data=fields)
    assert again.status_code == 200
    (words,) = named(again.get_data(as_text=True))
    assert f"县商务局2022年10月、{UNIT_NOVEMBER}" in words
    db.session.expire_all()
    assert _budget_item(october).target == 1_000_000  # nothing saved
    action, fields = _confirmation(again.get_data(as_text=True))
    assert client.post(action, data=fields).status_code == 302
    db.session.expire_all()
    assert _budget_item(october).target == 1_200_000


def test_a_budget_moved_to_another_year_names_the_year_it_leaves(client, login, october):
    """Moved to 2023, the item is no longer 2022's budget: 2022's signed months change."""
    item = _budget_item(october)
    login(october.admin)
    _sign_november(client, october)
    typed = _edit_fields(client, item.id) | {"year": "2023"}
    response = client.post(f"/admin/items/{item.id}/edit", data=typed)
    assert response.status_code == 200
    (words,) = named(response.get_data(as_text=True))
    assert f"修改经费预算会改变以下已定稿月报的当前数据：{UNIT_NOVEMBER}。" in words


def test_the_budgets_before_and_after_an_edit_read_the_category_once(october, count_queries):
    """Whether an item sets a budget is its category's (共建活动经费 or not), for the item
    as it is and as edited. The two sides of an edit usually share one category: it is
    read once — one statement for both sides, also when the edit changes the category
    (tidy46; it was one a side)."""
    item = _budget_item(october)
    other = db.session.scalar(select(Category.id).where(Category.code != FUNDING_CODE)
                              .order_by(Category.id).limit(1))
    current = {"unit_id": item.unit_id, "community_id": item.community_id,
               "category_id": item.category_id, "year": item.year, "target": item.target,
               "target_measure": item.target_measure}
    before = funds.Budget(october.unit.id, october.jiefang.id, 2022, 1_000_000)
    for changes, after in (({"target": 1_200_000}, dataclasses.replace(before, fen=1_200_000)),
                           ({"category_id": other}, None)):
        with count_queries() as counted:
            sides = funds.item_budgets(item, ResourceItemData(**current | changes))
        assert sides == (before, after)
        assert sum(bool(re.search(r"\bFROM category\b", s)) for s in counted.statements) == 1, \
            changes
