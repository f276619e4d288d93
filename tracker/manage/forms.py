"""Forms of the liaison pages: a task, assigning, the leader, cancelling, returning a report.

Every refusal is a Chinese message under its field, and every field shows again what
was typed. The time rules are the service's own (tracker.services.tasks), called here
so the form can name every problem at once.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from ..i18n import lazy, lazy_gettext as _l, lazy_pgettext
from ..form import Form
from flask_wtf.file import MultipleFileField
from wtforms import DateTimeLocalField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

from ..models import TaskStatus
from ..names import choices_with_unit, with_masked_phone
from ..onsite.forms import ACCEPT
from ..services import ServiceError
from ..services.backfill import BackfillData, Participant, parse_findings
from ..services.claims import span_minutes
from ..services.cell_dates import TOO_EARLY, NotADay, read_moment, too_early
from ..services.photos import MAX_PHOTOS_PER_TASK
from ..services.residents import category_serves_residents
from ..services.tasks import (
    BENEFICIARY_MAX,
    DESCRIPTION_MAX,
    MAX_SLOTS,
    PLACE_MAX,
    REASON_MAX,
    TITLE_MAX,
    TaskData,
    TaskDetails,
    check_start_window,
    check_times,
    weekly_starts,
)
from ..errors import max_upload_mb
from ..formatting import beneficiary_label
from ..fields import (
    VersionField,
    NOTE_MAX,
    ChoiceField,
    HoursField,
    LenientSelectField,
    MultiCheckboxField,
    LocalDateField,
    WholeNumberField,
    keyword_field,
    strip_line,
    strip_text,
)
from ..security import record_id, record_id_or_none
from ..templating import TASK_STATUS
from ..timeutil import to_local


def _text(label, required_message, limit, *, area=False, required=True):
    validators = [DataRequired(message=required_message)] if required else [Optional()]
    validators.append(Length(max=limit, message=_l("不能超过%(max)d个字。", max=limit)))
    field_class = TextAreaField if area else StringField
    render_kw = {"maxlength": limit} | ({"rows": 4} if area else {})
    # a one-line field (任务名称, 地点, 服务对象) keeps no line break (``strip_line``)
    return field_class(label, validators=validators,
                       filters=[strip_text if area else strip_line], render_kw=render_kw)


def item_choices(items) -> list[tuple[int, str]]:
    """The checklist items of a picker, each as ``ResourceItem.with_unit`` names it: in
    January, before the new year's checklist exists, last year's items are told apart
    by the year they lead with, in the same form as this year's (walk55; the year said
    once, walk47 #6)."""
    return [(item.id, item.with_unit) for item in items]


class LocalDateTimeField(DateTimeLocalField):
    """A datetime-local input read as Asia/Shanghai wall-clock time (naive). A day before
    the house's floor is refused as ``LocalDateField`` refuses it (``cell_dates.
    TOO_EARLY``), unless it is the stored time the form was filled with."""

    def __init__(self, label=None, *, required_message, **kwargs):
        super().__init__(label, format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S",
                                        "%Y-%m-%d %H:%M"], **kwargs)
        self.required_message = required_message
        self.flags.required = True

    def process_formdata(self, valuelist):
        self.data = None
        raw = (valuelist[0] or "").strip() if valuelist else ""
        if not raw:
            return
        try:
            super().process_formdata([raw])
        except ValueError:
            try:  # typed, not picked: the date as the imports read it, then the time
                self.data = read_moment(raw)
            except NotADay:
                self.data = None
                raise ValueError(_l("时间格式不正确，请按“年-月-日 时:分”填写。")) from None

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
        if self.data is None:
            raise StopValidation(self.required_message)
        # the floor is a day's: a stored time before it keeps its day when only its hour
        # is changed (an old task's 结束时间 moved an hour is no year to check)
        stored = self.object_data.date() if isinstance(self.object_data, datetime) else None
        if too_early(self.data.date()) and self.data.date() != stored:
            raise StopValidation(TOO_EARLY)


def member_label(member, on_roll: bool) -> str:
    """``roll_marked`` of the member's name and masked phone."""
    return roll_marked(with_masked_phone(member.name, member.phone), on_roll)


def roll_marked(label: str, on_roll: bool) -> str:
    """A people list's label, 「（不计入参与统计）」 after it for someone off the roll on
    the activity's day (``on_roll``: read with the list, ``queries.roll_then`` — the
    figures' rule for that day, not the account's setting now; the badge 党员干部's list
    shows is the same word): the lists offer them — work done is work done — after the
    members on it, and a tick by mistake is seen (walk55)."""
    return label if on_roll else label + _("（%(x)s）", x=_("不计入参与统计"))


# For a category that serves residents (走访慰问, 结对帮扶): a task's text reaches every
# member, their calendars, SMS and the 月报, while the register shows a resident to the
# liaison and the paired members only (the need form asks the same, needs/forms.py).
PERSONAL_HINT = _l("请勿填写服务对象的姓名、住址、电话；服务对象请在“服务对象”中选择登记人员。")
BENEFICIARY_HINT = _l("填写群体即可，如“空巢老人”；请勿填写服务对象的姓名、住址、电话，"
                      "服务对象请在“服务对象”中选择登记人员。")
PLACE_HINT = _l("写到社区或小区即可；请勿填写服务对象的门牌号、姓名、电话。")


def hint_personal_data(form, items, chosen=None) -> None:
    """The hints against personal data on the free-text fields, when the chosen item
    (none chosen yet: any item offered) is of a category that serves residents."""
    if not any(category_serves_residents(item.category) for item in items
               if chosen is None or item.id == chosen):
        return
    for name, hint in (("title", PERSONAL_HINT), ("beneficiary", BENEFICIARY_HINT),
                       ("place", PLACE_HINT), ("description", PERSONAL_HINT),
                       ("note", PERSONAL_HINT)):
        field = getattr(form, name, None)
        if field is not None:
            field.description = hint


# a choice no longer offered: mostly a page read before its account was switched off or
# merged (合并账号), which is then no longer in the list
LEADER_GONE = _l("所选的组长不在名单中（其账号可能已停用或已合并到另一个账号），请从列表中选择组长。")


class TaskForm(Form):
    """创建任务 from a resource checklist item; the edit form drops the first-time fields."""

    resource_item = ChoiceField(_l("资源清单项目"), message=_l("请选择资源清单项目。"))
    title = _text(_l("任务名称"), _l("请填写任务名称。"), TITLE_MAX)
    beneficiary = _text(_l("服务对象"), None, BENEFICIARY_MAX, required=False)
    place = _text(_l("地点"), _l("请填写地点。"), PLACE_MAX)
    starts_at = LocalDateTimeField(_l("开始时间"), required_message=_l("请填写开始时间。"))
    ends_at = LocalDateTimeField(_l("结束时间"), required_message=_l("请填写结束时间。"))
    slots = WholeNumberField(_l("名额"), minimum=1, maximum=MAX_SLOTS,
                             required_message=_l("请填写名额。"))
    description = _text(_l("任务说明"), None, DESCRIPTION_MAX, area=True, required=False)
    leader = ChoiceField(_l("组长"), message=_l("请从列表中选择组长。"), invalid=LEADER_GONE,
                         required=False, description=_l("可不填，也可以以后在任务页面指定。"))
    leader_q = keyword_field(_l("查找组长"), description=_l("姓名或手机号"))
    find = SubmitField(_l("查找"))
    repeat_until = LocalDateField(
        _l("每周重复，直到"), validators=[],
        description=_l("可不填；填写后每周同一时间各建一个任务，最长一年。"),
    )

    # The edit form sets the saved start: an unchanged old start is not re-checked.
    saved_start: datetime | None = None

    def set_choices(self, items, members, on_roll: dict) -> None:
        """``on_roll``: {member id: on the roll on the task's day}, read with
        ``members`` (``queries.leader_candidates``)."""
        if self.resource_item is not None:
            self.resource_item.choices = [("", _l("请选择"))] + item_choices(items)
            hint_personal_data(self, items, self.resource_item.data)
        if self.leader is not None:
            self.leader.choices = [("", _l("不设组长"))] + [
                (m.id, member_label(m, on_roll[m.id])) for m in members
            ]

    def validate_starts_at(self, field):
        if field.data is None or field.data == self.saved_start:
            return
        _as_validation(check_start_window, field.data)

    def validate_ends_at(self, field):
        if field.data is None or self.starts_at.data is None:
            return
        _as_validation(check_times, self.starts_at.data, field.data)

    def validate_repeat_until(self, field):
        if field.data is None or self.starts_at.data is None:
            return
        _as_validation(weekly_starts, self.starts_at.data, field.data)

    def details(self) -> TaskDetails:
        return TaskDetails(**self._detail_values())

    def task_data(self, leader) -> TaskData:
        return TaskData(**self._detail_values(), leader=leader,
                        repeat_until=self.repeat_until.data)

    def _detail_values(self) -> dict:
        return dict(title=self.title.data, place=self.place.data,
                    starts_local=self.starts_at.data, ends_local=self.ends_at.data,
                    slots=self.slots.data, beneficiary=self.beneficiary.data,
                    description=self.description.data)


class TaskEditForm(TaskForm):
    resource_item = None
    # the fields as the page showed them (``tasks.task_shown_key``): a page read before
    # another's edit keeps what it left alone, and is refused where both changed a field
    shown = VersionField(merge=True)
    leader = None
    leader_q = None
    find = None
    repeat_until = None


def _as_validation(check, *args) -> None:
    try:
        check(*args)
    except ServiceError as error:
        raise ValidationError(error.message) from None


class AssignForm(Form):
    member = ChoiceField(_l("党员"), message=_l("请从列表中选择要指派的党员。"))


class LeaderForm(Form):
    leader = ChoiceField(_l("组长"), message=_l("请从列表中选择组长。"), invalid=LEADER_GONE,
                         required=False)
    # the leader the page showed (``tasks.leader_shown_key``): a choice made over
    # another's change since is refused, naming the leader now
    shown = VersionField()


class CancelForm(Form):
    reason = _text(_l("取消原因"), _l("请填写取消原因。"), REASON_MAX, area=True)


class VoidForm(Form):
    """作废 a whole recorded activity that did not happen (``services.voiding``).
    Prefixed (``void-reason``): it shares the approved task's page with 撤销审核, and
    each form's label, error links and ``aria-describedby`` must reach its own field."""

    reason = _text(_l("作废的原因"), _l("请填写作废的原因。"), REASON_MAX, area=True)
    # the signed documents the page named (``roll.named_key`` of ``voiding.void_signed``'s
    # Naming), as ``ReopenForm.named``: others now — a month signed or reopened since —
    # and the confirmed post is asked again by the confirmation page naming them afresh
    named = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="void", **kwargs)


class ReturnForm(Form):
    reason = _text(_l("退回原因"), _l("请填写退回原因。"), REASON_MAX, area=True)
    # the submission the page showed (``reviews.report_version``): a report resubmitted
    # since is not sent back over content its reviewer has not seen
    shown = VersionField()


class CorrectHoursForm(Form):
    """改正服务时长 of one participant (the liaison), with the reason kept in the audit."""

    hours = HoursField(_l("正确的服务时长（小时）"))
    reason = _text(_l("改正的原因"), _l("请填写改正的原因。"), 200)
    activity_minutes: int | None = None  # the task's length (HoursField's limit), set by the view
    # the hours the page named (``claims.minutes_shown_key``): typed against them, the
    # correction is refused when another corrected them since
    shown = VersionField()


class ReopenForm(Form):
    """撤销审核 (an admin): the approved report goes back to 退回, with this reason."""

    reason = _text(_l("撤销审核的原因"), _l("请填写撤销审核的原因。"), REASON_MAX, area=True)
    # the signed documents the page named (``roll.named_key`` of ``voiding.uncount_signed``'s
    # Naming): others now — a month signed or reopened since — and the post is asked again
    # by the confirmation page naming them afresh, nothing done
    named = VersionField()

    def __init__(self, *args, **kwargs):  # prefixed (``reopen-reason``): see VoidForm
        super().__init__(*args, prefix="reopen", **kwargs)


# The filter names what the list's badges say (``templating.task_status_label``): 未结束
# is an open task before its end — badged 未开始 or 进行中 (``templating.task_phase``) —,
# 已结束 a closed one or an open one whose end has passed (``queries.tasks_page``), so
# 未结束 never lists a task badged 已结束 (and 进行中 no longer names one not begun).
STATUS_CHOICES = [("", _l("全部状态")),
                  (TaskStatus.open.value, lazy_pgettext("任务筛选：未开始或进行中", "未结束")),
                  (TaskStatus.closed.value, lazy_pgettext("任务筛选：已关闭或结束时间已过", "已结束")),
                  (TaskStatus.cancelled.value, TASK_STATUS[TaskStatus.cancelled])]


class TaskFilterForm(Form):
    """The GET filter of the task list (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = keyword_field(_l("关键词"), description=_l("任务名称、地点或社区"))
    community = LenientSelectField(_l("社区"), coerce=record_id_or_none, validate_choice=False)
    status = LenientSelectField(_l("状态"), choices=STATUS_CHOICES, validate_choice=False,
                                coerce=lambda v: v or None)
    category = LenientSelectField(_l("类别"), coerce=record_id_or_none, validate_choice=False)
    date_from = LocalDateField(_l("从"), validators=[])
    date_to = LocalDateField(_l("到"), validators=[])

    def set_choices(self, communities, categories) -> None:
        self.community.choices = [("", _l("全部社区"))] + [(c.id, c.name) for c in communities]
        self.category.choices = [("", _l("全部类别"))] + [(c.id, c.name) for c in categories]

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("结束日期不能早于开始日期。"))

    def status_value(self) -> TaskStatus | None:
        return TaskStatus(self.status.data) if self.status.data else None


class _MayBeEmpty:
    """A field of ``fields`` that may be left empty (its ``data`` is then None)."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label, **kwargs)
        self.flags.required = False

    def pre_validate(self, form):
        if self.data is None and not self.process_errors:
            raise StopValidation()  # no message: empty is fine
        super().pre_validate(form)


class OptionalHoursField(_MayBeEmpty, HoursField):
    """服务时长 that may be left empty: empty means the whole activity."""


class OptionalNumberField(_MayBeEmpty, WholeNumberField):
    """完成数量 / 受益 on the 补录 form: asked only where the category has it, which
    the service knows (``reviews.report_figures``) and says when one is missing."""


class BackfillPicks(Form):
    """Who is picked and what is searched for, read before the 补录 form is built:
    its rows (one hours field per member offered) depend on both."""

    class Meta:
        csrf = False

    q = keyword_field(_l("查找党员"), description=_l("姓名或手机号"))
    participants = MultiCheckboxField(_l("参加人员"), coerce=record_id, validate_choice=False)
    # the day the members are offered for (补录's rule: their unit that day)
    starts_at = LocalDateTimeField(_l("开始时间"), required_message=_l("请填写开始时间。"))

    def day(self):
        """The activity's day as typed, or None (not typed, or not a time)."""
        return self.starts_at.data.date() if self.starts_at.data is not None else None


class BackfillPhotosForm(Form):
    """补录's photos, chosen again on the page that names the signed documents a 补录
    changes before it is saved (``named_page.ask_first``): a page cannot post a file
    the browser sent before."""

    photos = MultipleFileField(
        _l("现场照片（可选）"), render_kw={"accept": ACCEPT, "multiple": True},
        description=_l("照片不能随确认页保留：如需上传，请在这里重新选择。"))


# 受益 and 完成数量 on the 补录 form before an item is chosen, or for a category that
# counts none (a survey's 完成数量 is its findings: named by no unit, as 提交完成 asks none)
SERVED_NONE = _l("受益")
QUANTITY_NONE = _l("完成数量")
# 完成数量's help on the 补录 form, true in each state (``label_beneficiaries``): no item
# chosen; one whose category counts it (the label names its unit, 「完成数量（处）」;
# ``reviews.report_figures`` refuses it empty); one whose category counts none, or the
# survey (its 完成数量 is its findings, never typed)
QUANTITY_HELP = (_l("所选项目的类别统计完成数量时填写。"), _l("所选项目的类别统计完成数量，请填写。"),
                 _l("所选项目的类别不用填写完成数量。"))


def _served_label(item) -> str | None:
    unit = item.category.beneficiary_unit
    return str(beneficiary_label(unit)) if unit else None


def _quantity_label(item) -> str | None:
    category = item.category
    if not category.quantity_unit or category.is_survey:
        return None
    # 提交完成's own words (``tasks.routes.report``): 「完成数量（处）」
    return str(_l("完成数量（%(unit)s）", unit=category.quantity_unit))


def label_beneficiaries(form, items) -> None:
    """The 补录 form's 受益 and 完成数量 labelled as the 提交完成 form labels them, by
    the chosen item's category (``formatting.beneficiary_label``: 受益户数 for 帮扶,
    受益人次 for 电商 — what the 月报 prints it as; walk47 #2; 「完成数量（处）」 for
    牛皮癣清除, walkfix47's noticed bullet): the item chosen, or posted, on the server;
    and each item's option carries its labels (``data-label-people_served``,
    ``data-label-quantity``) for static/js/follow.js to put on the fields when another
    is chosen on the page. ``SERVED_NONE`` / ``QUANTITY_NONE`` when none is chosen, or
    its category counts no such figure. 完成数量's help follows the same choice
    (``QUANTITY_HELP``, leave48's Open): once the label names the unit, 「单位见类别」
    said nothing, and 「有完成数量时填写」 left her to guess for an item that counts none."""
    chosen = next((item for item in items if item.id == form.resource_item.data), None)
    labels: dict = {}
    for field, label_of, none in ((form.people_served, _served_label, SERVED_NONE),
                                  (form.quantity, _quantity_label, QUANTITY_NONE)):
        field.label.text = (chosen and label_of(chosen)) or none
        # a new dict: the unbound field's render_kw is shared by every form built from it
        field.render_kw = {**(field.render_kw or {}),
                           "data-label-follows": form.resource_item.id,
                           "data-label-none": str(none)}
        for item in items:
            if (label := label_of(item)) is not None:
                labels.setdefault(item.id, {})[f"data-label-{field.id}"] = label
    help_none, help_labelled, help_plain = QUANTITY_HELP
    form.quantity.description = (help_none if chosen is None else
                                 help_labelled if _quantity_label(chosen) else help_plain)
    form.quantity.render_kw.update({"data-help-none": str(help_none),
                                    "data-help-labelled": str(help_labelled),
                                    "data-help-plain": str(help_plain)})
    form.resource_item.choices = [(value, text, labels.get(value, {}))
                                  for value, text, *_rest in form.resource_item.choices]


class BackfillForm(Form):
    """补录一次活动: one form for what happened, who took part and what it achieved.
    ``for_members`` adds one hours field per member offered (``hours_<id>``)."""

    resource_item = ChoiceField(_l("资源清单项目"), message=_l("请选择资源清单项目。"),
                                description=_l("决定社区、责任区和类别。"))
    title = _text(_l("活动名称"), None, TITLE_MAX, required=False)
    place = _text(_l("地点"), _l("请填写地点。"), PLACE_MAX)
    beneficiary = _text(_l("服务对象"), None, BENEFICIARY_MAX, required=False)
    starts_at = LocalDateTimeField(_l("开始时间"), required_message=_l("请填写开始时间。"))
    ends_at = LocalDateTimeField(_l("结束时间"), required_message=_l("请填写结束时间。"))
    q = BackfillPicks.q
    find = SubmitField(_l("查找"))
    participants = MultiCheckboxField(_l("参加人员"), coerce=record_id)
    leader = ChoiceField(_l("组长"), message=_l("请从参加人员中选择组长。"))
    # labelled by the chosen item's category, as 受益 is (``label_beneficiaries``)
    quantity = OptionalNumberField(QUANTITY_NONE, description=QUANTITY_HELP[0])
    # labelled by the chosen item's category (``label_beneficiaries``)
    people_served = OptionalNumberField(SERVED_NONE,
                                        description=_l("所选项目的类别统计受益时填写。"))
    note = TextAreaField(
        _l("情况说明"), filters=[strip_text], render_kw={"rows": 4},
        validators=[DataRequired(message=_l("请填写情况说明。")),
                    Length(max=NOTE_MAX, message=_l("情况说明不能超过%(max)s个字。",
                                                    max=NOTE_MAX))])
    photos = MultipleFileField(
        _l("现场照片（可选）"), render_kw={"accept": ACCEPT, "multiple": True},
        description=_l("可一次选择多张，最多%(n)s张，所有照片合计不超过%(mb)s MB（手机上会先自动压缩）；"
                       "点“查找”后需重新选择。",
                       n=MAX_PHOTOS_PER_TASK, mb=lazy(max_upload_mb)))
    findings = TextAreaField(
        _l("摸排问题"), filters=[strip_text], render_kw={"rows": 4},
        description=_l("摸排类活动填写，每行一处：类型，位置，情况（类型为下水道、人行道、破损道路或其他）。"
                       "完成数量即问题处数。"))

    @classmethod
    def for_members(cls, members):
        form_class = type("BackfillFormRows", (cls,), {
            f"hours_{m.id}": OptionalHoursField(
                _l("服务时长（小时）"), render_kw={"placeholder": _l("默认为活动时长")})
            for m in members})
        return form_class

    def set_choices(self, items, members, units=None, namesakes=None, *,
                    on_roll: dict) -> None:
        """Each member offered with their unit, namesakes told apart
        (``names.choices_with_unit``), as participant and as 组长 alike. ``units``:
        {member id: unit} of the activity's day, once it is typed (the unit 补录 counts
        the work for); before that, the unit each is in now. ``namesakes``: as read with
        the members (``MemberChoices.namesakes``; None: asked). ``on_roll``: {member id:
        on the roll on that day} (``MemberChoices.on_roll``), each off it marked."""
        self.resource_item.choices = [("", _l("请选择"))] + item_choices(items)
        hint_personal_data(self, items, self.resource_item.data)
        label_beneficiaries(self, items)
        labels = [(i, roll_marked(label, on_roll[i]))
                  for i, label in choices_with_unit(members, units, namesakes)]
        self.participants.choices = labels
        self.leader.choices = [("", _l("请选择"))] + labels

    def hours_of(self, member_id: int):
        return self[f"hours_{member_id}"]

    def backfill_data(self, item, members) -> BackfillData:
        """What the validated form records on ``item``, the participants and leader
        among ``members`` (those offered): the title is the category's name when left
        empty, each member's hours those typed (empty: the activity's length), the
        photos as uploaded. An unreadable 摸排问题 line is the form's refusal
        (``validate_findings``); here it would raise ServiceError (field ``findings``)."""
        by_id = {m.id: m for m in members}
        return BackfillData(
            title=self.title.data or item.category.name, place=self.place.data,
            starts_local=self.starts_at.data, ends_local=self.ends_at.data,
            participants=[Participant(by_id[i], self.hours_of(i).minutes)
                          for i in self.participants.data],
            leader=by_id[self.leader.data], note=self.note.data,
            quantity=self.quantity.data, people_served=self.people_served.data,
            beneficiary=self.beneficiary.data, findings=parse_findings(self.findings.data),
            photos=[upload.read() for upload in self.photos.data or []
                    if upload and upload.filename])

    def typed_data(self, item, members) -> BackfillData:
        """What a form its own validators refused still says, for the service's check of
        the other fields (``backfill.backfill_problems``): what could not be read is
        None or left out (a participant not offered, a 摸排问题 line that cannot be
        read), the photos only counted."""
        by_id = {m.id: m for m in members}
        try:
            findings = parse_findings(self.findings.data)
        except ServiceError:
            findings = []
        return BackfillData(
            title=self.title.data or item.category.name, place=self.place.data or "",
            starts_local=self.starts_at.data, ends_local=self.ends_at.data,
            participants=[Participant(by_id[i], self.hours_of(i).minutes)
                          for i in self.participants.data or [] if i in by_id],
            leader=by_id.get(self.leader.data), note=self.note.data or "",
            quantity=self.quantity.data, people_served=self.people_served.data,
            beneficiary=self.beneficiary.data, findings=findings,
            photos=[b"" for upload in self.photos.data or [] if upload and upload.filename])

    def photos_chosen(self) -> bool:
        return any(upload and upload.filename for upload in self.photos.data or [])

    def fill_from_request(self, source, items) -> None:
        """A member's 补录申请 to record: its community's item (when there is one
        choice, or the named task's), the task's times or 09:00 on the day, the member
        ticked as leader with the hours asked, the description as 情况说明. A request
        reopened by a 作废 starts from the voided activity's item, title and times, for
        the liaison to correct to what really happened. A member the form does not offer
        (``for_members``: 补录's rule names them on no day here any more, the page says
        why) is not ticked — the rest is filled all the same."""
        task = source.task or source.voided_task
        in_community = [i for i in items if i.community_id == source.community_id]
        if task is not None and any(i.id == task.resource_item_id for i in in_community):
            self.resource_item.data = task.resource_item_id
        elif len(in_community) == 1:
            self.resource_item.data = in_community[0].id
        if task is not None:
            self.title.data, self.place.data = task.title, task.place
            starts = to_local(task.starts_at).replace(tzinfo=None)
            ends = to_local(task.ends_at).replace(tzinfo=None)
        else:
            starts = datetime.combine(source.service_date, time(9))
            ends = starts + timedelta(minutes=source.minutes)
        self.starts_at.data, self.ends_at.data = starts, ends
        self.note.data = source.description or source.note
        if f"hours_{source.member_id}" in self._fields:  # offered: ticked, with her hours
            self.participants.data = [source.member_id]
            self.leader.data = source.member_id
            self.hours_of(source.member_id).data = Decimal(source.minutes) / 60

    def validate_ends_at(self, field):
        if field.data is None or self.starts_at.data is None:
            return
        _as_validation(check_times, self.starts_at.data, field.data)

    @property
    def activity_minutes(self) -> int | None:
        """The length of the activity as typed (each hours field's limit, as the service
        will hold it: ``claims.task_span_minutes``), once its times were accepted —
        the hours fields come after them."""
        starts, ends = self.starts_at.data, self.ends_at.data
        if starts is None or ends is None or self.starts_at.errors or self.ends_at.errors:
            return None
        return span_minutes(starts, ends)

    def validate_participants(self, field):
        if not field.data:
            raise ValidationError(_l("请至少选择一名参加人员。"))

    def validate_findings(self, field):
        _as_validation(parse_findings, field.data)  # an unreadable line, by its number

    def validate_leader(self, field):
        if field.data is not None and field.data not in (self.participants.data or []):
            raise ValidationError(_l("组长须是参加人员之一。"))


class AddParticipantForm(Form):
    """添加遗漏的参加人员 of an approved activity: who, and their hours (empty: the
    activity's length)."""

    member = ChoiceField(_l("党员"), message=_l("请从列表中选择要添加的党员。"))
    hours = OptionalHoursField(_l("服务时长（小时）"), render_kw={"placeholder": _l("默认为活动时长")})
    activity_minutes: int | None = None  # the task's length (HoursField's limit), set by the view
