"""The pickers of the reports pages (GET forms: they change nothing, so no CSRF)."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, ValidationError

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(text: str | None) -> tuple[int, int] | None:
    """'2022-10' → (2022, 10); None when it is not a month."""
    match = MONTH_RE.match((text or "").strip())
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        return None
    return int(match.group(1)), int(match.group(2))


class MonthlyForm(FlaskForm):
    class Meta:
        csrf = False

    unit = SelectField(_l("单位"), validate_choice=False)
    community = SelectField(_l("社区"), validate_choice=False)
    month = StringField(_l("月份"), validators=[DataRequired(_l("请选择月份。"))],
                        render_kw={"type": "month", "placeholder": "2022-10"})

    def validate_month(self, field):
        if parse_month(field.data) is None:
            raise ValidationError(_l("月份格式不正确，请按“年-月”填写，如 2022-10。"))
