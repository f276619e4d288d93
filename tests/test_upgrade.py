"""`flask db upgrade` on a database that the previous release filled: build the schema
of that release from its migrations, fill it through plain SQL as the releases' code
would have, upgrade to the head, and check that the data means the same — on SQLite
and on PostgreSQL.

PREVIOUS_RELEASE is the last schema a bureau runs (session 20's release; move it when a
release is cut, and write what that release's code did in ``_as_previous_release``).
The data is older than that, as a bureau's is: the work is written at FIRST_RELEASE
(0003, through its own SQL) and carried forward by every migration since; then the
previous release's own actions are written against its schema: a unit created, a
member moved to it, a member switched off, a 定稿 month. The SQL must not follow later
changes: that is the point. No git history is needed (a shallow clone runs this).
"""
from __future__ import annotations

import importlib.util
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from werkzeug.security import generate_password_hash

from tests.flask_cli import ROOT, prepare_with_flask, run_flask_forked
from tests.scratch_app import engine_on, inside, scratch_app
from tests.scratch_db import BACKENDS, fresh_database
from tracker.timeutil import local_today

FIRST_RELEASE = "0003_counted_rows"
PREVIOUS_RELEASE = "0026_need_tasked"  # session 20
PASSWORD = "Shengji-2026-ok"
DAY = date(2025, 10, 11)  # a Saturday of a closed month
SWITCHED_OFF = date(2025, 11, 5)  # 王五, under the first release
MOVED = date(2025, 12, 2)  # 县审计局 created, 李四 moved to it, 张三 switched off


def _frozen_fill_sql() -> list[str]:
    """How the previous release fills its derived tables (its own migration's SQL)."""
    path = ROOT / "migrations" / "versions" / f"{FIRST_RELEASE}.py"
    spec = importlib.util.spec_from_file_location("previous_release", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [module.FILL_PARTICIPATIONS, module.FILL_TASKS]


def _at(day: date, hour: int) -> str:
    """A naive UTC timestamp, as the schema stores them (hour in Asia/Shanghai)."""
    local = datetime(day.year, day.month, day.day, hour, tzinfo=timezone(timedelta(hours=8)))
    return local.astimezone(timezone.utc).replace(tzinfo=None).isoformat(sep=" ")


def _fill(url: str) -> None:
    pw = generate_password_hash(PASSWORD, method="scrypt:1024:8:1")
    later = local_today() + timedelta(days=10)
    rows = [
        ("INSERT INTO unit (id, name, active) VALUES (1, '县商务局', :t), (2, '县财政局', :t)", {}),
        ("INSERT INTO community (id, name, active) VALUES (1, '解放路社区', :t), (2, '建设路社区', :t)", {}),
        ("INSERT INTO zone (id, community_id, name, unit_id, active) VALUES (1, 2, '一区', 1, :t)", {}),
        ("INSERT INTO member (id, name, phone, password_hash, unit_id, branch, role, active, created_at) VALUES "
         "(1, '王管理', '13900000001', :pw, 1, NULL, 'admin', :t, :c),"
         "(2, '李联络', '13900000002', :pw, 1, '第一支部', 'liaison', :t, :c),"
         "(3, '张三', '13900000003', :pw, 1, '第一支部', 'member', :t, :c),"
         "(4, '李四', '13900000004', :pw, 1, '第一支部', 'member', :t, :c),"
         "(5, '王五', '13900000005', NULL, 1, '第二支部', 'member', :t, :c),"
         "(6, '赵六', '13900000006', :pw, 2, NULL, 'member', :t, :c)",
         {"pw": pw, "c": _at(DAY, 8)}),
        ("INSERT INTO liaison_community (member_id, community_id) VALUES (2, 1), (2, 2)", {}),
        ("INSERT INTO resource_item (id, unit_id, community_id, zone_id, category_id, year, target, description, active) VALUES "
         "(1, 1, 1, NULL, (SELECT id FROM category WHERE code = 'environment_cleanup'), 2025, 24, '背街小巷', :t),"
         "(2, 1, 2, 1, (SELECT id FROM category WHERE code = 'ad_removal'), 2025, 300, NULL, :t)", {}),
    ]
    tasks = [  # id, item, title, day, leader, status
        (1, 1, '环境整治：背街小巷清理', DAY, 3, 'closed'),
        (2, 2, '清除牛皮癣', DAY + timedelta(days=7), 4, 'closed'),
        (3, 1, '环境整治：楼道清理', DAY + timedelta(days=14), 3, 'closed'),
        (4, 1, '环境整治：下周活动', later, 3, 'open'),
    ]
    for tid, item, title, day, leader, status in tasks:
        rows.append((
            "INSERT INTO task (id, resource_item_id, unit_id, community_id, zone_id, category_id, title, "
            "beneficiary, place, description, starts_at, ends_at, service_date, slots, taken, leader_id, "
            "status, checkin_token, series_id, created_by_id, created_at) "
            "SELECT :id, i.id, i.unit_id, i.community_id, i.zone_id, i.category_id, :title, '社区居民', "
            "'解放路社区', NULL, :s, :e, :d, 5, :taken, :leader, :status, :token, NULL, 2, :c "
            "FROM resource_item i WHERE i.id = :item",
            {"id": tid, "item": item, "title": title, "s": _at(day, 9), "e": _at(day, 11),
             "d": day.isoformat(), "taken": 4 if tid == 1 else 2, "leader": leader,
             "status": status, "token": f"token-{tid}", "c": _at(DAY, 8)}))
    # task 1: three done (2 h each) and one absent; 2 and 3: two done (1 h); 4: two claims
    assignments = [(1, 3, 'done', 120), (1, 4, 'done', 120), (1, 5, 'done', 120),
                   (1, 6, 'absent', None), (2, 3, 'done', 60), (2, 4, 'done', 60),
                   (3, 4, 'done', 60), (3, 5, 'done', 60), (4, 3, 'claimed', None),
                   (4, 4, 'claimed', None)]
    for n, (tid, mid, status, minutes) in enumerate(assignments, 1):
        rows.append(("INSERT INTO assignment (id, task_id, member_id, status, minutes, claimed_at, "
                     "checked_in_at, confirmed_at, assigned_by_id) VALUES (:id, :task, :m, :st, :min, "
                     ":c, NULL, :conf, NULL)",
                     {"id": n, "task": tid, "m": mid, "st": status, "min": minutes,
                      "c": _at(DAY, 8), "conf": _at(DAY, 12) if minutes else None}))
    reports = [(1, 1, 56, 120, 'approved'), (2, 2, 30, 0, 'submitted'), (3, 3, 4, 20, 'returned')]
    for rid, tid, qty, people, status in reports:
        rows.append(("INSERT INTO task_report (id, task_id, quantity, people_served, note, status, "
                     "return_reason, submitted_by_id, submitted_at, reviewed_by_id, reviewed_at) VALUES "
                     "(:id, :task, :q, :p, '完成情况', :st, :reason, 3, :at, :rev, :rat)",
                     {"id": rid, "task": tid, "q": qty, "p": people, "st": status,
                      "reason": "请补充照片说明" if status == 'returned' else None,
                      "at": _at(DAY, 12), "rev": None if status == 'submitted' else 2,
                      "rat": None if status == 'submitted' else _at(DAY, 18)}))
    rows += [
        ("INSERT INTO photo (id, task_id, finding_id, stored_name, width, height, size_bytes, "
         "uploaded_by_id, created_at, active) VALUES (1, 1, NULL, '0123456789abcdef0123456789abcdef', "
         "1600, 1200, 240000, 3, :c, :t)", {"c": _at(DAY, 12)}),
        ("INSERT INTO fund_budget (id, unit_id, community_id, year, amount_fen) VALUES (1, 1, 1, 2025, 1000000)", {}),
        ("INSERT INTO fund_entry (id, unit_id, community_id, entry_date, amount_fen, purpose, task_id, "
         "reverses_id, created_by_id, created_at) VALUES (1, 1, 1, :d, 320000, '购买清洁工具', 1, NULL, 1, :c)",
         {"d": DAY.isoformat(), "c": _at(DAY, 15)}),
        ("INSERT INTO audit_event (id, actor_id, action, entity_type, entity_id, detail, created_at) VALUES "
         "(1, 2, 'approve', 'task_report', 1, :detail, :c)",
         {"detail": '{"task_id": 1}', "c": _at(DAY, 18)}),
        # 王五 switched off in November, before the roll had dates (off every roll then)
        ("UPDATE member SET active = :f WHERE id = 5", {"f": False}),
        ("INSERT INTO audit_event (id, actor_id, action, entity_type, entity_id, detail, created_at) VALUES "
         "(2, 1, 'deactivate', 'member', 5, NULL, :c)", {"c": _at(SWITCHED_OFF, 10)}),
    ]
    with engine_on(url) as engine:
        with engine.begin() as conn:
            for sql, params in rows:
                conn.execute(text(sql), {"t": True, **params})
            for sql in _frozen_fill_sql():
                conn.execute(text(sql))
            if engine.dialect.name == "postgresql":  # ids were given: move the sequences on
                for table in ("unit", "community", "zone", "member", "resource_item", "task",
                              "assignment", "task_report", "photo", "fund_budget", "fund_entry",
                              "audit_event"):
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                      f"(SELECT max(id) FROM {table}))"))


def _as_previous_release(url: str) -> None:
    """What PREVIOUS_RELEASE's code wrote (its admin forms): on 2 December a unit
    created, 李四 moved to it, 张三 switched off (the day kept as roll_until), each in
    the audit trail; October finalised (已定稿) with its words."""
    rows = [
        ("INSERT INTO unit (id, name, sort_key, active) VALUES (3, '县审计局', '县审计局', :t)", {}),
        ("UPDATE member SET unit_id = 3 WHERE id = 4", {}),
        ("UPDATE member SET active = :f, roll_until = :d WHERE id = 3",
         {"f": False, "d": MOVED.isoformat()}),
        ("INSERT INTO audit_event (id, actor_id, action, entity_type, entity_id, detail, created_at) VALUES "
         "(3, 1, 'create', 'unit', 3, :unit, :c1), (4, 1, 'update', 'member', 4, :move, :c2),"
         " (5, 1, 'deactivate', 'member', 3, NULL, :c3)",
         {"unit": '{"name": "县审计局"}', "move": '{"unit_id": [1, 3]}',
          "c1": _at(MOVED, 9), "c2": _at(MOVED, 10), "c3": _at(MOVED, 11)}),
        ("INSERT INTO summary_note (id, scope_key, unit_id, community_id, year, month, problems, plans,"
         " updated_at, updated_by_id, finalized_at, finalized_by_id) VALUES (1, 'unit:1', 1, NULL,"
         " 2025, 10, '人手不足', '继续开展背街小巷清理', :c, 1, :c, 1)", {"c": _at(DAY + timedelta(days=25), 9)}),
    ]
    with engine_on(url) as engine:
        with engine.begin() as conn:
            for sql, params in rows:
                conn.execute(text(sql), {"t": True, **params})
            if engine.dialect.name == "postgresql":
                for table in ("unit", "audit_event", "summary_note"):
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                      f"(SELECT max(id) FROM {table}))"))


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrading_a_database_of_the_previous_release_keeps_its_meaning(backend, tmp_path):
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, AuditEvent, Member, Task, Unit
    from tracker.reports.summary import build_summary
    from tracker.rollups.coverage import coverage
    from tracker.rollups import Scope
    from tracker.rollups.figures import Totals, figures
    from tracker.rollups.funds import fund_figures
    from tests.plans import password_signs_in
    from tracker.timeutil import month_bounds

    with fresh_database(backend, tmp_path, "upgrade") as url:
        first = prepare_with_flask(url, "db", "upgrade", FIRST_RELEASE)
        assert first.returncode == 0, first.stderr[-3000:]
        _fill(url)
        old = prepare_with_flask(url, "db", "upgrade", PREVIOUS_RELEASE)
        assert old.returncode == 0, old.stderr[-3000:]
        _as_previous_release(url)

        upgrade = run_flask_forked(url, "db", "upgrade")
        assert upgrade.returncode == 0, upgrade.stderr[-3000:]

        app = scratch_app(url, UPLOAD_FOLDER=str(tmp_path / "uploads"), WTF_CSRF_ENABLED=False)
        client = app.test_client()
        assert client.get("/readyz").status_code == 200
        with inside(app, request=True):
            # Accounts: the same people log in with the same passwords.
            assert password_signs_in("13900000001", PASSWORD).name == "王管理"
            assert password_signs_in("13900000005", PASSWORD) is None  # never activated
            liaison = db.session.get(Member, 2)
            assert [c.name for c in liaison.communities] == ["建设路社区", "解放路社区"]

            # The month's figures: official = the approved report only (task 1: one
            # activity, 3 people × 2 h); pending = task 2's report; the returned one
            # counts nowhere. Since 0004 each category counts in its own units
            # (docs/design.md): 环境整治 counts 次 only, so the 56 and 120 its leader
            # typed under the old release stay on the report but are no official figure;
            # 牛皮癣清除 counts 处.
            start, end = month_bounds(DAY.year, DAY.month)
            month = figures(Scope(date_from=start, date_to=end, unit_id=1))
            assert month.official == Totals(activities=1, quantity=0, people_served=0,
                                            person_times=3, members=3, minutes=360)
            assert month.pending == Totals(activities=1, quantity=30, people_served=0,
                                           person_times=2, members=2, minutes=120)
            funds = fund_figures(Scope(date_from=start, date_to=end, unit_id=1), DAY.year)
            assert (funds.spent_fen, funds.year_to_date_fen, funds.budget_fen) == \
                (320000, 320000, 1000000)

            # Work in progress carries on: the open task keeps its two claims.
            upcoming = db.session.get(Task, 4)
            assert upcoming.taken == 2
            holding = db.session.scalars(select(Assignment.status).where(Assignment.task_id == 4))
            assert list(holding) == [AssignmentStatus.claimed, AssignmentStatus.claimed]
            assert db.session.get(AuditEvent, 1).detail == {"task_id": 1}

            # The roll of past months follows what the members were then, as it does
            # for changes made today: in October 张三 (switched off in December), 李四
            # (moved in December) and 王五 (switched off in November, before the roll
            # had dates) were 县商务局's, all three took part, none from another unit;
            # 县审计局, created in December, had nobody on its October roll.
            october = coverage(1, start, end)
            assert (october.on_roll, october.took_part, october.elsewhere_only) == (3, 3, 0)
            assert coverage(3, start, end).on_roll == 0
            assert coverage(1, *month_bounds(2025, 11)).on_roll == 2  # 王五 left on 5 Nov
            summary = build_summary(2025, 10, unit=db.session.get(Unit, 1))
            texts = [p.text for p in summary.paragraphs]
            assert any("人次" in t for t in texts) and not any("外单位" in t for t in texts)
            assert not any("在册" in p.text for p in build_summary(
                2025, 10, unit=db.session.get(Unit, 3)).paragraphs)
            # October stays 已定稿, with its words
            assert summary.final and summary.note.problems == "人手不足"

        # And the upgraded database goes on working: log in and see the open task.
        response = client.post("/auth/login", data={"phone": "13900000004", "password": PASSWORD})
        assert response.status_code == 302
        assert "环境整治：下周活动" in client.get("/tasks/mine").get_data(as_text=True)
