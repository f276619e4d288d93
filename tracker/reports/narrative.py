"""The text of the monthly summary, written from its figures in the voice of the
source report's section （六） (开展社区共建，助力城市“双创”).

Rules (see the example summary the readers expect):
- every number comes from the month's figures (``figures.py``); integers as they
  are, money with two decimals and thousands separators, rates to one decimal with %;
- a clause whose figure is zero is left out, and a section with nothing to say
  is left out; sections are numbered 一、二、三… in the order they appear;
- Chinese punctuation, no spaces around numbers;
- an empty month is one plain sentence; pending reports are mentioned apart, in the
  one sentence every view uses (``formatting.pending_sentence``);
- 存在问题 and 下步打算 are people's words, kept per summary and month
  (``SummaryNote``), after the figures.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from ..i18n import lazy_gettext as _l
from ..i18n import month_name

from ..formatting import amount, hours, pending_sentence, per_unit, served, yuan
from ..models import FUNDING_CODE, SURVEY_CODE, FindingKind, Section
from ..reference import REFERENCE_NAMES
from ..rollups.figures import CategoryFigures
from .figures import MonthlyFigures

NUMERALS = "一二三四五六七八九十"
MAX_PLACES = 5  # communities named in one sentence before "等N个社区"
MAX_NAMES = 30  # names of 未参与 members in the text; the table lists all
# How the unit speaks of itself in its report: 县商务局 → 我局.
SELF_SUFFIXES = ("局", "委", "办", "院", "部", "署", "厅", "处", "科", "中心", "所", "站", "会")


@dataclass
class Paragraph:
    text: str
    heading: str = ""  # "一、落实结对共建责任。" — printed before the text, in heading type


def join(items, sep: str | None = None) -> str:
    """Names or clauses in one run, joined as the text's language joins them: a list's
    「、」 (", " in English) unless ``sep`` is given — itself translated, ``_("，")`` or
    ``_("；")``, never a literal, so that an English rendering of the text carries no
    Chinese punctuation and a Chinese one reads as it always has (english52)."""
    return (_("、") if sep is None else sep).join(str(i) for i in items if i)


def ended(text: str) -> str:
    """``text`` ended as a sentence of its language ends: 「。」 ("." in English)."""
    return text + _("。")


def sentences(*texts: str) -> str:
    """Sentences one after another, as the text's language writes them: run together
    in Chinese (「…5户。本月使用…」), one space apart in English ("…households. 2,800.00
    yuan…"). The one rule of the documents' English (words53): a sentence's msgstr
    never starts with a space; the space between sentences is this joiner's, from the
    catalog (``%(sentence)s%(next)s``), so the Chinese text reads as it always has."""
    out = ""
    for text in texts:
        if text:
            out = _("%(sentence)s%(next)s", sentence=out, next=text) if out else text
    return out


def heading_before(heading: str) -> str:
    """A 存在问题 / 下步打算 heading (「五、存在问题。」) as it stands before the people's words
    it heads, their first line in its paragraph (``Paragraph.heading``): followed as a
    sentence is in its language — run on in Chinese, the sentence joiner's space after it
    in English ("五、Problems. We…") —, never a space of the heading's own msgstr (then55)."""
    return _("%(sentence)s%(next)s", sentence=heading, next="")


def bracketed(text: str) -> str:
    """``text`` in brackets as its language writes them: 「（…）」 (" (…)" in English)."""
    return _("（%(clause)s）", clause=text)


def places(names: list[str]) -> str:
    names = list(dict.fromkeys(names))
    if len(names) <= MAX_PLACES:
        return join(names)
    return _("%(names)s等%(n)s个社区", names=join(names[:MAX_PLACES]), n=len(names))


def we(summary: MonthlyFigures) -> str:
    """'我局' for 县商务局, '我单位' when the name gives no hint."""
    name = summary.unit.name if summary.unit else ""
    for suffix in SELF_SUFFIXES:
        if name.endswith(suffix):
            return _("我") + suffix
    return _("我单位")


# --- clauses per category ------------------------------------------------------------------
# Each figure in its category's own unit (docs/design.md, "Categories"): activities in
# the category's word (场 / 次), 完成数量 and 受益 in theirs; hours only ever from the
# members' confirmed minutes. The wording follows the source report for the
# reference categories and is generic for any other.

def _activities(c: CategoryFigures) -> str:
    return amount(c.official.activities, c.activity_unit or _("次"))


def _beneficiaries(c: CategoryFigures) -> str:
    return served(c.official.people_served, c.beneficiary_unit, c.official.activities, c.served)


def _source_worded(c: CategoryFigures) -> bool:
    """Whether a category is worded in the source's voice: a reference category under
    the name it was seeded with. A renamed one is worded with its current name, which
    the 附表 and the 待审核 note use too, so one 月报 calls one line one name
    (docs/design.md: the live document uses today's names, a signed copy keeps the
    names it was signed with; review "resources" #5)."""
    return REFERENCE_NAMES.get(c.code) == c.name


def pairing_text(c: CategoryFigures) -> str:
    if not _source_worded(c):
        return _generic(c)
    b = c.official.people_served
    if c.code == "ecommerce_training":
        return _("开展电子商务培训%(a)s", a=_activities(c)) + (
            _("，培训社区居民%(b)s", b=_beneficiaries(c)) if b else "")
    if c.code == "policy_briefing":
        return _("开展招商引资政策宣讲%(a)s", a=_activities(c)) + (
            _("，覆盖群众%(b)s", b=_beneficiaries(c)) if b else "")
    if c.code == "household_assistance":
        return (_("结对帮扶困难群众%(b)s", b=_beneficiaries(c)) if b
                else _("开展困难群众结对帮扶%(a)s", a=_activities(c)))
    return _generic(c)


def volunteer_text(c: CategoryFigures) -> str:
    if not _source_worded(c):
        return _generic(c, with_person_times=True)
    pt, minutes = c.official.person_times, c.official.minutes
    if c.code == "environment_cleanup":
        return _("开展环境整治%(a)s", a=_activities(c)) + (
            _("（%(pt)s人次）", pt=pt) if pt else "")
    if c.code == "epidemic_duty":
        detail = join([_("%(pt)s人次", pt=pt) if pt else "",
                       _("%(h)s小时", h=hours(minutes)) if minutes else ""], _("，"))
        return _("疫情防控值守%(a)s", a=_activities(c)) + (bracketed(detail) if detail else "")
    if c.code == "elderly_visit":
        return (_("慰问“空巢”老人%(b)s", b=_beneficiaries(c)) if c.official.people_served
                else _("开展慰问“空巢”老人活动%(a)s", a=_activities(c)))
    return _generic(c, with_person_times=True)


def double_text(c: CategoryFigures, summary: MonthlyFigures) -> str:
    if c.code == SURVEY_CODE:
        return ""  # told from the findings register, see survey_text()
    if not _source_worded(c):
        return _generic(c)
    q = c.official.quantity
    if c.code == "ad_removal":
        if not q:
            return _generic(c)
        zones = [z for z in summary.zones if z.ads]
        detail = ""
        if len(zones) > 1:
            # a 「未分责任区」 row is its community's (words53): 「西门社区未分责任区3处」
            # beside 「东门社区一区5处」
            several = len({z.community_name for z in zones}) > 1
            detail = bracketed(join(_("%(zone)s%(q)s", zone=_zone_label(z, several),
                                      q=amount(z.ads, c.quantity_unit)) for z in zones))
        return _("清除牛皮癣%(q)s", q=amount(q, c.quantity_unit)) + detail
    if c.code == "stairwell_painting":
        return _("粉刷楼道%(q)s", q=amount(q, c.quantity_unit)) if q else _generic(c)
    return _generic(c)


def _zone_label(zone, with_community: bool) -> str:
    name = zone.name or _("未分责任区")
    return f"{zone.community_name}{name}" if with_community and zone.community_name else name


FINDING_WORDS = {
    FindingKind.sewer: _l("下水道"),
    FindingKind.sidewalk: _l("人行道"),
    FindingKind.road: _l("破损道路"),
    FindingKind.other: _l("其他"),
}


def survey_text(summary: MonthlyFigures) -> str:
    """摸排: the findings of approved surveys (a survey's 完成数量 is its findings)."""
    found = summary.findings
    if found.total:
        kinds = join(_("%(kind)s%(n)s处", kind=FINDING_WORDS[kind], n=n)
                     for kind, n in found.by_kind.items() if n)
        text = _("摸排统计下水道、人行道及其他破损道路问题%(n)s处", n=found.total) + bracketed(kinds)
        if found.handed_over:
            text += _("，已移交相关部门%(n)s处", n=found.handed_over)
        if found.fixed:
            text += _("，已整改%(n)s处", n=found.fixed)
        return text
    survey = summary.category(SURVEY_CODE)
    return _generic(survey) if survey else ""


def moves_sentence(summary: MonthlyFigures) -> str:
    """What was done in the month with findings, whenever they were found: the
    month's figures above count its own findings as they stood on its last day, so a
    finding of an earlier month handed over or fixed now is told here (and nothing
    when the month's steps were all of its own findings: told above already). When
    the month stepped both, only the earlier findings' steps are told, after the
    month's own: 「另整改以前月份发现的问题1处。」 — the month's total would count its own
    hand-overs a second time, as if of earlier months too (doc44 #3)."""
    moves = summary.finding_moves
    if not moves.earlier:
        return ""
    if not moves.all_earlier:
        handed, fixed = moves.earlier_handed_over, moves.earlier_fixed
        if handed and fixed:
            return _("另移交以前月份发现的问题%(h)s处、整改%(f)s处。", h=handed, f=fixed)
        if handed:
            return _("另移交以前月份发现的问题%(h)s处。", h=handed)
        return _("另整改以前月份发现的问题%(f)s处。", f=fixed) if fixed else ""
    if moves.handed_over and moves.fixed:
        text = _("摸排问题本月移交%(h)s处、整改%(f)s处", h=moves.handed_over, f=moves.fixed)
    elif moves.handed_over:
        text = _("摸排问题本月移交%(h)s处", h=moves.handed_over)
    elif moves.fixed:
        text = _("摸排问题本月整改%(f)s处", f=moves.fixed)
    else:
        return ""
    # 「均」 ("all") is said of two or more: one finding stepped reads 「（为…）」
    return ended(text + (_("（均为以前月份发现的问题）") if moves.stepped > 1
                         else _("（为以前月份发现的问题）")))


def _generic(c: CategoryFigures, with_person_times: bool = False) -> str:
    o = c.official
    text = _("开展%(name)s%(a)s", name=c.name, a=_activities(c))
    if with_person_times and o.person_times:
        text += _("（%(pt)s人次）", pt=o.person_times)
    if o.quantity and c.quantity_unit:
        text += _("，完成%(q)s", q=amount(o.quantity, c.quantity_unit))
    if o.people_served and c.beneficiary_unit:
        text += _("，受益%(b)s", b=_beneficiaries(c))
    return text


# --- sentences --------------------------------------------------------------------------

def lead_text(summary: MonthlyFigures, opening: str, whole_year: bool = False) -> str:
    """The lead of the 月报 and of the 年度总结 up to its closing words: who went where,
    the activities, the people and the hours. ``opening`` names the period (「10月份，」,
    「2026年，」); ``whole_year`` words the roll's comings and goings for the year."""
    t = summary.totals
    # the activities per word (3场、6次): 场 and 次 are never added (the 附表's 合计 too)
    activities = per_unit(summary.per_unit("activities"))
    if summary.unit is not None:
        where = [summary.community.name] if summary.community else summary.communities
        text = opening + _("%(we)s组织党员干部深入%(places)s开展共建活动%(a)s",
                           we=we(summary), places=places(where), a=activities)
    else:
        text = opening + _("各共建单位组织党员干部在%(place)s开展共建活动%(a)s",
                           place=summary.community.name, a=activities)
    if t.person_times:
        # 参与情况 counts the unit's own roll: the lead says who else is in its figures
        apart = []
        if summary.other_units_members:
            apart.append(_("外单位党员干部%(n)s人", n=summary.other_units_members))
        apart += gone_parts(summary.moved_members, summary.left_members,
                            summary.off_roll_members, whole_year)
        text += _("，参与党员干部%(pt)s人次（%(people)s）", pt=t.person_times,
                  people=people_text(t.members, apart))
    if t.minutes:
        text += _("，累计志愿服务%(h)s小时", h=hours(t.minutes))
    return text


def _lead(summary: MonthlyFigures) -> str:
    text = lead_text(summary, _("%(month)s份，", month=month_name(
        summary.year, summary.month, "month")))
    # “双创” whenever the text has its section: its work, its findings, or the month's
    # steps with findings of earlier months
    if (summary.section_categories(Section.double) or summary.findings.total
            or moves_sentence(summary)):
        text += _("，扎实推进社区共建和城市“双创”工作。")
    else:
        text += _("，扎实推进社区共建工作。")
    return sentences(text, _("现将有关情况汇报如下："))


def _fund_places(summary: MonthlyFigures) -> list[str]:
    """Where the month's money was spent, when the text before does not say so: the
    funds sentence follows the pairing work (else the lead), which may name other
    communities. Nothing for a summary of one community, or when the money went to
    the communities just named (or to one, with none named: an empty month)."""
    if summary.community is not None:
        return []
    told = (summary.community_sections[Section.pairing]
            if any(c.code != FUNDING_CODE for c in summary.section_categories(Section.pairing))
            else summary.communities)
    spent = summary.fund_places
    if set(spent) == set(told) or (not told and len(spent) <= 1):
        return []
    return spent


def _overspent_clause(summary: MonthlyFigures) -> str:
    """Each ledger over its own budget, named: the budgets added up may hide one
    community's overspend behind another's unspent budget (review "resources" #1).
    Nothing when the only ledger over is the whole overspend already said."""
    f = summary.funds
    overs = f.overspent
    if not overs or (f.total_over and len(overs) == 1 and overs[0].over_fen == -f.remaining_fen):
        return ""

    def who(o) -> str:
        # the document names what its title does not: the community in a unit's,
        # the unit in a community's, both in the county's
        if summary.unit is not None:
            return o.community_name
        if summary.community is not None:
            return o.unit_name
        return _("%(unit)s在%(community)s", unit=o.unit_name, community=o.community_name)

    return _("，") + join(_("%(who)s超出其预算%(x)s元", who=who(o), x=yuan(o.over_fen))
                          for o in overs)


def funds_sentence(summary: MonthlyFigures) -> str:
    f = summary.funds
    if f.spent_fen <= 0:
        return ""
    where = _fund_places(summary)
    text = (_("本月在%(places)s使用共建活动经费%(x)s元", places=places(where), x=yuan(f.spent_fen))
            if where else _("本月使用共建活动经费%(x)s元", x=yuan(f.spent_fen)))
    if f.year_to_date_fen != f.spent_fen:
        text += _("，年度累计%(x)s元", x=yuan(f.year_to_date_fen))
    if f.budget_fen:
        # the budget's share counts the ledgers that have one (rollups.funds)
        if f.unbudgeted_fen:
            text += _("，其中%(x)s元占年度预算（%(b)s元）的%(p)s", x=yuan(f.budgeted_fen),
                      b=yuan(f.budget_fen), p=f.used)
        else:
            text += _("，占年度预算（%(b)s元）的%(p)s", b=yuan(f.budget_fen), p=f.used)
        if f.total_over:
            text += _("，超出预算%(x)s元", x=yuan(-f.remaining_fen))
        text += _overspent_clause(summary)
        if f.unbudgeted_fen:
            text += _("，另有未设预算的支出%(x)s元", x=yuan(f.unbudgeted_fen))
    return ended(text)


def needs_sentence(summary: MonthlyFigures) -> str:
    """需求清单 / 微心愿 the liaisons confirmed fulfilled in the month."""
    wishes = summary.needs.wishes_fulfilled
    others = summary.needs.fulfilled - wishes
    if wishes and others:
        return _("认领社区需求清单，完成微心愿%(w)s个、社区需求%(n)s条。", w=wishes, n=others)
    if wishes:
        return _("认领社区需求清单，完成微心愿%(w)s个。", w=wishes)
    if others:
        return _("认领社区需求清单，完成社区需求%(n)s条。", n=others)
    return ""


def _section_pairing(summary: MonthlyFigures) -> str:
    clauses = [pairing_text(c) for c in summary.section_categories(Section.pairing)
               if c.code != FUNDING_CODE]
    text = ""
    if clauses:
        where = places(summary.community_sections[Section.pairing])
        intro = _("针对%(places)s实际困难，按照单位资源清单落实帮扶措施：", places=where) \
            if summary.unit is not None else \
            _("针对%(places)s实际困难，各共建单位按照资源清单落实帮扶措施：", places=where)
        text = ended(intro + join(clauses, _("；")))
    return sentences(text, needs_sentence(summary), funds_sentence(summary))


def _section_volunteer(summary: MonthlyFigures) -> str:
    clauses = [volunteer_text(c) for c in summary.section_categories(Section.volunteer)]
    if not clauses:
        return ""
    return (_("组织党员干部前往%(places)s报到，",
              places=places(summary.community_sections[Section.volunteer]))
            + join(clauses, _("，")) + _("，增强社区居民幸福感、安全感、获得感。"))


def _section_double(summary: MonthlyFigures) -> str:
    clauses = [double_text(c, summary) for c in summary.section_categories(Section.double)]
    clauses.append(survey_text(summary))
    clauses = [c for c in clauses if c]
    if not clauses:
        return moves_sentence(summary)
    where = summary.community_sections[Section.double] or summary.communities
    if not unzoned_work(summary):
        intro = _("按照“双创”工作安排，组织党员干部分组前往%(places)s责任区，",
                  places=places(where)) \
            if where else _("按照“双创”工作安排，组织党员干部分组前往责任区，")
    else:  # the communities, which hold the zones too: true of all the work
        intro = _("按照“双创”工作安排，组织党员干部分组前往%(places)s，", places=places(where)) \
            if where else _("按照“双创”工作安排，组织党员干部分组前往社区，")
    return sentences(ended(intro + join(clauses, _("，"))), moves_sentence(summary))


def unzoned_work(summary: MonthlyFigures) -> bool:
    """Whether some of the period's “双创” work or findings are on no 责任区 (the
    附表“责任区进展”'s 「未分责任区」 row): section 三 then says the groups went to the
    communities, not to their 责任区, all or part of the work being elsewhere
    (figures52 #3)."""
    return any(z.key is None and z.has_work for z in summary.zones)


def coverage_places(summary: MonthlyFigures) -> list[str] | None:
    """The communities a unit's 参与情况 is counted in when the summary is about some
    of them (unit + community, or a liaison's part); None for the whole unit."""
    if summary.community is not None:
        return [summary.community.name]
    return summary.restricted_to


def elsewhere_only_all(took_part: int) -> str:
    """Everyone who took part did so only in other units' activities: 「均」 ("all") for
    two or more; one person reads 「（只参加了…）」, as 「其中1人只参加了…」 does."""
    if took_part > 1:
        return _("（均为参加其他单位组织的活动）")
    return _("（只参加了其他单位组织的活动）")


def units_named(names) -> str:
    """Units named in one clause, as ``places`` names communities: the first five and
    how many in all beyond that. The 参与情况 page names them by this rule too (its
    ``units_named`` filter, review51 #2); ``join`` gives the separator of the language
    in force, the page's reader's there, the document's in the 月报."""
    names = list(names)
    if len(names) <= MAX_PLACES:
        return join(names)
    return _("%(names)s等%(n)s个单位", names=join(names[:MAX_PLACES]), n=len(names))


def moved_in_clause(units, whole_year: bool = False, off_roll: bool = False) -> str:
    """What is said of the roll's people who moved in after all their work of the
    period: they took part, and their 人次 and hours count for the unit they had on its
    day (figures50 #1: 「本月参与3人」 beside 「本单位党员参与2人次」 read as a slip), named
    — 「原单位」 read as her first unit for one who moved out and back within the month,
    whose work counts for the unit she came back from (roll51). ``off_roll``: some of
    them also worked on days on no roll, counted for the unit they are in now, which
    may fall after they moved in (in a gap between two stays here): 「参与在调入前」
    alone would be untrue of that work, so the words say 「或未在册时」 (roll52)."""
    if off_roll:
        if whole_year:
            return _("年内调入，参与在调入前或未在册时，人次和时长计入%(units)s",
                     units=units_named(units))
        return _("本月调入，参与在调入前或未在册时，人次和时长计入%(units)s",
                 units=units_named(units))
    if whole_year:
        return _("年内调入，参与在调入前，人次和时长计入%(units)s", units=units_named(units))
    return _("本月调入，参与在调入前，人次和时长计入%(units)s", units=units_named(units))


def counted_now_clause(units) -> str:
    """What is said of the roll's people whose work of the period fell on days they were
    on no roll (补录 before they joined, say) and who have since moved to another unit:
    that work counts for the unit they are in now (``stays.unit_then``), and they did not
    necessarily move in during the period, so 「本月调入」 is not said of them (roll51)."""
    return _("参与时未在册，人次和时长计入其现所在单位%(units)s", units=units_named(units))


def took_part_parts(cov, whole_year: bool = False) -> str:
    """The parenthetical after 「本月参与N人」 naming those of them whose work is not in
    the unit's own ledger, each person in one part only: those who took part only in
    other units' activities, and those whose work all counts for another unit — moved
    in after it, or done on no roll and counted for the unit they have moved to since —
    whatever activities it was in. Everyone in one part reads 「均」 for two or more, the
    part alone for one, as 「（只参加了…）」 does."""
    elsewhere = cov.elsewhere_only
    if elsewhere and elsewhere == cov.took_part:
        return elsewhere_only_all(cov.took_part)
    counted = [(n, clause) for n, clause in (
        (cov.moved_in, cov.moved_in and moved_in_clause(cov.moved_in_units, whole_year,
                                                        cov.moved_in_off_roll)),
        (cov.counted_now, cov.counted_now and counted_now_clause(cov.counted_now_units)))
        if n]
    if len(counted) == 1 and counted[0][0] == cov.took_part:
        n, clause = counted[0]
        return _("（均为%(clause)s）", clause=clause) if n > 1 else _("（%(clause)s）", clause=clause)
    if not counted:
        return _("（其中%(n)s人只参加了其他单位组织的活动）", n=elsewhere) if elsewhere else ""
    parts = [_("%(n)s人只参加了其他单位组织的活动", n=elsewhere)] if elsewhere else []
    parts += [_("%(n)s人%(clause)s", n=n, clause=clause) for n, clause in counted]
    return _("（其中%(parts)s）", parts=join(parts, _("；")))


def left_roll_parts(cov, whole_year: bool = False) -> list[str]:
    """The people in the roll's 人次 whom 参与情况 does not count as taking part, in
    the lead's words for them: those who left the roll in the period after their work
    (本月调离 / 本月离册, the year's 年内…; figures51 #1) and the unit's people never on
    it (不计入参与统计, figures50 #2). Without them 「本月参与0人」 stood beside
    「本单位党员参与1人次」 with nobody whose 人次 they were."""
    return gone_parts(cov.moved_out, cov.left_roll, cov.off_roll, whole_year)


def people_text(members: int, apart: list[str]) -> str:
    """The lead's 参与党员 with those in them 参与情况 does not count (``gone_parts``):
    「19人，其中不计入参与统计的1人」 — the pages' words for their 参与党员 too
    (``members_off_roll``, walk55)."""
    people = _("%(m)s人", m=members)
    if apart:
        people += _("，其中%(parts)s", parts=join(apart))
    return people


def members_off_roll(members: int, off_roll: int) -> str:
    """A page's 参与党员 when ``off_roll`` of them were on no roll (``rollups.off_roll``),
    in the lead's words: 「参与党员19人，其中不计入参与统计的1人。」 — said under the
    figure by 社区共建进展, “双创”进展 and the 工作台's card alike (one text), since
    参与情况 counts none of them and shows 18 (walk55); nothing when everyone was on a
    roll."""
    if not off_roll:
        return ""
    return _("参与党员%(people)s。", people=people_text(members, gone_parts(0, 0, off_roll)))


def gone_parts(moved: int, left: int, off_roll: int, whole_year: bool = False) -> list[str]:
    """The words for people counted in 人次 but not on the roll of the period's end, as
    the lead and 参与情况 both name them: moved to another unit (本月调离 / 年内调离),
    off every roll (本月离册 / 年内离册), never on it (不计入参与统计)."""
    parts = []
    if moved:
        parts.append(_("年内调离的%(n)s人", n=moved) if whole_year
                     else _("本月调离的%(n)s人", n=moved))
    if left:
        parts.append(_("年内离册的%(n)s人", n=left) if whole_year
                     else _("本月离册的%(n)s人", n=left))
    if off_roll:
        parts.append(_("不计入参与统计的%(n)s人", n=off_roll))
    return parts


def roll_work_sentence(cov, where: list[str] | None, whole_year: bool = False) -> str:
    """The roll's 人次 and hours (the 参与情况 page's 「本单位党员参与人次」, in its words).
    A part counts them in its communities, as it counts who took part, and says so for
    the 人次 too: the page opens on the whole unit, so a bare 「本单位党员参与11人次」
    beside its 13 would read as the same figure wrongly copied (the page's 社区 picker
    reads the part's 11, under the part's name). The people in these 人次 whom it does
    not count as taking part (``left_roll_parts``) — their work is the unit's — are
    named after 「另含」 (figures50 #2, figures51 #1)."""
    apart = left_roll_parts(cov, whole_year)
    if apart and where:
        return _("本单位党员在%(places)s参与%(pt)s人次、服务时长%(h)s小时（按活动当日所在单位计，"
                 "含参加其他单位组织的活动，另含%(parts)s）。", places=places(where),
                 pt=cov.person_times, h=hours(cov.minutes), parts=join(apart))
    if apart:
        return _("本单位党员参与%(pt)s人次、服务时长%(h)s小时（按活动当日所在单位计，"
                 "含参加其他单位组织的活动，另含%(parts)s）。",
                 pt=cov.person_times, h=hours(cov.minutes), parts=join(apart))
    if where:
        return _("本单位党员在%(places)s参与%(pt)s人次、服务时长%(h)s小时（按活动当日所在单位计，"
                 "含参加其他单位组织的活动）。", places=places(where), pt=cov.person_times,
                 h=hours(cov.minutes))
    return _("本单位党员参与%(pt)s人次、服务时长%(h)s小时（按活动当日所在单位计，"
             "含参加其他单位组织的活动）。", pt=cov.person_times, h=hours(cov.minutes))


def _section_coverage(summary: MonthlyFigures, tables=()) -> str:
    """参与情况: the unit's own roll, and who of it took part in the work the summary
    is about (its communities), in any unit's activities — those who took part only
    in other units' activities are named, as the lead names other units' members."""
    cov = summary.coverage
    if cov is None or cov.on_roll <= 0:
        return ""
    where = coverage_places(summary)
    took = (_("本月在%(places)s参与%(k)s人", places=places(where), k=cov.took_part) if where
            else _("本月参与%(k)s人", k=cov.took_part))
    took += took_part_parts(cov)
    text = _("%(we)s在册党员干部%(n)s人，%(took)s，参与率%(rate)s。",
             we=we(summary), n=cov.on_roll, took=took, rate=cov.rate_text)
    t = summary.totals
    if cov.person_times and (cov.person_times, cov.minutes) != (t.person_times, t.minutes):
        # the 参与情况 page's figures, in its words, where they are not the lead's: the
        # unit's members' work in any unit's activities (the lead's are the unit's own
        # activities, whoever came)
        text = sentences(text, roll_work_sentence(cov, where))
    names = [p.listed_name for p in cov.not_yet]  # namesakes told apart
    if names:
        listed = join(names[:MAX_NAMES])
        if len(names) > MAX_NAMES:
            number = next((n for n, t in enumerate(tables, 1) if t.key == "not_yet"), None)
            listed = (_("%(names)s等%(n)s人（名单见附表%(t)s）", names=listed, n=len(names),
                        t=number) if number else
                      _("%(names)s等%(n)s人（名单见附表）", names=listed, n=len(names)))
        text = sentences(text, _("未参与：%(names)s。", names=listed))
    return text


SECTIONS = [
    (_l("落实结对共建责任。"), _section_pairing),
    (_l("组织党员志愿服务。"), _section_volunteer),
    (_l("协同推进“双创”工作。"), _section_double),
    (_l("参与情况。"), _section_coverage),
]


NOTE_SECTIONS = [
    ("problems", _l("存在问题。")),
    ("plans", _l("下步打算。")),
]


def paragraphs(summary: MonthlyFigures, notes=None, tables=()) -> list[Paragraph]:
    """The summary's text: the figures told section by section, the pending note,
    then 存在问题 and 下步打算 — people's words (``notes``: anything with
    ``problems`` and ``plans``), left out with their heading when empty. Sections are
    numbered 一、二、三… in the order they appear. ``tables`` are the 附表, in order,
    for the text to name them by number.

    An empty month is one plain sentence, with the needs, funds and 参与情况
    sentences when they have something to say (the unit's members may have taken
    part in other units' activities)."""
    numbers = iter(NUMERALS)
    out: list[Paragraph] = []
    if summary.is_empty:
        out.append(Paragraph(_("本月暂无已审核的共建活动。")))
        took_part = summary.coverage is not None and summary.coverage.took_part
        for sentence in (needs_sentence(summary), funds_sentence(summary),
                         moves_sentence(summary),
                         _section_coverage(summary, tables) if took_part else ""):
            if sentence:
                out.append(Paragraph(sentence))
    else:
        out.append(Paragraph(_lead(summary)))
        for heading, build in SECTIONS:
            text = build(summary, tables) if build is _section_coverage else build(summary)
            if text:
                out.append(Paragraph(text, heading=heading_before(f"{next(numbers)}、{heading}")))
    pending = pending_sentence(summary.pending)
    if pending:
        out.append(Paragraph(pending))
    for name, heading in NOTE_SECTIONS:
        lines = note_lines(getattr(notes, name, None))
        if lines:
            out.append(Paragraph(lines[0], heading=heading_before(f"{next(numbers)}、{heading}")))
            out.extend(Paragraph(line) for line in lines[1:])
    return out


def note_lines(text: str | None) -> list[str]:
    """People's words as paragraphs: one per non-empty line, blanks trimmed."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
