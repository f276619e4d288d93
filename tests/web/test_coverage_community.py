"""参与情况 (/progress/coverage) of a part of a unit: a community, or a liaison's
communities together — the 参与情况 of the 月报 of that part, read off a page beside
it (docwords42 Open: the page had no community picker, so a part's figures could not
be reconciled on paper).

The rule, from docs/design.md ("No two sentences of one 月报 disagree about who took
part", invariant 2): the roll is the unit's roll of the period's last day, whatever
the part; of it, "took part" is whoever has a done participation in an approved
activity of the part's communities — any unit's activity —, the 未参与名单 the rest,
by name; 人次 and hours are the unit's members' approved work in those communities,
another unit's member on the unit's activity not among them. The figures below are
counted by hand from that rule, not by the code's query."""
from __future__ import annotations

import re

import pytest

from tests import factories as f
from tests.page_statements import counted, warm
from tests.reports.test_participation_story import approved_activity
from tests.web.page_figures import figure
from tracker.extensions import db
from tracker.models import Role

OCTOBER = "period=month&month=2022-10"


def not_yet(html: str) -> list[str]:
    """The 未参与名单's names, in the page's order."""
    if 'class="people not-yet"' not in html:
        return []
    listed = html.split('class="people not-yet"')[1].split("</ul>")[0]
    return re.findall(r"<li>([^<]+)(?:<span|</li>)", listed)


def page_says(html: str) -> tuple:
    """(on roll, took part, 参与率, 人次, hours, 未参与) as the page shows them."""
    return (int(figure(html, "on_roll")), int(figure(html, "took_part")), figure(html, "rate"),
            int(figure(html, "person_times")), figure(html, "hours"), not_yet(html))


def report_says(html: str) -> tuple:
    """The same, as the 月报 page's 参与情况 sentence writes them — its 人次 and hours
    (「本单位党员在…参与N人次、服务时长H小时」) are written where they are not the lead's,
    which the world below sees to."""
    text = re.sub(r"<[^>]+>", "", html)
    sentence = re.search(r"在册党员干部[^。]*。[^。]*。(?:未参与：[^。]*。)?", text).group(0)
    roll, took, rate = re.search(
        r"在册党员干部(\d+)人，本月在.+?参与(\d+)人.*?参与率([\d.]+%)", sentence).groups()
    person_times, hours = re.search(
        r"本单位党员在.+?参与(\d+)人次、服务时长([\d.]+)小时", sentence).groups()
    names = re.search(r"未参与：([^。]*)。", sentence)
    return (int(roll), int(took), rate, int(person_times), hours,
            names.group(1).split("、") if names else [])


@pytest.fixture
def part_world(app):
    """县商务局's roll: 安一, 白二, 陈三, 丁四, 方五 (all members, on the roll as far
    back as the records go); three communities; another unit, 县财政局. October 2022,
    every activity approved, 120 minutes each:

    - 县商务局's in 东门社区 (10th): 安一, 白二, and 县财政局's 甲 and 乙;
    - 县商务局's in 西门社区 (12th): 陈三;
    - 县商务局's in 南门社区 (16th): 白二, 陈三;
    - 县财政局's in 东门社区 (14th): 丁四.

    The liaison 吴联络 (县商务局) serves 东门社区 and 西门社区, not 南门社区, where the
    unit's month also worked: their 月报 of the unit is a part, 东门 and 西门."""
    unit, other = f.unit("县商务局"), f.unit("县财政局")
    east, west, south = f.community("东门社区"), f.community("西门社区"), f.community("南门社区")
    admin = f.member(unit, Role.admin, "管理员")
    liaison = f.member(unit, Role.liaison, "吴联络", communities=[east, west])
    a, b, c, d, _e = (f.member(unit, name=n) for n in ("安一", "白二", "陈三", "丁四", "方五"))
    guests = [f.member(other, name=n) for n in ("甲", "乙")]
    approved_activity(unit, east, admin, 10, [a, b, *guests])
    approved_activity(unit, west, admin, 12, [c])
    approved_activity(unit, south, admin, 16, [b, c])
    approved_activity(other, east, admin, 14, [d])
    db.session.commit()
    return dict(unit=unit, east=east, west=west, south=south, admin=admin, liaison=liaison)


def test_one_communitys_figures_are_its_months_participation(client, login, part_world):
    w = part_world
    # by hand: the roll is the five; in 东门社区 安一 and 白二 (县商务局's activity)
    # and 丁四 (县财政局's) took part — 3 of 5, 60.0% —, 3 人次 of the unit's own
    # members (甲 and 乙 are 县财政局's), 6.0 hours; 陈三 and 方五 did not
    by_hand = (5, 3, "60.0%", 3, "6.0", ["陈三", "方五"])
    login(w["admin"])
    html = client.get(f"/progress/coverage?unit={w['unit'].id}&community={w['east'].id}"
                      f"&{OCTOBER}").get_data(as_text=True)
    assert page_says(html) == by_hand
    assert "统计范围：东门社区" in html and "县商务局（东门社区）" in html
    # one community is "that community", not "these communities"
    assert "只计在该社区的已审核活动" in html and "这些社区" not in html
    # the 月报 of 县商务局 in 东门社区 says the same (its lead is 4 人次: 甲 and 乙 came)
    report = client.get(f"/reports/?unit={w['unit'].id}&community={w['east'].id}"
                        f"&month=2022-10").get_data(as_text=True)
    assert report_says(report) == by_hand
    # and the whole unit is still the page without a community: all but 方五, 6 人次
    html = client.get(f"/progress/coverage?unit={w['unit'].id}&{OCTOBER}").get_data(as_text=True)
    assert page_says(html) == (5, 4, "80.0%", 6, "12.0", ["方五"])
    assert "统计范围" not in html


def test_a_liaisons_communities_together_are_their_part_of_the_unit(client, login, part_world):
    w = part_world
    # by hand: in 东门社区 and 西门社区, 安一, 白二, 丁四 and 陈三 took part (4 of 5),
    # 4 人次 of the unit's members, 8.0 hours; 方五 did not. 南门社区's work is not the
    # part's: 白二 and 陈三 took part there too, which counts nothing here.
    by_hand = (5, 4, "80.0%", 4, "8.0", ["方五"])
    login(w["liaison"])
    html = client.get(f"/progress/coverage?community=mine&{OCTOBER}").get_data(as_text=True)
    assert page_says(html) == by_hand
    assert "统计范围：东门社区、西门社区" in html
    assert "只计在这些社区的已审核活动" in html
    # the liaison's own 月报 of the unit: the part (统计范围), the same 参与情况
    report = client.get(f"/reports/?unit={w['unit'].id}&month=2022-10").get_data(as_text=True)
    assert "统计范围" in report
    assert report_says(report) == by_hand
    # the picker offers their communities, together and one by one, not 南门社区
    picker = html.split('name="community"')[1].split("</select>")[0]
    assert "我联系的全部社区" in picker and "东门社区" in picker and "西门社区" in picker
    assert "南门社区" not in picker


def test_a_community_out_of_reach_is_never_counted(client, login, part_world):
    """南门社区 is not the liaison's: as if it did not exist (invariant 5), not a page
    of its figures; what is no community at all is refused on the page, with no
    figures under it."""
    w = part_world
    login(w["liaison"])
    assert client.get(f"/progress/coverage?community={w['south'].id}&{OCTOBER}"
                      ).status_code == 404
    assert client.get(f"/progress/coverage?community=999999&{OCTOBER}").status_code == 404
    response = client.get(f"/progress/coverage?community=东门&{OCTOBER}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "请选择社区。" in html and 'data-figure="on_roll"' not in html
    # an admin reads any community's
    login(w["admin"])
    assert client.get(f"/progress/coverage?unit={w['unit'].id}&community={w['south'].id}"
                      f"&{OCTOBER}").status_code == 200
    # "mine" is a liaison's: an admin's picker has no such choice
    html = client.get(f"/progress/coverage?community=mine&{OCTOBER}").get_data(as_text=True)
    assert "请选择社区。" in html and 'data-figure="on_roll"' not in html


@pytest.mark.parametrize("reader", ["liaison", "admin"])
def test_the_picker_costs_the_page_no_statement(client, login, part_world, count_queries,
                                                reader):
    """The page's statement budget stays what it was before the picker: the session,
    the pickers (now both in one statement), the 参与情况's one batch, the menu's
    counts — whether a community is picked or not. A liaison's 我联系的全部社区 of a
    month too: whether their 月报 of it is the whole unit (review44b #1) is read with
    the pickers, in their statement; and of a year, whether their 年度总结 is (the
    year's communities: coverfix44 Open, 5 statements when it asked them apart)."""
    w = part_world
    login(w[reader])
    mine = [f"/progress/coverage?community=mine&{OCTOBER}",
            "/progress/coverage?community=mine&period=year&year=2022"
            ] if reader == "liaison" else []
    for url in (f"/progress/coverage?{OCTOBER}",
                f"/progress/coverage?community={w['east'].id}&{OCTOBER}", *mine):
        warm(client, url)
        statements, response = counted(client, count_queries, url)
        assert response.status_code == 200
        assert len(statements) == 4, (url, statements)


@pytest.fixture
def inside_world(app):
    """review44b #1: 县商务局's own October 2022 lies wholly in the liaison's 东门社区 and
    西门社区 — 安一, 白二 with 县财政局's 甲 and 乙 in 东门 (10th), 陈三 in 西门 (12th) —
    while its 方五 worked on 县财政局's activity in 南门社区 (16th), not the liaison's;
    丁四 did nothing. The liaison's 月报 of the unit is then the whole unit's (design.md,
    "Who reads which": they serve every community the unit's month touches)."""
    unit, other = f.unit("县商务局"), f.unit("县财政局")
    east, west, south = f.community("东门社区"), f.community("西门社区"), f.community("南门社区")
    admin = f.member(unit, Role.admin, "管理员")
    liaison = f.member(unit, Role.liaison, "吴联络", communities=[east, west])
    a, b, c, _d, e = (f.member(unit, name=n) for n in ("安一", "白二", "陈三", "丁四", "方五"))
    guests = [f.member(other, name=n) for n in ("甲", "乙")]
    approved_activity(unit, east, admin, 10, [a, b, *guests])
    approved_activity(unit, west, admin, 12, [c])
    approved_activity(other, south, admin, 16, [e])
    db.session.commit()
    return dict(unit=unit, liaison=liaison)


def test_mine_is_the_whole_unit_when_the_liaisons_report_is(client, login, inside_world):
    """我联系的全部社区 counts what the liaison's 月报 of the month counts: here the whole
    unit's, where 方五's work in 南门社区 (another unit's activity) counts — 4 of 5, 4
    人次 of the unit's members, 8.0 hours, 未参与 丁四 —, and the page says it is the
    whole unit, not 「统计范围：东门社区、西门社区」 over whole-unit figures."""
    w = inside_world
    by_hand = (5, 4, "80.0%", 4, "8.0", ["丁四"])
    login(w["liaison"])
    report = client.get(f"/reports/?unit={w['unit'].id}&month=2022-10").get_data(as_text=True)
    assert "统计范围" not in report  # the liaison's 月报 is the whole unit's
    sentence = re.sub(r"<[^>]+>", "", report)
    assert "本月参与4人" in sentence and "参与4人次" in sentence and "未参与：丁四。" in sentence
    mine = client.get(f"/progress/coverage?community=mine&{OCTOBER}").get_data(as_text=True)
    assert page_says(mine) == by_hand
    assert "统计范围" not in mine and "县商务局（" not in mine
    assert "你的月报是全单位的" in mine
    # the same figures as the whole unit's page
    whole = client.get(f"/progress/coverage?{OCTOBER}").get_data(as_text=True)
    assert page_says(whole) == by_hand


def test_mine_for_a_year_follows_the_liaisons_annual_summary(client, login, inside_world):
    """A year's 我联系的全部社区 is what the liaison's 年度总结 counts. In 2022 the unit's
    own work is all in the liaison's communities, so their 年度总结 is the whole unit's
    (no 统计范围): the page counts the whole unit and says so."""
    w = inside_world
    login(w["liaison"])
    annual = client.get(f"/reports/annual?unit={w['unit'].id}&year=2022").get_data(as_text=True)
    assert "统计范围" not in annual
    year = "period=year&year=2022"
    mine = client.get(f"/progress/coverage?community=mine&{year}").get_data(as_text=True)
    whole = client.get(f"/progress/coverage?{year}").get_data(as_text=True)
    assert page_says(mine) == page_says(whole) == (5, 4, "80.0%", 4, "8.0", ["丁四"])
    assert "统计范围" not in mine and "你的年度总结是全单位的" in mine


def test_mine_for_a_quarter_claims_no_document(client, login, part_world):
    """A quarter has no 月报 or 年度总结 of its own: 我联系的全部社区 is the liaison's part,
    and the page does not say it agrees with a document that does not exist."""
    w = part_world
    login(w["liaison"])
    html = client.get("/progress/coverage?community=mine&period=quarter&year=2022&quarter=4"
                      ).get_data(as_text=True)
    assert page_says(html) == (5, 4, "80.0%", 4, "8.0", ["方五"])
    assert "统计范围：东门社区、西门社区" in html
    assert "一致" not in html and "没有对应的月报或年度总结" in html
    # the year of the part: its 年度总结 is a part too (南门社区), and agrees with it
    html = client.get("/progress/coverage?community=mine&period=year&year=2022"
                      ).get_data(as_text=True)
    assert "统计范围：东门社区、西门社区" in html and "与该范围年度总结的“参与情况”一致" in html
