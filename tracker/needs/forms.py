"""Forms of 需求清单 / 微心愿. Every refusal is Chinese, under its field, with what was typed kept."""
from __future__ import annotations

from ..i18n import lazy_gettext as _l
from ..form import Form
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..fields import ChoiceField, LocalDateField, VersionField, WholeNumberField, strip_line, strip_text
from ..models import NeedKind
from ..onsite.forms import ACCEPT
from ..services.needs import (
    PEOPLE_MAX,
    QUANTITY_MAX,
    TEXT_MAX,
    TITLE_MAX,
    NeedData,
    NO_UNIT,
    need_problems,
)

KIND_LABELS = {NeedKind.need: _l("需求"), NeedKind.wish: _l("微心愿")}


class OptionalWholeNumberField(WholeNumberField):
    """A whole number that may be left empty."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label, **kwargs)
        self.flags.required = False

    def pre_validate(self, form):
        if self.data is None and not self.process_errors:
            return
        super().pre_validate(form)


def _area(label, limit, *, required_message=None):
    validators = [DataRequired(message=required_message)] if required_message else [Optional()]
    return TextAreaField(label, validators=[
        *validators, Length(max=limit, message=_l("不能超过%(max)d个字。", max=limit))],
        filters=[strip_text], render_kw={"rows": 3, "maxlength": limit})


class NeedForm(Form):
    kind = RadioField(_l("类型"), choices=[(k.value, label) for k, label in KIND_LABELS.items()],
                      default=NeedKind.wish.value, validate_choice=False,
                      validators=[DataRequired(message=_l("请选择类型。"))])
    title = StringField(_l("标题"), validators=[
        DataRequired(message=_l("请填写标题。")),
        Length(max=TITLE_MAX, message=_l("不能超过%(max)d个字。", max=TITLE_MAX))],
        filters=[strip_line], render_kw={"maxlength": TITLE_MAX},
        description=_l("例如：为独居老人修理轮椅、购买一副老花镜。所有党员都能看到标题和说明，"
                       "请不要写服务对象的姓名、住址等个人信息，服务对象在下面选择。"))
    description = _area(_l("说明"), TEXT_MAX)
    category = ChoiceField(_l("类别"), message=_l("请选择类别。"))
    zone = ChoiceField(_l("责任区"), message=_l("请选择本社区的责任区。"), required=False)
    resident = ChoiceField(_l("服务对象"), message=_l("请选择本社区登记的服务对象。"),
                           required=False,
                           description=_l("可不填。服务对象的住址、电话只有社区联络员和结对党员能看到。"))
    resource_item = ChoiceField(_l("关联资源清单项目"), message=_l("请选择本社区的资源清单项目。"),
                                required=False, description=_l("可不填，例如“困难群众结对帮扶”。"))
    wanted_by = LocalDateField(_l("需要完成的日期"))
    people = OptionalWholeNumberField(_l("需要人数"), minimum=1, maximum=PEOPLE_MAX,
                                      description=_l("可不填；转为任务时作为名额。"))
    quantity = OptionalWholeNumberField(_l("需要数量"), minimum=1, maximum=QUANTITY_MAX,
                                        description=_l("可不填；按类别的数量单位（处、个……）计。"))

    def __init__(self, *args, categories=(), zones=(), residents=(), items=(),
                 community_id: int | None = None, saved_wanted_by=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.community_id, self.saved_wanted_by = community_id, saved_wanted_by
        self.wanted_by.flags.required = True
        self.category.choices = [("", _l("请选择"))] + [
            (c.id, f"{c.name}（{c.quantity_unit}）" if c.quantity_unit else c.name)
            for c in categories]
        self.zone.choices = [("", _l("不限责任区"))] + [(z.id, z.name) for z in zones]
        self.resident.choices = [("", _l("不关联"))] + [(r.id, r.name) for r in residents]
        self.resource_item.choices = [("", _l("不关联"))] + [
            (i.id, i.with_unit) for i in items]

    def validate(self, extra_validators=None):
        """A form refused here (a 需要人数 of -3) also names what the service would
        refuse of its other fields (a past 需要完成的日期), in one submit (walk 2,
        defect 4). A form passed here is left to the service, which checks it again
        under the need's lock."""
        if super().validate(extra_validators):
            return True
        if self.community_id is not None:
            data = self.need_data(self.community_id)
            if self.quantity.errors:
                # a 需要数量 typed and refused (「一台」, 0): the category's rule is named
                # in the same round, not after the number is corrected (walk10 D2)
                data.quantity = 1
            for name, message in need_problems(data, saved_wanted_by=self.saved_wanted_by):
                field = getattr(self, name)
                if message is NO_UNIT:  # no number is right here: that is what to say
                    field.errors = [message]
                elif not field.errors:
                    field.errors = [*field.errors, message]
        return False

    def validate_wanted_by(self, field):
        if field.data is None and not field.errors:  # (WTForms lets a ValueError through)
            raise ValidationError(_l("请填写需要完成的日期。"))

    def need_data(self, community_id: int) -> NeedData:
        try:
            kind = NeedKind(self.kind.data)
        except ValueError:
            kind = None
        return NeedData(
            community_id=community_id, kind=kind, title=self.title.data or "",
            description=self.description.data, category_id=self.category.data,
            zone_id=self.zone.data, resident_id=self.resident.data,
            resource_item_id=self.resource_item.data, wanted_by=self.wanted_by.data,
            people=self.people.data, quantity=self.quantity.data)


class NeedEditForm(NeedForm):
    # the fields as the page showed them (``needs.need_shown_key``): a page read before
    # another's edit keeps what it left alone, and is refused where both changed a field
    shown = VersionField(merge=True)


class ClaimForm(Form):
    for_unit = BooleanField(_l("以单位名义认领"))


class FulfilForm(Form):
    note = _area(_l("完成情况"), TEXT_MAX)
    photo = FileField(_l("照片（可选）"), render_kw={"accept": ACCEPT},
                      description=_l("一张就够了，例如交到居民手中的物品。"))


class CloseForm(Form):
    reason = _area(_l("关闭原因"), TEXT_MAX, required_message=_l("请填写关闭原因。"))
