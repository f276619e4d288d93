"""更换组长 of an activity whose report was 待审核 when the task page was read, and is
approved by the time the change runs: its month is 已定稿, so the change now alters the
signed 台账 (it prints an approved activity's 组长) — docs/design.md, "Refused in a
已定稿 month": an admin's change of what was signed is named first, and a page that
named nothing does not change it (review44 #1).

Whether the change names anything is decided under the activity's lock
(``tasks.change_leader``'s ``named``), not from the page's read: the 通过 here is
written in the change's own unit of work just before that lock is taken — what the lock
reads when another admin's 通过 commits in between (on PostgreSQL, in two processes:
``tests/services/test_leader_named_race.py``). The post is answered by the naming page,
the chosen 组长 carried; nothing changed. The admin was shown no naming page (the task
page read the report 待审核), so nothing shown to them changed: the page asks the plain
question, as it would have had the 通过 landed before the post — never 「打开页面之后…
有了变化…」, which tells of a page that named something else (refusalgone46)."""
from __future__ import annotations

from sqlalchemy import update

from tests import factories as f
from tests.reports.test_signed_named import named
from tests.web.stale_support import text
from tests.web.test_named_first import _confirmation, _shown
from tracker.extensions import db
from tracker.models import ReportStatus, SummaryNote, Task, TaskReport
from tracker.services import tasks as task_service
from tracker.timeutil import utcnow

SINCE = "打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，未作任何更改。请查看上方的说明后再点击“确认更换”。"


def _signed_month_pending_report(world):
    """``past_task`` reported, 待审核; its month's unit 月报 已定稿. Returns the task."""
    task = world.past_task
    f.reported(task, world.leader, approved=False)
    day = task.service_date
    db.session.add(SummaryNote(scope_key=f"unit:{task.unit_id}", unit_id=task.unit_id,
                               year=day.year, month=day.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    db.session.commit()
    return task


def _approved_just_before_the_lock(monkeypatch, report_id: int) -> None:
    """The next ``lock_activity`` of ``tasks`` finds the report approved."""
    real = task_service.lock_activity

    def approved_meanwhile(t):
        monkeypatch.setattr(task_service, "lock_activity", real)
        db.session.execute(update(TaskReport).where(TaskReport.id == report_id)
                           .values(status=ReportStatus.approved))
        return real(t)

    monkeypatch.setattr(task_service, "lock_activity", approved_meanwhile)


def test_an_approval_landing_before_the_lock_is_named_not_changed(
        client, login, world, monkeypatch):
    task = _signed_month_pending_report(world)
    new = f.member(world.unit, name="赵敏")
    db.session.commit()
    before = task.leader_id
    login(world.admin)
    url = f"/manage/tasks/{task.id}/leader"
    _approved_just_before_the_lock(monkeypatch, task.report.id)
    response = client.post(url, data={"leader": str(new.id), "shown": _shown(client, task)})
    db.session.expire_all()
    assert db.session.get(Task, task.id).leader_id == before
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    words = text(response)
    # the plain question, as asked the first time: no words said first
    assert "有了变化" not in words and SINCE not in words and 'id="form-errors"' not in page
    assert "确认更换" in words
    (block,) = named(page)
    assert "更换组长会改变以下已定稿月报的当前数据" in block
    day = task.service_date
    assert f"{day.year}年{day.month}月" in words  # the signed month, named afresh
    action, fields = _confirmation(page)
    assert fields["leader"] == str(new.id) and fields["confirmed"] == "1"

    # approved for real now: the naming page's 确认 changes it, as named
    db.session.get(TaskReport, task.report.id).status = ReportStatus.approved
    db.session.commit()
    done = client.post(action, data=fields)
    db.session.expire_all()
    assert done.status_code == 302
    assert db.session.get(Task, task.id).leader_id == new.id


def test_a_report_still_pending_under_the_lock_changes_at_once(client, login, world):
    """The same post with nothing approved meanwhile: no signed document prints this
    activity's 组长, so nothing is asked."""
    task = _signed_month_pending_report(world)
    new = f.member(world.unit, name="赵敏")
    db.session.commit()
    login(world.admin)
    response = client.post(f"/manage/tasks/{task.id}/leader",
                           data={"leader": str(new.id), "shown": _shown(client, task)})
    db.session.expire_all()
    assert response.status_code == 302
    assert db.session.get(Task, task.id).leader_id == new.id
