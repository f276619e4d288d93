"""Row locks that cannot close a circle with another transaction (PostgreSQL).

A row lock ``FOR UPDATE`` also blocks the key-share lock PostgreSQL takes on a row when
another transaction merely writes a row naming it (a foreign key: an audit row naming
its actor, a member moved into a unit, a need handed on to a task). The app's locks
are therefore ``FOR NO KEY UPDATE`` — exclusive among themselves as before, but not
against those writes — and where two decisions lock the same two rows, they lock them
in one order. CI's deadlock (``test_need_series_race.py``) was the first of these.

Each test takes one side's locks in the app's session, as the service does, and does
the other side's next write on a second connection with a lock timeout: it must not
wait (before the fix it waited, and the circle closed when the first side went on to
wait for what the second held). Where a lock must still keep two decisions apart, the
second connection asks for it with NOWAIT and is refused at once. Nothing races: every
step runs in a fixed order.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert, select, text, update

from tests.pg_locks import ServiceThread, other_transaction, refused_at_once
from tests.races import race_database, race_world
from tests.scratch_db import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="SQLite has no row locks: its writers take turns")


def pg_world(tmp_path, name: str):
    """A fresh PostgreSQL database (its URL), dropped afterwards."""
    return race_database("postgresql", tmp_path, name)


def _ids(url: str, build) -> tuple:
    """race_world's unit (县商务局), community, item and a liaison of the community, and
    what ``build(factories, unit, item, liaison)`` adds; returns (app, its ids)."""
    with race_world(url) as (app, unit, item, liaison):
        from tests import factories as f
        from tracker.extensions import db
        from tracker.models import Role

        liaison.role = Role.liaison
        liaison.communities.append(item.community)
        ids = build(f, unit, item, liaison)
        db.session.commit()
    return app, ids


def _dispose():
    from tracker.extensions import db

    db.session.rollback()
    db.session.remove()
    db.engine.dispose()


def test_a_roll_change_of_a_member_leaves_the_members_own_writes_alone(tmp_path):
    """An admin changing a member's roll (member form, 停用/重新启用, 更正日期, the
    import: ``roll.lock_member``) holds the member's row. The member's own transaction
    — saving their unit's 月报 words while it holds the unit's row, as every action
    ending in an audit row naming its actor — must not wait for it: the admin's new stay
    in that unit would then wait for the unit's row, a circle. Two roll changes of the
    member still take turns."""
    from tracker.extensions import db
    from tracker.models import AuditEvent, Member
    from tracker.services import roll

    with pg_world(tmp_path, "rolllock") as url:
        app, ids = _ids(url, lambda f, unit, item, liaison: dict(member=liaison.id))
        with app.test_request_context("/"):
            roll.lock_member(db.session.get(Member, ids["member"]))
            with other_transaction() as member_own:
                member_own.execute(insert(AuditEvent).values(
                    actor_id=ids["member"], action="save_summary_notes",
                    entity_type="summary_note", entity_id=None))
            assert refused_at_once(select(Member.id).where(Member.id == ids["member"])
                                   .with_for_update(key_share=True, nowait=True))
            _dispose()


def test_a_summarys_words_or_final_leave_a_move_into_its_unit_or_community_alone(tmp_path):
    """Saving a 月报's words, 定稿 and re-opening (``summary_notes.lock_scope``,
    exclusive) hold the unit's row — a community's summary the community's. An admin
    moving a member into that unit, or giving a liaison that community, writes rows
    naming it while holding the member's row, which the saver's own audit row then
    needs: that write must not wait. A write into the month (``closed_to``'s shared
    lock) still waits for the exclusive one."""
    from tracker.extensions import db
    from tracker.models import Community, Member, RollPeriod, Unit, liaison_community
    from tracker.services.summary_notes import lock_scope
    from tracker.timeutil import local_today

    def build(f, unit, item, liaison):
        other = f.unit("县财政局")
        moving = f.member(other, name="王芳", on_roll=False)
        return dict(unit=unit.id, community=item.community.id, member=moving.id)

    with pg_world(tmp_path, "scopelock") as url:
        app, ids = _ids(url, build)
        with app.test_request_context("/"):
            lock_scope(ids["unit"], None, shared=False)
            with other_transaction() as admin:
                admin.execute(update(Member).where(Member.id == ids["member"])
                              .values(unit_id=ids["unit"], on_roll=True))
                admin.execute(insert(RollPeriod).values(member_id=ids["member"],
                                                        unit_id=ids["unit"],
                                                        since=local_today()))
            assert refused_at_once(select(Unit.id).where(Unit.id == ids["unit"])
                                   .with_for_update(read=True, nowait=True))
            db.session.rollback()

            lock_scope(None, ids["community"], shared=False)
            with other_transaction() as admin:
                admin.execute(insert(liaison_community).values(
                    member_id=ids["member"], community_id=ids["community"]))
            assert refused_at_once(select(Community.id).where(Community.id == ids["community"])
                                   .with_for_update(read=True, nowait=True))
            _dispose()


def test_a_need_can_be_handed_to_a_week_whose_void_has_written_its_task(tmp_path):
    """A 作废 of a series' second week writes its task and report; the flush hooks
    (``participation.locked_tasks``: the counted rows and the 逾期 mark) then hold the
    task's row, and the void goes on to lock the series' needs. The first week's cancel,
    holding the need, hands it on to that very week: the write must not wait — it would
    wait for a void that waits for the need. Two refreshes of one task still take turns."""
    from tests.needs.support import need
    from tracker.extensions import db
    from tracker.models import (
        Need,
        NeedStatus,
        ReportStatus,
        Task,
        TaskReport,
        TaskStatus,
    )
    from tracker.participation import locked_tasks
    from tracker.services.activity_lock import lock_activity

    def build(f, unit, item, liaison):
        first = f.task(item, liaison, starts_in=-timedelta(days=8))
        second = f.task(item, liaison, starts_in=-timedelta(days=1))
        first.series_id = second.series_id = "weekly"
        db.session.add(TaskReport(task_id=second.id, quantity=1, people_served=1, note="",
                                  status=ReportStatus.submitted, submitted_by_id=liaison.id))
        wish = need(item.community, liaison, title="每周代购", status=NeedStatus.tasked,
                    task_id=first.id)
        return dict(first=first.id, second=second.id, need=wish.id)

    with pg_world(tmp_path, "tasklock") as url:
        app, ids = _ids(url, build)
        with app.test_request_context("/"):
            second = db.session.get(Task, ids["second"])
            lock_activity(second)
            second.report.status = ReportStatus.voided
            second.status = TaskStatus.cancelled
            db.session.flush()  # the hooks lock the task's row
            with other_transaction() as first_weeks_cancel:
                moved = first_weeks_cancel.execute(
                    update(Need).where(Need.id == ids["need"]).values(task_id=ids["second"]))
                assert moved.rowcount == 1
            db.session.rollback()

            list(locked_tasks(db.session.connection(), [ids["second"]]))
            assert refused_at_once(select(Task.id).where(Task.id == ids["second"])
                                   .with_for_update(key_share=True, nowait=True))
            _dispose()


def _waiting_for_a_lock(deadline_s: float = 60, waiting: int = 1) -> None:
    """Return once ``waiting`` other connections of the database wait for a lock (asked
    of PostgreSQL, not guessed from the clock)."""
    import time

    from tracker.extensions import db

    query = text("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                 " WHERE NOT l.granted AND a.datname = current_database()")
    deadline = time.monotonic() + deadline_s
    with db.engine.connect() as conn:
        while conn.execute(query).scalar() < waiting:
            conn.rollback()
            assert time.monotonic() < deadline, "nobody ever waited for a lock"
            time.sleep(0.02)


def test_adopting_a_request_locks_its_task_before_the_request_as_a_void_does(tmp_path):
    """作废 locks its task, then the 补录申请 naming it (``reopen_requests_of``). A 采纳
    of such a request at that moment waits for the task — and must hold nothing the void
    needs next: it used to lock the request first, and the two waited for each other
    (PostgreSQL then aborted one of them). Here the void holds the task while the 采纳
    runs (in a thread, in its own request) until it waits; the void's next lock, the
    request's, must not wait, and the 采纳 goes through once the void is gone."""
    from tracker.extensions import db
    from tracker.models import (
        Assignment,
        AssignmentStatus,
        BackfillRequest,
        Community,
        Member,
        RequestStatus,
        Task,
    )
    from tracker.services import unit_of_work
    from tracker.services.backfill_requests import RequestData, adopt_into_task, ask_backfill

    def build(f, unit, item, liaison):
        leader, asking = f.member(unit, name="王组长"), f.member(unit, name="张三")
        task = f.task(item, liaison, starts_in=-timedelta(days=1), leader=leader)
        db.session.add(Assignment(task_id=task.id, member_id=leader.id,
                                  status=AssignmentStatus.done, minutes=120))
        task.taken = 1
        return dict(task=task.id, liaison=liaison.id, asking=asking.id,
                    community=item.community.id)

    with pg_world(tmp_path, "requestlock") as url:
        app, ids = _ids(url, build)
        with app.test_request_context("/"):
            with unit_of_work():
                request = ask_backfill(db.session.get(Member, ids["asking"]),
                                       db.session.get(Community, ids["community"]),
                                       RequestData(service_date=None, minutes=60,
                                                   task=db.session.get(Task, ids["task"])))
            request_id = request.id
            db.session.remove()
            liaison = ServiceThread(app, lambda: adopt_into_task(
                db.session.get(BackfillRequest, request_id),
                db.session.get(Member, ids["liaison"])))
            with other_transaction() as void:
                void.execute(select(Task.id).where(Task.id == ids["task"])
                             .with_for_update(key_share=True))  # lock_activity
                liaison.start()
                try:
                    _waiting_for_a_lock()  # the 采纳 waits for the task
                    # the void goes on: the requests naming its task
                    void.execute(select(BackfillRequest.id)
                                 .where(BackfillRequest.id == request_id).with_for_update())
                finally:
                    void.rollback()
                    liaison.join()
            assert liaison.outcome == "ok"
            assert db.session.get(BackfillRequest, request_id).status == RequestStatus.adopted
            _dispose()


def _rename_while_the_actor_is_changed(url: str, which: str) -> None:
    """Admin X renames ``which`` ("unit" or "community") while another admin (a second
    connection) has changed X's 手机号 — X's row held ``FOR UPDATE``, a unique column —
    and goes on to name the renamed row: X moved into the unit, or given the community
    as a liaison. The rename runs in a thread until it waits for X; the other admin's
    write naming the unit or community must then not wait (the rename holds nothing
    yet), and the rename goes through once the other admin has committed."""
    from tracker.extensions import db
    from tracker.models import Community, Member, Role, RollPeriod, Unit, liaison_community
    from tracker.services.directory import (
        CommunityData,
        UnitData,
        update_community,
        update_unit,
    )
    from tracker.timeutil import local_today

    def build(f, unit, item, liaison):
        other = f.unit("县财政局")
        admin = f.member(other, name="管理员甲", role=Role.admin)
        return dict(unit=unit.id, community=item.community.id, admin=admin.id)

    app, ids = _ids(url, build)
    with app.test_request_context("/"):
        def rename() -> None:
            actor = db.session.get(Member, ids["admin"])
            if which == "unit":
                update_unit(db.session.get(Unit, ids["unit"]), actor,
                            UnitData(name="县商务局（新）"))
            else:
                update_community(db.session.get(Community, ids["community"]),
                                 actor, CommunityData(name="解放路社区（新）"))

        renaming = ServiceThread(app, rename)
        with other_transaction() as other_admin:
            other_admin.execute(update(Member).where(Member.id == ids["admin"])
                                .values(phone="13900009999"))  # X's row FOR UPDATE
            renaming.start()
            try:
                _waiting_for_a_lock()  # the rename waits for X
                if which == "unit":
                    other_admin.execute(update(Member).where(Member.id == ids["admin"])
                                        .values(unit_id=ids["unit"], on_roll=True))
                    other_admin.execute(insert(RollPeriod).values(
                        member_id=ids["admin"], unit_id=ids["unit"], since=local_today()))
                else:
                    other_admin.execute(insert(liaison_community).values(
                        member_id=ids["admin"], community_id=ids["community"]))
                other_admin.commit()
            finally:
                other_admin.rollback()
                renaming.join()
        assert renaming.outcome == "ok"
        db.session.expire_all()
        named = (db.session.get(Unit, ids["unit"]).name if which == "unit"
                 else db.session.get(Community, ids["community"]).name)
        assert named.endswith("（新）")
        _dispose()


@pytest.mark.parametrize("which", ["unit", "community"])
def test_a_rename_takes_its_actor_before_the_row_it_renames(tmp_path, which):
    """A new name is under a unique index: PostgreSQL holds the renamed row ``FOR
    UPDATE``, which blocks even a write that merely names it. The rename's audit row
    names its actor, so the rename takes the actor's row first (the house order: a member
    before their unit) — it used to hold the unit or community and then wait for the
    actor, while an admin holding the actor waited for the unit: a deadlock."""
    with pg_world(tmp_path, f"rename{which}") as url:
        _rename_while_the_actor_is_changed(url, which)


def _phones_swapped_by_two_admins(url: str, first_is_lower: bool) -> None:
    """Admin X changes admin Y's 手机号 in the app (``update_member``, in a thread) while
    Y changes X's on a second connection, each transaction taking its locks in the
    service's order. A new 手机号 is under a unique index: PostgreSQL holds the edited
    member's row ``FOR UPDATE``, which blocks the key share the other's audit row (naming
    its actor) takes. ``first_is_lower``: X has the lower id — Y's transaction then holds
    X and goes on to name Y, whatever the order of its locks."""
    from tracker.extensions import db
    from tracker.models import AuditEvent, Member, Role
    from tracker.services.directory import MemberData, update_member

    def build(f, unit, item, liaison):
        other = f.unit("县财政局")
        one = f.member(other, name="管理员甲", role=Role.admin)
        two = f.member(other, name="管理员乙", role=Role.admin)
        x, y = (one, two) if first_is_lower else (two, one)
        return dict(x=x.id, y=y.id)

    app, ids = _ids(url, build)
    with app.test_request_context("/"):
        def x_changes_ys_phone() -> None:
            y = db.session.get(Member, ids["y"])
            update_member(y, db.session.get(Member, ids["x"]), MemberData(
                name=y.name, phone="13911112222", unit_id=y.unit_id, role=y.role,
                branch=y.branch, on_roll=y.on_roll))

        x_changing = ServiceThread(app, x_changes_ys_phone)
        y_row = select(Member.id).where(Member.id == ids["y"])
        with other_transaction() as y_changing:
            # Y's change of X's 手机号, its locks first: X (the edited member) FOR UPDATE,
            # and Y (the actor, whose audit row comes last) a key share — in id order
            if first_is_lower:
                y_changing.execute(update(Member).where(Member.id == ids["x"])
                                   .values(phone="13933334444"))
            else:
                y_changing.execute(y_row.with_for_update(read=True, key_share=True))
                y_changing.execute(update(Member).where(Member.id == ids["x"])
                                   .values(phone="13933334444"))
            x_changing.start()
            try:
                _waiting_for_a_lock()  # X's change waits for Y's
                # Y's audit row, naming Y: must not wait for X's change
                y_changing.execute(insert(AuditEvent).values(
                    actor_id=ids["y"], action="update", entity_type="member",
                    entity_id=ids["x"]))
                y_changing.commit()
            finally:
                y_changing.rollback()
                x_changing.join()
        assert x_changing.outcome == "ok"
        db.session.expire_all()
        assert db.session.get(Member, ids["x"]).phone == "13933334444"
        assert db.session.get(Member, ids["y"]).phone == "13911112222"
        _dispose()


@pytest.mark.parametrize("first_is_lower", [True, False], ids=["x-lower", "y-lower"])
def test_two_admins_changing_each_others_phone_lock_the_two_in_id_order(tmp_path,
                                                                        first_is_lower):
    """Two admins change each other's 手机号 at the same moment. Each transaction locks its
    actor (the audit row names them: a key share) and the edited member (``FOR UPDATE``:
    the new 手机号 is under a unique index) in id order, before it writes: the second
    then waits holding nothing, and the first goes through. The member form used to lock
    the edited member, update it, and only then name its actor — each admin's transaction
    held the other's row and waited for its own: a deadlock."""
    with pg_world(tmp_path, f"phones{int(first_is_lower)}") as url:
        _phones_swapped_by_two_admins(url, first_is_lower)


def test_a_switch_off_holds_the_task_of_every_line_it_leaves_and_no_started_one(tmp_path):
    """停用 (``directory.set_active``) takes the member off the 候补名单 of the tasks not
    started, each entry written while its task's row is held — taken before the
    member's, the house order (``directory._lock_with_places``): a withdrawal or a join
    on that task waits for it. A started task's line closed at its start and stays as it
    stood (cancelled50): its task is not locked and its entry not written, so a
    transaction writing that entry does not wait. Before, 停用 wrote it, under no lock
    of its task."""
    from tracker.extensions import db
    from tracker.models import Member, Role, Task, WaitlistEntry
    from tracker.services.directory import set_active
    from tracker.timeutil import utcnow

    def build(f, unit, item, liaison):
        admin = f.member(unit, Role.admin, "管理员")
        waiter = f.member(unit, name="赵一")
        later = f.task(item, liaison, slots=1, title="义诊")
        started = f.task(item, liaison, slots=1, title="敬老院包饺子",
                         starts_in=-timedelta(minutes=30))
        db.session.flush()
        entries = {}
        for task in (later, started):
            task.taken = 1
            entry = WaitlistEntry(task_id=task.id, member_id=waiter.id)
            db.session.add(entry)
            db.session.flush()
            entries[task.title] = entry.id
        return dict(admin=admin.id, waiter=waiter.id, later=later.id, started=started.id,
                    later_entry=entries["义诊"], started_entry=entries["敬老院包饺子"])

    with pg_world(tmp_path, "switchofflines") as url:
        app, ids = _ids(url, build)
        with app.test_request_context("/"):
            set_active(db.session.get(Member, ids["waiter"]),
                       db.session.get(Member, ids["admin"]), False)
            db.session.flush()
            assert refused_at_once(select(Task.id).where(Task.id == ids["later"])
                                   .with_for_update(key_share=True, nowait=True))
            assert not refused_at_once(select(Task.id).where(Task.id == ids["started"])
                                       .with_for_update(key_share=True, nowait=True))
            with other_transaction() as other:
                other.execute(update(WaitlistEntry)
                              .where(WaitlistEntry.id == ids["started_entry"])
                              .values(left_at=utcnow()))
            db.session.commit()
            db.session.expire_all()
            assert db.session.get(WaitlistEntry, ids["started_entry"]).status.value == "waiting"
            assert db.session.get(WaitlistEntry, ids["later_entry"]).status.value == "left"
            _dispose()


def test_a_link_used_while_its_member_is_promoted_waits_and_is_refused(tmp_path):
    """Accepting an activation link takes the member's row before the link's
    (``invitations.accept_invitation``): the order of the member form, which holds the
    member (``roll.lock_member``) and then kills their links (``revoke_links``). An admin
    promoting the member holds the row: the acceptance waits, then reads the promotion
    and is refused, no password set (review37 F2). Taken the other way round, the
    admin's revocation waited for the link the acceptance held, which waited for the
    member: a circle."""
    from tracker.extensions import db
    from tracker.models import Invitation, Member, Role
    from tracker.services.invitations import accept_invitation, issue_links
    from tracker.timeutil import utcnow

    def build(f, unit, item, liaison):
        member = f.member(unit, name="新党员")
        member.password_hash = None
        db.session.flush()
        [link] = issue_links(liaison, [member])
        return dict(member=member.id, token=link.token)

    with pg_world(tmp_path, "linklock") as url:
        app, ids = _ids(url, build)
        with app.test_request_context("/"):
            member = ServiceThread(app, lambda: accept_invitation(ids["token"],
                                                                  "Hongqi-Piaopiao-88"))
            with other_transaction() as admin:
                admin.execute(select(Member.id).where(Member.id == ids["member"])
                              .with_for_update(key_share=True))  # roll.lock_member
                member.start()
                try:
                    _waiting_for_a_lock()  # the acceptance waits for the member
                    admin.execute(update(Member).where(Member.id == ids["member"])
                                  .values(role=Role.admin))
                    admin.execute(update(Invitation).where(Invitation.member_id == ids["member"])
                                  .values(revoked_at=utcnow()))  # revoke_links: no wait
                    admin.commit()
                finally:
                    admin.rollback()
                    member.join()
            assert "账号的角色、单位、手机号或状态有了变化" in member.outcome
            db.session.expire_all()
            assert db.session.get(Member, ids["member"]).password_hash is None
            _dispose()


def test_a_link_used_while_the_member_form_promotes_its_member_closes_no_circle(tmp_path):
    """review37b F4: the two real services, each in its own request. A third transaction
    holds the member's row; the link's acceptance queues for it first, then the member
    form's promotion (``directory.update_member``: ``roll.lock_member``, then
    ``revoke_links``). Released, neither is aborted as a deadlock: the form takes no
    link row before the member's. Whichever goes first, the end agrees with it — the
    password set by a link used before the promotion, or none and the link refused."""
    from tracker.extensions import db
    from tracker.models import Member, Role
    from tracker.services import directory
    from tracker.services.invitations import accept_invitation, issue_links

    def build(f, unit, item, liaison):
        member = f.member(unit, name="新党员")
        member.password_hash = None
        admin = f.member(unit, role=Role.admin, name="管理员乙")
        db.session.flush()
        [link] = issue_links(liaison, [member])
        return dict(member=member.id, admin=admin.id, token=link.token)

    def promote():
        member = db.session.get(Member, ids["member"])
        directory.update_member(member, db.session.get(Member, ids["admin"]),
                                directory.MemberData(
                                    name=member.name, phone=member.phone,
                                    unit_id=member.unit_id, role=Role.admin,
                                    branch=member.branch, on_roll=member.on_roll,
                                    community_ids=[]))

    with pg_world(tmp_path, "linkform") as url:
        app, ids = _ids(url, build)
        with app.test_request_context("/"):
            accepting = ServiceThread(app, lambda: accept_invitation(ids["token"],
                                                                     "Hongqi-Piaopiao-88"))
            promoting = ServiceThread(app, promote)
            with other_transaction() as holder:
                holder.execute(select(Member.id).where(Member.id == ids["member"])
                               .with_for_update(key_share=True))
                try:
                    accepting.start()
                    _waiting_for_a_lock()
                    promoting.start()
                    _waiting_for_a_lock(waiting=2)
                finally:
                    holder.rollback()
                    accepting.join()
                    promoting.join()
            assert promoting.outcome == "ok"
            assert accepting.outcome == "ok" or "账号的角色、单位、手机号或状态有了变化" in accepting.outcome
            db.session.expire_all()
            member = db.session.get(Member, ids["member"])
            assert member.role == Role.admin
            assert (member.password_hash is not None) == (accepting.outcome == "ok")
            _dispose()


def test_the_months_share_locks_take_every_unit_before_any_community(tmp_path):
    """An admin's change compared with what its page named share-locks the months'
    scope rows first (``summary_notes.final_naming_places(lock=True)``), in one
    statement since undostmts44 (two before): every unit's row in id order, then every
    community's — the order of ``closed_member_units`` and ``lock_scope``, which 定稿
    and the words of a summary rely on (docs/design.md, the lock order: the exclusive
    side locks one row only). Held here by the other side: the community's row (a
    community's 定稿) — the statement waits for it holding both units already —, then
    the second unit's — it waits holding the first unit and not the community."""
    from sqlalchemy import Date, Integer, literal, union_all

    from tracker.extensions import db
    from tracker.models import Community, Unit
    from tracker.services.summary_notes import final_naming_places, lock_scope
    from tracker.timeutil import local_today

    def build(f, unit, item, liaison):
        other = f.unit("县财政局")
        return dict(units=sorted([unit.id, other.id]), community=item.community.id)

    def place(unit_id: int, community_id: int):
        return select(literal(0, Integer()).label("key"),
                      literal(unit_id, Integer()).label("unit_id"),
                      literal(community_id, Integer()).label("community_id"),
                      literal(local_today(), Date()).label("day"))

    def naming():
        final_naming_places(union_all(*(place(u, ids["community"]) for u in ids["units"]))
                            .subquery(), lock=True)

    def unit_row(unit_id: int):
        return select(Unit.id).where(Unit.id == unit_id).with_for_update(key_share=True,
                                                                          nowait=True)

    with pg_world(tmp_path, "sharelocks") as url:
        app, ids = _ids(url, build)
        first, second = ids["units"]
        community = select(Community.id).where(Community.id == ids["community"]) \
            .with_for_update(key_share=True, nowait=True)
        with app.test_request_context("/"):
            for held, locked, free in (
                    (lambda: lock_scope(None, ids["community"], shared=False),
                     [unit_row(first), unit_row(second)], []),
                    (lambda: lock_scope(second, None, shared=False),
                     [unit_row(first)], [community])):
                held()  # the other side, in the test's own session
                waiting = ServiceThread(app, naming)
                waiting.start()
                try:
                    _waiting_for_a_lock()
                    assert all(refused_at_once(row) for row in locked)
                    assert not any(refused_at_once(row) for row in free)
                finally:
                    db.session.rollback()
                    waiting.join()
                assert waiting.outcome == "ok"
            _dispose()
