"""通过 does what its page said of the check-ins, or nothing (review39b #5).

The rule (docs/design.md, "approve / return"): a review page names, before 通过, the
members checked in and unconfirmed whom 通过 counts at the activity's length and those
it leaves out, their time already counted on another activity at the same hours
(「本活动不按签到计入」). When that changes between the page and its 通过 — the other
activity's count gone (撤销审核 there, then its 组长 resubmits marking her 缺席), or a
count there made since — 通过 is refused back to the report's page in Chinese, saying
whose treatment changed, and nothing is written; the page shown again says what 通过
does now, and approves from it. The 工作台 offers its inline 通过 only where nobody is
left to confirm, a check-in included: it promises to count no check-in."""
from __future__ import annotations

import html
import re

import pytest

from tests.web.manage_support import assignment, fresh, submitted_report
from tests.web.manage_support import checked_in as _checked_in
from tests.web.manage_support import twin_task as _twin
from tests.web.stale_support import by, form_on, signed_in, text
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, AuditEvent, ReportStatus, TaskReport
from tracker.services import unit_of_work
from tracker.services.reviews import approve_report
from tracker.timeutil import to_local, utcnow

pytestmark = pytest.mark.usefixtures("both_figures")


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def _page(browser, where, report):
    return text(by(browser).get(f"/manage/reports/{report.id}" if where == "report"
                                else "/manage/reviews"))


def _approve(browser, page, report):
    url = f"/manage/reports/{report.id}/approve"
    return by(browser).post(url, data=form_on(page, url))


def _written(report, *held) -> tuple:
    """What 通过 would have written: the report's state, the check-ins' states, the
    audit rows of 通过 and of its 按签到计入."""
    db.session.expire_all()
    audited = db.session.query(AuditEvent).filter(
        AuditEvent.action.in_(("approve", "count_checked_in"))).count()
    return (fresh(TaskReport, report.id).status,
            [db.session.get(Assignment, a.id).status for a in held], audited)


def _words(page: str) -> str:
    return html.unescape(page)


@pytest.mark.parametrize("where", ["report", "queue"])
def test_her_count_elsewhere_gone_since_the_page_refuses_its_approval(app, world, where):
    """张三 checked in on both activities; 环境整治 approved 按签到计入 counts his two
    hours there. 清除小广告's page names him 「本活动不按签到计入」 and offers no
    按签到计入. Then an admin takes 环境整治's approval back (撤销审核) and its 组长
    resubmits it with 张三 缺席: his time counts nowhere now. 通过 from the page read
    before would count him at 清除小广告's length with no choice offered: it is refused,
    saying so, and nothing is written. The report's page read again offers him
    按签到计入, and approves from it."""
    past, twin = world.past_task, _twin(world)
    _checked_in(past, world.member)
    held = _checked_in(twin, world.member)
    with unit_of_work():
        approve_report(submitted_report(past, world.leader), world.liaison,
                       count_checked_in=True)
    db.session.commit()
    report = submitted_report(twin, world.leader)
    liaison = signed_in(app, world.liaison)
    page = _page(liaison, where, report)
    when = to_local(past.starts_at).strftime("%Y-%m-%d %H:%M")
    assert f"张三 在同一时间已计入“{past.title}”（{when}），本活动不按签到计入。" in _words(page)
    assert 'name="count_checked_in"' not in page  # nothing to choose

    admin, leader = signed_in(app, world.admin), signed_in(app, world.leader)
    assert by(admin).post(f"/manage/tasks/{past.id}/reopen",
                          data=form_on(text(by(admin).get(f"/manage/tasks/{past.id}")),
                                       f"/manage/tasks/{past.id}/reopen",
                                       **{"reopen-reason": "张三当时在清除小广告",
                                          "confirmed": "1"})
                          ).status_code == 302
    url = f"/tasks/{past.id}/report"
    data = form_on(text(by(leader).get(url)), url)
    data.add("absent", str(world.member.id))
    assert by(leader).post(url, data=data).status_code == 302
    assert fresh(Assignment, assignment(past, world.member).id).status == AssignmentStatus.absent

    before = _written(report, held)
    assert before[:2] == (ReportStatus.submitted, [AssignmentStatus.checked_in])
    response = _approve(liaison, page, report)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/manage/reports/{report.id}")
    assert _written(report, held) == before  # nothing written
    shown = _words(text(by(liaison).get(response.headers["Location"])))
    assert ("您打开页面之后，张三 在同一时间的其他活动上的服务时长现已不再计入，"
            "现在通过将按签到计入其服务时长。本次未作任何更改，请查看现在的情况后再审核。") in shown
    # the page as it is now: 张三 offered 按签到计入, ticked; its review keys unchanged, so
    # the 退回 reason typed on the device before is kept (static/js/drafts.js)
    assert "张三 已签到，尚未确认服务时长。审核通过后将不能再确认。" in shown
    assert "本活动不按签到计入" not in shown
    assert 'name="count_checked_in" value="1" checked' in shown
    return_url = f"/manage/reports/{report.id}/return"
    assert form_on(shown, return_url)["shown"] == form_on(
        text(by(liaison).get(f"/manage/reports/{report.id}")), return_url)["shown"]

    assert _approve(liaison, shown, report).status_code == 302
    assert _written(report, held) == (ReportStatus.approved, [AssignmentStatus.done],
                                      before[2] + 2)  # 通过 and its 按签到计入
    assert fresh(Assignment, held.id).minutes == 120


def test_a_count_elsewhere_made_since_the_page_refuses_its_approval(app, world):
    """The other way round: the page offers 按签到计入 for 张三 (nothing of his counted
    elsewhere yet) and 李四; 环境整治 is then approved 按签到计入, counting 张三 there.
    通过 from the page read before would leave him out where it said it counts him: it
    is refused, naming him, nothing written."""
    past, twin = world.past_task, _twin(world)
    _checked_in(past, world.member)
    mine, theirs = _checked_in(twin, world.member), _checked_in(twin, world.other_member)
    report = submitted_report(twin, world.leader)
    liaison = signed_in(app, world.liaison)
    page = _page(liaison, "report", report)
    assert "张三、李四 已签到，尚未确认服务时长。" in _words(page)
    with unit_of_work():
        approve_report(submitted_report(past, world.leader), world.liaison,
                       count_checked_in=True)
    db.session.commit()
    before = _written(report, mine, theirs)
    response = _approve(liaison, page, report)
    assert response.status_code == 302
    assert _written(report, mine, theirs) == before
    shown = _words(text(by(liaison).get(response.headers["Location"])))
    assert ("您打开页面之后，张三 现在在同一时间已计入其他活动，本活动将不按签到计入。"
            "本次未作任何更改，请查看现在的情况后再审核。") in shown
    assert "李四 已签到，尚未确认服务时长。" in shown


def test_unticked_nothing_is_counted_by_check_in_so_nothing_is_refused(app, world):
    """The reviewer who unticks 按签到计入 counts nobody by check-in: a change of whom it
    would have counted is no reason to refuse."""
    past, twin = world.past_task, _twin(world)
    _checked_in(past, world.member)
    mine = _checked_in(twin, world.member)
    report = submitted_report(twin, world.leader)
    liaison = signed_in(app, world.liaison)
    page = _page(liaison, "report", report)
    with unit_of_work():
        approve_report(submitted_report(past, world.leader), world.liaison,
                       count_checked_in=True)
    db.session.commit()
    url = f"/manage/reports/{report.id}/approve"
    data = form_on(page, url)
    data.pop("count_checked_in")
    assert by(liaison).post(url, data=data).status_code == 302
    assert _written(report, mine)[:2] == (ReportStatus.approved, [AssignmentStatus.checked_in])


def test_the_home_pages_approve_is_offered_only_with_no_check_in_to_count(app, world):
    """The 工作台's card of a report with a check-in not confirmed sends the reviewer to
    the report's page (no inline 通过); a card without one offers 通过, promising to count
    no check-in: a check-in found at 通过 all the same is not counted unseen."""
    twin = _twin(world)
    checked = submitted_report(world.past_task, world.leader)
    plain = submitted_report(twin, world.leader)
    for member in (world.member, world.leader):
        done = assignment(world.past_task, member)
        done.status, done.minutes = AssignmentStatus.done, 60
    late = _checked_in(world.past_task, world.other_member)
    liaison = signed_in(app, world.liaison)
    home = text(by(liaison).get("/manage/"))
    cards = dict(re.findall(r'/manage/reports/(\d+)"[^>]*>[^<]*</a></h3>(.*?)</article>',
                            home, re.S))
    assert f"/manage/reports/{checked.id}/approve" not in home
    assert "1 人尚未确认服务时长，请打开查看后再审核。" in _words(cards[str(checked.id)])
    assert f"/manage/reports/{plain.id}/approve" in home

    # a check-in on the plain card's activity the card never named (made by hand here:
    # check-in closes at the activity's end, before 通过 opens)
    stray = _checked_in(twin, world.other_member)
    url = f"/manage/reports/{plain.id}/approve?next=/manage/"
    response = by(liaison).post(url, data=form_on(home, f"/manage/reports/{plain.id}/approve"))
    assert response.status_code == 302
    assert _written(plain, stray)[:2] == (ReportStatus.submitted, [AssignmentStatus.checked_in])
    assert fresh(Assignment, late.id).status == AssignmentStatus.checked_in


def test_her_own_confirm_since_the_page_is_seen_before_approval(app, world):
    """The page said 张三's check-in counts at the activity's length (two hours); he then
    confirms an hour and a half himself, which 通过 would count instead: refused, naming
    him, nothing written — the page read again shows his own hours."""
    held = _checked_in(world.past_task, world.member)
    report = submitted_report(world.past_task, world.leader)
    liaison = signed_in(app, world.liaison)
    page = _page(liaison, "report", report)
    held = fresh(Assignment, held.id)
    held.status, held.minutes, held.confirmed_at = AssignmentStatus.done, 90, utcnow()
    db.session.commit()
    response = _approve(liaison, page, report)
    assert fresh(TaskReport, report.id).status == ReportStatus.submitted
    shown = _words(text(by(liaison).get(response.headers["Location"])))
    assert ("您打开页面之后，张三 的签到或确认情况有变化。本次未作任何更改，请查看现在的情况后再审核。"
            in shown)
    assert 'name="count_checked_in"' not in shown
    assert _approve(liaison, shown, report).status_code == 302
    assert fresh(Assignment, held.id).minutes == 90


@pytest.mark.parametrize("key, check_in", [
    # a key naming only an id of nobody, on an activity with nobody checked in: the
    # refusal once named nobody (「您打开页面之后，。」)
    ({"counted": [999999], "not_counted": []}, False),
    # no key this app wrote, 张三 checked in: the refusal once said his check-in had
    # changed, which nothing on the page could have said
    ("not-a-key", True),
], ids=["ids-of-nobody", "unreadable"])
def test_a_promise_that_names_nobody_says_the_page_was_out_of_date(app, world, key, check_in):
    """An unreadable or tampered promise (approverace): 通过 is refused, nothing
    written, in plain words — the page was out of date — with no empty list of names,
    and the report's page shown again approves."""
    from tracker.services.shown import shown_key

    held = [_checked_in(world.past_task, world.member)] if check_in else []
    report = submitted_report(world.past_task, world.leader)
    liaison = signed_in(app, world.liaison)
    page = _page(liaison, "report", report)
    before = _written(report, *held)
    url = f"/manage/reports/{report.id}/approve"
    data = form_on(page, url)
    data["promised"] = key if isinstance(key, str) else shown_key(key)
    response = by(liaison).post(url, data=data)
    assert response.headers["Location"].endswith(f"/manage/reports/{report.id}")
    assert _written(report, *held) == before
    shown = _words(text(by(liaison).get(response.headers["Location"])))
    assert "您打开的页面已不是最新的，本次未作任何更改，请查看现在的情况后再审核。" in shown
    assert "您打开页面之后" not in shown and "张三 的签到" not in shown
    assert _approve(liaison, shown, report).status_code == 302
    assert fresh(TaskReport, report.id).status == ReportStatus.approved
