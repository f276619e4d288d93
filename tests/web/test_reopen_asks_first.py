"""An admin's 撤销审核 asks once before it is done, as 作废 and 冲销 do (docs/design.md,
the actions that ask first; needwords41 Open): it takes an approved activity off every
figure until it is approved again, so one tap with a reason must not do it unasked.

Without scripts (or a dialog blocked) the POST is answered with a confirmation page
that names the activity, what 撤销审核 does — the members' hours no longer counted, the
needs its approval fulfilled moved back (or done by another approved week of the
series), a survey's findings no longer counted — and every 已定稿 月报 / 年度总结 it
changes, in the task page's words; the typed reason travels with it, and its 返回 brings
the task page back with the reason, nothing done. With scripts on, the task page's form
asks its own question only when no signed document changes (as 冲销 of an unsigned
month): with one, confirm.js would post ``confirmed`` and skip the page that names
them, so the form carries no question and its post reaches that page (review41 #1)."""
from __future__ import annotations

from datetime import date

from tests import factories as f
from tests.rollups import builders as b
from tests.services.test_void_need_moves import (approved_on, at, named,  # noqa: F401
                                                 sign, weekly)
from tests.web.manage_support import text
from tests.web.asked_on_task_support import asked_on_task
from tests.web.stale_support import form_on
from tests.web.test_manage_approved_task import _counted, _recorded
from tracker.extensions import db
from tracker.models import FindingKind, FindingStatus, ReportStatus, Task

REOPEN_NAMES = "撤销审核会改变以下已定稿月报的当前数据：{months}。"


_action, _form, _posted = asked_on_task("reopen")


def _status(task) -> ReportStatus:
    db.session.expire_all()
    return db.session.get(Task, task.id).report.status


def test_without_scripts_the_page_names_what_it_takes_off_and_carries_the_reason(
        client, login, world):
    task = _recorded(client, login, world)  # 张三 and 王组长, 2 h each
    login(world.admin)
    response = client.post(_action(task), data={"reopen-reason": "结束时间填错"})
    assert response.status_code == 200
    page = text(response)
    assert "确认撤销审核" in page and task.title in page
    assert "2名党员共4.0小时的服务时长暂不计入" in page
    assert "在重新审核通过前该活动不计入任何统计" in page
    assert 'name="confirmed" value="1"' in page and "结束时间填错" in page
    assert _status(task) == ReportStatus.approved and _counted(world, task) == (1, 2, 240)

    # 返回，不操作: the task page again with the reason as typed, nothing done
    back = client.post(_action(task), data={"reopen-reason": "结束时间填错", "returning": "1",
                                            "confirmed": "1"})
    assert back.status_code == 200
    page = text(back)
    assert _form(page, task) and "结束时间填错" in _form(page, task)
    assert "请填写撤销审核的原因" not in page and "确认撤销审核" not in page
    assert _status(task) == ReportStatus.approved

    done = client.post(_action(task), data={"reopen-reason": "结束时间填错", "confirmed": "1"})
    assert done.status_code == 302
    assert _status(task) == ReportStatus.returned and _counted(world, task) == (0, 0, 0)


def test_a_bad_reason_is_answered_on_the_task_page_with_what_was_typed(client, login, world):
    task = _recorded(client, login, world)
    login(world.admin)
    for confirmed in ("", "1"):  # from the task page or from the confirmation page
        response = client.post(_action(task), data={"reopen-reason": "  ",
                                                    "confirmed": confirmed})
        assert response.status_code == 200
        page = text(response)
        assert "请填写撤销审核的原因" in page and "确认撤销审核" not in page
        assert _form(page, task)
        long = "结束时间填错" * 84  # 504 characters
        page = text(client.post(_action(task), data={"reopen-reason": long,
                                                     "confirmed": confirmed}))
        assert "不能超过500个字" in page and long in page and "确认撤销审核" not in page
    assert _status(task) == ReportStatus.approved


def test_a_signed_month_is_named_on_the_page_its_tap_leads_to(client, login, world):
    task = b.task_on(world.item, world.liaison, date(2025, 11, 20))
    b.join(task, world.member)
    approved_on(task, world.liaison, date(2025, 11, 20))
    db.session.commit()
    sign(world.admin, world.unit, 2025, 11)
    login(world.admin)
    page = text(client.get(f"/manage/tasks/{task.id}"))
    assert "data-confirm" not in _form(page, task).split(">", 1)[0]  # no question skipping it

    response = client.post(_action(task), data=_posted(page, task, "人数有误"))
    assert response.status_code == 200  # the confirmation page, scripts on or off
    (words,) = named(response.get_data(as_text=True))
    assert REOPEN_NAMES.format(months=f"{world.unit.name}2025年11月") in words
    assert "确认撤销审核" in text(response) and "人数有误" in text(response)
    assert _status(task) == ReportStatus.approved

    confirmation = text(response)
    assert client.post(_action(task), data=form_on(confirmation, _action(task))
                       ).status_code == 302
    assert _status(task) == ReportStatus.returned


def test_with_nothing_signed_the_tap_still_reaches_the_page_naming_what_it_takes_off(
        client, login, world):
    """review42b #2: with scripts on and nothing signed, an in-page question said only
    「确定撤销审核吗？…」 and the post reopened at once — the hours, needs and findings it
    takes off named nowhere. The form asks nothing in the page, so what it posts (scripts
    on or off) gets the confirmation page, which names them; nothing is done before 确认."""
    task = _recorded(client, login, world)
    login(world.admin)
    page = text(client.get(f"/manage/tasks/{task.id}"))
    assert not named(page)
    assert "data-confirm=" not in _form(page, task).split(">", 1)[0]
    answer = client.post(_action(task), data=_posted(page, task, "时间填错"))
    assert answer.status_code == 200
    assert "暂不计入" in text(answer) and "确认撤销审核" in text(answer)
    assert _status(task) == ReportStatus.approved


def test_the_page_names_the_needs_another_week_takes_over(client, login, world,
                                                          weekly):  # noqa: F811
    finance, november_week = weekly
    login(world.admin)
    page = text(client.post(_action(november_week), data={"reopen-reason": "人数有误"}))
    assert "该活动完成的1项需求改由同一系列已审核通过的“每周代购”（2025-12-04）完成。" in page
    (words,) = named(page)
    assert REOPEN_NAMES.format(months="县财政局2025年12月") in words
    assert _status(november_week) == ReportStatus.approved


def test_a_week_whose_series_has_no_other_approved_week_names_its_needs_to_do_again(
        client, login, world, weekly):  # noqa: F811
    """The week taking the needs over is the earliest *approved* other week of the
    series (``task_needs.taken_over_by``): with the other week's report taken back,
    none takes them over, and the page says they are to do again."""
    _finance, november_week = weekly
    december_week = db.session.scalar(db.select(Task).where(
        Task.series_id == november_week.series_id, Task.id != november_week.id))
    december_week.report.status = ReportStatus.returned
    db.session.commit()
    login(world.admin)
    page = text(client.post(_action(november_week), data={"reopen-reason": "人数有误"}))
    assert "该活动完成的1项需求恢复为未完成，重新审核通过后再计为完成。" in page
    assert "改由同一系列" not in page
    assert _status(november_week) == ReportStatus.approved


def test_the_page_names_a_need_to_do_again_and_a_surveys_findings(client, login, world):
    from tests.needs.support import need
    from tracker.models import NeedStatus

    survey_item = f.item(world.unit, world.community, "facility_survey",
                         zone=f.zone(world.community, "二区", world.unit), target=30)
    survey = b.task_on(survey_item, world.liaison, date(2025, 11, 20), title="下水道摸排")
    b.join(survey, world.member)
    approved_on(survey, world.liaison, date(2025, 11, 20))
    b.finding(survey, world.member, FindingKind.sewer)
    b.finding(survey, world.member, FindingKind.road, FindingStatus.handed_over)
    b.finding(survey, world.member, FindingKind.sidewalk, active=False)  # taken off before
    wish = need(world.community, world.liaison, claimer=world.member,
                status=NeedStatus.fulfilled, title="疏通楼道下水道", posted_on=date(2025, 11, 3),
                wanted_by=date(2025, 11, 30))
    wish.task_id, wish.fulfilled_on = survey.id, date(2025, 11, 20)
    wish.fulfilled_at, wish.fulfilled_by_id = at(date(2025, 11, 20)), world.liaison.id
    db.session.commit()
    login(world.admin)
    page = text(client.post(_action(survey), data={"reopen-reason": "问题重复登记"}))
    assert "该活动完成的1项需求恢复为未完成，重新审核通过后再计为完成。" in page
    assert "登记的2处摸排问题及其移交、整改在重新审核通过前不计入统计，问题记录保留。" in page
    assert _status(survey) == ReportStatus.approved


# only more signed since: the sentence every 「确认…」 page says, naming the button it
# asks for by its label (small57: it said 「…请查看上方的说明后再确认撤销审核。」)
STALE = ("打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，未作任何更改。"
         "请查看上方的说明后再点击“确认撤销审核”。")


def _november(world):
    task = b.task_on(world.item, world.liaison, date(2025, 11, 20))
    b.join(task, world.member)
    approved_on(task, world.liaison, date(2025, 11, 20))
    db.session.commit()
    return task


def test_a_month_signed_after_the_task_page_was_read_is_named_before_reopen(
        client, login, world):
    """The page named nothing; November is signed before the tap: the post is answered
    with the confirmation page naming it, told it changed since, nothing done."""
    task = _november(world)
    login(world.admin)
    page = text(client.get(f"/manage/tasks/{task.id}"))
    assert not named(page)
    sign(world.admin, world.unit, 2025, 11)

    response = client.post(_action(task), data=_posted(page, task, "人数有误"))
    assert response.status_code == 200
    confirmation = text(response)
    assert STALE in confirmation and "确认撤销审核" in confirmation
    (words,) = named(response.get_data(as_text=True))
    assert REOPEN_NAMES.format(months=f"{world.unit.name}2025年11月") in words
    assert _status(task) == ReportStatus.approved

    # confirmed on the page that named it: done
    assert client.post(_action(task), data=form_on(confirmation, _action(task))
                       ).status_code == 302
    assert _status(task) == ReportStatus.returned


def test_a_month_signed_after_the_confirmation_page_was_read_is_named_again(
        client, login, world):
    task = _november(world)
    login(world.admin)
    confirmation = text(client.post(_action(task), data={"reopen-reason": "人数有误"}))
    assert not named(confirmation)
    sign(world.admin, world.unit, 2025, 11)
    response = client.post(_action(task), data=form_on(confirmation, _action(task)))
    assert response.status_code == 200 and STALE in text(response)
    assert "人数有误" in text(response)  # the reason travels on
    (words,) = named(response.get_data(as_text=True))
    assert REOPEN_NAMES.format(months=f"{world.unit.name}2025年11月") in words
    assert _status(task) == ReportStatus.approved
