"""A refusal is reached from the page that answers it (review merged26b): the error
summary's links, ``<label for>`` and ``aria-describedby`` lead to the field of the form
that was refused, not to a field of another form of the page with the same id; a
refusal folded in a closed ``<details>`` comes back unfolded; and a refused 确认参与 or
提交完成 says why in the same error summary as every refused form (focused, 「错误：」),
while a page merely opened when the action no longer applies does not take the focus."""
from __future__ import annotations

import re
from collections import Counter

import pytest

from tests.web.manage_support import assignment, submitted_report
from tests.web.progress_setup import build_double
from tests.web.test_form_a11y import Elements
from tracker.extensions import db
from tracker.models import AssignmentStatus, ReportStatus


def _ids_used_twice(html: str) -> list[str]:
    counts = Counter(re.findall(r'<[a-zA-Z][^>]*?\sid="([^"]+)"', html))
    return sorted(i for i, n in counts.items() if n > 1)


def _approved(world):
    return submitted_report(world.past_task, world.leader, status=ReportStatus.approved).task


def _task_page(world):
    return f"/manage/tasks/{_approved(world).id}"


# Pages with more than one form, as whoever sees the most of them: GET, and the page that
# answers each form's refusal (summary, errors under the field, the typed text kept).
PAGES = [
    ("approved task, liaison", "liaison", lambda w: ("GET", _task_page(w), None)),
    ("approved task, admin", "admin", lambda w: ("GET", _task_page(w), None)),
    ("作废 refused", "admin",
     lambda w: ("POST", _task_page(w) + "/void", {"void-reason": "", "confirmed": "1"})),
    ("撤销审核 refused", "admin",
     lambda w: ("POST", _task_page(w) + "/reopen", {"reopen-reason": ""})),
    ("open task", "liaison", lambda w: ("GET", f"/manage/tasks/{w.task.id}", None)),
    ("资源清单", "admin", lambda w: ("GET", "/admin/items", None)),
    ("从上一年度复制 refused", "admin",
     lambda w: ("POST", "/admin/items/copy", {"copy-year": "abc"})),
    ("摸排问题", "liaison",
     lambda w: ("GET", f"/progress/findings/{build_double(w).finding.id}", None)),
    ("member", "admin", lambda w: ("GET", f"/admin/members/{w.member.id}/edit", None)),
]


@pytest.mark.parametrize("who, what", [(p[1], p[2]) for p in PAGES], ids=[p[0] for p in PAGES])
def test_no_page_gives_one_id_to_two_elements(client, login, world, who, what):
    method, url, data = what(world)
    login(getattr(world, who))
    response = client.post(url, data=data) if method == "POST" else client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert _ids_used_twice(response.get_data(as_text=True)) == []


def _form_of(html: str, element_id: str) -> str:
    """The action of the form the element with that id is in."""
    at = html.index(f' id="{element_id}"')
    return re.findall(r'<form[^>]*action="([^"]*)"', html[:at])[-1]


def test_the_refused_forms_summary_leads_to_its_own_field(client, login, world):
    """作废 refused on a page that also offers 撤销审核: its link, its label and its errors
    all belong to the 作废 form's reason."""
    url = _task_page(world)
    login(world.admin)
    html = client.post(url + "/void", data={"void-reason": "", "confirmed": "1"}) \
        .get_data(as_text=True)
    page = Elements(html)
    [link] = [e for e in page.all if e["tag"] == "a" and "请填写作废的原因" in e["text"]]
    target = link["href"].removeprefix("#")
    assert _form_of(html, target) == url + "/void"
    assert page.by_id(target)["aria-invalid"] == "true"
    assert "请填写作废的原因。" in page.description(page.by_id(target))
    [label] = [e for e in page.all if e["tag"] == "label" and e.get("for") == target]
    assert label["text"].strip() == "作废的原因"


def test_the_refused_copy_summary_leads_to_the_copy_forms_year(client, login, world):
    login(world.admin)
    html = client.post("/admin/items/copy", data={"copy-year": "abc"}).get_data(as_text=True)
    [target] = re.findall(r'<div class="errors" id="form-errors".*?href="#([^"]+)"', html, re.S)
    assert _form_of(html, target) == "/admin/items/copy"


def _details_around(html: str, element_id: str) -> str | None:
    """The opening tag of the <details> the element is in, or None."""
    at = html.index(f' id="{element_id}"')
    for match in reversed(list(re.finditer(r"<details[^>]*>", html[:at]))):
        if "</details>" not in html[match.end():at]:
            return match.group(0)
    return None


def test_a_refused_delete_of_a_finding_comes_back_unfolded(client, login, world):
    """「登记有误？删除该问题」 is folded away; refused (the survey approved while the
    page was open), the page comes back with it open, so the refusal is seen with
    JavaScript off too."""
    double = build_double(world)
    double.survey.report.status = ReportStatus.submitted
    db.session.commit()
    login(world.liaison)
    url = f"/progress/findings/{double.finding.id}"
    folded = _details_around(client.get(url).get_data(as_text=True), "reason")
    assert folded is not None and " open" not in folded
    double.survey.report.status = ReportStatus.approved  # approved meanwhile
    db.session.commit()
    html = client.post(url + "/deactivate", data={"reason": "重复登记"}).get_data(as_text=True)
    assert "该摸排任务的完成情况已审核通过，不能再删除问题。" in html
    details = _details_around(html, "form-errors")
    assert details is not None and " open" in details


def _approved_after_opening(world):
    """张三's place on the past task, its report approved after he opened 确认参与."""
    place = assignment(world.past_task, world.member)
    submitted_report(world.past_task, world.leader, status=ReportStatus.approved)
    return place


def test_a_refused_confirm_is_said_in_the_error_summary(client, login, world):
    place = _approved_after_opening(world)
    login(world.member)
    url = f"/tasks/assignments/{place.id}/confirm"
    page = Elements(client.post(url, data={"hours": "2"}).get_data(as_text=True))
    summary = page.by_id("form-errors")
    # approval is final: the claim was not confirmed by then, so it did not count
    assert "该任务审核通过时，您尚未确认服务时长，本次参与没有计入统计。" in summary["text"]
    assert "autofocus" in summary and summary["role"] == "alert"
    db.session.expire_all()
    assert place.minutes is None and place.status == AssignmentStatus.claimed
    # opened afterwards, the page says it, and takes no focus: nothing was refused
    page = Elements(client.get(url).get_data(as_text=True))
    assert not [e for e in page.all if e.get("id") == "form-errors" or "autofocus" in e]
    assert "该任务审核通过时，您尚未确认服务时长，本次参与没有计入统计。" in page.all[0]["text"]


def test_a_refused_report_is_said_in_the_error_summary(client, login, world):
    _approved(world)
    login(world.leader)
    url = f"/tasks/{world.past_task.id}/report"
    page = Elements(client.post(url, data={"note": "清理楼道", "quantity": "3"})
                    .get_data(as_text=True))
    summary = page.by_id("form-errors")
    assert "autofocus" in summary and "已审核通过" in summary["text"]
    page = Elements(client.get(url).get_data(as_text=True))
    assert not [e for e in page.all if e.get("id") == "form-errors" or "autofocus" in e]
