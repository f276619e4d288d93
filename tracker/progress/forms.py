"""Forms of the progress pages: the period chooser (GET) and the findings forms (POST).

Every message is Chinese and explicit: WTForms' own English messages ("Not a valid
choice", "Not a valid date value") never reach a user, so choices and dates are
plain strings checked here.
"""
from __future__ import annotations

import re
from datetime import date

from flask import request
from ..i18n import lazy_gettext as _l
from ..form import Form
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..fields import strip_line, strip_text
from ..models import FindingKind, FindingStatus, ReportStatus
from ..timeutil import EARLIEST_DAY, local_today, month_bounds
from .periods import Period, month_period, quarter_period, range_period, year_period

PERIOD_KINDS = [
    ("month", _l("按月")),
    ("quarter", _l("按季度")),
    ("year", _l("按年")),
    ("range", _l("自定义")),
]
QUARTERS = [("1", _l("第一季度")), ("2", _l("第二季度")), ("3", _l("第三季度")), ("4", _l("第四季度"))]
FINDING_KIND = {
    FindingKind.sewer: _l("下水道"),
    FindingKind.sidewalk: _l("人行道"),
    FindingKind.road: _l("破损道路"),
    FindingKind.other: _l("其他"),
}
FINDING_STATUS = {
    FindingStatus.found: _l("已发现"),
    FindingStatus.handed_over: _l("已移交"),
    FindingStatus.fixed: _l("已整改"),
}
MIN_YEAR, MAX_YEAR = EARLIEST_DAY.year, 2100
MAX_RANGE_DAYS = 3 * 366
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


def parse_date(text: str | None) -> date | None:
    """'2025-10-01' → date; None when empty or not a real date."""
    text = (text or "").strip()
    if not _DATE.match(text):
        return None
    y, m, d = (int(part) for part in text.split("-"))
    try:
        return date(y, m, d)
    except ValueError:
        return None


class Choice(SelectField):
    """A select whose value is a plain string, checked by the form (Chinese message)."""

    def __init__(self, label=None, validators=None, message=None, **kwargs):
        super().__init__(label, validators, validate_choice=False, **kwargs)
        self.message = message

    def pre_validate(self, form):
        values = {str(value) for value, _label, *_render_kw in (self.choices or [])}
        if self.data not in values:
            raise ValidationError(self.message or _l("请从列表中选择。"))


class DateText(StringField):
    """A date typed or picked as YYYY-MM-DD; ``.date`` once valid."""

    def __init__(self, label=None, validators=None, required_message=None, **kwargs):
        kwargs.setdefault("render_kw", {"type": "date", "placeholder": "2025-10-01"})
        super().__init__(label, validators, **kwargs)
        self.required_message = required_message
        self.date = None

    def pre_validate(self, form):
        self.date = None
        if not (self.data or "").strip():
            if self.required_message:
                raise ValidationError(self.required_message)
            return
        self.date = parse_date(self.data)
        if self.date is None:
            raise ValidationError(_l("日期格式不正确，请按“2025-10-01”的格式填写。"))


class GetForm(Form):
    """A filter form read from the query string (GET never changes state: no CSRF)."""

    class Meta:
        csrf = False

    def __init__(self, **kwargs):
        super().__init__(formdata=request.args if request.args else None, **kwargs)


class PeriodForm(GetForm):
    community = Choice(_l("社区"), message=_l("请选择社区。"))
    period = Choice(_l("统计周期"), choices=PERIOD_KINDS, default="month",
                    message=_l("请选择统计周期。"))
    month = StringField(_l("月份"), render_kw={"type": "month", "placeholder": "2025-10"})
    year = StringField(_l("年份"), render_kw={"inputmode": "numeric", "placeholder": "2025"})
    quarter = Choice(_l("季度"), choices=QUARTERS, message=_l("请选择季度。"))
    start = DateText(_l("开始日期"))
    end = DateText(_l("结束日期"))

    def __init__(self, communities=None, **kwargs):
        today = local_today()
        kwargs.setdefault("month", f"{today.year}-{today.month:02d}")
        kwargs.setdefault("year", str(today.year))
        kwargs.setdefault("quarter", str((today.month - 1) // 3 + 1))
        super().__init__(**kwargs)
        if communities is None:
            del self.community
        else:
            self.community.choices = communities
        self.result: Period | None = None

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        kind = self.period.data
        if kind == "month":
            self.result = self._month()
        elif kind == "quarter":
            year = self._year()
            if year is not None and not self.quarter.errors:
                self.result = quarter_period(year, int(self.quarter.data))
        elif kind == "year":
            year = self._year()
            if year is not None:
                self.result = year_period(year)
        elif kind == "range":
            self.result = self._range()
        return ok and self.result is not None

    def _month(self) -> Period | None:
        match = _MONTH.match((self.month.data or "").strip())
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            if MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12:
                return month_period(year, month)
        self.month.errors.append(_l("请选择月份，例如“2025-10”。"))
        return None

    def _year(self) -> int | None:
        text = (self.year.data or "").strip()
        # isdecimal, not isdigit: ² and ① are digits int() cannot read
        if text.isdecimal() and len(text) <= 4 and MIN_YEAR <= int(text) <= MAX_YEAR:
            return int(text)
        self.year.errors.append(_l("年份须为%(a)s到%(b)s之间的整数。", a=MIN_YEAR, b=MAX_YEAR))
        return None

    def _range(self) -> Period | None:
        first, last = self.start.date, self.end.date
        if not self.start.errors and first is None:
            self.start.errors.append(_l("请填写开始日期。"))
        if not self.end.errors and last is None:
            self.end.errors.append(_l("请填写结束日期。"))
        if first is None or last is None:
            return None
        if last < first:
            self.end.errors.append(_l("结束日期不能早于开始日期。"))
            return None
        if (last - first).days >= MAX_RANGE_DAYS:
            self.end.errors.append(_l("时间范围不能超过3年。"))
            return None
        if not (MIN_YEAR <= first.year and last.year <= MAX_YEAR):
            self.start.errors.append(_l("日期须在%(a)s年到%(b)s年之间。", a=MIN_YEAR, b=MAX_YEAR))
            return None
        return range_period(first, last)


class CoverageForm(PeriodForm):
    """参与情况's chooser: the unit, the communities its work is counted in (none: the
    whole unit; else as the 月报 of that part counts them) and the period."""

    unit = Choice(_l("单位"), message=_l("请选择单位。"))

    def __init__(self, units=None, communities=None, **kwargs):
        super().__init__(communities=communities or [], **kwargs)
        self.unit.choices = units or []


REVIEW_CHOICES = [
    ("", _l("全部")),
    (ReportStatus.approved.value, _l("已通过（计入统计）")),
    (ReportStatus.submitted.value, _l("待审核")),
    (ReportStatus.returned.value, _l("已退回")),
    ("none", _l("未提交完成情况")),
]


class FindingFilterForm(GetForm):
    community = Choice(_l("社区"), message=_l("请选择社区。"))
    zone = Choice(_l("责任区"), message=_l("请选择责任区。"))
    kind = Choice(_l("问题类型"), message=_l("请选择问题类型。"),
                  choices=[("", _l("全部"))] + [(k.value, v) for k, v in FINDING_KIND.items()])
    status = Choice(_l("状态"), message=_l("请选择状态。"),
                    choices=[("", _l("全部")), ("open", _l("未整改"))]
                    + [(k.value, v) for k, v in FINDING_STATUS.items()])
    review = Choice(_l("摸排任务审核情况"), message=_l("请选择审核情况。"),
                    choices=REVIEW_CHOICES)
    month = StringField(_l("发现月份"), render_kw={"type": "month", "placeholder": "2025-10"})

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.month_range: tuple[date, date] | None = None

    def validate_month(self, field):
        text = (field.data or "").strip()
        if not text:
            return
        match = _MONTH.match(text)
        if not match or not (MIN_YEAR <= int(match.group(1)) <= MAX_YEAR
                             and 1 <= int(match.group(2)) <= 12):
            raise ValidationError(_l("请选择月份，例如“2025-10”。"))
        self.month_range = month_bounds(int(match.group(1)), int(match.group(2)))


class FindingForm(Form):
    kind = Choice(_l("问题类型"), message=_l("请选择问题类型。"),
                  choices=[(k.value, v) for k, v in FINDING_KIND.items()],
                  validators=[DataRequired(_l("请选择问题类型。"))])
    place = StringField(_l("位置"), filters=[strip_line], validators=[
        DataRequired(_l("请填写问题位置。")),
        Length(max=120, message=_l("位置不能超过120个字。")),
    ], description=_l("如：建设路12号门前。位置请写门牌或路段，勿写住户姓名、电话。"))
    description = TextAreaField(_l("问题描述"), filters=[strip_text], validators=[
        Length(max=2000, message=_l("问题描述不能超过2000个字。")),
    ], description=_l("问题会随月报上报、移交有关部门，请勿写住户姓名、电话。"))


class HandOverForm(Form):
    handed_to = StringField(_l("移交给"), filters=[strip_line], validators=[
        DataRequired(_l("请填写移交给哪个部门或单位。")),
        Length(max=120, message=_l("移交对象不能超过120个字。")),
    ], description=_l("如：县住建局市政所"))
    handed_over_on = DateText(_l("移交日期"), required_message=_l("请填写移交日期。"))


class FixForm(Form):
    fixed_on = DateText(_l("整改日期"), required_message=_l("请填写整改日期。"))


class DeactivateFindingForm(Form):
    reason = StringField(_l("删除原因"), filters=[strip_line], validators=[
        Length(max=200, message=_l("原因不能超过200个字。")),
    ])
    personal = BooleanField(_l("涉及个人信息，一并清除描述"), description=_l(
        "勾选后问题描述清空，位置改为所在责任区或社区。"))
