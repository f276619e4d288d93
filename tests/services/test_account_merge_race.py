"""Two admins merge one person's accounts at once, in separate processes on PostgreSQL
(SQLite's writers take turns anyway): the same pair (B into A, from two confirmation
pages read before either merged), or the pair both ways (B into A, and A into B).

The rule: one merge happens, whole; the second waits for the first's lock on the member
rows, then reads what it left and is refused — 「该账号已合并到其他账号，不能再合并。」 —
writing nothing. Each order is forced (``tests.races.race_in_order``).
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import PG_URL

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__
MERGED = "该账号已合并到其他账号，不能再合并。"


def _world(url):
    """赵六's two accounts; each took part in one approved activity (A 2 hours, B 1.5),
    on two days (at the same hours the merge would be refused: ``merge.blocking``)."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, Member, ReportStatus, Role, TaskReport
    from tracker.services import merge

    with race_world(url) as (app, unit, item, liaison):
        admin, admin2 = (f.member(unit, Role.admin, name=n) for n in ("管理员甲", "管理员乙"))
        keep, drop = f.member(unit, name="赵六"), f.member(unit, name="赵六")
        for person, minutes, days in ((keep, 120, 3), (drop, 90, 4)):
            task = f.task(item, liaison, starts_in=-timedelta(days=days))
            db.session.add(Assignment(task_id=task.id, member_id=person.id,
                                      status=AssignmentStatus.done, minutes=minutes))
            task.taken = 1
            db.session.add(TaskReport(task_id=task.id, quantity=1, people_served=0, note="",
                                      status=ReportStatus.approved, submitted_by_id=liaison.id))
        db.session.commit()
        keep, drop = db.session.get(Member, keep.id), db.session.get(Member, drop.id)
        return app, dict(admin=admin.id, admin2=admin2.id, keep=keep.id, drop=drop.id,
                         shown=merge.preview(keep, drop).key(),
                         back=merge.preview(drop, keep).key())


def _merge(ids, admin="admin"):
    from tracker.extensions import db
    from tracker.models import Member
    from tracker.services import merge

    merge.merge_members(db.session.get(Member, ids["keep"]), db.session.get(Member, ids["drop"]),
                        db.session.get(Member, ids[admin]), shown=ids["shown"])


def _merge_again(ids):
    _merge(ids, "admin2")


def _merge_back(ids):
    from tracker.extensions import db
    from tracker.models import Member
    from tracker.services import merge

    merge.merge_members(db.session.get(Member, ids["drop"]), db.session.get(Member, ids["keep"]),
                        db.session.get(Member, ids["admin2"]), shown=ids["back"])


def _after(app, ids) -> dict:
    from tracker.extensions import db
    from tracker.models import Assignment, AuditEvent, CountedParticipation, Member

    with app.app_context():
        found = dict(
            merges=db.session.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.action == "merge")),
            on_keep=db.session.scalar(select(func.count()).select_from(Assignment).where(
                Assignment.member_id == ids["keep"])),
            counted_keep=db.session.scalar(select(func.sum(CountedParticipation.minutes)).where(
                CountedParticipation.member_id == ids["keep"])),
            active=[db.session.get(Member, ids[k]).active for k in ("keep", "drop")])
        db.session.remove()
        db.engine.dispose()
        return found


@pytest.mark.parametrize("second", ["_merge_again", "_merge_back"])
def test_one_merge_of_a_pair_happens_and_the_other_is_refused(tmp_path, second):
    with race_database("postgresql", tmp_path, "mergerace") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_merge", second)
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_merge"]["ok"] is True
        assert got[second]["refused"] == MERGED
        # B's 1.5 hours on A with A's 2: 210 minutes, once; B switched off
        assert _after(app, ids) == dict(merges=1, on_keep=2, counted_keep=210,
                                        active=[True, False])
