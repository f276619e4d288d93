"""The 年度总结's lead names each person 参与情况 does not count, by the 月报's rule run
over the year (docs/design.md, "Reports": decided per member against the unit's roll of
the period's last day — on it during the period but off it at its end, 调离 (another
unit's then) or 离册; never on it, 外单位 or 不计入参与统计 (staff)), worded for the year:
「年内调离」, 「年内离册」 (review "annual2" #2).

2022, 县商务局 (A) and 县财政局 (B), all work in 解放路社区, two activities of A of 2 hours
each, on 5 March and on 25 October:

- 甲 (A) works on 5 March and stays: A's own;
- 乙 (A) works on 5 March, then moves to B from 1 July: 年内调离;
- 丙 (B) works on 5 March as B's member, then moves to A from 1 July: A's own (on its
  roll at the year's end), not 外单位;
- 己 (A) works on 5 March, then is set 计入参与统计 否 from 1 August: 年内离册;
- A's liaison (staff, off the roll) works on 5 March: 不计入参与统计;
- 戊 (B) works on 25 October and stays B's: 外单位;
- 庚 (A) does nothing: A's 全年未参与.
"""
from datetime import date

import pytest

from tests import factories as f
from tests.reports.test_participation_story import approved_activity
from tracker.extensions import db
from tracker.models import Role
from tracker.reports.annual import build_annual
from tracker.services import roll


def _move(member, unit, day):
    member.unit_id = unit.id
    roll.settle(member, day)


def _off_roll(member, day):
    member.on_roll = False
    roll.settle(member, day)


@pytest.fixture
def year_2022(app):
    a, b = f.unit("县商务局"), f.unit("县财政局")
    jiefang = f.community("解放路社区")
    liaison = f.member(a, Role.liaison, "联络员", communities=[jiefang])
    people = {name: f.member(a, name=name) for name in ("甲", "乙", "己", "庚")}
    people.update({name: f.member(b, name=name) for name in ("丙", "戊")})
    db.session.flush()
    approved_activity(a, jiefang, liaison, 5, [people[n] for n in ("甲", "乙", "丙", "己")]
                      + [liaison], month=3)
    _move(people["乙"], b, date(2022, 7, 1))
    _move(people["丙"], a, date(2022, 7, 1))
    _off_roll(people["己"], date(2022, 8, 1))
    approved_activity(a, jiefang, liaison, 25, [people["戊"]], month=10)
    db.session.commit()
    return a, b


def test_the_lead_names_who_left_moved_or_is_off_the_roll_in_the_year(year_2022):
    a, _b = year_2022
    s = build_annual(2022, unit=a)
    # 6 people on A's two activities (甲 乙 丙 己 the liaison, 戊), 6人次 of 2 hours
    assert s.paragraphs[0].text == (
        "2022年，我局组织党员干部深入解放路社区开展共建活动2次，参与党员干部6人次（6人，"
        "其中外单位党员干部1人、年内调离的1人、年内离册的1人、不计入参与统计的1人），"
        "累计志愿服务12.0小时，扎实推进社区共建工作。现将全年工作总结如下：")
    # A's roll of 31 December: 甲, 丙 (moved in), 庚; 甲 and 丙 took part — the lead's 6
    # less its 4 named parts. The roll's 人次 by the unit of each activity's day: 甲, 乙,
    # 己 and the liaison (A's account, on no roll) on 5 March, 4 of 2 hours; 丙 was B's,
    # his only work: named as moved in after it, the liaison as in the 人次 (figures50),
    # and 乙 and 己, who left the roll after theirs, in the lead's words (figures51 #1)
    coverage = next(p.text for p in s.paragraphs if p.heading.endswith("参与情况。"))
    assert coverage == ("我局在册党员干部3人，全年参与2人（其中1人年内调入，参与在调入前，"
                        "人次和时长计入县财政局），参与率66.7%。本单位党员参与4人次、服务时长8.0小时"
                        "（按活动当日所在单位计，含参加其他单位组织的活动，另含年内调离的1人、"
                        "年内离册的1人、不计入参与统计的1人）。"
                        "全年未参与：庚。")


def test_the_unit_moved_to_names_nobody_apart(year_2022):
    """B ran no activity: its lead is the empty year's, and 参与情况 follows unnumbered,
    as in an empty 月报 where someone took part (review "annual" #2); 乙 (moved in) is
    B's own and worked only A's activity, as A's member then (named as moved in after
    it, figures50 #1); 戊 worked A's activity as B's."""
    _a, b = year_2022
    s = build_annual(2022, unit=b)
    assert s.paragraphs[0].text == "本年度暂无已审核的共建活动。"
    assert not any(p.heading for p in s.paragraphs)
    coverage = s.paragraphs[1].text
    assert coverage.startswith("我局在册党员干部2人，全年参与2人（其中1人只参加了其他单位组织的活动；"
                               "1人年内调入，参与在调入前，人次和时长计入县商务局），参与率100.0%。")
