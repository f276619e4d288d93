"""An admin's decision confirmed on its naming page — 采纳 of a 补录申请 from the queue,
通过 of a report, 撤销审核, 作废 — refused by its service because a signed document
changed since the page was read (``roll.NamedSince``: here the year signed between the
view's read and the service's share locks), and, after the service rolled back and before
the view answers, another admin's decision committed that the decision's own rules refuse:
the request adopted or declined already, the report approved already, the activity voided
already.

The view's answer is that refusal, in the service's words (docs/design.md, "Refused in a
已定稿 month": a refusal is said in its own words, review44 #2) — never the words of a page
named afresh (「打开页面之后…有了变化…」), which point at a 说明 above that is not shown,
nor the naming page again for a decision the service will only refuse after its 确认
(since49's Open). Nothing is written by the post.

The order is forced in one process, as tests/web/test_named_since_refused_after_rollback.py
forces it: the year is signed (the real 定稿) right after the view's unlocked read, and the
other admin's decision (the real service's) is committed right before the view answers."""
from __future__ import annotations

import re

import pytest

from tests.reports.test_signed_named import named
from tests.web.test_named_first import _confirmation, _sign_october_only
from tests.web.test_named_since_refused_after_rollback import _changed_before_since
from tests.web.test_named_since_refused_again import _other_admin, _signed_after_the_read
from tracker.extensions import db
from tracker.models import (Assignment, AssignmentStatus, BackfillRequest, Member,
                            RequestStatus)
from tracker.timeutil import utcnow

DECIDED = "该申请已处理。"


def _text(response) -> str:
    return re.sub(r"<[^>]+>", "", response.get_data(as_text=True))


def _request_for_cleanup(o) -> int:
    """赵敏's pending 补录申请 to be added to 环境整治一 (解放路社区, 9 October, approved),
    which she is not on, for its two hours."""
    row = BackfillRequest(member_id=o.members["赵敏"].id, community_id=o.jiefang.id,
                          task_id=o.tasks["环境整治一"].id, service_date=o.tasks["环境整治一"].service_date,
                          minutes=120, note="忘记认领了",
                          status=RequestStatus.pending, created_at=utcnow())
    db.session.add(row)
    db.session.commit()
    return row.id


def _on_cleanup(o) -> int:
    return db.session.query(Assignment).filter_by(
        task_id=o.tasks["环境整治一"].id, member_id=o.members["赵敏"].id,
        status=AssignmentStatus.done).count()


def _adoption_refused_in_its_words(client, login, o, monkeypatch, other_decides,
                                   status: RequestStatus, words: str = DECIDED):
    """Admin 孙书记 confirms 采纳 of 赵敏's request on its naming page (October named);
    the year is signed after the view's read, so the service refuses for it; then
    ``other_decides(request, other admin)`` commits. The queue says ``words`` (the
    request decided: 「该申请已处理。」), the request as the other admin left it
    (``status``); returns it and the other admin's id."""
    from tracker import backfill_requests

    other = _other_admin(o)
    request_id = _request_for_cleanup(o)
    login(o.admin)
    _sign_october_only(client, o)
    url = f"/backfill-requests/{request_id}/adopt"
    page = client.post(url).get_data(as_text=True)
    assert "确认采纳" in page and named(page)  # October named
    action, fields = _confirmation(page)
    seen: dict = {}
    _signed_after_the_read(monkeypatch, backfill_requests.routes, "adoption_signed",
                           o.unit.id, o.admin.id, seen)
    _changed_before_since(monkeypatch, lambda: other_decides(
        db.session.get(BackfillRequest, request_id), db.session.get(Member, other)))

    said = words
    response = client.post(action, data=fields, follow_redirects=True)
    words = _text(response)
    assert response.status_code == 200
    assert "有了变化" not in words and "确认采纳" not in words  # no page, none pointed at
    assert said in words
    db.session.expire_all()
    row = db.session.get(BackfillRequest, request_id)
    assert seen["signed"] and seen["compared"] and row.status == status
    return row, other


def test_an_adoption_confirmed_once_another_admin_adopted_it_says_so(
        client, login, october, monkeypatch):
    from tracker.services.backfill_requests import adopt_into_task

    row, other = _adoption_refused_in_its_words(client, login, october, monkeypatch,
                                                adopt_into_task, RequestStatus.adopted)
    assert row.decided_by_id == other  # the other admin's decision, not this post's
    assert _on_cleanup(october) == 1  # added once, by the other admin


def test_an_adoption_confirmed_once_another_admin_declined_it_says_so(
        client, login, october, monkeypatch):
    from tracker.services.backfill_requests import decline_request

    row, other = _adoption_refused_in_its_words(
        client, login, october, monkeypatch,
        lambda request, admin: decline_request(request, admin, "未参加该活动"),
        RequestStatus.declined)
    assert row.decided_by_id == other  # the other admin's decision, not this post's
    assert _on_cleanup(october) == 0  # nothing added


def test_an_adoption_confirmed_once_another_admin_voided_its_activity_says_so(
        client, login, october, monkeypatch):
    """作废 of 环境整治一 by the other admin: the request is pending again, naming the
    voided activity and no task (``reopen_requests_of``), and 采纳 itself refuses it in
    its words — to be adopted through the 补录 form — not with its naming page again
    (since49b's Open)."""
    from tracker.services.voiding import void_activity

    row, _other = _adoption_refused_in_its_words(
        client, login, october, monkeypatch,
        lambda request, admin: void_activity(request.task, admin, "活动未举行"),
        RequestStatus.pending, "该申请需通过补录表单采纳。")
    assert row.task_id is None and row.voided_task_id == october.tasks["环境整治一"].id
    assert row.decided_by_id is None
    assert _on_cleanup(october) == 0  # nothing added


def _sign_the_year(client, o) -> None:
    """The unit's 2022 年度总结 signed, after the page was read: the service's locked
    read names it, what the page did not."""
    assert client.post(f"/reports/annual/finalize?unit={o.unit.id}&year=2022",
                       data={"confirmed": "1"}).status_code == 302


def _decided_after_the_rollback(monkeypatch, module, decide) -> dict:
    """``module.run_service`` — the view's run of its service — runs as it would; once it
    returns refused (the service rolled back), ``decide()`` (another admin's, through the
    real service) is committed, once, before the view answers."""
    from tracker.services import unit_of_work

    real = module.run_service
    seen = {"decided": False}

    def run(*args, **kwargs):
        done = real(*args, **kwargs)
        if done is None and not seen["decided"]:
            seen["decided"] = True
            with unit_of_work(once=False):  # not the post's own token
                decide()
        return done

    monkeypatch.setattr(module, "run_service", run)
    return seen


def test_an_approval_confirmed_once_another_admin_approved_it_says_so(
        client, login, october, monkeypatch):
    from tests.web.stale_support import form_on
    from tracker import manage
    from tracker.models import ReportStatus, TaskReport
    from tracker.services.reviews import approve_report

    o = october
    other = _other_admin(o)
    report_id = o.tasks["待审核整治"].report.id  # 解放路社区, 30 October, 待审核
    login(o.admin)
    _sign_october_only(client, o)
    approve = f"/manage/reports/{report_id}/approve"
    page = client.get(f"/manage/reports/{report_id}").get_data(as_text=True)
    assert named(page)  # October named beside 通过
    _sign_the_year(client, o)
    seen = _decided_after_the_rollback(monkeypatch, manage.reviews, lambda: approve_report(
        db.session.get(TaskReport, report_id), db.session.get(Member, other),
        count_checked_in=True))

    response = client.post(approve, data=form_on(page, approve), follow_redirects=True)
    words = _text(response)
    assert response.status_code == 200 and "有了变化" not in words
    assert "该完成情况不在待审核状态。" in words
    db.session.expire_all()
    report = db.session.get(TaskReport, report_id)
    assert seen["decided"] and report.status == ReportStatus.approved
    assert report.reviewed_by_id == other  # the other admin's 通过, not this post's


def _task_decision_refused(client, login, o, monkeypatch, path: str, submit: str, decide,
                           words: str):
    """Admin 孙书记 confirms ``path`` (撤销审核 or 作废 of 环境整治一, 9 October, approved)
    on its naming page (October named); the year is signed after the page, so the
    service refuses for it; then ``decide(task, other admin)`` commits. The task page
    says ``words``; no confirmation page (``submit``) and no 「…有了变化…」."""
    from tracker import manage
    from tracker.models import Task

    other = _other_admin(o)
    task_id = o.tasks["环境整治一"].id
    login(o.admin)
    _sign_october_only(client, o)
    page = client.post(f"/manage/tasks/{task_id}/{path}",
                       data={f"{path}-reason": "数量登记错误"}).get_data(as_text=True)
    assert submit in page and named(page)  # October named
    action, fields = _confirmation(page)
    # the key of what it named, posted back with 确认 (a version field: its own markup)
    key = re.search(rf'name="{path}-named" type="hidden" value="([^"]*)"', page).group(1)
    _sign_the_year(client, o)
    seen = _decided_after_the_rollback(monkeypatch, manage.task_page, lambda: decide(
        db.session.get(Task, task_id), db.session.get(Member, other)))

    response = client.post(action, data={**fields, f"{path}-reason": "数量登记错误",
                                                f"{path}-named": key},
                           follow_redirects=True)
    text = _text(response)
    assert response.status_code == 200
    assert "有了变化" not in text and submit not in text
    assert words in text
    assert seen["decided"]
    db.session.expire_all()
    return db.session.get(Task, task_id), other


def test_a_reopen_confirmed_once_another_admin_reopened_it_says_so(
        client, login, october, monkeypatch):
    from tracker.models import ReportStatus
    from tracker.services.reviews import reopen_report

    task, other = _task_decision_refused(
        client, login, october, monkeypatch, "reopen", "确认撤销审核",
        lambda task, admin: reopen_report(task.report, admin, "人数有误"),
        "只有已审核通过的完成情况可以撤销审核。")
    assert task.report.status == ReportStatus.returned
    assert (task.report.reviewed_by_id, task.report.return_reason) == (other, "人数有误")


def test_a_void_confirmed_once_another_admin_voided_it_says_so(
        client, login, october, monkeypatch):
    from tracker.models import TaskStatus
    from tracker.services.voiding import void_activity

    task, _other = _task_decision_refused(
        client, login, october, monkeypatch, "void", "确认作废",
        lambda task, admin: void_activity(task, admin, "活动未举行"), "该活动已作废。")
    assert task.status == TaskStatus.cancelled


def test_a_reopen_confirmed_once_another_admin_voided_it_says_so(
        client, login, october, monkeypatch):
    """撤销审核 confirmed after another admin's 作废 of the activity: 作废's state words
    (「该活动已作废。」), not the words of a report merely not approved (since49b's Open)."""
    from tracker.models import ReportStatus, TaskStatus
    from tracker.services.voiding import void_activity

    task, _other = _task_decision_refused(
        client, login, october, monkeypatch, "reopen", "确认撤销审核",
        lambda task, admin: void_activity(task, admin, "活动未举行"), "该活动已作废。")
    assert task.status == TaskStatus.cancelled
    assert task.report.status == ReportStatus.voided


def test_an_adoption_confirmed_once_another_admin_reopened_its_activity_asks_it_plainly(
        client, login, october, monkeypatch):
    """撤销审核 of 环境整治一 by the other admin, after the service's rollback: 采纳 now adds
    赵敏 to an activity not approved, which no signed document counts — the page it was
    confirmed on named October, which it no longer changes. The answer is 采纳's page
    again naming nothing, saying so, its 确认 made knowingly (since49c's Open) — not
    「…有了变化…请查看上方的说明…」 over no 说明, nor the documents the service's locked
    read named before its rollback; that 确认 adopts her, naming nothing."""
    from tracker import backfill_requests
    from tracker.models import ReportStatus
    from tracker.services.reviews import reopen_report

    o = october
    other = _other_admin(o)
    request_id = _request_for_cleanup(o)
    login(o.admin)
    _sign_october_only(client, o)
    page = client.post(f"/backfill-requests/{request_id}/adopt").get_data(as_text=True)
    assert "确认采纳" in page and named(page)  # October named
    action, fields = _confirmation(page)
    seen: dict = {}
    _signed_after_the_read(monkeypatch, backfill_requests.routes, "adoption_signed",
                           o.unit.id, o.admin.id, seen)
    _changed_before_since(monkeypatch, lambda: reopen_report(
        db.session.get(BackfillRequest, request_id).task.report,
        db.session.get(Member, other), "人数有误"))

    response = client.post(action, data=fields)
    page = response.get_data(as_text=True)
    words = _text(response)
    assert response.status_code == 200 and "确认采纳" in words  # 采纳 asked again
    assert named(page) == []  # naming nothing: no signed document is changed now
    assert "请查看上方的说明" not in words
    assert "现在不会改变已定稿的月报或年度总结" in words  # why it is asked again
    db.session.expire_all()
    row = db.session.get(BackfillRequest, request_id)
    assert seen["signed"] and seen["compared"] and row.status == RequestStatus.pending
    assert row.task.report.status == ReportStatus.returned  # the other admin's
    assert _on_cleanup(october) == 0  # nothing added by the refused post

    again_action, again = _confirmation(page)
    assert client.post(again_action, data=again).status_code == 302
    db.session.expire_all()
    assert db.session.get(BackfillRequest, request_id).status == RequestStatus.adopted
    assert _on_cleanup(october) == 1  # added, knowingly


def test_an_approval_refused_once_her_count_moved_elsewhere_says_whose(
        client, login, october, monkeypatch):
    """郑某某 checked in on 待审核整治 and on 清除小广告, an activity at the same hours whose
    report is 待审核 too: the report page of 待审核整治 says 通过 counts her by check-in,
    and names October. The year is signed after the page, so 通过 is refused for it;
    after the rollback another admin approves 清除小广告, counting her there. 通过 now
    would leave her out here: the report's page, shown again, says that too, in
    ``CheckinsChanged``'s words (since49b's Open) — besides what it names now — and
    nothing is written."""
    from tests import factories as f
    from tests.web.manage_support import checked_in, submitted_report
    from tests.web.stale_support import form_on
    from tracker import manage
    from tracker.models import AssignmentStatus, ReportStatus, TaskReport
    from tracker.services.reviews import approve_report

    o = october
    other = _other_admin(o)
    pending = o.tasks["待审核整治"]  # 解放路社区, 30 October, 待审核
    her = o.members["郑某某"]
    held = checked_in(pending, her)
    twin = f.task(f.item(o.unit, o.jiefang, "ad_removal", year=pending.starts_at.year),
                  o.liaison, starts_at=pending.starts_at,
                  duration=pending.ends_at - pending.starts_at, title="清除小广告")
    db.session.commit()
    checked_in(twin, her)
    twin_report_id = submitted_report(twin, o.liaison).id
    report_id, held_id = pending.report.id, held.id
    login(o.admin)
    _sign_october_only(client, o)
    approve = f"/manage/reports/{report_id}/approve"
    page = client.get(f"/manage/reports/{report_id}").get_data(as_text=True)
    assert named(page) and "不按签到计入" not in _text(client.get(f"/manage/reports/{report_id}"))
    _sign_the_year(client, o)
    seen = _decided_after_the_rollback(monkeypatch, manage.reviews, lambda: approve_report(
        db.session.get(TaskReport, twin_report_id), db.session.get(Member, other),
        count_checked_in=True))

    response = client.post(approve, data=form_on(page, approve), follow_redirects=True)
    words = _text(response)
    assert response.status_code == 200 and seen["decided"]
    assert "郑某某 现在在同一时间已计入其他活动，本活动将不按签到计入" in words
    assert "通过会改变的已定稿月报或年度总结有了变化" in words  # the year, named now
    assert any("2022年" in said for said in named(response.get_data(as_text=True)))
    db.session.expire_all()
    assert db.session.get(TaskReport, report_id).status == ReportStatus.submitted
    assert db.session.get(Assignment, held_id).status == AssignmentStatus.checked_in


def test_an_approval_refused_once_october_was_reopened_says_what_it_names_now(
        client, login, october, monkeypatch):
    """通过 from 待审核整治's report page, which named the unit's signed October: the
    year is signed after the page, so 通过 is refused for it; after the rollback
    another admin re-opens October (撤销定稿). The report's page shown again names the
    year alone, and its words say October was re-opened since — what it names now, read
    afresh, not the naming the service found under its locks before its rollback."""
    from tests.web.stale_support import form_on
    from tracker import manage
    from tracker.models import ReportStatus, SummaryScope, TaskReport
    from tracker.services.summary_notes import reopen

    o = october
    other = _other_admin(o)
    report_id = o.tasks["待审核整治"].report.id
    login(o.admin)
    _sign_october_only(client, o)
    approve = f"/manage/reports/{report_id}/approve"
    page = client.get(f"/manage/reports/{report_id}").get_data(as_text=True)
    assert named(page)  # October named beside 通过
    _sign_the_year(client, o)
    seen = _decided_after_the_rollback(monkeypatch, manage.reviews, lambda: reopen(
        db.session.get(Member, other), SummaryScope(o.unit.id), 2022, 10))

    response = client.post(approve, data=form_on(page, approve), follow_redirects=True)
    words = _text(response)
    assert response.status_code == 200 and seen["decided"]
    assert "县商务局2022年10月已撤销定稿" in words
    (now,) = named(response.get_data(as_text=True))
    assert "年度总结" in now and "2022年10月" not in now  # the year alone
    db.session.expire_all()
    assert db.session.get(TaskReport, report_id).status == ReportStatus.submitted


@pytest.mark.parametrize("path, submit", [("reopen", "确认撤销审核"), ("void", "确认作废")])
def test_a_task_decision_refused_once_october_was_reopened_names_the_year_alone(
        client, login, october, monkeypatch, path, submit):
    """撤销审核 or 作废 of 环境整治一 confirmed on its page naming the unit's October: the
    year is signed after the page, so the service refuses for it; after the rollback
    another admin re-opens October (撤销定稿). The confirmation page comes again naming
    what the decision changes now, read afresh — the year alone —, and says October was
    re-opened since; not the October and year the service found under its locks before
    its rollback. Nothing is written."""
    from tracker import manage
    from tracker.models import ReportStatus, SummaryScope, Task, TaskStatus
    from tracker.services.summary_notes import reopen

    o = october
    other = _other_admin(o)
    task_id = o.tasks["环境整治一"].id
    login(o.admin)
    _sign_october_only(client, o)
    page = client.post(f"/manage/tasks/{task_id}/{path}",
                       data={f"{path}-reason": "数量登记错误"}).get_data(as_text=True)
    assert submit in page and named(page)  # October named
    action, fields = _confirmation(page)
    key = re.search(rf'name="{path}-named" type="hidden" value="([^"]*)"', page).group(1)
    _sign_the_year(client, o)
    seen = _decided_after_the_rollback(monkeypatch, manage.task_page, lambda: reopen(
        db.session.get(Member, other), SummaryScope(o.unit.id), 2022, 10))

    response = client.post(action, data={**fields, f"{path}-reason": "数量登记错误",
                                                f"{path}-named": key})
    page = response.get_data(as_text=True)
    text = _text(response)
    assert response.status_code == 200 and seen["decided"] and submit in text
    assert "县商务局2022年10月已撤销定稿" in text
    (now,) = named(page)
    assert "年度总结" in now and "2022年10月" not in now  # the year alone
    db.session.expire_all()
    task = db.session.get(Task, task_id)
    assert task.status != TaskStatus.cancelled and task.report.status == ReportStatus.approved


def test_an_adoption_from_the_queue_refused_then_naming_nothing_asks_it_plainly(
        client, login, october, monkeypatch):
    """采纳 posted straight from the queue, nothing signed at the view's read, so no
    page. The unit's 2022 年度总结 is signed after that read, so the service refuses for
    it; after the rollback another admin re-opens the year. 采纳 names nothing now: it
    is asked plainly — the admin was shown no naming page — with the words that say why
    it is asked at all, nothing done (its ``Then.none``); never a bare flash."""
    from tracker import backfill_requests
    from tracker.models import SummaryScope
    from tracker.services.year_notes import reopen_year

    o = october
    other = _other_admin(o)
    request_id = _request_for_cleanup(o)
    login(o.admin)
    seen: dict = {}
    _signed_after_the_read(monkeypatch, backfill_requests.routes, "adoption_signed",
                           o.unit.id, o.admin.id, seen)
    _changed_before_since(monkeypatch, lambda: reopen_year(
        db.session.get(Member, other), SummaryScope(o.unit.id), 2022))

    response = client.post(f"/backfill-requests/{request_id}/adopt")
    page = response.get_data(as_text=True)
    words = _text(response)
    assert response.status_code == 200 and "确认采纳" in words and named(page) == []
    # its own button (then53; before: 「…如仍要进行，请再次提交。」, no 提交 on the page)
    assert ("打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，现在不会改变已定稿的月报"
            "或年度总结。未作任何更改；如仍要采纳，请再次点击“确认采纳”。") in words, words
    assert "请查看上方的说明" not in words
    db.session.expire_all()
    assert seen["signed"] and seen["compared"]
    assert db.session.get(BackfillRequest, request_id).status == RequestStatus.pending
    assert _on_cleanup(october) == 0  # nothing added
