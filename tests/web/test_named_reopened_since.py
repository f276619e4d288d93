"""A change confirmed on a page that named a 已定稿 month which has been re-opened
(撤销定稿) since (main43 Open / lockall43 Open).

docs/design.md, "Refused in a 已定稿 month": the page posts back the key of the signed
documents it named, and the change compares it with what it would change now; another
set and nothing is written. When the month it named is no longer signed the change is an
ordinary one — but not the one confirmed, so it is not done silently either: the page
comes back saying which documents were re-opened since and that the change now alters
no signed document, offering the plain action, what was typed kept. It must not send the
user to 「上方的说明」: nothing is named above. The same words for every page
(``reopened.words_since``): 通过, every ``named_page.NamedFirst`` change, 撤销审核 and
作废, a resident's kind."""
from __future__ import annotations

import re

import pytest

from tests.reports.test_signed_named import named
from tests.residents.test_resident_kind_signed import _edit_form, _two_visits
from tests.residents.test_resident_kind_signed import _form as _kind_form
from tests.web.asked_on_task_support import asked_on_task
from tests.web.stale_support import form_on, text
from tests.web.test_named_first import MONTH, _sign_october_only
from tests.web.test_named_first_since import CHANGES, _posted_again
from tests.web.test_named_since_page import _residents_form
from tracker.extensions import db
from tracker.models import Resident, ResidentCategory, ReportStatus, SummaryScope, Task
from tracker.services import unit_of_work
from tracker.services.residents import task_residents
from tracker.services.summary_notes import reopen

NOW_PLAIN = "已撤销定稿，这次操作现在不会改变已定稿的月报或年度总结。未作任何更改；"
# the page's own button, in its own verb (afresh52's Open, then53): the plain form's where
# the page gives it back — a 审核 通过, a 服务对象 保存 —, else the naming page's 「确认…」
# (before then53: 「…如仍要进行，请再次提交。」 over a page with no 提交)
APPROVE_AGAIN = "如仍要通过，请再次点击“通过”。"
SAVE_AGAIN = "如仍要保存，请再次点击“保存”。"
AGAIN = {"冲销": "如仍要冲销，请再次点击“确认冲销”。",
         "登记支出": "如仍要登记，请再次点击“确认登记”。",
         "登记移交": "如仍要登记移交，请再次点击“确认登记移交”。",
         "添加遗漏的参加人员": "如仍要添加，请再次点击“确认添加”。",
         "补录该活动": "如仍要补录，请再次点击“确认补录”。",
         "更换组长": "如仍要更换，请再次点击“确认更换”。",
         "撤销审核": "如仍要撤销审核，请再次点击“确认撤销审核”。",
         "作废": "如仍要作废，请再次点击“确认作废”。",
         "采纳": "如仍要采纳，请再次点击“确认采纳”。"}


def _reopen(unit, year: int, month: int, admin) -> None:
    """The month's 定稿 undone (重新打开), as the 月报 page's button does."""
    with unit_of_work():
        reopen(admin, SummaryScope(unit_id=unit.id), year, month)


def _says_reopened(page: str, month: str, again: str) -> None:
    """The page names the month re-opened since and points at nothing that is not there:
    the button its words send the user to is the page's own."""
    assert f"打开页面之后，{month}{NOW_PLAIN}{again}" in page, page
    assert named(page) == []  # no block naming signed documents …
    assert "上方的说明" not in page and "现在的说明" not in page  # … so none pointed at
    (button,) = re.findall(r"“([^”]+)”", again)
    assert button in buttons(page), buttons(page)


def buttons(page: str) -> list[str]:
    """The labels of the page's buttons, as drawn."""
    return [label.strip() for label in re.findall(r"<button[^>]*>([^<]*)</button>", page)]


def test_an_approval_from_a_page_naming_a_month_re_opened_since(client, login, october):
    login(october.admin)
    _sign_october_only(client, october)
    report = october.tasks["待审核整治"].report
    approve = f"/manage/reports/{report.id}/approve"
    page = text(client.get(f"/manage/reports/{report.id}"))
    assert MONTH in " ".join(named(page))  # read while October was signed
    _reopen(october.unit, 2022, 10, october.admin)

    response = client.post(approve, data=form_on(page, approve))
    assert response.status_code == 200
    again = text(response)
    _says_reopened(again, MONTH, APPROVE_AGAIN)
    db.session.refresh(report)
    assert report.status == ReportStatus.submitted  # nothing written

    # 通过 on the page as it is now: the plain approval
    assert client.post(approve, data=form_on(again, approve)).status_code == 302
    db.session.refresh(report)
    assert report.status == ReportStatus.approved


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
def test_a_named_first_change_confirmed_after_its_month_was_re_opened(
        client, login, october, change):
    login(october.admin)
    _sign_october_only(client, october)
    case = CHANGES[change]
    before = case.before(october)
    url, typed = case.post(client, october)
    page = client.post(url, data=typed).get_data(as_text=True)
    (words,) = named(page)
    assert MONTH in words
    action, fields = _posted_again(page)
    _reopen(october.unit, 2022, 10, october.admin)

    response = client.post(action, data=fields)
    assert response.status_code == 200
    db.session.expire_all()
    assert not case.done(october, before)  # nothing done
    again = response.get_data(as_text=True)
    _says_reopened(text(response), MONTH, AGAIN[change])
    action, fields = _posted_again(again)
    assert {k: fields[k] for k in typed} == typed  # every typed field carried again

    # confirmed as it is now: done
    assert client.post(action, data=fields).status_code == 302
    db.session.expire_all()
    assert case.done(october, before)


_reopen_action = asked_on_task("reopen").action
_void_action = asked_on_task("void").action


def _status(task) -> ReportStatus:
    db.session.expire_all()
    return db.session.get(Task, task.id).report.status


def test_an_unapproval_confirmed_after_its_month_was_re_opened(client, login, october):
    login(october.admin)
    _sign_october_only(client, october)
    task = october.tasks["政策宣讲"]
    action = _reopen_action(task)
    confirmation = text(client.post(action, data={"reopen-reason": "人数有误"}))
    assert MONTH in " ".join(named(confirmation))
    _reopen(october.unit, 2022, 10, october.admin)

    response = client.post(action, data=form_on(confirmation, action))
    assert response.status_code == 200
    again = text(response)
    _says_reopened(again, MONTH, AGAIN["撤销审核"])
    assert "确认撤销审核" in again and "人数有误" in again  # asked again, the reason kept
    assert _status(task) == ReportStatus.approved

    assert client.post(action, data=form_on(again, action)).status_code == 302
    assert _status(task) == ReportStatus.returned


def test_a_void_confirmed_after_its_month_was_re_opened(client, login, october):
    login(october.admin)
    _sign_october_only(client, october)
    task = october.tasks["政策宣讲"]
    action = _void_action(task)
    # the confirmation page answers the unconfirmed post (walk45 #3: no reason in a URL)
    confirmation = text(client.post(action, data={"void-reason": "活动未举行"}))
    assert MONTH in " ".join(named(confirmation))
    _reopen(october.unit, 2022, 10, october.admin)

    response = client.post(action, data=form_on(confirmation, action))
    assert response.status_code == 200
    again = text(response)
    _says_reopened(again, MONTH, AGAIN["作废"])
    assert "确认作废" in again and "活动未举行" in again
    assert _status(task) == ReportStatus.approved

    assert client.post(action, data=form_on(again, action)).status_code == 302
    assert _status(task) == ReportStatus.voided


def test_a_kind_change_confirmed_after_its_month_was_re_opened(client, login, world):
    elder, first = _two_visits(world)
    day = first.service_date
    month = f"{world.unit.name}{day.year}年{day.month}月"
    login(world.admin)
    url = f"/residents/{elder.id}/edit"
    page = text(client.post(url, data=_kind_form(elder, "needy", notes="改为困难群众")))
    assert month in " ".join(named(page))
    _reopen(world.unit, day.year, day.month, world.admin)

    response = client.post(url, data=_edit_form(page))
    assert response.status_code == 200
    again = text(response)
    _says_reopened(again, month, SAVE_AGAIN)
    assert "改为困难群众" in again and "确认保存" not in again  # as typed; the plain 保存
    db.session.expire_all()
    assert db.session.get(Resident, elder.id).category == ResidentCategory.elderly

    assert client.post(url, data=_edit_form(again)).status_code == 302
    db.session.expire_all()
    assert db.session.get(Resident, elder.id).category == ResidentCategory.needy


def test_a_visits_residents_saved_after_the_month_was_re_opened(client, login, world):
    elder, first = _two_visits(world)
    day = first.service_date
    month = f"{world.unit.name}{day.year}年{day.month}月"
    login(world.admin)
    url = f"/residents/task/{first.id}"
    page = text(client.get(url))
    assert month in " ".join(named(page))
    _reopen(world.unit, day.year, day.month, world.admin)

    unticked = {k: v for k, v in _residents_form(page).items() if k != "residents"}
    response = client.post(url, data=unticked)
    assert response.status_code == 200
    again = text(response)
    _says_reopened(again, month, SAVE_AGAIN)
    assert "residents" not in _residents_form(again)  # the untick kept
    db.session.expire_all()
    assert [r.id for r in task_residents(db.session.get(Task, first.id))] == [elder.id]

    assert client.post(url, data=_residents_form(again)).status_code == 302
    db.session.expire_all()
    assert task_residents(db.session.get(Task, first.id)) == []


def test_a_month_re_opened_while_its_year_stays_signed_is_named_with_the_year_left(
        client, login, october):
    """Something signed is left (the 年度总结): the page names it, and says which month
    is no longer signed — not only that 「…有了变化」."""
    login(october.admin)
    _sign_october_only(client, october)
    assert client.post(f"/reports/annual/finalize?unit={october.unit.id}&year=2022",
                       data={"confirmed": "1"}).status_code == 302
    url, typed = CHANGES["登记支出"].post(client, october)
    page = client.post(url, data=typed).get_data(as_text=True)
    (words,) = named(page)
    assert MONTH in words and "年度总结" in words
    action, fields = _posted_again(page)
    _reopen(october.unit, 2022, 10, october.admin)

    response = client.post(action, data=fields)
    assert response.status_code == 200
    again = text(response)
    assert (f"打开页面之后，{MONTH}已撤销定稿，未作任何更改。这次操作现在涉及的已定稿月报或年度总结"
            "见本页的说明，请查看后再点击“确认登记”。") in again
    (words,) = named(again)
    assert "年度总结的当前数据：县商务局2022年" in words and "已定稿月报" not in words
    action, fields = _posted_again(again)
    assert client.post(action, data=fields).status_code == 302  # confirmed as named now


def test_an_adoption_confirmed_after_its_month_was_re_opened_is_said_on_the_queue(
        client, login, world):
    """采纳's page named nothing now is no page at all: the queue says it, its 采纳 being
    the plain change — and 采纳 there adopts."""
    from tests import factories as f
    from tests.backfill_requests.support import asked_for_past_task
    from tests.backfill_requests.test_adopt_signed_named import _confirmation, _done
    from tracker.models import RequestStatus

    task = world.past_task
    request = asked_for_past_task(world, minutes=90)
    f.reported(task, world.leader, approved=True, signed_by=world.admin)
    month = f"{world.unit.name}{task.service_date.year}年{task.service_date.month}月"
    before = _done(task)
    url = f"/backfill-requests/{request.id}/adopt"
    login(world.admin)
    page = client.post(url).get_data(as_text=True)
    assert month in " ".join(named(page))
    action, fields = _confirmation(page)
    _reopen(world.unit, task.service_date.year, task.service_date.month, world.admin)

    response = client.post(action, data=fields, follow_redirects=True)
    db.session.expire_all()
    assert request.status == RequestStatus.pending and _done(task) == before
    _says_reopened(text(response), month, AGAIN["采纳"])

    assert client.post(url).status_code == 302  # the plain 采纳: done at once
    db.session.expire_all()
    assert request.status == RequestStatus.adopted and _done(task) == before + 1


def test_an_unapproval_from_a_task_page_read_before_the_month_was_re_opened(
        client, login, october):
    """The task page's 撤销审核 form (no question in the page: a month named) reaches the
    confirmation page, which says the month is no longer signed."""
    login(october.admin)
    _sign_october_only(client, october)
    task = october.tasks["政策宣讲"]
    action = _reopen_action(task)
    page = text(client.get(f"/manage/tasks/{task.id}"))
    assert MONTH in " ".join(named(page))
    _reopen(october.unit, 2022, 10, october.admin)

    response = client.post(action, data=asked_on_task("reopen").posted(page, task, "人数有误"))
    assert response.status_code == 200
    confirmation = text(response)
    _says_reopened(confirmation, MONTH, AGAIN["撤销审核"])
    assert "确认撤销审核" in confirmation and _status(task) == ReportStatus.approved
    assert client.post(action, data=form_on(confirmation, action)).status_code == 302
    assert _status(task) == ReportStatus.returned
