"""One-time submission tokens: a form sent twice changes things once.

On a weak signal a member taps 提交 again when the first answer never arrives, though
the first send may well have gone through. Every state-changing form carries a random
token (``templates/_macros/forms.html``); the web side (``tracker/resend.py``) names the
token of the request it answers (``pending``), and ``unit_of_work`` writes it as the
first statement of its transaction, under a unique key. The change and its token
commit together or not at all, so a second send — after the first, or racing it on
another worker — meets the row and ends in ``AlreadySubmitted`` before anything else
is written; a refused or failed send leaves the token free for the retry.
"""
from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import SubmissionToken
from ..timeutil import utcnow

TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")  # what ``new_token`` makes, with room to spare
KEEP = timedelta(days=1)  # nobody retries a send the next day; the row can go


class AlreadySubmitted(Exception):
    """This send's token is already spent: its change was applied by an earlier send."""

    def __init__(self, token: str):
        super().__init__(token)
        self.token = token


@dataclass
class Pending:
    token: str
    written: bool = False  # inserted by an open unit of work
    spent: bool = False  # committed with its change


_pending: ContextVar[Pending | None] = ContextVar("submission_token", default=None)


def is_token(value) -> bool:
    return isinstance(value, str) and TOKEN.fullmatch(value) is not None


def begin(token: str):
    """The request being answered carries ``token``; returns a handle for ``end``."""
    return _pending.set(Pending(token) if is_token(token) else None)


def end(handle) -> None:
    _pending.reset(handle)


def pending() -> Pending | None:
    return _pending.get()


def write_pending() -> bool:
    """Called by ``unit_of_work`` first: write the token of the current send, if it has
    one not yet written. True when this unit of work wrote it."""
    current = _pending.get()
    if current is None or current.written or current.spent:
        return False
    try:
        db.session.execute(insert(SubmissionToken).values(token=current.token, created_at=utcnow()))
    except IntegrityError:
        raise AlreadySubmitted(current.token) from None
    current.written = True
    return True


def settle(committed: bool) -> None:
    """The unit of work that wrote the token has ended: committed with its change, or not
    (the token is free again)."""
    current = _pending.get()
    if current is not None:
        current.written, current.spent = False, committed


def unwrite() -> None:
    """A refusal that is kept on the record (a failed login's count) is not the change
    the form asked for: its token stays free."""
    current = _pending.get()
    if current is not None and current.written:
        db.session.execute(delete(SubmissionToken).where(SubmissionToken.token == current.token))


def spent(token: str) -> SubmissionToken | None:
    """The row of an already spent token, if any."""
    return db.session.get(SubmissionToken, token)


def note_location(token: str, location: str | None) -> None:
    """Where the first send was sent on (a retry lands there too), and the old rows go."""
    db.session.execute(update(SubmissionToken).where(SubmissionToken.token == token)
                       .values(location=(location or "")[:500] or None))
    purge()


def purge(now: datetime | None = None) -> int:
    """Tokens older than a day; returns how many were deleted."""
    cutoff = (now or utcnow()) - KEEP
    return db.session.execute(
        delete(SubmissionToken).where(SubmissionToken.created_at < cutoff)).rowcount

