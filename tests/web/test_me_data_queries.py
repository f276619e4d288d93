"""我的个人信息 (/me/data) runs a fixed few SQL statements whatever the member's history
(design, "Budgets": ≤ 6 a page, the same at 10× the data; review "surface", finding 2),
and counts only the sessions that still count as signed in."""
from __future__ import annotations

from datetime import timedelta

from tests import factories as f
from tests.web.manage_support import assignment, submitted_report
from tests.web.test_mine_queries import statements
from tracker.extensions import db
from tracker.models import AssignmentStatus, LoginSession, ReportStatus, RollPeriod
from tracker.services.sessions import begin_session
from tracker.timeutil import local_today, utcnow


def history(w, n: int) -> None:
    """n of each: signed-in devices, past stays on other units' rolls, communities,
    approved activities with hours."""
    me = w.member
    for i in range(n):
        begin_session(me, device=f"Android · 微信 {i}", remembered=True, address=None)
        unit = f.unit(f"单位{n}-{i}")
        db.session.add(RollPeriod(member_id=me.id, unit_id=unit.id, since=None,
                                  until=local_today() - timedelta(days=400 + i)))
        me.communities.append(f.community(f"社区{n}-{i}"))
        item = f.item(w.unit, w.community)
        task = f.task(item, w.liaison, starts_in=-timedelta(days=3 + i))
        done = assignment(task, me)
        done.status, done.minutes = AssignmentStatus.done, 60
        submitted_report(task, w.leader, status=ReportStatus.approved)
    db.session.commit()


# The page: the session; the member with her unit, communities, stays on the roll and
# their units, and her reminder settings (one statement, ``held._account_with_settings``,
# as the download reads them: pagesb48 Open, they were two); her activities and signed-in
# devices counted in one; whom to ask for a correction (the unit's admins; none read for
# an admin, who corrects her own); the menu's counts: 5, an admin's 4 (were 6 and 5).
PAGE = {"member": 5, "leader": 5, "liaison": 5, "admin": 4}


def test_me_data_runs_a_fixed_few_statements(client, login, world, count_queries):
    counts = {}
    for who in PAGE:
        login(getattr(world, who))
        counts[who] = statements(client, "/me/data", count_queries)
    assert counts == PAGE, counts
    login(world.member)
    history(world, 1)
    small = statements(client, "/me/data", count_queries)
    history(world, 10)
    large = statements(client, "/me/data", count_queries)
    assert small == large == PAGE["member"], (small, large)


def test_an_admins_page_reads_nobody_to_ask_for_a_correction(client, login, world,
                                                             count_queries):
    """An admin corrects their own details on their member form, so their page names no
    admin to ask and reads none: one statement fewer than a member's page, which reads
    the unit's admins (one statement: the unit has one) and is otherwise the same page."""
    login(world.member)
    member = statements(client, "/me/data", count_queries)
    login(world.admin)
    admin = statements(client, "/me/data", count_queries)
    assert admin == member - 1, (member, admin)


def test_only_live_sessions_count_as_devices(client, login, world):
    login(world.member)  # this device
    begin_session(world.member, device="Android · 微信", remembered=True, address=None)
    idle = begin_session(world.member, device="Windows · Chrome", remembered=False, address=None)
    ended = begin_session(world.member, device="iPhone · Safari", remembered=True, address=None)
    db.session.flush()
    rows = {r.device: r for r in db.session.scalars(db.select(LoginSession))}
    rows["Windows · Chrome"].last_seen_at = utcnow() - timedelta(days=2)  # past the idle limit
    rows["iPhone · Safari"].ended_at = utcnow()
    db.session.commit()
    assert idle and ended
    assert "现有2台手机或电脑保持登录" in client.get("/me/data").get_data(as_text=True)


# The full export: the session; the member with her unit, communities, stays on the roll
# and their units, her reminder settings and the kinds she turned off (one statement,
# ``held._account_with_settings``); then every kind of record held about her — her
# participations, the tasks she led, her 候补, 补录申请, 需求, messages, login sessions
# and the changes to her account — as the parts of one statement (``rollups.batch``;
# count48: 12, pagesb48: 10, one statement a kind). Never one per row.
EXPORT = 3


def records(w, n: int) -> None:
    """``history``, and n more of every other kind the export holds: tasks she led, 候补,
    补录申请, needs she claimed, messages, changes to her account."""
    from tests.needs.support import need
    from tracker.models import (AuditEvent, BackfillRequest, Channel, NeedStatus, Outbox,
                                OutboxStatus, RequestStatus, WaitlistEntry, WaitStatus)

    history(w, n)
    me = w.member
    for i in range(n):
        task = f.task(f.item(w.unit, w.community), w.liaison, starts_in=timedelta(days=5 + i))
        task.leader_id = me.id
        db.session.add(WaitlistEntry(task_id=task.id, member_id=me.id,
                                     status=WaitStatus.waiting))
        db.session.add(BackfillRequest(
            member_id=me.id, community_id=w.community.id, task_id=task.id,
            service_date=local_today() - timedelta(days=2 + i), description=f"扫雪{i}",
            minutes=90, note="当天带了工具", status=RequestStatus.declined,
            decided_by_id=w.liaison.id, decided_at=utcnow(), decline_reason="没有这项活动"))
        need(w.community, w.liaison, title=f"修轮椅{n}-{i}", status=NeedStatus.claimed,
             claimer=me)
        db.session.add(Outbox(dedupe_key=f"export:{n}:{i}", kind="returned",
                              channel=Channel.inapp, member_id=me.id, subject="报告被退回",
                              body=f"请修改后重新提交{i}", status=OutboxStatus.sent,
                              sent_at=utcnow()))
        db.session.add(AuditEvent(actor_id=w.admin.id if i % 2 else None, action="update",
                                  entity_type="member", entity_id=me.id, detail={}))
    db.session.commit()


def test_the_download_runs_the_same_statements_at_any_history(client, login, world,
                                                              count_queries):
    """The full export reads the account in one statement and every kind of record in
    one more, never one per row: the same for every role, and with more of every kind."""
    counts = {}
    for who in ("member", "leader", "liaison", "admin"):
        login(getattr(world, who))
        counts[who] = statements(client, "/me/data.json", count_queries)
    assert counts == dict.fromkeys(counts, EXPORT), counts
    login(world.member)
    records(world, 1)
    small = statements(client, "/me/data.json", count_queries)
    records(world, 4)
    large = statements(client, "/me/data.json", count_queries)
    assert small == large == EXPORT, (small, large)


def test_the_download_holds_every_kind_read_in_the_one_statement(client, login, world):
    """What the one statement reads is what the kinds' own statements read: each kind's
    records, hers alone, in their order, with their values as stored."""
    import json

    records(world, 2)
    login(world.member)
    data = json.loads(client.get("/me/data.json").get_data(as_text=True))
    assert {kind: len(data[kind]) for kind in (
        "tasks_led", "waitlist", "backfill_requests", "needs_claimed", "messages",
        "changes_to_account")} == dict.fromkeys(("tasks_led", "waitlist",
                                                 "backfill_requests", "needs_claimed",
                                                 "messages", "changes_to_account"), 2)
    assert [r["description"] for r in data["backfill_requests"]] == ["扫雪0", "扫雪1"]
    assert {(r["hours"], r["status"], r["decline_reason"], r["note"])
            for r in data["backfill_requests"]} == {(1.5, "declined", "没有这项活动",
                                                      "当天带了工具")}
    assert [m["body"] for m in data["messages"]] == ["请修改后重新提交0", "请修改后重新提交1"]
    assert {(m["channel"], m["status"]) for m in data["messages"]} == {("inapp", "sent")}
    assert [c["by"] for c in data["changes_to_account"]] == [None, world.admin.name]
    assert {w["status"] for w in data["waitlist"]} == {"waiting"}
    assert {n["status"] for n in data["needs_claimed"]} == {"claimed"}
    assert {t["community"] for t in data["tasks_led"]} == {world.community.name}
    # history's two approved activities of an hour each, counted (the world's own too)
    assert len([p for p in data["participations"]
                if p["counted"] and p["hours"] == 1.0 and p["report_status"] == "approved"
                and p["category"]]) == 2
