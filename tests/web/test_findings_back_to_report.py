"""The group leader filling 提交完成 for a survey opens 「登记摸排问题」 from the form; the
摸排问题 page leads back to that form (「返回完成情况」), also after a finding is recorded
there, not only to the task (walk56: it offered 「返回任务」 alone). Where it leads back to
is a plain path of this site only: another site's address is never a link of the page."""
from __future__ import annotations

import html as html_lib
import re

import pytest

from tests.web.progress_setup import build_double
from tracker.extensions import db
from tracker.models import ReportStatus


def _links(page: str) -> dict[str, str]:
    """The page's links, text → address."""
    return {html_lib.unescape(text): html_lib.unescape(href)
            for href, text in re.findall(r'<a[^>]* href="([^"]+)"[^>]*>([^<]+)</a>', page)}


def _form_action(page: str, path: str) -> str:
    found = re.search(rf'<form[^>]* action="({re.escape(path)}[^"]*)"', page)
    assert found, path
    return html_lib.unescape(found.group(1))


@pytest.fixture
def survey(world):
    double = build_double(world)
    double.survey.report.status = ReportStatus.submitted  # 待审核: findings may be added
    db.session.commit()
    return double.survey


def test_the_findings_page_opened_from_the_report_form_leads_back_to_it(client, login, world,
                                                                        survey):
    login(world.leader)
    report_form = f"/tasks/{survey.id}/report"
    to_findings = _links(client.get(report_form).get_data(as_text=True))["登记摸排问题"]
    page = client.get(to_findings).get_data(as_text=True)
    assert _links(page).get("返回完成情况") == report_form

    # a finding recorded there: the page after it still leads back to the form
    action = _form_action(page, f"/progress/tasks/{survey.id}/findings")
    done = client.post(action, data={"kind": "sidewalk", "place": "建设路12号门前"})
    assert done.status_code == 302
    page = client.get(done.location).get_data(as_text=True)
    assert "已登记摸排问题。" in page
    assert _links(page).get("返回完成情况") == report_form


@pytest.mark.parametrize("next_page", [
    None, "https://evil.example/phish", "//evil.example/phish", "/\\evil.example"])
def test_without_a_page_of_this_site_to_go_back_to_it_leads_to_the_task(client, login, world,
                                                                        survey, next_page):
    login(world.leader)
    query = {} if next_page is None else {"next": next_page}
    page = client.get(f"/progress/tasks/{survey.id}/findings",
                      query_string=query).get_data(as_text=True)
    links = _links(page)
    assert links.get("返回任务") == f"/tasks/{survey.id}"
    assert "返回完成情况" not in links
    # (the footer's English link keeps the page's own query, as on every page)
    assert not any("evil" in href for text, href in links.items() if text != "English")
    assert "evil" not in _form_action(page, f"/progress/tasks/{survey.id}/findings")
