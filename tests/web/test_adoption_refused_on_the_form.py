"""An admin's 补录 adopting a 补录申请 in a 已定稿 month: what 采纳 itself refuses — the
request decided already, the checklist item in another community than the request's,
the applicant not ticked, the voided activity the request named recorded again as it
was — is said on the 补录 form at once, in the service's words, what was typed kept:
never a page naming the signed documents first and the refusal only after 确认
(docs/design.md, the ask-first paragraph: a field the service refuses is said on the
form first, never asked; backfillnamed45's Open, adoptorder46). The form's read-only
check asks 采纳's rules (``backfill_requests.adopt_problems``) before 补录's; the service
asks them again with the request locked."""
from __future__ import annotations

import re
from datetime import date

import pytest

from tests.reports.test_signed_named import named, sign_october_and_the_year
from tests.web.test_backfill_refused_not_named import SINCE, _request, _status
from tests.web.test_named_first import _backfill, _tasks_titled
from tracker.extensions import db
from tracker.models import RequestStatus
from tracker.services.voiding import void_activity
from tracker.timeutil import utcnow


def _refused(page: str) -> str:
    """The form's summary of what was refused (``form_errors``): a refusal of no field
    in it, and each field's with its label."""
    found = re.search(r'<div class="errors" id="form-errors".*?</div>', page, re.S)
    return re.sub(r"<[^>]+>", "", found.group(0)) if found else ""


def _decided(o, row):
    """The request declined meanwhile (by another liaison): 采纳 finds it decided."""
    row.status, row.decline_reason = RequestStatus.declined, "重复申请"
    row.decided_by_id, row.decided_at = o.liaison.id, utcnow()
    db.session.commit()
    return _backfill(o, "2022-10-26"), "该申请已处理。"


def _elsewhere(o, _row):
    """The activity recorded on 建设路社区's checklist item, the request being 解放路社区's."""
    item = o.tasks["牛皮癣一区"].resource_item_id
    return (_backfill(o, "2022-10-26", resource_item=str(item), quantity="12"),
            "补录的社区须是申请的社区（解放路社区）。")


def _not_ticked(o, _row):
    """陈静 recorded, 刘洋 — who asked — not ticked."""
    other = str(o.members["陈静"].id)
    return (_backfill(o, "2022-10-26", participants=other, leader=other),
            "请勾选申请人 刘洋。")


def _the_voided(o, row):
    """刘洋's request named 慰问老人, voided since (作废 puts the request back in the queue,
    naming it as voided): the 补录 records that very activity again, unchanged."""
    task = o.tasks["慰问老人"]  # 2022-10-26 09:00-13:00
    row.task_id = task.id
    db.session.commit()
    void_activity(task, o.admin, "当天并未开展")
    db.session.commit()
    return (_backfill(o, "2022-10-26", resource_item=str(task.resource_item_id),
                      title="慰问老人", ends_at="2022-10-26T13:00", quantity="9",
                      people_served="9"),
            "这正是已作废的活动“慰问老人”（2022-10-26 09:00）：资源清单项目、名称和时间都相同。"
            "请按该党员实际参加的活动填写；如申请不属实，请拒绝。")


@pytest.mark.parametrize("case", [_decided, _elsewhere, _not_ticked, _the_voided],
                         ids=["decided", "item elsewhere", "applicant not ticked",
                              "the voided activity"])
def test_what_adoption_refuses_is_said_on_the_form_not_named_first(
        client, login, october, case):
    """The 补录 itself is one the service records (``_backfill``'s day is free): only 采纳
    refuses it. No naming page, no 「确认补录」, the refusal under the form, the typed
    fields and the request's link kept, nothing recorded."""
    login(october.admin)
    row = _request(october, date(2022, 10, 26))
    typed, refusal = case(october, row)
    sign_october_and_the_year(client, october)
    status = _status(row)
    response = client.post("/manage/backfill", data={**typed, "from_request": str(row.id)})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and named(page) == [] and "确认补录" not in page
    assert refusal in _refused(page) and SINCE not in page
    assert f'value="{typed["title"]}"' in page and 'value="解放路12号"' in page
    assert f'name="from_request" value="{row.id}"' in page
    assert _tasks_titled(typed["title"]) == (1 if case is _the_voided else 0)
    assert _status(row) == status
