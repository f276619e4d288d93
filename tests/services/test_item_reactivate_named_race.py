"""review46c #2: 重新启用 of a checklist item compares what its page named with what it
changes under its own locks — the line's (``lock_lines``), then the months' share locks
(docs/design.md, the ask-first and lock-order paragraphs). The item of last year,
switched off, takes over on 重新启用 an approved activity of last year recorded on the
year before's item of its line; 县商务局's 年度总结 of last year is signed, and the page
names it. 管理员乙 signs 解放路社区's own 年度总结 of that year (held open) while 管理员甲
confirms through the real view: 甲's switch waits for 乙's row, then changes a signed
年度总结 its page never named — refused, nothing written, the page naming it afresh
(「…有了变化，未作任何更改…」).

PostgreSQL, forced order (``tests.races.race_in_order``); SQLite's writers take turns, so
there 乙's 定稿 is landed at the switch's line lock instead."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from tests.races import race_database, race_in_order, race_world
from tests.reports.test_signed_named import named
from tests.scratch_db import PG_URL
from tests.web.test_admin_budget_named import _confirmation
from tracker.extensions import db
from tracker.models import ResourceItem

MODULE = __name__
NOTHING_DONE = "有了变化，未作任何更改"  # the page named afresh (``roll.NAMED_SINCE``)


def _last_year() -> int:
    from tracker.timeutil import local_today

    return local_today().year - 1


def _lines(unit, community, liaison):
    """Last year's item of the line switched off, and an approved activity of last year
    on the year before's item of the line (``item_of_year`` gave it that one): the
    switched-off item's id."""
    from tests import factories as f

    year = _last_year()
    item = f.item(unit, community, "environment_cleanup", year=year, target=10)
    item.active = False
    before = f.item(unit, community, "environment_cleanup", year=year - 1, target=10)
    task = f.task(before, liaison, starts_at=datetime(year, 6, 1, 2, 0, tzinfo=timezone.utc))
    f.reported(task, liaison, approved=True)
    return item.id


def _world(url):
    from tests import factories as f
    from tracker.models import Role, SummaryScope
    from tracker.reports import annual_final

    with race_world(url) as (app, unit, item, liaison):
        off = _lines(unit, item.community, liaison)
        admin = f.member(unit, Role.admin, name="管理员甲")
        signer = f.member(unit, Role.admin, name="管理员乙")
        db.session.commit()
        annual_final.finalize_year(signer, SummaryScope(unit.id), _last_year())
        db.session.commit()
        return app, dict(unit=unit.id, community=item.community_id, item=off,
                         admin=admin.id, signer=signer.id)


def _sign(ids):
    """管理员乙 signs 解放路社区's own 年度总结 of last year (held open)."""
    from tracker.models import Member, SummaryScope
    from tracker.reports import annual_final

    annual_final.finalize_year(db.session.get(Member, ids["signer"]),
                               SummaryScope(community_id=ids["community"]), _last_year())


def _switch_on(ids):
    """管理员甲: 重新启用 (the naming page), 确认重新启用 — through the view; refused
    (``ServiceError``) with the page's words when the confirmation is answered by a page."""
    from flask import Response, current_app, g

    from tracker.models import Member
    from tracker.services import ServiceError

    app = current_app._get_current_object()
    url = f"/admin/items/{ids['item']}/active?next=/admin/items"

    def call(data):
        with app.test_request_context(url, method="POST", data=data):
            g._login_user = db.session.get(Member, ids["admin"])
            answer = app.view_functions["admin.item_toggle"](record_id=ids["item"])
        db.session.rollback()
        return answer

    page = call({"active": "1"})
    assert not isinstance(page, Response), "switched on without a naming page"
    (words,) = named(page)
    assert "县商务局" in words and "解放路社区" not in words, words
    action, confirmed = _confirmation(page)
    answer = call(confirmed)
    if not isinstance(answer, Response):
        raise ServiceError(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer)))


@pytest.mark.slow
@pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: SQLite's writers take turns")
def test_a_year_signed_while_the_switch_waits_is_named_afresh_not_switched(tmp_path):
    with race_database("postgresql", tmp_path, "itemon47") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_sign", "_switch_on")
        with app.app_context():
            active = db.session.get(ResourceItem, ids["item"]).active
            db.session.remove()
            db.engine.dispose()
    assert got["_sign"]["ok"] and not got["_sign"]["errors"], got
    assert got["_switch_on"]["waited"] is True, got
    assert not got["_switch_on"]["errors"], got
    # 甲's page named 县商务局's year only: the switch that changes 解放路社区's signed
    # year too is refused, its page naming that afresh, nothing written
    refused = got["_switch_on"]["refused"] or ""
    assert NOTHING_DONE in refused and "解放路社区" in refused, got
    assert active is False


def test_a_year_signed_at_the_switchs_line_lock_is_named_afresh_not_switched(
        client, login, world, monkeypatch):
    """The same order on SQLite: 乙's 定稿 lands (committed) as 甲's switch takes its line
    lock."""
    import tracker.services.directory as directory
    from tests import factories as f
    from tracker.models import Role, SummaryScope
    from tracker.reports import annual_final

    item_id = _lines(world.unit, world.community, world.liaison)
    db.session.commit()
    annual_final.finalize_year(world.admin, SummaryScope(world.unit.id), _last_year())
    db.session.commit()
    signer = f.member(world.unit, Role.admin, name="管理员乙")
    db.session.commit()
    login(world.admin)
    page = client.post(f"/admin/items/{item_id}/active",
                       data={"active": "1"}).get_data(as_text=True)
    (words,) = named(page)
    assert world.unit.name in words and world.community.name not in words
    action, fields = _confirmation(page)

    real, signed = directory.lock_lines, []

    def sign_first(*args, **kwargs):  # 乙's 定稿, landed before 甲's switch locks the line
        if not signed:
            signed.append(True)
            annual_final.finalize_year(signer, SummaryScope(community_id=world.community.id),
                                       _last_year())
            # committed, as 乙's is: it outlives 甲's refusal, which the page named
            # afresh then reads (``NamedFirst.since``)
            db.session.commit()
        return real(*args, **kwargs)

    monkeypatch.setattr(directory, "lock_lines", sign_first)
    answer = client.post(action, data=fields)
    text = answer.get_data(as_text=True)
    assert signed and answer.status_code == 200
    # named afresh: the community's year too, nothing done
    assert NOTHING_DONE in text and any(world.community.name in w for w in named(text))
    db.session.expire_all()
    assert db.session.get(ResourceItem, item_id).active is False
