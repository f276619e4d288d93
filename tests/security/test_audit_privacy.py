"""The audit trail only grows (nothing can ever be taken out of it, not by an erasure,
not by a retention period), so it holds no personal data: a task edit names the fields
it changed, not a resident's name, address or phone written into them; a 摸排问题 row
does not copy its 位置; a login's client address is kept only as the throttle's keyed
tag of it; a phone typed into a reason is masked. Who did what stays: staff names,
ids, times (privacy review, session 27, #3)."""
from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from sqlalchemy import select

from tests import factories as f
from tests.rollups import builders as b
from tracker import throttle
from tracker.extensions import db
from tracker.models import AuditEvent, FindingKind
from tracker.services import findings
from tracker.services.tasks import TaskDetails, cancel_task, place_tag, update_task
from tracker.timeutil import local_today, to_local

NAME, ADDRESS, PHONE = "刘桂兰", "解放路社区幸福里2栋101", "13907940001"
ADDRESS_V4, ADDRESS_V6 = "203.0.113.57", "2001:db8:5:6:1234::1"


def events(action: str, entity_type: str | None = None) -> list[AuditEvent]:
    db.session.expire_all()
    where = [AuditEvent.action == action]
    if entity_type:
        where.append(AuditEvent.entity_type == entity_type)
    return list(db.session.scalars(select(AuditEvent).where(*where).order_by(AuditEvent.id)))


def text_of(event: AuditEvent) -> str:
    return json.dumps(event.detail, ensure_ascii=False)


def test_a_task_edit_names_the_fields_changed_not_the_residents_details(world):
    task = world.task
    start = to_local(task.starts_at).replace(tzinfo=None)
    update_task(task, world.liaison, TaskDetails(
        title=f"慰问{NAME}老人", beneficiary=f"{NAME}（独居，电话{PHONE}）", place=ADDRESS,
        description=f"为{NAME}老人打扫卫生", slots=task.slots + 1,
        starts_local=start + timedelta(hours=1), ends_local=start + timedelta(hours=3)))
    db.session.commit()
    [edit] = events("update", "task")
    said = text_of(edit)
    for value in (NAME, ADDRESS, PHONE, PHONE[-4:] + '"'):
        assert value not in said, said
    assert set(edit.detail["fields"]) >= {"title", "beneficiary", "place", "description",
                                          "slots", "starts_at", "ends_at"}
    # the place is kept only as its keyed tag (a push never names a place she knows as
    # changed, leave51): not a plain hash, which a list of addresses would reverse
    assert edit.detail["place_tag"][1] == place_tag(ADDRESS)
    assert hashlib.sha256(ADDRESS.encode()).hexdigest()[:40] not in said, said
    # what carries no personal data is still told from what to what
    assert edit.detail["slots"] == [task.slots - 1, task.slots]
    assert edit.actor_id == world.liaison.id


def test_a_finding_row_does_not_copy_the_place(world):
    item = f.item(world.unit, world.community, "facility_survey", zone=f.zone(world.community))
    survey = b.task_on(item, world.liaison, local_today() - timedelta(days=3), leader=world.leader)
    findings.record_finding(survey, world.leader, findings.FindingData(
        kind=FindingKind.road, place="建设路社区二区3栋张德发家门口", description="私搭雨棚"))
    db.session.commit()
    [row] = events("record_finding")
    assert "张德发" not in text_of(row) and "二区3栋" not in text_of(row)
    assert row.detail["task_id"] == survey.id and row.actor_id == world.leader.id


def test_a_login_and_a_failed_one_keep_the_throttles_tag_not_the_address(app, client, world):
    for address in (ADDRESS_V4, ADDRESS_V6):
        client.post("/auth/login", data={"phone": world.member.phone, "password": "wrong-1234"},
                    environ_base={"REMOTE_ADDR": address})
        client.post("/auth/login", data={"phone": world.member.phone, "password": f.PASSWORD},
                    environ_base={"REMOTE_ADDR": address})
        client.post("/auth/logout", environ_base={"REMOTE_ADDR": address})
    failed, logins = events("login_failed"), events("login")
    assert len(failed) == 2 and len(logins) == 2
    for row in failed + logins:
        said = text_of(row)
        assert ADDRESS_V4 not in said and "2001:db8" not in said, said
    with app.test_request_context():
        # the tag the per-address login limit counts under: one for a whole IPv6 /64
        v4, v6 = throttle.address_tag(ADDRESS_V4), throttle.address_tag("2001:db8:5:6::99")
    assert [row.detail["address"] for row in failed] == [v4, v6]
    assert [row.detail["address"] for row in logins] == [v4, v6]
    assert v4 != v6


def test_a_phone_in_a_reason_is_masked(world):
    cancel_task(world.task, world.liaison, f"居民{PHONE}家中有事，改期")
    db.session.commit()
    [row] = events("cancel")
    assert PHONE not in text_of(row)
    assert row.detail["reason"] == f"居民{PHONE[:3]}****{PHONE[-4:]}家中有事，改期"
