"""Text people typed is shown as text, also inside a translated message: a refusal naming
a task's title, a choice labelled with a category's name (security review, session 26,
finding 1 — Flask-Babel's lazy strings printed what they carried as HTML).

Another liaison's or an admin's page must show ``&lt;b&gt;``, never a live tag: a
``<meta http-equiv=refresh>`` there leaves for another site whatever the CSP says."""
from __future__ import annotations

from flask import render_template_string
from markupsafe import Markup, escape
from sqlalchemy import select

from tests import factories as f
from tests.web.manage_support import backfill_form, local, text, FMT
from tracker.extensions import db
from tracker.i18n import lazy_gettext as _l
from tracker.models import Role, Task

TITLE = '清扫<b>x</b><meta http-equiv="refresh" content="0;url=https://example.org/phish">'
SHOWN = "清扫&lt;b&gt;x&lt;/b&gt;&lt;meta http-equiv=&#34;refresh&#34;"


def assert_shown_as_text(page: str) -> None:
    assert SHOWN in page
    assert "<b>x</b>" not in page and "<meta http-equiv" not in page


def test_a_lazy_message_shows_what_it_carries_as_text(app):
    with app.test_request_context():
        message = _l("%(x)s 已在该任务中。", x="<b>")
        assert Markup(escape(message)) == "&lt;b&gt; 已在该任务中。"
        assert render_template_string("{{ msg }}", msg=message) == "&lt;b&gt; 已在该任务中。"
        assert str(message) == "<b> 已在该任务中。"  # the text itself is unchanged


def _another_liaison_records(world, title: str):
    """The other community's liaison 补录s an activity with 张三 (the unit works in both
    communities) titled ``title``, three days ago 9:00–11:00."""
    item = f.item(world.unit, world.other_community)
    db.session.commit()
    from tracker.services.backfill import BackfillData, Participant, record_past_activity

    data = BackfillData(title=title, place="建设路1号", beneficiary="", description="",
                        starts_local=local(-3, 9), ends_local=local(-3, 11),
                        participants=[Participant(world.member, None)], leader=world.member,
                        quantity=None, people_served=None, note="清扫完成。")
    task = record_past_activity(world.other_liaison, item, data)
    db.session.commit()
    return task


def test_the_backfill_overlap_refusal_shows_the_other_activitys_title_as_text(
        client, login, world):
    _another_liaison_records(world, TITLE)
    login(world.liaison)
    response = client.post("/manage/backfill", data=backfill_form(world, [world.member],
                                                                   leader=world.member.id))
    assert response.status_code == 200
    page = text(response)
    assert "在同一时间已参加" in page
    assert_shown_as_text(page)


def test_adding_a_forgotten_participant_names_the_other_activity_as_text(client, login, world):
    _another_liaison_records(world, TITLE)
    login(world.liaison)
    recorded = client.post("/manage/backfill", data=backfill_form(
        world, [world.leader], starts_at=local(-3, 9).strftime(FMT),
        ends_at=local(-3, 11).strftime(FMT), title="楼道大扫除"))
    assert recorded.status_code == 302, text(recorded)[:2000]
    task = db.session.scalar(select(Task).where(Task.title == "楼道大扫除"))
    response = client.post(f"/manage/tasks/{task.id}/add-participant",
                           data={"member": world.member.id, "hours": ""})
    assert response.status_code == 200
    page = text(response)
    assert "在同一时间已参加" in page
    assert_shown_as_text(page)


def test_the_checklist_item_form_shows_a_category_name_as_text(client, login, world):
    f.category("odd", "</select><b>x</b>")
    admin = f.member(world.unit, Role.admin, "管理员乙")
    db.session.commit()
    login(admin)
    page = text(client.get("/admin/items/new"))
    assert "&lt;/select&gt;&lt;b&gt;x&lt;/b&gt;" in page
    assert "</select><b>x</b>" not in page and "<b>x</b>" not in page

