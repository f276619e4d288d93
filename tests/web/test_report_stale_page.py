"""提交完成 posted from a page read before someone else (re)submitted the same task's
report (review "forms", session 29: the report form was last-writer-wins).

The rule (the other edit forms', tests/web/test_stale_edit_pages.py): the task's 组长
and the community's liaison may both submit and correct the report. A post from an
older page keeps the other's change in every field it left as its page showed it — a
member the liaison marked 缺席 stays absent when the leader then corrects the 情况说明
from a page read before. Where both changed the same field differently, the later post
is refused on the same page in Chinese (「该任务的完成情况已被他人修改，请核对后重新
提交。」), what was typed kept, the other's value named, nothing written; posted again
from the refused page, what was typed is saved knowingly.
"""
from __future__ import annotations

import pytest

from tests.web.stale_support import by, form_on, signed_in, text
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, Task

REFUSAL = "该任务的完成情况已被他人修改，请核对后重新提交。"


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def post(browser, url: str, page: str, **typed):
    return by(browser).post(url, data=form_on(page, url, **typed))


@pytest.fixture
def reported(app, world):
    """The leader's and the liaison's browsers, and the past task's report page, with
    the leader's first report (张三 and 王组长 both there) submitted."""
    leader, liaison = signed_in(app, world.leader), signed_in(app, world.liaison)
    url = f"/tasks/{world.past_task.id}/report"
    assert post(leader, url, text(by(leader).get(url)), note="楼道清理完毕").status_code == 302
    return leader, liaison, url


def report_now(world):
    db.session.expire_all()
    task = db.session.get(Task, world.past_task.id)
    absent = {a.member_id for a in db.session.scalars(db.select(Assignment).where(
        Assignment.task_id == task.id, Assignment.status == AssignmentStatus.absent))}
    return task.report.note, absent


def test_changes_to_different_fields_are_both_kept(reported, world):
    leader, liaison, url = reported
    leader_page, liaison_page = text(by(leader).get(url)), text(by(liaison).get(url))
    # the liaison marks 张三 缺席, the note left as it was
    assert post(liaison, url, liaison_page, absent=str(world.member.id)).status_code == 302
    # the leader, from the page read before, corrects the note only
    response = post(leader, url, leader_page, note="楼道清理完毕，清运垃圾三车")
    assert response.status_code == 302
    assert report_now(world) == ("楼道清理完毕，清运垃圾三车", {world.member.id})


def test_the_same_field_changed_by_both_is_refused_with_the_typed_text_kept(reported, world):
    leader, liaison, url = reported
    leader_page, liaison_page = text(by(leader).get(url)), text(by(liaison).get(url))
    assert post(liaison, url, liaison_page, note="楼道清理完毕，张三缺席").status_code == 302
    response = post(leader, url, leader_page, note="楼道清理完毕，共清运三车")
    assert response.status_code == 200
    refused = text(response)
    assert REFUSAL in refused
    assert form_on(refused, url)["note"] == "楼道清理完毕，共清运三车"
    assert "楼道清理完毕，张三缺席" in refused[refused.find('id="stale"'):]  # the other's words
    assert report_now(world)[0] == "楼道清理完毕，张三缺席"
    # read on the refused page: posted again, what was typed is saved knowingly
    assert post(leader, url, refused).status_code == 302
    assert report_now(world)[0] == "楼道清理完毕，共清运三车"


def test_a_fresh_page_saves_at_once(reported, world):
    leader, _liaison, url = reported
    response = post(leader, url, text(by(leader).get(url)), absent=str(world.member.id))
    assert response.status_code == 302
    assert report_now(world) == ("楼道清理完毕", {world.member.id})
