"""An admin's 冲销 confirmed on a page read before another admin reversed the same entry
and, in the same unit of work, signed (定稿) last month — or re-opened it (撤销定稿) — in
separate processes (two gunicorn workers, two connections) on PostgreSQL. SQLite's
writers take turns anyway, so this runs only with TEST_DATABASE_URL.

The rule (docs/design.md, "Refused in a 已定稿 month"; review44 #2's shape): what the
service refuses is said at once in its own words — 「该记录已冲销，不能重复冲销。」 — never
answered first with a page naming the signed documents afresh, 「…有了变化，未作任何更改…」,
whose 确认 could only be refused. Before adoptorder46 the view compared the page's key
before the service's refusals (``first.guard(service.reverse_entry)``), under the
months' share locks: it waited for the 定稿 (撤销定稿), read another set of signed
documents and asked again (fundsnamed45's Open). Now ``reverse_entry`` holds the entry's
row first — the other 冲销 holds it too, so the post waits for it and reads its reversal
— and compares what the page named only after its refusals (``named``,
``NamedFirst.comparing``). Nothing is written twice.

The order is forced (``tests.races.race_in_order``): the other admin's 冲销 and 定稿
(撤销定稿) first, held open; the post is the view itself (``funds.routes.reverse``), in
the racer's request. The same read in turn, on SQLite:
``tests/funds/test_reversed_since_refused_at_once.py``.
"""
from __future__ import annotations

import re
from datetime import date

import pytest

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import PG_URL
from tests.services.test_named_since_race import _last_month

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__
REVERSED = "该记录已冲销，不能重复冲销。"


def _world(url, *, signed: bool):
    """A unit working in 解放路社区, two admins, an entry of last month's 20th in the
    unit's ledger there; last month's 月报 of the unit ``signed`` or not. ``named``: the
    key the 冲销 page read now posts back (last month, or nothing)."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import FundEntry, Role, SummaryScope
    from tracker.reports import final
    from tracker.services.funds import reversal_signed
    from tracker.services.roll import named_key

    last = _last_month()
    with race_world(url) as (app, unit, item, _liaison):
        admin = f.member(unit, Role.admin, name="管理员甲")
        other = f.member(unit, Role.admin, name="管理员乙")
        entry = FundEntry(unit_id=unit.id, community_id=item.community_id,
                          entry_date=date(last.year, last.month, 20), amount_fen=30_000,
                          purpose="购买垃圾桶", created_by_id=admin.id)
        db.session.add(entry)
        db.session.commit()
        if signed:
            final.finalize(other, SummaryScope(unit.id), last.year, last.month)
            db.session.commit()
        named = named_key(reversal_signed(admin, entry))
        assert bool(named) is signed
        return app, dict(unit=unit.id, admin=admin.id, other=other.id, entry=entry.id,
                         named=named)


def _reversed_by_the_other(ids):
    """管理员乙 reverses the entry (his own page: no key)."""
    from tracker.extensions import db
    from tracker.models import FundEntry, Member
    from tracker.services.funds import reverse_entry

    reverse_entry(db.session.get(Member, ids["other"]), db.session.get(FundEntry, ids["entry"]),
                  "误登记")


def _reverse_and_sign(ids):
    """管理员乙 reverses the entry, then signs last month's 月报 of the unit."""
    from tests.services.test_named_since_race import _sign

    _reversed_by_the_other(ids)
    _sign({**ids, "signer": ids["other"]})


def _reverse_and_reopen(ids):
    """管理员乙 reverses the entry, then re-opens last month's 月报 of the unit."""
    from tracker.extensions import db
    from tracker.models import Member, SummaryScope
    from tracker.services.summary_notes import reopen

    _reversed_by_the_other(ids)
    last = _last_month()
    reopen(db.session.get(Member, ids["other"]), SummaryScope(ids["unit"]), last.year,
           last.month)


def _confirm(ids):
    """管理员甲 presses 确认冲销 on the page read before, through the view as the browser's
    post reaches it. What the page says comes back as the outcome's refusal: the
    ledger's refusal, or the words a page asking again says first."""
    from flask import Response, current_app, g

    from tracker.extensions import db
    from tracker.models import Member
    from tracker.named_page import KEY
    from tracker.services import ServiceError

    url = f"/funds/entries/{ids['entry']}/reverse"
    posted = {"reason": "重复录入", "confirmed": "1", KEY: ids["named"]}
    app = current_app._get_current_object()
    with app.test_request_context(url, method="POST", data=posted):
        # signed in, as ``login_required`` reads it
        g._login_user = db.session.get(Member, ids["admin"])
        answer = app.view_functions["funds.reverse"](entry_id=ids["entry"])
    if isinstance(answer, Response):
        return  # written (a redirect to the ledger)
    if REVERSED in answer:
        raise ServiceError(REVERSED)
    # a page asking again: 「打开页面之后，…有了变化（…已撤销定稿…），未作任何更改…」
    since = re.search(r"打开页面之后[^<]*", answer)
    raise ServiceError(since.group(0) if since else "the page says neither")


def _reversals(app) -> int:
    from sqlalchemy import func, select

    from tracker.extensions import db
    from tracker.models import FundEntry

    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(FundEntry)
                                  .where(FundEntry.reverses_id.is_not(None)))
        db.session.remove()
        db.engine.dispose()
    return count


@pytest.mark.parametrize("other, signed", [("_reverse_and_sign", False),
                                           ("_reverse_and_reopen", True)])
def test_an_entry_reversed_meanwhile_is_refused_at_once_whatever_was_signed(
        tmp_path, other, signed):
    """The other admin's 冲销 and 定稿 (撤销定稿) first, held open: 确认 waits for the
    entry, then is refused for the reversal it reads — not answered with a page naming
    last month afresh (or asking the plain 冲销, nothing signed left) —; one reversal."""
    with race_database("postgresql", tmp_path, "reversalnamed" + other) as url:
        app, ids = _world(url, signed=signed)
        got = race_in_order(MODULE, url, ids, other, "_confirm")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got[other]["ok"] is True
        assert got["_confirm"]["refused"] == REVERSED
        assert _reversals(app) == 1
