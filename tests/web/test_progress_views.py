"""The progress pages show the rollup figures: community, "双创", coverage, my status,
and the liaison home — and the same figure is the same number on each of them."""
from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from tests import factories as f
from tests.rollups import builders as b
from tests.web.progress_setup import build_double
from tracker.extensions import db
from tracker.models import AssignmentStatus, ReportStatus, Role
from tracker.timeutil import local_today


def figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert match, f"figure {name} not on the page"
    return match.group(1).strip()


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_person_times_agree_on_every_view(client, login, world):
    """人次 of community A this month: community view = "双创" view = coverage = home."""
    build_double(world)
    login(world.liaison)
    a = world.community.id
    community = page(client, f"/progress/community?community={a}")
    double = page(client, f"/progress/double?community={a}")
    coverage = page(client, "/progress/coverage")
    home = page(client, "/manage/")
    values = {
        "community": figure(community, "person_times"),
        "community table": figure(community, "person_times_total"),
        "double": figure(double, "person_times"),
        "double table": figure(double, "person_times_total"),
        "coverage": figure(coverage, "person_times"),
        "home": figure(home, "home_person_times"),
    }
    # member + leader on the approved ad removal, leader on the survey; the pending
    # task's participant and the absent member are not counted.
    assert set(values.values()) == {"3"}, values
    assert figure(community, "members") == figure(double, "members") == figure(home, "home_members") == "2"


def test_community_view_shows_items_categories_pending_and_trend(client, login, world):
    build_double(world)
    login(world.liaison)
    html = page(client, f"/progress/community?community={world.community.id}")
    assert figure(html, "activities") == "2次"  # approved ad removal + approved survey
    assert figure(html, "hours") == "4.5"  # 90 + 120 + 60 minutes
    # pending shown apart, as on every view: how many reports, and what they would add
    assert figure(html, "pending") == (
        "另有1份完成情况待审核（参与1人次，服务时长1.0小时，牛皮癣清除20处），未计入以上数据。")
    assert "年度目标 200处，已完成 56处" in html  # the 一区 ad-removal item, in 处
    assert '<progress max="200" value="56">28.0%</progress>' in html
    assert "另有 20处 待审核" in html
    # 时序进度 beside the target: the share of this year's days gone by today (China),
    # and 28.0% done read against it.
    today = local_today()
    first, next_first = date(today.year, 1, 1), date(today.year + 1, 1, 1)
    gone = Decimal((today - first).days + 1) / (next_first - first).days
    schedule = (gone * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    paces = re.findall(r'<p class="pace[^"]*" data-figure="pace-\d+">([^<]*)</p>', html)
    gap = schedule - Decimal("28.0")
    # on 31 December the whole year is the schedule: a target short of it is not met
    reading = ("未完成全年目标" if schedule == 100 else
               f"慢于时序进度 {gap} 个百分点" if gap > 0 else
               f"快于时序进度 {-gap} 个百分点" if gap < 0 else "与时序进度持平")
    assert f"时序进度 {schedule}% · {reading}" in paces
    assert '<svg class="chart trend-chart"' in html and "逐月趋势" in html
    # no inline style or script (the only script is the signed-in pages' drafts.js file)
    assert 'style="' not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)


def test_community_view_reads_the_schedule_at_the_periods_end(client, login, world):
    """A period that has ended reads 时序进度 on its last day, not today: 1 January of
    this year alone is day 1 of 365 or 366, 0.3% either way, whatever day it is now."""
    build_double(world)
    login(world.liaison)
    first = date(local_today().year, 1, 1).isoformat()
    html = page(client, f"/progress/community?community={world.community.id}"
                        f"&period=range&start={first}&end={first}")
    paces = re.findall(r'<p class="pace[^"]*" data-figure="pace-\d+">([^<]*)</p>', html)
    assert paces and all(p.startswith("时序进度 0.3%") for p in paces), paces


def test_double_view_by_zone_with_targets_and_findings(client, login, world):
    double = build_double(world)
    login(world.liaison)
    html = page(client, f"/progress/double?community={world.community.id}")
    assert figure(html, "ads") == "56"
    assert (figure(html, "found"), figure(html, "handed_over"), figure(html, "fixed")) == ("3", "2", "1")
    row1 = re.search(rf'<tr data-key="{double.zone1.id}">(.*?)</tr>', html, re.S).group(1)
    assert "56/200" in row1
    row2 = re.search(rf'<tr data-key="{double.zone2.id}">(.*?)</tr>', html, re.S).group(1)
    assert "0/100" in row2
    assert figure(html, "pending") == (
        "另有1份完成情况待审核（参与1人次，服务时长1.0小时，牛皮癣清除20处），未计入以上数据。")
    assert '<svg class="chart bar-chart"' in html and "图表数据" in html


def test_double_view_sorts_by_a_column_without_javascript(client, login, world):
    double = build_double(world)
    login(world.liaison)
    base = f"/progress/double?community={world.community.id}"
    keys = lambda html: re.findall(r'<tr data-key="(\w+)">', html)  # noqa: E731
    by_ads = keys(page(client, base + "&sort=ads&dir=desc"))
    assert by_ads[0] == str(double.zone1.id)
    by_found = keys(page(client, base + "&sort=found&dir=desc"))
    assert by_found[0] == str(double.zone2.id)
    assert keys(page(client, base + "&sort=found&dir=asc"))[0] == str(double.zone1.id)
    # An unknown sort key falls back to the name order.
    assert keys(page(client, base + "&sort=__class__"))[0] == str(double.zone1.id)


def test_admin_sees_all_communities_by_community(client, login, world):
    build_double(world)
    login(world.admin)
    html = page(client, "/progress/double?community=all")
    assert f'<tr data-key="{world.community.id}">' in html
    assert f'<tr data-key="{world.other_community.id}">' in html
    assert figure(html, "ads") == "56"


def test_coverage_names_who_has_not_taken_part_without_ranking(client, login, world):
    build_double(world)
    f.member(world.unit, name="赵停用", active=False)
    login(world.liaison)
    html = page(client, "/progress/coverage")
    # On roll: the members (计入参与统计), not the admin's and liaisons' accounts:
    # member, other_member, leader (active only) = 3.
    assert figure(html, "on_roll") == "3"
    assert figure(html, "took_part") == "2"
    assert figure(html, "rate") == "66.7%"
    names = re.findall(r"<li>([^<]+)(?:<span|</li>)", html.split('class="people not-yet"')[1])
    assert sorted(names) == ["李四"]
    assert "赵停用" not in html
    # 李四 was on the pending task: marked, still on the list until it is approved.
    assert "李四<span" in html and "有待审核的活动" in html
    assert "名次" not in html and "第1名" not in html


def test_coverage_is_asked_the_same_way_each_time_and_read_afresh(client, login, world,
                                                                   monkeypatch):
    """参与情况's statements are built once per unit and period in a process
    (rollups.batch.built_once): the second look builds none, and still shows what
    changed — 李四's task approved, he has taken part."""
    from tracker.rollups import batch

    double = build_double(world)
    batch.forget_built()
    combined = []
    real = batch.combined
    monkeypatch.setattr(batch, "combined", lambda parts: combined.append(parts) or real(parts))
    login(world.liaison)
    html = page(client, "/progress/coverage")
    assert figure(html, "took_part") == "2" and len(combined) == 1
    double.pending.report.status = ReportStatus.approved
    db.session.commit()
    html = page(client, "/progress/coverage")
    assert figure(html, "took_part") == "3" and "李四" not in html.split('data-figure="rate"')[1]
    assert len(combined) == 1


def test_member_sees_only_their_own_status(client, login, world):
    build_double(world)
    login(world.member)
    html = page(client, "/progress/mine")
    assert figure(html, "my_month") == "本月您已参与 1 次"
    assert "王组长" not in html and "李四" not in html  # nobody else
    login(world.other_member)
    html = page(client, "/progress/mine")
    assert figure(html, "my_month") == "本月您尚未参与"
    assert "另有 1 次活动待审核" in html
    assert client.get("/progress/").headers["Location"].endswith("/progress/mine")
    assert client.get("/progress/coverage").status_code == 403


def test_pending_becomes_official_when_approved(client, login, world):
    double = build_double(world)
    login(world.liaison)
    url = f"/progress/community?community={world.community.id}"
    assert figure(page(client, url), "person_times") == "3"
    double.pending.report.status = ReportStatus.approved
    db.session.commit()
    html = page(client, url)
    assert figure(html, "person_times") == "4"
    assert "待审核，未计入" not in html


def test_period_choices(client, login, world):
    """Month, quarter, year and a custom range each select their own tasks."""
    today = local_today()
    item = f.item(world.unit, world.community, "elderly_visit")
    last_year = b.task_on(item, world.liaison, today.replace(year=today.year - 1, day=1))
    b.join(last_year, world.member)
    b.report(last_year, world.liaison, ReportStatus.approved, quantity=4)
    db.session.commit()
    login(world.liaison)
    base = f"/progress/community?community={world.community.id}"
    y = today.year - 1
    assert figure(page(client, base), "person_times") == "0"
    assert figure(page(client, base + f"&period=year&year={y}"), "person_times") == "1"
    q = (today.month - 1) // 3 + 1
    assert figure(page(client, base + f"&period=quarter&year={y}&quarter={q}"), "person_times") == "1"
    assert figure(page(client, base + f"&period=month&month={y}-{today.month:02d}"), "person_times") == "1"
    start = today.replace(year=y, day=1).isoformat()
    assert figure(page(client, base + f"&period=range&start={start}&end={start}"), "person_times") == "1"
    html = page(client, base + f"&period=range&start={today.isoformat()}&end={today.isoformat()}")
    assert figure(html, "person_times") == "0"


def test_findings_register_filters(client, login, world):
    double = build_double(world)
    login(world.liaison)
    html = page(client, "/progress/findings")
    assert figure(html, "findings_total") == "共 3 处"
    assert figure(page(client, "/progress/findings?kind=sewer"), "findings_total") == "共 1 处"
    assert figure(page(client, "/progress/findings?status=open"), "findings_total") == "共 2 处"
    assert figure(page(client, "/progress/findings?status=fixed"), "findings_total") == "共 1 处"
    assert figure(page(client, f"/progress/findings?zone={double.zone1.id}"), "findings_total") == "共 0 处"
    html = page(client, "/progress/findings?kind=volcano&zone=abc")
    assert "请选择问题类型。" in html and "请选择责任区。" in html


def test_unmanaged_community_is_not_found(client, login, world):
    login(world.liaison)
    assert client.get(f"/progress/community?community={world.other_community.id}").status_code == 404
    assert client.get(f"/progress/double?community={world.other_community.id}").status_code == 404
    assert client.get(f"/progress/findings?community={world.other_community.id}").status_code == 404


def test_liaison_without_communities_gets_a_hint(client, login, world):
    lonely = f.member(world.unit, Role.liaison, "联络员丙")
    db.session.commit()
    login(lonely)
    html = page(client, "/progress/community")
    assert "您还没有负责的社区" in html


def test_done_participation_in_unapproved_task_is_not_official(client, login, world):
    """A returned report's participants count nowhere (neither official nor pending)."""
    double = build_double(world)
    double.pending.report.status = ReportStatus.returned
    db.session.commit()
    login(world.liaison)
    html = page(client, f"/progress/community?community={world.community.id}")
    assert figure(html, "person_times") == "3"
    assert "待审核，未计入" not in html
    assert AssignmentStatus.done  # (the participant's own status stays done)


def test_a_past_year_reads_a_target_short_of_it_as_not_met(client, login, world):
    """Last year on 社区共建进展, read today: the schedule is the whole year, so 2 of 10
    clean-ups reads 未完成全年目标 — the 年度总结's 附表3 word (formatting.target_pace)."""
    last = local_today().year - 1
    item = f.item(world.unit, world.community, "environment_cleanup", year=last, target=10)
    for day in (date(last, 3, 10), date(last, 7, 10)):
        task = f.task(item, world.liaison, starts_at=b.at_local(day))
        b.join(task, world.member, minutes=60)
        b.report(task, world.liaison, ReportStatus.approved)
    db.session.commit()
    login(world.liaison)
    html = page(client, f"/progress/community?community={world.community.id}"
                        f"&period=range&start={last}-01-01&end={last}-12-31")
    paces = re.findall(r'<p class="pace[^"]*" data-figure="pace-\d+">([^<]*)</p>', html)
    assert paces == ["时序进度 100.0% · 未完成全年目标"]
    assert "慢于时序进度" not in html


def test_a_community_with_nothing_yet_says_so_in_a_line(client, login, world):
    """Walk 5, D4: a community with a 资源清单 and no activity yet showed a blank
    12-month chart, twelve month rows of 0 and ten category rows of 0. An empty period
    says so in one line, as the 月报 does (「本月暂无已审核的共建活动。」)."""
    login(world.admin)
    html = page(client, f"/progress/community?community={world.community.id}")
    assert "该期间暂无已审核或待审核的共建活动。" in html
    assert re.search(r"\d{4}-\d{2}至\d{4}-\d{2}各月暂无共建活动。", html)
    assert 'class="figures by-category' not in html and 'class="figures by-month' not in html
    assert "trend-chart" not in html


def test_a_community_with_work_shows_its_tables_and_chart(client, login, world):
    build_double(world)
    login(world.liaison)
    html = page(client, f"/progress/community?community={world.community.id}")
    assert "暂无已审核或待审核的共建活动" not in html and "各月暂无共建活动" not in html
    assert 'class="figures by-category' in html and "trend-chart" in html
