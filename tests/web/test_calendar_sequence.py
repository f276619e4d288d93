"""加入日历: a changed or called-off task replaces the event a client imported (audit51).

RFC 5545 §3.8.7.4: the organizer raises SEQUENCE on each significant change, and some
clients (Outlook, some Android importers) take a re-imported event with the same UID
as an update only when it went up. The rule (``services.calendar_revision``): SEQUENCE
is how many times what the event prints — title, 服务对象, place, start, end, its
calling off — was changed; an edit of what it does not print (名额, 任务说明) leaves it.
The task's .ics and the member's feed say the same. Parsed with ``icalendar``."""
from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from tests import factories as f
from tests.web.manage_support import assignment
from tracker.extensions import db
from tracker.services.notify import new_calendar_token
from tracker.services.tasks import TaskDetails, cancel_task, update_task
from tracker.timeutil import to_local


def _details(task, **changes) -> TaskDetails:
    values = {"title": task.title, "place": task.place, "slots": task.slots,
              "beneficiary": task.beneficiary, "description": task.description,
              "starts_local": to_local(task.starts_at).replace(tzinfo=None),
              "ends_local": to_local(task.ends_at).replace(tzinfo=None)}
    values.update(changes)
    return TaskDetails(**values)


def _event(body: bytes, task_id: int):
    return next(event for event in Calendar.from_ical(body).walk("VEVENT")
                if str(event["UID"]).startswith(f"task-{task_id}@"))


class _Views:
    """The task's event as its .ics file and as its member's feed give it."""

    def __init__(self, client, login, world):
        self.client, self.login, self.world = client, login, world
        self.task = world.other_task
        assignment(self.task, world.other_member)
        self.token = new_calendar_token(world.other_member)
        db.session.commit()

    def both(self):
        self.login(self.world.other_member)
        file = _event(self.client.get(f"/tasks/{self.task.id}/calendar.ics").get_data(),
                      self.task.id)
        self.client.post("/auth/logout")
        feed = _event(self.client.get(f"/me/feed/{self.token}.ics").get_data(), self.task.id)
        return file, feed

    def sequence(self) -> int:
        file, feed = self.both()
        assert (file["SEQUENCE"], str(file["UID"]), file.decoded("LAST-MODIFIED")) == \
            (feed["SEQUENCE"], str(feed["UID"]), feed.decoded("LAST-MODIFIED"))  # they agree
        return int(file["SEQUENCE"])

    def uid(self) -> str:
        return str(self.both()[0]["UID"])


def test_a_time_a_place_and_calling_off_each_raise_the_events_sequence(client, login, world):
    views = _Views(client, login, world)
    task, liaison = views.task, world.other_liaison
    uid = views.uid()
    assert views.sequence() == 0  # a new task's event
    created = views.both()[0].decoded("LAST-MODIFIED")

    start = to_local(task.starts_at).replace(tzinfo=None) + timedelta(hours=1)
    update_task(task, liaison, _details(task, starts_local=start,
                                        ends_local=start + timedelta(hours=2)))
    db.session.commit()
    assert views.sequence() == 1
    moved = views.both()[0].decoded("LAST-MODIFIED")
    assert moved >= created

    update_task(task, liaison, _details(task, place="社区西门广场"))
    db.session.commit()
    assert views.sequence() == 2

    cancel_task(task, liaison, "下雨")
    db.session.commit()
    assert views.sequence() == 3
    file, _feed = views.both()
    assert str(file["STATUS"]) == "CANCELLED" and views.uid() == uid
    assert file.decoded("LAST-MODIFIED") >= moved


def test_an_edit_of_nothing_the_event_prints_leaves_its_sequence(client, login, world):
    """名额 and 任务说明 are not on the event: a client need not replace it for them."""
    views = _Views(client, login, world)
    task = views.task
    update_task(task, world.other_liaison,
                _details(task, slots=task.slots + 2, description="带好手套和垃圾袋"))
    db.session.commit()
    assert views.sequence() == 0
    update_task(task, world.other_liaison, _details(task, title="清除牛皮癣（第二轮）"))
    db.session.commit()
    assert views.sequence() == 1


def test_the_feed_reads_its_events_sequences_in_its_own_statement(
        client, world, count_queries):
    """No statement per event: a feed of one event and of four cost the same."""
    member = world.other_member
    assignment(world.other_task, member)
    token = new_calendar_token(member)
    db.session.commit()

    def statements() -> int:
        with count_queries() as counted:
            body = client.get(f"/me/feed/{token}.ics").get_data()
        assert all(event["SEQUENCE"] is not None
                   for event in Calendar.from_ical(body).walk("VEVENT"))
        return counted.count

    one = statements()
    for n in range(3):
        task = f.task(world.other_item, world.other_liaison, title=f"巡查{n}")
        db.session.commit()
        assignment(task, member)
    assert len(Calendar.from_ical(client.get(f"/me/feed/{token}.ics").get_data())
               .walk("VEVENT")) == 4
    assert statements() == one


def test_an_erasure_rewriting_the_events_title_and_place_raises_its_sequence(
        app, client, login, world):
    """A resident's erasure takes her name out of the task's title and place: a calendar
    that imported the event before must replace it, or it keeps the name the erasure is
    there to remove — SEQUENCE goes up, the UID stays. It is no edit of the liaison's:
    the members on the task are not told 任务时间地点有变, and the task's audit row
    names the fields rewritten, never her words."""
    from sqlalchemy import select

    from tests.residents.support import name_served
    from tests.residents.support import resident as make_resident
    from tracker.models import AuditEvent, Outbox
    from tracker.reminders.job import write_due
    from tracker.services.erasure import MARK
    from tracker.services.residents import erase_resident
    from tracker.timeutil import utcnow

    views = _Views(client, login, world)
    task = views.task
    person = make_resident(world.other_community, world.other_liaison, name="赵奶奶",
                           phone="13800000001")
    task.title, task.place, task.beneficiary = "慰问赵奶奶", person.address, "赵奶奶"
    name_served(task, [person])
    db.session.commit()
    before, _feed = views.both()
    assert (int(before["SEQUENCE"]), str(before["SUMMARY"])) == (0, "慰问赵奶奶")
    write_due(utcnow(), app.config)  # whatever was due already is written
    db.session.commit()
    last_row = db.session.scalar(select(db.func.max(Outbox.id))) or 0

    erase_resident(person, world.admin)
    db.session.commit()

    file, feed = views.both()
    for event in (file, feed):  # the file and the feed say the same
        assert int(event["SEQUENCE"]) == 1 and str(event["UID"]) == str(before["UID"])
        assert str(event["SUMMARY"]) == f"{task.category.name}{MARK}"
        assert str(event["LOCATION"]) == f"{world.other_community.name}{MARK}"
        assert "赵奶奶" not in event.to_ical().decode()
        assert event.decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")
    # not news to the members on it: no 任务时间地点有变 (nor anything else) for the task
    write_due(utcnow(), app.config)
    db.session.commit()
    assert db.session.scalars(select(Outbox).where(
        Outbox.id > last_row, Outbox.task_id == task.id)).all() == []
    # the trail: which fields, the resident by id, none of her words
    [row] = db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "task", AuditEvent.entity_id == task.id)).all()
    assert sorted(row.detail["fields"]) == ["beneficiary", "place", "title"]
    assert row.detail["resident_id"] == person.id and row.action != "update"
    words = str(row.detail)
    assert not any(word in words for word in ("赵奶奶", "解放路12号", "13800000001", MARK))
