"""One-tap actions that cannot be taken back ask once first (walk10 D3, D9, D10, D13), the
house's way (取消任务, 关闭任务): the button's form carries data-confirm for
static/js/confirm.js, and a POST without ``confirmed=1`` (JavaScript off, or a WeChat
webview that blocks dialogs) is answered with the confirmation page, which names what will
happen and changes nothing; the page's button posts ``confirmed=1`` and acts. 冲销's
reason is required, as 作废's. 停用机器人 asks too (session 39, confirmfix): a stopped
robot comes back only with its full address typed again."""
from __future__ import annotations

import html
import re

from flask import g
from sqlalchemy import func, select

from tests import factories as f
from tests.backfill_requests.support import asked_for_past_task
from tests.needs.support import need
from tests.onsite import samples
from tests.residents.support import world_resident
from tests.web.manage_support import assignment
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    BackfillRequest,
    CommunityWebhook,
    FundEntry,
    Member,
    Need,
    NeedStatus,
    Photo,
    RequestStatus,
    Resident,
    Task,
    WaitlistEntry,
)
from tracker.models.findings import Finding, FindingKind
from tracker.services import unit_of_work
from tracker.services.claims import claim_slot
from tracker.services.photos import add_task_photo, photo_path, set_finding_photo
from tracker.timeutil import local_today

CONFIRMED = {"confirmed": "1"}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def confirm_form(page: str) -> str:
    """The confirmation page's form: it posts confirmed=1."""
    form = re.search(r'<form method="post" action="[^"]*" class="form" novalidate>.*?</form>',
                     page, re.S).group(0)
    assert 'name="confirmed" value="1"' in form
    return form


def asks(page: str, action: str) -> str:
    """The data-confirm question of the form posting to ``action`` on ``page``, which
    links the script that asks it."""
    assert "/static/js/confirm.js" in page
    tag = re.search(r'<form[^>]*action="' + re.escape(action) + r'[^"]*"[^>]*>', page).group(0)
    return re.search(r'data-confirm="([^"]+)"', tag).group(1)


# --- D3: 停用 a member -------------------------------------------------------------------

def test_switching_a_member_off_asks_first_naming_what_it_does(client, login, world):
    assignment(world.task, world.member)
    db.session.commit()
    login(world.admin)
    listing = text(client.get("/admin/members"))
    action = f"/admin/members/{world.member.id}/active"
    # the list asks by the confirmation page (a question a row would cost statements)
    button = re.search(r'<form[^>]*action="' + re.escape(action) + r'[^"]*"[^>]*>',
                       listing).group(0)
    assert "data-confirm" not in button
    edit_page = text(client.get(f"/admin/members/{world.member.id}/edit"))
    assert "1个未开始任务的名额立即释放" in asks(edit_page, action)
    asked = client.post(action, data={"active": "0"})
    assert asked.status_code == 200
    page = text(asked)
    assert "确认停用" in page and "1个未开始任务的名额立即释放" in page
    assert "登录退出" in page and "重新启用不会恢复" in page
    assert 'name="active" value="0"' in confirm_form(page)
    db.session.expire_all()
    assert db.session.get(Member, world.member.id).active
    assert db.session.scalar(select(Assignment.status).where(
        Assignment.member_id == world.member.id, Assignment.task_id == world.task.id)
    ) == AssignmentStatus.claimed
    assert client.post(action, data={"active": "0", **CONFIRMED}).status_code == 302
    db.session.expire_all()
    assert not db.session.get(Member, world.member.id).active


def test_switching_off_names_only_what_will_happen(client, login, world):
    """A member holding no place but waiting on a task's 候补名单 (walk11 #3): the
    question says no 「0个」 places and no move-up, and names the 候补名单 she leaves."""
    db.session.add(WaitlistEntry(task_id=world.task.id, member_id=world.member.id))
    db.session.commit()
    login(world.admin)
    page = text(client.post(f"/admin/members/{world.member.id}/active", data={"active": "0"}))
    question = re.search(r'<p class="notice">(.*?)</p>', page, re.S).group(1)
    assert "名额" not in question and "转正" not in question
    assert f"退出“{world.task.title}”的候补名单" in question
    assert "登录退出" in question and "重新启用不会恢复" in question
    client.get("/admin/members?lang=en")
    g.pop("_flask_babel", None)  # a served request starts without the last one's locale
    english = text(client.post(f"/admin/members/{world.member.id}/active", data={"active": "0"}))
    question = re.search(r'<p class="notice">(.*?)</p>', english, re.S).group(1)
    assert "place" not in question and f"“{world.task.title}”" in question
    assert "waitlist" in question


def test_the_member_pages_switch_off_question_is_the_confirmation_pages(client, login, world):
    """With scripts on, confirm.js asks the member page's question and posts it confirmed,
    so the confirmation page is never shown: the question names the same — no places
    for one who holds none, the 候补名单 she leaves (review40 #4)."""
    db.session.add(WaitlistEntry(task_id=world.task.id, member_id=world.member.id))
    db.session.commit()
    login(world.admin)
    action = f"/admin/members/{world.member.id}/active"
    page = text(client.get(f"/admin/members/{world.member.id}/edit"))
    dialog = asks(page, action)
    assert "名额" not in dialog and "转正" not in dialog, dialog  # she holds no place
    assert f"退出“{world.task.title}”的候补名单" in dialog, dialog
    asked = text(client.post(action, data={"active": "0"}))
    explain = re.search(r'<p class="notice">(.*?)</p>', asked, re.S).group(1).strip()
    assert dialog == f"确定停用{world.member}吗？{explain}"


def test_switching_a_member_back_on_and_other_records_off_ask_nothing(client, login, world):
    """重新启用 gives nothing back to lose, a unit's 停用 is undone by 重新启用."""
    login(world.admin)
    assert client.post(f"/admin/units/{world.unit.id}/active",
                       data={"active": "0"}).status_code == 302


# --- D9: 移出 and 移出候补 on a task's page -----------------------------------------------

def test_removing_a_participant_asks_first(client, login, world):
    a = assignment(world.task, world.member)
    db.session.commit()
    login(world.liaison)
    task_page = text(client.get(f"/manage/tasks/{world.task.id}"))
    action = f"/manage/assignments/{a.id}/remove"
    # no one waits: no move-up promised (walk11 #5) …
    assert asks(task_page, action) == f"确定将{world.member.name}移出该任务吗？"
    db.session.add(WaitlistEntry(task_id=world.task.id, member_id=world.other_member.id))
    db.session.commit()
    # … someone waits: the first of them moves up
    task_page = text(client.get(f"/manage/tasks/{world.task.id}"))
    assert "候补第一位将自动转正" in asks(task_page, action)
    asked = client.post(action)
    assert asked.status_code == 200
    page = text(asked)
    assert "确认移出" in page and "候补名单上的第一位" in page and world.task.title in page
    confirm_form(page)
    db.session.expire_all()
    assert db.session.get(Assignment, a.id).status == AssignmentStatus.claimed
    assert client.post(action, data=CONFIRMED).status_code == 302
    db.session.expire_all()
    assert db.session.get(Assignment, a.id).status == AssignmentStatus.withdrawn


# --- D13: 删除登记信息, 更换签到码 -----------------------------------------------------

def test_deleting_a_residents_registration_asks_first(client, login, world):
    r = world_resident(world)
    login(world.liaison)
    action = f"/residents/{r.id}/delete"
    assert "不能恢复" in asks(text(client.get(f"/residents/{r.id}")), action)
    asked = client.post(action)
    assert asked.status_code == 200 and "确认删除" in text(asked) and "归档" in text(asked)
    db.session.expire_all()
    assert db.session.get(Resident, r.id) is not None
    assert client.post(action, data=CONFIRMED).status_code == 302
    db.session.expire_all()
    assert db.session.get(Resident, r.id) is None


def test_a_new_check_in_code_is_asked_for_first(client, login, world):
    login(world.liaison)
    token = world.task.checkin_token
    action = f"/onsite/tasks/{world.task.id}/qr/rotate"
    assert "立即失效" in asks(text(client.get(f"/onsite/tasks/{world.task.id}/qr")), action)
    asked = client.post(action)
    assert asked.status_code == 200
    assert "已打印、张贴或转发到群里的旧二维码" in text(asked) and "确认更换" in text(asked)
    db.session.expire_all()
    assert db.session.get(Task, world.task.id).checkin_token == token
    assert client.post(action, data=CONFIRMED).status_code == 302
    db.session.expire_all()
    assert db.session.get(Task, world.task.id).checkin_token != token


# --- D10: 冲销 --------------------------------------------------------------------------

def test_a_reversal_needs_a_reason_and_asks_first_naming_the_amount(client, login, world):
    year = local_today().year
    ledger = f"/funds/{world.unit.id}/{world.community.id}/{year}"
    login(world.liaison)
    assert client.post(ledger + "/entries", data={
        "entry_date": local_today().isoformat(), "amount": "1200", "purpose": "值守物资"}
    ).status_code == 302
    entry = db.session.scalar(select(FundEntry))
    action = f"/funds/entries/{entry.id}/reverse"
    assert "1,200.00元" in asks(text(client.get(ledger)), action)

    def entries() -> int:
        return db.session.scalar(select(func.count()).select_from(FundEntry))

    refused = client.post(action, data={"reason": " ", **CONFIRMED})
    assert refused.status_code == 200 and "请填写冲销原因。" in text(refused)
    assert entries() == 1
    asked = client.post(action, data={"reason": "重复登记"})
    page = text(asked)
    assert asked.status_code == 200 and "确认冲销" in page
    assert "1,200.00" in page and "冲销不能撤回" in page
    today = local_today()  # the month as the house names it (walk11 #7), zh and en
    assert f"{today.year}年{today.month}月的经费数字随之改变" in page
    client.get(ledger + "?lang=en")
    g.pop("_flask_babel", None)  # a served request starts without the last one's locale
    english = text(client.post(action, data={"reason": "重复登记"}))
    assert f"the figures of {today:%B %Y} change with it" in english
    client.get(ledger + "?lang=zh_CN")
    g.pop("_flask_babel", None)
    assert 'value="重复登记"' in confirm_form(page)  # the reason carried to the real post
    assert entries() == 1
    # 返回 without a script (walk11 #1): the ledger again, the reason as typed, nothing done
    assert 'name="returning" value="1"' in confirm_form(page)
    back = client.post(action, data={"reason": "重复登记", "returning": "1", **CONFIRMED})
    assert back.status_code == 200
    assert f"{action}" in text(back) and 'value="重复登记"' in text(back)
    assert "请填写冲销原因" not in text(back)
    assert entries() == 1
    assert client.post(action, data={"reason": "重复登记", **CONFIRMED}).status_code == 302
    assert entries() == 2


# --- 停用机器人 (session 39, confirmfix) ----------------------------------------------------

def test_stopping_a_work_group_robot_asks_first(client, login, world):
    """Its page's 停用机器人 carries data-confirm; without JavaScript the POST is answered
    with the confirmation page (carrying the robot the page showed), nothing stopped."""
    login(world.liaison)
    url = f"/outbox/webhooks/{world.community.id}"
    assert client.post(url, data={
        "channel": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=t1",
        "secret": "SECxyz"}).status_code == 302
    robot_page = text(client.get(url))
    action = f"{url}/stop"
    assert asks(robot_page, action) == "确定停用这个工作群机器人吗？"
    shown = re.search(r'<form[^>]*action="' + re.escape(action) + r'".*?name="shown" value="([^"]*)"',
                      robot_page, re.S).group(1)
    asked = client.post(action, data={"shown": shown})
    assert asked.status_code == 200
    page = text(asked)
    assert "确认停用" in page and world.community.name in page
    assert "不再收到提醒" in page and "再次填写机器人的完整地址" in page
    assert f'name="shown" value="{shown}"' in confirm_form(page)
    db.session.expire_all()
    assert db.session.get(CommunityWebhook, world.community.id).active
    assert client.post(action, data={"shown": shown, **CONFIRMED}).status_code == 302
    db.session.expire_all()
    assert not db.session.get(CommunityWebhook, world.community.id).active


# --- walk12 #3: 退出候补 ------------------------------------------------------------------

def test_leaving_the_waitlist_asks_first_as_the_place_is_not_given_back(client, login, world):
    """退出候补 loses the place in line for good (joining again queues last): asked once,
    from the task's page and from 我的任务's card, and without a script by the page."""
    task = f.task(world.item, world.liaison, slots=1, title="助老理发")
    db.session.commit()
    with unit_of_work():
        claim_slot(task, world.other_member)
    db.session.add(WaitlistEntry(task_id=task.id, member_id=world.member.id))
    db.session.commit()
    login(world.member)
    action = f"/tasks/{task.id}/waitlist/leave"
    assert "排在最后" in asks(text(client.get(f"/tasks/{task.id}")), action)
    assert "排在最后" in asks(text(client.get("/tasks/mine?tab=upcoming")), action)
    asked = client.post(action + "?next=/tasks/mine")
    assert asked.status_code == 200
    page = text(asked)
    assert "确认退出候补" in page and "位置不再保留" in page
    assert 'action="/tasks/%d/waitlist/leave?next=/tasks/mine"' % task.id in confirm_form(page)
    db.session.expire_all()
    assert db.session.scalar(select(WaitlistEntry.status).where(
        WaitlistEntry.member_id == world.member.id, WaitlistEntry.task_id == task.id)).value == "waiting"
    done = client.post(action + "?next=/tasks/mine", data=CONFIRMED)
    assert done.status_code == 302 and done.headers["Location"] == "/tasks/mine"
    db.session.expire_all()
    assert db.session.scalar(select(WaitlistEntry.status).where(
        WaitlistEntry.member_id == world.member.id, WaitlistEntry.task_id == task.id)).value == "left"


# --- walk12 #4: 删除 of a 现场照片 ------------------------------------------------------------

def test_removing_a_photo_asks_first_as_its_files_are_deleted(client, login, world):
    """A removed photo's image files are deleted (design.md), so the only way back is
    to take it again: 删除 asks once, on the report's photos and on a finding's photo."""
    photo = add_task_photo(world.past_task, world.leader, samples.small_png())
    finding = Finding(task_id=world.past_task.id, unit_id=world.past_task.unit_id,
                      community_id=world.past_task.community_id,
                      found_on=world.past_task.service_date, kind=FindingKind.sewer,
                      place="3号楼北侧", created_by_id=world.leader.id)
    db.session.add(finding)
    db.session.flush()
    on_finding = set_finding_photo(finding, world.leader, samples.small_png())
    db.session.commit()
    login(world.leader)
    action = f"/onsite/photos/{photo.id}/remove"
    photos_page = f"/onsite/tasks/{world.past_task.id}/photos"
    assert "不能恢复" in asks(text(client.get(photos_page)), action)
    assert "不能恢复" in asks(text(client.get(f"/onsite/findings/{finding.id}/photo")),
                              f"/onsite/photos/{on_finding.id}/remove")
    asked = client.post(action)
    assert asked.status_code == 200
    page = text(asked)
    assert "确认删除" in page and "不能恢复" in page
    assert f'action="{action}"' in confirm_form(page) and f'href="{photos_page}"' in page
    db.session.expire_all()
    assert db.session.get(Photo, photo.id).active and photo_path(photo).is_file()
    assert client.post(action, data=CONFIRMED).status_code == 302
    db.session.expire_all()
    assert not db.session.get(Photo, photo.id).active


def test_a_photo_is_not_asked_about_by_one_who_may_not_remove_it(client, login, world):
    photo = add_task_photo(world.past_task, world.leader, samples.small_png())
    db.session.commit()
    login(world.member)  # on the task, not its leader: sees the photos, removes none
    assert client.post(f"/onsite/photos/{photo.id}/remove").status_code == 403


# --- walk12 #5: 撤回 of a 补录申请, 取消认领 of a 需求 ---------------------------------------

def test_withdrawing_a_record_request_asks_first(client, login, world):
    """撤回 cannot be undone: the request has to be typed again from scratch."""
    row = asked_for_past_task(world)
    db.session.commit()
    login(world.other_member)
    action = f"/backfill-requests/{row.id}/withdraw"
    assert "重新填写" in asks(text(client.get("/backfill-requests/mine")), action)
    asked = client.post(action)
    assert asked.status_code == 200
    page = text(asked)
    assert "确认撤回" in page and "重新填写提交" in page and world.past_task.title in page
    assert f'action="{action}"' in confirm_form(page)
    db.session.expire_all()
    assert db.session.get(BackfillRequest, row.id).status == RequestStatus.pending
    assert client.post(action, data=CONFIRMED).status_code == 302
    db.session.expire_all()
    assert db.session.get(BackfillRequest, row.id).status == RequestStatus.withdrawn


def test_giving_back_a_claimed_need_asks_first_as_a_task_does(client, login, world):
    """A need's 取消认领 asks as a task's does (design.md invariant 4 lists 取消认领)."""
    wish = need(world.community, world.liaison, status=NeedStatus.claimed, claimer=world.member)
    db.session.commit()
    login(world.member)
    action = f"/needs/{wish.id}/release"
    assert "取消认领" in asks(text(client.get(f"/needs/{wish.id}")), action)
    asked = client.post(action)
    assert asked.status_code == 200
    page = text(asked)
    assert "确认取消认领" in page and "重新等待认领" in page
    assert f'action="{action}"' in confirm_form(page)
    db.session.expire_all()
    assert db.session.get(Need, wish.id).status == NeedStatus.claimed
    assert client.post(action, data=CONFIRMED).status_code == 302
    db.session.expire_all()
    assert db.session.get(Need, wish.id).status == NeedStatus.open
