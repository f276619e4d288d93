"""激活链接: one-time links to set a password — the first one, or after forgetting it.

Who may make links for whom:
- an admin: for any active member;
- a liaison: for active ordinary members (role 党员干部) of their own unit and of the
  units that have a resource checklist item in one of the liaison's communities —
  the people the liaison actually works with — and only their first one (激活): a
  member who already has a password gets a reset link from an admin. Liaison and
  admin accounts get their links from an admin.

A link cannot be used in the session of the staff member who made it (nobody signs in
as someone else with a link they made), and the member is told, on every reminder
channel, when a reset link is made for them and when it is used (the reminder kind
``password_reset``, tracker/reminders/kinds.py).

The rule of who may make a link for whom is asked again when the link is used
(``maker_may_still``): a liaison's link for a member made 联络员 or 管理员 since, moved
out of the liaison's reach, or given a password, and any link whose maker has been
switched off or has lost the role, is dead — else the liaison could open it in another
browser and become the new admin (review37 F2). The links die outright too
(``revoke_links``) when a member's role, unit or active flag changes (member form,
roster import, 停用, merge) or their 手机号 is changed (member form: the import matches
by it), when the member sets a password or presses 退出所有设备 (``sessions.end_ways_in``:
the link, a credential, ends with her sessions — else whoever holds a reset link sent
in a chat still signs in as her after she changed her password: security review,
session 49, finding 1), and a maker's issued links when they are switched off or
lose the staff role they made them under.

A token is ``secrets.token_urlsafe(32)``; only its SHA-256 is stored. A link expires
after 7 days, dies when used, and dies when a newer link is made for the same member.
No account ever gets a default password.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from ..i18n import lazy_gettext as _l
from ..i18n import lazy_ngettext
from sqlalchemy import false, or_, select, update

from ..extensions import db
from ..models import Invitation, InvitationPurpose, Member, ResourceItem, Role
from ..timeutil import utcnow
from ..tokens import hash_token, new_token
from . import PermissionDenied, ServiceError, roll
from .accounts import LoggedIn, set_new_password
from .audit import record
from .passwords import check_policy
from .sessions import begin_session

LIFETIME = timedelta(days=7)
STAFF_ROLES = (Role.admin, Role.liaison)  # the roles that make links for others
# A link killed by a change since it was made (``maker_may_still``, ``revoke_links``).
WITHDRAWN = _l("该链接已失效：生成链接后，账号的角色、单位、手机号或状态有了变化，"
               "账号修改了密码或退出了所有设备，或生成链接的人员已不再负责。"
               "请向单位管理员索取新的链接。")
MAKER_REFUSED = _l("这是您为他人生成的链接，不能在您自己的登录状态下使用。请把链接发给本人，由本人在自己的手机上打开。")
MAX_BATCH = 200  # links made in one go (each shown with a QR code)


@dataclass
class IssuedLink:
    member: Member
    token: str  # the raw token: shown once, never stored
    purpose: InvitationPurpose
    invitation: Invitation


def invitable_members_query(actor: Member):
    """Active members ``actor`` may make links for (see the module docstring)."""
    query = select(Member).where(Member.active.is_(True))
    if actor.role == Role.admin:
        return query
    if actor.role != Role.liaison:
        return query.where(false())
    community_ids = [c.id for c in actor.communities]
    units = select(ResourceItem.unit_id).where(ResourceItem.community_id.in_(community_ids))
    return query.where(Member.role == Role.member,
                       or_(Member.unit_id == actor.unit_id, Member.unit_id.in_(units)))


def issue_links(actor: Member, members: list[Member]) -> list[IssuedLink]:
    """One new link per member; older live links of theirs die. A member without a
    password gets an activation link, one with a password a reset link."""
    if not members:
        raise ServiceError(_l("请至少选择一名党员。"), field="members")
    if len(members) > MAX_BATCH:
        raise ServiceError(_l("一次最多生成%(n)s个链接，请分批生成。", n=MAX_BATCH),
                           field="members")
    allowed = set(db.session.scalars(
        invitable_members_query(actor).where(Member.id.in_([m.id for m in members]))
        .with_only_columns(Member.id)))
    if any(m.id not in allowed for m in members):
        raise PermissionDenied(_l("无权为所选党员生成激活链接。"))
    if not may_reset(actor):
        has_password = [m.name for m in members if m.password_hash]
        if has_password:
            names = "、".join(has_password[:5]) + ("…" if len(has_password) > 5 else "")
            raise ServiceError(
                lazy_ngettext("所选党员中有%(n)d人已设置过密码（%(names)s）；重设密码的链接请单位管理员生成。",
                              "所选党员中有%(n)d人已设置过密码（%(names)s）；重设密码的链接请单位管理员生成。",
                              len(has_password),
                   n=len(has_password), names=names), field="members")
    now = utcnow()
    ids = [m.id for m in members]
    db.session.execute(
        update(Invitation)
        .where(Invitation.member_id.in_(ids), Invitation.used_at.is_(None),
               Invitation.revoked_at.is_(None))
        .values(revoked_at=now),
        execution_options={"synchronize_session": False},
    )
    issued = []
    for member in members:
        token = new_token()
        purpose = InvitationPurpose.reset if member.password_hash else InvitationPurpose.activate
        invitation = Invitation(member_id=member.id, token_hash=hash_token(token),
                                purpose=purpose, created_by_id=actor.id, created_at=now,
                                expires_at=now + LIFETIME)
        db.session.add(invitation)
        issued.append(IssuedLink(member, token, purpose, invitation))
    db.session.flush()
    for link in issued:
        record(actor, "issue", link.invitation, member_id=link.member.id,
               purpose=link.purpose)
    return issued


def may_reset(actor: Member) -> bool:
    """Only an admin makes links for accounts that have a password (a reset link signs
    in as the member: it must not be in the hands of everyone who works with them)."""
    return actor.role == Role.admin


def maker_may_still(invitation: Invitation) -> bool:
    """Could the link's maker make it for its member now? The rule of making
    (``invitable_members_query``, ``may_reset``), asked at use: the maker still active
    and still a liaison or admin, the member still in their reach, and a non-admin's
    link still for a member without a password."""
    maker = invitation.created_by
    if maker is None or not maker.active:
        return False
    in_reach = db.session.scalar(
        invitable_members_query(maker).where(Member.id == invitation.member_id)
        .with_only_columns(Member.id))
    if in_reach is None:
        return False
    return may_reset(maker) or not invitation.member.password_hash


def opened_by_its_maker(invitation: Invitation, viewer) -> bool:
    """Is the person opening the link the staff member who made it for someone else?"""
    viewer_id = getattr(viewer, "id", None) if getattr(viewer, "is_authenticated", False) \
        else None
    return viewer_id is not None and viewer_id == invitation.created_by_id \
        and viewer_id != invitation.member_id


def find_invitation(token: str) -> Invitation | None:
    """The invitation this token belongs to, whatever its state (None: unknown token)."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))


def lifetime_days() -> int:
    """How many days a link lasts, as every page says it (``LIFETIME``)."""
    return LIFETIME.days


def why_dead(invitation: Invitation | None):
    """None when the link can be used, else what to tell the person who opened it."""
    if invitation is None:
        return _l("链接无效。请核对链接是否完整，或向联络员索取新的激活链接。")
    if invitation.used_at is not None:
        return _l("该链接已使用过，不能再次使用。忘记密码请向联络员索取新的链接。")
    if invitation.revoked_at is not None:
        if _newer_link(invitation):
            return _l("该链接已失效：已为您生成了更新的链接，请使用最新收到的链接。")
        return WITHDRAWN  # (``revoke_links``)
    if invitation.expires_at <= utcnow():
        return _l("该链接已过期（有效期%(days)s天），请向联络员索取新的激活链接。",
                  days=lifetime_days())
    if not invitation.member.active:
        return _l("该账号已停用，请联系单位管理员。")
    if not maker_may_still(invitation):
        return WITHDRAWN
    return None


def _newer_link(invitation: Invitation) -> bool:
    """Was a link made for the member after this one (which then killed it)?"""
    return db.session.scalar(select(Invitation.id).where(
        Invitation.member_id == invitation.member_id, Invitation.id > invitation.id)
        .limit(1)) is not None


def accept_invitation(token: str, password: str, *, device: str = "",
                      address: str | None = None, opened_by=None) -> LoggedIn:
    """Set the member's password through a live link, which dies with it; every session
    the member had ends, and a new one begins on this phone. ``opened_by``: who is signed
    in where the link was opened (refused if it is the link's maker)."""
    invitation = find_invitation(token)
    if invitation is not None:
        # The member's row first, then the link: the order of every change of their
        # role, unit or active flag, which takes that row (``roll.lock_member``) before
        # it kills their links (``revoke_links``). A promotion committing meanwhile is
        # then what the checks below read, and the two never wait for each other in a
        # circle (PostgreSQL; SQLite's writers take turns).
        roll.lock_member(invitation.member)
        db.session.refresh(invitation)
        db.session.refresh(invitation.created_by)
    reason = why_dead(invitation)
    if reason is not None:
        raise ServiceError(reason)
    if opened_by_its_maker(invitation, opened_by):
        raise PermissionDenied(MAKER_REFUSED)
    check_policy(password, invitation.member.phone)  # before the link is used up
    # Use it once even if two requests race: only one UPDATE finds it unused.
    result = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None),
               Invitation.revoked_at.is_(None))
        .values(used_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        raise ServiceError(_l("该链接已使用过，不能再次使用。忘记密码请向联络员索取新的链接。"))
    db.session.refresh(invitation)
    member = invitation.member
    set_new_password(member, password, member, reason="password_reset")
    record(member, "accept", invitation, purpose=invitation.purpose)
    token = begin_session(member, device=device, remembered=True, address=address)
    return LoggedIn(member, token)


def latest_invitations(member_ids: list[int]) -> dict[int, Invitation]:
    """The newest link of each member (for the management list)."""
    if not member_ids:
        return {}
    newest = (
        select(Invitation.member_id, db.func.max(Invitation.id).label("id"))
        .where(Invitation.member_id.in_(member_ids)).group_by(Invitation.member_id).subquery()
    )
    rows = db.session.scalars(select(Invitation).join(newest, newest.c.id == Invitation.id))
    return {inv.member_id: inv for inv in rows}
