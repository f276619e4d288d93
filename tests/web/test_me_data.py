"""我的个人信息 (/me/data): a member sees what the app holds about them, whom to ask to
correct it, and downloads all of it, participation records included (PIPL Art. 45/46;
privacy review, session 27, finding 6). Only their own: the page has no member in its
address, so nobody reaches another member's."""
from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from tests.clock import set_app_clock
from tests.reports.test_wechat_downloads import PHONE_BROWSER, wechat_page
from tests.web.manage_support import assignment, submitted_report
from tracker.extensions import db
from tracker.models import (AssignmentStatus, HoursOrigin, LoginSession, MemberNotify,
                            ReportStatus)


def _held(world):
    """张三 with a 党支部 and a reminder e-mail, hours confirmed on an approved activity;
    李四 with his own e-mail and an activity of his own."""
    world.member.branch = "机关第一党支部"
    world.other_member.branch = "机关第二党支部"
    db.session.add_all([MemberNotify(member_id=world.member.id, email="zhangsan@example.cn"),
                        MemberNotify(member_id=world.other_member.id, email="lisi@example.cn")])
    mine = assignment(world.past_task, world.member)
    mine.status, mine.minutes = AssignmentStatus.done, 120
    mine.hours_origin = HoursOrigin.checkin  # counted by her check-in at 通过
    submitted_report(world.past_task, world.leader, status=ReportStatus.approved)
    assignment(world.other_task, world.other_member)
    db.session.commit()


def test_the_page_shows_what_is_held_about_me_and_nobody_else(client, login, world):
    _held(world)
    login(world.member)
    response = client.get("/me/data")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"  # a shared phone's cache
    page = response.get_data(as_text=True)
    for held in ("张三", world.member.masked_phone, "县商务局", "机关第一党支部", "党员干部",
                 "自最早记录起计入县商务局的在册人数", "zhangsan@example.cn", "1次",
                 "现有1台手机或电脑保持登录"):
        assert held in page, held
    assert world.member.phone not in page  # masked on screen; whole in the download
    for theirs in ("李四", world.other_member.masked_phone, "机关第二党支部", "lisi@example.cn"):
        assert theirs not in page, theirs
    login(world.other_member)
    page = client.get("/me/data").get_data(as_text=True)
    assert "李四" in page and "lisi@example.cn" in page
    assert "张三" not in page and "zhangsan@example.cn" not in page


def test_the_page_names_whom_to_ask_for_a_correction(client, login, world):
    login(world.member)
    page = client.get("/me/data").get_data(as_text=True)
    assert "由单位管理员维护，本人不能修改" in page
    assert "请当面或电话告知单位管理员（管理员）" in page  # the unit's admin, by name
    assert "停用满3年后，手机号和电子邮箱会被清除" in page


def test_an_admin_is_told_to_correct_their_details_themselves(client, login, world):
    """The admin keeps these details, their own too: told where to correct them, not
    to ask the unit's admin (themselves); a liaison is still told whom to ask."""
    login(world.admin)
    page = client.get("/me/data").get_data(as_text=True)
    assert "您是单位管理员，如有错误，可在“党员干部”管理中自行更正" in page
    assert f'href="/admin/members/{world.admin.id}/edit"' in page
    assert "告知单位管理员" not in page and "本人不能修改" not in page
    login(world.liaison)
    page = client.get("/me/data").get_data(as_text=True)
    assert "请当面或电话告知单位管理员（管理员）" in page and "本人不能修改" in page
    assert "/admin/members/" not in page


def test_a_liaison_sees_the_communities_they_answer_for(client, login, world):
    login(world.liaison)
    page = client.get("/me/data").get_data(as_text=True)
    assert "社区联络员" in page and "解放路社区" in page
    assert "目前不计入任何单位的在册人数" in page  # staff are off the roll by default


def test_my_settings_lead_to_the_page(client, login, world):
    login(world.member)
    assert 'href="/me/data"' in client.get("/me/").get_data(as_text=True)


def test_the_download_holds_my_records_and_nobody_elses(client, login, world):
    _held(world)
    login(world.member)
    response = client.get("/me/data.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["member"]["name"] == "张三"
    assert data["member"]["phone"] == world.member.phone  # whole, for the member to keep
    assert data["member"]["branch"] == "机关第一党支部"
    assert data["reminders"]["email"] == "zhangsan@example.cn"
    assert data["roll_history"] == [{"unit": "县商务局", "since": None, "last_day": None}]
    [record] = data["participations"]
    assert (record["title"], record["hours"], record["counted"]) == ("楼道清理", 2.0, True)
    assert record["report_status"] == "approved"
    assert record["hours_origin"] == "checkin"  # who stated the hours, as 服务记录 says it
    assert len(data["login_sessions"]) == 1 and data["login_sessions"][0]["ended_at"] is None
    text = response.get_data(as_text=True)
    for theirs in ("李四", world.other_member.phone, "lisi@example.cn", "清除牛皮癣"):
        assert theirs not in text, theirs
    assert "password_hash" not in text and world.member.password_hash not in text


# The WeChat page's sections, each by the key of the file's list it counts.
SECTIONS = {"在册时段": "roll_history", "参与记录": "participations", "带队的任务": "tasks_led",
            "候补记录": "waitlist", "补录申请": "backfill_requests", "认领的需求": "needs_claimed",
            "消息": "messages", "登录记录": "login_sessions", "账号变更记录": "changes_to_account"}


def test_inside_wechat_the_page_lists_what_the_file_holds_not_the_file(client, login, world):
    """Review walk3, #4: WeChat's browser does not save files, and the page standing in
    for the download printed the whole JSON — the full phone number the page had just
    said it keeps off the screen, every message, every device. It shows what the file
    holds instead, each section counted as the file counts it, the phone masked as on
    我的个人信息."""
    _held(world)
    login(world.member)
    page = wechat_page(client, "/me/data.json")
    assert "my-data.json" in page
    assert world.member.phone not in page and world.member.masked_phone in page
    assert "zhangsan@example.cn" not in page and "楼道清理" not in page  # no record itself
    shown = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", page))
    data = json.loads(client.get("/me/data.json", headers={"User-Agent": PHONE_BROWSER}
                                 ).get_data(as_text=True))
    assert {label: int(shown[label]) for label in SECTIONS} == {
        label: len(data[key]) for label, key in SECTIONS.items()}
    assert int(shown["参与记录"]) == 1 and int(shown["登录记录"]) == 1


BEIJING = timezone(timedelta(hours=8))


def _strings(value):
    """Every string in a JSON value, however deep."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_the_download_gives_times_in_beijing_time(client, login, world, monkeypatch):
    """Stored in UTC, shown in Asia/Shanghai (design): the download a member keeps reads
    as every page does. An activity at 09:00 Beijing reads 09:00+08:00 (not 01:00 UTC), a
    login at 07:30 on 3 December reads that morning (not 23:30 the day before), and no
    time is left in UTC; a date stays a date."""
    _held(world)
    task = world.past_task
    task.starts_at = datetime(2026, 10, 3, 9, 0, tzinfo=BEIJING)
    task.ends_at = datetime(2026, 10, 3, 12, 0, tzinfo=BEIJING)
    task.service_date = date(2026, 10, 3)
    db.session.commit()
    morning = datetime(2026, 12, 3, 7, 30, tzinfo=BEIJING).astimezone(timezone.utc)
    login(world.member)
    [session] = db.session.scalars(select(LoginSession).where(
        LoginSession.member_id == world.member.id))
    session.created_at = session.last_seen_at = morning
    db.session.commit()
    set_app_clock(monkeypatch, date(2026, 12, 3), at=time(7, 30))

    data = json.loads(client.get("/me/data.json").get_data(as_text=True))
    [record] = data["participations"]
    assert record["date"] == "2026-10-03"
    assert (record["starts_at"], record["ends_at"]) == ("2026-10-03T09:00:00+08:00",
                                                         "2026-10-03T12:00:00+08:00")
    assert data["login_sessions"][0]["created_at"] == "2026-12-03T07:30:00+08:00"
    assert data["exported_at"] == "2026-12-03T07:30:00+08:00"
    assert [text for text in _strings(data) if text.endswith(("+00:00", "Z"))] == []


def test_the_download_names_my_reminder_settings_and_the_kinds_i_turned_off(client, login,
                                                                           world):
    """The reminder settings and the kinds turned off, read with the account in one
    statement (``held._account_with_settings``): hers, sorted, nobody else's — and the
    defaults for one who never saved any settings."""
    from tracker.models import ReminderOptOut

    db.session.add_all([ReminderOptOut(member_id=world.member.id, kind=k)
                        for k in ("task_changed", "confirm_hours")]
                       + [ReminderOptOut(member_id=world.other_member.id, kind="waitlist")])
    db.session.add(MemberNotify(member_id=world.member.id, email="zhangsan@example.cn",
                                email_on=True, sms_on=False))
    db.session.commit()
    login(world.member)
    reminders = json.loads(client.get("/me/data.json").get_data(as_text=True))["reminders"]
    assert reminders == {"email": "zhangsan@example.cn", "email_on": True, "sms_on": False,
                         "sms_with_email": False, "calendar_feed_on": False,
                         "kinds_turned_off": ["confirm_hours", "task_changed"]}
    login(world.leader)  # never saved any: the defaults, nothing turned off
    reminders = json.loads(client.get("/me/data.json").get_data(as_text=True))["reminders"]
    assert reminders == {"email": None, "email_on": False, "sms_on": True,
                         "sms_with_email": False, "calendar_feed_on": False,
                         "kinds_turned_off": []}
