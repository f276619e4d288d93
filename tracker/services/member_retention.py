"""The retention period of 停用 (and merged) members' contact data (`flask purge-members`).

A member switched off (停用) longer than ``MEMBER_RETENTION_DAYS`` (PIPL Art. 19/47: no
longer than the purpose needs) loses what only served to reach them: the phone number,
the reminder e-mail address, the password hash and the calendar feed. The name, unit,
党支部 and the participation records stay: they are the bureau's record of the work done,
in 月报 it signed and handed up, and a name is what those records are read by.

The phone is the login key (``member.phone``: unique, NOT NULL), so it is replaced by a
placeholder no login, import or search can match (``privacy.erased_phone``), shown
nowhere. What lists show of it, the mask (138****0001), is kept
(``Member.phone_mask``): it is what told the member apart from a namesake in the 月报
and 年度总结 signed and handed up (「陈芳（尾号0063）」, ``tracker/names.py``), which
must read as signed after this job. It reaches nobody — the middle four digits are
gone — and is as much as those documents and the audit trail keep anyway. Such a member cannot be switched back on as they are (``directory.set_active``
refuses): an admin gives a new phone on the member form first, and the member sets a
password through an invitation link. A roster imported later with the old number makes
a new member (the number is no longer known).

When a member was switched off is the audit trail's: their latest 停用 (``deactivate``)
with no 重新启用 after it. A duplicate account merged away (合并账号, ``services/merge.py``)
is switched off too, by the merge — no 停用 on its trail —, for good (it is never switched
back on): its date is the merge's own record, ``MemberMerge.merged_at``, written in the
merge's transaction with its ``merge`` audit row; the duplicate's phone is often someone
else's, mistyped. Its erasure leaves that record, the kept account and the work moved to
it as they are: only the duplicate's contact data goes. A member inactive with neither
(data loaded by hand) is left alone: nothing dates it.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..models import AuditEvent, Member, MemberMerge, MemberNotify
from ..privacy import ERASED_PHONE_MARK, erased_phone, mask_phone
from ..timeutil import utcnow
from . import ServiceError, purging
from .audit import record
from .notify import stop_calendar
from .sessions import end_other_sessions

ERASED = _l("该党员停用已满保存期限，手机号已清除：请先在编辑页填写新的手机号并保存，再重新启用。")


def _toggles(after: datetime | None = None, before: datetime | None = None, *actions):
    event = aliased(AuditEvent)
    conditions = [event.entity_type == Member.__tablename__, event.entity_id == Member.id,
                  event.action.in_(actions or ("deactivate", "reactivate"))]
    if after is not None:
        conditions.append(event.created_at >= after)
    if before is not None:
        conditions.append(event.created_at < before)
    return exists(select(event.id).where(*conditions))


def _merged_before(cutoff: datetime):
    """EXISTS: the member was merged away (合并账号) before ``cutoff``."""
    return exists(select(MemberMerge.member_id).where(MemberMerge.member_id == Member.id,
                                                      MemberMerge.merged_at < cutoff))


def expired_members(retention_days: int, now: datetime | None = None) -> list[Member]:
    """Members 停用, or merged away, longer than the retention period whose phone is
    still held."""
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    return list(db.session.scalars(
        select(Member)
        .where(Member.active.is_(False), ~Member.phone.startswith(ERASED_PHONE_MARK),
               or_(and_(_toggles(None, cutoff, "deactivate"), ~_toggles(cutoff, None)),
                   _merged_before(cutoff)))
        .order_by(Member.id)))


def erase_contact(member: Member) -> None:
    """Blank what only served to reach or sign in ``member``; keep the name and records,
    and the phone as lists mask it (``Member.phone_mask``): the namesake labels of the
    月报 and 年度总结 signed before read it (names.py), so this job, which nobody is told
    of, changes no signed document."""
    member.phone_mask = mask_phone(member.phone) or None
    member.phone = erased_phone(member.id)
    member.password_hash = None
    notify = db.session.get(MemberNotify, member.id)
    if notify is not None:
        stop_calendar(member, None, "retention")
        notify.email, notify.email_on = None, False
        notify.updated_at = utcnow()
    end_other_sessions(member, None, "deactivated")  # none should be live; to be sure
    record(None, "erase", member, reason="retention")


def number_given(member: Member) -> None:
    """A number written on ``member`` (the member form: an erased member given a new
    one, the way back to 重新启用): the mask kept of the erased number
    (``erase_contact``) told them apart only while no number was held
    (``Member.namesake_phone``); kept beside a new one it would be a trace of a number
    gone, held for no purpose. Set unread (the column is deferred): no statement."""
    if not member.phone_erased:
        member.phone_mask = None


def purge_expired_members(retention_days: int, now: datetime | None = None, *,
                          dry_run: bool = False) -> purging.Purge:
    """Erase the contact data of every member past the retention period, each in a
    transaction of their own as ``purge-residents`` does (``services.purging``): a
    refusal, should one come, keeps that member whole and stops no other. Owns its
    transactions: call it outside one."""
    def erase(member_id: int) -> None:
        erase_contact(db.session.get(Member, member_id))

    ids = [member.id for member in expired_members(retention_days, now)]
    return purging.erase_each(ids, erase, dry_run=dry_run)


def refuse_if_erased(member: Member) -> None:
    """重新启用 needs a phone to log in with: an erased one must be replaced first."""
    if member.phone_erased:
        raise ServiceError(ERASED)
