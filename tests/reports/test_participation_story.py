"""The 参与情况 section and the lead sentence of one 月报 tell one story.

The lead counts the people on the summary's own activities (the unit's tasks in the
summary's communities); 参与情况 counts the unit's own roll. Where the two differ the
text says why, in its own words, so no two sentences of one document disagree:

- the lead names the members of other units on the unit's tasks
  (「（6人，其中外单位党员干部1人）」);
- 参与情况 is counted in the summary's communities when it is about some of them, and
  says so (「本月在建设路社区参与6人」), and names the members who took part only in
  other units' activities (「（其中1人只参加了其他单位组织的活动）」);
- the lead names the unit's own people off its roll — a liaison, a member with
  计入参与统计 否 — who took part (「其中不计入参与统计的1人」);
- the lead names, as such, those who were on the unit's roll during the month but
  are off it at its end: moved to another unit (「其中本月调离的1人」) or left the roll
  (「其中本月离册的1人」) — each person in one part only, whatever they did before or
  after (a member moved mid-month is neither 外单位 nor 不计入参与统计), and one on
  the roll at the month's end is the unit's own, whatever unit they had before;
- an empty month in which members took part (in another unit's activity) says so;
- a unit with nobody on its roll has no 参与情况 table.
"""
import re
from datetime import date, datetime, timedelta, timezone

from tests import factories as f
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, ReportStatus, Role, TaskReport
from tracker.reports.summary import build_summary
from tracker.services import roll


def approved_activity(owner, community, creator, day, people, *, month=10,
                      code="environment_cleanup"):
    """An approved activity of ``owner`` in ``community`` on ``day`` of ``month`` 2022."""
    task = f.task(f.item(owner, community, code, year=2022), creator,
                  starts_at=datetime(2022, month, day, 1, tzinfo=timezone.utc),
                  duration=timedelta(hours=2))
    for person in people:
        db.session.add(Assignment(task_id=task.id, member_id=person.id,
                                  status=AssignmentStatus.done, minutes=120))
    db.session.add(TaskReport(task_id=task.id, quantity=1, people_served=10, note="清扫",
                              status=ReportStatus.approved, submitted_by_id=creator.id,
                              reviewed_by_id=creator.id))
    db.session.flush()
    return task


def lead_members(summary) -> tuple[int, int]:
    """(people, of them other units' members) as the lead sentence says them."""
    people, others, _off_roll = lead_people(summary)
    return people, others


def lead_people(summary) -> tuple[int, int, int]:
    """(people, of them other units' members, of them the unit's people off its roll)
    as the lead sentence says them."""
    people, parts = lead_parts(summary)
    return people, parts.get("外单位党员干部", 0), parts.get("不计入参与统计的", 0)


def lead_parts(summary) -> tuple[int, dict[str, int]]:
    """(people, {each part the lead names of them: how many}) as the lead sentence
    says them (「（13人，其中外单位党员干部1人、本月调离的1人）」)."""
    match = re.search(r"参与党员干部\d+人次（(\d+)人(?:，其中(.+?))?）", summary.paragraphs[0].text)
    parts = {name: int(n) for name, n in re.findall(r"(\D+?)(\d+)人、?", match.group(2) or "")}
    return int(match.group(1)), parts


def coverage_sentence(summary) -> str:
    found = [p.text for p in summary.paragraphs if "在册党员干部" in p.text]
    assert len(found) == 1, [p.text for p in summary.paragraphs]
    return found[0]


def coverage_says(summary) -> tuple[str, int, int, int]:
    """(the communities it names, on roll, took part, of them only in other units'
    activities) as the 参与情况 sentence says them. Those it names as moved in after
    their work (its 人次 another unit's, figures50 #1) are a part of their own, whatever
    activities that work was in, and not counted here."""
    sentence = coverage_sentence(summary)
    match = re.search(r"在册党员干部(\d+)人，本月(?:在(.+?))?参与(\d+)人(?:（([^）]*)）)?", sentence)
    took, parts = int(match.group(3)), match.group(4) or ""
    if parts.startswith(("均为参加", "只参加了")):
        elsewhere = took
    else:
        found = re.search(r"(\d+)人只参加了其他单位组织的活动", parts)
        elsewhere = int(found.group(1)) if found else 0
    return match.group(2) or "", int(match.group(1)), took, elsewhere


def table_says(summary) -> tuple[int, int]:
    """(on roll, took part) in the 参与情况 table."""
    table = next(t for t in summary.tables() if t.key == "coverage")
    return table.rows[0][0], table.rows[0][1]


def agree(summary):
    """The lead and 参与情况 agree in their own terms: the unit's own people in the
    lead (everyone on roll here) are those of 参与情况 who took part in the unit's
    own activities; and the table says what the sentence says."""
    people, parts = lead_parts(summary)
    _where, on_roll, took, elsewhere = coverage_says(summary)
    assert people - sum(parts.values()) == took - elsewhere, summary.paragraphs
    assert table_says(summary) == (on_roll, took)


def test_a_unit_and_community_summary_counts_participation_in_that_community(october):
    # A member who worked only in 解放路社区: not in the 建设路社区 summary's work.
    only_jiefang = f.member(october.unit, name="只在解放路")
    approved_activity(october.unit, october.jiefang, october.liaison, 11, [only_jiefang])
    db.session.commit()
    whole = build_summary(2022, 10, unit=october.unit)
    assert coverage_says(whole) == ("", 16, 14, 0)
    agree(whole)

    summary = build_summary(2022, 10, unit=october.unit, community=october.jianshe)
    assert summary.paragraphs[0].text.startswith(
        "10月份，我局组织党员干部深入建设路社区开展共建活动4次，")
    assert lead_members(summary) == (13, 0)
    # the sentence names the community it counts in, as the lead does
    assert coverage_says(summary) == ("建设路社区", 16, 13, 0)
    agree(summary)
    assert "只在解放路" in coverage_sentence(summary).split("未参与：")[1]


def test_a_liaisons_part_of_the_unit_leaves_out_work_beyond_it(october):
    # 县商务局 also works in 东门社区, which the liaison does not manage.
    dongmen = f.community("东门社区")
    only_dongmen = f.member(october.unit, name="只在东门")
    approved_activity(october.unit, dongmen, october.admin, 14, [only_dongmen])
    db.session.commit()
    part = build_summary(2022, 10, unit=october.unit,
                         community_ids=(october.jiefang.id, october.jianshe.id))
    assert part.subtitle[-1] == "统计范围：建设路社区、解放路社区"
    assert lead_members(part) == (13, 0)
    assert coverage_says(part) == ("建设路社区、解放路社区", 16, 13, 0)
    agree(part)
    whole = build_summary(2022, 10, unit=october.unit)
    assert lead_members(whole) == (14, 0) and coverage_says(whole) == ("", 16, 14, 0)
    agree(whole)


def test_members_of_other_units_are_named_in_the_lead(october):
    # 县财政局's task with one of its own and one of 县商务局's members (补录 allows it).
    guest = october.members["张伟"]
    stranger = f.member(october.other_unit, name="财政局干部")
    approved_activity(october.other_unit, october.jianshe, october.liaison, 12,
                      [stranger, guest])
    db.session.commit()
    other = build_summary(2022, 10, unit=october.other_unit)
    lead = other.paragraphs[0].text
    assert "（3人，其中外单位党员干部1人）" in lead  # 财政局党员, 财政局干部 and 张伟
    assert coverage_says(other) == ("", 2, 2, 0)
    agree(other)
    # 张伟 also took part in 县商务局's own work: nothing to add on its side.
    agree(build_summary(2022, 10, unit=october.unit))


def test_staff_off_the_roll_who_took_part_are_named_in_the_lead(october):
    # A liaison of 县商务局 (off the roll, as staff are) and a member set 计入参与统计 否
    # work beside a member on the roll.
    before = build_summary(2022, 10, unit=october.unit)
    staff = f.member(october.unit, Role.liaison, name="社区联络员乙")
    retired = f.member(october.unit, name="不计入者", on_roll=False)
    assert not staff.on_roll
    approved_activity(october.unit, october.jiefang, october.liaison, 20,
                      [staff, retired, october.members["王芳"]])
    db.session.commit()
    summary = build_summary(2022, 10, unit=october.unit)
    assert "（15人，其中不计入参与统计的2人）" in summary.paragraphs[0].text
    assert lead_people(summary) == (15, 0, 2)
    # 参与情况 counts the roll only: the lead's 15 less the 2 are its 13 own people
    assert coverage_says(summary) == ("", 15, 13, 0) == coverage_says(before)
    agree(summary)


def test_members_who_took_part_only_elsewhere_are_named_in_participation(october):
    newcomer = f.member(october.unit, name="新党员")
    approved_activity(october.other_unit, october.jiefang, october.liaison, 13, [newcomer])
    db.session.commit()
    summary = build_summary(2022, 10, unit=october.unit)
    assert lead_members(summary) == (13, 0)
    assert coverage_says(summary) == ("", 16, 14, 1)
    assert "本月参与14人（其中1人只参加了其他单位组织的活动）" in coverage_sentence(summary)
    agree(summary)


def test_an_empty_month_in_which_members_took_part_elsewhere_says_so(october):
    # one person: 「只参加了…」, not 「均为…」 ("all", said of two or more; figures42 #7)
    # August: nothing of 县商务局's own; one of its members in 县财政局's activity.
    approved_activity(october.other_unit, october.jiefang, october.liaison, 9,
                      [october.members["王芳"]], month=8)
    db.session.commit()
    summary = build_summary(2022, 8, unit=october.unit)
    assert summary.paragraphs[0].text == "本月暂无已审核的共建活动。"
    assert coverage_says(summary) == ("", 15, 1, 1)
    assert coverage_sentence(summary).startswith(
        "我局在册党员干部15人，本月参与1人（只参加了其他单位组织的活动），参与率6.7%。"
        "本单位党员参与1人次、服务时长2.0小时（按活动当日所在单位计，含参加其他单位组织的活动）。"
        "未参与：")
    assert table_says(summary) == (15, 1)


def test_an_empty_month_with_nobody_taking_part_stays_one_sentence(october):
    summary = build_summary(2022, 8, unit=october.unit)
    assert [p.text for p in summary.paragraphs] == ["本月暂无已审核的共建活动。"]
    assert table_says(summary) == (15, 0)  # the table still says nobody took part


def test_a_unit_with_nobody_on_its_roll_has_no_participation_table(october):
    archive = f.unit("县档案馆")
    approved_activity(archive, october.jiefang, october.liaison, 5, [october.members["李娜"]])
    db.session.commit()
    summary = build_summary(2022, 10, unit=archive)
    assert "（1人，其中外单位党员干部1人）" in summary.paragraphs[0].text
    assert not any("参与情况" in p.heading for p in summary.paragraphs)
    keys = [t.key for t in summary.tables()]
    assert "coverage" not in keys and "not_yet" not in keys
    empty = build_summary(2022, 8, unit=archive)
    assert "coverage" not in [t.key for t in empty.tables()]


def test_a_member_moved_mid_month_is_named_once_as_moved(october):
    # 张伟 works 县商务局's activities before and after he moves to 县财政局 on 15
    # October: one person, on 县商务局's roll for half the month, 县财政局's at its end.
    mover = october.members["张伟"]
    approved_activity(october.unit, october.jiefang, october.liaison, 10, [mover])
    mover.unit_id = october.other_unit.id
    roll.settle(mover, date(2022, 10, 15))
    db.session.commit()
    summary = build_summary(2022, 10, unit=october.unit)
    # 参与情况 counts 县商务局's roll of 31 October, without him: the lead names him
    # once, as moved (not 外单位, not 不计入参与统计: 县财政局 counts him)
    assert coverage_says(summary) == ("", 14, 12, 0)
    assert lead_parts(summary) == (13, {"本月调离的": 1})
    agree(summary)
    other = build_summary(2022, 10, unit=october.other_unit)
    assert coverage_says(other) == ("", 2, 2, 1)  # he is on 县财政局's roll
    # his work after the move is 县财政局's, by its day: not named as moved in after it
    assert "本月参与2人（其中1人只参加了其他单位组织的活动）" in coverage_sentence(other)
    agree(other)


def test_a_member_who_left_the_roll_mid_month_is_named_as_such(october):
    # 王芳 takes part on 10 October, then is set 计入参与统计 否 from 15 October.
    leaver = october.members["王芳"]
    approved_activity(october.unit, october.jiefang, october.liaison, 10, [leaver])
    leaver.on_roll = False
    roll.settle(leaver, date(2022, 10, 15))
    db.session.commit()
    summary = build_summary(2022, 10, unit=october.unit)
    _people, parts = lead_parts(summary)
    assert parts == {"本月离册的": 1}
    agree(summary)


def test_a_member_who_moved_in_mid_month_is_the_units_own(october):
    # 财政局党员 works 县商务局's activity on 10 October as 县财政局's, then moves to
    # 县商务局 from 15 October: on its roll at the month's end, one of its own in the
    # lead as in 参与情况 (not 外单位 as well)
    newcomer = next(m for m in october.other_unit.members if m.name == "财政局党员")
    approved_activity(october.unit, october.jiefang, october.liaison, 10, [newcomer])
    newcomer.unit_id = october.unit.id
    roll.settle(newcomer, date(2022, 10, 15))
    db.session.commit()
    summary = build_summary(2022, 10, unit=october.unit)
    assert lead_parts(summary) == (14, {})
    assert coverage_says(summary) == ("", 16, 14, 0)
    # her work is all 县财政局's by its days (its 宣讲 too): 参与情况 says so (figures50 #1)
    assert "本月参与14人（其中1人本月调入，参与在调入前，人次和时长计入县财政局）" in coverage_sentence(summary)
    agree(summary)


def test_the_roll_s_person_times_and_hours_are_told_apart_from_the_lead_s(client, login,
                                                                           october):
    """The lead counts the unit's own activities; the 参与情况 page counts the unit's
    members in any unit's activities. Where the two differ (a member in another
    unit's activity), each says what it counts, and the 月报's 参与情况 gives the
    page's figures in the page's words, so the two can be reconciled on paper."""
    approved_activity(october.other_unit, october.jiefang, october.liaison, 13,
                      [october.members["王芳"]])
    db.session.commit()
    summary = build_summary(2022, 10, unit=october.unit)
    lead = summary.paragraphs[0].text
    assert "参与党员干部48人次（13人），累计志愿服务126.5小时" in lead
    assert ("本单位党员参与49人次、服务时长128.5小时（按活动当日所在单位计，"
            "含参加其他单位组织的活动）。") in coverage_sentence(summary)

    login(october.admin)
    html = client.get(f"/progress/coverage?unit={october.unit.id}&period=month&month=2022-10"
                      ).get_data(as_text=True)
    assert re.search(r'data-figure="person_times">49</b><span>本单位党员参与人次</span>', html)
    assert re.search(r'data-figure="hours">128.5</b><span>本单位党员服务时长（小时）</span>', html)
    assert "月报导语中的人次和时长是本单位组织的活动的" in html


def test_a_part_s_roll_figures_say_the_communities_they_are_counted_in(client, login,
                                                                      october):
    """A part of the unit (unit + community, a liaison's) counts its roll's 人次 and
    hours in its communities, as it counts who took part; the 参与情况 page counts the
    whole unit. So the part's sentence names its community for the 人次 too, and never
    reads as the page's figure (figures42 #2: 「本单位党员参与11人次…」 beside the page's
    13)."""
    approved_activity(october.other_unit, october.jianshe, october.liaison, 13,
                      [october.members["王芳"]])
    db.session.commit()
    part = build_summary(2022, 10, unit=october.unit, community=october.jianshe)
    sentence = coverage_sentence(part)
    said = re.search(r"本单位党员(?:在(.+?))?参与(\d+)人次、服务时长([\d.]+)小时", sentence)
    assert said, sentence
    assert said.group(1) == "建设路社区", sentence

    login(october.admin)
    html = client.get(f"/progress/coverage?unit={october.unit.id}&period=month&month=2022-10"
                      ).get_data(as_text=True)
    page = re.search(r'data-figure="person_times">(\d+)</b>', html).group(1)
    assert page != said.group(2)  # the whole unit's, on the page: a different figure
    whole = build_summary(2022, 10, unit=october.unit)
    assert f"本单位党员参与{page}人次" in coverage_sentence(whole)


def test_the_roll_s_figures_are_not_repeated_when_they_are_the_lead_s(october):
    summary = build_summary(2022, 10, unit=october.unit)
    assert "本单位党员参与" not in coverage_sentence(summary)
