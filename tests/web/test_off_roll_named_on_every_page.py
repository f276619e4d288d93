"""offroll57: every page that gives 参与党员 says who of them is on no roll.

The rule (docs/design.md, "The roll"): work done is work done — a member whose account
is not 计入参与统计 (a liaison ticked on a 补录) is counted in 参与人次 and 参与党员 —,
but 参与情况 counts the roll only, so wherever 参与党员 is given, the people in it on no
roll are named apart, in the 月报 lead's words 「其中不计入参与统计的N人」. Session 56
said it on 社区共建进展 and in a unit's 月报; the 工作台's card and “双创”进展 gave the
figure bare. Counted by hand below."""
from __future__ import annotations


import pytest

from tests import factories as f
from tests.rollups import builders as b
from tests.web.page_figures import figure, page
from tracker.extensions import db
from tracker.timeutil import local_today

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
MONTH = TODAY.replace(day=1)
PERIOD = f"period=month&month={MONTH:%Y-%m}"


def approved(item, creator, people):
    task = b.task_on(item, creator, MONTH)
    for person in people:
        b.join(task, person)
    b.report(task, creator)
    return task


def _month(world):
    """This month in 解放路社区 (the demo's shape: 县商务局, its liaison 联络员甲 — 计入参与
    统计 否, as a liaison's account is — and its members): 清除牛皮癣 (“双创”) with 张三,
    王组长 and the liaison ticked among them."""
    clean = f.item(world.unit, world.community, "ad_removal")
    approved(clean, world.liaison, [world.member, world.leader, world.liaison])
    db.session.commit()


SAID = "参与党员3人，其中不计入参与统计的1人。"


def test_every_page_names_the_member_on_no_roll(client, login, world):
    _month(world)
    login(world.liaison)
    c = world.community.id
    home = page(client, "/manage/")
    community = page(client, f"/progress/community?community={c}&{PERIOD}")
    double = page(client, f"/progress/double?community={c}&{PERIOD}")
    # the three cards count whoever took part: 张三, 王组长 and the liaison …
    assert figure(home, "home_members") == figure(community, "members") == \
        figure(double, "members") == "3"
    # … and each says, in the same words, that one of them is on no roll
    assert figure(home, "home_members_off_roll") == SAID
    assert figure(community, "members_off_roll") == SAID
    assert figure(double, "members_off_roll") == SAID
    # 参与情况 counts the roll: 3 less the one named
    coverage = page(client, f"/progress/coverage?{PERIOD}")
    assert figure(coverage, "took_part") == "2"


def test_the_double_view_names_those_of_its_own_work(client, login, world):
    """“双创”进展's 参与党员 counts the “双创” categories' work: an account on no roll who
    did other work only is not among them, nor said there; 社区共建进展 names both."""
    _month(world)
    other = f.item(world.unit, world.community, "environment_cleanup")
    approved(other, world.liaison, [world.other_member, world.admin])
    db.session.commit()
    login(world.liaison)
    c = world.community.id
    community = page(client, f"/progress/community?community={c}&{PERIOD}")
    double = page(client, f"/progress/double?community={c}&{PERIOD}")
    assert figure(community, "members_off_roll") == "参与党员5人，其中不计入参与统计的2人。"
    assert figure(double, "members") == "3"
    assert figure(double, "members_off_roll") == SAID


def test_nothing_is_said_when_everyone_was_on_a_roll(client, login, world):
    clean = f.item(world.unit, world.community, "ad_removal")
    approved(clean, world.liaison, [world.member, world.leader])
    db.session.commit()
    login(world.liaison)
    c = world.community.id
    pages = [page(client, "/manage/"),
             page(client, f"/progress/community?community={c}&{PERIOD}"),
             page(client, f"/progress/double?community={c}&{PERIOD}")]
    assert [figure(p, n) for p, n in zip(pages, ("home_members", "members", "members"))] == \
        ["2"] * 3
    assert not any("不计入参与统计" in p for p in pages)


def test_the_county_s_year_says_it_too(client, login, world):
    """The admin's whole county over a year reads its 参与党员 from the kept rows (one per
    member): the people on no roll among them are the same."""
    _month(world)
    login(world.admin)
    year = f"community=all&period=year&year={MONTH.year}"
    community = page(client, f"/progress/community?{year}")
    double = page(client, f"/progress/double?{year}")
    assert figure(community, "members") == figure(double, "members") == "3"
    assert figure(community, "members_off_roll") == SAID
    assert figure(double, "members_off_roll") == SAID
