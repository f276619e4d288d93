"""Personal data and the audit trail: residents' details never reach a log; an admin
exports everything held about a resident and erases it (PIPL Art. 45/47), audited, with
the activity counts unchanged; archived residents past the retention period are erased
by a command; invitation links and QR codes use PUBLIC_URL, never a forged Host; the
audit trail only ever grows — no route updates or deletes an audit row.
"""
from __future__ import annotations

import json
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from tests import factories as f
from tests.clock import set_app_clock
from tests.residents.support import name_served
from tests.residents.support import resident as make_resident
from tests.residents.support import visit_task
from tests.rollups.counted import assert_in_sync
from tests.security.support import matrix_cases
from tests.web.matrix import ACTORS, OK
from tracker.extensions import db
from tracker.models import AuditEvent, Resident, task_resident
from tracker.timeutil import local_today, utcnow

PHONE, ADDRESS, NAME = "13912345678", "解放路12号3单元201", "赵奶奶"


@pytest.fixture
def registered(world):
    """A resident of community A, paired with ``member``, served by a visit task."""
    person = make_resident(world.community, world.liaison, name=NAME, phone=PHONE,
                           paired=[world.member])
    task = visit_task(world)
    name_served(task, [person])
    db.session.commit()
    return person


def resident_form(**changes) -> dict:
    data = {"name": NAME, "category": "elderly", "address": ADDRESS, "phone": PHONE,
            "notes": "独居", "consent_date": "2024-01-02", "consent_method": "本人书面签字"}
    return {**data, **changes}


# ---------------------------------------------------------------- logs

class TestLogs:
    @pytest.fixture
    def app_config(self):
        return {"PROPAGATE_EXCEPTIONS": False}  # as in production: log, then the 500 page

    def test_a_database_error_on_a_resident_page_logs_no_personal_data(
            self, app, client, world, login, registered, caplog):
        def fail(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith("UPDATE RESIDENT"):
                raise db.engine.dialect.loaded_dbapi.IntegrityError("simulated constraint")

        login(world.liaison)
        event.listen(db.engine, "before_cursor_execute", fail)
        try:
            with caplog.at_level(logging.INFO):
                response = client.post(f"/residents/{registered.id}/edit",
                                       data=resident_form(address="建设路99号", phone="13987654321"))
        finally:
            event.remove(db.engine, "before_cursor_execute", fail)
        assert response.status_code == 500 and "系统出错了" in response.get_data(as_text=True)
        logged = caplog.text
        assert "simulated constraint" in logged  # the error is there …
        for value in ("13987654321", "建设路99号", PHONE, ADDRESS):  # … the person is not
            assert value not in logged

    def test_a_phone_in_an_exception_message_is_masked(self, app, client, world, login,
                                                       registered, caplog, monkeypatch):
        import tracker.residents.routes as routes

        def buggy(resident, actor, data, **_):
            raise ValueError(f"cannot save {data.phone} for resident {resident.id}")

        monkeypatch.setattr(routes, "update_resident", buggy)
        login(world.liaison)
        with caplog.at_level(logging.INFO):
            response = client.post(f"/residents/{registered.id}/edit",
                                   data=resident_form(phone="13987654321"))
        assert response.status_code == 500
        assert "13987654321" not in caplog.text
        assert "139****4321" in caplog.text  # masked, still useful to whoever reads the log

    def test_request_lines_mask_phone_numbers(self, caplog, app):
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            logging.getLogger("werkzeug").info('"GET /residents/?q=%s HTTP/1.1" 200', PHONE)
        assert PHONE not in caplog.text and "139****5678" in caplog.text

    def test_request_lines_keep_no_secret_of_a_secret_link(self, caplog, app, world):
        """A 重设密码 link is a credential for 7 days, a calendar feed's address and a
        check-in code's too: gunicorn's access log line (its dict of atoms, as gunicorn
        logs it) keeps the path with the secret replaced by …, also when a login page's
        ?next= carries it URL-encoded; the admin's /invite/manage is left as it is."""
        from tracker.services.invitations import issue_links

        link = issue_links(world.admin, [world.member])[0]
        db.session.commit()
        feed, code = "9JYVok7U5WT86D0oaAauGfve-iaraec4", "Qm3-xYz_0123456789abcdef"
        paths = [f"/invite/{link.token}", f"/me/feed/{feed}.ics", f"/c/{code}",
                 f"/auth/login?next=%2Fc%2F{code}", "/invite/manage?status=all"]
        access = logging.getLogger("gunicorn.access")
        with caplog.at_level(logging.INFO, logger="gunicorn.access"):
            for path in paths:
                access.info('%(h)s "%(r)s" %(s)s', {"h": "127.0.0.1", "s": "200",
                                                   "r": f"GET {path} HTTP/1.1"})
        for secret in (link.token, feed, code):
            assert secret not in caplog.text
        assert ['"GET /invite/… HTTP/1.1"', '"GET /me/feed/….ics HTTP/1.1"',
                '"GET /c/… HTTP/1.1"', '"GET /auth/login?next=%2Fc%2F… HTTP/1.1"',
                '"GET /invite/manage?status=all HTTP/1.1"'] == [
            r.getMessage().split(" ", 1)[1].rsplit(" ", 1)[0] for r in caplog.records]


def test_the_filter_masks_identity_numbers_and_leaves_ids_alone():
    from tracker.privacy import scrub

    assert scrub("id 110101199003071234 and task 42") == "id [身份证号] and task 42"
    assert scrub("2026113014302512345 13912345678") == "2026113014302512345 139****5678"


def test_the_filter_masks_a_phone_with_its_country_code_and_an_email_address():
    """As an SMS gateway or an SMTP server quotes them (privacy review, session 27, #5)."""
    from tracker.privacy import scrub

    for written in ("+8613912345678", "8613912345678", "008613912345678", "+86 13912345678"):
        assert "13912345678" not in scrub(f"PhoneNumber: {written}")
        assert scrub(f"PhoneNumber: {written}").endswith("139****5678")
    assert scrub("<zhang.san@example.com>: refused") == "<z***@example.com>: refused"
    assert scrub("SendStatusSet.0.Code=LimitExceeded task 42") == \
        "SendStatusSet.0.Code=LimitExceeded task 42"


@pytest.mark.parametrize("written", [
    "138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "0086-138-1234-5678",
    "１３８１２３４５６７８", "１３８－１２３４－５６７８", "138\u30001234\u30005678",
    # as a query string writes them: blanks as + or %20, full-width digits UTF-8 escaped
    "q=138+1234+5678", "q=%2B86%20138%201234%205678", "q=%E5%BC%A013812345678",
    "q=" + "".join(f"%EF%BC%9{d}" for d in "13812345678"),
])
def test_a_phone_written_as_the_searches_read_it_is_masked(written):
    """Every way the app's searches read a mobile (``phones.phone_fragment``: blanks,
    dashes, full-width digits, +86) is masked in a log line and in a task's text."""
    from tracker.privacy import mask_phones, scrub

    line = f'"GET /admin/members?{written} HTTP/1.0" 200'
    assert "1234" not in scrub(line) and "５６７８" not in scrub(line)
    assert "138****5678" in scrub(line)
    assert "1234" not in mask_phones(f"联系人 {written}")


def test_digits_that_are_no_mobile_stay_as_written():
    from tracker.privacy import scrub

    for text in ("task 42 at 13:45 took 1234 ms", "2026-12-05 13:45:12", "id 13812345678901",
                 "订单 2138 1234 5678", "%EF%BC%9213812345678"):
        assert scrub(text) == text, text


def test_an_address_is_masked_by_one_rule():
    """The logs' filter masks an address as ``mask_email`` does (review "maintain" #3:
    the rule was written twice, one copy unused)."""
    from tracker.privacy import mask_email, scrub

    for address in ("zhang.san@example.com", "a@b.example.cn", "Li_Si+tag@mail.gov.cn"):
        assert scrub(f"to {address}: refused") == f"to {mask_email(address)}: refused"
    assert mask_email("zhang.san@example.com") == "z***@example.com"


def test_a_phone_is_masked_one_way_everywhere(client, world, login):
    """privacy.mask_phone: a member's phone on a page, in the audit trail of a changed
    phone or of a failed login, and in a log line are all written 138****0001."""
    from tracker.privacy import mask_phone, scrub
    from tracker.services.directory import MemberData, update_member

    phone, new_phone = world.member.phone, "13912345678"
    assert mask_phone(phone) == f"{phone[:3]}****{phone[-4:]}"
    assert world.member.masked_phone == mask_phone(phone)
    assert scrub(f"call {phone}") == f"call {mask_phone(phone)}"
    client.post("/auth/login", data={"phone": phone, "password": "wrong-1234"})
    failed = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "login_failed").order_by(AuditEvent.id)).all()[-1]
    assert failed.detail["phone"] == mask_phone(phone)
    m = world.member
    update_member(m, world.admin, MemberData(name=m.name, phone=new_phone, unit_id=m.unit_id,
                                             role=m.role, branch=m.branch))
    db.session.commit()
    changed = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "update", AuditEvent.entity_id == m.id).order_by(AuditEvent.id)).all()[-1]
    assert changed.detail["phone"] == [mask_phone(phone), mask_phone(new_phone)]


def test_every_page_with_personal_data_or_a_secret_is_kept_by_no_cache(client, world, login):
    """One set of headers (view_support.no_store): 服务对象, 需求, the check-in code, the
    calendar address and 激活链接 send ``Cache-Control: no-store`` and ``Pragma:
    no-cache``; the invitation page, whose URL is itself the secret, also
    ``Referrer-Policy: no-referrer``."""
    from tracker.services.invitations import issue_links

    login(world.liaison)
    urls = ["/residents/", "/needs/", f"/onsite/tasks/{world.task.id}/qr", "/me/calendar",
            "/invite/manage"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
        assert response.headers["Pragma"] == "no-cache", url
    link = issue_links(world.admin, [world.member])[0]
    db.session.commit()
    client.post("/auth/logout")
    response = client.get(f"/invite/{link.token}")
    assert response.status_code == 200
    assert (response.headers["Cache-Control"], response.headers["Pragma"],
            response.headers["Referrer-Policy"]) == ("no-store", "no-cache", "no-referrer")


# ---------------------------------------------------------------- export and erase

def test_an_admin_exports_everything_held_about_a_resident(client, world, login, registered):
    login(world.liaison)
    client.post(f"/residents/{registered.id}/full")  # a view, on the trail
    login(world.admin)
    response = client.post(f"/residents/{registered.id}/export")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    held = json.loads(response.get_data(as_text=True))
    assert held["resident"]["name"] == NAME and held["resident"]["phone"] == PHONE
    assert held["resident"]["address"] == ADDRESS
    assert [m["name"] for m in held["paired_members"]] == [world.member.name]
    assert len(held["served_by_tasks"]) == 1
    actions = [(e["action"], e["by"]) for e in held["access_and_changes"]]
    assert ("view", world.liaison.name) in actions and ("export", world.admin.name) in actions


def test_the_residents_copy_gives_times_in_beijing_time(client, world, login, registered,
                                                        monkeypatch):
    """The Art. 45 copy is handed to a person who reads no offset: every time in it is
    Beijing time with +08:00, as the pages show it — a view at 07:30 on 3 December is that
    morning, not 23:30 the day before — and none is left in UTC."""
    from datetime import date, datetime, time, timezone

    beijing = timezone(timedelta(hours=8))
    morning = datetime(2026, 12, 3, 7, 30, tzinfo=beijing).astimezone(timezone.utc)
    registered.created_at = datetime(2026, 12, 2, 9, 0, tzinfo=beijing)
    db.session.commit()
    # the liaison's view at 07:30 (the trail is append-only: written at that time)
    db.session.add(AuditEvent(actor_id=world.liaison.id, action="view",
                              entity_type=Resident.__tablename__, entity_id=registered.id,
                              created_at=morning))
    db.session.commit()
    set_app_clock(monkeypatch, date(2026, 12, 3), at=time(7, 30))
    login(world.admin)

    held = json.loads(client.post(f"/residents/{registered.id}/export").get_data(as_text=True))
    assert held["resident"]["created_at"] == "2026-12-02T09:00:00+08:00"
    assert [e["at"] for e in held["access_and_changes"] if e["action"] == "view"] == [
        "2026-12-03T07:30:00+08:00"]
    assert held["exported_at"] == "2026-12-03T07:30:00+08:00"
    times = re.findall(r'"(\d{4}-\d\d-\d\dT[^"]*)"', json.dumps(held))
    assert times and all(t.endswith("+08:00") for t in times), times


def test_only_admins_export(client, world, login, registered):
    login(world.liaison)
    assert client.post(f"/residents/{registered.id}/export").status_code == 403


def _served_count(resident_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(task_resident).where(
        task_resident.c.resident_id == resident_id))


def test_erasing_keeps_the_history_and_removes_the_person(client, world, login, registered):
    login(world.admin)
    refused = client.post(f"/residents/{registered.id}/erase", data={})
    assert "请勾选确认后再删除" in refused.get_data(as_text=True)
    response = client.post(f"/residents/{registered.id}/erase", data={"confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    person = db.session.get(Resident, registered.id)
    assert person.erased_at is not None and not person.active
    assert NAME not in person.name and not person.address and person.phone is None
    assert person.notes is None and person.paired_members == []
    assert _served_count(person.id) == 1  # the visit still counts
    assert_in_sync()  # and its kept rows, whatever the erasure wrote
    erased = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "erase")).all()
    assert [(e.actor_id, e.entity_id) for e in erased] == [(world.admin.id, person.id)]
    page = client.get(f"/residents/{person.id}").get_data(as_text=True)
    assert NAME not in page and "个人信息已于" in page


def test_the_audit_trail_holds_no_personal_data_to_erase(client, world, login, registered):
    """Erasure needs no edit of the trail: audit details never carried the values."""
    login(world.liaison)
    client.post(f"/residents/{registered.id}/edit",
                data=resident_form(address="建设路99号", phone="13987654321"))
    client.post(f"/residents/{registered.id}/full")
    details = " ".join(json.dumps(e.detail, ensure_ascii=False)
                       for e in db.session.scalars(select(AuditEvent)))
    for value in (NAME, PHONE, ADDRESS, "建设路99号", "13987654321"):
        assert value not in details


def test_retention_erases_residents_archived_too_long_ago(app, runner, world, registered):
    days = app.config["RESIDENT_RETENTION_DAYS"]
    old = make_resident(world.community, world.liaison, name="钱爷爷", active=False)
    old.archived_at = utcnow() - timedelta(days=days + 1)
    recent = make_resident(world.community, world.liaison, name="孙奶奶", active=False)
    recent.archived_at = utcnow() - timedelta(days=days - 1)
    db.session.commit()
    dry = runner.invoke(args=["purge-residents", "--dry-run"])
    assert dry.exit_code == 0 and "1 archived" in dry.output
    db.session.expire_all()
    assert db.session.get(Resident, old.id).erased_at is None
    result = runner.invoke(args=["purge-residents"])
    assert result.exit_code == 0 and "1 archived" in result.output
    db.session.expire_all()
    assert db.session.get(Resident, old.id).erased_at is not None
    assert db.session.get(Resident, recent.id).name == "孙奶奶"
    assert db.session.get(Resident, registered.id).name == NAME  # active: kept
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "erase")).actor_id is None



# ---------------------------------------------------------------- 停用 members' contact data
# A member switched off keeps the name on the records the bureau signed; the phone and
# e-mail go after MEMBER_RETENTION_DAYS (privacy review, session 27, finding 6).

def _switched_off(member, *days_ago: int):
    """``member`` 停用, with the trail's events as the admin's page writes them: 停用,
    重新启用, 停用 … ``days_ago`` (oldest first; an odd number: off now)."""
    member.active = False
    for n, ago in enumerate(days_ago):
        db.session.add(AuditEvent(action="reactivate" if n % 2 else "deactivate",
                                  entity_type="member", entity_id=member.id,
                                  created_at=utcnow() - timedelta(days=ago)))


def test_retention_blanks_the_contact_data_of_members_switched_off_too_long_ago(
        app, runner, world):
    from tracker.models import Member, MemberNotify
    from tracker.services.notify import new_calendar_token

    days = app.config["MEMBER_RETENTION_DAYS"]
    gone, recent, back = world.member, world.other_member, world.leader
    undated = f.member(world.unit, name="周无记录", active=False)
    kept_phones = {m.id: m.phone for m in (recent, back, undated, world.admin)}
    for person in (gone, recent):
        db.session.add(MemberNotify(member_id=person.id, email=f"m{person.id}@example.cn",
                                    email_on=True))
    db.session.flush()
    new_calendar_token(gone)
    _switched_off(gone, days + 1)
    _switched_off(recent, days - 1)
    _switched_off(back, days + 30, days + 20, 10)  # off long ago, back, off again lately
    db.session.commit()
    gone_phone = gone.phone

    dry = runner.invoke(args=["purge-members", "--dry-run"])
    assert dry.exit_code == 0 and dry.output.startswith("1 members"), dry.output
    db.session.expire_all()
    assert db.session.get(Member, gone.id).phone == gone_phone
    result = runner.invoke(args=["purge-members"])
    assert result.exit_code == 0 and result.output.startswith("1 members"), result.output

    db.session.expire_all()
    erased = db.session.get(Member, gone.id)
    assert erased.name == "张三" and erased.unit_id == world.unit.id  # the name stays
    assert gone_phone not in erased.phone and erased.phone_erased
    assert erased.password_hash is None and erased.masked_phone == ""
    notify = db.session.get(MemberNotify, gone.id)
    assert notify.email is None and not notify.email_on and notify.calendar_token_hash is None
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "erase", AuditEvent.entity_type == "member")) == 1
    # only the one past the period: a recent 停用, a return, an undated one, an active one
    for member_id, phone in kept_phones.items():
        assert db.session.get(Member, member_id).phone == phone
    assert db.session.get(MemberNotify, recent.id).email == f"m{recent.id}@example.cn"
    # the records keep the name: 张三's participation is there, and is told apart from a
    # namesake's without the placeholder standing in for a phone
    from tracker.models import Assignment
    from tracker.names import distinguished

    assert db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.member_id == gone.id)) == 1
    assert distinguished("张三", None, erased.phone, namesakes=2, same_branch=2) == "张三"
    assert runner.invoke(args=["purge-members"]).output.startswith("0 members")  # done once


def test_a_member_whose_phone_was_erased_needs_a_new_one_to_come_back(client, login, world):
    from tracker.services.member_retention import erase_contact

    _switched_off(world.member, 2000)
    erase_contact(world.member)
    db.session.commit()
    login(world.admin)
    refused = client.post(f"/admin/members/{world.member.id}/active", data={"active": "1"},
                          follow_redirects=True).get_data(as_text=True)
    assert "手机号已清除：请先在编辑页填写新的手机号并保存，再重新启用" in refused
    db.session.expire_all()
    assert not world.member.active
    page = client.get(f"/admin/members/{world.member.id}/edit").get_data(as_text=True)
    assert "手机号、电子邮箱和密码已清除，姓名和参与记录保留" in page
    assert f'value="{world.member.phone}"' not in page  # the placeholder is shown as none
    listing = client.get("/admin/members?status=inactive").get_data(as_text=True)
    # the placeholder (「-」 and the id) is shown nowhere — the forms' random CSRF tokens
    # apart, which may hold 「-4」 by chance
    shown = re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', listing)
    assert "已按期清除" in listing and world.member.phone not in shown
    # saved with a new phone (the rest as stored), the member can be switched back on
    saved = client.post(f"/admin/members/{world.member.id}/edit", data={
        "name": "张三", "phone": "13712345678", "unit_id": world.unit.id, "role": "member",
        "on_roll": "1"})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    client.post(f"/admin/members/{world.member.id}/active", data={"active": "1"})
    db.session.expire_all()
    assert world.member.active and world.member.phone == "13712345678"


def _merged_away(keep, drop, actor, days_ago: int):
    """``drop`` merged into ``keep`` (合并账号, as its page does), ``days_ago`` days ago:
    the merge's own record dated then (the audit trail only grows; the merge writes
    both in one transaction)."""
    from tracker.models import MemberMerge
    from tracker.services import merge

    merge.merge_members(keep, drop, actor, shown=merge.preview(keep, drop).key())
    db.session.get(MemberMerge, drop.id).merged_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()


def test_a_merged_duplicate_loses_its_contact_data_after_the_retention_period(
        app, runner, client, login, world):
    """A duplicate merged away (合并账号) is switched off by the merge — no 停用 on its
    trail — and for good: its phone (often someone else's, mistyped), e-mail, password
    hash and calendar feed go MEMBER_RETENTION_DAYS after the merge, as after a 停用. One
    merged longer ago than that is erased, one merged more recently kept whole; the
    merge's record, the kept account and the work moved to it stay as they were."""
    from tracker.models import Assignment, AssignmentStatus, Member, MemberMerge, MemberNotify
    from tracker.services.notify import new_calendar_token

    days = app.config["MEMBER_RETENTION_DAYS"]
    keep_old, drop_old = (f.member(world.unit, name="赵敏", phone=p)
                          for p in ("13700000008", "13600000008"))
    keep_new, drop_new = (f.member(world.unit, name="钱敏", phone=p)
                          for p in ("13700000009", "13600000009"))
    task = f.task(f.item(world.unit, world.community, "environment_cleanup"), world.liaison)
    db.session.add(Assignment(task_id=task.id, member_id=drop_old.id,
                              status=AssignmentStatus.claimed))
    db.session.add(MemberNotify(member_id=drop_old.id, email="dup@example.cn", email_on=True))
    db.session.flush()
    new_calendar_token(drop_old)
    db.session.commit()
    _merged_away(keep_old, drop_old, world.admin, days + 1)
    _merged_away(keep_new, drop_new, world.admin, days - 1)
    new_calendar_token(drop_old)  # (a feed the merge ended: made again, to see it go)
    db.session.commit()

    result = runner.invoke(args=["purge-members"])
    assert result.exit_code == 0 and result.output.startswith("1 members"), result.output

    db.session.expire_all()
    erased = db.session.get(Member, drop_old.id)
    assert erased.phone_erased and "13600000008" not in erased.phone
    assert erased.password_hash is None and erased.name == "赵敏"
    notify = db.session.get(MemberNotify, drop_old.id)
    assert notify.email is None and notify.calendar_token_hash is None
    assert db.session.get(Member, drop_new.id).phone == "13600000009"  # merged lately: kept
    for kept, phone in ((keep_old, "13700000008"), (keep_new, "13700000009")):
        assert db.session.get(Member, kept.id).phone == phone and kept.active
    # the merge's record and the work it moved are as they were
    assert db.session.get(MemberMerge, drop_old.id).into_id == keep_old.id
    assert db.session.scalar(select(Assignment.member_id).where(
        Assignment.task_id == task.id)) == keep_old.id
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "merge", AuditEvent.entity_id == drop_old.id)) == 1
    assert runner.invoke(args=["purge-members"]).output.startswith("0 members")  # done once

    # its page says it is merged and erased, offering no way back on
    login(world.admin)
    page = client.get(f"/admin/members/{drop_old.id}/edit").get_data(as_text=True)
    assert 'id="merged"' in page and "该账号合并已满保存期限" in page
    assert "再重新启用" not in page
    refused = client.post(f"/admin/members/{drop_old.id}/active", data={"active": "1"},
                          follow_redirects=True).get_data(as_text=True)
    assert "该账号已合并到其他账号，不能重新启用。" in refused


def _erased(member):
    from tracker.services.member_retention import erase_contact

    _switched_off(member, 2000)
    erase_contact(member)
    db.session.commit()
    return member


def test_an_erased_member_reads_as_erased_not_as_never_activated(client, login, world):
    """walk8 #13: a member who worked for years and whose contact data the retention
    period erased is not 「未激活」 (never came) in the admin's list nor on the member
    form — the list says 已按期清除 —; and 服务记录 names their unit with no dangling
    separator where the phone would be."""
    import html
    import re

    gone = _erased(world.member)
    login(world.admin)
    listing = html.unescape(client.get("/admin/members", query_string={
        "q": "张三", "status": "all"}).get_data(as_text=True))
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*张三(?:(?!</tr>).)*</tr>", listing, re.S).group(0)
    assert "已按期清除" in row and "未激活" not in row
    form = client.get(f"/admin/members/{gone.id}/edit").get_data(as_text=True)
    assert "账号未激活" not in form and "密码已清除" in form
    records = html.unescape(client.get("/reports/records", query_string={
        "q": "张三"}).get_data(as_text=True))
    line = re.search(r'<span class="muted">([^<]*)</span>', records).group(1)
    assert line.strip() == world.unit.name


def test_no_phone_search_finds_an_erased_member_by_the_placeholder(client, login, world):
    """The placeholder of an erased phone is no number: typing a fragment of the member's
    id, or the mark, finds nobody through it (the admin's 成员 list, 服务记录, the
    pickers of people), while a fragment of a real phone still finds its member."""
    from tracker.manage.queries import member_candidates
    from tracker.reports.records import visible_members

    gone = _erased(world.member)
    kept = f.member(world.unit, name="王五", phone=f"1370000{gone.id:04d}")
    db.session.commit()
    login(world.admin)
    for typed in (str(gone.id), "-", gone.phone):
        listing = client.get("/admin/members", query_string={"q": typed, "status": "all"})
        assert "张三" not in listing.get_data(as_text=True), typed
        found = db.session.scalars(visible_members(world.admin, typed)).all()
        assert gone not in found, typed
        assert gone not in member_candidates([world.unit.id], typed), typed
    # a real number's fragment (the same digits as the erased one's id) finds its member
    listing = client.get("/admin/members", query_string={"q": f"{gone.id:04d}"})
    assert "王五" in listing.get_data(as_text=True)
    assert kept in member_candidates([world.unit.id], kept.phone[:7])
    # and a name still finds the erased member: the name is what the records are read by
    assert "张三" in client.get("/admin/members", query_string={
        "q": "张三", "status": "all"}).get_data(as_text=True)


def test_an_erased_members_name_and_branch_are_corrected_without_a_phone(client, login, world):
    """The form of a member whose phone was erased, posted as shown with only 党支部
    changed (the phone field empty, as shown): saved, the phone still erased — no
    number has to be invented. A number typed is written; 重新启用 still needs one."""
    from tests.web.roll_support import edit, page_of
    from tests.web.test_admin_roll_stale_page import form_on
    from tracker.models import Member

    gone = _erased(world.member)
    placeholder = gone.phone
    login(world.admin)
    page = page_of(client.get(edit(gone.id)))
    assert 'name="phone"' in page and "required" not in page.split('name="phone"')[1][:80]
    form = form_on(page, "phone", branch="第二党支部（更正）", name="张三丰")
    assert form["phone"] == ""
    saved = client.post(edit(gone.id), data=form)
    assert saved.status_code == 302, page_of(saved)[:3000]
    db.session.expire_all()
    now = db.session.get(Member, gone.id)
    assert (now.branch, now.name) == ("第二党支部（更正）", "张三丰")
    assert now.phone == placeholder and now.phone_erased and not now.active
    refused = client.post(f"/admin/members/{gone.id}/active", data={"active": "1"},
                          follow_redirects=True).get_data(as_text=True)
    assert "手机号已清除：请先在编辑页填写新的手机号并保存，再重新启用" in refused
    # an invalid number typed is refused, not taken for "keep"
    form = form_on(page_of(client.get(edit(gone.id))), "phone", phone="12345")
    assert "请输入11位手机号。" in page_of(client.post(edit(gone.id), data=form))
    # a number typed is a new one
    form = form_on(page_of(client.get(edit(gone.id))), "phone", phone="13712345678")
    assert client.post(edit(gone.id), data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Member, gone.id).phone == "13712345678"


def test_a_new_number_leaves_no_mask_of_the_erased_one(client, login, world):
    """The mask kept of an erased number (purgelabels) serves the namesake labels of the
    documents signed while no number is held: kept through a save that leaves the
    phone erased, cleared once an admin gives the member a new number — a trace of a
    number gone, kept for nothing (invariant 5, the retention rule)."""
    from tests.web.roll_support import edit, page_of
    from tests.web.test_admin_roll_stale_page import form_on
    from tracker.models import Member

    gone = _erased(world.member)

    def mask():
        db.session.expire_all()
        return db.session.scalar(select(Member.phone_mask).where(Member.id == gone.id))

    kept = mask()
    assert kept and "*" in kept
    login(world.admin)
    form = form_on(page_of(client.get(edit(gone.id))), "phone", branch="机关党支部")
    assert client.post(edit(gone.id), data=form).status_code == 302
    assert mask() == kept  # still erased: the labels still read it
    form = form_on(page_of(client.get(edit(gone.id))), "phone", phone="13712345678")
    assert client.post(edit(gone.id), data=form).status_code == 302
    assert mask() is None
    assert db.session.get(Member, gone.id).namesake_phone == "13712345678"


def test_a_phone_left_empty_keeps_another_admins_new_number(client, login, world):
    """Page read while the phone was erased; another admin gives a new number; the post
    that left the phone empty (as shown) corrects 党支部 and keeps that number."""
    from tests.web.roll_support import edit, page_of
    from tests.web.test_admin_roll_stale_page import form_on
    from tracker.models import Member, Role
    from tracker.services import directory

    gone = _erased(world.member)
    other_admin = f.member(world.unit, Role.admin, name="管理员乙")
    db.session.commit()
    login(world.admin)
    form = form_on(page_of(client.get(edit(gone.id))), "phone", branch="机关党支部")
    person = db.session.get(Member, gone.id)
    directory.update_member(person, other_admin, directory.MemberData(
        name=person.name, phone="13712345678", unit_id=person.unit_id, branch=person.branch,
        role=person.role, community_ids=[], on_roll=person.on_roll))
    db.session.commit()
    saved = client.post(edit(gone.id), data=form)
    assert saved.status_code == 302, page_of(saved)[:3000]
    db.session.expire_all()
    now = db.session.get(Member, gone.id)
    assert (now.branch, now.phone) == ("机关党支部", "13712345678")


def test_a_live_members_phone_is_still_required(client, login, world):
    from tests.web.roll_support import edit, page_of
    from tests.web.test_admin_roll_stale_page import form_on

    login(world.admin)
    form = form_on(page_of(client.get(edit(world.member.id))), "phone", phone="")
    assert "请填写手机号。" in page_of(client.post(edit(world.member.id), data=form))


# ---------------------------------------------------------------- erasure reaches the needs

@pytest.fixture
def wishes(app, world, registered):
    """Two 微心愿 for the registered resident, each naming her as liaisons used to: one
    open and turned into a task that repeats the name, one fulfilled with a note and a
    photo."""
    from tests.needs.support import need
    from tests.onsite import samples
    from tracker.models import NeedStatus
    from tracker.services.photos import store_image

    open_one = need(world.community, world.liaison, title=f"为{NAME}配一副老花镜",
                    description=f"{NAME}视力下降", resident_id=registered.id)
    task = f.task(world.item, world.liaison, title=f"为{NAME}配一副老花镜")
    task.description, task.beneficiary = f"陪{NAME}验光", NAME
    open_one.task_id = task.id
    done = need(world.community, world.liaison, title=f"帮{NAME}修轮椅",
                status=NeedStatus.fulfilled, claimer=world.member, resident_id=registered.id)
    done.fulfilled_on, done.fulfil_note = local_today(), f"{NAME}很满意"
    done.fulfil_photo, _ = store_image(samples.phone_jpeg(400, 300))
    db.session.commit()
    return open_one, done, task


def _files(app) -> list:
    from pathlib import Path

    return sorted((Path(app.config["UPLOAD_FOLDER"]) / "photos").glob("*"))


def _nothing_names_her(client, login, world, open_one, done, task):
    from tracker.models import Need, NeedStatus, Task

    db.session.expire_all()
    open_one, done, task = (db.session.get(Need, open_one.id), db.session.get(Need, done.id),
                            db.session.get(Task, task.id))
    # the need still to be done is closed, saying why; the one done stays done (counted)
    assert open_one.status == NeedStatus.closed
    assert open_one.close_reason == "服务对象信息已删除"
    assert done.status == NeedStatus.fulfilled and done.fulfilled_on is not None
    for row in (open_one, done):
        texts = [row.title, row.description, row.fulfil_note, row.close_reason]
        assert not any(NAME in (text or "") for text in texts), texts
        assert row.title and row.fulfil_photo is None
    assert not any(NAME in (text or "") for text in (task.title, task.description,
                                                    task.beneficiary))
    assert task.slots and task.title  # the task itself, and what it counts, stay
    login(world.other_member)  # anyone on the board
    for row in (open_one, done):
        page = client.get(f"/needs/{row.id}")
        assert page.status_code == 200 and NAME not in page.get_data(as_text=True)


def test_erasing_a_resident_closes_and_clears_the_needs_that_name_her(
        app, client, world, login, registered, wishes):
    assert len(_files(app)) == 2  # the photo and its thumbnail
    login(world.admin)
    assert client.post(f"/residents/{registered.id}/erase",
                       data={"confirm": "y"}).status_code == 302
    _nothing_names_her(client, login, world, *wishes)
    assert _files(app) == []  # the photo may have shown her


def test_the_retention_job_clears_the_needs_too(app, runner, client, world, login,
                                                registered, wishes):
    registered.active = False
    registered.archived_at = utcnow() - timedelta(days=app.config["RESIDENT_RETENTION_DAYS"] + 1)
    db.session.commit()
    result = runner.invoke(args=["purge-residents"])
    assert result.exit_code == 0 and "1 archived" in result.output
    _nothing_names_her(client, login, world, *wishes)


def test_the_export_holds_the_needs_posted_for_the_resident(client, world, login, registered,
                                                            wishes):
    login(world.admin)
    held = json.loads(client.post(f"/residents/{registered.id}/export").get_data(as_text=True))
    titles = {n["title"]: n for n in held["needs"]}
    assert set(titles) == {f"为{NAME}配一副老花镜", f"帮{NAME}修轮椅"}
    done = titles[f"帮{NAME}修轮椅"]
    assert done["status"] == "fulfilled" and done["fulfil_note"] == f"{NAME}很满意"
    assert done["fulfil_photo"] is True

# ---------------------------------------------------------------- PUBLIC_URL, not the Host header

EVIL = {"HTTP_HOST": "evil.example.com"}


def _forged_host(client):
    """The browser's session cookie, sent along with a forged Host header."""
    client.set_cookie("session", client.get_cookie("session").value, domain="evil.example.com")


class TestPublicUrl:
    @pytest.fixture
    def app_config(self):
        # No SERVER_NAME, as in production: Flask would answer any Host.
        return {"PUBLIC_URL": "https://gongjian.example.gov.cn/", "SERVER_NAME": None}

    def test_invitation_links_use_the_public_url(self, client, world, login):
        login(world.admin)
        _forged_host(client)
        page = client.post("/invite/manage", data={"members": [str(world.member.id)]},
                           environ_overrides=EVIL).get_data(as_text=True)
        links = re.findall(r"https?://[^\s\"<]+/invite/[\w-]+", page)
        assert links and all(link.startswith("https://gongjian.example.gov.cn/invite/")
                             for link in links), links
        assert "evil.example.com" not in page

    def test_check_in_codes_use_the_public_url(self, client, world, login):
        login(world.liaison)
        _forged_host(client)
        page = client.get(f"/onsite/tasks/{world.task.id}/qr",
                          environ_overrides=EVIL).get_data(as_text=True)
        assert f"https://gongjian.example.gov.cn/c/{world.task.checkin_token}" in page
        assert "evil.example.com" not in page


    # Links used outside the browser (security review, session 41, finding 2): the
    # calendar feed's secret address, polled for months by a calendar app; the task
    # page's share link; the links and event ids of a task's .ics and of the feed.

    def test_the_calendar_feed_address_uses_the_public_url(self, client, world, login):
        login(world.member)
        _forged_host(client)
        page = client.post("/me/calendar", environ_overrides=EVIL).get_data(as_text=True)
        assert re.search(r"https://gongjian\.example\.gov\.cn/me/feed/[\w-]+\.ics", page)
        assert "evil.example.com" not in page

    def test_a_tasks_share_link_and_ics_use_the_public_url(self, client, world, login):
        login(world.leader)
        _forged_host(client)
        public = f"https://gongjian.example.gov.cn/tasks/{world.task.id}"
        page = client.get(f"/tasks/{world.task.id}", environ_overrides=EVIL).get_data(as_text=True)
        assert public in page and "evil.example.com" not in page
        ics = client.get(f"/tasks/{world.task.id}/calendar.ics", environ_overrides=EVIL)
        body = ics.get_data(as_text=True).replace("\r\n ", "")  # unfolded
        assert ics.status_code == 200 and f"URL:{public}" in body
        assert f"UID:task-{world.task.id}@gongjian.example.gov.cn" in body
        assert "evil.example.com" not in body

    def test_the_feeds_links_use_the_public_url(self, client, world):
        from tracker.models import Member
        from tracker.services.notify import new_calendar_token

        leader = db.session.get(Member, world.task.leader_id)
        token = new_calendar_token(leader)
        db.session.commit()
        feed = client.get(f"/me/feed/{token}.ics", environ_overrides=EVIL)
        body = feed.get_data(as_text=True).replace("\r\n ", "")
        assert feed.status_code == 200
        assert f"URL:https://gongjian.example.gov.cn/tasks/{world.task.id}" in body
        assert f"UID:task-{world.task.id}@gongjian.example.gov.cn" in body
        assert "evil.example.com" not in body


def test_without_a_public_url_links_follow_the_request(client, world, login):
    login(world.liaison)
    page = client.get(f"/onsite/tasks/{world.task.id}/qr").get_data(as_text=True)
    assert f"http://localhost/c/{world.task.checkin_token}" in page


# ---------------------------------------------------------------- the audit trail only grows

def test_the_audit_trail_refuses_edits_and_deletions(world):
    from sqlalchemy import delete, update

    from tracker.services.audit import AuditTrailIsAppendOnly, record

    record(world.admin, "test", world.unit)
    db.session.commit()
    row = db.session.scalar(select(AuditEvent))
    row.action = "forged"
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalar(select(AuditEvent)))
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    for statement in (update(AuditEvent).values(action="forged"), delete(AuditEvent)):
        with pytest.raises(AuditTrailIsAppendOnly):
            db.session.execute(statement)
        db.session.rollback()


AUDIT_CHANGE = re.compile(r"^\s*(UPDATE\s+\"?audit_event|DELETE\s+FROM\s+\"?audit_event)", re.I)
ROUTES = matrix_cases()


@pytest.mark.parametrize("route", ROUTES, ids=[f"{r.id or r.endpoint}-{r.method}" for r in ROUTES])
@pytest.mark.usefixtures("route_world")
def test_no_route_updates_or_deletes_audit_rows(client, world, login, route):
    """Every route × method of the permission matrix (so every route of the app, see
    test_permission_coverage), as a visitor who may use it, with its form data: audit
    rows are only ever inserted."""
    changed = []

    def watch(conn, cursor, statement, *args):
        if AUDIT_CHANGE.match(statement):
            changed.append(statement[:80])

    actor = next((a for a in ACTORS if route.expectation(a) == OK), "admin")
    if actor != "anonymous":
        login(getattr(world, actor))
    data = route.data(world) if callable(route.data) else route.data
    event.listen(db.engine, "before_cursor_execute", watch)
    try:
        client.open(route.url(world), method=route.method, data=data or {})
    finally:
        event.remove(db.engine, "before_cursor_execute", watch)
    assert not changed


def test_the_audit_change_detector_can_fail():
    assert AUDIT_CHANGE.match('UPDATE audit_event SET action=? WHERE audit_event.id = ?')
    assert AUDIT_CHANGE.match('DELETE FROM "audit_event" WHERE id = 1')
    assert not AUDIT_CHANGE.match("INSERT INTO audit_event (actor_id) VALUES (?)")
