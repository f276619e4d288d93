"""Permission matrix rows for the progress pages (blueprint ``progress``).

Staff pages answer 403 to members; a community, unit, task or finding outside the
actor's reach answers 404. Every member may see their own status (/progress/mine).
"""
import pytest

from tests.audit import work_event_count
from tests.web.matrix import HIDDEN, OK, STAFF_ANY, STAFF_OF_COMMUNITY, Route, cases_for, check, everyone
from tests.web.progress_setup import build_double
from tracker.timeutil import local_today


def _setup(w):
    w.double = build_double(w)


def _other_unit(w):
    from tests import factories as f
    from tracker.extensions import db

    w.far_unit = f.unit("县财政局")
    db.session.commit()


TODAY = local_today().isoformat()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
SURVEY_STAFF_AND_LEADER = {"leader": OK, "liaison": OK, "admin": OK}

CASES = [
    Route("progress.index", "GET", lambda w: "/progress/", everyone(), id="index"),
    Route("progress.mine", "GET", lambda w: "/progress/mine", everyone(), id="mine"),
    Route("progress.community", "GET", lambda w: "/progress/community", STAFF_ANY,
          id="community-default"),
    Route("progress.community", "GET", lambda w: f"/progress/community?community={w.community.id}",
          STAFF_OF_COMMUNITY, setup=_setup, id="community-A"),
    Route("progress.community", "GET", lambda w: "/progress/community?community=all&period=year",
          STAFF_ANY, id="community-all-year"),
    Route("progress.community", "GET", lambda w: "/progress/community?community=x&period=q&month=zz",
          STAFF_ANY, id="community-bad-input"),
    Route("progress.double", "GET", lambda w: f"/progress/double?community={w.community.id}&sort=ads",
          STAFF_OF_COMMUNITY, setup=_setup, id="double-A"),
    Route("progress.double", "GET", lambda w: "/progress/double?sort=evil&dir=sideways",
          STAFF_ANY, id="double-default"),
    Route("progress.coverage", "GET", lambda w: "/progress/coverage", STAFF_ANY, id="coverage"),
    Route("progress.coverage", "GET", lambda w: f"/progress/coverage?unit={w.far_unit.id}",
          {"admin": OK, "liaison": HIDDEN, "other_liaison": HIDDEN}, setup=_other_unit,
          id="coverage-other-unit"),
    # a community's 参与情况 (the 月报's part): another liaison's community is hidden
    Route("progress.coverage", "GET", lambda w: f"/progress/coverage?community={w.community.id}",
          STAFF_OF_COMMUNITY, id="coverage-community-A"),
    Route("progress.findings", "GET", lambda w: "/progress/findings", STAFF_ANY, setup=_setup,
          id="findings"),
    Route("progress.findings", "GET", lambda w: f"/progress/findings?community={w.community.id}",
          STAFF_OF_COMMUNITY, setup=_setup, id="findings-A"),
    Route("progress.task_findings", "GET", lambda w: f"/progress/tasks/{w.double.survey.id}/findings",
          SURVEY_STAFF_AND_LEADER, setup=_setup, default=HIDDEN, id="task-findings"),
    Route("progress.task_findings", "GET", lambda w: f"/progress/tasks/{w.task.id}/findings",
          everyone(HIDDEN), id="task-findings-not-a-survey"),
    Route("progress.task_findings", "POST", lambda w: f"/progress/tasks/{w.double.survey.id}/findings",
          SURVEY_STAFF_AND_LEADER, setup=_setup, data={"kind": "road", "place": "建设路口"},
          default=HIDDEN, id="task-findings-record"),

    Route("progress.finding", "GET", lambda w: f"/progress/findings/{w.double.finding.id}",
          STAFF_OF_COMMUNITY, setup=_setup, id="finding"),
    Route("progress.hand_over", "POST", lambda w: f"/progress/findings/{w.double.finding.id}/hand-over",
          STAFF_OF_COMMUNITY, setup=_setup,
          data={"handed_to": "县住建局", "handed_over_on": TODAY}, id="hand-over"),
    Route("progress.fix", "POST", lambda w: f"/progress/findings/{w.double.finding.id}/fix",
          STAFF_OF_COMMUNITY, setup=_setup, data={"fixed_on": TODAY}, id="fix"),
    Route("progress.deactivate_finding", "POST",
          lambda w: f"/progress/findings/{w.double.finding.id}/deactivate",
          STAFF_OF_COMMUNITY, setup=_setup, data={"reason": "重复登记"}, id="deactivate"),
]


@pytest.mark.parametrize(**cases_for(CASES))
def test_progress_permissions(client, login, route_world, route, actor):
    check(client, login, route_world, route, actor)


def test_nothing_changes_when_denied(client, login, world):
    """A liaison of another community cannot move a finding: 404 and no change."""
    from tracker.extensions import db
    from tracker.models import FindingStatus

    double = build_double(world)
    login(world.other_liaison)
    response = client.post(f"/progress/findings/{double.finding.id}/hand-over",
                           data={"handed_to": "县住建局", "handed_over_on": TODAY})
    assert response.status_code == 404
    db.session.expire_all()
    assert double.finding.status == FindingStatus.found
    assert work_event_count() == 0
