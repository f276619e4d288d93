"""Whole numbers are typed in ASCII or full-width digits only (review "resources" #4).

``\\d`` also matches other scripts' digits: 「٣٠٠」 (Arabic-Indic) was saved as 300 as
a 资源清单 target while the form showed something else — the case session 20 closed
for money. The one parse (``fields.parse_whole_number``) serves every whole-number
field and the target; a refusal is in Chinese, on the same page, with what was typed.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tracker.extensions import db
from tracker.fields import HoursField, WholeNumberField, parse_whole_number
from tracker.form import Form
from tracker.models import ResourceItem
from tracker.reference import ensure_categories
from tracker.timeutil import local_today


@pytest.mark.parametrize("typed", ["٣٠٠", "۳۰۰", "३००", "3٠0", "১২"])
def test_other_scripts_digits_are_refused(typed):
    with pytest.raises(ValueError) as caught:
        parse_whole_number(typed)
    assert str(caught.value) == "请输入整数（只能填写数字）。"


@pytest.mark.parametrize("typed,value", [("12", 12), ("１２", 12), ("+７", 7), ("-3", -3)])
def test_ascii_and_full_width_digits_are_read(typed, value):
    assert parse_whole_number(typed) == value


def test_a_whole_number_field_refuses_them_in_chinese(app):
    class Slots(Form):
        slots = WholeNumberField("名额", minimum=1, maximum=100)

    with app.test_request_context(method="POST"):
        form = Slots(formdata=MultiDict({"slots": "٣"}), meta={"csrf": False})
        assert not form.validate()
        assert form.slots.errors == ["请输入整数（只能填写数字）。"]
        assert form.slots._value() == "٣"  # what was typed is shown again


# A number of any length that is all digits is a whole number: a field refuses one too
# long with its range, as it refuses 1000001 (review "walk", #3: 13 digits or more
# were called 「请输入整数（只能填写数字）」).
@pytest.mark.parametrize("typed", ["1000000000000", "9" * 20, "１" + "０" * 19, "-" + "9" * 30,
                                   "9" * 5000],
                         ids=["13 digits", "20 nines", "20 full-width", "-30 nines", "5000 nines"])
def test_a_number_too_long_is_refused_by_the_range(app, typed):
    class Slots(Form):
        slots = WholeNumberField("名额", minimum=1, maximum=500)

    with app.test_request_context(method="POST"):
        form = Slots(formdata=MultiDict({"slots": typed}), meta={"csrf": False})
        assert not form.validate()
        assert form.slots.errors == ["请输入1到500之间的整数。"]
        assert form.slots._value() == typed  # what was typed is shown again


def test_leading_zeros_do_not_make_a_number_long(app):
    assert parse_whole_number("0" * 30 + "12") == 12


def add_item(client, world, target: str):
    cats = ensure_categories()
    db.session.commit()
    return client.post("/admin/items/new", data={
        "unit_id": world.unit.id, "community_id": world.community.id, "zone_id": "",
        "category_id": f"{cats['ecommerce_training'].id}:activities",
        "year": str(local_today().year), "target": target, "description": ""})


def test_a_target_in_arabic_indic_digits_is_refused_on_the_same_page(client, login, world):
    login(world.admin)
    before = db.session.scalar(select(func.count(ResourceItem.id)))
    response = add_item(client, world, "٣٠٠")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "请输入整数（只能填写数字）。" in page and 'value="٣٠٠"' in page
    assert db.session.scalar(select(func.count(ResourceItem.id))) == before  # nothing saved


def test_a_target_in_full_width_digits_is_saved(client, login, world):
    login(world.admin)
    assert add_item(client, world, "１２").status_code == 302
    assert db.session.scalar(select(ResourceItem.target).order_by(ResourceItem.id.desc())
                             .limit(1)) == 12


# 服务时长 reads the same digits as the whole numbers, with a decimal point (review
# "resources" #4's rest: `HoursField` read 「٢」 as 2 hours through Decimal's grammar,
# and 「1e1」 as 10, 「1_0」 as 10).
def _hours(app, typed: str):
    class Hours(Form):
        hours = HoursField("服务时长（小时）")

    with app.test_request_context(method="POST"):
        form = Hours(formdata=MultiDict({"hours": typed}), meta={"csrf": False})
        form.validate()
        return form.hours.data, form.hours.errors, form.hours._value()


@pytest.mark.parametrize("typed", ["٢", "۲.۵", "२", "1e1", "1_0", "2E0", "NaN", "Infinity", ".", "+"])
def test_hours_in_other_scripts_or_decimal_notation_are_refused(app, typed):
    data, errors, shown = _hours(app, typed)
    assert data is None and errors == ["服务时长须为数字，例如 2 或 2.5。"]
    assert shown == typed  # what was typed is shown again


@pytest.mark.parametrize("typed,hours", [("2", "2"), ("２.５", "2.5"), ("1，5", "1.5"),
                                         ("1。5", "1.5"), (".5", "0.5"), ("3.", "3")])
def test_hours_in_ascii_or_full_width_digits_are_read(app, typed, hours):
    data, errors, _shown = _hours(app, typed)
    assert errors == [] and data == Decimal(hours)


def test_negative_hours_are_refused_as_not_above_zero(app):
    assert _hours(app, "-1")[1] == ["服务时长须大于0。"]
