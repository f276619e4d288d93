"""参与情况 counts people and 人次 on two bases (design.md, 月报): who took part is the roll
of the period's last day with any approved work of the period; 人次 and hours are the
unit's by the unit a member had on the activity's day. Where the two part, the sentence
says so on its face, so that no figure of it reads as a slip beside another
(figures50 #1, #2): a member who moved in after all her work of the month took part,
and her 人次 are her former unit's; the people the lead calls 「不计入参与统计」 are in
the 人次. The coverage page (the same rollup) says the same."""
from __future__ import annotations

import io
import re
from datetime import date

from docx import Document

from tests import factories as f
from tests.reports.test_document_language import english, fresh_locale
from tests.reports.test_participation_story import approved_activity, coverage_sentence
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, Role
from tracker.reports.summary import build_summary
from tracker.services import roll

MONTH = "2022-10"


def moved_in_after_her_work(october, *, also_elsewhere=False):
    """韩梅 (县商务局) works 县商务局's activity on 10 October, then moves to 县财政局 from
    15 October and does nothing more that month. 县商务局's 郑某某 works 县财政局's
    宣讲, so that 县财政局's lead and roll figures differ and its sentence gives its
    人次. ``also_elsewhere``: a member of 县财政局 works only 县商务局's activity too."""
    mover = f.member(october.unit, name="韩梅")
    people = [mover]
    if also_elsewhere:
        people.append(f.member(october.other_unit, name="财政局干部"))
    approved_activity(october.unit, october.jiefang, october.liaison, 10, people)
    db.session.add(Assignment(task_id=october.tasks["财政局宣讲"].id,
                              member_id=october.members["郑某某"].id,
                              status=AssignmentStatus.done, minutes=120))
    mover.unit_id = october.other_unit.id
    roll.settle(mover, date(2022, 10, 15))
    db.session.commit()


def docx_text(client, query: str) -> str:
    docx = Document(io.BytesIO(client.get(f"/reports/monthly.docx?{query}").data))
    return "\n".join(p.text for p in docx.paragraphs)


def page_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.get_data(as_text=True)))


# the roll of 31 October: 财政局党员 (in 县财政局's 宣讲) and 韩梅 (in 县商务局's activity,
# 县商务局's on its day): two took part, one 人次 is 县财政局's
MOVED_IN = ("我局在册党员干部2人，本月参与2人（其中1人本月调入，参与在调入前，人次和时长计入县商务局），"
            "参与率100.0%。本单位党员参与1人次、服务时长2.0小时（按活动当日所在单位计，"
            "含参加其他单位组织的活动）。")


def test_a_member_who_moved_in_after_her_work_is_named_as_such(client, login, october):
    moved_in_after_her_work(october)
    other = build_summary(2022, 10, unit=october.other_unit)
    assert coverage_sentence(other) == MOVED_IN
    # her work stays where the day's unit puts it: 县商务局's lead names her 本月调离
    assert "本月调离的1人" in build_summary(2022, 10, unit=october.unit).paragraphs[0].text

    login(october.admin)
    query = f"unit={october.other_unit.id}&month={MONTH}"
    assert MOVED_IN in page_text(client, f"/reports/?{query}")
    assert MOVED_IN in docx_text(client, query)
    coverage = page_text(client, f"/progress/coverage?unit={october.other_unit.id}"
                                 f"&period=month&month={MONTH}")
    assert "参与党员中有1人在该期间调入本单位，参与在调入前，人次和服务时长计入县商务局。" in coverage


def test_each_person_is_named_in_one_part_only(october):
    moved_in_after_her_work(october, also_elsewhere=True)
    other = build_summary(2022, 10, unit=october.other_unit)
    # 财政局干部 only in 县商务局's activity, 韩梅 moved in after hers: one part each (the
    # roll's 2人次 and 4.0 hours are the lead's here, so the sentence does not repeat them)
    assert coverage_sentence(other) == (
        "我局在册党员干部3人，本月参与3人（其中1人只参加了其他单位组织的活动；1人本月调入，"
        "参与在调入前，人次和时长计入县商务局），参与率100.0%。")
    assert (other.coverage.person_times, other.coverage.minutes) == (2, 240)


def test_the_year_says_it_too(client, login, october):
    moved_in_after_her_work(october)
    login(october.admin)
    annual = page_text(client, f"/reports/annual?unit={october.other_unit.id}&year=2022")
    assert "全年参与2人（其中1人年内调入，参与在调入前，人次和时长计入县商务局）" in annual


def test_the_coverage_page_says_it_in_english(client, login, october):
    moved_in_after_her_work(october)
    login(october.admin)
    english(client)
    html = client.get(f"/progress/coverage?unit={october.other_unit.id}&period=month"
                      f"&month={MONTH}").get_data(as_text=True)
    fresh_locale()
    note = re.search(r'data-figure="moved_in">([^<]*)<', html).group(1)
    assert note == ("1 of the members who took part moved to this unit during the period, "
                    "after taking part: those participations and hours count for 县商务局.")


# 县商务局's October (tests/reports/dataset.py) with a liaison (计入参与统计 否) beside 王芳
# and 县财政局's 财政局党员: 48人次 of the unit's members before, + 王芳 and the liaison
STAFF = ("我局在册党员干部15人，本月参与13人，参与率86.7%。本单位党员参与50人次、服务时长130.5小时"
         "（按活动当日所在单位计，含参加其他单位组织的活动，另含不计入参与统计的1人）。"
         "未参与：冯某某、郑某某。")


def test_the_people_the_lead_calls_not_counted_are_said_to_be_in_the_person_times(
        client, login, october):
    staff = f.member(october.unit, Role.liaison, name="社区联络员乙")
    outsider = next(m for m in october.other_unit.members if m.name == "财政局党员")
    approved_activity(october.unit, october.jiefang, october.liaison, 20,
                      [staff, october.members["王芳"], outsider])
    db.session.commit()
    summary = build_summary(2022, 10, unit=october.unit)
    assert "（15人，其中外单位党员干部1人、不计入参与统计的1人）" in summary.paragraphs[0].text
    assert coverage_sentence(summary) == STAFF

    login(october.admin)
    query = f"unit={october.unit.id}&month={MONTH}"
    assert STAFF in page_text(client, f"/reports/?{query}")
    assert STAFF in docx_text(client, query)
    coverage = page_text(client, f"/progress/coverage?unit={october.unit.id}"
                                 f"&period=month&month={MONTH}")
    assert ("人次和服务时长含不计入参与统计的1人（不在册，其参与不计入参与党员和参与率）。"
            in coverage)


def test_a_month_with_neither_says_neither(client, login, october):
    summary = build_summary(2022, 10, unit=october.unit)
    assert "调入" not in coverage_sentence(summary)
    login(october.admin)
    html = client.get(f"/progress/coverage?unit={october.unit.id}&period=month"
                      f"&month={MONTH}").get_data(as_text=True)
    assert 'data-figure="moved_in"' not in html and 'data-figure="off_roll"' not in html


def test_the_two_parts_are_joined_in_the_reader_s_language(app):
    """The parts of the parenthetical are joined as the catalog joins a list of clauses
    (「；」 in Chinese, "; " in English), never a Chinese semicolon inside English."""
    from types import SimpleNamespace

    from flask_babel import force_locale

    from tracker.reports.narrative import took_part_parts

    cov = SimpleNamespace(elsewhere_only=1, moved_in=2, moved_in_units=("县财政局",),
                          moved_in_off_roll=False, counted_now=0, counted_now_units=(), took_part=5)
    with app.test_request_context():
        with force_locale("zh_CN"):
            assert took_part_parts(cov) == (
                "（其中1人只参加了其他单位组织的活动；2人本月调入，参与在调入前，人次和时长计入县财政局）")
        with force_locale("en"):
            said = took_part_parts(cov)
    assert "；" not in said and "; " in said, said


# roll51: the unit her work counts for is named, and 「本月调入」 is said only of a move in


def moved_out_and_back(october):
    """韩梅 (县财政局, on its roll all along) moves to 县商务局 from 5 October, works
    县商务局's activity on 10 October and moves back to 县财政局 from 15 October: her work
    counts for 县商务局, the unit she came back from, not 县财政局, her first (main50)."""
    mover = f.member(october.other_unit, name="韩梅")
    mover.unit_id = october.unit.id
    roll.settle(mover, date(2022, 10, 5))
    approved_activity(october.unit, october.jiefang, october.liaison, 10, [mover])
    mover.unit_id = october.other_unit.id
    roll.settle(mover, date(2022, 10, 15))
    db.session.commit()


def worked_before_her_roll_then_moved(october):
    """韩梅 (县财政局) is on no roll until 15 October, when she joins 县财政局's; her one
    activity (县商务局's, 10 October) is before it, and on 10 November she moves to
    县商务局. Work on a day on no roll counts for the unit she is in now
    (``stays.unit_then``): 县商务局, the unit she moved to after October — she did not
    move in during October (roll50's open edge case)."""
    member = f.member(october.other_unit, name="韩梅", on_roll=False)
    approved_activity(october.unit, october.jiefang, october.liaison, 10, [member])
    member.on_roll = True
    roll.settle(member, date(2022, 10, 15))
    member.unit_id = october.unit.id
    roll.settle(member, date(2022, 11, 10))
    db.session.commit()


OUT_AND_BACK = ("我局在册党员干部2人，本月参与2人（其中1人本月调入，参与在调入前，人次和时长计入县商务局），"
                "参与率100.0%。")
BEFORE_HER_ROLL = ("我局在册党员干部2人，本月参与2人（其中1人参与时未在册，人次和时长计入其现所在单位县商务局），"
                   "参与率100.0%。")


def csv_text(client, query: str) -> str:
    return client.get(f"/reports/monthly.csv?{query}").data.decode("utf-8-sig")


def says_it_everywhere(client, login, october, sentence: str) -> None:
    """The 月报 of 县财政局's October says ``sentence`` in its 参与情况: built, on its
    page, in its Word file and in its .csv (the .xlsx writes the same paragraphs)."""
    assert coverage_sentence(build_summary(2022, 10, unit=october.other_unit)) == sentence
    login(october.admin)
    query = f"unit={october.other_unit.id}&month={MONTH}"
    assert sentence in page_text(client, f"/reports/?{query}")
    assert sentence in docx_text(client, query)
    assert sentence in csv_text(client, query)


def english_note(client, october, figure: str) -> str:
    english(client)
    html = client.get(f"/progress/coverage?unit={october.other_unit.id}&period=month"
                      f"&month={MONTH}").get_data(as_text=True)
    fresh_locale()
    return re.search(rf'data-figure="{figure}">([^<]*)<', html).group(1)


def test_one_who_moved_out_and_back_is_said_to_count_for_the_unit_she_came_back_from(
        client, login, october):
    moved_out_and_back(october)
    says_it_everywhere(client, login, october, OUT_AND_BACK)
    assert english_note(client, october, "moved_in") == (
        "1 of the members who took part moved to this unit during the period, after "
        "taking part: those participations and hours count for 县商务局.")


def test_work_on_no_roll_counted_for_a_later_unit_is_not_called_a_move_in(
        client, login, october):
    worked_before_her_roll_then_moved(october)
    says_it_everywhere(client, login, october, BEFORE_HER_ROLL)
    assert "调入" not in coverage_sentence(build_summary(2022, 10, unit=october.other_unit))
    coverage = page_text(client, f"/progress/coverage?unit={october.other_unit.id}"
                                 f"&period=month&month={MONTH}")
    assert "参与党员中有1人参与时未在册，人次和服务时长计入其现所在单位县商务局。" in coverage
    assert "调入本单位" not in coverage
    assert english_note(client, october, "counted_now") == (
        "1 of the members who took part did so while on no unit's roll: those "
        "participations and hours count for the unit they are in now, 县商务局.")


# units51 (review51 #2): the page names the units as the 月报 does — five, then 「等N个单位」


def moved_through_seven_units(october):
    """韩梅 moves through 县第0局 … 县第6局 in October, working one activity on each
    stay (县商务局's, so every one counts for the unit she had on its day), and then
    to 县财政局 from 25 October: her work counts for seven units."""
    units = [f.unit(f"县第{i}局") for i in range(7)]
    mover = f.member(october.unit, name="韩梅")
    for i, unit in enumerate(units):
        mover.unit_id = unit.id
        roll.settle(mover, date(2022, 10, 2 + 3 * i))
        approved_activity(october.unit, october.jiefang, october.liaison, 3 + 3 * i, [mover])
    mover.unit_id = october.other_unit.id
    roll.settle(mover, date(2022, 10, 25))
    db.session.commit()


def test_more_than_five_units_are_named_on_the_page_as_in_the_month_report(
        client, login, october):
    moved_through_seven_units(october)
    named = "县第0局、县第1局、县第2局、县第3局、县第4局等7个单位"
    assert f"人次和时长计入{named}" in coverage_sentence(
        build_summary(2022, 10, unit=october.other_unit))
    login(october.admin)
    coverage = page_text(client, f"/progress/coverage?unit={october.other_unit.id}"
                                 f"&period=month&month={MONTH}")
    assert f"参与党员中有1人在该期间调入本单位，参与在调入前，人次和服务时长计入{named}。" in coverage
    # in English too, by the same rule, with the page's separator
    assert english_note(client, october, "moved_in").endswith(
        "count for 县第0局, 县第1局, 县第2局, 县第3局, 县第4局 and others (7 units).")


# roll52: one person with work of both kinds, one of them in a gap between her stays here


def moved_in_with_a_gap(october):
    """韩梅 (县商务局) works 县商务局's activity on 3 October, moves to 县财政局 from 5
    October, is off every roll from 8 October (计入参与统计 否), works 县商务局's activity
    on 10 October and is back on 县财政局's roll from 15 October; on 10 January 2023 she
    moves to 县教育局. Her 3 October counts for 县商务局 (her stay), her 10 October for 县教育局
    (the unit she is in now): none of her October is 县财政局's. The 10 October was after
    she moved in, in a gap between her two stays in 县财政局: 「参与在调入前」 alone would
    be untrue of it."""
    education = f.unit("县教育局")
    mover = f.member(october.unit, name="韩梅")
    approved_activity(october.unit, october.jiefang, october.liaison, 3, [mover])
    for day, change in ((5, dict(unit_id=october.other_unit.id)), (8, dict(on_roll=False)),
                        (15, dict(on_roll=True))):
        for name, value in change.items():
            setattr(mover, name, value)
        roll.settle(mover, date(2022, 10, day))
        if day == 8:
            approved_activity(october.unit, october.jiefang, october.liaison, 10, [mover])
    mover.unit_id = education.id
    roll.settle(mover, date(2023, 1, 10))
    db.session.commit()


BOTH_KINDS = ("我局在册党员干部2人，本月参与2人（其中1人本月调入，参与在调入前或未在册时，人次和时长计入"
              "县商务局、县教育局），参与率100.0%。")


def test_one_with_work_before_she_moved_in_and_on_no_roll_after_it_is_said_truly(
        client, login, october):
    moved_in_with_a_gap(october)
    says_it_everywhere(client, login, october, BOTH_KINDS)
    annual = page_text(client, f"/reports/annual?unit={october.other_unit.id}&year=2022")
    assert ("我局在册党员干部2人，全年参与2人（其中1人年内调入，参与在调入前或未在册时，人次和时长计入"
            "县商务局、县教育局），参与率100.0%。" in annual)
    coverage = page_text(client, f"/progress/coverage?unit={october.other_unit.id}"
                                 f"&period=month&month={MONTH}")
    assert ("参与党员中有1人在该期间调入本单位，参与在调入前或未在册时，人次和服务时长计入"
            "县商务局、县教育局。" in coverage)
    assert english_note(client, october, "moved_in") == (
        "1 of the members who took part moved to this unit during the period, and took "
        "part before moving in or while on no unit's roll: those participations and "
        "hours count for 县商务局, 县教育局.")
