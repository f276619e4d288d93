"""A naming page confirmed after the documents it named were re-opened (撤销定稿): asked
again, its words send the user to the button the page shows — 「…如仍要复制，请再次点击
“确认复制”。」 —, never 「…如仍要进行，请再次提交。」 over a page with no 提交 (stale53's Open,
then53). The resource checklist's pages (从上一年度复制, 添加 and 修改资源清单项目, their
button 确认保存) and 登记整改; the other ``NamedFirst`` pages, 作废, 撤销审核, 采纳 and
合并账号 are in tests/web/test_named_reopened_since.py and its neighbours."""
from __future__ import annotations

from sqlalchemy import select

from tests.reports.test_signed_named import named, sign_october_and_the_year
from tests.web.stale_support import text
from tests.web.test_admin_budget_named import _confirmation, _edit_fields
from tests.web.test_item_changes_named import _checklist_item, _new_item_fields
from tests.web.test_named_first import _sign_october_only
from tests.web.test_named_reopened_since import _reopen, buttons
from tests.web.test_named_since_refused_after_rollback import _finding
from tracker.extensions import db
from tracker.models import (FUNDING_CODE, Category, Finding, FindingStatus, ResourceItem,
                            SummaryScope)
from tracker.services import unit_of_work
from tracker.services.year_notes import reopen_year


def _said_again(page: str, names: str, verb: str, button: str) -> None:
    """The page says ``names`` were re-opened and nothing signed is left, ending on
    ``button`` — which is the page's own."""
    assert (f"打开页面之后，{names}已撤销定稿，这次操作现在不会改变已定稿的月报或年度总结。"
            f"未作任何更改；如仍要{verb}，请再次点击“{button}”。") in page, page
    assert "请再次提交" not in page
    assert named(page) == [] and button in buttons(page), buttons(page)


def test_copying_last_years_items_asked_again_names_its_confirm_copy(client, login, october):
    o = october
    login(o.admin)
    assert client.post(f"/reports/finalize?unit={o.unit.id}&month=2023-01",
                       data={"confirmed": "1"}).status_code == 302
    chosen = {"copy-year": "2023", "copy-unit": str(o.unit.id), "copy-community": ""}
    page = client.post("/admin/items/copy", data=chosen).get_data(as_text=True)
    assert "县商务局2023年1月" in " ".join(named(page))
    action, fields = _confirmation(page)
    _reopen(o.unit, 2023, 1, o.admin)

    response = client.post(action, data=fields)
    assert response.status_code == 200
    again = text(response)
    _said_again(again, "县商务局2023年1月", "复制", "确认复制")
    assert db.session.scalar(select(ResourceItem.id).where(ResourceItem.year == 2023)) is None

    action, fields = _confirmation(again)
    assert client.post(action, data=fields).status_code == 302  # 确认复制: copied


def test_a_new_budget_asked_again_names_its_confirm_save(client, login, october):
    other = october.other_unit
    login(october.admin)
    assert client.post(f"/reports/finalize?unit={other.id}&month=2022-11",
                       data={"confirmed": "1"}).status_code == 302
    funding = db.session.scalar(select(Category.id).where(Category.code == FUNDING_CODE))
    typed = _new_item_fields(client) | {
        "unit_id": str(other.id), "community_id": str(october.jiefang.id), "zone_id": "",
        "category_id": f"{funding}:money", "year": "2022", "target": "5000",
        "description": ""}
    page = client.post("/admin/items/new", data=typed).get_data(as_text=True)
    assert "县财政局2022年11月" in " ".join(named(page))
    action, fields = _confirmation(page)
    _reopen(other, 2022, 11, october.admin)

    response = client.post(action, data=fields)
    assert response.status_code == 200
    again = text(response)
    _said_again(again, "县财政局2022年11月", "保存", "确认保存")

    action, fields = _confirmation(again)
    assert client.post(action, data=fields).status_code == 302  # 确认保存: saved


def test_an_item_target_change_asked_again_names_its_confirm_save(client, login, october):
    o = october
    login(o.admin)
    sign_october_and_the_year(client, o)
    item = _checklist_item(o)
    typed = _edit_fields(client, item.id)
    target = int(typed["target"])
    typed["target"] = str(target + 7)
    page = client.post(f"/admin/items/{item.id}/edit", data=typed).get_data(as_text=True)
    assert "县商务局2022年" in " ".join(named(page))
    action, fields = _confirmation(page)
    with unit_of_work():
        reopen_year(o.admin, SummaryScope(unit_id=o.unit.id), 2022)

    response = client.post(action, data=fields)
    assert response.status_code == 200
    again = text(response)
    _said_again(again, "县商务局2022年", "保存", "确认保存")
    db.session.expire_all()
    assert db.session.get(ResourceItem, item.id).target == target  # nothing saved


def test_a_fix_asked_again_names_its_confirm_fix(client, login, october):
    from datetime import date
    o = october
    finding_id = _finding(o, FindingStatus.handed_over, handed_to="县住建局",
                          handed_over_on=date(2022, 10, 8))
    login(o.admin)
    _sign_october_only(client, o)
    page = client.post(f"/progress/findings/{finding_id}/fix",
                       data={"fixed_on": "2022-10-15"}).get_data(as_text=True)
    assert "县商务局2022年10月" in " ".join(named(page))
    action, fields = _confirmation(page)
    _reopen(o.unit, 2022, 10, o.admin)

    response = client.post(action, data=fields)
    assert response.status_code == 200
    again = text(response)
    _said_again(again, "县商务局2022年10月", "登记整改", "确认登记整改")
    db.session.expire_all()
    assert db.session.get(Finding, finding_id).status == FindingStatus.handed_over

    action, fields = _confirmation(again)
    assert client.post(action, data=fields).status_code == 302
    db.session.expire_all()
    assert db.session.get(Finding, finding_id).status == FindingStatus.fixed


def test_a_reactivation_asked_again_names_its_confirm_reactivate(client, login, world):
    """The item of last year, switched off, takes over last year's approved work of its
    line (tests/services/test_item_reactivate_named_race.py's ``_lines``): 重新启用
    names the unit's signed 年度总结 of last year, re-opened before 确认重新启用."""
    from tests.services.test_item_reactivate_named_race import _last_year, _lines
    from tracker.reports import annual_final

    item_id = _lines(world.unit, world.community, world.liaison)
    db.session.commit()
    year = _last_year()
    annual_final.finalize_year(world.admin, SummaryScope(world.unit.id), year)
    db.session.commit()
    login(world.admin)
    page = client.post(f"/admin/items/{item_id}/active",
                       data={"active": "1"}).get_data(as_text=True)
    assert f"{world.unit.name}{year}年" in " ".join(named(page))
    action, fields = _confirmation(page)
    with unit_of_work():
        reopen_year(world.admin, SummaryScope(unit_id=world.unit.id), year)

    response = client.post(action, data=fields)
    assert response.status_code == 200
    _said_again(text(response), f"{world.unit.name}{year}年", "重新启用", "确认重新启用")
    db.session.expire_all()
    assert db.session.get(ResourceItem, item_id).active is False  # nothing done
