"""What an admin's change of signed data tells after it is made — the member form
(修改; 添加 for a member added), 更正日期 (更正), 合并账号 (合并), the member import
(导入) —, written once: the 已定稿 月报 and 年度总结 whose page now says 「定稿后数据有变化」
(the pages' own comparisons), and apart those signed in an earlier wording, whose pages
say the wording changed (docs/design.md, the roll over time)."""
from __future__ import annotations

from flask import flash
from flask_babel import gettext as _

from ..reports import annual_final, final
from ..services import roll, summary_notes
from ..timeutil import local_today


TOLD = {
    # an admin's change of what was signed, told after it in its own verb — 修改 (the
    # member form; 添加, a member added from it), 更正 (更正日期), 合并 (合并账号), 导入
    # (the member import) —: the pages' own comparisons
    # (``final.told_changed``, ``annual_final.told_changed_years``), and apart the
    # documents signed in an earlier wording, whose pages say the wording changed
    "修改": (
        lambda names: _("这次修改涉及已定稿的月报：%(months)s。定稿文件仍是签署时的内容，这些月份的月报页面"
                        "会提示“定稿后数据有变化”；如需按修改后的数据定稿，请重新打开该月月报后再次定稿。",
                        months=names),
        lambda names: _("这次修改还可能改变以下已定稿月报的数据：%(months)s。这些月份的定稿文件是系统更新前的"
                        "写法，月报页面提示的是“月报的写法有变化”，不会另外提示数据有变化；如需按修改后的数据"
                        "定稿，请重新打开该月月报后再次定稿。", months=names),
        lambda names: _("这次修改涉及已定稿的年度总结：%(years)s。定稿文件仍是签署时的内容，这些年度总结页面"
                        "会提示“定稿后数据有变化”；如需按修改后的数据定稿，请重新打开该年度总结后再次定稿。",
                        years=names),
        lambda names: _("这次修改还可能改变以下已定稿年度总结的数据：%(years)s。这些年度总结的定稿文件是系统"
                        "更新前的写法，年度总结页面提示的是“年度总结的写法有变化”，不会另外提示数据有变化；"
                        "如需按修改后的数据定稿，请重新打开该年度总结后再次定稿。", years=names)),
    "添加": (
        lambda names: _("这次添加涉及已定稿的月报：%(months)s。定稿文件仍是签署时的内容，这些月份的月报页面"
                        "会提示“定稿后数据有变化”；如需按添加后的数据定稿，请重新打开该月月报后再次定稿。",
                        months=names),
        lambda names: _("这次添加还可能改变以下已定稿月报的数据：%(months)s。这些月份的定稿文件是系统更新前的"
                        "写法，月报页面提示的是“月报的写法有变化”，不会另外提示数据有变化；如需按添加后的数据"
                        "定稿，请重新打开该月月报后再次定稿。", months=names),
        lambda names: _("这次添加涉及已定稿的年度总结：%(years)s。定稿文件仍是签署时的内容，这些年度总结页面"
                        "会提示“定稿后数据有变化”；如需按添加后的数据定稿，请重新打开该年度总结后再次定稿。",
                        years=names),
        lambda names: _("这次添加还可能改变以下已定稿年度总结的数据：%(years)s。这些年度总结的定稿文件是系统"
                        "更新前的写法，年度总结页面提示的是“年度总结的写法有变化”，不会另外提示数据有变化；"
                        "如需按添加后的数据定稿，请重新打开该年度总结后再次定稿。", years=names)),
    "更正": (
        lambda names: _("这次更正涉及已定稿的月报：%(months)s。定稿文件仍是签署时的内容，这些月份的月报页面"
                        "会提示“定稿后数据有变化”；如需按更正后的数据定稿，请重新打开该月月报后再次定稿。",
                        months=names),
        lambda names: _("这次更正还可能改变以下已定稿月报的数据：%(months)s。这些月份的定稿文件是系统更新前的"
                        "写法，月报页面提示的是“月报的写法有变化”，不会另外提示数据有变化；如需按更正后的数据"
                        "定稿，请重新打开该月月报后再次定稿。", months=names),
        lambda names: _("这次更正涉及已定稿的年度总结：%(years)s。定稿文件仍是签署时的内容，这些年度总结页面"
                        "会提示“定稿后数据有变化”；如需按更正后的数据定稿，请重新打开该年度总结后再次定稿。",
                        years=names),
        lambda names: _("这次更正还可能改变以下已定稿年度总结的数据：%(years)s。这些年度总结的定稿文件是系统"
                        "更新前的写法，年度总结页面提示的是“年度总结的写法有变化”，不会另外提示数据有变化；"
                        "如需按更正后的数据定稿，请重新打开该年度总结后再次定稿。", years=names)),
    "合并": (
        lambda names: _("这次合并涉及已定稿的月报：%(months)s。定稿文件仍是签署时的内容，这些月份的月报页面"
                        "会提示“定稿后数据有变化”；如需按合并后的数据定稿，请重新打开该月月报后再次定稿。",
                        months=names),
        lambda names: _("这次合并还可能改变以下已定稿月报的数据：%(months)s。这些月份的定稿文件是系统更新前的"
                        "写法，月报页面提示的是“月报的写法有变化”，不会另外提示数据有变化；如需按合并后的数据"
                        "定稿，请重新打开该月月报后再次定稿。", months=names),
        lambda names: _("这次合并涉及已定稿的年度总结：%(years)s。定稿文件仍是签署时的内容，这些年度总结页面"
                        "会提示“定稿后数据有变化”；如需按合并后的数据定稿，请重新打开该年度总结后再次定稿。",
                        years=names),
        lambda names: _("这次合并还可能改变以下已定稿年度总结的数据：%(years)s。这些年度总结的定稿文件是系统"
                        "更新前的写法，年度总结页面提示的是“年度总结的写法有变化”，不会另外提示数据有变化；"
                        "如需按合并后的数据定稿，请重新打开该年度总结后再次定稿。", years=names)),
    "导入": (
        lambda names: _("这次导入涉及已定稿的月报：%(months)s。定稿文件仍是签署时的内容，这些月份的月报页面"
                        "会提示“定稿后数据有变化”；如需按导入后的数据定稿，请重新打开该月月报后再次定稿。",
                        months=names),
        lambda names: _("这次导入还可能改变以下已定稿月报的数据：%(months)s。这些月份的定稿文件是系统更新前的"
                        "写法，月报页面提示的是“月报的写法有变化”，不会另外提示数据有变化；如需按导入后的数据"
                        "定稿，请重新打开该月月报后再次定稿。", months=names),
        lambda names: _("这次导入涉及已定稿的年度总结：%(years)s。定稿文件仍是签署时的内容，这些年度总结页面"
                        "会提示“定稿后数据有变化”；如需按导入后的数据定稿，请重新打开该年度总结后再次定稿。",
                        years=names),
        lambda names: _("这次导入还可能改变以下已定稿年度总结的数据：%(years)s。这些年度总结的定稿文件是系统"
                        "更新前的写法，年度总结页面提示的是“年度总结的写法有变化”，不会另外提示数据有变化；"
                        "如需按导入后的数据定稿，请重新打开该年度总结后再次定稿。", years=names)),
}


def tell_roll_changes(verb: str, changes, renamed=None) -> None:
    """After changes of the roll saved (``roll.Change``s: the member form's, the
    import's, each from its 自何日起), ``tell_signed`` of the 已定稿 months and years they
    may change — those of their units from the day's month to today
    (``roll.changed_final_months``, ``roll.changed_final_years``) —, as the pages' own
    comparisons now find them. Asked once per unit, from its earliest day (an import's
    thousand rows of one unit are one question, not a thousand); the months and years
    of the needs they may move (``roll.need_months``, ``roll.need_years``) once for all.

    ``renamed``: a member whose 姓名 or 党支部 the change also made other — the months
    and years whose documents may print them (``summary_notes.final_naming``) are asked
    too, in the one message."""
    first: dict[int, object] = {}
    for change in changes:
        for unit_id in change.unit_ids:
            first[unit_id] = min(first.get(unit_id, change.day), change.day)
    today = local_today()
    months, years = {}, {}
    for unit_id, day in first.items():
        one = roll.Change(day=day, after=None, left_unit_id=unit_id, joined_unit_id=None)
        months.update(dict.fromkeys(roll.changed_final_months(one, today)))
        years.update(dict.fromkeys(roll.changed_final_years(one, today)))
    # and those the needs each member claimed alone count in, whose unit a change may
    # move — posted in a month before its day too (one question for all the changes)
    months.update(dict.fromkeys(roll.need_months(changes)))
    years.update(dict.fromkeys(roll.need_years(changes)))
    if renamed is not None:
        named_months, named_years = summary_notes.final_naming(renamed, today)
        months.update(dict.fromkeys(named_months))
        years.update(dict.fromkeys(named_years))
    months = sorted(months, key=lambda m: (m.year, m.month))
    years = sorted(years, key=lambda y: y.year)
    # a year signed in an earlier wording the change may touch is named apart, as
    # 更正日期 and 合并账号 name theirs (its page says the wording changed, never the data)
    tell_signed(verb, final.told_changed(months), annual_final.told_changed_years(years),
                annual_final.reworded_years(years))


def tell_signed(verb: str, told: final.Told, years: list, reworded_years: list) -> None:
    """After an admin's change of what was signed (``TOLD``'s verbs): the 已定稿 月报
    (``told``: ``final.told_changed``) and 年度总结 (``years``: ``annual_final.
    told_changed_years``) whose page now says 「定稿后数据有变化」, and apart those signed
    in an earlier wording that it may change (``told.reworded``, ``reworded_years``:
    ``annual_final.reworded_years`` of the years foreseen)."""
    months_changed, months_reworded, years_changed, years_reworded = TOLD[verb]
    for message, named in ((months_changed, month_list(told.changed)),
                           (months_reworded, month_list(told.reworded)),
                           (years_changed, year_list(years)),
                           (years_reworded, year_list(reworded_years))):
        if named:
            flash(message(named), "info")


def month_list(months) -> str:
    """The 已定稿 months named: a unit's 月报 or a community's (``FinalMonth.name``)."""
    return _("、").join(_("%(unit)s%(year)d年%(month)d月", unit=m.name, year=m.year,
                         month=m.month) for m in months)


def year_list(years) -> str:
    """The 已定稿 年度总结 named (``summary_notes.FinalYear``): a unit's, a unit's in one
    community, or a community's own."""
    return _("、").join(
        _("%(unit)s在%(community)s%(year)d年", unit=y.unit_name, community=y.community_name,
          year=y.year) if y.unit_name is not None and y.community_name is not None
        else _("%(unit)s%(year)d年", unit=y.unit_name or y.community_name, year=y.year)
        for y in years)
