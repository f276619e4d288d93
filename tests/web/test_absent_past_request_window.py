"""walkfix47 (found): a member marked 缺席 on an approved activity is sent to
「我参加了但没有记录」 only while a 补录申请 may name it — the last 90 days
(docs/design.md, 补录申请; ``request_window``). Past that, her task page offers no
button, so it must not send her to one: it says the window is past and names what is
left, the community liaison's 添加遗漏的参加人员 (which has no window: design.md, 补录),
and the confirm page says the same. The page's button and the words follow one rule: on
the window's first day both still offer the request."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from tests import factories as f
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus
from tracker.services.backfill import add_forgotten_participant
from tracker.timeutil import local_to_utc, local_today

SENT_TO_IT = "请点“我参加了但没有记录”提交补录申请"
OFFERED = "/backfill-requests/new"
PAST = "该活动已超过90天，不能再申请补录。"
WHAT_LEFT = "请联系本社区联络员，在任务页“添加遗漏的参加人员”中补上。"


def absent_days_ago(world, days: int):
    """张三 marked 缺席 on 旧楼道清理 of ``days`` days ago (Beijing's day), approved;
    returns (task, her participation)."""
    day = local_today() - timedelta(days=days)
    old = f.task(world.item, world.liaison, leader=world.leader, title="旧楼道清理",
                 starts_at=local_to_utc(datetime.combine(day, time(9))))
    mine = Assignment(task_id=old.id, member_id=world.member.id,
                      status=AssignmentStatus.absent)
    db.session.add(mine)
    old.taken = 1
    db.session.commit()
    f.reported(old, world.leader, approved=True)
    return old, mine


def _page(client, url: str) -> str:
    return client.get(url).get_data(as_text=True)


def test_past_the_window_she_is_told_what_is_left_not_sent_to_a_button(client, login, world):
    old, mine = absent_days_ago(world, 91)
    login(world.member)
    page = _page(client, f"/tasks/{old.id}")
    assert "组长已登记您缺席，该任务已审核通过，本次参与没有计入统计。" in page
    assert PAST in page and WHAT_LEFT in page
    assert OFFERED not in page and SENT_TO_IT not in page
    confirm = _page(client, f"/tasks/assignments/{mine.id}/confirm")
    assert PAST in confirm and WHAT_LEFT in confirm and SENT_TO_IT not in confirm


def test_on_the_windows_first_day_she_is_still_sent_to_the_button_it_shows(
        client, login, world):
    old, _mine = absent_days_ago(world, 90)
    login(world.member)
    page = _page(client, f"/tasks/{old.id}")
    assert SENT_TO_IT in page and OFFERED in page and PAST not in page


def test_what_she_is_told_is_left_is_open_to_the_liaison(app, world):
    """The liaison's 添加遗漏的参加人员 takes her on the activity past the window."""
    old, mine = absent_days_ago(world, 120)
    add_forgotten_participant(world.liaison, old, world.member, None)
    db.session.commit()
    db.session.refresh(mine)
    assert mine.status == AssignmentStatus.done
