"""Forms of the resident register. Every refusal is Chinese and keeps what was typed."""
from __future__ import annotations

from ..i18n import lazy_gettext as _l
from ..form import Form
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional, Regexp, StopValidation

from ..models import ResidentCategory
from ..names import choices_with_unit
from ..phones import contact_or_typed
from ..services.residents import CONSENT_TOO_EARLY, PHONE_RE
from ..fields import LocalDateField, MultiCheckboxField, VersionField, strip_line, strip_text
from ..security import record_id

CATEGORY_LABELS = {
    ResidentCategory.needy: _l("困难群众"),
    ResidentCategory.elderly: _l("空巢老人"),
}


def _text(label, required_message, limit, **kwargs):
    return StringField(label, validators=[
        DataRequired(message=required_message),
        Length(max=limit, message=_l("不能超过%(max)d个字。", max=limit)),
    ], filters=[strip_line], render_kw={"maxlength": limit, **kwargs.pop("render_kw", {})}, **kwargs)


class ResidentForm(Form):
    name = _text(_l("姓名"), _l("请填写姓名。"), 40)
    category = SelectField(
        _l("类别"),
        choices=[("", _l("请选择"))] + [(c.value, label) for c, label in CATEGORY_LABELS.items()],
        validate_choice=False,
        validators=[DataRequired(message=_l("请选择类别。")),
                    AnyOf([c.value for c in ResidentCategory], message=_l("请选择类别。"))],
    )
    address = _text(_l("住址"), _l("请填写住址。"), 120)
    phone = StringField(
        _l("联系电话"),
        validators=[Optional(), Regexp(PHONE_RE, message=_l("请输入11位手机号或带区号的固定电话。"))],
        # 「+86 139 1234 5678」, 「(0571)8888-8888」: stored as ``phones`` writes them
        filters=[strip_line, contact_or_typed],
        render_kw={"inputmode": "tel", "maxlength": 20, "autocomplete": "off"},
    )
    notes = TextAreaField(
        _l("备注"),
        validators=[Optional(), Length(max=2000, message=_l("不能超过%(max)d个字。", max=2000))],
        filters=[strip_text], render_kw={"rows": 3, "maxlength": 2000},
    )
    consent_date = LocalDateField(_l("本人同意登记的日期"), early_message=CONSENT_TOO_EARLY)
    consent_method = _text(
        _l("取得同意的方式"), _l("请填写取得同意的方式。"), 80,
        description=_l("例如：本人书面签字；口头同意（社区工作人员在场）。"),
    )
    paired_ids = MultiCheckboxField(_l("结对党员"), coerce=record_id)

    def __init__(self, *args, candidates=(), namesakes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.consent_date.flags.required = True
        # namesakes told apart: pairing the wrong 陈艳 shows the resident to the wrong
        # person — on the namesakes read with the candidates' rows (``namesakes``:
        # ``services.residents.pairing_candidate_list``), no statement of their own
        self.paired_ids.choices = choices_with_unit(list(candidates), read=namesakes)

    @property
    def category_value(self) -> ResidentCategory | None:
        try:
            return ResidentCategory(self.category.data)
        except ValueError:
            return None


def _absent_keeps(form, field):
    """No 类别 in the post at all (not an empty choice): the page held the field (a
    disabled select posts nothing) — the save keeps the stored kind."""
    if not field.raw_data:
        raise StopValidation()


class ResidentEditForm(ResidentForm):
    # the fields as the page showed them (``services.residents.resident_shown_key``): a page read
    # before another's edit keeps what it left alone (a family's new phone), and is
    # refused where both changed a field
    shown = VersionField(merge=True)
    # the signed documents the form named before a change of the kind (``roll.named_key``
    # of ``kind_change_signed``), posted with 确认保存: others now — a month signed
    # since — and the save is refused, the form naming them afresh
    # (``update_resident``'s ``named``)
    named = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # in the field's place on the form (a field declared again here would move last)
        self.category.validators = [_absent_keeps, *self.category.validators]

    @property
    def category_absent(self) -> bool:
        """The post carries no 类别 (a held field): ``category_value`` is None and the
        service keeps the stored kind."""
        return not self.category.raw_data

    @property
    def category_value(self) -> ResidentCategory | None:
        return None if self.category_absent else super().category_value

    def hold_category(self, kind: ResidentCategory, words) -> None:
        """The 类别 shown as stored and not offered (disabled, so it posts nothing),
        ``words`` — the refusal a change would get — beside it; the rest of the form
        stays editable and savable."""
        self.category.data = kind.value
        self.category.flags.required = False
        self.category.render_kw = {**(self.category.render_kw or {}), "disabled": True}
        if str(words) not in map(str, self.category.errors):  # a refused post says it already
            self.category.description = words


class TaskResidentsForm(Form):
    residents = MultiCheckboxField(_l("本次服务的对象"), coerce=record_id)
    # those the page showed ticked (``services.residents.task_residents_shown_key``): a save
    # changes only what its user ticked or unticked, never undoing the other's
    shown = VersionField(merge=True)
    # the signed documents the page named before 保存 (``roll.named_key`` of
    # ``task_residents_signed``): others now — a month signed since — and the save is
    # refused, the page naming them afresh (``set_task_residents``' ``named``)
    named = VersionField()


class EraseForm(Form):
    """Erasing personal data cannot be undone: the admin ticks that they mean it."""

    confirm = BooleanField(_l("我确认删除此人的姓名、住址、电话、备注和结对关系，且无法恢复"),
                           validators=[DataRequired(message=_l("请勾选确认后再删除。"))])
