"""Budgets, entries and reversing entries, without HTTP."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import AuditEvent, FundEntry
from tracker.rollups import Scope
from tracker.rollups.funds import fund_figures, fund_ledgers
from tracker.services import PermissionDenied, ServiceError
from tracker.services import funds as service
from tracker.timeutil import local_today

YEAR = local_today().year
TODAY = local_today()


def year_figures(world, year=YEAR):
    return fund_figures(Scope(date_from=date(year, 1, 1), date_to=date(year + 1, 1, 1),
                              unit_id=world.unit.id, community_ids=(world.community.id,)), year)


def spend(world, fen, actor=None, day=None, purpose="购买宣传资料"):
    return service.add_entry(actor or world.liaison, world.unit, world.community, YEAR,
                             entry_date=day or TODAY, amount_fen=fen, purpose=purpose)


def test_entry_and_budget_figures(world):
    service.set_budget(world.liaison, world.unit, world.community, YEAR, 1_000_000)
    spend(world, 280_000)
    spend(world, 560_000)
    db.session.commit()
    figures = year_figures(world)
    assert (figures.year_to_date_fen, figures.budget_fen) == (840_000, 1_000_000)
    assert figures.remaining_fen == 160_000
    assert not figures.over_budget
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "add_fund_entry")) == 2


def test_budget_change_is_audited_with_old_and_new(world):
    budget = service.set_budget(world.admin, world.unit, world.community, YEAR, 500_000)
    service.set_budget(world.liaison, world.unit, world.community, YEAR, 800_000)
    db.session.commit()
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "set_budget", AuditEvent.entity_id == budget.id)
        .order_by(AuditEvent.id)).all()
    assert [e.detail for e in events] == [{"old_fen": None, "new_fen": 500_000},
                                          {"old_fen": 500_000, "new_fen": 800_000}]
    assert year_figures(world).budget_fen == 800_000


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
    service.reverse_entry(world.liaison, original)
    db.session.commit()
    with pytest.raises(ServiceError, match="已冲销"):
        service.reverse_entry(world.admin, original)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(FundEntry)) == 2


def test_reversal_of_a_reversal_refused(world):
    reversal = service.reverse_entry(world.liaison, spend(world, 10_000))
    with pytest.raises(ServiceError, match="不能再冲销"):
        service.reverse_entry(world.liaison, reversal)


def test_unique_key_holds_when_the_check_is_raced(world, monkeypatch):
    original = spend(world, 10_000)
    service.reverse_entry(world.liaison, original)
    db.session.commit()
    # A second request that read "not reversed" before the first one committed.
    monkeypatch.setattr(service, "reversal_of", lambda entry: None)
    with pytest.raises(ServiceError, match="已冲销"):
        service.reverse_entry(world.liaison, db.session.get(FundEntry, original.id))
    assert db.session.scalar(select(func.count()).select_from(FundEntry)) == 2


def test_budget_exceeded(world):
    service.set_budget(world.liaison, world.unit, world.community, YEAR, 100_000)
    spend(world, 100_000)
    assert not year_figures(world).over_budget  # exactly on budget is not over
    spend(world, 1)
    figures = year_figures(world)
    assert figures.over_budget and figures.remaining_fen == -1


@pytest.mark.parametrize("kwargs,message", [
    ({"amount_fen": 0}, "大于0"),
    ({"amount_fen": -5}, "大于0"),
    ({"purpose": "  "}, "请填写用途"),
    ({"purpose": "x" * 201}, "不能超过"),
    ({"entry_date": TODAY + timedelta(days=1)}, "不能晚于今天"),
    ({"entry_date": date(YEAR - 1, 12, 31)}, "年内"),
])
def test_bad_entries_refused(world, kwargs, message):
    data = {"entry_date": TODAY, "amount_fen": 100, "purpose": "购买"} | kwargs
    with pytest.raises(ServiceError, match=message):
        service.add_entry(world.liaison, world.unit, world.community, YEAR, **data)


def test_task_of_another_community_refused(world):
    with pytest.raises(ServiceError, match="不属于"):
        service.add_entry(world.liaison, world.unit, world.community, YEAR, entry_date=TODAY,
                          amount_fen=100, purpose="x", task=world.other_task)


@pytest.mark.parametrize("actor", ["member", "other_liaison", "leader"])
def test_only_keepers(world, actor):
    with pytest.raises(PermissionDenied):
        spend(world, 100, actor=getattr(world, actor))
    with pytest.raises(PermissionDenied):
        service.set_budget(getattr(world, actor), world.unit, world.community, YEAR, 1)
    entry = spend(world, 100)
    with pytest.raises(PermissionDenied):
        service.reverse_entry(getattr(world, actor), entry)


def test_ledger_list_in_reach(world):
    spend(world, 500)
    service.set_budget(world.other_liaison, world.unit, world.other_community, YEAR, 9_900)
    db.session.commit()
    everything = fund_ledgers(YEAR)
    assert everything[(world.unit.id, world.community.id)].year_to_date_fen == 500
    assert everything[(world.unit.id, world.other_community.id)].budget_fen == 9_900
    mine = fund_ledgers(YEAR, (world.community.id,))
    assert list(mine) == [(world.unit.id, world.community.id)]
    assert fund_ledgers(YEAR, ()) == {}
