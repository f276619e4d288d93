"""合并账号 with CSRF protection on, as in production (review "walk", defect 1): the
confirmation form of the merge page carries its token, so 确认合并 pressed in a browser
merges — the suite's other merge tests run with CSRF off and post only ``shown``."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.web.stale_support import by, form_on, signed_in, text
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, Member
from tracker.services import merge


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def test_the_confirmation_posted_as_the_page_shows_it_merges(app, world):
    """李四 (B, 90 minutes on 环境整治) is merged into 张三 (A): the admin opens the
    preview, presses 确认合并, and the form sends what the page rendered, nothing more."""
    db.session.add(Assignment(task_id=world.task.id, member_id=world.other_member.id,
                              status=AssignmentStatus.done, minutes=90))
    db.session.commit()
    drop, keep = world.other_member, world.member
    admin = signed_in(app, world.admin)
    preview = text(by(admin).get(f"/admin/members/{drop.id}/merge?keep={keep.id}"))
    action = f"/admin/members/{drop.id}/merge-into/{keep.id}"
    posted = form_on(preview, action)
    assert posted.get("csrf_token")  # the token is on the page, not added by the test

    response = by(admin).post(action, data=posted)
    assert response.status_code == 302, text(response)[:600]
    assert response.headers["Location"].endswith(f"/admin/members/{keep.id}/edit")
    db.session.expire_all()
    assert merge.merged_into(db.session.get(Member, drop.id)).id == keep.id
    assert db.session.scalar(select(Assignment.member_id).where(
        Assignment.task_id == world.task.id)) == keep.id
