"""Admin forms. Each builds the service's data class (``to_data``); select lists
offer active records plus whatever the edited record already points at."""
from __future__ import annotations

import dataclasses
import enum

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import or_, select
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    Length,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)

from ..extensions import db
from ..models import Category, Community, Member, Role, Section, Unit, Zone
from ..services import directory as d
from ..fields import MultiCheckboxField, WholeNumberField, strip_text
from ..templating import ROLE
from ..timeutil import local_today

SECTION = {Section.pairing: _l("结对共建"), Section.volunteer: _l("志愿服务"),
           Section.double: _l("“双创”")}
ROLE_CHOICES = list(ROLE.items())
CHOOSE = _l("请从列表中选择。")




def max_len(n: int) -> Length:
    return Length(max=n, message=_l("不能超过%(max)d个字。", max=n))


# --- fields whose messages are all Chinese ----------------------------------------------

def _id_or_none(value):
    if value in (None, "", "None"):
        return None
    return int(value)  # ValueError → "请从列表中选择。"


class ChoiceField(SelectField):
    """A select of record ids; "" means none. Unknown values get a Chinese message."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", _id_or_none)
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist:
            try:
                self.data = self.coerce(valuelist[0])
            except (ValueError, TypeError):
                self.data = None
                raise ValueError(CHOOSE) from None

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()  # the coerce message is already there
        if not any(choice[2] for choice in self.iter_choices()):
            raise ValidationError(CHOOSE)


class EnumField(ChoiceField):
    """A select over an enum; data is the enum member."""

    def __init__(self, label=None, validators=None, *, enum_cls: type[enum.Enum], **kwargs):
        def coerce(value):
            if value in (None, ""):
                return None
            return value if isinstance(value, enum_cls) else enum_cls(value)

        super().__init__(label, validators, coerce=coerce, **kwargs)


# --- choices ----------------------------------------------------------------------------

def _options(model, current_ids=(), order=None, label=str):
    current_ids = [i for i in current_ids if i]
    condition = model.active
    if current_ids:
        condition = or_(model.active, model.id.in_(current_ids))
    rows = db.session.scalars(select(model).where(condition).order_by(*(order or [model.name])))
    return [(row.id, label(row)) for row in rows]


def _placeholder(text=None):
    return [("", text or _l("请选择"))]


# --- forms ------------------------------------------------------------------------------

class AdminForm(FlaskForm):
    """Base: ``record`` is the record being edited (None on create)."""

    data_class: type = None

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record
        self.load_choices(record)

    def load_choices(self, record) -> None:
        pass

    @classmethod
    def initial(cls, record) -> dict:
        """Form values that are not plain attributes of the record."""
        return {}

    def to_data(self):
        """The service's data class; fields removed from the form keep the record's value."""
        values = {}
        for f in dataclasses.fields(self.data_class):
            if f.name in self._fields:
                values[f.name] = self[f.name].data
            else:
                values[f.name] = getattr(self.record, f.name)
        return self.data_class(**values)


def _name_field(label, n=80):
    return StringField(label, filters=[strip_text], validators=[
        DataRequired(_l("请填写名称。")), max_len(n)])


class UnitForm(AdminForm):
    data_class = d.UnitData
    name = _name_field(_l("单位名称"))


class CommunityForm(AdminForm):
    data_class = d.CommunityData
    name = _name_field(_l("社区名称"))


class ZoneForm(AdminForm):
    data_class = d.ZoneData
    community_id = ChoiceField(_l("所属社区"), validators=[DataRequired(_l("请选择社区。"))])
    name = _name_field(_l("责任区名称"))
    unit_id = ChoiceField(_l("责任单位"), validators=[DataRequired(_l("请选择责任单位。"))])

    def load_choices(self, record):
        self.community_id.choices = _placeholder() + _options(
            Community, [getattr(record, "community_id", None)])
        self.unit_id.choices = _placeholder() + _options(Unit, [getattr(record, "unit_id", None)])


class CategoryForm(AdminForm):
    data_class = d.CategoryData
    code = StringField(
        _l("编码"), filters=[strip_text],
        validators=[DataRequired(_l("请填写编码。")), max_len(40),
                    Regexp(d.CODE_RE.pattern,
                           message=_l("编码须以小写字母开头，只含小写字母、数字和下划线，2到40位。"))],
        description=_l("英文小写，如 tree_planting；创建后不能修改。"))
    name = _name_field(_l("类别名称"))
    section = EnumField(_l("板块"), enum_cls=Section,
                        validators=[DataRequired(_l("请选择板块。"))],
                        choices=_placeholder() + [(s.value, label) for s, label in SECTION.items()])
    measure = StringField(_l("计量单位"), filters=[strip_text],
                          validators=[DataRequired(_l("请填写计量单位。")), max_len(8)],
                          description=_l("如 人次、户、处、个"))


class ResourceItemForm(AdminForm):
    data_class = d.ResourceItemData
    unit_id = ChoiceField(_l("单位"), validators=[DataRequired(_l("请选择单位。"))])
    community_id = ChoiceField(_l("社区"), validators=[DataRequired(_l("请选择社区。"))])
    zone_id = ChoiceField(_l("责任区"), description=_l("可不选；选择时须属于上面的社区。"))
    category_id = ChoiceField(_l("类别"), validators=[DataRequired(_l("请选择类别。"))])
    year = WholeNumberField(_l("年度"), minimum=d.YEAR_MIN, maximum=d.YEAR_MAX,
                            required_message=_l("请填写年度。"),
                            default=lambda: local_today().year)
    target = WholeNumberField(_l("年度目标"), minimum=0, maximum=d.TARGET_MAX,
                              required_message=_l("请填写年度目标。"),
                              description=_l("以类别的计量单位计，整数。"))
    description = TextAreaField(_l("说明"), filters=[strip_text], validators=[Optional(), max_len(1000)])

    def load_choices(self, record):
        cur = (lambda name: getattr(record, name, None))
        self.unit_id.choices = _placeholder() + _options(Unit, [cur("unit_id")])
        self.community_id.choices = _placeholder() + _options(Community, [cur("community_id")])
        zones = db.session.execute(
            select(Zone.id, Zone.name, Community.name).join(Zone.community)
            .where(or_(Zone.active, Zone.id == cur("zone_id")) if cur("zone_id") else Zone.active)
            .order_by(Community.name, Zone.name)
        )
        self.zone_id.choices = _placeholder(_l("（整个社区）")) + [
            (zid, f"{cname} · {zname}") for zid, zname, cname in zones]
        self.category_id.choices = _placeholder() + _options(
            Category, [cur("category_id")], order=[Category.sort_order, Category.id],
            label=lambda c: f"{c.name}（{c.measure}）")


class MemberForm(AdminForm):
    data_class = d.MemberData
    name = StringField(_l("姓名"), filters=[strip_text],
                       validators=[DataRequired(_l("请填写姓名。")), max_len(40)])
    phone = StringField(_l("手机号"), filters=[strip_text],
                        validators=[DataRequired(_l("请填写手机号。")),
                                    Regexp(d.PHONE_RE.pattern, message=_l("请输入11位手机号。"))],
                        render_kw={"inputmode": "numeric", "autocomplete": "off"},
                        description=_l("用于登录，不能与他人重复。"))
    unit_id = ChoiceField(_l("单位"), validators=[DataRequired(_l("请选择单位。"))])
    branch = StringField(_l("党支部"), filters=[strip_text], validators=[Optional(), max_len(80)])
    role = EnumField(_l("角色"), enum_cls=Role, default=Role.member.value,
                     validators=[DataRequired(_l("请选择角色。"))],
                     choices=[(r.value, label) for r, label in ROLE_CHOICES])
    community_ids = MultiCheckboxField(_l("负责的社区（仅社区联络员）"), coerce=int,
                                       description=_l("社区联络员至少选择一个社区。"))

    def load_choices(self, record):
        self.unit_id.choices = _placeholder() + _options(Unit, [getattr(record, "unit_id", None)])
        current = [c.id for c in record.communities] if record is not None else []
        self.community_ids.choices = _options(Community, current)

    @classmethod
    def initial(cls, record: Member) -> dict:
        return {"community_ids": [c.id for c in record.communities]}


class ActiveForm(FlaskForm):
    """The 停用 / 重新启用 buttons: the wanted state is posted, so a repeat is harmless."""

    active = HiddenField(validators=[DataRequired(), Regexp(r"^[01]$")])


class FilterForm(FlaskForm):
    """GET filters of a list page (no CSRF: reading only)."""

    class Meta:
        csrf = False

    def __init__(self, *args, **kwargs):
        super().__init__(request.args, *args, **kwargs)


def _status_choices():
    return [("", _l("全部状态")), ("active", _l("在用")), ("inactive", _l("已停用"))]


class MemberFilterForm(FilterForm):
    q = StringField(_l("姓名或手机号"), filters=[strip_text], validators=[Optional(), max_len(40)],
                    render_kw={"type": "search"})
    role = SelectField(_l("角色"), choices=[("", _l("全部角色"))] + [
        (r.value, label) for r, label in ROLE_CHOICES], validate_choice=False)
    status = SelectField(_l("状态"), choices=_status_choices, validate_choice=False)


class ZoneFilterForm(FilterForm):
    community = SelectField(_l("社区"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        communities = db.session.execute(select(Community.id, Community.name).order_by(Community.name))
        self.community.choices = [("", _l("全部社区"))] + [(str(i), name) for i, name in communities]


class ItemFilterForm(ZoneFilterForm):
    year = StringField(_l("年度"), filters=[strip_text], render_kw={"inputmode": "numeric"})
