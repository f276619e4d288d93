"""Bad input on the progress forms: a Chinese message on the same form, what was typed
kept, nothing changed, never a 500. And the findings flow found → 已移交 → 已整改."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.web.progress_setup import build_double
from tracker.extensions import db
from tracker.models import AuditEvent, Finding, FindingKind, FindingStatus, ReportStatus
from tracker.timeutil import local_today

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
TOMORROW = (TODAY + timedelta(days=1)).isoformat()


@pytest.mark.parametrize("query, message", [
    ("period=month&month=abc", "请选择月份，例如“2025-10”。"),
    ("period=month&month=2025-13", "请选择月份，例如“2025-10”。"),
    ("period=month&month=", "请选择月份，例如“2025-10”。"),
    ("period=year&year=二〇二五", "年份须为2000到2100之间的整数。"),
    ("period=year&year=-5", "年份须为2000到2100之间的整数。"),
    ("period=year&year=99999999999999999999", "年份须为2000到2100之间的整数。"),
    ("period=quarter&year=2025&quarter=5", "请选择季度。"),
    ("period=range&start=&end=2025-10-01", "请填写开始日期。"),
    ("period=range&start=2025-10-01&end=", "请填写结束日期。"),
    ("period=range&start=2025-02-30&end=2025-03-01", "日期格式不正确"),
    ("period=range&start=yesterday&end=2025-03-01", "日期格式不正确"),
    ("period=range&start=2025-10-10&end=2025-10-01", "结束日期不能早于开始日期。"),
    ("period=range&start=2020-01-01&end=2025-10-01", "时间范围不能超过3年。"),
    ("period=decade", "请选择统计周期。"),
    ("community=abc", "请选择社区。"),
    ("community=-1", "请选择社区。"),
])
@pytest.mark.parametrize("path", ["/progress/community", "/progress/double"])
def test_bad_period_input_gets_a_chinese_message(client, login, world, path, query, message):
    login(world.liaison)
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert "Not a valid" not in html and "Invalid" not in html
    assert 'data-figure="person_times"' not in html  # no figures for a period that is not one


def test_bad_input_keeps_what_was_typed(client, login, world):
    login(world.liaison)
    html = client.get("/progress/community?period=range&start=2025-10-10&end=2025-10-01"
                      ).get_data(as_text=True)
    assert 'value="2025-10-10"' in html and 'value="2025-10-01"' in html
    assert '<option selected value="range">' in html or 'value="range" selected' in html


@pytest.mark.parametrize("query, message", [
    ("unit=abc", "请选择单位。"),
    ("period=year&year=1", "年份须为2000到2100之间的整数。"),
])
def test_bad_coverage_input(client, login, world, query, message):
    login(world.admin)
    html = client.get(f"/progress/coverage?{query}").get_data(as_text=True)
    assert message in html
    assert 'data-figure="on_roll"' not in html


# --- findings --------------------------------------------------------------------


def _reopen(survey) -> None:
    """The survey's report sent back to its leader (returned: not yet official)."""
    survey.report.status = ReportStatus.returned
    db.session.commit()


def _count_findings() -> int:
    return db.session.scalar(db.select(db.func.count(Finding.id)))


@pytest.mark.parametrize("data, message", [
    ({"kind": "road", "place": ""}, "请填写问题位置。"),
    ({"kind": "road", "place": "   "}, "请填写问题位置。"),
    ({"kind": "road", "place": "路" * 121}, "位置不能超过120个字。"),
    ({"kind": "volcano", "place": "建设路口"}, "请选择问题类型。"),
    ({"kind": "", "place": "建设路口"}, "请选择问题类型。"),
    ({"kind": "road", "place": "建设路口", "description": "长" * 2001}, "问题描述不能超过2000个字。"),
])
def test_recording_a_finding_refuses_bad_input(client, login, world, data, message):
    double = build_double(world)
    _reopen(double.survey)  # a survey that still takes findings
    before = _count_findings()
    login(world.leader)
    response = client.post(f"/progress/tasks/{double.survey.id}/findings", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    if data.get("place", "").strip() and len(data["place"]) <= 120:
        assert f'value="{data["place"]}"' in html  # kept
    db.session.expire_all()
    assert _count_findings() == before


def test_leader_records_a_finding(client, login, world):
    double = build_double(world)
    double.survey.report.status = ReportStatus.submitted  # still 待审核: findings may be added
    db.session.commit()
    login(world.leader)
    response = client.post(f"/progress/tasks/{double.survey.id}/findings",
                           data={"kind": "sidewalk", "place": "建设路12号门前", "description": "地砖松动"})
    assert response.status_code == 302
    assert "已登记摸排问题。" in client.get(response.headers["Location"]).get_data(as_text=True)
    finding = db.session.scalar(db.select(Finding).where(Finding.place == "建设路12号门前"))
    assert finding.kind == FindingKind.sidewalk and finding.status == FindingStatus.found
    assert finding.zone_id == double.zone2.id and finding.found_on == double.survey.service_date
    assert finding.created_by_id == world.leader.id
    assert db.session.scalar(db.select(AuditEvent).where(
        AuditEvent.action == "record_finding", AuditEvent.entity_id == finding.id)) is not None


def test_findings_only_from_a_survey_that_has_started(client, login, world):
    from tests import factories as f

    login(world.leader)
    # Not a survey: the page does not exist for it.
    assert client.get(f"/progress/tasks/{world.task.id}/findings").status_code == 404
    survey_item = f.item(world.unit, world.community, "facility_survey")
    future = f.task(survey_item, world.liaison, leader=world.leader)
    db.session.commit()
    response = client.post(f"/progress/tasks/{future.id}/findings",
                           data={"kind": "road", "place": "建设路口"})
    assert "任务开始后才能登记摸排问题。" in response.get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({"handed_to": "", "handed_over_on": TODAY.isoformat()}, "请填写移交给哪个部门或单位。"),
    ({"handed_to": "局" * 121, "handed_over_on": TODAY.isoformat()}, "移交对象不能超过120个字。"),
    ({"handed_to": "县住建局", "handed_over_on": ""}, "请填写移交日期。"),
    ({"handed_to": "县住建局", "handed_over_on": "明天"}, "日期格式不正确"),
    ({"handed_to": "县住建局", "handed_over_on": TOMORROW}, "日期不能晚于今天。"),
    ({"handed_to": "县住建局", "handed_over_on": "2000-01-01"}, "移交日期不能早于发现日期"),
])
def test_hand_over_refuses_bad_input(client, login, world, data, message):
    double = build_double(world)
    login(world.liaison)
    response = client.post(f"/progress/findings/{double.finding.id}/hand-over", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    if data["handed_to"] and len(data["handed_to"]) < 50:
        assert f'value="{data["handed_to"]}"' in html
    db.session.expire_all()
    assert double.finding.status == FindingStatus.found and double.finding.handed_to is None


def test_every_mistake_of_a_hand_over_is_named_in_one_submit(client, login, world):
    """An empty 移交给 (the form's) and a 移交日期 in the future (the service's) are both
    named by the first submit, the date typed kept, nothing written."""
    double = build_double(world)
    login(world.liaison)
    response = client.post(f"/progress/findings/{double.finding.id}/hand-over",
                           data={"handed_to": "", "handed_over_on": TOMORROW})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "请填写移交给哪个部门或单位。" in html and "日期不能晚于今天。" in html
    assert f'value="{TOMORROW}"' in html
    db.session.expire_all()
    assert double.finding.status == FindingStatus.found and double.finding.handed_to is None


def test_the_finding_moves_found_handed_over_fixed(client, login, world):
    double = build_double(world)
    finding = double.finding
    login(world.liaison)
    response = client.post(f"/progress/findings/{finding.id}/hand-over",
                           data={"handed_to": "县住建局市政所", "handed_over_on": TODAY.isoformat()})
    assert response.status_code == 302
    assert "已登记移交。" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert finding.status == FindingStatus.handed_over and finding.handed_to == "县住建局市政所"
    # Handing over twice is refused with a message.
    html = client.post(f"/progress/findings/{finding.id}/hand-over",
                       data={"handed_to": "别处", "handed_over_on": TODAY.isoformat()}).get_data(as_text=True)
    assert "只有“已发现”的问题可以移交。" in html
    # Fixed: not in the future, not before the hand-over.
    html = client.post(f"/progress/findings/{finding.id}/fix", data={"fixed_on": TOMORROW}).get_data(as_text=True)
    assert "日期不能晚于今天。" in html
    html = client.post(f"/progress/findings/{finding.id}/fix",
                       data={"fixed_on": (TODAY - timedelta(days=1)).isoformat()}).get_data(as_text=True)
    assert "整改日期不能早于移交日期" in html
    assert client.post(f"/progress/findings/{finding.id}/fix", data={"fixed_on": ""}).status_code == 200
    response = client.post(f"/progress/findings/{finding.id}/fix", data={"fixed_on": TODAY.isoformat()})
    assert response.status_code == 302
    db.session.expire_all()
    assert finding.status == FindingStatus.fixed and finding.fixed_on == TODAY
    actions = db.session.scalars(db.select(AuditEvent.action).where(
        AuditEvent.entity_type == "finding", AuditEvent.entity_id == finding.id)
        .order_by(AuditEvent.id)).all()
    assert actions == ["hand_over_finding", "fix_finding"]


@pytest.mark.parametrize("typed", ["2026-02-30", "   ", "x" * 300])
def test_a_stale_pages_form_is_told_the_findings_state_whatever_was_typed(
        client, login, world, typed):
    # the page that drew 整改 (or 移交) is older than another's change of the finding: the
    # refusal names the state, not a field of a form the page no longer draws
    finding = build_double(world).finding  # 已发现
    login(world.liaison)
    html = client.post(f"/progress/findings/{finding.id}/fix",
                       data={"fixed_on": typed}).get_data(as_text=True)
    assert "只有“已移交”的问题可以登记整改。" in html
    finding.status, finding.handed_to, finding.handed_over_on = (
        FindingStatus.handed_over, "县住建局市政所", local_today())
    db.session.commit()
    html = client.post(f"/progress/findings/{finding.id}/hand-over",
                       data={"handed_to": "别处", "handed_over_on": typed}).get_data(as_text=True)
    assert "只有“已发现”的问题可以移交。" in html
    db.session.expire_all()
    assert finding.status == FindingStatus.handed_over and finding.fixed_on is None


def test_a_finding_recorded_by_mistake_is_deactivated_not_deleted(client, login, world):
    double = build_double(world)
    _reopen(double.survey)
    login(world.liaison)
    response = client.post(f"/progress/findings/{double.finding.id}/deactivate",
                           data={"reason": "重复登记"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Finding, double.finding.id).active is False
    html = client.get("/progress/findings").get_data(as_text=True)
    assert "共 2 处" in html
    # A deactivated finding cannot be moved on.
    html = client.post(f"/progress/findings/{double.finding.id}/hand-over",
                       data={"handed_to": "县住建局", "handed_over_on": TODAY.isoformat()}).get_data(as_text=True)
    assert "该摸排问题已删除。" in html


def test_a_finding_deleted_as_personal_keeps_no_words_of_the_person(client, login, world):
    """「涉及个人信息」: the description goes and the 位置 becomes its 责任区 or community;
    without it the finding keeps its text, as a plain mistake does."""
    double = build_double(world)
    _reopen(double.survey)
    finding = db.session.get(Finding, double.finding.id)
    finding.place, finding.description = "二区3栋张德发家门口", "张德发（电话13907941234）私搭雨棚"
    db.session.commit()
    login(world.liaison)
    page = client.get(f"/progress/findings/{finding.id}").get_data(as_text=True)
    assert "涉及个人信息，一并清除描述" in page
    response = client.post(f"/progress/findings/{finding.id}/deactivate",
                           data={"reason": "误登记，涉及个人信息", "personal": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    finding = db.session.get(Finding, finding.id)
    assert finding.active is False and finding.description is None
    where = finding.zone.name if finding.zone is not None else finding.community.name
    assert finding.place == where
    assert "张德发" not in client.get(f"/progress/findings/{finding.id}").get_data(as_text=True)


def test_the_place_field_asks_for_no_names_or_phones(client, login, world):
    double = build_double(world)
    _reopen(double.survey)
    login(world.leader)
    page = client.get(f"/progress/tasks/{double.survey.id}/findings").get_data(as_text=True)
    assert "勿写住户姓名、电话" in page


def test_an_approved_survey_keeps_its_findings(client, login, world):
    """Taking a finding off an approved survey would change its official 完成数量 after
    the fact (and its month's 月报), while the report still says the old count."""
    double = build_double(world)
    login(world.liaison)
    response = client.post(f"/progress/findings/{double.finding.id}/deactivate",
                           data={"reason": "重复登记"}, follow_redirects=True)
    assert "该摸排任务的完成情况已审核通过，不能再删除问题。" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Finding, double.finding.id).active is True


def test_the_report_of_a_survey_not_yet_approved_counts_its_findings_as_they_are(
        client, login, world):
    """Its 完成数量 is the number of its active findings (docs/design.md): the report the
    liaison reviews says the same when one is added or taken off after it was sent."""
    double = build_double(world)
    _reopen(double.survey)  # its report said 3处, and 3 findings are on it
    login(world.leader)
    client.post(f"/progress/tasks/{double.survey.id}/findings",
                data={"kind": "road", "place": "建设路5号", "description": ""})
    db.session.expire_all()
    assert double.survey.report.quantity == 4
    login(world.liaison)
    client.post(f"/progress/findings/{double.finding.id}/deactivate", data={"reason": "重复"})
    db.session.expire_all()
    assert double.survey.report.quantity == 3


def test_an_approved_survey_takes_no_more_findings(client, login, world):
    """A survey's findings are its 完成数量: once its report is approved, that is final."""
    double = build_double(world)
    login(world.leader)
    before = _count_findings()
    response = client.post(f"/progress/tasks/{double.survey.id}/findings",
                           data={"kind": "road", "place": "建设路5号", "description": ""})
    assert response.status_code == 200
    assert "该摸排任务的完成情况已审核通过，不能再登记问题。" in response.get_data(as_text=True)
    assert _count_findings() == before
    # and the page offers no form to type into only to be refused: it says why
    page = client.get(f"/progress/tasks/{double.survey.id}/findings").get_data(as_text=True)
    assert "该摸排任务的完成情况已审核通过，不能再登记问题。" in page
    assert 'name="place"' not in page
    _reopen(double.survey)
    page = client.get(f"/progress/tasks/{double.survey.id}/findings").get_data(as_text=True)
    assert 'name="place"' in page


def test_the_kept_period_form_follows_the_communities_and_what_was_typed(client, login,
                                                                         world):
    """The period form is kept between requests (issue 14) under everything it shows:
    a fresh one and a kept one are the same, a typed value and its message come back
    on the next page, a community added since is offered at once, and the “双创”
    view's sort order rides along in its hidden fields."""
    import re

    from tests import factories as f
    from tracker.models import Role
    from tracker.templating import FRAGMENTS

    def period_form(page):
        return re.search(r'<form method="get" action="/progress/[a-z]+" class="form '
                         r'period-form".*?</form>', page, re.S).group(0)

    login(world.admin)
    assert world.admin.role == Role.admin
    FRAGMENTS.clear()
    url = "/progress/community?period=year&year=2025"
    fresh, kept = (period_form(client.get(url).get_data(as_text=True)) for _ in range(2))
    assert kept == fresh
    bad = period_form(client.get("/progress/community?period=year&year=二〇二五")
                      .get_data(as_text=True))
    assert 'value="二〇二五"' in bad and "年份须为2000到2100之间的整数。" in bad
    assert "二〇二五" not in period_form(client.get(url).get_data(as_text=True))
    f.community("人民路社区")
    db.session.commit()
    assert "人民路社区" in period_form(client.get(url).get_data(as_text=True))
    for direction in ("asc", "desc"):
        page = client.get(f"/progress/double?period=year&year=2025&sort=ads&dir={direction}")
        assert f'name="dir" value="{direction}"' in period_form(page.get_data(as_text=True))


def test_a_hand_over_dated_in_a_finalised_month_is_refused_on_the_page_for_a_liaison(
        client, login, world):
    """The step would change the signed month's 本月移交: the liaison is told on the
    finding's page, what they typed kept, nothing written; an admin records it."""
    from tests import factories as f
    from tests.rollups import builders as b
    from tracker.models import SummaryNote
    from tracker.timeutil import utcnow

    last_month = TODAY.replace(day=1) - timedelta(days=1)
    survey = b.task_on(f.item(world.unit, world.community, "facility_survey"), world.liaison,
                       last_month.replace(day=1), leader=world.leader)
    b.report(survey, world.leader, ReportStatus.approved, quantity=1)
    finding = b.finding(survey, world.leader)
    db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                               year=last_month.year, month=last_month.month,
                               finalized_at=utcnow(), finalized_by_id=world.admin.id))
    db.session.commit()
    typed = {"handed_to": "县住建局市政所", "handed_over_on": last_month.isoformat()}
    login(world.liaison)
    response = client.post(f"/progress/findings/{finding.id}/hand-over", data=typed)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert (f"{last_month.year}年{last_month.month}月的月报已定稿，登记该月的移交须由单位管理员操作"
            in html)
    assert 'value="县住建局市政所"' in html and f'value="{last_month.isoformat()}"' in html
    db.session.expire_all()
    assert finding.status == FindingStatus.found and finding.handed_to is None

    login(world.admin)
    # the admin is told first which signed 月报 it changes (figures42 #1), then records it
    response = client.post(f"/progress/findings/{finding.id}/hand-over", data=typed)
    assert response.status_code == 200 and "登记移交会改变以下已定稿月报" in response.get_data(as_text=True)
    response = client.post(f"/progress/findings/{finding.id}/hand-over",
                           data={**typed, "confirmed": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (finding.status, finding.handed_over_on) == (FindingStatus.handed_over, last_month)
