"""The 年度总结's text (``annual_document.AnnualSummary``): title, the lines under it, the lead
and its numbered sections, in the 月报's voice — a clause whose figure is zero is left
out, numbers formatted as the 月报 writes them, the 月报's own clauses reused
(``narrative``) — then the pending note and people's 存在问题 and 下步打算.
"""
from __future__ import annotations

import re
from datetime import date

from ..i18n import force_locale
from flask_babel import gettext as _

from ..formatting import amount, pending_sentence, target_pace, yuan
from ..i18n import month_name
from ..models import FUNDING_CODE, Section, TargetMeasure
from ..rollups.checklist import CategoryProgress
from .annual_document import AnnualSummary
from .annual_tables import CHANGED_MARK
from .figures import MonthlyFigures
from .narrative import (
    MAX_NAMES,
    NOTE_SECTIONS,
    Paragraph,
    coverage_places,
    double_text,
    ended,
    heading_before,
    join,
    lead_text,
    needs_sentence,
    note_lines,
    pairing_text,
    places,
    roll_work_sentence,
    sentences,
    survey_text,
    took_part_parts,
    unzoned_work,
    volunteer_text,
    we,
)
from .tables import DOCUMENT_LOCALE


NUMERALS = "一二三四五六七八九十"


def annual_title(f: MonthlyFigures) -> str:
    if f.unit is not None and f.community is not None:
        who = _("%(unit)s（%(community)s）", unit=f.unit.name, community=f.community.name)
    elif f.restricted_to:
        who = _("%(unit)s（%(community)s）", unit=f.unit.name,
                community=join(f.restricted_to))
    else:
        who = (f.unit or f.community).name
    return _("%(who)s%(y)s年社区共建工作总结", who=who, y=f.year)


def annual_subtitle(f: MonthlyFigures, today: date) -> list[str]:
    if f.year == today.year:
        period = _("统计时间：%(y)s年1月1日至%(m)s月%(d)s日（本年度尚未结束）",
                   y=f.year, m=today.month, d=today.day)
    else:
        period = _("统计时间：%(y)s年1月1日至12月31日", y=f.year)
    lines = [period, _("（只计已审核通过的完成情况）")]
    if f.restricted_to:
        lines.append(_("统计范围：%(names)s", names=join(f.restricted_to)))
    return lines


def _lead(f: MonthlyFigures) -> str:
    text = lead_text(f, _("%(y)s年，", y=f.year), whole_year=True)
    if f.section_categories(Section.double) or f.findings.total:
        text += _("，扎实推进社区共建和城市“双创”工作。")
    else:
        text += _("，扎实推进社区共建工作。")
    return sentences(text, _("现将全年工作总结如下："))


def _section_pairing(f: MonthlyFigures) -> str:
    clauses = [pairing_text(c) for c in f.section_categories(Section.pairing)
               if c.code != FUNDING_CODE]
    text = ""
    if clauses:
        where = places(f.community_sections[Section.pairing])
        intro = (_("全年针对%(places)s实际困难，按照单位资源清单落实帮扶措施：", places=where)
                 if f.unit is not None else
                 _("全年针对%(places)s实际困难，各共建单位按照资源清单落实帮扶措施：",
                   places=where))
        text = ended(intro + join(clauses, _("；")))
    return sentences(text, needs_sentence(f))


def _section_volunteer(f: MonthlyFigures) -> str:
    clauses = [volunteer_text(c) for c in f.section_categories(Section.volunteer)]
    if not clauses:
        return ""
    return (_("全年组织党员干部前往%(places)s报到，",
              places=places(f.community_sections[Section.volunteer]))
            + join(clauses, _("，")) + _("，增强社区居民幸福感、安全感、获得感。"))


def _section_double(f: MonthlyFigures) -> str:
    clauses = [double_text(c, f) for c in f.section_categories(Section.double)]
    clauses.append(survey_text(f))
    clauses = [c for c in clauses if c]
    if not clauses:
        return ""
    where = f.community_sections[Section.double] or f.communities
    if not unzoned_work(f):
        intro = (_("按照“双创”工作安排，全年组织党员干部分组前往%(places)s责任区，",
                   places=places(where)) if where
                 else _("按照“双创”工作安排，全年组织党员干部分组前往责任区，"))
    else:  # the 月报's rule (``unzoned_work``): some of the work is on no 责任区
        intro = (_("按照“双创”工作安排，全年组织党员干部分组前往%(places)s，",
                   places=places(where)) if where
                 else _("按照“双创”工作安排，全年组织党员干部分组前往社区，"))
    return ended(intro + join(clauses, _("，")))


def _target_clause(c: CategoryProgress, whose: str = "") -> str:
    if whose:
        return _("%(whose)s%(name)s目标%(t)s、完成%(d)s（%(p)s）", whose=whose,
                 name=c.category_name, t=amount(c.target, c.unit), d=amount(c.done, c.unit),
                 p=c.percent)
    return _("%(name)s目标%(t)s、完成%(d)s（%(p)s）", name=c.category_name,
             t=amount(c.target, c.unit), d=amount(c.done, c.unit), p=c.percent)


def _whose(s: AnnualSummary, c: CategoryProgress) -> str:
    """Whose targets ``c`` adds up, named as 附表“资源清单完成情况” names its items
    (``AnnualSummary.item_place``, the one rule): in a unit's document the communities
    and zones of its items (「东门社区·一区」 — two zones called 一区 in two communities
    read apart, review44 #3), in a community's the units."""
    return join(dict.fromkeys(
        s.item_place(i) for i in s.checklist
        # the items ``c`` adds up: those with a target, or with work done against none
        if (i.category_code, i.measure) == (c.category_code, c.measure)
        and (i.target or i.done)))


def _category_clauses(s: AnnualSummary) -> list[str]:
    """A clause per category and measure with something done against its target. Each
    counts only the work on its own items, those of its measure: when the category has
    items in another measure with a target or work done — 4场 in one zone, 60人次 (or
    no target, 50人次 done) in another —, the clause is not the category's year and
    says whose target it is, or 「完成1场」 would read as the category's year beside
    section 一's 3场 (figures43 #2, review43b #2). A category whose work is all in the
    clause's measure reads bare."""
    counted = [c for c in s.checklist_categories if c.target and not c.is_money]
    # the measures of each category with a target or work done (money apart: its
    # 共建活动经费 is no work of the category's activities)
    measures: dict[str, int] = {}
    for c in s.checklist_categories:
        if not c.is_money and (c.target or c.done):
            measures[c.category_code] = measures.get(c.category_code, 0) + 1
    return [_target_clause(c, _whose(s, c) if measures[c.category_code] > 1 else "")
            for c in counted if c.done]


def _section_checklist(s: AnnualSummary) -> str:
    """The checklist's year: items and targets met, the categories with work done
    against their targets (``_category_clauses``), and 时序进度 while the year runs —
    nothing when nothing was done (the 附表 lists every item). A budget is not a target
    done: the funds sentence tells it (spent, and its share of the budget)."""
    items = [i for i in s.checklist if i.target and i.measure != TargetMeasure.money]
    clauses = _category_clauses(s)
    if not items or not clauses:
        return ""
    met = sum(1 for i in items if i.done >= i.target)
    text = _("全年资源清单共%(n)s项", n=len(items))
    # 附表“资源清单完成情况” lists the budgets too: the count says they are not in it
    budget = next((i.category_name for i in s.checklist
                   if i.target and i.measure == TargetMeasure.money), None)
    if budget:
        text += _("（不含%(name)s）", name=budget)
    if met:
        text += _("，已完成全年目标%(m)s项", m=met)
    # the categories in a sentence of their own: after 「已完成全年目标6项，其中」 they
    # read as the items met, some of them at 30%; joined as the language joins sentences,
    # its msgid a whole sentence (no 「。」 nor space carried in, then54)
    text = sentences(ended(text),
                     ended(_("各类别完成情况：%(clauses)s", clauses=join(clauses, _("，")))))
    if s.schedule_day < date(s.year, 12, 31):
        pace = target_pace(0, 1, date(s.year, 12, 31), s.schedule_day)
        text = sentences(text, _("截至%(m)s月%(d)s日，时序进度为%(p)s。",
                                 m=s.schedule_day.month, d=s.schedule_day.day,
                                 p=pace.schedule))
    return text


def _section_coverage(f: MonthlyFigures, tables) -> str:
    cov = f.coverage
    if cov is None or cov.on_roll <= 0:
        return ""
    where = coverage_places(f)
    took = (_("全年在%(places)s参与%(k)s人", places=places(where), k=cov.took_part) if where
            else _("全年参与%(k)s人", k=cov.took_part))
    took += took_part_parts(cov, whole_year=True)
    text = _("%(we)s在册党员干部%(n)s人，%(took)s，参与率%(rate)s。",
             we=we(f), n=cov.on_roll, took=took, rate=cov.rate_text)
    t = f.totals
    if cov.person_times and (cov.person_times, cov.minutes) != (t.person_times, t.minutes):
        # the 参与情况 page's figures where they are not the lead's (the 月报's rule)
        text = sentences(text, roll_work_sentence(cov, where, whole_year=True))
    names = [p.listed_name for p in cov.not_yet]
    if names:
        listed = join(names[:MAX_NAMES])
        if len(names) > MAX_NAMES:
            number = next((n for n, t in enumerate(tables, 1) if t.key == "not_yet"), None)
            listed = _("%(names)s等%(n)s人（名单见附表%(t)s）", names=listed, n=len(names),
                       t=number)
        text = sentences(text, _("全年未参与：%(names)s。", names=listed))
    return text


def _section_funds(f: MonthlyFigures) -> str:
    funds = f.funds
    if funds.spent_fen <= 0:
        return ""
    text = _("全年使用共建活动经费%(x)s元", x=yuan(funds.spent_fen))
    if funds.budget_fen:
        if funds.unbudgeted_fen:
            text += _("，其中%(x)s元占年度预算（%(b)s元）的%(p)s", x=yuan(funds.budgeted_fen),
                      b=yuan(funds.budget_fen), p=funds.used)
        else:
            text += _("，占年度预算（%(b)s元）的%(p)s", b=yuan(funds.budget_fen), p=funds.used)
        if funds.total_over:
            text += _("，超出预算%(x)s元", x=yuan(-funds.remaining_fen))
        if funds.unbudgeted_fen:
            text += _("，另有未设预算的支出%(x)s元", x=yuan(funds.unbudgeted_fen))
    return ended(text)


def changed_sentence(s: AnnualSummary) -> str:
    """The 已定稿 months whose 月报 now reads otherwise than the signed one: the
    office compares the year with the 月报 it handed up, so the text says which months
    will not add up, and that the year counts the data as it is now."""
    if not s.changed_months:
        return ""
    number = next((n for n, t in enumerate(s.attached, 1) if t.key == "months"), None)
    return _changed_words(join(month_name(s.year, m, "month") for m in s.changed_months),
                          number)


def _changed_words(months, number) -> str:
    return _("%(months)s月报定稿后数据有变化（附表%(t)s中标“*”的月份），本总结按当前数据统计。",
             months=months, t=number)


# stand-ins for the sentence's months and 附表 number while its pattern is made
_MONTHS, _NUMBER = "\x00", "\x01"


def changed_sentence_pattern() -> re.Pattern:
    """What every sentence ``changed_sentence`` writes in the current language matches
    in full, whatever its months: a signed year's comparison leaves it out
    (``unmarked``). Made from the sentence's msgid, as ``pending_sentence_pattern``, so
    it follows the catalog; built when asked, under the language in force."""
    words = _changed_words(_MONTHS, _NUMBER)
    return re.compile("".join(
        ".+" if part == _MONTHS else ".*" if part == _NUMBER else re.escape(part)
        for part in re.split(f"({_MONTHS}|{_NUMBER})", words)), re.S)


def unmarked(text: list[str], tables: dict[str, list[list[str]]]
             ) -> tuple[list[str], dict[str, list[list[str]]]]:
    """A 年度总结 read back (``final._read``) without what says which of its months'
    月报 changed since THEIR 定稿: ``changed_sentence`` and the 「*」 of 分月统计
    (``annual_tables.CHANGED_MARK``). Those follow the months' signatures — a month
    re-signed, or only re-opened, drops them with no figure moved — and are not the
    year's data, so a signed year compared with its live document (``final.compare``)
    leaves them out of both (doc45 #1); the figures, and the text that states them,
    are still compared. Known by their words in the document's language
    (``DOCUMENT_LOCALE``), as ``final.official`` knows the pending sentence."""
    with force_locale(DOCUMENT_LOCALE):
        sentence, months = changed_sentence_pattern(), _("分月统计")
    text = [line for line in text if sentence.fullmatch(line.lstrip("'")) is None]
    kept = dict(tables)
    if months in kept and kept[months]:
        rows = kept[months]
        kept[months] = [rows[0]] + [
            [row[0].removesuffix(CHANGED_MARK), *row[1:]] if row else row for row in rows[1:]]
    return text, kept


def annual_paragraphs(s: AnnualSummary) -> list[Paragraph]:
    """The year's text: the lead, then each section with something to say, numbered
    一、二、三… in the order they appear, the pending note, the months changed since
    their 定稿, then the year's 存在问题 and 下步打算 (``s.note``), numbered on, each
    left out with its heading when empty (the 月报's rule, ``narrative.paragraphs``).

    An empty year is one plain sentence, then, unnumbered, the needs and funds
    sentences, the checklist's when something on it was done, and 参与情况 when
    someone of the unit took part (in other units' activities), as an empty 月报 reads."""
    f = s.figures
    tables = s.attached
    out: list[Paragraph] = []
    numbers = iter(NUMERALS)
    if f.is_empty:
        out.append(Paragraph(_("本年度暂无已审核的共建活动。")))
        took_part = f.coverage is not None and f.coverage.took_part
        for sentence in (needs_sentence(f), _section_funds(f), _section_checklist(s),
                         _section_coverage(f, tables) if took_part else ""):
            if sentence:
                out.append(Paragraph(sentence))
    else:
        out.append(Paragraph(_lead(f)))
        sections = [
            (_("落实结对共建责任。"), _section_pairing(f)),
            (_("组织党员志愿服务。"), _section_volunteer(f)),
            (_("协同推进“双创”工作。"), _section_double(f)),
            (_("资源清单完成情况。"), _section_checklist(s)),
            (_("参与情况。"), _section_coverage(f, tables)),
            (_("共建活动经费。"), _section_funds(f)),
        ]
        for heading, text in sections:
            if text:
                out.append(Paragraph(text, heading=heading_before(f"{next(numbers)}、{heading}")))
    for sentence in (pending_sentence(f.pending), changed_sentence(s)):
        if sentence:
            out.append(Paragraph(sentence))
    for name, heading in NOTE_SECTIONS:
        lines = note_lines(getattr(s.note, name, None))
        if lines:
            out.append(Paragraph(lines[0], heading=heading_before(f"{next(numbers)}、{heading}")))
            out.extend(Paragraph(line) for line in lines[1:])
    return out

