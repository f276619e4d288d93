"""State changes, one module per job.

Every function takes the acting member, checks what only the domain can check,
writes an AuditEvent and flushes. The caller owns the transaction: views wrap a
call in ``unit_of_work()`` so a refused change leaves nothing half-written
(``tracker.view_support.run_service`` does that, and shows the refusal, for
the usual view).
"""
from __future__ import annotations

from contextlib import contextmanager

from ..i18n import lazy_gettext as _l

from ..db_setup import writing
from ..extensions import db
from . import submissions


class ServiceError(Exception):
    """A change the rules refuse; ``message`` is shown to the user as is."""

    def __init__(self, message, field: str | None = None, recorded: bool = False):
        super().__init__(str(message))
        self.message = message
        self.field = field  # the form field the message belongs to, if any
        # The refusal is itself on the record (a failed login's audit row and throttle
        # count): ``unit_of_work`` commits what the service wrote before refusing.
        self.recorded = recorded


class ServiceErrors(ServiceError):
    """Several refusals of one change, each under its own field: a form names them all
    at once, not one per submit. Read as a ``ServiceError``, it is the first."""

    def __init__(self, errors: list[ServiceError]):
        super().__init__(errors[0].message, field=errors[0].field)
        self.errors = errors


def refuse_all(found) -> None:
    """Raise ``found`` — the (form field, message) pairs a ``*_problems`` function
    collected — as one ``ServiceErrors``; nothing when it is empty."""
    if found:
        raise ServiceErrors([ServiceError(message, field=name) for name, message in found])


def collect(found: list, rule, *args, **kwargs) -> bool:
    """Whether ``rule(*args, **kwargs)`` passed; its refusal, if any, is added to
    ``found`` as (form field, message) instead of raised — each of a ``ServiceErrors``
    under its own field (``problems_of``) — how a ``*_problems`` function asks a rule
    that raises, and goes on to the next field."""
    try:
        rule(*args, **kwargs)
    except ServiceError as refused:
        found += problems_of(refused)
        return False
    return True


def problems_of(refusal: ServiceError | None) -> list[tuple[str | None, object]]:
    """A rule's one refusal (None: none; each of a ``ServiceErrors``) as the (form
    field, message) pairs a ``*_problems`` function gives, for ``name_problems``."""
    if refusal is None:
        return []
    return [(one.field, one.message) for one in getattr(refusal, "errors", None) or [refusal]]


def name_problems(form, found) -> None:
    """A form its own validators refused (an amount of 「abc」) also names what the
    service would refuse of its other fields (a date next year), so one submit names
    every mistake: each (field, message) of ``found`` goes under its field unless the
    form already put an error there. A message of no field, or of a field this form
    does not have (the 补录 form has no 名额), goes at the top, as ``attach_error``
    shows it when the service refuses: never dropped. The service still decides alone
    once the form passes."""
    for name, message in found:
        field = _field_of(form, name)
        if field is None:
            if message not in form.form_errors:
                form.form_errors.append(message)
        elif not field.errors:
            field.errors = [*field.errors, message]


def _field_of(form, name: str | None):
    """The form's field called ``name``; None for a message of no field, or of a field
    the form does not have."""
    return getattr(form, name, None) if name else None


class PermissionDenied(ServiceError):
    """The actor may not do this to this record (→ 403)."""


def required_reason(reason: str | None, missing, limit: int, field: str = "reason") -> str:
    """The reason a decision must give, stripped: ``missing`` (the field's own request,
    e.g. 「请填写取消原因。」) when nothing is typed, a length message past ``limit``."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(missing, field=field)
    if len(reason) > limit:
        raise ServiceError(_l("不能超过%(max)d个字。", max=limit), field=field)
    return reason


def attach_error(form, error: ServiceError) -> None:
    """Show a refused change on the form: under its field, or at the top (each of a
    ``ServiceErrors``)."""
    for one in getattr(error, "errors", None) or [error]:
        field = _field_of(form, one.field)
        if field is not None:
            field.errors = [*field.errors, one.message]
        else:
            form.form_errors.append(one.message)


@contextmanager
def unit_of_work(*, once: bool = True):
    """Commit when the block succeeds, roll everything back when it raises — except
    the record of a refusal that must be kept (``ServiceError.recorded``).

    ``once``: the form's one-time submission token, if the request carries one, is
    written first, in the same transaction (``submissions``): a send already applied
    ends here in ``AlreadySubmitted``. False for a write that is not the form's change
    (a counter kept whatever the outcome)."""
    with writing():
        wrote = False
        try:
            wrote = once and submissions.write_pending()
            yield db.session
            db.session.commit()
        except ServiceError as error:
            if error.recorded:
                if wrote:
                    submissions.unwrite()
                db.session.commit()
            else:
                db.session.rollback()
            if wrote:
                submissions.settle(committed=False)
            raise
        except BaseException:
            db.session.rollback()
            if wrote:
                submissions.settle(committed=False)
            raise
        if wrote:
            submissions.settle(committed=True)
