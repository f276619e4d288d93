"""The menu: a liaison's (and an admin's) three daily places in one row and the rest under
更多, a <details> that opens without JavaScript; a member's the same way, with the three
pages of the claim-and-report flow in the row (six buttons filled half the first screen
of a phone with enlarged text)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests import factories as f
from tests.web.manage_support import assignment, submitted_report
from tracker.extensions import db
from tracker.models import Channel, Outbox, OutboxStatus
from tracker.timeutil import utcnow


def nav(client, path: str = "/tasks/mine") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'<nav class="nav[^"]*" aria-label="主菜单">(.*?)</nav>', page, re.S).group(1)


def labels(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>|\s|\d", "", a) for a in re.findall(r"<a [^>]*>(.*?)</a>", html, re.S)]


def test_liaison_bar_and_more(client, login, world):
    login(world.liaison)
    menu = nav(client)
    bar, more = menu.split('<details class="more">')
    assert labels(bar) == ["工作台", "审核", "月报"]
    assert "<summary>更多" in more
    assert labels(more) == ["我的待办", "可认领任务", "需求清单", "我的任务", "进展", "经费", "消息"]


def test_admin_finds_the_admin_places_under_more(client, login, world):
    login(world.admin)
    bar, more = nav(client).split('<details class="more">')
    assert labels(bar) == ["工作台", "审核", "月报"]
    assert {"管理", "导入党员", "提醒状态"} <= set(labels(more))


def test_more_shows_the_counts_it_folds_away(client, login, world):
    # The liaison has one task to go to (待办) on their own account: the count shows on
    # 更多 too, or it would be hidden behind the closed menu.
    task = f.task(world.item, world.liaison, starts_in=timedelta(hours=3), title="今天下午")
    db.session.commit()
    assignment(task, world.liaison)
    login(world.liaison)
    more = nav(client).split('<details class="more">')[1]
    todo = int(re.search(r'我的待办 <span class="count">(\d+)</span>', more).group(1))
    assert todo >= 1
    summary = re.search(r"<summary>更多(?: <span class=\"count\">(\d+)</span>)?</summary>", more)
    assert summary.group(1) == str(todo)  # no unread messages in this world


def test_member_bar_and_more(client, login, world):
    login(world.member)
    bar, more = nav(client).split('<details class="more">')
    assert labels(bar) == ["我的待办", "可认领任务", "我的任务"]
    assert "<summary>更多" in more
    assert labels(more) == ["需求清单", "我的参与", "消息"]  # every page still one tap away


def test_the_members_more_shows_the_unread_count_it_folds_away(client, login, world):
    for n in range(2):
        db.session.add(Outbox(dedupe_key=f"test:unread:{n}", kind="returned",
                              channel=Channel.inapp, member_id=world.member.id, subject="提醒",
                              body="明天上午有活动", status=OutboxStatus.sent, attempts=0,
                              next_attempt_at=utcnow(), sent_at=utcnow()))
    db.session.commit()
    login(world.member)
    more = nav(client).split('<details class="more">')[1]
    assert re.search(r'<summary>更多 <span class="count">2</span></summary>', more)
    assert re.search(r'消息 <span class="count">2</span>', more)


def todo_badge(client, path: str = "/tasks/mine") -> int:
    """The 待办 count the menu shows (none shown is 0)."""
    found = re.search(r'我的待办 <span class="count">(\d+)</span>', nav(client, path))
    return int(found.group(1)) if found else 0


# The open list reads the menu's counts with its own rows; a page with no row (nothing
# matches the filter, or a page past the end) reads them as every other page does.
OPEN_LISTS = ["/tasks/", "/tasks/?q=环境", "/tasks/?page=999", "/tasks/?day=2001-01-01"]


def test_the_todo_count_follows_a_claim_and_a_withdrawal_at_once(client, login, world):
    """Claiming a task of today or tomorrow adds one to 待办 on the very next page;
    withdrawing takes it off again (the counts are never kept from an earlier page)."""
    soon = f.task(world.item, world.liaison, starts_in=timedelta(hours=5), title="今晚巡查")
    db.session.commit()
    login(world.member)
    before = todo_badge(client)
    assert client.post(f"/tasks/{soon.id}/claim").status_code == 302
    assert todo_badge(client) == before + 1
    assert client.post(f"/tasks/{soon.id}/withdraw", data={"confirmed": "1"}).status_code == 302
    assert todo_badge(client) == before


@pytest.mark.parametrize("path", ["/tasks/mine", *OPEN_LISTS])
def test_the_todo_count_drops_once_the_leader_submits_the_report(client, login, world, path):
    login(world.leader)
    # the ended task waits for the leader's report and for the leader's hours
    before = todo_badge(client, path)
    assert before == 2
    response = client.post(f"/tasks/{world.past_task.id}/report",
                           data={"note": "已完成"})
    assert response.status_code == 302
    assert todo_badge(client, path) == before - 1  # the hours are still to confirm


@pytest.mark.parametrize("path", ["/tasks/mine", *OPEN_LISTS])
def test_the_review_count_is_of_the_liaisons_own_communities(client, login, world, path):
    """审核 counts the reports waiting for review in the communities one manages: a
    liaison's own, every one for the admin; none for a member."""
    elsewhere = f.task(world.other_item, world.other_liaison, starts_in=-timedelta(days=1),
                       title="别处的活动")
    db.session.commit()
    submitted_report(world.past_task, world.leader)
    submitted_report(elsewhere, world.other_liaison)

    def review_badge() -> int:
        found = re.search(r'审核 <span class="count">(\d+)</span>', nav(client, path))
        return int(found.group(1)) if found else 0

    login(world.liaison)
    assert review_badge() == 1
    login(world.other_liaison)
    assert review_badge() == 1
    login(world.admin)
    assert review_badge() == 2
