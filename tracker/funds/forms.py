"""Forms of the funds ledger. Amounts are typed in yuan and held as integer fen."""
from __future__ import annotations

from ..i18n import lazy_gettext as _l
from ..form import Form
from wtforms import StringField
from wtforms.validators import DataRequired, Length, StopValidation

from ..fields import CHOOSE, ChoiceField, DayRequired, LocalDateField, strip_line
from ..money import MoneyError, fen_to_input, parse_yuan
from ..services.funds import PURPOSE_MAX


class MoneyField(StringField):
    """An amount in yuan ("3200", "3,200.50"); ``data`` is integer fen, never float."""

    def __init__(self, label=None, validators=None, *, allow_zero: bool = False, **kwargs):
        render_kw = {"inputmode": "decimal", "autocomplete": "off", **kwargs.pop("render_kw", {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.allow_zero = allow_zero
        self.flags.required = True

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist:
            return
        try:
            self.data = parse_yuan(valuelist[0], allow_zero=self.allow_zero)
        except MoneyError as error:
            raise ValueError(error.message) from None

    def process_data(self, value):
        self.data = value

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return fen_to_input(self.data)

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


class EntryForm(Form):
    entry_date = LocalDateField(_l("日期"), validators=[DayRequired(_l("请填写日期。"))])
    amount = MoneyField(_l("金额（元）"), description=_l("如 3200 或 3,200.50"))
    purpose = StringField(_l("用途"), filters=[strip_line], validators=[
        DataRequired(_l("请填写用途。")),
        Length(max=PURPOSE_MAX, message=_l("用途不能超过%(max)d个字。", max=PURPOSE_MAX)),
    ])
    task_id = ChoiceField(_l("关联任务（可不选）"), message=CHOOSE, required=False)

    def set_tasks(self, tasks) -> None:
        self.task_id.choices = [("", _l("（不关联任务）"))] + [
            (t.id, f"{t.service_date:%Y-%m-%d} {t.title}") for t in tasks
        ]


class ReverseForm(Form):
    # required, as 作废's (walk10 D10): a permanent counter-entry says why it was made
    reason = StringField(_l("冲销原因"), filters=[strip_line], validators=[
        DataRequired(_l("请填写冲销原因。")),
        Length(max=100, message=_l("冲销原因不能超过%(max)d个字。", max=100)),
    ])
