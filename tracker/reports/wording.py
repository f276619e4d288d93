"""Which wording of the 月报 this code writes.

A signed month keeps the document as it was signed (``final.keep``) and the page
compares it with the live document (``final.changes``) to say 「定稿后数据有变化」.
That comparison is of text: when a later release words or lays out the 月报
differently (a sentence, the order of names, a table's columns), every month signed
before it would differ although no figure did. So each kept copy records the
``WORDING_VERSION`` of the code that rendered it (0: copies kept before the version
was recorded), and when it is not this code's, the page says that the wording changed
with a system update rather than that the data changed.

The 年度总结's kept copies (``YearCopy``) record it too and are compared the same way.
One number counts the wordings of both documents, so a bump for one of them leaves the
other's words as they were: such a version is listed under the document it did not
change (``MONTH_UNCHANGED_IN``, ``YEAR_UNCHANGED_IN``), and a copy of that document
signed under the version before still reads as this code writes it (``written_as``) —
a month signed before a change of the 年度总结 alone whose data then changes says
「定稿后数据有变化」, not that the difference may be one of wording.

Bump ``WORDING_VERSION`` with every change to what the 月报 or the 年度总结 says or how its text and
tables are laid out (``narrative``, ``tables``, ``csv_export``, the document template):
tests/reports/test_wording_version.py holds the golden text's digest per version and
fails until it is bumped. Do not bump it for a layout the .csv does not show — where
the .docx breaks its pages, say (each 附表 on a page of its own): the comparison reads
the same, and a bump would have every month signed before it say that a difference in
its data may be one of wording only (``final.reworded``).

Bump it too when rewording what waits for review: the pending sentence
(「另有N份完成情况待审核…」, ``formatting.pending_sentence`` / ``pending_sentence_pattern``)
or the 未参与名单's 「有活动待审核」 remark (``tables.pending_remark``). ``final.official``
takes them out of both copies before comparing, recognising them by their words: a
copy kept with the old words would keep them, and differ from the live document.
"""

WORDING_VERSION = 18
# 1: the wording of the first copies that recorded it
# 2: the 附表“责任区进展” counts an admin's own “双创” category (its 人次; its 完成数量 in a
#    column 「其他“双创”工作」 in a month with such work)
# 3: totals give the activities per word (「3场、11次」), never 场 and 次 added: the lead
#    sentence 「开展共建活动…」 and 附表2's 合计
# 4: the funds sentence names each ledger over its own budget (「解放路社区超出其预算
#    1,300.00元」), which the budgets added up could hide; a renamed reference category is
#    worded with its current name, as the 附表 name it
# 5: the 附表“共建活动经费” has one row per (unit, community) ledger — named by its
#    community in a unit's 月报, its unit in a community's — and a 合计 row, not one row
#    of totals
# 6: the 年度总结's 资源清单 sentence says the budgets are not among its items (附表
#    “资源清单完成情况” lists them) and gives the categories in a sentence of their own
#    (「…已完成全年目标6项。各类别完成情况：…」), not after 「其中」, where they read as the
#    items met; 受益 in 户 or 人 summed over more than one activity reads 户次 / 人次
#    (「慰问“空巢”老人15人次」), in the 月报 too, and 人次 of visits add to the 合计's
#    人次; a target short of it in a year that is over reads 「未完成全年目标」, not
#    「慢于时序进度…」 against 100% (the 年度总结's 附表“资源清单完成情况”); the 年度总结 has
#    the 月报's 附表“需求清单和微心愿” (全年发布 / 全年完成) before 共建活动经费; October 2022's
#    月报 reads as in 5 (its 户 and 人 each come from one activity)
# 7: a checklist target of 受益 in 户 or 人, and what is done against it, read as visits,
#    户次 / 人次 (「慰问“空巢”老人目标10人次、完成15人次」), as the sum it is compared with
#    is written: the 年度总结's 资源清单 sentence and its 附表“资源清单完成情况”; the 月报
#    shows no target and reads as in 6
# 8: 受益 in 户 or 人 summed over more than one activity gives the distinct households /
#    people before the visits when every activity names as many 服务对象 as its 受益
#    (「结对帮扶困难群众3户（6户次）」), in the text and 分类统计 of both documents; a sum
#    with an activity that does not reads as in 7 (October 2022 and the 2022 年度总结,
#    whose activities name no 服务对象)
# 9: a total of several units lists them in one fixed order (``formatting.UNIT_ORDER``:
#    场, 次; 人次, 户, 户次, 人), not in the order of the first category with work in each:
#    附表2's (分类统计's) 合计 reads 「5人次、5户次」 in a month whose 人次 are elders
#    visited, not 「5户次、5人次」, and its activities 「1场、2次」; the 年度总结's 分月统计
#    too. October 2022 and the 2022 年度总结 read as in 8 (their units came in that order)
# 10: the 附表“本月活动台账” of the .docx, the .xlsx and the page has the activity and its
#    category in one column 「活动（类别）」, the title over the category, so that printed
#    an eight-character title and category keep their lines (one column fewer); the .csv,
#    which a signed month is compared by, keeps 活动 and 类别 apart and reads as in 9 —
#    so 10 is listed as leaving the words of both documents as they were (the 年度总结
#    has no 台账): a month signed under 9 whose data change still says 「定稿后数据有变化」,
#    and its kept .docx and .xlsx stay as signed. The version tells which ledger a copy's
#    .docx and .xlsx print.
# 11: a part of a unit (unit + community, a liaison's) gives its roll's 人次 and hours
#    with the communities they are counted in (「本单位党员在解放路社区参与11人次…」), as it
#    gives who took part: the 参与情况 page counts the whole unit — in both documents;
#    「均」 ("all") is said of two or more only: one person who took part only in other
#    units' activities reads 「（只参加了其他单位组织的活动）」, one finding of an earlier
#    month 「（为以前月份发现的问题）」. October 2022 and the 2022 年度总结 read as in 10
#    (the whole unit's and a community's, and no 「均」)
# 12: the 年度总结's 资源清单 sentence names whose target each clause of a category with
#    targets in more than one measure is — the zone (or community) in a unit's document,
#    the unit (with its zone) in a community's, as 附表“资源清单完成情况” tells the items
#    apart (「东门一区电子商务培训目标4场、完成1场（25.0%），西门一区电子商务培训目标60人次、
#    …」): each counts only its own items' work, and read bare beside section 一's 3场
#    「完成1场」 read as the category's year (figures43 #2). A category with one target
#    reads as in 11. The 月报 shows no target: 12 is listed as leaving its words as they
#    were; the 2022 年度总结 has no such category and reads as in 11
# 13: so does a clause of a category with one target whose other items, in another
#    measure, have work done against no target (电子商务培训 4场 in 东门一区, 50人次 in
#    西门一区 with none: 「东门一区电子商务培训目标4场、完成1场」): the clause counts its own
#    measure's items only, and section 一 counts them all (review43b #2). A category whose
#    work is all in its target's measure reads as in 12. The 月报 shows no target: 13 is
#    listed as leaving its words as they were; the 2022 年度总结 has no such category
# 14: those clauses name whose target it is as 附表“资源清单完成情况” names the item
#    (``AnnualSummary.item_place``, one rule): in a unit's document the community and
#    zone (「东门社区·一区电子商务培训目标4场…，西门社区·一区电子商务培训目标60人次…」, where
#    13 read 「一区…，一区…」 for two zones of one name, review44 #3), in a community's the
#    unit with the item's zone (「县商务局（一区）」), and that 附表 of a community's
#    document names the zone too, not the unit alone three times (doc44 #1); the 月报's
#    摸排 steps of a month that stepped its own findings and earlier ones tell the earlier
#    ones' alone, after the month's own statuses: 「另整改以前月份发现的问题1处。」
#    (「另移交…N处。」, 「另移交…N处、整改M处。」), no longer the month's total
#    「摸排问题本月移交4处、整改1处（含以前月份发现的问题）。」, which counted its own
#    hand-overs twice (doc44 #3) — a month whose steps were all earlier findings' reads as
#    in 13; and the .xlsx 附表 sheets of a community's document say 「社区：解放路社区」, not
#    「单位：」 (doc44 #2: a layout the .csv does not show, riding on this bump). Both
#    documents' words change: 14 is in neither set below. October 2022 and the 2022
#    年度总结 read as in 13 (no earlier finding stepped; no split category; 解放路社区 has
#    no zones)
# 15: 参与情况 names, in its parenthetical on who took part, the people of the roll whose
#    work of the period all counts for another unit (moved in after it): 「本月参与3人（其中
#    1人只参加了其他单位组织的活动；1人本月调入，参与在调入前，人次和时长计入原单位）」 (the
#    year's 「年内调入」), where they were counted among those who took part beside 人次 that
#    leave them out, or named as taking part only elsewhere (figures50 #1); and its 人次
#    parenthetical says when it includes people the lead calls 不计入参与统计
#    (「…，另含不计入参与统计的1人）」, figures50 #2) — in both documents. October 2022
#    reads as in 14 (nobody moved in, no staff took part); 县商务局's 2022 年度总结 names
#    财政局党员, moved in after her one activity (县财政局's), 「年内调入」
# 16: that part names the units the work counts for, where it said 「原单位」 — which read
#    as her first unit for one who moved out and back within the month (main50):
#    「1人本月调入，参与在调入前，人次和时长计入县财政局」; and of the roll's people whose
#    work all fell on days on no roll and counts for the unit they have moved to since
#    (``stays.unit_then``), who did not necessarily move in, it says so and not 「本月调入」:
#    「1人参与时未在册，人次和时长计入其现所在单位县商务局」 (roll50's open edge case) — in
#    both documents. October 2022 reads as in 15 (nobody moved in); 县商务局's 2022 年度总结
#    reads 「年内调入，参与在调入前，人次和时长计入县财政局」
#    and 参与情况's 人次 parenthetical names the people in them who left the roll in the
#    period after their work, in the lead's words: 「…，另含本月调离的1人）」 (本月离册; the
#    year's 年内调离 / 年内离册), joined with 不计入参与统计 (「另含本月调离的1人、不计入参与
#    统计的1人」), where 「本月参与0人」 stood beside their 人次 unnamed (figures51 #1) — in
#    both documents. October 2022 and the 2022 年度总结 read as in 15 (nobody left a roll
#    after working where the 人次 sentence is printed)
# 17: (roll52) its 调入 part says 「参与在调入前或未在册时」 when one of them also worked on no roll
#     and section 三 of a period whose “双创” work is all or partly on no 责任区 (附表“责任区进展”'s
#    「未分责任区」) says the groups went to the communities (「分组前往东门社区，」), not to their
#    责任区, and a 清除牛皮癣 per zone does not name the community for 未分责任区 alone; the
#    附表 lists 「未分责任区」 last, as the “双创”进展 page does (figures52 #3) — in both
#    documents. October 2022 and the 2022 年度总结 read as in 16 (all their work on zones)
# 18: (words53) the 附表“责任区进展” has a 「未分责任区」 row per community, its 社区 named
#    (「建设路社区 | 未分责任区」, 「解放路社区 | 未分责任区」), in the communities' order after
#    the zones, where one row with an empty 社区 held every community's work on no zone
#    (zones52's open row); a 清除牛皮癣 per zone of several communities names the
#    community of 未分责任区 too (「建设路社区一区5处、解放路社区未分责任区3处」) — in both
#    documents. October 2022 and the 2022 年度总结 read as in 17 (all their work on zones)

# The versions whose change left a document's words as they were (the other document's
# alone changed — 7, 12 and 13 the 年度总结's —, or only what the .csv does not show: 10):
# tests/reports/test_wording_version.py checks them against its digests.
MONTH_UNCHANGED_IN = frozenset({7, 10, 12, 13})
YEAR_UNCHANGED_IN = frozenset({10})


def written_as(version: int, unchanged: frozenset[int]) -> int:
    """The wording a document of ``version`` is written in: the last version at or
    before it that changed that document's words."""
    while version in unchanged:
        version -= 1
    return version
