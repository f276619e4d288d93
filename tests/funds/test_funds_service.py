"""Budgets, entries and reversing entries, without HTTP. The year's budget is the
money target of the 共建活动经费 checklist item (one budget, one place to enter it)."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.clock import set_app_clock
from tracker.extensions import db
from tracker.models import AuditEvent, FundEntry, SummaryNote, TargetMeasure, TaskStatus
from tracker.rollups import Scope
from tracker.rollups.funds import fund_figures, fund_ledgers
from tracker.services import PermissionDenied, ServiceError, ServiceErrors
from tracker.services import funds as service
from tracker.timeutil import local_today, utcnow

YEAR = local_today().year
TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today


def year_figures(world, year=YEAR):
    return fund_figures(Scope(date_from=date(year, 1, 1), date_to=date(year + 1, 1, 1),
                              unit_id=world.unit.id, community_ids=(world.community.id,)), year)


def budget(world, fen, community=None):
    """The 共建活动经费 item of the unit in the community: its money target is the budget."""
    return f.item(world.unit, community or world.community, "cobuild_funding", year=YEAR,
                  target=fen, measure=TargetMeasure.money)


def spend(world, fen, actor=None, day=None, purpose="购买宣传资料"):
    return service.add_entry(actor or world.liaison, world.unit, world.community, YEAR,
                             entry_date=day or TODAY, amount_fen=fen, purpose=purpose)


def test_entry_and_budget_figures(world):
    budget(world, 1_000_000)
    spend(world, 280_000)
    spend(world, 560_000)
    db.session.commit()
    figures = year_figures(world)
    assert (figures.year_to_date_fen, figures.budget_fen) == (840_000, 1_000_000)
    assert figures.remaining_fen == 160_000
    assert not figures.over_budget
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "add_fund_entry")) == 2


def test_the_budget_is_the_funds_item_money_target_and_its_change_is_audited(world):
    from tracker.services import directory

    item = budget(world, 500_000)
    data = directory.ResourceItemData(
        unit_id=world.unit.id, community_id=world.community.id, category_id=item.category_id,
        year=YEAR, target=800_000, target_measure=TargetMeasure.money)
    directory.update_resource_item(item, world.admin, data)
    db.session.commit()
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "update", AuditEvent.entity_type == "resource_item",
        AuditEvent.entity_id == item.id)).all()
    assert [e.detail for e in events] == [{"target": [500_000, 800_000]}]
    assert year_figures(world).budget_fen == 800_000
    assert service.budget_items(world.unit.id, world.community.id, YEAR) == [item]


def test_reversal_is_negative_points_at_original_and_nets_out(world):
    original = spend(world, 320_050)
    reversal = service.reverse_entry(world.liaison, original, "金额录错")
    db.session.commit()
    assert reversal.amount_fen == -320_050
    assert reversal.reverses_id == original.id
    assert reversal.entry_date == original.entry_date
    assert "金额录错" in reversal.purpose
    # Nothing edited away: both rows stay.
    assert db.session.scalar(select(func.count()).select_from(FundEntry)) == 2
    assert db.session.get(FundEntry, original.id).amount_fen == 320_050
    assert year_figures(world).year_to_date_fen == 0
    entries = service.ledger_entries(world.unit.id, world.community.id, YEAR)
    assert [(e.id, by) for e, by in entries] == [(original.id, reversal.id), (reversal.id, None)]


def test_double_reversal_refused(world):
    original = spend(world, 10_000)
    service.reverse_entry(world.liaison, original, "录错")
    db.session.commit()
    with pytest.raises(ServiceError, match="已冲销"):
        service.reverse_entry(world.admin, original, "录错")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(FundEntry)) == 2


def test_reversal_of_a_reversal_refused(world):
    reversal = service.reverse_entry(world.liaison, spend(world, 10_000), "录错")
    with pytest.raises(ServiceError, match="不能再冲销"):
        service.reverse_entry(world.liaison, reversal, "录错")


def test_unique_key_holds_when_the_check_is_raced(world, monkeypatch):
    original = spend(world, 10_000)
    service.reverse_entry(world.liaison, original, "录错")
    db.session.commit()
    # A second request that read "not reversed" before the first one committed.
    monkeypatch.setattr(service, "reversal_of", lambda entry: None)
    with pytest.raises(ServiceError, match="已冲销"):
        service.reverse_entry(world.liaison, db.session.get(FundEntry, original.id), "录错")
    assert db.session.scalar(select(func.count()).select_from(FundEntry)) == 2


def test_budget_exceeded(world):
    budget(world, 100_000)
    spend(world, 100_000)
    assert not year_figures(world).over_budget  # exactly on budget is not over
    spend(world, 1)
    figures = year_figures(world)
    assert figures.over_budget and figures.remaining_fen == -1


def test_spending_where_no_budget_is_set_is_no_share_of_another_budget(world):
    """A budget is one (unit, community) ledger's: the unit's 预算使用率 over several
    communities counts the ledgers with a budget, and spending elsewhere — no funds
    item, or one whose budget is 0 (未设定) — is a figure of its own."""
    budget(world, 100_000)
    budget(world, 0, community=world.other_community)
    spend(world, 40_000)
    service.add_entry(world.admin, world.unit, world.other_community, YEAR, entry_date=TODAY,
                      amount_fen=90_000, purpose="慰问物资")
    db.session.commit()
    unit = fund_figures(Scope(date_from=date(YEAR, 1, 1), date_to=date(YEAR + 1, 1, 1),
                              unit_id=world.unit.id), YEAR)
    assert (unit.year_to_date_fen, unit.budget_fen, unit.budgeted_fen,
            unit.unbudgeted_fen) == (130_000, 100_000, 40_000, 90_000)
    assert (unit.used, unit.remaining_fen, unit.over_budget) == ("40.0%", 60_000, False)
    ledgers = fund_ledgers(YEAR)
    other = ledgers[(world.unit.id, world.other_community.id)]
    assert (other.budget_fen, other.used, other.unbudgeted_fen) == (0, "—", 90_000)


@pytest.mark.parametrize("kwargs,message", [
    ({"amount_fen": 0}, "大于0"),
    ({"amount_fen": -5}, "大于0"),
    ({"purpose": "  "}, "请填写用途"),
    ({"purpose": "x" * 201}, "不能超过"),
    ({"entry_date": date(YEAR - 1, 12, 31)}, "年内"),
])
def test_bad_entries_refused(world, kwargs, message):
    data = {"entry_date": TODAY, "amount_fen": 100, "purpose": "购买"} | kwargs
    with pytest.raises(ServiceError, match=message):
        service.add_entry(world.liaison, world.unit, world.community, YEAR, **data)


def test_an_entry_dated_after_today_is_refused(world, monkeypatch):
    """A day of the entry's year after today. On 31 December there is none — 1 January
    is of another year, refused as such (session 54) — so it is 10:00 on 30 December."""
    today = TODAY
    if (today.month, today.day) == (12, 31):
        today = set_app_clock(monkeypatch, today - timedelta(days=1))
    with pytest.raises(ServiceError, match="不能晚于今天"):
        service.add_entry(world.liaison, world.unit, world.community, YEAR,
                          entry_date=today + timedelta(days=1), amount_fen=100, purpose="购买")


def test_task_of_another_community_refused(world):
    with pytest.raises(ServiceError, match="不属于"):
        service.add_entry(world.liaison, world.unit, world.community, YEAR, entry_date=TODAY,
                          amount_fen=100, purpose="x", task=world.other_task)


def test_a_cancelled_activity_cannot_be_the_entrys_task(world):
    """The 关联任务 of an entry is an activity that took or takes place: the service
    refuses a cancelled one itself, not only the form's list of choices."""
    cancelled = f.task(world.item, world.liaison, status=TaskStatus.cancelled)
    db.session.commit()
    with pytest.raises(ServiceError, match="已取消或作废"):
        service.add_entry(world.liaison, world.unit, world.community, YEAR, entry_date=TODAY,
                          amount_fen=100, purpose="x", task=cancelled)
    assert db.session.scalar(select(func.count(FundEntry.id))) == 0


@pytest.mark.parametrize("actor", ["member", "other_liaison", "leader"])
def test_only_keepers(world, actor):
    with pytest.raises(PermissionDenied):
        spend(world, 100, actor=getattr(world, actor))
    entry = spend(world, 100)
    with pytest.raises(PermissionDenied):
        service.reverse_entry(getattr(world, actor), entry, "录错")


def test_ledger_list_in_reach(world):
    spend(world, 500)
    budget(world, 9_900, community=world.other_community)
    db.session.commit()
    everything = fund_ledgers(YEAR)
    assert everything[(world.unit.id, world.community.id)].year_to_date_fen == 500
    assert everything[(world.unit.id, world.other_community.id)].budget_fen == 9_900
    mine = fund_ledgers(YEAR, (world.community.id,))
    assert list(mine) == [(world.unit.id, world.community.id)]
    assert fund_ledgers(YEAR, ()) == {}


def finalise(world, day, *, community=False):
    """Mark the 月报 of ``day``'s month 已定稿: the unit's, or the community's."""
    if community:
        note = SummaryNote(scope_key=f"community:{world.community.id}",
                           community_id=world.community.id)
    else:
        note = SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id)
    note.year, note.month = day.year, day.month
    note.finalized_at, note.finalized_by_id = utcnow(), world.admin.id
    db.session.add(note)
    db.session.commit()


@pytest.mark.parametrize("community", [False, True])
def test_a_finalised_month_takes_entries_from_an_admin_only(world, community):
    finalise(world, TODAY, community=community)
    message = f"{TODAY.year}年{TODAY.month}月的月报已定稿"
    with pytest.raises(ServiceError, match=message) as info:
        spend(world, 100)
    assert info.value.field == "entry_date"
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(FundEntry)) == 0
    spend(world, 100, actor=world.admin)
    db.session.commit()
    assert year_figures(world).year_to_date_fen == 100


def test_a_finalised_month_takes_reversals_from_an_admin_only(world):
    original = spend(world, 5_000)
    db.session.commit()
    finalise(world, original.entry_date)
    with pytest.raises(ServiceError, match="月报已定稿"):
        service.reverse_entry(world.liaison, original, "重复")
    db.session.rollback()
    assert year_figures(world).year_to_date_fen == 5_000
    service.reverse_entry(world.admin, db.session.get(FundEntry, original.id), "重复")
    db.session.commit()
    assert year_figures(world).year_to_date_fen == 0


def test_another_month_being_final_does_not_matter(world):
    finalise(world, date(TODAY.year - 1, TODAY.month, 1))
    original = spend(world, 100)
    service.reverse_entry(world.liaison, original, "录错")
    db.session.commit()
    assert year_figures(world).year_to_date_fen == 0


def test_every_refused_field_of_an_entry_is_named_at_once(world):
    """A zero amount, an empty 用途 and a cancelled 关联任务 are refused together, each
    under its field; nothing is written."""
    cancelled = f.task(world.item, world.liaison, status=TaskStatus.cancelled)
    db.session.commit()
    with pytest.raises(ServiceErrors) as refused:
        service.add_entry(world.liaison, world.unit, world.community, YEAR, entry_date=TODAY,
                          amount_fen=0, purpose="  ", task=cancelled)
    assert [(e.field, str(e.message)) for e in refused.value.errors] == [
        ("amount", "金额必须大于0。"), ("purpose", "请填写用途。"),
        ("task_id", "所选任务已取消或作废，不能关联。")]
    assert db.session.scalar(select(func.count(FundEntry.id))) == 0
