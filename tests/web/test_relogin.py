"""A login that ends while a form is being typed (an idle timeout while the leader
writes a long 完成情况): the login page says so, and — without JavaScript too — the text
sent comes back on the form after the same member logs in again. Never for someone
else, never a resident's personal data, never more than a cookie holds."""
from __future__ import annotations

import html
from datetime import timedelta

from flask import g
from sqlalchemy import select

from tests import factories as f
from tracker.extensions import db
from tests.residents.support import world_resident
from tracker.models import LoginSession, ReportStatus, TaskReport
from tracker.timeutil import utcnow

NOTE = "今天上午组织8名党员对背街小巷进行了清理，共清理小广告120余处，发现3处井盖破损已报告社区。"


def _end_the_login(member) -> None:
    """The server-side session runs out while the page is open (idle far too long)."""
    for row in db.session.scalars(select(LoginSession).where(LoginSession.member_id == member.id)):
        row.last_seen_at = utcnow() - timedelta(days=60)
    db.session.commit()
    # The test's app context is shared by its requests: the next one must load the
    # member from the cookie again, not from Flask-Login's copy in g.
    g.pop("_login_user", None)


def _log_in(client, member, at: str = "/auth/login"):
    """The login form posted (to the address of the login page, ``next`` and all)."""
    return client.post(at, data={"phone": member.phone, "password": f.PASSWORD})


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _reports(task) -> int:
    db.session.expire_all()
    return len(db.session.scalars(select(TaskReport).where(TaskReport.task_id == task.id)).all())


def test_the_text_sent_after_the_login_ended_comes_back_on_the_form(client, http_login, world):
    task = world.past_task
    http_login(world.leader)
    _end_the_login(world.leader)
    sent = client.post(f"/tasks/{task.id}/report", data={"note": NOTE, "absent": []},
                       headers={"Referer": f"http://localhost/tasks/{task.id}/report"})
    assert sent.status_code == 302 and "/auth/login" in sent.headers["Location"]
    assert _reports(task) == 0

    login_page = _page(client.get(sent.headers["Location"]))
    assert "登录已过期，请重新登录。您刚才填写的内容已保留，登录后会自动填回。" in login_page

    again = _log_in(client, world.leader, at=sent.headers["Location"])
    assert again.headers["Location"] == f"/tasks/{task.id}/report"
    form = _page(client.get(again.headers["Location"]))
    assert f"{NOTE}</textarea>" in form
    assert "已填回您登录前填写的内容，请核对后重新提交。" in form
    assert _reports(task) == 0  # nothing was sent for the member: they send it again

    # Once only: the next visit shows the form as it is.
    assert NOTE not in _page(client.get(f"/tasks/{task.id}/report"))


def test_another_member_logging_in_on_the_device_never_sees_it(client, http_login, world):
    task = world.past_task
    http_login(world.leader)
    _end_the_login(world.leader)
    sent = client.post(f"/tasks/{task.id}/report", data={"note": NOTE, "absent": []})
    _log_in(client, world.liaison, at=sent.headers["Location"])  # the same phone, someone else
    assert NOTE not in _page(client.get(f"/tasks/{task.id}/report"))
    _log_in(client, world.leader)
    assert NOTE not in _page(client.get(f"/tasks/{task.id}/report"))


def test_signing_out_drops_it(client, http_login, world):
    task = world.past_task
    http_login(world.leader)
    _end_the_login(world.leader)
    sent = client.post(f"/tasks/{task.id}/report", data={"note": NOTE, "absent": []})
    _log_in(client, world.leader, at=sent.headers["Location"])
    client.post("/auth/logout")
    _log_in(client, world.leader)
    assert NOTE not in _page(client.get(f"/tasks/{task.id}/report"))


def test_a_residents_details_are_not_kept(client, http_login, world):
    resident = world_resident(world)
    http_login(world.liaison)
    _end_the_login(world.liaison)
    sent = client.post(f"/residents/{resident.id}/edit",
                       data={"name": "刘奶奶", "phone": "13912345678", "address": "幸福里3栋"})
    assert "/auth/login" in sent.headers["Location"]
    login_page = _page(client.get(sent.headers["Location"]))
    assert "刚才填写的内容没有提交成功" in login_page
    _log_in(client, world.liaison)
    assert "13912345678" not in _page(client.get(f"/residents/{resident.id}/edit"))


def test_text_too_long_for_a_cookie_is_not_kept_and_the_page_says_so(client, http_login, world):
    task = world.past_task
    http_login(world.leader)
    _end_the_login(world.leader)
    # 1,500 characters that do not repeat (the cookie is compressed): more than 4 KB.
    long_text = "".join(chr(0x4E00 + i * 7919 % 20000) for i in range(1500))
    sent = client.post(f"/tasks/{task.id}/report", data={"note": long_text, "absent": []})
    login_page = _page(client.get(sent.headers["Location"]))
    assert "登录已过期，请重新登录。刚才填写的内容没有提交成功，登录后请核对并重新提交。" in login_page


def test_a_button_that_only_posts_leads_back_to_its_page(client, http_login, world):
    """认领 is a POST-only address: after the login the member is on the task's page."""
    http_login(world.member)
    _end_the_login(world.member)
    sent = client.post(f"/tasks/{world.task.id}/claim",
                       headers={"Referer": f"http://localhost/tasks/{world.task.id}"})
    assert sent.headers["Location"].endswith(f"/auth/login?next=/tasks/{world.task.id}")
    again = _log_in(client, world.member, at=sent.headers["Location"])
    assert again.headers["Location"] == f"/tasks/{world.task.id}"


def test_opening_a_page_after_the_login_ended_says_why_and_a_first_visit_says_nothing(
        client, http_login, world):
    first = client.get("/tasks/mine")
    assert "登录已过期" not in _page(client.get(first.headers["Location"]))
    http_login(world.member)
    _end_the_login(world.member)
    again = client.get("/tasks/mine")
    assert "登录已过期，请重新登录。" in _page(client.get(again.headers["Location"]))


def test_a_prefixed_forms_text_comes_back_in_that_form(client, http_login, world):
    """作废's reason (``void-reason``: the form shares the approved task's page with
    撤销审核) comes back in the 作废 form, not lost and not in another form."""
    from tests.web.manage_support import submitted_report

    task = submitted_report(world.past_task, world.leader, status=ReportStatus.approved).task
    http_login(world.admin)
    _end_the_login(world.admin)
    page = f"/manage/tasks/{task.id}"
    sent = client.post(page + "/void", data={"void-reason": "当天因雨并未开展", "confirmed": "1"},
                       headers={"Referer": f"http://localhost{page}"})
    assert "/auth/login" in sent.headers["Location"]
    again = _log_in(client, world.admin, at=sent.headers["Location"])
    assert again.headers["Location"] == page
    html = _page(client.get(page))
    void_form = html[html.index(f'action="{page}/void"'):]
    assert '当天因雨并未开展</textarea>' in void_form[:void_form.index("</form>")]
    assert html.count("当天因雨并未开展") == 1
