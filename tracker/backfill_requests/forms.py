"""Forms of 补录申请. Every refusal is Chinese, under its field, with what was typed kept."""
from __future__ import annotations

from datetime import timedelta

from ..i18n import lazy_gettext as _l
from ..form import Form
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..fields import NOTE_MAX, ChoiceField, HoursField, LocalDateField, strip_text
from ..services.backfill_requests import REASON_MAX, RequestData, request_problems
from ..services.claims import task_span_minutes
from ..timeutil import to_local


def _area(label, limit, *, required_message=None, description=None):
    validators = [DataRequired(message=required_message)] if required_message else [Optional()]
    return TextAreaField(label, description=description, validators=[
        *validators, Length(max=limit, message=_l("不能超过%(max)d个字。", max=limit))],
        filters=[strip_text], render_kw={"rows": 3, "maxlength": limit})


class RequestForm(Form):
    """我参加了但没有记录."""

    community = ChoiceField(_l("社区"), message=_l("请选择您所在单位共建的社区。"))
    task = ChoiceField(_l("参加的任务"), message=_l("请从列表中选择任务，或不选。"),
                       required=False,
                       description=_l("可不选：列表里没有的活动，请在下面说明。"))
    service_date = LocalDateField(_l("活动日期"), validators=[Optional()],
                                  description=_l("选择了任务时按任务的日期。"))
    description = _area(_l("参加了什么活动"), NOTE_MAX,
                        description=_l("没有选择任务时必填：时间、地点、做了什么。"))
    hours = HoursField(_l("服务时长（小时）"))
    note = _area(_l("备注"), NOTE_MAX)
    find = SubmitField(_l("查找"))  # lists the tasks of the 活动日期 box's day (FindTasksForm)

    def __init__(self, *args, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member  # who asks: the service's rules are theirs (validate)
        self._communities, self._tasks = [], []

    def set_choices(self, communities, tasks) -> None:
        self._communities, self._tasks = list(communities), list(tasks)
        self._spans = {t.id: task_span_minutes(t) for t in tasks}
        self.community.choices = [("", _l("请选择"))] + [(c.id, c.name) for c in communities]
        self.task.choices = [("", _l("不选"))] + [
            (t.id, f"{to_local(t.starts_at):%m-%d} {t.title}（{t.community.name}）")
            for t in tasks]


    def validate(self, extra_validators=None):
        """A form refused here (no 社区, 服务时长 「abc」) also names what the service would
        refuse of its other fields (a date after today), in one submit (review walk3,
        #2), as the need form does. A form passed here is left to the service, which
        names every problem of its own at once (``request_problems``)."""
        if super().validate(extra_validators):
            return True
        if self.member is not None and not self.task.errors:  # a task not offered: no rule
            for name, message in request_problems(self.member, self.chosen_community(),
                                                  self.request_data()):
                field = getattr(self, name)
                if not field.errors:
                    field.errors = [*field.errors, message]
        return False

    def chosen_community(self):
        """The community chosen among those offered, or None."""
        if self.community.errors:
            return None
        return next((c for c in self._communities if c.id == self.community.data), None)

    def request_data(self) -> RequestData:
        """What was typed, as the service reads it; a field refused here counts as empty."""
        task = None if self.task.errors else next(
            (t for t in self._tasks if t.id == self.task.data), None)
        return RequestData(
            service_date=None if self.service_date.errors else self.service_date.data,
            minutes=None if self.hours.errors else self.hours.minutes, task=task,
            description=self.description.data, note=self.note.data)

    @property
    def activity_minutes(self) -> int | None:
        """The chosen task's length (HoursField's limit, as ``ask_backfill`` holds it);
        None without a task: then 24 hours."""
        if self.task.errors or self.task.data is None:
            return None
        return getattr(self, "_spans", {}).get(self.task.data)


class FindTasksForm(Form):
    """The GET search for an earlier activity than the select's recent ones, by its day
    (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    day = LocalDateField(_l("活动日期"), validators=[Optional()],
                         description=_l("列出这一天可申请补录的任务。"))

    def check_window(self, today, days_back: int) -> None:
        """A day the request window does not hold is refused under the field."""
        day = self.day.data
        if day is not None and not self.day.errors and not (
                today - timedelta(days=days_back) <= day <= today):
            self.day.errors = [_l("请选择最近%(days)d天内、不晚于今天的日期。", days=days_back)]


class DeclineForm(Form):
    reason = _area(_l("拒绝理由"), REASON_MAX, required_message=_l("请填写拒绝理由。"),
                   description=_l("申请人会在“我的补录申请”中看到。"))
