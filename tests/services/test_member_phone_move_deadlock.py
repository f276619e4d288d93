"""A member-form save changing a member's 手机号 together with her 单位 (an off-roll move,
unroll53) or with a dated roll change (lock53) holds her row FOR UPDATE (a new 手机号 is
under a unique index, ``roll.lock_member(key=True)``), which blocks the key share her own
writes take (an audit row naming her, ``finalized_by``). Waiting then for a unit's row
FOR SHARE (``roll.signed_after(lock=True)``) while she signs or saves that unit's 月报
(``summary_notes.lock_scope``, then her audit row) closed a circle: PostgreSQL aborted one
side with DeadlockDetected, a 500 (review53 #1, deadlock53). Nor may the save take the
units first: her rename of that unit takes her own key share first (``actor_first``),
then the unit's row. Both of her transactions must go through, and the admin's save too.
The rule: ``tests/services/test_lock_order.py``'s first test."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from tests.pg_locks import ServiceThread, other_transaction
from tests.scratch_db import PG_URL
from tests.services.test_lock_order import _dispose, _ids, _waiting_for_a_lock, pg_world

pytestmark = pytest.mark.skipif(not PG_URL, reason="row locks")


def _build(kind):
    def build(f, unit, item, liaison):
        from tracker.models import Role

        other = f.unit("县财政局")
        admin = f.member(other, name="管理员甲", role=Role.admin)
        if kind == "off_roll":
            x = liaison  # a liaison: on no roll
        else:
            x = f.member(unit, name="王芳", role=Role.admin, on_roll=True)
        return dict(unit=unit.id, other=other.id, admin=admin.id, x=x.id)
    return build


def _admin_moves_x(ids, kind, phone):
    def run() -> None:
        from tracker.extensions import db
        from tracker.models import Member
        from tracker.services.directory import MemberData, update_member
        from tracker.timeutil import local_today

        x = db.session.get(Member, ids["x"])
        update_member(x, db.session.get(Member, ids["admin"]), MemberData(
            name=x.name, phone="13911112222" if phone else x.phone,
            unit_id=ids["other"], role=x.role, branch=x.branch,
            community_ids=[c.id for c in x.communities], on_roll=x.on_roll,
            roll_from=(local_today() - timedelta(days=1)) if kind == "dated" else None))
    return run


def _saved(ids) -> tuple:
    from tracker.extensions import db
    from tracker.models import Member

    db.session.rollback()
    x = db.session.get(Member, ids["x"])
    return x.unit_id == ids["other"], x.phone


@pytest.mark.parametrize("kind", ["off_roll", "dated"])
@pytest.mark.parametrize("phone", [False, True], ids=["same-phone", "new-phone"])
def test_a_move_saved_while_its_member_signs_her_units_month(tmp_path, kind, phone):
    """X holds her unit's row (her 定稿 or words, ``lock_scope``), the admin's save
    waits, then X writes her audit row: it must not wait for the save."""
    from tracker.models import AuditEvent, Unit

    with pg_world(tmp_path, f"phmv{kind[0]}{int(phone)}") as url:
        app, ids = _ids(url, _build(kind))
        with app.test_request_context("/"):
            moving = ServiceThread(app, _admin_moves_x(ids, kind, phone))
            with other_transaction() as x_own:
                x_own.execute(select(Unit.id).where(Unit.id == ids["unit"])
                              .with_for_update(key_share=True))
                moving.start()
                try:
                    _waiting_for_a_lock()  # the admin's save waits for the unit's row
                    x_own.execute(insert(AuditEvent).values(
                        actor_id=ids["x"], action="save_summary_notes",
                        entity_type="summary_note", entity_id=None))
                    x_own.commit()
                    own = "ok"
                except Exception as error:  # noqa: BLE001
                    own = repr(error)[:200]
                finally:
                    x_own.rollback()
                    moving.join()
            outcome = (own, (moving.outcome or "")[:200], _saved(ids))
            _dispose()
        assert outcome == ("ok", "ok", (True, "13911112222" if phone else outcome[2][1])), outcome


@pytest.mark.parametrize("kind", ["off_roll", "dated"])
def test_a_move_with_a_new_phone_saved_while_its_member_renames_her_unit(tmp_path, kind):
    """The other order: X's rename of her unit (``update_unit``) names her first (her
    key share, ``actor_first``), the admin's save waits for her row, then X takes the
    unit's row FOR NO KEY UPDATE: it must not wait for the save (which would, had it
    share-locked the units before her row)."""
    from tracker.models import AuditEvent, Member, Unit

    with pg_world(tmp_path, f"phrn{kind[0]}") as url:
        app, ids = _ids(url, _build(kind))
        with app.test_request_context("/"):
            moving = ServiceThread(app, _admin_moves_x(ids, kind, True))
            with other_transaction() as x_own:
                x_own.execute(select(Member.id).where(Member.id == ids["x"])
                              .with_for_update(read=True, key_share=True))
                moving.start()
                try:
                    _waiting_for_a_lock()  # the admin's save waits for her row
                    x_own.execute(select(Unit.id).where(Unit.id == ids["unit"])
                                  .with_for_update(key_share=True))
                    x_own.execute(insert(AuditEvent).values(
                        actor_id=ids["x"], action="update", entity_type="unit",
                        entity_id=ids["unit"]))
                    x_own.commit()
                    own = "ok"
                except Exception as error:  # noqa: BLE001
                    own = repr(error)[:200]
                finally:
                    x_own.rollback()
                    moving.join()
            outcome = (own, (moving.outcome or "")[:200], _saved(ids))
            _dispose()
        assert outcome == ("ok", "ok", (True, "13911112222")), outcome
