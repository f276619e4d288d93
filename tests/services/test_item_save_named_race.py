"""review46 #1: 修改经费预算 compares what its page named with what the save changes as
merged, under the item's lock, the months' share locks last (docs/design.md, the
ask-first and lock-order paragraphs) — not from the view's copy of the item before that
lock. 管理员乙 moves the 共建活动经费 item to 县财政局 (held open); 管理员甲 confirms
年度目标 10000 → 12000 through the real view on a page that named 县商务局's signed
November only. 甲's save waits for 乙's row; the merge keeps 县财政局 (甲 left 单位 as
shown), so the save now changes 县财政局's signed November, never named to 甲: refused,
nothing written, the page naming it afresh (「…未作任何更改…」). Compared before
the lock, 甲's 12000 was written on 县财政局's ledger unnamed.

PostgreSQL, forced order (``tests.races.race_in_order``); SQLite's writers take turns, so
there the other admin's move is landed (committed) at the save's first line lock instead."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from tests.races import race_database, race_in_order, race_world
from tests.reports.test_signed_named import named
from tests.scratch_db import PG_URL
from tests.services.test_named_since_race import _last_month
from tests.web.test_admin_budget_named import _budget_item, _confirmation, _edit_fields, \
    edit_page_fields, \
    _sign_november
from tracker.extensions import db
from tracker.models import ResourceItem

MODULE = __name__
NOTHING_DONE = "未作任何更改"  # the page named afresh (``roll.said_since``)


def _world(url):
    from tests import factories as f
    from tracker.models import Role, SummaryScope, TargetMeasure
    from tracker.reports import final

    last = _last_month()
    with race_world(url) as (app, unit, item, _liaison):
        other = f.unit("县财政局")
        budget = f.item(unit, item.community, "cobuild_funding", year=last.year,
                        target=1_000_000, measure=TargetMeasure.money)
        admin = f.member(unit, Role.admin, name="管理员甲")
        mover = f.member(unit, Role.admin, name="管理员乙")
        db.session.commit()
        for u in (unit, other):
            final.finalize(mover, SummaryScope(u.id), last.year, last.month)
            db.session.commit()
        return app, dict(unit=unit.id, other=other.id, item=budget.id, admin=admin.id,
                         mover=mover.id)


def _move(ids):
    """管理员乙's save moving the item to 县财政局 (its row written, held open)."""
    db.session.execute(update(ResourceItem).where(ResourceItem.id == ids["item"])
                       .values(unit_id=ids["other"]))


def _save(ids):
    """管理员甲: the edit page, 保存 (the naming page), 确认保存 — through the view; refused
    (``ServiceError``) with the page's words when the confirmation is answered by a page."""
    from flask import Response, current_app, g

    from tracker.models import Member
    from tracker.services import ServiceError

    app = current_app._get_current_object()
    url = f"/admin/items/{ids['item']}/edit"

    def call(method, data=None):
        with app.test_request_context(url, method=method, data=data):
            g._login_user = db.session.get(Member, ids["admin"])
            answer = app.view_functions["admin.item_edit"](record_id=ids["item"])
        db.session.rollback()
        return answer

    typed = edit_page_fields(call("GET")) | {"target": "12000"}
    page = call("POST", typed)
    assert not isinstance(page, Response), "saved without a naming page"
    words = re.sub(r"<[^>]+>", "", "".join(
        re.findall(r'data-figure="signed_named">(.*?)</div>', page, re.S)))
    assert "县商务局" in words and "县财政局" not in words, words
    action, confirmed = _confirmation(page)
    answer = call("POST", confirmed)
    if not isinstance(answer, Response):
        raise ServiceError(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer)))


@pytest.mark.slow
@pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: SQLite's writers take turns")
def test_a_move_committed_while_the_save_waits_is_named_afresh_not_saved(tmp_path):
    with race_database("postgresql", tmp_path, "itemsave46") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_move", "_save")
        with app.app_context():
            item = db.session.get(ResourceItem, ids["item"])
            unit_id, target = item.unit_id, item.target
            db.session.remove()
            db.engine.dispose()
    assert got["_move"]["ok"] and not got["_move"]["errors"], got
    assert got["_save"]["waited"] is True, got
    assert not got["_save"]["errors"], got
    # 甲's page named 县商务局's November only: the save that would change 县财政局's is
    # refused, its page naming that afresh, nothing written
    refused = got["_save"]["refused"] or ""
    assert NOTHING_DONE in refused and "县财政局" in refused, got
    assert (unit_id, target) == (ids["other"], 1_000_000)


def test_a_move_landed_before_the_saves_lock_is_named_afresh_not_saved(
        client, login, october, monkeypatch):
    """The same order on SQLite: 乙's move lands as 甲's save takes its first line lock."""
    import tracker.services.directory as directory

    item = _budget_item(october)
    item_id, other = item.id, october.other_unit.id
    login(october.admin)
    _sign_november(client, october)
    assert client.post(f"/reports/finalize?unit={other}&month=2022-11",
                       data={"confirmed": "1"}).status_code == 302
    typed = _edit_fields(client, item_id) | {"target": "12000"}
    page = client.post(f"/admin/items/{item_id}/edit", data=typed).get_data(as_text=True)
    (words,) = named(page)
    assert "县商务局" in words and "县财政局" not in words
    action, fields = _confirmation(page)

    real, moved = directory.lock_lines, []

    def move_first(*args, **kwargs):  # 乙's move, committed before 甲's save locks the row
        if not moved:
            moved.append(True)
            db.session.execute(update(ResourceItem).where(ResourceItem.id == item_id)
                               .values(unit_id=other))
            # committed, as 乙's is: it outlives 甲's refusal, which the page named
            # afresh then reads (``NamedFirst.since``)
            db.session.commit()
        return real(*args, **kwargs)

    monkeypatch.setattr(directory, "lock_lines", move_first)
    answer = client.post(action, data=fields)
    text = answer.get_data(as_text=True)
    assert moved and answer.status_code == 200
    # named afresh: 县财政局's November, 县商务局's no longer changed, nothing done
    assert NOTHING_DONE in text and any("县财政局" in w for w in named(text))
    db.session.expire_all()
    saved = db.session.get(ResourceItem, item_id)
    assert saved.target == 1_000_000  # nothing of 甲's written
