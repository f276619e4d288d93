"""The ledger pages: forms keep what was typed, amounts are exact, excess is shown."""
from datetime import date

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tracker.extensions import db
from tracker.rollups import Scope
from tracker.rollups.funds import fund_figures
from tracker.models import FundEntry, TargetMeasure
from tracker.timeutil import local_today

YEAR = local_today().year
TODAY = local_today().isoformat()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today


def url(world, suffix=""):
    return f"/funds/{world.unit.id}/{world.community.id}/{YEAR}{suffix}"


def entry_count():
    return db.session.scalar(select(func.count()).select_from(FundEntry))


def test_add_entries_exactly_and_reverse(client, login, world):
    login(world.liaison)
    for amount in ("0.1", "0.2"):
        response = client.post(url(world, "/entries"),
                               data={"entry_date": TODAY, "amount": amount, "purpose": "打印"})
        assert response.status_code == 302
    amounts = db.session.scalars(select(FundEntry.amount_fen).order_by(FundEntry.id)).all()
    assert amounts == [10, 20]
    total = fund_figures(Scope(unit_id=world.unit.id, community_ids=(world.community.id,),
                               date_from=date(YEAR, 1, 1), date_to=date(YEAR + 1, 1, 1)), YEAR)
    assert total.year_to_date_fen == 30 and isinstance(total.year_to_date_fen, int)
    page = client.get(url(world)).get_data(as_text=True)
    assert "0.30" in page and "支出明细" in page

    first = db.session.scalar(select(FundEntry).order_by(FundEntry.id))
    response = client.post(f"/funds/entries/{first.id}/reverse", data={"reason": "重复登记", "confirmed": "1"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "已冲销。" in page and "冲销：打印（重复登记）" in page and "-0.10" in page
    # A second 冲销 of the same entry is refused on the page, nothing written.
    response = client.post(f"/funds/entries/{first.id}/reverse",
                           data={"reason": "再次", "confirmed": "1"})
    assert response.status_code == 200
    assert "该记录已冲销，不能重复冲销。" in response.get_data(as_text=True)
    assert entry_count() == 3


def test_a_reversal_made_in_english_is_stored_in_chinese(client, login, world):
    """The ledger and its exports are Chinese: the stored purpose of a 冲销 does not
    follow the language of the keeper's pages."""
    login(world.liaison)
    client.get(url(world) + "?lang=en")
    assert client.post(url(world, "/entries"), data={
        "entry_date": TODAY, "amount": "5", "purpose": "打印"}).status_code == 302
    first = db.session.scalar(select(FundEntry))
    response = client.post(f"/funds/entries/{first.id}/reverse", data={"reason": "dup", "confirmed": "1"})
    assert response.status_code == 302
    reversal = db.session.scalar(select(FundEntry).where(FundEntry.reverses_id == first.id))
    assert reversal.purpose == "冲销：打印（dup）"
    assert "冲销：打印（dup）" in client.get(url(world) + "?lang=zh").get_data(as_text=True)


def test_a_reversal_in_a_finalised_month_is_refused_on_the_page(client, login, world):
    from tracker.models import SummaryNote
    from tracker.timeutil import utcnow

    login(world.liaison)
    assert client.post(url(world, "/entries"), data={
        "entry_date": TODAY, "amount": "5", "purpose": "打印"}).status_code == 302
    today = local_today()
    db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                               year=today.year, month=today.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    db.session.commit()
    first = db.session.scalar(select(FundEntry))
    response = client.post(f"/funds/entries/{first.id}/reverse", data={"reason": "重复", "confirmed": "1"})
    assert response.status_code == 200
    assert f"{today.year}年{today.month}月的月报已定稿" in response.get_data(as_text=True)
    response = client.post(url(world, "/entries"), data={
        "entry_date": TODAY, "amount": "7", "purpose": "横幅"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "月报已定稿" in page and 'value="横幅"' in page
    assert entry_count() == 1


def test_bad_amount_keeps_what_was_typed(client, login, world):
    login(world.liaison)
    for typed, message in [("1e3", "金额格式不正确"), ("abc", "金额格式不正确"),
                           ("-5", "不能为负数"), ("3.333", "两位小数"), ("", "请输入金额")]:
        response = client.post(url(world, "/entries"),
                               data={"entry_date": TODAY, "amount": typed, "purpose": "横幅制作"})
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert message in page
        assert 'value="横幅制作"' in page
        if typed:
            assert f'value="{typed}"' in page
    assert entry_count() == 0


def test_bad_date_and_task_in_chinese(client, login, world):
    login(world.liaison)
    response = client.post(url(world, "/entries"),
                           data={"entry_date": "2022-13-45", "amount": "10", "purpose": "x",
                                 "task_id": "abc"})
    page = response.get_data(as_text=True)
    assert "日期格式不正确" in page and "请从列表中选择" in page
    assert "Not a valid" not in page
    assert entry_count() == 0


def test_a_date_of_blanks_is_asked_for_on_the_page(client, login, world):
    # a date field left as spaces (a text box on an old WeChat build) is no date: the
    # page asks for one, keeps what was typed, and writes nothing
    login(world.liaison)
    for blank in ("   ", "\u3000 "):
        response = client.post(url(world, "/entries"), data={
            "entry_date": blank, "amount": "12.50", "purpose": "横幅制作"})
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "请填写日期。" in page and 'value="12.50"' in page and "横幅制作" in page
    assert entry_count() == 0


def test_budget_exceeded_is_shown(client, login, world):
    login(world.admin)
    assert client.post(f"/admin/items/{budget_item(world).id}/edit", data=item_form(
        world, "1,000")).status_code == 302
    client.post(url(world, "/entries"), data={"entry_date": TODAY, "amount": "800", "purpose": "a"})
    page = client.get(url(world)).get_data(as_text=True)
    assert "已超出年度预算" not in page and "预算剩余 200.00 元" in page
    client.post(url(world, "/entries"), data={"entry_date": TODAY, "amount": "300.5", "purpose": "b"})
    page = client.get(url(world)).get_data(as_text=True)
    assert "over-budget" in page and "已超出年度预算" in page and "超出 100.50 元" in page
    assert "110.1%" in page
    index = client.get(f"/funds/?year={YEAR}").get_data(as_text=True)
    assert "已超出预算" in index and "1,100.50" in index


def test_budget_form_refuses_bad_input(client, login, world):
    item = budget_item(world)
    login(world.admin)
    response = client.post(f"/admin/items/{item.id}/edit", data=item_form(world, "十万"))
    assert "金额格式不正确" in response.get_data(as_text=True)
    db.session.refresh(item)
    assert item.target == 0


def test_the_ledger_shows_the_budget_and_where_it_is_set(client, login, world):
    """One budget, one place: the ledger shows the funds item's target and links to it
    (an admin), or says who sets it; there is no second budget form."""
    item = budget_item(world, 1_234_500)
    login(world.admin)
    page = client.get(url(world)).get_data(as_text=True)
    assert "12,345.00" in page and f"/admin/items/{item.id}/edit" in page
    assert "/budget" not in page
    login(world.liaison)
    page = client.get(url(world)).get_data(as_text=True)
    assert "12,345.00" in page and "/admin/items/" not in page
    assert client.post(url(world, "/budget"), data={"amount": "1"}).status_code == 404


def budget_item(world, fen=0):
    item = f.item(world.unit, world.community, "cobuild_funding", year=YEAR, target=fen,
                  measure=TargetMeasure.money)
    db.session.commit()
    return item


def item_form(world, target: str) -> dict:
    from tracker.reference import ensure_categories

    funding = ensure_categories()["cobuild_funding"]
    return {"unit_id": world.unit.id, "community_id": world.community.id, "zone_id": "",
            "category_id": f"{funding.id}:money", "year": YEAR, "target": target,
            "description": ""}


def test_index_opens_a_ledger(client, login, world):
    login(world.liaison)
    response = client.get(f"/funds/?year={YEAR}&unit={world.unit.id}&community={world.community.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(url(world))
    page = client.get("/funds/").get_data(as_text=True)
    assert world.community.name in page and world.other_community.name not in page.split("<table")[-1]


def test_a_ledger_or_entry_out_of_reach_answers_as_one_that_does_not_exist(client, login, world):
    """Invariant 5: the liaison of 建设路社区 asking for 解放路社区's ledger, adding to it
    or reversing one of its entries gets the 404 a missing ledger or entry gets — the
    answer does not tell that the entry exists — and nothing is written."""
    from tracker.services.funds import add_entry

    entry = add_entry(world.admin, world.unit, world.community, local_today().year,
                      entry_date=local_today(), amount_fen=1000, purpose="横幅")
    db.session.commit()
    login(world.other_liaison)  # serves 建设路社区 only
    answers = (
        client.get(url(world)).status_code,
        client.post(url(world, "/entries"), data={
            "entry_date": TODAY, "amount": "5", "purpose": "打印"}).status_code,
        client.post(f"/funds/entries/{entry.id}/reverse", data={"reason": "录错", "confirmed": "1"}).status_code,
        client.post("/funds/entries/987654/reverse", data={"reason": "录错", "confirmed": "1"}).status_code,
        client.get(f"/funds/{world.unit.id}/987654/{YEAR}").status_code,
    )
    assert answers == (404, 404, 404, 404, 404)
    assert entry_count() == 1


def test_a_cancelled_or_voided_activity_is_not_offered_as_the_entrys_task(client, login, world):
    """The 关联任务 list offers the ledger's activities that took or take place: not one
    called off (取消) nor one struck out as recorded by mistake (作废); posting such a
    task's id is refused on the form, and nothing is written."""
    from datetime import timedelta

    from tracker.models import TaskStatus
    from tracker.services import unit_of_work
    from tracker.services.reviews import ReportData, submit_report
    from tracker.services.voiding import void_activity

    yesterday = -timedelta(days=1)
    held = f.task(world.item, world.liaison, starts_in=yesterday, title="楼道清理（已开展）")
    called_off = f.task(world.item, world.liaison, starts_in=yesterday, title="楼道清理（已取消）",
                        status=TaskStatus.cancelled)
    struck_out = f.task(world.item, world.liaison, leader=world.leader, starts_in=yesterday,
                        title="楼道清理（已作废）")
    db.session.commit()
    with unit_of_work():
        submit_report(struck_out, world.leader, ReportData(None, None, "已完成"))
    with unit_of_work():
        void_activity(struck_out, world.admin, "误录：当天并未开展")
    year = held.service_date.year
    ledger = f"/funds/{world.unit.id}/{world.community.id}/{year}"

    login(world.liaison)
    page = client.get(ledger).get_data(as_text=True)
    assert "楼道清理（已开展）" in page
    assert "楼道清理（已取消）" not in page and "楼道清理（已作废）" not in page
    for task in (called_off, struck_out):
        response = client.post(f"{ledger}/entries", data={
            "entry_date": held.service_date.isoformat(), "amount": "5", "purpose": "横幅",
            "task_id": str(task.id)})
        assert response.status_code == 200
        assert "请从列表中选择" in response.get_data(as_text=True)
    assert entry_count() == 0


def test_an_amount_in_wan_is_recorded_in_yuan(client, login, world):
    # review "resources" #3: 「1.5万」 as the source document writes money
    login(world.liaison)
    response = client.post(url(world, "/entries"),
                           data={"entry_date": TODAY, "amount": "1.5万", "purpose": "慰问品"})
    assert response.status_code == 302
    assert db.session.scalar(select(FundEntry.amount_fen)) == 1_500_000


def test_every_mistake_of_an_entry_is_named_in_one_submit(client, login, world):
    """A wrong amount (the form's) and a date of another year (the service's) are both
    named on the page the first submit returns, what was typed kept, nothing written."""
    login(world.liaison)
    last_year = f"{YEAR - 1}-12-31"
    response = client.post(url(world, "/entries"),
                           data={"entry_date": last_year, "amount": "abc", "purpose": "横幅制作"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "金额格式不正确" in page and f"日期须在{YEAR}年内。" in page
    assert f'value="{last_year}"' in page and 'value="abc"' in page and 'value="横幅制作"' in page
    # a date the form cannot read is the form's one message for it, no other
    response = client.post(url(world, "/entries"),
                           data={"entry_date": "2022-13-45", "amount": "abc", "purpose": "x"})
    page = response.get_data(as_text=True)
    assert "日期格式不正确" in page and "年内" not in page and "金额格式不正确" in page
    assert entry_count() == 0
