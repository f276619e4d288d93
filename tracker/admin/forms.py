"""Admin forms. Each builds the service's data class (``to_data``); select lists
offer active records plus whatever the edited record already points at."""
from __future__ import annotations

import dataclasses
import enum

from flask import request
from flask_babel import gettext as _
from ..i18n import lazy, lazy_gettext as _l
from ..form import Form
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from ..extensions import db
from .choices import Offered, merge_keep_choices, read_together
from ..models import Category, Community, Member, Role, Section, TargetMeasure, Unit, Zone
from ..formatting import target_unit, unit_word
from ..money import MoneyError, fen_to_input, parse_yuan
from ..names import with_masked_phone
from ..phones import mobile_or_typed
from ..services import directory as d
from ..services import roll
from ..services.cell_dates import ROLL_TOO_EARLY
from ..services import shown as shown_module
from ..year_checklist import asked_year
from ..fields import (
    CHOOSE,
    parse_whole_number,
    ChoiceField,
    DayRequired,
    LocalDateField,
    MultiCheckboxField,
    VersionField,
    WholeNumberField,
    strip_line,
    strip_text,
)
from ..security import key_id, record_id, record_id_or_none
from ..templating import ROLE
from ..timeutil import local_today

SECTION = {Section.pairing: _l("结对共建"), Section.volunteer: _l("志愿服务"),
           Section.double: _l("“双创”")}
ROLE_CHOICES = list(ROLE.items())




def max_len(n: int) -> Length:
    return Length(max=n, message=_l("不能超过%(max)d个字。", max=n))


# --- fields whose messages are all Chinese ----------------------------------------------

class EnumField(ChoiceField):
    """A select over an enum; data is the enum member."""

    def __init__(self, label=None, *, enum_cls: type[enum.Enum], **kwargs):
        def parse(value):
            if isinstance(value, enum_cls):
                return value
            try:
                return enum_cls(value) if value not in (None, "") else None
            except ValueError:
                return None

        self.parse = parse
        super().__init__(label, **kwargs)


# --- choices ----------------------------------------------------------------------------

def _options(model, current_ids=(), held: list | None = None, rows: list | None = None):
    """(id, label) of ``model``'s active rows and ``current_ids`` (``choices.Offered``;
    ``rows``: as the page read them already); ``held``: a list the rows are kept in, so
    the session answers a later read of one of them from memory."""
    if rows is None:
        rows = Offered(model, tuple(current_ids)).rows()
    if held is not None:
        held.extend(rows)
    return [(row.id, str(row)) for row in rows]


def _placeholder(text=None):
    return [("", text or _l("请选择"))]


# --- forms ------------------------------------------------------------------------------

class AdminForm(Form):
    """Base: ``record`` is the record being edited (None on create)."""

    data_class: type = None

    def __init__(self, *args, record=None, frozen: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record
        # the fields the record no longer lets change, as this page read them
        # (``crud.edit_form``): its checks ask them of the form, not of the database again
        self.frozen = frozen
        self.load_choices(record)

    def load_choices(self, record) -> None:
        pass

    @classmethod
    def initial(cls, record, frozen: tuple[str, ...] | None = None) -> dict:
        """Form values that are not plain attributes of the record (``frozen``: the
        fields it fixes, as the page read them; None: asked)."""
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


class ReferenceForm(AdminForm):
    """A unit's, community's, zone's, category's or checklist item's form. Its edit
    page posts ``shown``, the fields as it showed them (``directory.reference_shown_key``):
    a page read before another admin saved keeps what it left alone and is refused
    where both changed a field (``directory._merge_shown``)."""

    shown = VersionField(merge=True)

    @classmethod
    def initial(cls, record, frozen: tuple[str, ...] | None = None) -> dict:
        return {"shown": d.reference_shown_key(record, frozen)}

    def shown_ids(self, name: str) -> list[int]:
        """The ids of ``name`` (a select of records) the posting page showed: one taken
        out of use (停用) since stays a choice, so a post that leaves it as shown is the
        field left alone — another's change of it is kept — not an unknown choice."""
        if self.record is None:
            return []
        value = shown_module.shown_then(self.shown.data).get(name)
        if isinstance(value, str):  # the item's "category:measure"
            value = value.split(":")[0]
        # an id the database holds, or none: anything else is of no page (sec47 #5)
        return [] if (found := key_id(value)) is None else [found]


def _name_field(label, n=80):
    return StringField(label, filters=[strip_line], validators=[
        DataRequired(_l("请填写名称。")), max_len(n)])


class UnitForm(ReferenceForm):
    data_class = d.UnitData
    name = _name_field(_l("单位名称"))


class CommunityForm(ReferenceForm):
    data_class = d.CommunityData
    name = _name_field(_l("社区名称"))


class ZoneForm(ReferenceForm):
    data_class = d.ZoneData
    community_id = ChoiceField(_l("所属社区"), message=_l("请选择社区。"), invalid=CHOOSE)
    name = _name_field(_l("责任区名称"))
    unit_id = ChoiceField(_l("责任单位"), message=_l("请选择责任单位。"), invalid=CHOOSE)

    def load_choices(self, record):
        # both lists in one statement, each by its own rule (``choices.read_together``)
        communities, units = read_together(
            Offered(Community, (getattr(record, "community_id", None),
                                *self.shown_ids("community_id"))),
            Offered(Unit, (getattr(record, "unit_id", None), *self.shown_ids("unit_id"))))
        self.community_id.choices = _placeholder() + _options(Community, rows=communities)
        self.unit_id.choices = _placeholder() + _options(Unit, rows=units)


class CategoryForm(ReferenceForm):
    data_class = d.CategoryData
    code = StringField(
        _l("编码"), filters=[strip_line],
        validators=[DataRequired(_l("请填写编码。")), max_len(40),
                    Regexp(d.CODE_RE.pattern,
                           message=_l("编码须以小写字母开头，只含小写字母、数字和下划线，2到40位。"))],
        description=_l("英文小写，如 tree_planting；创建后不能修改。"))
    name = _name_field(_l("类别名称"))
    section = EnumField(_l("板块"), enum_cls=Section, message=_l("请选择板块。"), invalid=CHOOSE,
                        choices=_placeholder() + [(s.value, label) for s, label in SECTION.items()])
    activity_unit = SelectField(
        _l("活动的计量单位"), choices=[(u, lazy(unit_word, u)) for u in d.ACTIVITY_UNITS], default="次",
        validate_choice=False, description=_l("培训、宣讲按“场”计，走访、值守、清理等按“次”计。"))
    quantity_unit = StringField(
        _l("完成数量的单位"), filters=[strip_line], validators=[Optional(), max_len(8)],
        # the examples are the values to type (the unit goes into the Chinese 月报 as typed):
        # placeholders, so the English help keeps them in Chinese
        description=_l("如 %(a)s、%(b)s、%(c)s；没有完成数量就不填。服务时长另按党员确认的时长统计，不能填“小时”。",
                       a="处", b="个", c="棵"))
    beneficiary_unit = SelectField(
        _l("受益的单位"),
        choices=[("", _l("（不统计受益）"))] + [(u, lazy(unit_word, u)) for u in d.BENEFICIARY_UNITS],
        validate_choice=False, description=_l("培训人次、帮扶户数、走访人数等。"))


# How a target of visits adds up (``formatting.target_unit``: 户 → 户次, 人 → 人次).
VISITS_HELP = {
    "户次": _l("整数：每帮扶一户一次计1户次，全年各次活动累加，同一户帮扶两次计2户次。"),
    "人次": _l("整数：每服务一人一次计1人次，全年各次活动累加，同一人服务两次计2人次。"),
}


class ResourceItemForm(ReferenceForm):
    data_class = d.ResourceItemData
    unit_id = ChoiceField(_l("单位"), message=_l("请选择单位。"), invalid=CHOOSE)
    community_id = ChoiceField(_l("社区"), message=_l("请选择社区。"), invalid=CHOOSE)
    zone_id = ChoiceField(_l("责任区"), message=CHOOSE, required=False,
                          description=_l("可不选；选择时须属于上面的社区。"))
    category_id = SelectField(
        _l("类别和年度目标的计量"), validate_choice=False,
        description=_l("年度目标按所选方式计：活动场次/次数、受益、完成数量，"
                       "或经费（元，即该单位在该社区的年度预算）。"))
    year = WholeNumberField(_l("年度"), minimum=d.YEAR_MIN, maximum=d.YEAR_MAX,
                            required_message=_l("请填写年度。"),
                            default=lambda: local_today().year)
    target = StringField(_l("年度目标"), filters=[strip_line],
                         render_kw={"inputmode": "decimal", "autocomplete": "off"},
                         description=_l("整数；经费填金额（元），如 10000 或 10,000.00；"
                                        "受益按户或人计的，目标计户次或人次：每帮扶一户一次计1户次。"))
    description = TextAreaField(_l("说明"), filters=[strip_text], validators=[Optional(), max_len(1000)])

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, record=record, **kwargs)
        self.target_value: int | None = None
        if record is not None and not self.is_submitted():
            # the record's category and measure as one choice, money back in yuan
            measure = TargetMeasure(record.target_measure)
            self.category_id.data = f"{record.category_id}:{measure.value}"
            self.target.data = (fen_to_input(record.target) if measure == TargetMeasure.money
                                else str(record.target))
        self._name_the_target()

    def _name_the_target(self) -> None:
        """Once the form knows the category and measure (the item's own, the one posted
        or prefilled), the target's label names its unit: 「年度目标（户次）」 — a
        beneficiaries target in 户 or 人 counts visits (``formatting.target_unit``), and
        its help then says how they add up. The select's options name the unit too, for
        a choice not yet saved."""
        category_id, measure = _category_measure(self.category_id.data)
        category = db.session.get(Category, category_id) if category_id is not None else None
        # held for the request: the session's identity map keeps only what is referenced,
        # and the save's checks and its naming page ask the same category again
        # (``directory.item_problems``, the item's name) — from memory, not a statement
        self.category = category
        if category is None or measure not in category.measures:
            return
        if measure == TargetMeasure.money:
            self.target.label.text = _l("年度目标（元）")
            return
        own = category.unit_of(measure)
        unit = target_unit(own, measure)
        self.target.label.text = _l("年度目标（%(u)s）", u=lazy(unit_word, unit))
        if unit != own:
            self.target.description = VISITS_HELP[unit]

    def start_from(self, args) -> None:
        """A new item's form opened from a link naming a line and a year (``unit``,
        ``community``, ``zone``, ``category``: an id, or the form's "id:measure" choice,
        ``year``): what the 资源清单 lacks, from a task's note (``tasks.missing_item``).
        A value the form offers is taken; anything else — unknown, 停用, text, a zone of
        another community, a year out of range — is left as the empty form has it: a
        link only saves typing, and the admin still chooses and saves."""
        def offered(field, value):
            return value if value in {v for v, *_ in field.choices} else None

        unit = offered(self.unit_id, record_id_or_none(args.get("unit")))
        community = offered(self.community_id, record_id_or_none(args.get("community")))
        zone = offered(self.zone_id, record_id_or_none(args.get("zone")))
        if zone is not None and (community is None
                                 or db.session.get(Zone, zone).community_id != community):
            zone = None
        category = (args.get("category") or "").strip()
        if ":" not in category and (found := record_id_or_none(category)) is not None:
            row = db.session.get(Category, found)
            category = f"{row.id}:{row.default_measure.value}" if row is not None else ""
        category = offered(self.category_id, category)
        year = record_id_or_none(args.get("year"))
        year = year if year is not None and d.YEAR_MIN <= year <= d.YEAR_MAX else None
        for field, value in ((self.unit_id, unit), (self.community_id, community),
                             (self.zone_id, zone), (self.category_id, category),
                             (self.year, year)):
            if value not in (None, ""):
                field.data = value
        self._name_the_target()

    def _measure(self) -> TargetMeasure | None:
        if self.category_id is not None:
            _category, measure = _category_measure(self.category_id.data)
            return measure
        return TargetMeasure(self.record.target_measure) if self.record is not None else None

    def validate_category_id(self, field):
        if not field.data:
            raise ValidationError(_l("请选择类别。"))
        if not any(str(value) == field.data for value, _label in (field.choices or [])):
            raise ValidationError(CHOOSE)

    def validate_target(self, field):
        """A whole number, or for money an amount in yuan (kept in fen)."""
        # str(): a POST without the field leaves the record's own int here
        text = ("" if field.data is None else str(field.data)).strip()
        if not text:
            raise ValidationError(_l("请填写年度目标。"))
        if self._measure() == TargetMeasure.money:
            try:
                self.target_value = parse_yuan(text, allow_zero=True)
            except MoneyError as error:
                raise ValidationError(error.message) from None
            return
        try:
            value = parse_whole_number(text)
        except ValueError as error:
            raise ValidationError(str(error)) from None
        if not 0 <= value <= d.TARGET_MAX:
            raise ValidationError(_l("请输入%(low)s到%(high)s之间的整数。", low=0,
                                     high=d.TARGET_MAX))
        self.target_value = value

    def to_data(self):
        """The category and the target's measure come from the one choice (or stay the
        record's once it has tasks); the target is in the measure (fen for money)."""
        def value(name):
            return self[name].data if name in self._fields else getattr(self.record, name)

        if self.category_id is not None:
            category_id, measure = _category_measure(self.category_id.data)
        else:
            category_id, measure = self.record.category_id, self.record.target_measure
        return d.ResourceItemData(
            unit_id=value("unit_id"), community_id=value("community_id"),
            category_id=category_id, year=value("year"), target=self.target_value,
            zone_id=value("zone_id"), description=value("description"), target_measure=measure)

    def load_choices(self, record):
        # the record's own and the posting page's (``shown_ids``) stay choices when 停用
        def cur(name):
            return [i for i in (getattr(record, name, None), *self.shown_ids(name)) if i]

        # the four lists in one statement (``choices.read_together``: each by the rule
        # of its own list), held for the request: the page's checks
        # (``directory.item_problems``) and its subject (the item's community) read the
        # chosen unit and community from memory, not again (tidy47), and the target's
        # label (``_name_the_target``) the item's category (count48); the save reads
        # them afresh
        units, communities, zones, categories = read_together(
            Offered(Unit, cur("unit_id")), Offered(Community, cur("community_id")),
            # a zone in its community's order, named by it
            Offered(Zone, cur("zone_id"), order=(Community.sort_key, Zone.sort_key, Zone.id),
                    join=Zone.community),
            Offered(Category, cur("category_id"), order=(Category.sort_order, Category.id)),
            options=[joinedload(Zone.community)])
        self.held: list = [*units, *communities, *zones, *categories]
        self.unit_id.choices = _placeholder() + _options(Unit, rows=units)
        self.community_id.choices = _placeholder() + _options(Community, rows=communities)
        # Each zone names its community (data-parent) so that, in the browser, the zone
        # select offers only the chosen community's (static/js/follow.js); without the
        # script the server refuses a zone of another community (``validate``).
        self.zone_id.choices = _placeholder(_l("（整个社区）")) + [
            (zone.id, f"{zone.community.name} · {zone.name}",
             {"data-parent": str(zone.community_id)})
            for zone in zones]
        self.zone_id.render_kw = {"data-follows": self.community_id.id}
        # One choice per category and measure: only the measures the category has
        self.category_id.choices = _placeholder() + [
            (f"{c.id}:{m.value}", _l("%(category)s · 按%(measure)s计", category=c.name,
                                     measure=measure_label(c, m)))
            for c in categories for m in c.measures]


def measure_label(category: Category, measure: TargetMeasure):
    """'活动（场）', '受益（人次）', '受益（户次）', '完成数量（处）', '经费（元）': a
    beneficiaries target in 户 or 人 counts visits (``formatting.target_unit``)."""
    unit = target_unit(category.unit_of(measure), measure)
    unit = lazy(unit_word, unit)  # 场/次, 人次/户/人 in the reader's language; 处, 个 as typed
    return {TargetMeasure.activities: _l("活动（%(u)s）", u=unit),
            TargetMeasure.beneficiaries: _l("受益（%(u)s）", u=unit),
            TargetMeasure.quantity: _l("完成数量（%(u)s）", u=unit),
            TargetMeasure.money: _l("经费（元）")}[measure]


def _category_measure(value) -> tuple[int | None, TargetMeasure | None]:
    """'3:quantity' → (3, TargetMeasure.quantity); (None, None) when unreadable, and
    when the id is none a record can have (too large for the INTEGER: ``record_id``)."""
    category_id, _sep, measure = str(value or "").partition(":")
    try:
        return record_id(category_id), TargetMeasure(measure)
    except ValueError:
        return None, None


def _roll_choice(value):
    if isinstance(value, bool) or value is None:
        return value
    return {"": None, "1": True, "0": False}[value]  # KeyError → "请从列表中选择。"


ROLL_BY_ROLE = ("", _l("按角色（党员干部计入，社区联络员和单位管理员不计入）"))
ROLL_CHOICES = [("1", _l("计入")), ("0", _l("不计入"))]


def roll_kept_note(name: str, was: Role, role: Role, on_roll: bool) -> str | None:
    """What a role change saved with 计入参与统计 left as it was means, when that is not
    the new role's default: 计入参与统计 is the member's own setting, dated on the roll
    (docs/design.md, "the roll"), so a role change does not move it — the admin is told
    once, on saving, instead of the member silently staying on (or off) the roll."""
    if role == was or on_roll == Member.on_roll_by_default(role):
        return None
    if on_roll:
        return _("%(name)s的角色已改为%(role)s，仍计入参与统计（新建的%(role)s默认不计入）："
                 "本单位的在册人数、参与率和未参与名单包括其本人。如不应计入，请将“计入参与统计”改为“不计入”。",
                 name=name, role=ROLE[role])
    return _("%(name)s的角色已改为%(role)s，仍不计入参与统计（新建的%(role)s默认计入）："
             "本单位的在册人数、参与率和未参与名单不包括其本人。如应计入，请将“计入参与统计”改为“计入”。",
             name=name, role=ROLE[role])


class RollField(SelectField):
    """计入参与统计: yes, no, or (on a new account) the role's default."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=_roll_choice, choices=ROLL_CHOICES,
                         validate_choice=False, **kwargs)

    def pre_validate(self, form):
        if not self.process_errors and not any(c[2] for c in self.iter_choices()):
            raise ValidationError(CHOOSE)

    def process_formdata(self, valuelist):
        if valuelist:
            try:
                self.data = self.coerce(valuelist[0])
            except KeyError:
                self.data = None
                raise ValueError(CHOOSE) from None


# The member form's fields as every page names them: the form's labels, and the lines of
# a refused page that name a field changed meanwhile (the form's own; the member
# import's 「预览之后…已有变动」, ``imports.routes._changed_lines``) — one name a field.
MEMBER_LABELS = {
    "name": _l("姓名"), "phone": _l("手机号"), "unit_id": _l("单位"), "branch": _l("党支部"),
    "role": _l("角色"), "community_ids": _l("负责的社区（仅社区联络员）"),
    "on_roll": _l("计入参与统计"), "roll_from": _l("自何日起"),
}


class MemberForm(AdminForm):
    data_class = d.MemberData
    name = StringField(MEMBER_LABELS["name"], filters=[strip_line],
                       validators=[DataRequired(_l("请填写姓名。")), max_len(40)])
    # as the import reads it (``phones``): 「139 0000-1001」, 「+86 …」, full-width digits
    phone = StringField(MEMBER_LABELS["phone"], filters=[strip_line, mobile_or_typed],
                        validators=[DataRequired(_l("请填写手机号。")),
                                    Regexp(d.PHONE_RE, message=_l("请输入11位手机号。"))],
                        render_kw={"inputmode": "numeric", "autocomplete": "off"},
                        description=_l("用于登录，不能与他人重复。"))
    unit_id = ChoiceField(MEMBER_LABELS["unit_id"], message=_l("请选择单位。"), invalid=CHOOSE)
    branch = StringField(MEMBER_LABELS["branch"], filters=[strip_line], validators=[Optional(), max_len(80)])
    role = EnumField(MEMBER_LABELS["role"], enum_cls=Role, default=Role.member.value,
                     message=_l("请选择角色。"), invalid=CHOOSE,
                     choices=[(r.value, label) for r, label in ROLE_CHOICES])
    community_ids = MultiCheckboxField(MEMBER_LABELS["community_ids"], coerce=record_id,
                                       description=_l("社区联络员至少选择一个社区。"))
    on_roll = RollField(MEMBER_LABELS["on_roll"], description=_l(
        "计入本单位在册人数（参与率的分母）和未参与名单。参加志愿服务的联络员、管理员也可计入。"
        "改变角色不会改变此项。"))
    roll_from = LocalDateField(MEMBER_LABELS["roll_from"], validators=[Optional()],
                               early_message=ROLL_TOO_EARLY, description=_l(
        "新增人员或调整单位、计入参与统计时，从哪一天起生效（不填为今天；尚无任何任务时"
        "新增的人员计入以往各月）。这一天所在月份之前各月的在册人数不变；这一天所在的月份起，"
        "各月（按月末那天统计）随之变化，已定稿的月份也不例外：保存前会先列出其中受影响的月报和"
        "年度总结，确认后才保存。"))
    # the latest roll change the page showed (``roll.shown_key``): a move chosen on a
    # page read before another admin's change of the roll is refused, not applied over it
    roll_shown = VersionField()
    # the form's fields as the page showed them (``directory.member_shown_key``): the
    # post is merged with another's change of them since, refused only where both changed
    # a field (``directory.merge_member_form``)
    shown = VersionField(merge=True)
    # the signed months and years the page named before the save (``roll.corrected_key``,
    # from ``directory.SignedUnconfirmed``; as 更正日期's ``promised``): a save that
    # changes one is made once its admin has seen them, named afresh when they changed
    promised = VersionField()

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, record=record, **kwargs)
        if record is not None and (record.phone_erased or d.erased_when_shown(self.shown.data)):
            # erased (停用 past the retention period): shown as none, and left empty it
            # stays so (``directory.update_member``; another admin's number given since
            # the page was read is kept) — the name, unit and 党支部 can be corrected
            # without giving contact data back; a number typed is a new one, the way
            # back to an account that can log in (重新启用 asks for it)
            if self.phone.data == record.phone:
                self.phone.data = ""
            self.phone.validators = [Optional(), *(v for v in self.phone.validators
                                                   if not isinstance(v, DataRequired))]
            self.phone.flags.required = False

    def load_choices(self, record):
        if record is None:
            self.on_roll.choices = [ROLL_BY_ROLE, *ROLL_CHOICES]
        # a unit or community taken out of use (停用) stays a choice where it is the
        # member's now, or where the page that posted showed it (its ``shown``): posted
        # as shown, it is a field the admin left alone, and the merge keeps what is
        # stored now (``directory.merge_member_form``); chosen anew, it is refused
        unit_ids, community_ids = [], []
        if record is not None:
            unit_ids = [record.unit_id, *d.shown_ids(self.shown.data, "unit_id")]
            community_ids = [*(c.id for c in record.communities),
                             *d.shown_ids(self.shown.data, "community_ids")]
        # both lists in one statement, each by its own rule (``choices.read_together``)
        units, communities = read_together(Offered(Unit, tuple(unit_ids)),
                                           Offered(Community, tuple(community_ids)))
        self.unit_id.choices = _placeholder() + _options(Unit, rows=units)
        self.community_ids.choices = _options(Community, rows=communities)

    def service_problems(self, actor: Member) -> list:
        """What ``directory`` would refuse of the fields as typed (a 手机号 already
        used, a 生效日期 in the future, ``actor``'s own 管理员 role taken away), named
        beside the form's own refusals. Read only, without the merge with another's
        change: the service decides again, under the member's lock, once the form
        passes."""
        return d.member_problems(self.to_data(), self.record, actor)

    @classmethod
    def initial(cls, record: Member, frozen: tuple[str, ...] | None = None) -> dict:
        return {"community_ids": [c.id for c in record.communities],
                "roll_shown": roll.shown_key(roll.last_change(record)),
                "shown": d.member_shown_key(record)}


class RollCorrectionForm(Form):
    """更正日期 on a member's page: the latest change of the roll history took effect on
    another day (``directory.correct_roll_date``). Prefixed: it shares the page with the
    member form."""

    day = LocalDateField(_l("更正为"), validators=[DayRequired(_l("请填写更正后的日期。"))],
                         early_message=ROLL_TOO_EARLY)
    reason = StringField(_l("更正的原因"), filters=[strip_line], validators=[
        DataRequired(_l("请填写更正的原因。")), max_len(d.ROLL_REASON_MAX)],
        render_kw={"maxlength": d.ROLL_REASON_MAX})
    # which change the page named (``roll.shown_key``): the correction is refused when
    # the latest change is now another, not applied to one the admin did not see
    change = VersionField()
    # the signed months and years the page named before the correction (``roll.
    # corrected_key``, as 合并账号's ``shown``): a correction that moves one is made once
    # the admin has seen them, and refused when they changed since
    promised = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="roll", **kwargs)


class ActiveForm(Form):
    """The 停用 / 重新启用 buttons: the wanted state is posted, so a repeat is harmless."""

    active = HiddenField(validators=[DataRequired(), Regexp(r"^[01]$")])


class ItemCopyForm(Form):
    """「从上一年度复制」 on the 资源清单 page: the year to start, and optionally one unit
    and/or one community (the in-use ones; empty: all). Prefixed (``copy-year``): the
    page's filter form above it has a 年度 and a 社区 too."""

    year = WholeNumberField(_l("复制到年度"), minimum=d.YEAR_MIN + 1, maximum=d.YEAR_MAX,
                            required_message=_l("请填写年度。"),
                            # the year the page's notice asks about: from 1 December
                            # the next one (walk48 #1)
                            default=lambda: asked_year(local_today()))
    unit = SelectField(_l("单位"), validate_choice=False)
    community = SelectField(_l("社区"), validate_choice=False)

    def __init__(self, *args, communities: list | None = None, **kwargs):
        """``communities``: every community as ``community_rows`` reads it, when the page
        has read them already (its filter offers them all; this offers those in use)."""
        super().__init__(*args, prefix="copy", **kwargs)
        units = db.session.execute(select(Unit.id, Unit.name).where(Unit.active.is_(True))
                                   .order_by(Unit.sort_key, Unit.id))
        if communities is None:
            communities = community_rows()
        self.unit.choices = [("", _l("全部单位"))] + [(str(i), n) for i, n in units]
        self.community.choices = [("", _l("全部社区"))] + [
            (str(i), n) for i, n, active in communities if active]


class FilterForm(Form):
    """GET filters of a list page (no CSRF: reading only)."""

    class Meta:
        csrf = False

    def __init__(self, *args, **kwargs):
        super().__init__(request.args, *args, **kwargs)


def _status_choices():
    return [("", _l("全部状态")), ("active", _l("在用")), ("inactive", _l("已停用"))]


class MemberFilterForm(FilterForm):
    q = StringField(_l("姓名或手机号"), filters=[strip_line], validators=[Optional(), max_len(40)],
                    render_kw={"type": "search"})
    role = SelectField(_l("角色"), choices=[("", _l("全部角色"))] + [
        (r.value, label) for r, label in ROLE_CHOICES], validate_choice=False)
    status = SelectField(_l("状态"), choices=_status_choices, validate_choice=False)
    # 「手机号重复」: "shared" lists the members who hold one number (reached from the
    # directory's notice; read from the query, never rendered in the search form)
    phones = StringField(filters=[strip_line])


def community_rows() -> list:
    """Every community, (id, name, active), in the directory's order: one read a page
    gives both the list filter (all of them) and 「从上一年度复制」 (those in use)."""
    return db.session.execute(select(Community.id, Community.name, Community.active)
                              .order_by(Community.sort_key, Community.id)).all()


class ZoneFilterForm(FilterForm):
    community = SelectField(_l("社区"), validate_choice=False)

    def __init__(self, *args, communities: list | None = None, **kwargs):
        """``communities``: ``community_rows``, when the page has read them already."""
        super().__init__(*args, **kwargs)
        if communities is None:
            communities = community_rows()
        self.community.choices = [("", _l("全部社区"))] + [
            (str(i), name) for i, name, _active in communities]


class ItemFilterForm(ZoneFilterForm):
    year = StringField(_l("年度"), filters=[strip_line], render_kw={"inputmode": "numeric"})


class MergePickForm(FilterForm):
    """合并账号: which account of the same unit to keep (a GET: the page then shows what
    would move; nothing is written before the confirmation's post). Offered: the unit's
    other accounts in use, never one already merged."""

    keep = SelectField(_l("保留的账号"), validate_choice=False)

    def __init__(self, drop: Member, *args, kept: list | None = None, **kwargs):
        """``kept``: the choices' (id, name, phone) when the page read them already
        (``choices.merge_keep_choices``, with the two accounts)."""
        super().__init__(*args, **kwargs)
        if kept is None:
            read, order = merge_keep_choices(drop.id)
            kept = db.session.execute(read.order_by(*order)).all()
        self.keep.choices = [("", _l("（请选择）"))] + [
            (str(i), with_masked_phone(name, phone)) for i, name, phone in kept]


class MergeForm(Form):
    """合并账号's confirmation (the two accounts are in its address): what the page
    showed would move (``merge.Preview.key``) — refused when that changed since the page
    was read."""

    shown = VersionField()
