"""A reset link used while its member signs out everywhere (PostgreSQL, the order
forced). 退出所有设备 and a new password end her live links (sec49 F1) after taking
her row (``sessions.end_ways_in``: ``roll.lock_member``), the row a link's use takes
first too (``invitations.accept_invitation``). A third transaction holds the row; both
real services queue for it, in one order and then the other; released, neither is
aborted as a deadlock, and the end agrees with whichever went first: her signing out
first leaves the link refused and her password as it was; the link used first sets
its password, and her signing out then ends the session it began."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.pg_locks import ServiceThread, other_transaction
from tests.scratch_db import PG_URL
from tests.services.test_lock_order import _dispose, _ids, _waiting_for_a_lock, pg_world

pytestmark = pytest.mark.skipif(not PG_URL, reason="SQLite has no row locks: its writers take turns")

NEW = "Hongqi-Piaopiao-88"


def _build(f, unit, item, liaison):
    from tracker.extensions import db
    from tracker.models import Role
    from tracker.services.invitations import issue_links

    member = f.member(unit, name="张三")  # with a password: the admin's link is a reset link
    admin = f.member(unit, role=Role.admin, name="管理员乙")
    db.session.flush()
    [link] = issue_links(admin, [member])
    return dict(member=member.id, token=link.token, password=member.password_hash)


def _race(tmp_path, name: str, signing_out_first: bool):
    """Both services queued behind a held member row, ``signing_out_first`` or not;
    returns (the link's outcome, the signing out's, the member's password hash, how
    many of her sessions are live)."""
    from tracker.extensions import db
    from tracker.models import LoginSession, Member
    from tracker.services.invitations import accept_invitation
    from tracker.services.sessions import log_out_everywhere

    with pg_world(tmp_path, name) as url:
        app, ids = _ids(url, _build)
        with app.test_request_context("/"):
            using = ServiceThread(app, lambda: accept_invitation(ids["token"], NEW))
            leaving = ServiceThread(
                app, lambda: log_out_everywhere(db.session.get(Member, ids["member"])))
            first, second = (leaving, using) if signing_out_first else (using, leaving)
            with other_transaction() as holder:
                holder.execute(select(Member.id).where(Member.id == ids["member"])
                               .with_for_update(key_share=True))  # roll.lock_member
                try:
                    first.start()
                    _waiting_for_a_lock()
                    second.start()
                    _waiting_for_a_lock(waiting=2)
                finally:
                    holder.rollback()
                    for thread in (first, second):
                        if thread._thread.ident is not None:  # started (else it failed)
                            thread.join()
            db.session.expire_all()
            member = db.session.get(Member, ids["member"])
            live = len(db.session.scalars(select(LoginSession).where(
                LoginSession.member_id == member.id, LoginSession.ended_at.is_(None))).all())
            result = using.outcome, leaving.outcome, member.password_hash, live, ids
            _dispose()
    return result


def test_signing_out_first_leaves_the_link_refused(tmp_path):
    used, left, password, live, ids = _race(tmp_path, "linkout0", signing_out_first=True)
    assert left == "ok"
    assert "账号修改了密码或退出了所有设备" in used  # the withdrawn link's words
    assert password == ids["password"]  # hers, as it was
    assert live == 0


def test_the_link_used_first_is_then_signed_out_too(tmp_path):
    used, left, password, live, ids = _race(tmp_path, "linkout1", signing_out_first=False)
    assert (used, left) == ("ok", "ok")
    assert password != ids["password"]  # the link's
    assert live == 0  # the session the link began ended with the others
