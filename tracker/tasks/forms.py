"""Forms of the member pages: the open-task filter, 确认参与 and 提交完成."""
from __future__ import annotations

from ..i18n import lazy_gettext as _l
from ..form import Form
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ..fields import (
    NOTE_MAX,
    HoursField,
    LenientSelectField,
    LocalDateField,
    MultiCheckboxField,
    VersionField,
    WholeNumberField,
    keyword_field,
    strip_text,
)
from ..security import record_id


def _int_or_none(value):
    return record_id(value) if value not in (None, "") else None


class TaskFilterForm(Form):
    """The GET filter of the open-task list (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = keyword_field(_l("关键词"), description=_l("任务名称、地点或社区"))
    community = LenientSelectField(_l("社区"), coerce=_int_or_none, validate_choice=False)
    category = LenientSelectField(_l("类别"), coerce=_int_or_none, validate_choice=False)
    day = LocalDateField(_l("日期"), validators=[])

    def set_choices(self, communities, categories) -> None:
        """``communities``, ``categories``: (id, name) pairs."""
        self.community.choices = [("", _l("全部社区")), *communities]
        self.category.choices = [("", _l("全部类别")), *categories]

    def offer_communities(self, ids) -> None:
        """Offer by name only the communities in ``ids`` (the member's unit's) and the
        one chosen, in the list's order; the rest are one link away (tasks.communities).
        Called after ``validate``, which checked the choice against every community."""
        chosen = self.community.data
        self.community.choices = [
            choice for choice in self.community.choices
            if choice[0] == "" or choice[0] in ids or choice[0] == chosen]

    @property
    def typed(self) -> bool:
        """Whether the request typed anything into the filter."""
        return any(self[name].raw_data for name in ("q", "community", "category", "day"))


class ConfirmForm(Form):
    hours = HoursField(
        _l("服务时长（小时）"),
        description=_l("按实际参加的时间填写，以0.5小时为单位，例如 1.5。"),
    )
    activity_minutes: int | None = None  # the task's length (HoursField's limit), set by the view


class ReportForm(Form):
    quantity = WholeNumberField(_l("完成数量"), required_message=_l("请填写完成数量。"))
    people_served = WholeNumberField(_l("受益人数"), required_message=_l("请填写受益人数。"))
    note = TextAreaField(
        _l("情况说明"),
        filters=[strip_text],
        validators=[
            DataRequired(message=_l("请填写情况说明。")),
            Length(max=NOTE_MAX, message=_l("情况说明不能超过%(max)s个字。", max=NOTE_MAX)),
        ],
        render_kw={"rows": 5},
    )
    absent = MultiCheckboxField(_l("缺席人员"), coerce=record_id)
    # the fields as the page showed them (``reviews.report_shown_key``): the leader and
    # the liaison may both report; a page read before the other's save keeps what it
    # left alone and is refused where both changed a field
    shown = VersionField(merge=True)
