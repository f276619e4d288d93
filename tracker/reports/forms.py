"""Forms of the reports pages: the pickers (GET forms: they change nothing, so no
CSRF) and the 月报's own words (存在问题, 下步打算) and 定稿 buttons (POST)."""
from __future__ import annotations

import re

from ..i18n import lazy_gettext as _l
from ..form import Form
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..fields import VersionField, strip_line, strip_text
from ..services.summary_notes import NOTE_MAX
from ..timeutil import EARLIEST_DAY, local_today

MONTH_RE = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")


def parse_month(text: str | None) -> tuple[int, int] | None:
    """'2022-10' → (2022, 10); None when it is not a month."""
    match = MONTH_RE.match((text or "").strip())
    if not match or not EARLIEST_DAY.year <= int(match.group(1)) <= 2100:
        return None
    return int(match.group(1)), int(match.group(2))


BAD_MONTH = _l("月份格式不正确，请按“年-月”填写，如 2022-10。")
# a month or year of the right shape before the house's floor (``timeutil.EARLIEST_DAY``):
# no figure is of it — said so, not as a wrong format (0224-10 typed for 2024-10)
TOO_EARLY_YEAR = _l("不能早于%(year)d年（本系统不统计更早的工作），请检查年份。",
                    year=EARLIEST_DAY.year)


def _early(text: str | None) -> bool:
    """Whether ``text`` is a year, or a year and month, of four digits before the floor."""
    match = re.match(r"^([0-9]{4})(-[0-9]{1,2})?$", (text or "").strip())
    return match is not None and int(match.group(1)) < EARLIEST_DAY.year
FUTURE_MONTH = _l("这个月份还没有到，月报只能生成本月及以前的月份。")


def is_future(year: int, month: int) -> bool:
    """Whether the month has not begun (local time): it has no 月报 yet."""
    today = local_today()
    return (year, month) > (today.year, today.month)


class MonthlyForm(Form):
    class Meta:
        csrf = False

    unit = SelectField(_l("单位"), validate_choice=False)
    community = SelectField(_l("社区"), validate_choice=False)
    month = StringField(_l("月份"), validators=[DataRequired(_l("请选择月份。"))],
                        render_kw={"type": "month", "placeholder": "2022-10"})

    def validate_month(self, field):
        parsed = parse_month(field.data)
        if parsed is None:
            raise ValidationError(TOO_EARLY_YEAR if _early(field.data) else BAD_MONTH)
        if is_future(*parsed):
            raise ValidationError(FUTURE_MONTH)


YEAR_RE = re.compile(r"^[0-9]{4}$")
BAD_YEAR = _l("年份格式不正确，请填写四位数字，如 2026。")
FUTURE_YEAR = _l("这一年还没有到，年度总结只能生成今年及以前的年份。")


def parse_year(text: str | None) -> int | None:
    """'2026' → 2026; None when it is not a year the app can hold (2000–2100)."""
    text = (text or "").strip()
    if not YEAR_RE.match(text) or not EARLIEST_DAY.year <= int(text) <= 2100:
        return None
    return int(text)


def is_future_year(year: int) -> bool:
    """Whether the year has not begun (local time): it has no 年度总结 yet."""
    return year > local_today().year


def default_year() -> int:
    """The year a 年度总结 is written for: this year, or last year in January (its
    summary is handed up then)."""
    today = local_today()
    return today.year - 1 if today.month == 1 else today.year


class AnnualForm(Form):
    class Meta:
        csrf = False

    unit = SelectField(_l("单位"), validate_choice=False)
    community = SelectField(_l("社区"), validate_choice=False)
    year = StringField(_l("年份"), filters=[strip_line],
                       validators=[DataRequired(_l("请填写年份。"))],
                       render_kw={"inputmode": "numeric", "placeholder": "2026", "size": 6})

    def validate_year(self, field):
        year = parse_year(field.data)
        if year is None:
            raise ValidationError(TOO_EARLY_YEAR if _early(field.data) else BAD_YEAR)
        if is_future_year(year):
            raise ValidationError(FUTURE_YEAR)


class NotesForm(Form):
    """存在问题 and 下步打算: people's words for the month (empty: left out)."""

    problems = TextAreaField(_l("存在问题"), filters=[strip_text], validators=[
        Length(max=NOTE_MAX, message=_l("不能超过%(n)s个字。", n=NOTE_MAX))],
        description=_l("每段一行。不填则月报中不出现此部分。"), render_kw={"rows": 5})
    plans = TextAreaField(_l("下步打算"), filters=[strip_text], validators=[
        Length(max=NOTE_MAX, message=_l("不能超过%(n)s个字。", n=NOTE_MAX))],
        description=_l("每段一行。不填则月报中不出现此部分。"), render_kw={"rows": 5})
    # the words as the page showed them (``summary_notes.notes_shown_key``): a save from
    # an older page keeps another's words it left alone, and is refused where both wrote
    shown = VersionField(merge=True)


class ConfirmForm(Form):
    """A one-button POST (定稿, 重新打开): only the CSRF token."""


class AnnualNotesForm(NotesForm):
    """存在问题 and 下步打算 of the 年度总结 (empty: left out); ``shown`` as the 月报's."""

    problems = TextAreaField(_l("存在问题"), filters=[strip_text], validators=[
        Length(max=NOTE_MAX, message=_l("不能超过%(n)s个字。", n=NOTE_MAX))],
        description=_l("每段一行。不填则年度总结中不出现此部分。"), render_kw={"rows": 5})
    # the words as the page showed them (``summary_notes.notes_shown_key``), merged as
    # the 月报's are
    shown = VersionField(merge=True)
    plans = TextAreaField(_l("下步打算"), filters=[strip_text], validators=[
        Length(max=NOTE_MAX, message=_l("不能超过%(n)s个字。", n=NOTE_MAX))],
        description=_l("每段一行。不填则年度总结中不出现此部分。"), render_kw={"rows": 5})
    # the words as the page showed them (``summary_notes.notes_shown_key``), merged as
    # the 月报's are
    shown = VersionField(merge=True)
