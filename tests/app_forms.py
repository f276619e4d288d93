"""The app's form classes, found the way the checks over every form need them: each
module of ``tracker`` imported, then every subclass of Flask-WTF's ``FlaskForm`` (and of
those) that the app defines. Used by the tests that hold a rule for every field of every
form (tests/web/test_choice_field.py, test_version_fields.py, test_typed_control_characters.py)."""
from __future__ import annotations

import importlib
import pkgutil

from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField

import tracker


def app_forms() -> list[type[FlaskForm]]:
    """Every form class defined in ``tracker``, each once."""
    for info in pkgutil.walk_packages(tracker.__path__, "tracker."):
        importlib.import_module(info.name)
    seen, todo = set(), list(FlaskForm.__subclasses__())
    while todo:
        form = todo.pop()
        if form not in seen:
            seen.add(form)
            todo.extend(form.__subclasses__())
    return [form for form in seen if form.__module__.startswith("tracker.")]


def declared_fields() -> dict[str, UnboundField]:
    """Every field as its form class declares it: ``module.Form.name`` → the field (one
    inherited is listed under the class that declares it)."""
    return {f"{form.__module__}.{form.__name__}.{name}": value
            for form in app_forms() for name, value in vars(form).items()
            if isinstance(value, UnboundField)}
