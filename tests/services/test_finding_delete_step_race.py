"""review45b #1: a finding's 删除 and its 移交 at once on PostgreSQL. 删除 wrote the
finding, then its flush locked the survey's activity; a 移交 (``findings._hold_step``)
holds the activity and waits for the finding: a circle, PostgreSQL aborting one with
"deadlock detected" (the 500 page, what was typed lost). 删除 now takes the step's locks
in the step's order before it writes: the 移交 waits, then reads the finding deleted and
is refused in its words."""
from __future__ import annotations
from datetime import timedelta
import pytest
from tests.races import race_database, race_world
from tests.scratch_db import PG_URL

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not PG_URL, reason="PostgreSQL only")]

def _world(url):
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import (SURVEY_CODE, Finding, FindingKind, FindingStatus,
                                ReportStatus, Role, TaskReport)
    from tracker.timeutil import utcnow
    with race_world(url) as (app, unit, item, _liaison):
        admin = f.member(unit, Role.admin, name="管理员甲")
        other = f.member(unit, Role.admin, name="管理员乙")
        survey = f.item(unit, item.community, SURVEY_CODE, year=utcnow().year)
        task = f.task(survey, admin, title="设施摸排",
                      starts_at=(utcnow() - timedelta(hours=5)).replace(microsecond=0))
        finding = Finding(task_id=task.id, unit_id=unit.id, community_id=task.community_id,
                          found_on=task.service_date, kind=FindingKind.sewer,
                          place="3号楼下水道", status=FindingStatus.found,
                          created_by_id=admin.id, active=True)
        db.session.add(finding)
        db.session.add(TaskReport(task_id=task.id, quantity=1, people_served=0, note="说明",
                                  submitted_by_id=admin.id, status=ReportStatus.submitted))
        db.session.commit()
        return app, dict(task=task.id, finding=finding.id, admin=admin.id, other=other.id)

def _delete(ids):
    from tracker.extensions import db
    from tracker.models import Finding, Member
    from tracker.services.findings import deactivate
    deactivate(db.session.get(Finding, ids["finding"]), db.session.get(Member, ids["admin"]), "录错了")

def _hand_over(ids):
    from tracker.extensions import db
    from tracker.models import Finding, Member
    from tracker.services.findings import hand_over
    from tracker.timeutil import local_today
    hand_over(db.session.get(Finding, ids["finding"]), db.session.get(Member, ids["other"]),
              "县住建局", local_today())

def test_a_delete_flushed_then_a_hand_over_deadlock(tmp_path):
    import threading
    import time

    from sqlalchemy import text
    from tests.races import race_app
    from tracker import participation
    from tracker.extensions import db
    from tracker.services import ServiceError, unit_of_work
    with race_database("postgresql", tmp_path, "stepdeadlock") as url:
        _app, ids = _world(url)
        app = race_app(url)
        flushed, blocked = threading.Event(), threading.Event()
        out: dict = {}
        real = participation._rewrite_all
        def paused(*args, **kwargs):  # 删除's flush hook, after its UPDATE finding was sent
            if threading.current_thread().name == "delete" and not flushed.is_set():
                flushed.set()
                blocked.wait(timeout=30)
            return real(*args, **kwargs)
        def run(name, act):
            try:
                with app.test_request_context("/"):
                    try:
                        with unit_of_work():
                            act(ids)
                        out[name] = "ok"
                    finally:
                        db.session.remove()
            except ServiceError as error:
                out[name] = f"refused: {error.message}"
            except Exception as error:  # noqa: BLE001
                out[name] = f"{type(error).__name__}: {str(error).splitlines()[0]}"
        participation._rewrite_all = paused
        try:
            a = threading.Thread(target=run, args=("_delete", _delete), name="delete")
            a.start()
            assert flushed.wait(timeout=30)
            b = threading.Thread(target=run, args=("_hand_over", _hand_over))
            b.start()
            with app.app_context():  # until 移交 waits for a lock (the finding's row)
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                    for _ in range(500):
                        if c.execute(text("SELECT count(*) FROM pg_stat_activity WHERE "
                                          "cardinality(pg_blocking_pids(pid)) > 0")).scalar():
                            break
                        time.sleep(0.02)
                db.engine.dispose()
            blocked.set()
            a.join(60)
            b.join(60)
        finally:
            participation._rewrite_all = real
        assert "Deadlock" not in repr(out), out
        assert out == {"_delete": "ok", "_hand_over": "refused: 该摸排问题已删除。"}
