"""One month built by hand, with moves on given days: the 月报's lead and its 参与情况
tell who is the unit's by one rule — the unit's roll of the month's last day — so the
lead's people less the parts it names are exactly 参与情况's people.

November 2022, 县商务局 (A) and 县财政局 (B), all work in 解放路社区:

- 甲 (A) works A's activity on 5 November and stays: A's own;
- 乙 (A) works it, then moves to B from 16 November: 本月调离;
- 丙 (B) works it as B's member, then moves to A from 16 November: A's own (on its roll
  at the month's end), not 外单位;
- 丁 (A) is switched off on 10 November and on again on 20 November, and works A's
  activity on 25 November: simply A's own;
- 己 (A) works on 5 November, then is set 计入参与统计 否 from 12 November: 本月离册;
- 戊 (B) works A's activity on 25 November and stays B's: 外单位;
- A's liaison (staff, off the roll) works on 5 November: 不计入参与统计;
- 庚 (A) does nothing: A's 未参与.
"""
from datetime import date

import pytest

from tests import factories as f
from tests.reports.test_participation_story import agree, approved_activity
from tracker.extensions import db
from tracker.models import Role
from tracker.reports.summary import build_summary
from tracker.services import roll


def _move(member, unit, day):
    member.unit_id = unit.id
    roll.settle(member, day)


def _set(member, day, **state):
    for name, value in state.items():
        setattr(member, name, value)
    roll.settle(member, day)


@pytest.fixture
def november(app):
    a, b = f.unit("县商务局"), f.unit("县财政局")
    jiefang = f.community("解放路社区")
    liaison = f.member(a, Role.liaison, "联络员", communities=[jiefang])
    people = {name: f.member(a, name=name) for name in ("甲", "乙", "丁", "己", "庚")}
    people.update({name: f.member(b, name=name) for name in ("丙", "戊")})
    db.session.flush()
    approved_activity(a, jiefang, liaison, 5, [people[n] for n in ("甲", "乙", "丙", "己")]
                      + [liaison], month=11)
    _set(people["丁"], date(2022, 11, 10), active=False)
    _set(people["己"], date(2022, 11, 12), on_roll=False)
    _move(people["乙"], b, date(2022, 11, 16))
    _move(people["丙"], a, date(2022, 11, 16))
    _set(people["丁"], date(2022, 11, 20), active=True)
    approved_activity(a, jiefang, liaison, 25, [people["丁"], people["戊"]], month=11)
    db.session.commit()
    return a, b


def test_the_lead_names_each_person_off_the_units_roll_once_and_adds_up(november):
    a, _b = november
    summary = build_summary(2022, 11, unit=a)
    assert summary.paragraphs[0].text == (
        "11月份，我局组织党员干部深入解放路社区开展共建活动2次，参与党员干部7人次（7人，"
        "其中外单位党员干部1人、本月调离的1人、本月离册的1人、不计入参与统计的1人），"
        "累计志愿服务14.0小时，扎实推进社区共建工作。现将有关情况汇报如下：")
    # A's roll of 30 November: 甲, 丙 (moved in), 丁 (back on it), 庚; three took part,
    # the lead's 7 less its 4 named parts
    coverage = [p.text for p in summary.paragraphs if "在册党员干部" in p.text]
    # and the 人次 of A's people by the unit they had on each activity's day (the
    # 参与情况 page's figure): 甲, 乙, 己 on the 5th, 丁 on the 25th, and the liaison
    # (A's account, on no roll) — 5 of 2 hours each; 丙 was B's on the 5th, his only
    # work: named as moved in after it, and the liaison as in the 人次 (figures50 #1, #2),
    # and so are 乙 and 己, who left the roll after theirs, in the lead's words (figures51 #1)
    assert coverage == ["我局在册党员干部4人，本月参与3人（其中1人本月调入，参与在调入前，"
                        "人次和时长计入县财政局），参与率75.0%。本单位党员参与5人次、服务时长10.0小时"
                        "（按活动当日所在单位计，含参加其他单位组织的活动，另含本月调离的1人、"
                        "本月离册的1人、不计入参与统计的1人）。"
                        "未参与：庚。"]
    agree(summary)


def test_the_unit_moved_to_counts_the_mover_on_its_roll(november):
    _a, b = november
    summary = build_summary(2022, 11, unit=b)
    # B has no activity of its own in November; 乙 (moved in) and 戊 worked A's
    coverage = [p.text for p in summary.paragraphs if "在册党员干部" in p.text]
    # B's people's 人次 by their unit on the day: 丙 on the 5th (B's then), 戊 on the 25th;
    # 乙's only work was A's by its day: named as moved in after it (figures50 #1); 丙,
    # off B's roll at the month's end, is named in its 人次 (figures51 #1)
    assert coverage == ["我局在册党员干部2人，本月参与2人（其中1人只参加了其他单位组织的活动；"
                        "1人本月调入，参与在调入前，人次和时长计入县商务局），"
                        "参与率100.0%。本单位党员参与2人次、服务时长4.0小时"
                        "（按活动当日所在单位计，含参加其他单位组织的活动，另含本月调离的1人）。"]
