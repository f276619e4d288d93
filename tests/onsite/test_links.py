"""The on-site pages are reachable from the task and report pages, for those who may use them."""
from __future__ import annotations

from tests.onsite import samples
from tests.residents.support import visit_task
from tracker.extensions import db
from tracker.models import ReportStatus, TaskReport
from tracker.services.photos import add_task_photo


def test_the_leader_finds_the_qr_code_on_the_task_page(client, login, world):
    login(world.leader)
    text = client.get(f"/tasks/{world.task.id}").get_data(as_text=True)
    assert f"/onsite/tasks/{world.task.id}/qr" in text
    login(world.member)
    text = client.get(f"/tasks/{world.task.id}").get_data(as_text=True)
    assert "/qr" not in text


def test_the_liaison_finds_the_qr_code_on_the_managed_task_page(client, login, world):
    login(world.liaison)
    text = client.get(f"/manage/tasks/{world.task.id}").get_data(as_text=True)
    assert f"/onsite/tasks/{world.task.id}/qr" in text


def test_report_pages_show_the_photos_and_the_way_to_add_them(client, login, world):
    login(world.leader)
    text = client.get(f"/tasks/{world.past_task.id}/report").get_data(as_text=True)
    assert "添加现场照片（可选）" in text
    photo = add_task_photo(world.past_task, world.leader, samples.small_png())
    db.session.add(TaskReport(task_id=world.past_task.id, quantity=2, people_served=5,
                              note="完成", status=ReportStatus.submitted,
                              submitted_by_id=world.leader.id))
    db.session.commit()
    text = client.get(f"/tasks/{world.past_task.id}/report").get_data(as_text=True)
    assert f"/onsite/photos/{photo.id}/thumb" in text
    login(world.liaison)
    report = db.session.get(TaskReport, 1)
    text = client.get(f"/manage/reports/{report.id}").get_data(as_text=True)
    assert f"/onsite/photos/{photo.id}/thumb" in text
    # A participant sees the photos link on the task page once there are photos.
    login(world.member)
    text = client.get(f"/tasks/{world.past_task.id}").get_data(as_text=True)
    assert f"/onsite/tasks/{world.past_task.id}/photos" in text


def test_a_visit_task_links_to_its_residents_for_the_leader(client, login, world):
    task = visit_task(world)
    login(world.leader)
    text = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert f"/residents/task/{task.id}" in text


def test_the_findings_pages_link_to_their_photos_and_task_by_endpoint(client, login, world, app):
    """The 摸排问题 pages' 现场照片 and 返回任务 buttons and the 工作台's 本月待审核活动
    tile are built with url_for, so a renamed or mistyped endpoint is an error the tests
    see — the helper that made it a missing button (``progress_link``) is gone (code
    review #3)."""
    from tests.web.progress_setup import build_double

    double = build_double(world)
    login(world.liaison)
    found = double.finding
    text = client.get(f"/progress/tasks/{double.survey.id}/findings").get_data(as_text=True)
    assert f'href="/onsite/findings/{found.id}/photo"' in text
    assert f'href="/tasks/{double.survey.id}">返回任务' in text
    text = client.get(f"/progress/findings/{found.id}").get_data(as_text=True)
    assert f'href="/onsite/findings/{found.id}/photo"' in text
    text = client.get("/manage/").get_data(as_text=True)
    assert 'href="/manage/reviews"><b data-figure="home_pending_activities">' in text
    assert "progress_link" not in app.jinja_env.globals
