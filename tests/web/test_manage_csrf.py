"""With CSRF protection on (as in production), the liaison forms carry their token
and a POST without one changes nothing."""
from __future__ import annotations

import re

import pytest
from flask import g

from tests import factories as f
from tests.web.manage_support import audit_count, text
from tracker.extensions import db
from tracker.models import Task, TaskStatus


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    return match.group(1)


def _login(client, member):
    token = _csrf(text(client.get("/auth/login")))
    response = client.post("/auth/login", data={"phone": member.phone, "password": f.PASSWORD,
                                                "csrf_token": token})
    assert response.status_code == 302
    # The test keeps one app context (and so one `g`) across requests; Flask-WTF caches
    # the token in `g`, which would outlive the session that login just renewed.
    g.pop("csrf_token", None)


def test_task_page_forms_work_with_their_token(client, world):
    _login(client, world.liaison)
    page = text(client.get(f"/manage/tasks/{world.task.id}"))
    response = client.post(f"/manage/tasks/{world.task.id}/close",
                           data={"csrf_token": _csrf(page), "confirmed": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Task, world.task.id).status == TaskStatus.closed


def test_post_without_token_changes_nothing(client, world):
    _login(client, world.liaison)
    events = audit_count()
    response = client.post(f"/manage/tasks/{world.task.id}/cancel", data={"reason": "无令牌", "confirmed": "1"})
    assert response.status_code == 400
    assert "页面已过期" in text(response)
    db.session.expire_all()
    assert db.session.get(Task, world.task.id).status == TaskStatus.open
    assert audit_count() == events


def test_a_cross_site_post_is_refused_before_its_submission_token_is_read(client, world):
    """A forged POST carrying a spent token gets the CSRF refusal, not the page the token
    once led to."""
    from tracker.models import SubmissionToken

    db.session.add(SubmissionToken(token="s" * 22, location=f"/manage/tasks/{world.task.id}"))
    db.session.commit()
    _login(client, world.liaison)
    response = client.post(f"/manage/tasks/{world.task.id}/close", data={"submission_token": "s" * 22})
    assert response.status_code == 400
