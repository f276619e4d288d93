"""One ``ChoiceField`` for every select of record ids (code review #4): the admin's and
the manage pages' forms had two classes of that name with different contracts (one
read ids with a bare ``int()``, unbounded; the other with ``security.record_id_or_none``
and checked the id was offered). Now ``tracker.fields.ChoiceField`` is the one, and
every area's forms use it."""
from __future__ import annotations

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from tests.app_forms import declared_fields
from tracker.fields import CHOOSE, ChoiceField

BIG = "9" * 30  # past the database's INTEGER


def test_every_select_of_records_is_the_one_choice_field(app):
    choice_fields = {path: field.field_class for path, field in declared_fields().items()
                     if field.field_class.__name__ == "ChoiceField"}
    areas = {path.split(".")[1] for path in choice_fields}
    assert {"admin", "funds", "manage", "needs", "backfill_requests"} <= areas
    strays = {path: cls for path, cls in choice_fields.items() if not issubclass(cls, ChoiceField)}
    assert strays == {}


class _Form(FlaskForm):
    class Meta:
        csrf = False

    unit = ChoiceField("单位", message="请选择单位。", invalid=CHOOSE)
    zone = ChoiceField("责任区", message=CHOOSE, required=False)


def _checked(app, **typed):
    with app.test_request_context("/", method="POST"):
        form = _Form(formdata=MultiDict(typed))
        form.unit.choices = [("", "请选择"), (1, "一"), (2, "二")]
        form.zone.choices = [("", "（整个社区）"), (7, "七")]
        form.validate()
        return form.unit.data, form.zone.data, {k: [str(e) for e in v] for k, v in form.errors.items()}


def test_one_contract_nothing_chosen_not_offered_and_unreadable(app):
    assert _checked(app, unit="2", zone="") == (2, None, {})
    assert _checked(app, unit="", zone="7") == (None, 7, {"unit": ["请选择单位。"]})
    for stray in ("3", "abc", "1.5", BIG, "-1", "²"):
        unit, _zone, errors = _checked(app, unit=stray)
        assert unit is None or unit == 3
        assert errors == {"unit": ["请从列表中选择。"]}, stray
    assert _checked(app, unit="1", zone=BIG)[2] == {"zone": ["请从列表中选择。"]}
