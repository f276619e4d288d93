"""Killing a member's live 激活/重设密码 links (``Invitation``) outright.

Its own module, below ``invitations`` (which makes and uses the links) and
``sessions``: a link is a way into the account as a session is, and the member's
退出所有设备 and new password (``sessions.end_ways_in``) end it with her sessions,
while ``invitations`` sets the password through ``accounts`` and ``sessions``.

Each link ended is on the audit trail as each session ended is (``link_revoke``, one row
a link, with the act's reason and whose link it was): a link is a credential someone
holds, and the trail is where one asks afterwards why it stopped working.
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, update

from ..extensions import db
from ..models import Invitation, Member
from ..timeutil import utcnow
from .audit import Target, record


def revoke_links(actor: Member | None, reason: str, *, of: Sequence[Member] = (),
                 made_by: Sequence[Member] = ()) -> int:
    """Kill the live links made for the members ``of`` (their role, unit or active flag
    changed: whoever made the link may no longer be the one to; or they set a password
    or signed out everywhere: whoever holds the link is not to sign in as them) and
    those made by the members ``made_by`` (switched off, or no longer in the role they
    made them under). A link used or dead already stays as it is. Each one that died
    gets an audit row by ``actor`` for ``reason`` (the act's word, as its sessions'
    ends have: ``sessions.end_session``). Returns how many died. Take the member's row
    first (``roll.lock_member``): the order of the link's use
    (``invitations.accept_invitation``)."""
    wanted = [Invitation.member_id.in_([m.id for m in of])] if of else []
    wanted += [Invitation.created_by_id.in_([m.id for m in made_by])] if made_by else []
    if not wanted:
        return 0
    # RETURNING: the rows this statement ended, not those read before it (a link used
    # meanwhile is not one it ended)
    now = utcnow()
    ended = db.session.execute(
        update(Invitation)
        .where(or_(*wanted), Invitation.used_at.is_(None), Invitation.revoked_at.is_(None),
               Invitation.expires_at > now)  # one expired is dead already: its page says so
        .values(revoked_at=now)
        .returning(Invitation.id, Invitation.member_id, Invitation.created_by_id),
        execution_options={"synchronize_session": False},
    ).all()
    for link_id, member_id, maker_id in sorted(ended):
        record(actor, "link_revoke", Target(Invitation.__tablename__, link_id),
               reason=reason, member_id=member_id, made_by=maker_id)
    return len(ended)
