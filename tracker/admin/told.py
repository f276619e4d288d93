"""What an admin's change of signed data tells after it is made — the member form
(修改; 添加 for a member added), 更正日期 (更正), 合并账号 (合并), the member import
(导入) —, written once: the 已定稿 月报 and 年度总结 whose page now says 「定稿后数据有变化」
(the pages' own comparisons), and apart those signed in an earlier wording, whose pages
say the wording changed (docs/design.md, the roll over time). A change touching more
than ``COMPARED_AT_MOST`` of them — whichever verb's — names them as what may have
changed, uncompared; a message names at most ``NAMED_AT_MOST``. ``foreseen_messages``
is the text the command prints (``import-members``), the page's flashes its twin."""
from __future__ import annotations


from flask import flash
from flask_babel import gettext as _

from ..reports import annual_final, final


# The most signed documents whose pages' comparison a change's request runs after it is
# saved: each rebuilds a 月报 or 年度总结 (50–100 ms on real data, docs/performance.md).
# An import renaming most of a roster (a 党支部 respelled) names every signed month and
# year of their units — a county's passed the worker's timeout (deploy/gunicorn.conf.py),
# a 502 after the import was written; one member renamed on the member form, on a roll
# since always, names every signed month and year of their unit (ten years: ~11 s).
# Past this the message names them as 「可能已改变」 and each page compares on its own
# when opened (``tell_foreseen``), whichever verb's the change.
COMPARED_AT_MOST = 24
# The most documents one message names, the rest counted (「等N份」): the messages
# travel in the cookie session with the other flashes, which a browser drops past ~4 KB.
NAMED_AT_MOST = 10


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

UNCOMPARED = {
    # more documents than a request compares (``COMPARED_AT_MOST``): the set found under
    # the locks by the rule the page promised (the import's preview, the member form's
    # and 更正日期's question, 合并账号's confirmation), told as what may have changed,
    # each page to compare when opened
    "修改": lambda n, names: _(
        "这次修改涉及的已定稿月报和年度总结较多（%(n)d份），未逐份核对，以下文件的数据可能已改变：%(names)s。"
        "定稿文件仍是签署时的内容；打开这些月报或年度总结时，页面会各自核对，数据与定稿时不同的会提示"
        "“定稿后数据有变化”（系统更新前定稿的提示“写法有变化”）。如需按修改后的数据定稿，请重新打开后再次定稿。",
        n=n, names=names),
    "添加": lambda n, names: _(
        "这次添加涉及的已定稿月报和年度总结较多（%(n)d份），未逐份核对，以下文件的数据可能已改变：%(names)s。"
        "定稿文件仍是签署时的内容；打开这些月报或年度总结时，页面会各自核对，数据与定稿时不同的会提示"
        "“定稿后数据有变化”（系统更新前定稿的提示“写法有变化”）。如需按添加后的数据定稿，请重新打开后再次定稿。",
        n=n, names=names),
    "更正": lambda n, names: _(
        "这次更正涉及的已定稿月报和年度总结较多（%(n)d份），未逐份核对，以下文件的数据可能已改变：%(names)s。"
        "定稿文件仍是签署时的内容；打开这些月报或年度总结时，页面会各自核对，数据与定稿时不同的会提示"
        "“定稿后数据有变化”（系统更新前定稿的提示“写法有变化”）。如需按更正后的数据定稿，请重新打开后再次定稿。",
        n=n, names=names),
    "合并": lambda n, names: _(
        "这次合并涉及的已定稿月报和年度总结较多（%(n)d份），未逐份核对，以下文件的数据可能已改变：%(names)s。"
        "定稿文件仍是签署时的内容；打开这些月报或年度总结时，页面会各自核对，数据与定稿时不同的会提示"
        "“定稿后数据有变化”（系统更新前定稿的提示“写法有变化”）。如需按合并后的数据定稿，请重新打开后再次定稿。",
        n=n, names=names),
    "导入": lambda n, names: _(
        "这次导入涉及的已定稿月报和年度总结较多（%(n)d份），未逐份核对，以下文件的数据可能已改变：%(names)s。"
        "定稿文件仍是签署时的内容；打开这些月报或年度总结时，页面会各自核对，数据与定稿时不同的会提示"
        "“定稿后数据有变化”（系统更新前定稿的提示“写法有变化”）。如需按导入后的数据定稿，请重新打开后再次定稿。",
        n=n, names=names),
}


def tell_foreseen(verb: str, foreseen, asked_years=()) -> None:
    """Flash ``foreseen_messages``."""
    for message in foreseen_messages(verb, foreseen, asked_years):
        flash(message, "info")


def foreseen_messages(verb: str, foreseen, asked_years=()) -> list[str]:
    """What is told after an admin's change of these 已定稿 months and years
    (``roll.Corrected``: the set the change may touch, found under its locks by the rule
    its page promised — more than change, never less), one path for every verb of
    ``TOLD``: ``signed_messages`` of those whose page now says 「定稿后数据有变化」 as the
    pages' own comparisons find them, and apart the years signed in an earlier wording
    (their page says the wording changed). ``asked_years``: years compared too, beyond
    those foreseen (更正日期's and 合并账号's every signed year the change may touch,
    so that the message is the year page's own comparison whatever the foresight).
    More than ``COMPARED_AT_MOST`` documents to compare are not compared in the request
    (one rebuild each): named as what may have changed (``UNCOMPARED``), each page
    compares when opened. None: nothing foreseen."""
    if foreseen is None:
        return []
    years = list(dict.fromkeys([*foreseen.years, *asked_years]))
    count = len(foreseen.months) + len(years)
    if not count:
        return []
    if count > COMPARED_AT_MOST:
        years.sort(key=lambda y: y.year)
        return [UNCOMPARED[verb](count, capped(
            month_names(foreseen.months) + year_names(years)))]
    return signed_messages(verb, final.told_changed(foreseen.months),
                           annual_final.told_changed_years(years),
                           annual_final.reworded_years(foreseen.years))


def foreseen_names(foreseen, prefix: str = "") -> dict:
    """What a page names before a change of what was signed (``roll.Corrected``: the
    import's preview, ``roll.signed_by``; the member page's 更正日期, ``prefix`` "roll_",
    and its form, "form_"): the months and years whose page may then say
    「定稿后数据有变化」 (``months``, ``years``), and apart those signed in an earlier
    wording (``reworded``: their page says the wording changed)."""
    if foreseen is None:
        return {}
    return _names_apart(reworded_apart(foreseen.months, foreseen.years), prefix)


def _names_apart(apart, prefix: str = "") -> dict:
    """``reworded_apart``'s four lists as the names a page shows (``foreseen_names``,
    ``signed_names``)."""
    months, reworded, years, reworded_years = apart
    return {f"{prefix}months": month_list(months), f"{prefix}years": year_list(years),
            f"{prefix}reworded": _("、").join(
                x for x in (month_list(reworded), year_list(reworded_years)) if x)}


def reworded_apart(months, years) -> tuple[list, list, list, list]:
    """已定稿 ``months`` and ``years`` as (months, reworded months, years, reworded
    years): apart, those signed in an earlier wording (``final.reworded_months``,
    ``annual_final.reworded_years``), whose page says the wording changed, never
    「定稿后数据有变化」 — what a page names before a change of what was signed."""
    reworded = final.reworded_months(months)
    reworded_years = annual_final.reworded_years(years)
    return ([m for m in months if m not in reworded], reworded,
            [y for y in years if y not in reworded_years], reworded_years)


def signed_names(named) -> dict:
    """A ``summary_notes.Naming`` (``final_naming_places``) as the names a page shows
    before an admin's 通过 or 冲销 (``templates/_macros/signed.html``), split as
    ``foreseen_names`` splits them: apart, those signed in an earlier wording
    (``final.signed_reworded``), whose page will say 「写法有变化」, not
    「定稿后数据有变化」. The wordings came with the names, in the page's one statement
    (``Naming.wordings``): ``reworded_apart`` reads each document's kept copy, statements
    per document and per card on 待审核 and the 工作台 (review40b #1)."""
    if not named:
        return {}
    months, years, wordings = named
    reworded = [m for m in months if final.signed_reworded(wordings.get(m, ()))]
    reworded_years = [y for y in years
                      if final.signed_reworded(wordings.get(y, ()), year=True)]
    return _names_apart(([m for m in months if m not in reworded], reworded,
                         [y for y in years if y not in reworded_years], reworded_years))


def signed_messages(verb: str, told: final.Told, years: list, reworded_years: list) -> list[str]:
    """After an admin's change of what was signed (``TOLD``'s verbs): the 已定稿 月报
    (``told``: ``final.told_changed``) and 年度总结 (``years``: ``annual_final.
    told_changed_years``) whose page now says 「定稿后数据有变化」, and apart those signed
    in an earlier wording that it may change (``told.reworded``, ``reworded_years``:
    ``annual_final.reworded_years`` of the years foreseen) — each message naming at
    most ``NAMED_AT_MOST`` (``capped``)."""
    months_changed, months_reworded, years_changed, years_reworded = TOLD[verb]
    return [message(capped(named))
            for message, named in ((months_changed, month_names(told.changed)),
                                   (months_reworded, month_names(told.reworded)),
                                   (years_changed, year_names(years)),
                                   (years_reworded, year_names(reworded_years)))
            if named]


def capped(names: list[str]) -> str:
    """``names`` joined, at most ``NAMED_AT_MOST`` of them and the count of all after
    (「…等25份」): a message of hundreds of months would outgrow the cookie session."""
    if len(names) <= NAMED_AT_MOST:
        return _("、").join(names)
    return _("%(names)s等%(n)d份", names=_("、").join(names[:NAMED_AT_MOST]), n=len(names))


def month_list(months) -> str:
    """The 已定稿 months named: a unit's 月报 or a community's (``FinalMonth.name``)."""
    return _("、").join(month_names(months))


def month_names(months) -> list[str]:
    return [_("%(unit)s%(year)d年%(month)d月", unit=m.name, year=m.year, month=m.month)
            for m in months]


def year_list(years) -> str:
    """The 已定稿 年度总结 named (``summary_notes.FinalYear``): a unit's, a unit's in one
    community, or a community's own."""
    return _("、").join(year_names(years))


def year_names(years) -> list[str]:
    return [_("%(unit)s在%(community)s%(year)d年", unit=y.unit_name, community=y.community_name,
              year=y.year) if y.unit_name is not None and y.community_name is not None
            else _("%(unit)s%(year)d年", unit=y.unit_name or y.community_name, year=y.year)
            for y in years]
