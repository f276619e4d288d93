"""Permission matrix rows for the funds ledger (共建活动经费).

A ledger (unit × community × year) is kept by the community's liaison and admins,
whatever the unit; a ledger or entry of a community outside a liaison's reach answers
404, as one that does not exist; members are refused the staff pages (403)."""
import pytest

from tests import factories as f
from tests.web.matrix import (
    STAFF_ANY,
    STAFF_NOT_FOUND,
    STAFF_OF_COMMUNITY,
    STAFF_OF_OTHER_COMMUNITY,
    Route,
    cases_for,
    check,
)
from tracker.extensions import db
from tracker.services.funds import add_entry
from tracker.timeutil import local_today

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
YEAR = TODAY.year


def ledger_url(w, suffix=""):
    return f"/funds/{w.unit.id}/{w.community.id}/{YEAR}{suffix}"


def _entry(w):
    entry = add_entry(w.admin, w.unit, w.community, YEAR, entry_date=local_today(),
                      amount_fen=1000, purpose="矩阵测试")
    db.session.commit()
    w.fund_entry_id = entry.id


def _far_unit(w):
    """A second unit, 县财政局, with an entry in its ledger of community B."""
    w.far_unit = f.unit("县财政局")
    f.item(w.far_unit, w.other_community, "environment_cleanup")
    entry = add_entry(w.admin, w.far_unit, w.other_community, YEAR, entry_date=local_today(),
                      amount_fen=2000, purpose="外单位支出")
    db.session.commit()
    w.far_entry_id = entry.id


ENTRY = {"entry_date": TODAY.isoformat(), "amount": "12.50", "purpose": "购买"}

CASES = [
    Route("funds.index", "GET", lambda w: "/funds/", STAFF_ANY),
    Route("funds.index", "GET", lambda w: f"/funds/?year={YEAR}&unit={w.unit.id}&community={w.community.id}",
          STAFF_ANY, id="index-open-ledger"),
    Route("funds.ledger", "GET", ledger_url, STAFF_OF_COMMUNITY),
    Route("funds.ledger", "GET", lambda w: f"/funds/{w.unit.id}/{w.other_community.id}/{YEAR}",
          STAFF_OF_OTHER_COMMUNITY, id="ledger-other-community"),
    Route("funds.ledger", "GET", lambda w: f"/funds/999/{w.community.id}/{YEAR}", STAFF_NOT_FOUND,
          id="ledger-unknown-unit"),
    # another unit's ledgers: by community, as the unit's own
    Route("funds.ledger", "GET", lambda w: f"/funds/{w.far_unit.id}/{w.other_community.id}/{YEAR}",
          STAFF_OF_OTHER_COMMUNITY, setup=_far_unit, id="ledger-other-unit"),
    Route("funds.ledger", "GET", lambda w: f"/funds/{w.far_unit.id}/{w.community.id}/{YEAR}",
          STAFF_OF_COMMUNITY, setup=_far_unit, id="ledger-other-unit-in-A"),
    Route("funds.add_entry", "POST", lambda w: ledger_url(w, "/entries"), STAFF_OF_COMMUNITY,
          data=ENTRY),
    Route("funds.add_entry", "POST",
          lambda w: f"/funds/{w.far_unit.id}/{w.other_community.id}/{YEAR}/entries",
          STAFF_OF_OTHER_COMMUNITY, data=ENTRY, setup=_far_unit, id="add-entry-other-unit"),
    Route("funds.reverse", "POST", lambda w: f"/funds/entries/{w.fund_entry_id}/reverse",
          STAFF_OF_COMMUNITY, setup=_entry, data={"reason": "录错", "confirmed": "1"}),
    Route("funds.reverse", "POST", lambda w: f"/funds/entries/{w.far_entry_id}/reverse",
          STAFF_OF_OTHER_COMMUNITY, data={"reason": "录错", "confirmed": "1"}, setup=_far_unit,
          id="reverse-other-unit"),
    Route("funds.reverse", "POST", lambda w: "/funds/entries/987654/reverse", STAFF_NOT_FOUND,
          data={"reason": "录错"}, id="reverse-missing"),
]


@pytest.mark.parametrize(**cases_for(CASES))
def test_funds_permissions(client, login, route_world, route, actor):
    check(client, login, route_world, route, actor)
