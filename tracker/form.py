"""The base of every form of the app: Flask-WTF's ``FlaskForm`` and one addition.

A page's form is built with no data of a POST to read (a GET); when a login ended
while that form was being sent, ``auth.relogin`` put the text it kept in
``g.restored_form`` for this page, and the first form of the page that has any of those
fields is filled in from it instead (``Meta.wrap_formdata``, the hook where a WTForms
form picks its data). Every other form is built as Flask-WTF builds it.

Forms inherit from ``Form``, never from ``FlaskForm`` directly
(``tests/test_architecture.py`` holds to it), so no page is left out.
"""
from __future__ import annotations

from flask import g, has_request_context, request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto

RESTORED = "restored_form"  # the g key auth.relogin fills


def restored_formdata(form):
    """The kept fields, once, for the first form of the page that has any of them (by
    the names posted: a prefixed form's ``void-reason``)."""
    restored = g.get(RESTORED)
    if restored is None or not any(field.name in restored for field in form):
        return None
    g.pop(RESTORED)
    return restored


class Form(FlaskForm):
    class Meta:
        def wrap_formdata(self, form, formdata):
            if (formdata is _Auto or formdata is None) and has_request_context() \
                    and request.method == "GET" and g.get(RESTORED) is not None:
                restored = restored_formdata(form)
                if restored is not None:
                    return restored
            return FlaskForm.Meta.wrap_formdata(self, form, formdata)
