"""walk12 #6, after the claim (walk12fix left it at the claim's flash): a member who
holds places on two activities at overlapping hours is told, on each task's page and on
each one's card of 我的任务, that only one of the two can count — the same person's
time is counted once (docs/design.md, approve / return), her second 确认参与 would be
refused — for as long as both places stand; in Chinese and in English. Read in the
statements the pages run anyway (tests/web/test_mine_queries.py,
tests/web/test_task_page_not_counted_budget.py pin them)."""
from __future__ import annotations

import html
from datetime import timedelta

import pytest
from flask import g

from tests import factories as f
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus
from tracker.services.reviews import approve_report
from tracker.timeutil import to_local

SAID = "您在同一时间还有一项活动：“{title}”（{when}）。同一时间只计一次，两项活动中只有一项能计入服务时长。"
SAID_EN = "You also hold a place on another activity at the same time: “{title}” ({when})."


def _page(client, url: str) -> str:
    g.pop("_flask_babel", None)  # a served request starts without the last one's locale
    return html.unescape(client.get(url).get_data(as_text=True))


def _when(task) -> str:
    return to_local(task.starts_at).strftime("%Y-%m-%d %H:%M")


def _two_at_once(client, login, world):
    first = f.task(world.item, world.liaison, title="慰问空巢老人", starts_in=timedelta(days=3))
    second = f.task(world.item, world.liaison, title="楼前空地清理",
                    starts_in=timedelta(days=3, minutes=30))
    apart = f.task(world.item, world.liaison, title="晚间巡逻", starts_in=timedelta(days=4))
    db.session.commit()
    login(world.member)
    for task in (first, second, apart):
        assert client.post(f"/tasks/{task.id}/claim").status_code == 302
    return first, second, apart


def test_both_pages_and_both_cards_say_only_one_of_the_two_counts(client, login, world):
    first, second, apart = _two_at_once(client, login, world)
    for task, other in ((first, second), (second, first)):
        said = SAID.format(title=other.title, when=_when(other))
        assert said in _page(client, f"/tasks/{task.id}"), task.title
    assert "您在同一时间还有一项活动" not in _page(client, f"/tasks/{apart.id}")
    mine = _page(client, "/tasks/mine?tab=upcoming")
    assert SAID.format(title=second.title, when=_when(second)) in mine  # first's card
    assert SAID.format(title=first.title, when=_when(first)) in mine  # second's card
    assert mine.count("您在同一时间还有一项活动") == 2  # not on 晚间巡逻's
    english = _page(client, f"/tasks/{first.id}?lang=en")
    assert SAID_EN.format(title=second.title, when=_when(second)) in english
    assert SAID_EN.format(title=first.title, when=_when(first)) in _page(
        client, "/tasks/mine?tab=upcoming&lang=en")


def test_once_one_place_is_given_back_neither_says_it(client, login, world):
    first, second, _apart = _two_at_once(client, login, world)
    assert client.post(f"/tasks/{second.id}/withdraw", data={"confirmed": "1"}).status_code == 302
    assert "您在同一时间还有一项活动" not in _page(client, f"/tasks/{first.id}")
    assert "您在同一时间还有一项活动" not in _page(client, "/tasks/mine?tab=upcoming")


def test_a_place_whose_hours_count_is_not_told_to_choose(client, login, world):
    """Her hours confirmed on one (done): that one counts, and her other card says why
    she cannot confirm there (the overlap rule's refusal), not that she may choose."""
    first, second, _apart = _two_at_once(client, login, world)
    held = db.session.query(Assignment).filter_by(task_id=first.id,
                                                  member_id=world.member.id).one()
    held.status, held.minutes = AssignmentStatus.done, 60
    db.session.commit()
    assert "您在同一时间还有一项活动" not in _page(client, f"/tasks/{first.id}")
    # the other can no longer count (通过 there finds her hours counted on the first):
    # nothing to choose, neither its page nor its card says so
    assert "您在同一时间还有一项活动" not in _page(client, f"/tasks/{second.id}")
    assert "您在同一时间还有一项活动" not in _page(client, "/tasks/mine?tab=upcoming")


def test_a_place_that_can_never_count_is_no_choice(client, login, world):
    """review41b #1: her check-in on an activity approved without 按签到计入 can never
    count (通过 is final); 通过 of the other, at the same hours, counts her. Neither its
    page nor its card tells her only one of the two can count."""
    approved = f.task(world.item, world.liaison, title="慰问空巢老人",
                      starts_in=-timedelta(hours=5))
    other = f.task(world.item, world.liaison, title="楼前空地清理",
                   starts_in=-timedelta(hours=5, minutes=-30))
    for task in (approved, other):
        db.session.add(Assignment(task_id=task.id, member_id=world.member.id,
                                  status=AssignmentStatus.checked_in))
    db.session.commit()
    f.reported(approved, world.liaison, approved=True)  # 通过 without 按签到计入: final
    login(world.member)
    told = ("您在同一时间还有一项活动" in _page(client, f"/tasks/{other.id}"),
            "您在同一时间还有一项活动" in _page(client, "/tasks/mine?tab=confirm"))
    # what 通过 of the other does: it counts her there
    f.reported(other, world.liaison, approved=False)
    approve_report(other.report, world.admin, count_checked_in=True)
    db.session.commit()
    mine_there = db.session.query(Assignment).filter_by(task_id=other.id,
                                                        member_id=world.member.id).one()
    assert mine_there.status == AssignmentStatus.done
    assert told == (False, False), "told her only one of the two can count"


def test_a_check_in_whose_approval_is_ahead_is_still_a_choice(client, login, world):
    """Both checked in, neither approved: 通过 of either counts her there first, so
    each page and card still says only one of the two can count."""
    first = f.task(world.item, world.liaison, title="慰问空巢老人",
                   starts_in=-timedelta(hours=5))
    second = f.task(world.item, world.liaison, title="楼前空地清理",
                    starts_in=-timedelta(hours=5, minutes=-30))
    for task in (first, second):
        db.session.add(Assignment(task_id=task.id, member_id=world.member.id,
                                  status=AssignmentStatus.checked_in))
    db.session.commit()
    login(world.member)
    assert SAID.format(title=first.title, when=_when(first)) in _page(
        client, f"/tasks/{second.id}")
    assert _page(client, "/tasks/mine?tab=confirm").count("您在同一时间还有一项活动") == 2


def test_hours_counted_elsewhere_are_hers_at_these_hours_only(client, login, world):
    """Whether her hours count at the same hours is asked of her and of the card's own
    hours: another member counted at them, or her own hours counted at other hours
    (a second pair of her cards), leave the two places that may both count told."""
    first, second, _apart = _two_at_once(client, login, world)
    # another member's hours count at the same hours
    there = f.task(world.item, world.liaison, title="另一活动", starts_in=timedelta(days=3))
    db.session.add(Assignment(task_id=there.id, member_id=world.other_member.id,
                              status=AssignmentStatus.done, minutes=60))
    # her own hours count on one of two activities at other hours
    counted = f.task(world.item, world.liaison, title="已计入的活动", starts_in=timedelta(days=6))
    beside = f.task(world.item, world.liaison, title="同时的另一项",
                    starts_in=timedelta(days=6, minutes=30))
    db.session.add(Assignment(task_id=counted.id, member_id=world.member.id,
                              status=AssignmentStatus.done, minutes=60))
    db.session.add(Assignment(task_id=beside.id, member_id=world.member.id,
                              status=AssignmentStatus.claimed))
    db.session.commit()
    assert SAID.format(title=second.title, when=_when(second)) in _page(
        client, f"/tasks/{first.id}")
    mine = _page(client, "/tasks/mine?tab=upcoming")
    assert SAID.format(title=second.title, when=_when(second)) in mine
    assert SAID.format(title=first.title, when=_when(first)) in mine
    assert mine.count("您在同一时间还有一项活动") == 2  # not 同时的另一项's: hers count there


FLASHED = "注意：您在同一时间还认领了“{title}”"


def _claim(client, task, **next_):
    """The claim's answer as the member reads it: the page it returns to."""
    response = client.post(f"/tasks/{task.id}/claim", query_string=next_)
    assert response.status_code == 302
    return _page(client, response.headers["Location"])


@pytest.mark.parametrize("back", [None, "/tasks/{id}", "/tasks/{id}?lang=zh"],
                         ids=["no next", "the page's own button", "its page with a query"])
def test_right_after_the_second_claim_its_page_says_it_once(client, login, world, back):
    """smallopen41: the claim returning to the task's page, which tells her itself
    (``held_alongside``), adds no flash saying the same thing again."""
    first = f.task(world.item, world.liaison, title="慰问空巢老人", starts_in=timedelta(days=3))
    second = f.task(world.item, world.liaison, title="楼前空地清理",
                    starts_in=timedelta(days=3, minutes=30))
    db.session.commit()
    login(world.member)
    _claim(client, first)
    page = _claim(client, second, **({} if back is None else {"next": back.format(id=second.id)}))
    assert "认领成功：楼前空地清理" in page
    assert SAID.format(title=first.title, when=_when(first)) in page
    assert FLASHED.format(title=first.title) not in page
    assert page.count("同一时间只计一次") == 1


def test_a_claim_returning_to_the_list_still_says_it(client, login, world):
    """The open list has no notice of its own: there the claim's flash says it."""
    first = f.task(world.item, world.liaison, title="慰问空巢老人", starts_in=timedelta(days=3))
    second = f.task(world.item, world.liaison, title="楼前空地清理",
                    starts_in=timedelta(days=3, minutes=30))
    db.session.commit()
    login(world.member)
    _claim(client, first, next="/tasks/")
    page = _claim(client, second, next="/tasks/")
    assert "认领成功：楼前空地清理" in page and FLASHED.format(title=first.title) in page
