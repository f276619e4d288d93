"""A bundled e-mail or SMS (「您有N条提醒」) links a page that lists every one of its
items, and its words name that page (README, reminders: "A member's bundle links to
the page that lists its items"): 我的待办 lists a task of today or tomorrow, hours to
confirm and reports owed; a 补录申请's result (and hours corrected, 作废, 候补转正 of a
task further off) is on 消息 only (walk7 D2). A declined 补录申请's line carries its
reason, which its subject does not say."""
from __future__ import annotations

from datetime import timedelta

import pytest
from tests.reminders.conftest import local
from tracker.extensions import db
from tracker.models import BackfillRequest, RequestStatus
from tracker.reminders.channels import SMS_PART
from tracker.reminders.job import run
from tracker.timeutil import local_today, to_local

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
MORNING = local(0, 10)
SHORT = "经核实，当天没有组织清理楼道活动，请确认日期后重新申请。"
LONG = ("经核实，11月20日建设路社区一区没有组织清理楼道活动，社区当天只组织了政策宣传，"
        "请与组长核对日期和活动名称后重新申请；如有照片可一并附上。")


def _decided(town, days_ago: int, reason: str | None = None) -> str:
    """A 补录申请 of ann's, decided an hour ago: adopted, or declined for ``reason``."""
    day = to_local(MORNING).date() - timedelta(days=days_ago)
    db.session.add(BackfillRequest(
        member_id=town.ann.id, community_id=town.community.id, service_date=day,
        description="清理楼道", minutes=60,
        status=RequestStatus.declined if reason else RequestStatus.adopted,
        decided_by_id=town.liaison.id, decided_at=MORNING - timedelta(hours=1),
        decline_reason=reason))
    db.session.commit()
    return day.isoformat()


def test_a_bundle_of_backfill_results_links_messages_which_lists_them_with_the_reason(
        client, login, town, smtp):
    adopted = [_decided(town, days) for days in (3, 4)]
    declined = _decided(town, 5, SHORT)
    run(MORNING)
    [mail] = smtp.mails
    assert mail.subject == "您有3条提醒"
    assert "详情请登录台账查看“消息”。\nhttps://gj.example.gov.cn/me/messages\n" in mail.body
    assert "我的待办" not in mail.body and "/tasks/todo" not in mail.body
    assert f"补录申请未采纳：{declined}，理由：{SHORT}" in mail.body  # short enough: whole

    login(town.ann)
    page = client.get("/me/messages").get_data(as_text=True)
    for day in adopted:
        assert f"补录申请已采纳：{day}" in page
    assert f"补录申请未采纳：{declined}" in page and SHORT in page


def test_a_long_refusal_is_cut_in_the_bundles_line_and_whole_on_messages(
        client, login, town, smtp):
    _decided(town, 3)
    declined = _decided(town, 5, LONG)
    run(MORNING)
    [mail] = smtp.mails
    [line] = [line for line in mail.body.splitlines() if "未采纳" in line]
    said = line.split(". ", 1)[1]
    assert said.startswith(f"补录申请未采纳：{declined}，理由：{LONG[:10]}")
    assert said.endswith("…") and len(said) <= SMS_PART  # one SMS part, as an SMS's title
    login(town.ann)
    assert LONG in client.get("/me/messages").get_data(as_text=True)


def test_a_bundle_of_what_is_owed_still_links_my_todo(client, login, town, smtp):
    for n in range(2):
        town.task(local(-2, 8 + n), people=(town.ann,), title=f"活动{n}")
    run(MORNING)
    [mail] = smtp.mails
    assert "详情请登录台账查看“我的待办”。\nhttps://gj.example.gov.cn/tasks/todo\n" in mail.body
    login(town.ann)
    page = client.get("/tasks/todo").get_data(as_text=True)
    assert "活动0" in page and "活动1" in page


def test_a_bundle_with_one_item_my_todo_does_not_list_links_messages(town, smtp, recorder):
    """One hours to confirm and one 补录 result: 我的待办 lists the first only, 消息 both.
    The SMS says so too (its words, its link)."""
    town.task(local(-2, 8), people=(town.bob,), title="活动0")
    day = to_local(MORNING).date() - timedelta(days=3)
    db.session.add(BackfillRequest(
        member_id=town.bob.id, community_id=town.community.id, service_date=day,
        description="清理楼道", minutes=60, status=RequestStatus.adopted,
        decided_by_id=town.liaison.id, decided_at=MORNING - timedelta(hours=1)))
    db.session.commit()
    run(MORNING)
    [sms] = recorder.to("/sms")
    assert sms.json["content"].startswith("您有2条提醒")
    assert "详情请登录台账查看“消息”。" in sms.json["content"]
    assert sms.json["content"].endswith("https://gj.example.gov.cn/me/messages")


def test_messages_offers_to_handle_what_asks_and_to_view_what_is_news(client, login, town,
                                                                     smtp):
    """walk9 #8: a declined 补录申请 has nothing to handle — its card on 消息 offers 「查看」;
    hours to confirm ask the member to act — 「去处理」."""
    _decided(town, 5, SHORT)
    town.task(local(-2, 8), people=(town.ann,), title="活动甲")
    run(MORNING)
    login(town.ann)
    page = client.get("/me/messages").get_data(as_text=True)
    cards = page.split('<article class="card message')[1:]
    news = [c for c in cards if "补录申请未采纳" in c]
    asking = [c for c in cards if "活动甲" in c]
    assert news and asking
    assert all("查看</button>" in c and "去处理" not in c for c in news)
    assert all("去处理</button>" in c for c in asking)
