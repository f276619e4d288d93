"""Permission matrix rows for the funds ledger (共建活动经费)."""
import pytest

from tests.web.matrix import OK, STAFF_ANY, STAFF_OF_COMMUNITY, Route, cases_for, check
from tracker.extensions import db
from tracker.services.funds import add_entry
from tracker.timeutil import local_today

YEAR = local_today().year


def ledger_url(w, suffix=""):
    return f"/funds/{w.unit.id}/{w.community.id}/{YEAR}{suffix}"


def _entry(w):
    entry = add_entry(w.admin, w.unit, w.community, YEAR, entry_date=local_today(),
                      amount_fen=1000, purpose="矩阵测试")
    db.session.commit()
    w.fund_entry_id = entry.id


CASES = [
    Route("funds.index", "GET", lambda w: "/funds/", STAFF_ANY),
    Route("funds.index", "GET", lambda w: f"/funds/?year={YEAR}&unit={w.unit.id}&community={w.community.id}",
          STAFF_ANY, id="index-open-ledger"),
    Route("funds.ledger", "GET", ledger_url, STAFF_OF_COMMUNITY),
    Route("funds.ledger", "GET", lambda w: f"/funds/{w.unit.id}/{w.other_community.id}/{YEAR}",
          {"other_liaison": OK, "admin": OK}, id="ledger-other-community"),
    Route("funds.ledger", "GET", lambda w: f"/funds/999/{w.community.id}/{YEAR}", {},
          id="ledger-unknown-unit"),
    Route("funds.add_entry", "POST", lambda w: ledger_url(w, "/entries"), STAFF_OF_COMMUNITY,
          data={"entry_date": local_today().isoformat(), "amount": "12.50", "purpose": "购买"}),
    Route("funds.reverse", "POST", lambda w: f"/funds/entries/{w.fund_entry_id}/reverse",
          STAFF_OF_COMMUNITY, setup=_entry),
]


@pytest.mark.parametrize(**cases_for(CASES))
def test_funds_permissions(client, login, world, cached_build, route, actor):
    check(client, login, world, route, actor, cached_build)
