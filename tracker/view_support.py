"""What every form view does around a service call (the web side of ``services``)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask import abort, flash, request

from .services import PermissionDenied, ServiceError, attach_error, unit_of_work


@dataclass(frozen=True)
class Done:
    """A service call that went through; ``value`` is what the service returned.

    Always truthy, even when ``value`` is None or empty, so a view can test the
    outcome with ``if run_service(...):`` and still read the result."""

    value: Any = None

    def __bool__(self) -> bool:
        return True


def run_service(form, service: Callable[..., Any], /, *args,
                denied: int = 403, **kwargs) -> Done | None:
    """Run ``service(*args, **kwargs)`` in its own unit of work, as a view does.

    - ``PermissionDenied``: the request is aborted with ``denied`` (403, or 404
      where a record out of reach must look like one that does not exist);
    - any other ``ServiceError``: nothing is committed and the message is shown
      on ``form`` (under its field, or at the top: see ``attach_error``), or
      flashed as an ``"error"`` when ``form`` is None; returns None, and the
      view goes on as after any failure (renders the form again, or redirects);
    - otherwise the change is committed and a ``Done`` holding the service's
      return value comes back: the view flashes its own success and redirects.

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
        if form is None:
            flash(str(error.message), "error")  # plain text, so the page escapes it
        else:
            attach_error(form, error)
        return None
    return Done(value)


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
