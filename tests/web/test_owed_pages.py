"""What each person owes comes first: the member's 我的待办 and menu counts, the
liaison's action-first 工作台 with approve/return in the list, and the destructive
actions' one confirmation (with JavaScript off: a GET page that changes nothing)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests import factories as f
from tests.web.manage_support import assignment, audit_count, fresh, submitted_report, text
from tracker.extensions import db
from tracker.models import AssignmentStatus, ReportStatus, Task, TaskReport, TaskStatus
from tracker.timeutil import utcnow


def menu_count(page: str, label: str) -> int:
    match = re.search(rf'>{label} <span class="count">(\d+)</span></a>', page)
    return int(match.group(1)) if match else 0


def todo_titles(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<a class="card card-link todo-(\w+)" href="[^"]+">\s*<span class="card-head">'
                      r'\s*<span class="card-title">([^<]+)</span>', page)


# --- 我的待办 ----------------------------------------------------------------------------

def test_todo_lists_exactly_what_the_member_owes(client, login, world):
    today = f.task(world.item, world.liaison, starts_in=timedelta(hours=3), title="今天下午")
    later = f.task(world.item, world.liaison, starts_in=timedelta(days=5), title="五天后")
    done_task = f.task(world.item, world.liaison, starts_in=-timedelta(days=3), title="已确认的")
    approved = f.task(world.item, world.liaison, starts_in=-timedelta(days=4), title="已通过的")
    db.session.commit()
    assignment(today, world.member)
    assignment(later, world.member)
    assignment(done_task, world.member, AssignmentStatus.done, 60)
    assignment(approved, world.member)
    submitted_report(approved, world.liaison, status=ReportStatus.approved)
    login(world.member)
    page = text(client.get("/tasks/todo"))
    # world.past_task ended yesterday, member on it: hours to confirm.
    assert todo_titles(page) == [("soon", "今天下午"), ("confirm", "楼道清理")]
    assert menu_count(page, "我的待办") == 2


def test_a_task_under_way_is_not_about_to_start(client, login, world):
    running = f.task(world.item, world.liaison, starts_in=-timedelta(minutes=30),
                     duration=timedelta(hours=3), title="进行中的")
    later = f.task(world.item, world.liaison, starts_in=timedelta(hours=3), title="稍后的")
    db.session.commit()
    assignment(running, world.member)
    assignment(later, world.member)
    login(world.member)
    page = text(client.get("/tasks/todo"))

    def card(title):
        return page[page.index(f">{title}<"):].split("</a>")[0]

    assert "进行中" in card("进行中的") and "即将开始" not in card("进行中的")
    assert "即将开始" in card("稍后的")


def test_todo_of_a_leader_shows_reports_to_submit_and_to_correct(client, login, world):
    returned = f.task(world.item, world.liaison, starts_in=-timedelta(days=3), leader=world.leader,
                      title="被退回的")
    db.session.commit()
    submitted_report(returned, world.leader, status=ReportStatus.returned, reason="缺照片")
    report = db.session.get(TaskReport, returned.report.id)
    report.reviewed_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    login(world.leader)
    page = text(client.get("/tasks/todo"))
    kinds = todo_titles(page)
    assert ("returned", "被退回的") in kinds and ("report", "楼道清理") in kinds
    assert ("confirm", "楼道清理") in kinds
    assert "缺照片" in page
    # each one tap from its action
    assert f'href="/tasks/{returned.id}/report"' in page


def test_confirming_from_the_todo_list_comes_back_to_it(client, login, world):
    login(world.member)
    page = text(client.get("/tasks/todo"))
    confirm_url = re.search(r'href="(/tasks/assignments/\d+/confirm\?next=[^"]+)"', page).group(1)
    response = client.post(confirm_url.replace("&amp;", "&"), data={"hours": "2"})
    assert response.headers["Location"] == "/tasks/todo"
    page = text(client.get("/tasks/todo"))
    assert todo_titles(page) == [] and "没有待办事项" in page


def test_the_todo_page_runs_few_statements_whatever_the_data(client, login, world, count_queries):
    login(world.member)

    def measure():  # as production runs a request (tests/page_statements.py)
        from tests.page_statements import counted, warm

        warm(client, "/tasks/todo")
        statements, response = counted(client, count_queries, "/tasks/todo")
        assert response.status_code == 200
        return len(statements)

    small = measure()
    for i in range(15):
        task = f.task(world.item, world.liaison, starts_in=-timedelta(days=2, hours=i))
        db.session.commit()
        assignment(task, world.member)
    assert measure() == small <= 6


# --- the liaison's 工作台 ------------------------------------------------------------------

def _everyone_confirmed(task, *people):
    for person in people:
        a = assignment(task, person)
        a.status, a.minutes = AssignmentStatus.done, 120
    db.session.commit()


def test_complete_reports_are_approved_from_the_home_page(client, login, world):
    _everyone_confirmed(world.past_task, world.member, world.leader)
    report = submitted_report(world.past_task, world.leader)
    login(world.liaison)
    page = text(client.get("/manage/"))
    assert f'action="/manage/reports/{report.id}/approve?next=/manage/"' in page
    response = client.post(f"/manage/reports/{report.id}/approve?next=/manage/")
    assert response.headers["Location"] == "/manage/"
    assert fresh(TaskReport, report.id).status == ReportStatus.approved


def test_a_home_review_card_shows_only_what_the_category_counts(client, login, world):
    """环境整治 counts activities and hours, not 完成数量 or 受益 (docs/design.md,
    categories): a report that carries such numbers anyway shows none of them, and
    "参加" counts those who took part, not the absentee holding a slot nor a member who
    withdrew."""
    _everyone_confirmed(world.past_task, world.member, world.leader)
    absentee = f.member(world.unit, name="缺席者")
    assignment(world.past_task, absentee, status=AssignmentStatus.absent)
    assignment(world.past_task, f.member(world.unit, name="退出者"),
               status=AssignmentStatus.withdrawn)
    db.session.commit()
    submitted_report(world.past_task, world.leader)  # quantity 12, people_served 30
    login(world.liaison)
    page = text(client.get("/manage/"))
    card = page[page.index(f">{world.past_task.title}</a>"):]
    card = card[:card.index("</article>")]
    assert "2 人参加" in card
    assert "完成数量" not in card and "受益" not in card


def test_incomplete_reports_send_the_liaison_to_the_review_page(client, login, world):
    """The two holders whose hours nobody has confirmed are counted; a member whose
    hours are confirmed, an absentee and one who withdrew are not."""
    for name, status in (("已确认", AssignmentStatus.done), ("缺席者", AssignmentStatus.absent),
                         ("退出者", AssignmentStatus.withdrawn)):
        assignment(world.past_task, f.member(world.unit, name=name), status=status)
    db.session.commit()
    report = submitted_report(world.past_task, world.leader)  # the two of the world unconfirmed
    login(world.liaison)
    page = text(client.get("/manage/"))
    assert f"/manage/reports/{report.id}/approve" not in page
    assert "2 人尚未确认服务时长" in page


def test_the_home_lists_follow_the_time_they_are_asked_at(app, world):
    """The lists' statement is built once per process with the time a parameter
    (``manage.queries._home_lists_statement``): asked five days on, a task that was
    coming up has ended and owes its report."""
    from tracker.manage import queries as q

    coming = f.task(world.item, world.liaison, starts_in=timedelta(days=2), leader=world.leader,
                    title="两天后")
    db.session.commit()
    now = utcnow()
    today = q.home_lists(world.liaison, now, days=7, limit=20)
    later = q.home_lists(world.liaison, now + timedelta(days=5), days=7, limit=20)
    assert coming in today.upcoming and coming not in today.unreported
    assert coming not in later.upcoming and coming in later.unreported


def test_the_home_counts_follow_the_liaisons_communities_and_the_time(app, client, login,
                                                                       world):
    """The 工作台's counts are built once per reach (all, or a liaison's communities)
    with the time a parameter (``manage.queries._home_count_columns``): a community given
    to the liaison is counted from then on, and a task counts as 已结束未提交 once the
    time it is asked at has passed its end."""
    from tracker import menu
    from tracker.manage import queries as q

    f.task(world.other_item, world.other_liaison, leader=world.leader,
           starts_in=-timedelta(days=2), title="另一社区已结束")
    db.session.commit()
    unreported = r'class="stat late" href="[^"]+#unreported"><b>{}</b><span>已结束未提交'
    login(world.liaison)
    assert re.search(unreported.format(1), text(client.get("/manage/")))  # world.past_task
    world.liaison.communities.append(world.other_community)
    db.session.commit()
    assert re.search(unreported.format(2), text(client.get("/manage/")))

    def counted_at(now):
        _, extra = menu.owed.counts_with(world.admin.id, now, q.home_count_columns(world.admin),
                                         **menu._arguments(world.admin))
        return extra["unreported"]

    now = utcnow()
    # five days on, the world's two upcoming tasks (task, other_task) have ended too
    assert counted_at(now + timedelta(days=5)) == counted_at(now) + 2


def test_return_from_the_home_page_needs_a_reason(client, login, world):
    _everyone_confirmed(world.past_task, world.member, world.leader)
    report = submitted_report(world.past_task, world.leader)
    login(world.liaison)
    events = audit_count()
    page = text(client.post(f"/manage/reports/{report.id}/return?next=/manage/",
                            data={"reason": " "}))
    assert "请填写退回原因" in page and audit_count() == events
    response = client.post(f"/manage/reports/{report.id}/return?next=/manage/",
                           data={"reason": "照片不清楚"})
    assert response.headers["Location"] == "/manage/"
    assert fresh(TaskReport, report.id).status == ReportStatus.returned


def test_home_leads_with_actions_and_their_counts(client, login, world):
    returned = f.task(world.item, world.liaison, starts_in=-timedelta(days=3), title="退回未改")
    db.session.commit()
    submitted_report(returned, world.leader, status=ReportStatus.returned, reason="缺照片")
    login(world.liaison)
    page = text(client.get("/manage/"))
    assert re.search(r'class="stat late" href="[^"]+#unreported"><b>1</b><span>已结束未提交', page)
    assert re.search(r'class="stat act" href="#uncorrected"><b>1</b><span>已退回待修改', page)
    assert page.index('id="uncorrected"') < page.index("本月情况")
    assert menu_count(page, "审核") == 0


# --- asked once: 取消认领, 关闭任务, 取消任务 -------------------------------------------------

def test_withdraw_without_javascript_asks_on_a_page_first(client, login, world):
    assignment(world.task, world.member)
    login(world.member)
    events = audit_count()
    # The button's plain POST (no confirm.js): the confirmation page, nothing changed.
    response = client.post(f"/tasks/{world.task.id}/withdraw")
    assert response.status_code == 303
    page = text(client.get(response.headers["Location"]))
    assert "确认取消认领" in page and 'name="confirmed" value="1"' in page
    assert audit_count() == events
    assert fresh(Task, world.task.id).taken == 1
    # … whose form posts the real action.
    client.post(f"/tasks/{world.task.id}/withdraw", data={"confirmed": "1"})
    assert fresh(Task, world.task.id).taken == 0


def test_the_buttons_carry_the_javascript_confirmation(client, login, world):
    assignment(world.task, world.member)
    login(world.member)
    assert 'data-confirm="确定取消认领这个任务吗？"' in text(client.get(f"/tasks/{world.task.id}"))
    login(world.liaison)
    page = text(client.get(f"/manage/tasks/{world.task.id}"))
    assert 'data-confirm="确定关闭这个任务吗？关闭后不能再认领。"' in page
    assert 'data-confirm="确定取消这个任务吗？取消后不能恢复。"' in page
    assert "js/confirm.js" in page


@pytest.mark.parametrize("action, data", [("close", {}), ("cancel", {"reason": "暴雨预警"})])
def test_close_and_cancel_ask_once(client, login, world, action, data):
    login(world.liaison)
    events = audit_count()
    response = client.post(f"/manage/tasks/{world.task.id}/{action}", data=data)
    # 关闭任务 redirects to its page; 取消任务 answers with it (the reason in no URL)
    assert response.status_code == (303 if action == "close" else 200)
    page = text(client.get(response.headers["Location"]) if action == "close" else response)
    assert "返回，不操作" in page and audit_count() == events
    if action == "cancel":
        assert "暴雨预警" in page  # what was typed is kept
    assert fresh(Task, world.task.id).status == TaskStatus.open
    client.post(f"/manage/tasks/{world.task.id}/{action}", data={**data, "confirmed": "1"})
    assert fresh(Task, world.task.id).status != TaskStatus.open


# --- finding and sharing -------------------------------------------------------------------

@pytest.mark.parametrize("keyword, found", [
    ("环境", ["环境整治"]),  # title
    ("活动中心", ["环境整治", "清除牛皮癣"]),  # place (the factories' 社区活动中心)
    ("解放路", ["环境整治"]),  # community
    ("建设路", ["清除牛皮癣"]),
    ("100%", []),  # % is a character, not a wildcard
    ("_", []),
])
def test_keyword_search_on_open_tasks(client, login, world, keyword, found):
    login(world.member)
    page = text(client.get("/tasks/", query_string={"q": keyword}))
    titles = re.findall(r'<h2><a href="/tasks/\d+">(.*?)</a>', page)
    assert titles == found


def test_keyword_search_on_the_liaison_task_list(client, login, world):
    login(world.liaison)
    page = text(client.get("/manage/tasks", query_string={"q": "楼道"}))
    assert re.findall(r'<h3><a class="stretch" href="/manage/tasks/\d+">([^<]+)</a>', page) == [
        "楼道清理"]


def test_share_text_and_a_link_that_survives_login(client, login, world):
    login(world.member)
    page = text(client.get(f"/tasks/{world.task.id}"))
    share = re.search(r'<textarea id="share-text"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert "【环境整治】" in share and "地点：社区活动中心" in share
    assert "剩余名额：5/5" in share and f"http://localhost/tasks/{world.task.id}" in share
    client.post("/auth/logout")
    response = client.get(f"/tasks/{world.task.id}")
    assert response.status_code == 302 and "next=" in response.headers["Location"]
    from tests.factories import PASSWORD

    after = client.post(response.headers["Location"], data={"phone": world.member.phone,
                                                            "password": PASSWORD})
    assert after.headers["Location"] == f"/tasks/{world.task.id}"


def test_one_task_as_an_ics_file(client, login, world):
    world.task.title = "环境整治, 第一次; 带手套"
    db.session.commit()
    login(world.member)
    response = client.get(f"/tasks/{world.task.id}/calendar.ics")
    assert response.headers["Content-Type"].startswith("text/calendar")
    body = response.get_data()
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")  # CRLF only
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))  # folded
    ics = body.replace(b"\r\n ", b"").decode()
    assert f"UID:task-{world.task.id}@localhost" in ics
    start = world.task.starts_at.strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in ics and "DTSTAMP:" in ics
    assert "SUMMARY:环境整治\\, 第一次\\; 带手套" in ics
    assert "LOCATION:社区活动中心" in ics


def test_the_personal_feed_shows_only_its_owners_tasks(client, login, world):
    from tracker.services.notify import new_calendar_token

    assignment(world.task, world.member)
    token = new_calendar_token(world.member)
    db.session.commit()
    client.post("/auth/logout")
    ics = client.get(f"/me/feed/{token}.ics").get_data(as_text=True)
    assert "环境整治" in ics and "楼道清理" in ics  # the two tasks the member is on
    assert "清除牛皮癣" not in ics  # someone else's


def _event_of(ics: str, task_id: int) -> str:
    """The VEVENT of task ``task_id`` in an .ics body (its folded lines joined)."""
    ics = ics.replace("\r\n ", "")
    return next(event for event in ics.split("BEGIN:VEVENT")[1:]
                if f"UID:task-{task_id}@" in event).split("END:VEVENT")[0]


def test_a_cancelled_tasks_file_says_it_is_cancelled_as_the_feed_does(client, login, world):
    """cancelled50: one waiting on a task called off may still take its 加入日历 file by
    its address. The file says the event is cancelled (RFC 5545 ``STATUS:CANCELLED``),
    the event the feed gives one on the task — same UID — says so too, and neither is
    an iTIP message (no ``METHOD``): a calendar that has the event marks it cancelled,
    one that imports it afresh gets it cancelled (audit51)."""
    from tracker.models import WaitlistEntry
    from tracker.services.notify import new_calendar_token
    from tracker.services.tasks import cancel_task

    task = world.other_task
    assignment(task, world.other_member)
    task.taken = task.slots
    db.session.add(WaitlistEntry(task_id=task.id, member_id=world.member.id))
    token = new_calendar_token(world.other_member)
    db.session.commit()
    login(world.other_liaison)
    before = _event_of(client.get(f"/tasks/{task.id}/calendar.ics").get_data(as_text=True),
                       task.id)
    assert "STATUS:CANCELLED" not in before
    cancel_task(task, world.other_liaison, "下雨")
    db.session.commit()
    login(world.member)  # she waited on it
    response = client.get(f"/tasks/{task.id}/calendar.ics")
    assert response.status_code == 200
    file_ics = response.get_data(as_text=True)
    client.post("/auth/logout")
    feed_ics = client.get(f"/me/feed/{token}.ics").get_data(as_text=True)
    for ics in (file_ics, feed_ics):
        assert "STATUS:CANCELLED" in _event_of(ics, task.id)
        assert "METHOD:" not in ics


def test_the_feed_address_is_shown_once_and_only_its_hash_is_kept(client, login, world):
    from tracker.models import MemberNotify

    login(world.member)
    page = text(client.post("/me/calendar"))
    url = re.search(r'value="(http://localhost/me/feed/[^"]+\.ics)"', page).group(1)
    token = url.rsplit("/", 1)[1][:-4]
    stored = db.session.get(MemberNotify, world.member.id).calendar_token_hash
    assert token not in stored and len(stored) == 64
    assert url not in text(client.get("/me/calendar"))


# --- settings and messages ----------------------------------------------------------------

def test_settings_turn_a_kind_off_and_check_the_email(app, client, login, world):
    from tracker.services.notify import opted_out

    app.config["SMTP_HOST"] = "127.0.0.1"  # e-mail is offered only where it is set up
    login(world.member)
    page = text(client.post("/me/settings", data={"kind_tomorrow": "y", "email": "not-an-email",
                                                  "email_on": "y"}))
    assert "请输入正确的电子邮箱地址" in page and "not-an-email" in page
    client.post("/me/settings", data={"kind_tomorrow": "y", "kind_returned": "y"})
    # every member kind left unticked is off
    assert opted_out(world.member) == {"confirm_hours", "submit_report", "waitlist_promoted",
                                      "backfill_decided", "cancelled", "changed", "hours_corrected",
                                      "voided"}
    # a liaison's digests are not offered to a member
    assert "待审核已等待多日" not in text(client.get("/me/settings"))


def test_messages_read_one_and_all(client, login, world):
    from tracker.models import Channel, Outbox, OutboxStatus

    for n in range(3):
        db.session.add(Outbox(dedupe_key=f"t{n}", kind="tomorrow", channel=Channel.inapp,
                              member_id=world.member.id, subject=f"提醒{n}", body="正文",
                              link=f"/tasks/{world.task.id}", status=OutboxStatus.sent,
                              attempts=0, next_attempt_at=utcnow(), sent_at=utcnow()))
    db.session.commit()
    login(world.member)
    page = text(client.get("/me/messages"))
    assert menu_count(page, "消息") == 3
    first = db.session.query(Outbox).order_by(Outbox.id).first()
    response = client.post(f"/me/messages/{first.id}/read", data={"open": "1"})
    assert response.headers["Location"] == f"/tasks/{world.task.id}"
    assert menu_count(text(client.get("/me/messages")), "消息") == 2
    client.post("/me/messages/read-all")
    assert menu_count(text(client.get("/me/messages")), "消息") == 0


def test_my_tasks_opens_on_what_asks_for_action(client, login, world):
    login(world.member)  # hours to confirm on world.past_task
    assert 'href="/tasks/mine?tab=confirm" aria-current="page"' in text(client.get("/tasks/mine"))
    login(world.other_member)  # owes nothing
    assert 'href="/tasks/mine?tab=upcoming" aria-current="page"' in text(client.get("/tasks/mine"))
