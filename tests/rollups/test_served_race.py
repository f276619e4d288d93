"""Liaisons approve visits of one year and one category at the same moment, naming the
same households: every approval lands in the kept households (``CountedServedYear``,
``CountedServedTotal``, ``CountedServedCategoryYear``) and none is lost or counted twice.

Every visit names two of three households (exactly its 受益), so the approvals move the
same rows: the year's category row gains an activity each, a household's row is
created by the first approval naming it and incremented by the others, and the count of
households gains one only where a row was created. The hook adds differences
(``n = n + …``) in key order at the commit, and reads which rows it created from what
its upsert returns under the row's lock, so on PostgreSQL the transactions take turns
and the count is 3, not 3 × the racers. Separate processes, as separate gunicorn workers
would be; SQLite on a real file, PostgreSQL too when TEST_DATABASE_URL is set.

Below, on PostgreSQL only: a resident's kind changed on the register form while a visit
naming her is approved — the two take turns, no deadlock, and the kept rows stay in sync.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.races import race_database, race_world, run_racers
from tests.rollups.test_summary_race import _approver, submitted_yesterday
from tests.scratch_db import BACKENDS, PG_URL

PROCESSES = 4
TASKS_PER_PROCESS = 2
MEMBERS = 2

pytestmark = pytest.mark.slow


def _build_world(url: str):
    """Visits of yesterday (结对帮扶), each naming two of three households as its 受益 of
    2, every report submitted (待审核)."""
    from tests import factories as f
    from tests.residents.support import resident
    from tracker.extensions import db
    from tracker.models import ResidentCategory, Role, task_resident

    with race_world(url) as (app, unit, item, liaison):
        visits = f.item(unit, item.community, "household_assistance")
        members = [f.member(unit) for _ in range(MEMBERS)]
        reviewer = f.member(unit, Role.admin, "管理员")
        homes = [resident(item.community, liaison, name=f"困难户{n}", phone=f"1380000{n:04d}",
                          category=ResidentCategory.needy) for n in range(3)]
        reports = [submitted_yesterday(visits, liaison, members, f"帮扶{n}", 60, 0, 2)
                   for n in range(PROCESSES * TASKS_PER_PROCESS)]
        for n, report in enumerate(reports):
            # named while 待审核 (nothing of it is kept yet: only approved visits count)
            db.session.execute(task_resident.insert(), [
                {"task_id": report.task_id, "resident_id": homes[(n + i) % 3].id}
                for i in range(2)])
        db.session.commit()
        ids = [(report.id, reviewer.id) for report in reports]
        day = reports[-1].task.service_date
        category = visits.category_id
    return app, day, category, [ids[i::PROCESSES] for i in range(PROCESSES)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_simultaneous_approvals_of_named_visits_all_land_in_the_kept_households(backend,
                                                                               tmp_path):
    from tests.rollups.counted import assert_in_sync
    from tests.rollups.test_served_kept import by_hand
    from tracker.extensions import db
    from tracker.models import CountedServedCategoryYear, CountedServedTotal
    from tracker.rollups import Scope
    from tracker.rollups.batch import run
    from tracker.rollups.served import named_rows

    with race_database(backend, tmp_path, "served_race") as url:
        app, day, category, batches = _build_world(url)
        outcomes = run_racers(_approver, [(url, ids) for ids in batches])

        assert [e for o in outcomes for e in o["errors"]] == []
        tasks = PROCESSES * TASKS_PER_PROCESS
        assert sum(o["ok"] for o in outcomes) == tasks
        with app.test_request_context("/"):
            year = day.year
            kept = db.session.get(CountedServedCategoryYear, (year, category))
            assert (kept.activities, kept.others) == (tasks, 0)
            assert db.session.get(CountedServedTotal, (year, category)).households == 3
            assert by_hand(year) == {category: 3}
            assert run(named_rows(Scope(date(year, 1, 1), date(year + 1, 1, 1)))) == \
                {category: 3}
            assert_in_sync()
            db.session.remove()
            db.engine.dispose()


# --- a resident's kind changed while a visit naming her is approved ----------------------
#
# The register form (``residents.update_resident``) changing 赵奶奶 from 空巢老人 to
# 困难群众 moves the kept households of every visit naming her (the flush hook refreshes
# them, locking their rows); 通过 of such a visit locks the visit, then the members it
# counts by their check-in. 张三, paired with her, checked in on the visit: the edit
# share-locks her paired members too. Before the edit locked her visits first
# (``_hold_visits_of_kind_change``) it took them at its flush, after 张三: the 通过,
# holding the visit and waiting for 张三, and the edit, holding 张三 and waiting for the
# visit, deadlocked. The interleaving is forced, not hoped for: the edit stops just before
# its flush until the 通过 is seen waiting for one of its locks (``pg_blocking_pids``).


def _kind_world(url):
    """慰问“空巢”老人 of yesterday naming 赵奶奶 (its 受益 1), reported (待审核): 王组长
    confirmed, 张三 — paired with her — checked in only."""
    from tests import factories as f
    from tests.residents.support import name_served, resident
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, Community, Role

    with race_world(url) as (app, unit, item, _liaison):
        community = db.session.get(Community, item.community_id)
        visits = f.item(unit, community, "elderly_visit")
        editor, reviewer = (f.member(unit, Role.admin, name=n) for n in ("管理员甲", "管理员乙"))
        leader, member = f.member(unit, name="王组长"), f.member(unit, name="张三")
        her = resident(community, editor, name="赵奶奶", paired=[member])
        task = f.task(visits, editor, leader=leader, starts_in=-timedelta(days=1),
                      title="慰问赵奶奶")
        db.session.add(Assignment(task_id=task.id, member_id=leader.id,
                                  status=AssignmentStatus.done, minutes=120))
        db.session.add(Assignment(task_id=task.id, member_id=member.id,
                                  status=AssignmentStatus.checked_in,
                                  checked_in_at=task.starts_at))
        task.taken = 2
        db.session.commit()
        f.reported(task, leader, approved=False, people_served=1)
        name_served(task, [her])
        db.session.commit()
        return app, dict(editor=editor.id, reviewer=reviewer.id, resident=her.id,
                         member=member.id, task=task.id, category=visits.category_id,
                         year=task.service_date.year)


def _change_her_kind(ids):
    """管理员甲 saves 赵奶奶's register form: 困难群众 now, 张三 still paired."""
    from tracker.extensions import db
    from tracker.models import Member, Resident, ResidentCategory
    from tracker.services.residents import EDITABLE, ResidentData, update_resident

    her = db.session.get(Resident, ids["resident"])
    data = ResidentData(community_id=her.community_id, paired_ids={ids["member"]},
                        **{name: getattr(her, name) for name in EDITABLE}
                        | {"category": ResidentCategory.needy})
    update_resident(her, db.session.get(Member, ids["editor"]), data)


def _approve_the_visit(ids):
    """管理员乙 approves the visit (按签到计入: 张三's check-in counts)."""
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import Member, TaskReport
    from tracker.services.reviews import approve_report

    report = db.session.scalar(select(TaskReport).where(TaskReport.task_id == ids["task"]))
    approve_report(report, db.session.get(Member, ids["reviewer"]), count_checked_in=True)


def _kind_changer(url, ids, paused, approver_pid, done, barrier, results):
    """Child: the register form's save, stopping before the flush that writes the new
    kind until the 通过 (``approver_pid``) waits for a lock this transaction holds."""
    import traceback

    from sqlalchemy import event

    from tests.races import _second_waits_for_me, connect_then_wait, race_app
    from tracker.extensions import db
    from tracker.models import Resident
    from tracker.participation import changed
    from tracker.services import unit_of_work

    outcome = {"name": "kind", "ok": False, "errors": [], "approval_waited": None}
    try:
        app = race_app(url)
        with app.test_request_context("/"):
            connect_then_wait(barrier)
            session = db.session()

            def hold_before_flush(flushing, _context, _instances):
                if paused.is_set() or not any(
                        isinstance(obj, Resident) and changed(obj, ("category",))
                        for obj in flushing.dirty):
                    return
                mine = flushing.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
                paused.set()
                outcome["approval_waited"] = _second_waits_for_me(mine, approver_pid, done)

            event.listen(session, "before_flush", hold_before_flush)
            try:
                with unit_of_work():
                    _change_her_kind(ids)
                outcome["ok"] = True
            except Exception as error:  # noqa: BLE001 — reported to the test
                outcome["errors"].append(f"{type(error).__name__}: {error}")
            finally:
                paused.set()
                event.remove(session, "before_flush", hold_before_flush)
            db.session.remove()
            db.engine.dispose()
    except Exception:  # noqa: BLE001
        outcome["errors"].append(traceback.format_exc())
    results.put(outcome)


def _visit_approver(url, ids, paused, approver_pid, done, barrier, results):
    """Child: 通过, begun once the register form's save holds what it locks first."""
    import traceback

    from tests.deadlines import HUNG_SECONDS
    from tests.races import _pg_backend_pid, connect_then_wait, race_app
    from tracker.extensions import db
    from tracker.services import unit_of_work

    outcome = {"name": "approve", "ok": False, "errors": []}
    try:
        app = race_app(url)
        with app.test_request_context("/"):
            connect_then_wait(barrier)
            paused.wait(timeout=HUNG_SECONDS)
            try:
                with unit_of_work():
                    approver_pid.value = _pg_backend_pid()
                    _approve_the_visit(ids)
                outcome["ok"] = True
            except Exception as error:  # noqa: BLE001 — reported to the test
                outcome["errors"].append(f"{type(error).__name__}: {error}")
            finally:
                done.set()
            db.session.remove()
            db.engine.dispose()
    except Exception:  # noqa: BLE001
        outcome["errors"].append(traceback.format_exc())
    finally:
        done.set()
    results.put(outcome)


def _kind_racer(role, *args):
    """Child: the register form's save (``role`` "kind") or the 通过 ("approve")."""
    (_kind_changer if role == "kind" else _visit_approver)(*args)


@pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway: no row locks")
def test_her_kind_changed_while_a_visit_naming_her_is_approved_takes_turns(tmp_path):
    """Both land, one after the other, and the kept households are what ``rebuild()``
    derives: the 通过 waited for the edit (the visit's lock, taken first), then read
    赵奶奶 as 困难群众 — not of the kind 慰问“空巢”老人 serves — so the visit names fewer
    than its 受益 and the year's category reads visits alone (others 1)."""
    from tests.races import process_context
    from tests.rollups.counted import assert_in_sync
    from tests.rollups.test_served_kept import by_hand
    from tracker.extensions import db
    from tracker.models import (
        CountedServedCategoryYear,
        ReportStatus,
        Resident,
        ResidentCategory,
        TaskReport,
    )

    with race_database("postgresql", tmp_path, "served_kind_race") as url:
        app, ids = _kind_world(url)
        ctx = process_context()
        paused, done, approver_pid = ctx.Event(), ctx.Event(), ctx.Value("i", 0)
        outcomes = {o["name"]: o for o in run_racers(_kind_racer, [
            (role, url, ids, paused, approver_pid, done) for role in ("kind", "approve")])}
        assert [e for o in outcomes.values() for e in o["errors"]] == []
        assert outcomes["kind"]["ok"] and outcomes["approve"]["ok"]
        assert outcomes["kind"]["approval_waited"] is True
        with app.test_request_context("/"):
            assert db.session.get(Resident, ids["resident"]).category == ResidentCategory.needy
            report = db.session.scalar(db.select(TaskReport).where(
                TaskReport.task_id == ids["task"]))
            assert report.status == ReportStatus.approved
            kept = db.session.get(CountedServedCategoryYear, (ids["year"], ids["category"]))
            assert (kept.activities, kept.others) == (1, 1)
            assert by_hand(ids["year"]) == {ids["category"]: None}
            assert_in_sync()
            db.session.remove()
            db.engine.dispose()
