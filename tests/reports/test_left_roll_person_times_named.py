"""参与情况's 人次 name the people in them who left the roll after their work (figures51
#1): 人次 count a member's work for the unit she had on the activity's day, who took
part counts the roll of the period's last day — so someone who moved to another unit
(调离), or was switched off (离册), after her work is in the 人次 and not among those
who took part. The sentence names her as the lead does (「本月调离的1人」, 「年内离册的1人」),
so that 「本月参与0人」 never stands beside 「本单位党员参与1人次」 with nobody whose 人次
they are; the coverage page (the same rollup) says the same. Taken from figures51's
failing test (rev-figures51, cd78daf5)."""
from __future__ import annotations

import re
from datetime import date

import pytest

from tests import factories as f
from tests.reports.test_document_language import english, fresh_locale
from tests.reports.test_participation_bases_named import docx_text, page_text
from tests.reports.test_participation_story import approved_activity, coverage_sentence
from tracker.extensions import db
from tracker.models import Role
from tracker.reports.annual import build_annual
from tracker.reports.summary import build_summary
from tracker.services import roll

MONTH = "2022-10"


def _world(october, how):
    """县教育局: 甲 (idle) and 乙. 乙 works 县教育局's activity of 10 October with 县商务局's
    郑某某 (so the lead's 人次 differ from the roll's and the sentence prints them), then
    moves to 县财政局 (``how="moved"``) or is taken off the roll (``"off"``) from 20 October."""
    edu = f.unit("县教育局")
    liaison = f.member(edu, Role.liaison, "教育联络", communities=[october.jiefang])
    f.member(edu, name="甲")
    yi = f.member(edu, name="乙")
    approved_activity(edu, october.jiefang, liaison, 10, [yi, october.members["郑某某"]])
    if how == "moved":
        yi.unit_id = october.other_unit.id
    else:
        yi.active = False
    roll.settle(yi, date(2022, 10, 20))
    db.session.commit()
    return edu


# the roll of 31 October: 甲 alone, who did nothing; 乙's 1人次 and 2 hours are
# 县教育局's (hers on 10 October), and she is named in them as the lead names her
MONTH_SAYS = {
    "moved": "本月调离的1人",
    "off": "本月离册的1人",
}
YEAR_SAYS = {"moved": "年内调离的1人", "off": "年内离册的1人"}


def _sentence(period: str, apart: str) -> str:
    """参与情况 of 县教育局's month (``period`` 「本月」) or year (「全年」)."""
    idle = "未参与：甲。" if period == "本月" else "全年未参与：甲。"
    return (f"我局在册党员干部1人，{period}参与0人，参与率0.0%。本单位党员参与1人次、服务时长2.0小时"
            f"（按活动当日所在单位计，含参加其他单位组织的活动，另含{apart}）。{idle}")


@pytest.mark.parametrize("how", ["moved", "off"])
def test_person_times_of_people_who_left_the_roll_after_their_work_are_named(
        client, login, october, how):
    edu = _world(october, how)
    month = _sentence("本月", MONTH_SAYS[how])
    year = _sentence("全年", YEAR_SAYS[how])
    # the lead names her with the same words
    assert f"其中外单位党员干部1人、{MONTH_SAYS[how]}" in build_summary(
        2022, 10, unit=edu).paragraphs[0].text
    assert coverage_sentence(build_summary(2022, 10, unit=edu)) == month
    assert coverage_sentence(build_annual(2022, unit=edu)) == year

    login(october.admin)
    query = f"unit={edu.id}&month={MONTH}"
    assert month in page_text(client, f"/reports/?{query}")
    assert month in docx_text(client, query)
    assert year in page_text(client, f"/reports/annual?unit={edu.id}&year=2022")
    note = {"moved": "人次和服务时长含该期间调离本单位的1人（已不在册，其参与不计入参与党员和参与率）。",
            "off": "人次和服务时长含该期间离册的1人（已不在册，其参与不计入参与党员和参与率）。"}[how]
    for period in ("period=month&month=2022-10", "period=year&year=2022"):
        coverage = page_text(client, f"/progress/coverage?unit={edu.id}&{period}")
        assert note in coverage, period


def test_the_coverage_page_says_it_in_english(client, login, october):
    edu = _world(october, "moved")
    login(october.admin)
    english(client)
    html = client.get(f"/progress/coverage?unit={edu.id}&period=month"
                      f"&month={MONTH}").get_data(as_text=True)
    fresh_locale()
    note = re.search(r'data-figure="moved_out">([^<]*)<', html).group(1)
    assert note == ("Participations and hours include 1 person who moved to another unit "
                    "during the period (no longer on the roll, so not among the members who "
                    "took part nor in the rate).")


def test_someone_who_stays_on_the_roll_is_not_named(october):
    """October 2022's 县商务局: nobody left its roll after working, so its 人次 name
    nobody (and the page's notes are absent: test_participation_bases_named)."""
    summary = build_summary(2022, 10, unit=october.unit)
    assert not re.search("另含", coverage_sentence(summary) or "")
    assert (summary.coverage.moved_out, summary.coverage.left_roll) == (0, 0)
