"""An admin's 登记支出 the ledger refuses — a day of last month typed on next year's ledger
— posted while another admin signs (定稿) last month, or re-opens it (撤销定稿), in
separate processes (two gunicorn workers, two connections) on PostgreSQL. SQLite's
writers take turns anyway, so this runs only with TEST_DATABASE_URL.

The rule (docs/design.md, "Refused in a 已定稿 month"; review44 #2): what the service
refuses is said at once in its own words — never asked, never answered with a page
naming the signed documents afresh, 「…有了变化，未作任何更改…」, which would ask to
confirm an entry that 确认 could only see refused. The view's read-only check found
the month as it was before the other admin's commit, and showed no page (refused).
Before fundsnamed45 the view compared what it had read (nothing signed; or the month
signed, the page declined for the refusal) with the month now, before the service's
refusals — waiting for the 定稿's (撤销定稿's) lock — and answered with a naming page
afresh; now the refusal comes first (``funds.add_entry``'s ``named``,
``NamedFirst.compare``), and the page is the ledger with 「日期须在…年内。」 under the
date, nothing written.

No refusal of 登记支出 that an admin can meet goes away between the view's check and the
service's locks (a date's year, a day not yet come — a month that cannot yet be signed —,
an amount, a purpose, a task of another unit or community, a task cancelled — for good):
the other half of the rule, a refusal gone by then named afresh rather than written
unnamed, has nothing here to race (the report of fundsnamed45).

The order is forced (``tests.races.race_in_order``): the 定稿 (撤销定稿) first, held
open; the post is the view itself (``funds.routes.add_entry``), in the racer's request.
"""
from __future__ import annotations

import re
from datetime import date

import pytest

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import PG_URL
from tests.services.test_named_since_race import _last_month
from tests.services.test_named_since_race import _sign as _sign_last_month

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__


def _world(url, *, signed: bool):
    """A unit working in 解放路社区, two admins; last month's 月报 of the unit ``signed``
    or not; no entry."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Role, SummaryScope
    from tracker.reports import final

    with race_world(url) as (app, unit, item, _liaison):
        admin = f.member(unit, Role.admin, name="管理员甲")
        signer = f.member(unit, Role.admin, name="管理员乙")
        db.session.commit()
        if signed:
            last = _last_month()
            final.finalize(signer, SummaryScope(unit.id), last.year, last.month)
            db.session.commit()
        return app, dict(unit=unit.id, community=item.community_id, admin=admin.id,
                         signer=signer.id, ledger=_last_month().year + 1)


def _sign(ids):
    """管理员乙 signs last month's 月报 of the unit."""
    _sign_last_month(ids)


def _reopen(ids):
    """管理员乙 re-opens last month's 月报 of the unit (撤销定稿)."""
    from tracker.extensions import db
    from tracker.models import Member, SummaryScope
    from tracker.services.summary_notes import reopen

    last = _last_month()
    reopen(db.session.get(Member, ids["signer"]), SummaryScope(ids["unit"]), last.year,
           last.month)


def _refusal(ids) -> str:
    return f"日期须在{ids['ledger']}年内。"


def _post(ids):
    """管理员甲 posts 登记支出 on next year's ledger dated last month's 20th, through the
    view as the browser's post reaches it. What the page says comes back as the
    outcome's refusal: the form's refusal, or the words a page asking again says first."""
    from flask import Response, current_app, g

    from tracker.extensions import db
    from tracker.models import Member
    from tracker.services import ServiceError

    last = _last_month()
    url = f"/funds/{ids['unit']}/{ids['community']}/{ids['ledger']}/entries"
    typed = {"entry_date": date(last.year, last.month, 20).isoformat(), "amount": "300",
             "purpose": "补登购买垃圾桶", "task_id": ""}
    app = current_app._get_current_object()
    with app.test_request_context(url, method="POST", data=typed):
        # signed in, as ``login_required`` reads it (a login session's cookie would
        # need a request of its own first)
        g._login_user = db.session.get(Member, ids["admin"])
        answer = app.view_functions["funds.add_entry"](
            unit_id=ids["unit"], community_id=ids["community"], year=ids["ledger"])
    if isinstance(answer, Response):
        return  # written (a redirect to the ledger)
    if _refusal(ids) in answer:
        raise ServiceError(_refusal(ids))
    # a page asking again: 「打开页面之后，…有了变化（…已撤销定稿…），未作任何更改…」
    since = re.search(r"打开页面之后[^<]*", answer)
    raise ServiceError(since.group(0) if since else "the page says neither")


def _entries(app) -> int:
    from sqlalchemy import func, select

    from tracker.extensions import db
    from tracker.models import FundEntry

    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(FundEntry))
        db.session.remove()
        db.engine.dispose()
    return count


@pytest.mark.parametrize("other, signed", [("_sign", False), ("_reopen", True)])
def test_a_refused_entry_is_refused_in_its_words_whatever_was_signed_meanwhile(
        tmp_path, other, signed):
    """定稿 (撤销定稿) first, held open: the post, read before it committed, is refused
    for its date, not answered with a page naming last month afresh (or asking the
    entry again, nothing signed left), nothing written."""
    with race_database("postgresql", tmp_path, "entryrefused" + other) as url:
        app, ids = _world(url, signed=signed)
        got = race_in_order(MODULE, url, ids, other, "_post", second_waits=False)
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got[other]["ok"] is True
        assert got["_post"]["refused"] == _refusal(ids)
        assert _entries(app) == 0
