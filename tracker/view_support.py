"""What every form view does around a service call (the web side of ``services``)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask import abort, flash, request
from flask_babel import gettext as _

from .fields import VersionField
from .services import PermissionDenied, ServiceError, attach_error, unit_of_work
from .services.roll import NamedSince
from .services.shown import StaleEdit


@dataclass(frozen=True)
class Done:
    """A service call that went through; ``value`` is what the service returned.

    Always truthy, even when ``value`` is None or empty, so a view can test the
    outcome with ``if run_service(...):`` and still read the result."""

    value: Any = None

    def __bool__(self) -> bool:
        return True


def run_service(form, service: Callable[..., Any], /, *args,
                denied: int = 403, since_off: bool = False, **kwargs) -> Done | None:
    """Run ``service(*args, **kwargs)`` in its own unit of work, as a view does.

    - ``PermissionDenied``: the request is aborted with ``denied`` (403, or 404
      where a record out of reach must look like one that does not exist);
    - any other ``ServiceError``: nothing is committed and the message is shown
      on ``form`` (under its field, or at the top: see ``attach_error``; a refusal
      over another's change also marks the form's version keys, ``refuse_keys``), or
      flashed as an ``"error"`` when ``form`` is None; returns None, and the
      view goes on as after any failure (renders the form again, or redirects);
    - otherwise the change is committed and a ``Done`` holding the service's
      return value comes back: the view flashes its own success and redirects.

    ``since_off``: a refusal over what the post's page named (``roll.NamedSince``: a
    month signed or re-opened since) is kept off ``form`` — still nothing committed,
    None returned —, for a view that answers it with its naming page asked as the first
    time (the post was shown no naming page, so nothing it was shown changed: its
    words, 「…有了变化…」, would be untrue there; refusalgone46) and renders ``form``
    as that page (the register form names a change of a resident's kind itself); or
    for a ``named_page.NamedFirst`` view whose ``since`` says on ``form`` what it
    answers with when no page is shown again (its pre-check's refusal, namedsince47).

    Typical use::

        if form.validate_on_submit() and run_service(form, update_x, record, current_user, data):
            flash(_("已保存。"), "success")
            return redirect(url_for(".detail", x_id=record.id))
        return render_template("x/form.html", form=form)
    """
    try:
        with unit_of_work():
            value = service(*args, **kwargs)
    except PermissionDenied:
        abort(denied)
    except ServiceError as error:
        if since_off and isinstance(error, NamedSince):
            return None  # the view's naming flow (``named_aware``) answers it
        if form is None:
            flash(str(error.message), "error")  # plain text, so the page escapes it
        else:
            attach_error(form, error)
            if getattr(error, "merge", None) is not None:  # refused over another's change
                refuse_keys(form)
        return None
    return Done(value)


def refuse_keys(form) -> None:
    """The post of ``form`` was refused over another's change (``shown.StaleEdit``, the
    member form's refusal; both carry the ``merge`` that refused it): its merge keys, as
    posted, are refused keys now (``VersionField.refuse``). A page that shows one again
    unchanged marks it plain, so the device draft typed under it is not put back under
    it later (posted, it would only be refused again); a page given a new key
    (``stale_page``: the merge's ``resolved_key``) marks that one as a merge key still."""
    for field in form:
        if isinstance(field, VersionField):
            field.refuse()


def no_store(response, *, referrer: bool = False):
    """Keep a response out of every cache — a page showing personal data (residents,
    needs) or a secret (an invitation, a calendar address, a check-in code):
    ``Cache-Control: no-store``, and ``Pragma: no-cache`` for HTTP/1.0 caches.
    ``referrer``: also ``Referrer-Policy: no-referrer``, for a page whose own URL is the
    secret. Usable as a blueprint's ``after_request`` hook."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    if referrer:
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


def state_refusal(form):
    """After ``run_service(form, …)`` refused: the refusal that is about the record's
    state (full, cancelled, already reviewed …) rather than a field of ``form`` —
    ``attach_error`` put it at the top of the form —, taken off the form so the view
    can flash it on the record's page instead; None when the refusal is under a field."""
    return form.form_errors.pop() if form.form_errors else None


def confirmed() -> bool:
    """Whether a destructive action's POST was confirmed (``confirmed=1``): by the
    browser's confirm() (static/js/confirm.js) or, with JavaScript off, by the GET
    confirmation page the view shows instead of acting."""
    return request.form.get("confirmed") == "1"


def returning() -> bool:
    """Whether a confirmation page's 「返回，不操作」 posted back the words it carries
    (templates/confirm.html ``keeps``): the view shows its form again with them and does
    nothing, whatever else the post says (it carries ``confirmed=1`` too)."""
    return request.form.get("returning") == "1"


def stale_aware(refused: list, service: Callable[..., Any]) -> Callable[..., Any]:
    """``service``, with a refusal over another's change (``shown.StaleEdit``) appended
    to ``refused`` as it passes: the page names what refused the post from the merge
    made under the record's lock, never from one made again later."""
    def call(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except StaleEdit as refusal:
            refused.append(refusal)
            raise
    return call


def named_aware(refused: list, service: Callable[..., Any]) -> Callable[..., Any]:
    """``service``, with a refusal over the signed documents its page named
    (``roll.NamedSince``: a month signed since) appended to ``refused`` as it
    passes: the view answers with the page naming them afresh, typed fields kept."""
    def call(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except NamedSince as refusal:
            refused.append(refusal)
            raise
    return call


def plain_text(value) -> str:
    """A stored value as a refused page names it (``stale_lines``)."""
    if value in (None, "", []):
        return _("（未填）")
    if isinstance(value, list):
        return _("、").join(str(v) for v in value)
    return str(value)


def stale_lines(form, merge, text: Callable[[str, Any], str] | None = None) -> list[str]:
    """The lines of a form refused over another's change (``merge``: the ``shown.Merge``
    that refused it): each conflicting field by its label, as the page showed it and as
    it is now. ``text(name, value)``: how a field's stored value reads (default
    ``plain_text``; a record id is named by the form's own choices)."""
    def shown(name: str, value) -> str:
        if text is not None:
            return text(name, value)
        # a choice (类别, 责任区, 结对党员 …) by the label the form shows for it
        labels = {str(key): str(label) for key, label, *_rest in _choices(form, name)}
        if labels and value not in (None, "", []):
            values = value if isinstance(value, list) else [value]
            return _("、").join(labels.get(str(v), str(v)) for v in values)
        return plain_text(value)

    lines = []
    for change in merge.conflicts:
        label = form[change.field].label.text if change.field in form else change.field
        if not change.known:
            lines.append(_("%(field)s：现为%(now)s", field=label,
                           now=shown(change.field, change.now)))
        else:
            lines.append(_("%(field)s：%(then)s为%(shown)s，现为%(now)s", field=label,
                           then=_("打开页面时"), shown=shown(change.field, change.shown),
                           now=shown(change.field, change.now)))
    return lines


def stale_page(form, refused: list, text: Callable[[str, Any], str] | None = None):
    """The refused page's lines (``stale_lines``) when the post was refused over
    another's change (``refused``, filled by ``stale_aware``), else None. The form shown
    again keeps what was typed; its ``shown`` becomes the merge's ``resolved_key`` —
    the conflicting fields as they are now, named on the page next to what was typed —
    so saving it again, after reading them, is a decision made knowingly, while what
    the post left as its page showed still keeps another's change."""
    if not refused:
        return None
    form.shown.data = refused[0].merge.resolved_key()
    return stale_lines(form, refused[0].merge, text)


def _choices(form, name: str) -> list:
    """The field's choices as (value, label, …), or [] (not a choice field)."""
    if name not in form:
        return []
    try:
        return list(form[name].iter_choices())
    except (AttributeError, TypeError):
        return []
