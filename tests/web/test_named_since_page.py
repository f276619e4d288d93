"""confirm43 #1 and #4: a change posted from a page read before a month was signed.

docs/design.md: before an admin's 通过, 冲销 or a save of an approved visit's 服务对象 the
已定稿 月报 and 年度总结 it will change are named; "A month signed since the page that
posted was read is said first, whichever page it was" — as 作废 and 撤销审核 do. Each
page posts back what it named (its ``named`` key — 冲销's ``named_page.KEY`` —, "" for
nothing); when the change would now name something else, nothing is written and the page
comes back naming it afresh, what was typed kept. A post with no key at all (not from a
page of the app) behaves as before.

And 更换组长 (#4): a post from a page that showed another 组长 than the one stored now is
refused on the form — the leader was changed by someone else — before any naming page,
never asked as a change it would not make."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.funds.test_signed_reversal_named_with_scripts import _form, _posted
from tests.reports.test_signed_named import named, sign_october_and_the_year
from tests.residents.test_resident_kind_signed import _two_visits
from tests.web.stale_support import PageForms, form_on, text
from tests.web.test_named_first import _confirmation
from tracker.extensions import db
from tracker.models import FundEntry, ReportStatus, SummaryNote, Task
from tracker.services import unit_of_work
from tracker.services.funds import add_entry
from tracker.services.residents import task_residents
from tracker.services.tasks import change_leader
from tracker.timeutil import utcnow

MONTH = "县商务局2022年10月"


@pytest.mark.parametrize("where", ["report", "queue", "home"])
def test_an_approval_from_a_page_read_before_the_month_was_signed_names_it_first(
        client, login, october, where):
    login(october.admin)
    report = october.tasks["待审核整治"].report
    approve = f"/manage/reports/{report.id}/approve"
    url = {"report": f"/manage/reports/{report.id}", "queue": "/manage/reviews",
           "home": "/manage/"}[where]
    page = text(client.get(url))
    assert named(page) == []  # nothing signed when it was read
    sign_october_and_the_year(client, october)

    response = client.post(approve, data=form_on(page, approve))
    assert response.status_code == 200
    again = text(response)
    assert "打开页面之后，通过会改变的已定稿月报或年度总结有了变化，未作任何更改。" in again
    (words,) = named(again)
    assert f"通过会改变以下已定稿月报的当前数据：{MONTH}。" in words
    db.session.refresh(report)
    assert report.status == ReportStatus.submitted  # nothing written

    # 通过 on the page that names them: done
    assert client.post(approve, data=form_on(again, approve)).status_code == 302
    db.session.refresh(report)
    assert report.status == ReportStatus.approved


def test_an_approval_posted_with_no_key_is_done_as_before(client, login, october):
    login(october.admin)
    report = october.tasks["待审核整治"].report
    approve = f"/manage/reports/{report.id}/approve"
    data = form_on(text(client.get(f"/manage/reports/{report.id}")), approve)
    sign_october_and_the_year(client, october)
    del data["named"]  # not from a page of the app
    assert client.post(approve, data=data).status_code == 302
    db.session.refresh(report)
    assert report.status == ReportStatus.approved


def _reversal(entry_id: int):
    return db.session.scalar(select(FundEntry).where(FundEntry.reverses_id == entry_id))


def test_a_reversal_asked_in_the_page_before_the_month_was_signed_names_it_first(
        client, login, october):
    """Scripts on: the ledger's in-page question posts ``confirmed`` — it was asked
    when nothing was signed."""
    with unit_of_work():
        entry = add_entry(october.liaison, october.unit, october.jiefang, 2022,
                          entry_date=date(2022, 10, 20), amount_fen=30_000, purpose="购置物资")
    login(october.admin)
    ledger = text(client.get(f"/funds/{october.unit.id}/{october.jiefang.id}/2022"))
    posted = _posted(_form(ledger, entry.id), "重复录入")
    assert posted["confirmed"] == "1"  # asked in the page: nothing named
    sign_october_and_the_year(client, october)

    response = client.post(f"/funds/entries/{entry.id}/reverse", data=posted)
    assert response.status_code == 200 and _reversal(entry.id) is None
    page = text(response)
    assert "打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，未作任何更改。" in page
    (words,) = named(page)
    assert f"冲销会改变以下已定稿月报的当前数据：{MONTH}。" in words
    url = f"/funds/entries/{entry.id}/reverse"
    fields = form_on(page, url)
    assert fields["reason"] == "重复录入" and fields["confirmed"] == "1"  # as typed

    assert client.post(url, data=fields).status_code == 302
    assert _reversal(entry.id) is not None


def _residents_form(page: str):
    parser = PageForms()
    parser.feed(page)
    [fields] = [fields for url, fields in parser.forms
                if not url and any(name == "named" for name, _v in fields)]
    return dict(fields)


def test_a_visits_residents_saved_from_a_page_read_before_the_month_was_signed(
        client, login, world):
    elder, first = _two_visits(world, signed=False)
    login(world.admin)
    url = f"/residents/task/{first.id}"
    page = text(client.get(url))
    assert named(page) == []
    data = _residents_form(page)
    assert data["residents"] == str(elder.id)
    day = first.service_date
    db.session.add(SummaryNote(scope_key=f"unit:{first.unit_id}", unit_id=first.unit_id,
                               year=day.year, month=day.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))  # signed since
    db.session.commit()

    unticked = {k: v for k, v in data.items() if k != "residents"}
    response = client.post(url, data=unticked)
    assert response.status_code == 200
    again = text(response)
    assert "打开页面之后，保存服务对象会改变的已定稿月报或年度总结有了变化，未作任何更改。" in again
    (words,) = named(again)
    assert f"保存服务对象会改变以下已定稿月报的当前数据：{world.unit.name}{day.year}年{day.month}月" in words
    assert "residents" not in _residents_form(again)  # the untick kept
    db.session.expire_all()
    assert [r.id for r in task_residents(db.session.get(Task, first.id))] == [elder.id]

    assert client.post(url, data=_residents_form(again)).status_code == 302
    db.session.expire_all()
    assert task_residents(db.session.get(Task, first.id)) == []


LEADER_CHANGED = "您打开此页之后，组长已被他人改为{name}，请核对后重新保存。"


@pytest.mark.parametrize("choice", ["as-shown", "another"])
def test_a_leader_posted_from_a_page_older_than_anothers_change_is_refused_first(
        client, login, october, choice):
    """confirm43 #4: the page showed 组长 A, another admin changed it to B since; the post
    (A left as shown, or C picked) comes back on the form naming B, never a naming page
    for a change that would not be made — nor, after it, 「组长已改为 B」."""
    login(october.admin)
    sign_october_and_the_year(client, october)
    task = october.tasks["政策宣讲"]
    url = f"/manage/tasks/{task.id}/leader"
    page = text(client.get(f"/manage/tasks/{task.id}"))
    other, third = october.members["赵敏"], october.members["王芳"]
    assert task.leader_id not in (other.id, third.id)
    with unit_of_work():  # another admin's change, from a page of their own
        change_leader(task, other, october.admin)

    typed = {} if choice == "as-shown" else {"leader": str(third.id)}
    response = client.post(url, data=form_on(page, url, **typed))
    assert response.status_code == 200
    refused = text(response)
    assert LEADER_CHANGED.format(name=other.name) in refused
    assert "更换组长会改变" not in refused  # not asked: refused
    db.session.refresh(task)
    assert task.leader_id == other.id

    # chosen again on the refused page: now named first, then done knowingly
    response = client.post(url, data=form_on(refused, url))
    assert f"更换组长会改变以下已定稿月报的当前数据：{MONTH}。" in " ".join(named(text(response)))
    action, fields = _confirmation(text(response))
    assert client.post(action, data=fields).status_code == 302
    db.session.refresh(task)
    assert task.leader_id != other.id
