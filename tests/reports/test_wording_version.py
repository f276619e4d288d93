"""Whoever changes what the 月报 says or how it is laid out bumps ``WORDING_VERSION``.

A signed month's page compares the kept copy with the live document; a copy kept in
another wording than today's code's is told apart by its ``wording_version``
(tracker/reports/wording.py), so that a change of wording is not reported as
「定稿后数据有变化」. That only holds if every change of wording bumps the version: this
test holds, per version, the digests of the October month's document — its golden
text (tests/reports/golden, read by test_narrative.py) and its whole .csv, text and
tables, which is what the page compares — and fails when they change without a bump.
"""
from __future__ import annotations

import hashlib
from datetime import date

import pytest

from tests.reports.test_narrative import GOLDEN
from tracker.reports.csv_export import render_csv
from tracker.reports.summary import build_summary
from tracker.reports.wording import MONTH_UNCHANGED_IN, WORDING_VERSION, YEAR_UNCHANGED_IN

SIGNED = date(2022, 11, 3)

# WORDING_VERSION -> the sha256 of each document of October 2022 in that wording
WORDINGS = {
    1: {
        "县商务局-2022-10.txt":
            "e163fb319d46d5227ad79aa257b1935b2333f2828ffa89e52bd5357fd417c6a7",
        "解放路社区-2022-10.txt":
            "8e6f020e88c17f9aede3717f9f6294ec5cfc357190fa15a0474cb9ea781305ed",
        "县商务局-2022-10.csv":
            "3a0525f0e261c401a3012343e33c427dad3fb427846fc787e5ffe5f136e65a2b",
        "解放路社区-2022-10.csv":
            "0b600b36f758f3b1b0c5049af256f11da8a75841e3b8bbb98951c595bf71298f",
    },
}
# 2: the 附表“责任区进展” counts an admin's own “双创” category's work (人次) and lists its
# 完成数量 in a column 「其他“双创”工作」 — in a month with such work only, which October
# 2022 is not: its documents read as in 1
WORDINGS[2] = WORDINGS[1]
# 3: the lead gives the activities per word (「开展共建活动3场、11次」), as the 附表's 合计
# does, no longer 场 and 次 added (「14次」)
WORDINGS[3] = {
    "县商务局-2022-10.txt":
        "4b6f131c9fa73c6fb2cc3ad008dbbc313c4202b21d538d0830b1d4cdff77fa3d",
    "解放路社区-2022-10.txt":
        "8584cde7eabfb241c660d08528bbb23c32bd25c1592f2be24c04b3a1a4d9e199",
    "县商务局-2022-10.csv":
        "1884463be36b8daa84303235a3f56a2132cb6e55483bd0d9555e728e2f67b695",
    "解放路社区-2022-10.csv":
        "3b242979dbdd251ed6500529c5c04cb3af3544ddd69a83a17087178ca9d6a3f1",
}
# 4: each ledger over its own budget is named in the funds sentence, and a renamed
# reference category is worded with its current name — neither happens in October 2022
WORDINGS[4] = WORDINGS[3]
# 5: the 附表“共建活动经费” lists each (unit, community) ledger — by its community in a
# unit's 月报, its unit in a community's — then a 合计 row; the text reads as in 4
WORDINGS[5] = {
    **WORDINGS[4],
    "县商务局-2022-10.csv":
        "cc4d3ac0b71db82a7e64ff1308ccf4dd5709c8f4992326194f6e04543df22841",
    "解放路社区-2022-10.csv":
        "0c4d886d6025d872f37c3822468da9e94200cc76dc764771b94bff1915aff058",
}
# 6: the 年度总结's 资源清单 sentence (「（不含共建活动经费）」, 「。各类别完成情况：」); the
# 月报 reads as in 5
WORDINGS[6] = WORDINGS[5]
# 7: a checklist target of 受益 in 户 or 人 reads 户次 / 人次 — in the 年度总结 only: the
# 月报 shows no target and reads as in 6
WORDINGS[7] = WORDINGS[6]
# 8: a sum of 受益 in 户 or 人 whose activities all name their 服务对象 gives the distinct
# households / people (「3户（6户次）」) — October 2022's activities name none: as in 7
WORDINGS[8] = WORDINGS[7]
# 9: a total lists its units in one fixed order (人次 before 户次, 场 before 次) — October
# 2022's came in that order already: as in 8
WORDINGS[9] = WORDINGS[8]
# 10: the printed 台账 (.docx, .xlsx, the page) has 活动 and 类别 in one column
# 「活动（类别）」; the .csv keeps them apart, and every month reads there as in 9
# (``MONTH_UNCHANGED_IN``)
WORDINGS[10] = WORDINGS[9]
# 11: a part's roll 人次 name its communities, and 「均」 only of two or more — October
# 2022 has no part and no 「均」: as in 10
WORDINGS[11] = WORDINGS[10]
# 12: the 年度总结's 资源清单 sentence names whose target each clause of a category with
# targets in several measures is — the 月报 shows no target: as in 11 (``MONTH_UNCHANGED_IN``)
WORDINGS[12] = WORDINGS[11]
# 13: also a category's clause beside untargeted work of the category in another
# measure — the 月报 shows no target: as in 12 (``MONTH_UNCHANGED_IN``)
WORDINGS[13] = WORDINGS[12]
# 14: a month that stepped its own findings and earlier ones tells the earlier ones'
# steps alone (「另整改以前月份发现的问题1处。」) — October 2022 stepped its own only: as
# in 13 (the 年度总结's clauses named as its 附表 names the items change no 月报)
WORDINGS[14] = WORDINGS[13]
# 15: 参与情况 names those of the roll whose work all counts for another unit (moved in
# after it) and says when its 人次 include people off the roll — nobody moved in and no
# staff took part in October 2022: as in 14
WORDINGS[15] = WORDINGS[14]
# 16: that part names the units their work counts for (「…计入县财政局」, not 「原单位」),
# and those whose work was on no roll, counted for the unit they moved to since, read
# 「参与时未在册…」, not 「本月调入」 (roll51) — nobody of the kind in October 2022: as in 15
# and 参与情况's 人次 name those who left the roll after their work (本月调离 / 本月离册) —
# nobody did in October 2022 where the 人次 sentence is printed: as in 15
WORDINGS[16] = WORDINGS[15]
# 17: the 调入 part says 「参与在调入前或未在册时」 when one of its people also worked on no
# roll (roll52) — nobody of the kind in October 2022: as in 16
# and section 三 says 「前往…社区，」 when some of the “双创” work is on no 责任区, and the
# 附表 lists 「未分责任区」 last (figures52 #3) — all of October 2022's is on zones: as in 16
WORDINGS[17] = WORDINGS[16]
# 18: a 「未分责任区」 row per community in the 附表, its 社区 named, and section 三's
# 清除牛皮癣 naming the community of 未分责任区 beside another community's zone (words53)
# — all of October 2022's “双创” work is on zones: as in 17
WORDINGS[18] = WORDINGS[17]
# The wordings whose change does not show in October 2022's documents (each is worded as
# the one before it there): October reading as one of these, or as the wording just
# before a run of them, is not a change reverted.
ALIKE_IN_OCTOBER = {2, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18}

BUMP = ("the 月报's wording changed: bump WORDING_VERSION in tracker/reports/wording.py "
        "and add the new digests under the new version here (signed months then say their "
        "wording changed, not their data)")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def documents(october) -> dict[str, str]:
    unit = build_summary(2022, 10, unit=october.unit, today=SIGNED)
    jiefang = build_summary(2022, 10, community=october.jiefang, today=SIGNED)
    return {
        **{name: digest((GOLDEN / name).read_bytes())
           for name in ("县商务局-2022-10.txt", "解放路社区-2022-10.txt")},
        "县商务局-2022-10.csv": digest(render_csv(unit)),
        "解放路社区-2022-10.csv": digest(render_csv(jiefang)),
    }


def test_a_change_of_wording_bumps_the_wording_version(october):
    got = documents(october)
    assert WORDING_VERSION == max(WORDINGS), "WORDING_VERSION is the newest wording listed here"
    older = [version for version, digests in WORDINGS.items()
             if digests == got and version != WORDING_VERSION
             and not set(range(version + 1, WORDING_VERSION + 1)) <= ALIKE_IN_OCTOBER]
    assert not older, f"the 月报 reads as wording {older[0]} again: bump WORDING_VERSION anyway"
    assert got == WORDINGS[WORDING_VERSION], BUMP


@pytest.mark.parametrize("version", sorted(WORDINGS))
def test_every_wording_lists_every_document(version):
    assert set(WORDINGS[version]) == set(WORDINGS[max(WORDINGS)])


# The 年度总结's kept copies (``YearCopy``) record the wording too: its golden documents
# (tests/reports/test_annual_golden.py, text and 附表) per version, from the version
# they were first written in
ANNUAL_WORDINGS = {
    6: {
        "县商务局-2022-annual.txt":
            "6796e8fb283ca55ee40e63ae7b480933fc4e403253f7b5ec2f55a5a8609b2f2a",
        "解放路社区-2022-annual.txt":
            "de17deecb7cb455df2763d6785449cea2e5b8076299d6228b0059bc7020129e6",
    },
    # 7: the 帮扶 and 慰问 targets and their completion in 户次 / 人次 (「目标10户次、完成5户次」)
    7: {
        "县商务局-2022-annual.txt":
            "fb4103718ab5d0ad8edfce2b3e1906c58439f40365add16b2c66eb376d77d5b4",
        "解放路社区-2022-annual.txt":
            "366968c024ddcb4f092a50ad904ba1e4259762facd3eccdb33a024b03be3d182",
    },
}
# 8: the distinct households / people of a sum whose activities all name them — the
# 2022 year's name none: it reads as in 7
ANNUAL_WORDINGS[8] = ANNUAL_WORDINGS[7]
# 9: the units of a total in one fixed order — the 2022 year's already were: as in 8
ANNUAL_WORDINGS[9] = ANNUAL_WORDINGS[8]
# 10: the 月报's printed 台账 — the 年度总结 has none: as in 9 (``YEAR_UNCHANGED_IN``)
ANNUAL_WORDINGS[10] = ANNUAL_WORDINGS[9]
# 11: the 年度总结 of a part and 「均」 of one — the 2022 years' have neither: as in 10
ANNUAL_WORDINGS[11] = ANNUAL_WORDINGS[10]
# 12: whose target each clause of a category with targets in several measures is — the
# 2022 years' categories have one measure each: as in 11
ANNUAL_WORDINGS[12] = ANNUAL_WORDINGS[11]
# 13: so does a clause beside untargeted work of its category in another measure — the
# 2022 years' categories have one measure each: as in 12
ANNUAL_WORDINGS[13] = ANNUAL_WORDINGS[12]
# 14: those clauses named as the 附表 names the items, and a community's 附表“资源清单
# 完成情况” names a unit's zone item 「县商务局（一区）」 — the 2022 years' categories have
# one measure each, 解放路社区 has no zones, 县商务局's document names its communities'
# as before: as in 13
ANNUAL_WORDINGS[14] = ANNUAL_WORDINGS[13]
# 15: 参与情况's 「年内调入」 part and its 人次 with people off the roll — 县商务局's 2022
# names 财政局党员 (moved in on 15 November; her one activity was 县财政局's, as its
# member) 年内调入 where it said 只参加了其他单位组织的活动; 解放路社区's has no 参与情况
ANNUAL_WORDINGS[15] = {
    **ANNUAL_WORDINGS[14],
    "县商务局-2022-annual.txt":
        "9ea73ea02ac03f73e5f88a531e21bc56fa5359c5537780d2c5dfeac6eb86e3cb",
}
# 16: the 「年内调入」 part names the unit her work counts for — 县商务局's 2022 reads
# 「…人次和时长计入县财政局」 where it read 「计入原单位」; 解放路社区's has no 参与情况
ANNUAL_WORDINGS[16] = {
    **ANNUAL_WORDINGS[15],
    "县商务局-2022-annual.txt":
        "01b5dfdaaac1c1c99ac599cb5963e4078ad6aae1e6ae13e3d0a8e732203ebd5c",
}


def test_a_change_of_the_annual_wording_bumps_the_wording_version():
    got = {name: digest((GOLDEN / name).read_bytes()) for name in ANNUAL_WORDINGS[6]}
    newest = max(ANNUAL_WORDINGS)  # the year may read as it did under a later 月报 bump
    assert newest <= WORDING_VERSION
    assert got == ANNUAL_WORDINGS[newest], BUMP


def test_a_version_listed_as_leaving_a_document_unchanged_left_its_golden_text_alone():
    """A version under ``MONTH_UNCHANGED_IN`` (``YEAR_UNCHANGED_IN``) has a signed month
    (year) of the version before read as today's, so its change must not show in that
    document's golden text: the digests here are the same as the version before's."""
    for version in MONTH_UNCHANGED_IN:
        assert WORDINGS[version] == WORDINGS[version - 1], version
    for version in YEAR_UNCHANGED_IN:
        assert ANNUAL_WORDINGS[version] == ANNUAL_WORDINGS[version - 1], version
    # the 年度总结's 7 changed it, so it cannot be listed as leaving the year alone
    assert ANNUAL_WORDINGS[7] != ANNUAL_WORDINGS[6] and 7 not in YEAR_UNCHANGED_IN
