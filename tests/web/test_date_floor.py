"""One floor for every date a form takes (fuzz38 F3, walk8 #4): a day before
``timeutil.EARLIEST_DAY`` (2000-01-01) — 0224 typed for 2024, 1900-01-01, 0001-01-01 — is
refused on the same page in Chinese, saying the earliest date and why, what was typed
kept and nothing written. 自何日起 and 更正日期 say to fill the floor itself (a stay on
the roll since 1990 counts as one since 2000: no figure is of an earlier day). A date
stored before the floor stays shown, and a form that posts it back unchanged saves."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select
from wtforms import DateField, DateTimeField
from wtforms.fields.core import UnboundField

from tests import factories as f
from tests.app_forms import app_forms
from tests.audit import work_event_count
from tests.web.manage_support import backfill_form, task_count, text
from tests.web.roll_support import correction, member, page_of, stays
from tracker.extensions import db
from tracker.fields import LocalDateField
from tracker.form import Form
from tracker.manage.forms import LocalDateTimeField
from tracker.models import Member, RollPeriod
from tracker.timeutil import EARLIEST_DAY

FLOOR = "日期不能早于2000-01-01（本系统不统计更早的工作），请检查年份。"
ROLL_FLOOR = "日期不能早于2000-01-01，请检查年份；如确实更早，请填2000-01-01（更早的日期不改变任何统计）。"
# either of those, or a field's own words for the same floor (同意日期: 「…不能早于2000年1月1日…」)
EARLY = re.compile("不能早于2000(-01-01|年1月1日)")


def test_the_floor_is_the_first_day_of_2000():
    # the first year the report pickers, the funds and the checklists have
    assert EARLIEST_DAY == date(2000, 1, 1)


def _alone(unbound: UnboundField, **kwargs) -> Form:
    """A form of the one field, as its own form declares it, read from ``kwargs``."""
    from werkzeug.datastructures import MultiDict

    form_class = type("One", (Form,), {"field": unbound, "Meta": type("Meta", (), {"csrf": False})})
    form = form_class(formdata=MultiDict(kwargs.pop("posted")), **kwargs)
    form.validate()
    return form


def _date_fields():
    """(where, the field) of every date or time field of every form of the app."""
    for form in app_forms():
        for name, value in vars(form).items():
            if isinstance(value, UnboundField) and issubclass(
                    value.field_class, (DateField, DateTimeField)):
                yield f"{form.__name__}.{name}", value


def test_every_date_field_of_every_form_refuses_a_day_before_the_floor(app):
    fields = dict(_date_fields())
    assert "MemberForm.roll_from" in fields and "RollCorrectionForm.day" in fields
    assert "BackfillForm.starts_at" in fields
    with app.test_request_context():
        for where, unbound in fields.items():
            assert issubclass(unbound.field_class, (LocalDateField, LocalDateTimeField)), where
            time = "T09:00" if issubclass(unbound.field_class, LocalDateTimeField) else ""
            for typed in ("1999-12-31", "0224-10-05", "0001-01-01"):
                field = _alone(unbound, posted={"field": typed + time}).field
                assert field.errors and EARLY.search(str(field.errors[0])), (
                    where, typed, field.errors)
            # the floor itself is taken (another rule of the field may still refuse it)
            field = _alone(unbound, posted={"field": "2000-01-01" + time}).field
            assert not any(EARLY.search(str(e)) for e in field.errors), where


def test_a_stored_day_before_the_floor_posted_back_unchanged_is_taken(app):
    """A row from before the floor (an old import, an older release) is not forced to
    change when its form is saved for another field: the field takes the day it was
    filled with, and only that one. The floor is a day's: a stored time keeps its day
    with another hour (review39b #2: an old task's 结束时间 moved an hour)."""
    with app.test_request_context():
        for unbound, stored, other in (
                (LocalDateField("日期"), date(1990, 5, 1), "1990-05-02"),
                (LocalDateTimeField("开始时间", required_message="请填写开始时间。"),
                 datetime(1999, 10, 5, 9, 0), "1999-10-06T09:00")):
            typed = stored.isoformat()[:16] if isinstance(stored, datetime) else stored.isoformat()
            kept = _alone(unbound, posted={"field": typed}, data={"field": stored}).field
            assert kept.errors == [] and kept.data == stored
            if isinstance(stored, datetime):
                hour = _alone(unbound, posted={"field": "1999-10-05T10:00"},
                              data={"field": stored}).field
                assert hour.errors == [] and hour.data == datetime(1999, 10, 5, 10, 0)
            changed = _alone(unbound, posted={"field": other}, data={"field": stored}).field
            assert changed.errors and "不能早于2000-01-01" in str(changed.errors[0])


def _new_member(world, roll_from: str) -> dict:
    return {"name": "安新人", "phone": "13712345678", "unit_id": world.unit.id,
            "branch": "机关党支部", "role": "member", "on_roll": "1", "roll_from": roll_from}


@pytest.mark.parametrize("typed", ["1999-12-31", "0224-10-05", "1900-01-01", "0001-01-01"])
def test_a_new_member_from_before_the_floor_is_refused_saying_what_to_fill(
        client, login, world, typed):
    login(world.admin)
    events = work_event_count()
    response = client.post("/admin/members/new", data=_new_member(world, typed))
    page = page_of(response)
    assert response.status_code == 200
    assert ROLL_FLOOR in page
    assert re.search(rf'<input[^>]*name="roll_from"[^>]*value="{typed}"', page)
    assert db.session.scalar(select(Member).where(Member.phone == "13712345678")) is None
    assert work_event_count() == events


def test_a_new_member_from_the_floor_itself_is_added(client, login, world):
    login(world.admin)
    response = client.post("/admin/members/new", data=_new_member(world, "2000-01-01"))
    assert response.status_code == 302, page_of(response)[:2000]
    added = db.session.scalar(select(Member).where(Member.phone == "13712345678"))
    assert stays(added.id) == [(world.unit.id, date(2000, 1, 1), None)]


def test_a_move_dated_before_the_floor_is_refused(client, login, world):
    other = f.unit("县财政局")
    db.session.commit()
    m = member(world.member.id)
    before = stays(m.id)
    login(world.admin)
    data = {"name": m.name, "phone": m.phone, "unit_id": other.id, "branch": m.branch or "",
            "role": m.role.value, "on_roll": "1", "roll_from": "0224-10-05"}
    page = page_of(client.post(f"/admin/members/{m.id}/edit", data=data))
    assert ROLL_FLOOR in page and 'value="0224-10-05"' in page
    assert stays(m.id) == before and member(m.id).unit_id == world.unit.id


@pytest.fixture
def since_1990(world):
    """张三 moved to 县财政局 on 1 May 1990, as an older release or a script stored it."""
    new = f.unit("县财政局")
    zhang = db.session.get(Member, world.member.id)
    zhang.unit_id = new.id
    db.session.execute(RollPeriod.__table__.delete().where(RollPeriod.member_id == zhang.id))
    db.session.add_all([RollPeriod(member_id=zhang.id, unit_id=world.unit.id,
                                   since=None, until=date(1990, 5, 1)),
                        RollPeriod(member_id=zhang.id, unit_id=new.id, since=date(1990, 5, 1))])
    db.session.commit()
    return zhang, new


def _change(client, member_id: int) -> dict:
    section = correction(page_of(client.get(f"/admin/members/{member_id}/edit")))
    return {"roll-change": re.search(r'name="roll-change"[^>]*value="([^"]*)"',
                                     section).group(1)}


def test_a_stay_stored_from_before_the_floor_is_shown_kept_and_correctable(
        client, login, world, since_1990):
    zhang, new = since_1990
    login(world.admin)
    page = page_of(client.get(f"/admin/members/{zhang.id}/edit"))
    assert "1990-05-01" in page
    # the member form saved for another field leaves the old stay as it is
    data = {"name": zhang.name, "phone": zhang.phone, "unit_id": new.id,
            "branch": "第二党支部", "role": zhang.role.value, "on_roll": "1", "roll_from": ""}
    response = client.post(f"/admin/members/{zhang.id}/edit", data=data)
    assert response.status_code == 302, page_of(response)[:2000]
    assert member(zhang.id).branch == "第二党支部"
    assert stays(zhang.id) == [(world.unit.id, None, date(1990, 5, 1)),
                               (new.id, date(1990, 5, 1), None)]
    # 更正日期 moves it to another day before the floor no more: to the floor, yes
    for typed in ("1990-06-01", "0001-01-01"):
        section = correction(page_of(client.post(
            f"/admin/members/{zhang.id}/roll-date",
            data={"roll-day": typed, "roll-reason": "日期记错", **_change(client, zhang.id)})))
        assert ROLL_FLOOR in section and f'value="{typed}"' in section
    assert stays(zhang.id)[1] == (new.id, date(1990, 5, 1), None)
    response = client.post(f"/admin/members/{zhang.id}/roll-date",
                           data={"roll-day": "2000-01-01", "roll-reason": "按系统最早日期",
                                 **_change(client, zhang.id)})
    assert response.status_code == 302, page_of(response)[:2000]
    assert stays(zhang.id) == [(world.unit.id, None, date(2000, 1, 1)),
                               (new.id, date(2000, 1, 1), None)]


def test_a_backfill_dated_before_the_floor_is_refused(client, login, world):
    login(world.liaison)
    before = (task_count(), work_event_count())
    page = text(client.post("/manage/backfill", data=backfill_form(
        world, starts_at="0224-10-05T09:00", ends_at="0224-10-05T11:00")))
    assert FLOOR in page and 'value="0224-10-05T09:00"' in page
    assert (task_count(), work_event_count()) == before


def test_the_backfill_service_refuses_it_for_any_caller(app, world):
    """A script or an import reaching ``backfill_problems`` past the form meets it too."""
    from tracker.services import backfill

    item = world.item
    data = backfill.BackfillData(
        title="楼道大扫除", place="解放路12号", starts_local=datetime(1999, 10, 5, 9),
        ends_local=datetime(1999, 10, 5, 11),
        participants=[backfill.Participant(world.member, None)], leader=world.member,
        note="清理楼道杂物。", quantity=None, people_served=None, beneficiary="",
        findings=[], photos=[])
    found = backfill.backfill_problems(world.liaison, item, data, hold=False, lock=False)
    assert ("starts_at", FLOOR) in [(name, str(message)) for name, message in found]


def test_the_roll_services_refuse_it_for_any_caller(world):
    """A script past the member form (``directory``) meets the floor as the form does:
    a new member, a move, a correction dated before it."""
    from tracker.services import ServiceError, directory

    other = f.unit("县财政局")
    db.session.commit()
    m = member(world.member.id)
    with pytest.raises(ServiceError) as refused:
        directory.create_member(world.admin, directory.MemberData(
            name="安新人", phone="13712345678", unit_id=world.unit.id, role=m.role,
            branch="", on_roll=True, roll_from=date(1999, 12, 31)))
    assert str(refused.value.message) == ROLL_FLOOR
    db.session.rollback()
    with pytest.raises(ServiceError) as refused:
        directory.update_member(m, world.admin, directory.MemberData(
            name=m.name, phone=m.phone, unit_id=other.id, role=m.role, branch=m.branch,
            on_roll=True, roll_from=date(1990, 5, 1)))
    assert str(refused.value.message) == ROLL_FLOOR
    db.session.rollback()
    m = member(world.member.id)
    directory.update_member(m, world.admin, directory.MemberData(
        name=m.name, phone=m.phone, unit_id=other.id, role=m.role, branch=m.branch,
        on_roll=True, roll_from=date(2022, 11, 1)))
    db.session.commit()
    m = member(world.member.id)
    from tracker.services import roll
    with pytest.raises(ServiceError) as refused:
        directory.correct_roll_date(m, world.admin, date(1990, 5, 1), "日期记错",
                                    shown=roll.shown_key(roll.last_change(m)))
    assert str(refused.value.message) == ROLL_FLOOR
    db.session.rollback()
    assert stays(m.id) == [(world.unit.id, None, date(2022, 11, 1)),
                           (other.id, date(2022, 11, 1), None)]
