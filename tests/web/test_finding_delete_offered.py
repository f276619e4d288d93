"""figures42 #3: the 摸排问题 page does not offer 「登记有误？删除该问题」 on a finding of an
approved survey, which ``findings.deactivate`` refuses: it says why instead (docs/
design.md, "a page that would offer a refused action says so instead")."""
from __future__ import annotations

from tests.web.progress_setup import build_double
from tracker.extensions import db
from tracker.models import ReportStatus

REFUSAL = "该摸排任务的完成情况已审核通过，不能再删除问题。"


def test_an_approved_survey_s_finding_says_why_it_cannot_be_deleted(client, login, world):
    double = build_double(world)  # its survey approved
    login(world.liaison)
    html = client.get(f"/progress/findings/{double.finding.id}").get_data(as_text=True)
    assert REFUSAL in html
    assert "登记有误？删除该问题" not in html
    assert f"/progress/findings/{double.finding.id}/deactivate" not in html


def test_a_finding_of_a_survey_not_yet_approved_offers_the_delete(client, login, world):
    double = build_double(world)
    double.survey.report.status = ReportStatus.submitted
    db.session.commit()
    login(world.liaison)
    html = client.get(f"/progress/findings/{double.finding.id}").get_data(as_text=True)
    assert "登记有误？删除该问题" in html
    assert REFUSAL not in html
