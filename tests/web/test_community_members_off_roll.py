"""walk55: after a 补录 that ticked the liaison (计入参与统计 否) among the participants,
社区共建进展 showed 参与党员（人） 19 and 参与情况 参与党员 18 for the same month; the
月报's lead said 「19人，其中不计入参与统计的1人」, the community page 19 with no word why.

The rule (docs/design.md, "The roll"): work done is work done — 参与党员 counts whoever
took part, on the roll or not —, and 参与情况 counts the roll; so a page whose 参与党员
holds people on no roll says how many, in the lead's words. Counted by hand below."""
from __future__ import annotations

from datetime import date

from tests import factories as f
from tests.reports.test_participation_story import approved_activity
from tests.web.page_figures import figure
from tracker.extensions import db
from tracker.models import Role

OCTOBER = "period=month&month=2022-10"


def _world():
    """县商务局 in 东门社区, October 2022: 安一 and 白二 (members, on the roll), the
    liaison 吴联络 and the admin 管理员 (计入参与统计 否) on one activity; 县财政局's 丁四
    (on its roll) on another there."""
    unit, other = f.unit("县商务局"), f.unit("县财政局")
    east = f.community("东门社区")
    admin = f.member(unit, Role.admin, "管理员")
    liaison = f.member(unit, Role.liaison, "吴联络", communities=[east])
    a, b = f.member(unit, name="安一"), f.member(unit, name="白二")
    d = f.member(other, name="丁四")
    approved_activity(unit, east, liaison, 10, [a, b, liaison, admin])
    approved_activity(other, east, liaison, 14, [d])
    db.session.commit()
    return admin, liaison, unit, east


def test_the_community_page_says_how_many_of_its_members_are_on_no_roll(client, login):
    admin, liaison, unit, east = _world()
    login(liaison)
    page = client.get(f"/progress/community?community={east.id}&{OCTOBER}").get_data(
        as_text=True)
    assert figure(page, "members") == "5"  # work done is work done: the figure stays
    assert figure(page, "members_off_roll") == "参与党员5人，其中不计入参与统计的2人。"
    # 参与情况 counts the roll: the unit's 安一 and 白二 — 5 less 丁四 (县财政局's) and
    # the two said above
    coverage = client.get(f"/progress/coverage?{OCTOBER}").get_data(as_text=True)
    assert figure(coverage, "took_part") == "2"
    # the 月报's lead, of the unit, says the same two in the same words
    report = client.get(f"/reports/?unit={unit.id}&month=2022-10")
    assert "不计入参与统计的2人" in report.get_data(as_text=True)


def test_nothing_is_said_when_everyone_was_on_a_roll(client, login):
    admin, liaison, unit, east = _world()
    login(liaison)
    quiet = client.get(f"/progress/community?community={east.id}"
                       f"&period=range&start={date(2022, 10, 14)}&end={date(2022, 10, 14)}")
    page = quiet.get_data(as_text=True)
    assert figure(page, "members") == "1"  # 丁四, on 县财政局's roll
    assert 'data-figure="members_off_roll"' not in page


def test_a_member_off_the_roll_in_the_period_only_is_no_staff(client, login):
    """On a roll on some day of the period is on a roll: someone who joined the roll
    after the activity, within the month, is the roll's (参与情况 counts her), not
    不计入参与统计."""
    admin, liaison, unit, east = _world()
    from tracker.models import RollPeriod
    late = f.member(unit, name="陈三", on_roll=False)
    db.session.add(RollPeriod(member_id=late.id, unit_id=unit.id, since=date(2022, 10, 20)))
    approved_activity(unit, east, liaison, 12, [late])
    db.session.commit()
    login(liaison)
    page = client.get(f"/progress/community?community={east.id}&{OCTOBER}").get_data(
        as_text=True)
    assert figure(page, "members") == "6"
    assert figure(page, "members_off_roll") == "参与党员6人，其中不计入参与统计的2人。"
