"""The 服务对象 pages after a save refused for what the page named (``roll.NamedSince``),
when a signed document changed again after the service's rollback (since51, after
since50's ``NamedFirst.since``): a change of a resident's kind (the register form, its
own naming page) and a visit's 服务对象 (its page naming what a save changes).

docs/design.md ("The words said first answer what the user was shown"): the page shown
again names what the save changes **now**, read afresh — not what the service found
under its locks, rolled back with it —, and its words say what changed from what the page
named: a document re-opened since is said to be re-opened, and a page that named nothing
and names nothing now says its ``Then.none``, never 「…请查看上方的说明…」 over no
说明. Nothing is saved by the refused post.

The order is forced in one process: the month (or the year) is signed and committed in
the save's own unit of work just before its share locks are asked (what they read when
another admin's 定稿 commits in between), and another admin's 重新打开 commits after the
service's rollback, before the view answers (``_decided_after_the_rollback``)."""
from __future__ import annotations

import re

from tests.reports.test_signed_named import named
from tests.residents.test_resident_kind_signed import _edit_form, _form, _two_visits
from tests.web.stale_support import text
from tests.web.test_named_reopened_since import buttons
from tests.web.test_named_since_page import _residents_form
from tests.web.test_named_since_refused_again import _other_admin
from tests.web.test_named_since_refused_decisions import _decided_after_the_rollback
from tracker.extensions import db
from tracker.models import (Member, Resident, ResidentCategory, SummaryNote, SummaryScope, Task,
                            YearNote)
from tracker.services import residents as service
from tracker.services.residents import task_residents
from tracker.services.summary_notes import reopen
from tracker.timeutil import utcnow

# the plain form asked again, ending on its own 保存 (afresh52; then53 for the kind form)
SAVE_SIGNED_NOW = ("打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，现在不会改变已定稿的月报"
                   "或年度总结。未作任何更改；如仍要保存，请再次点击“保存”。")


def _reopened_named_now(month: str, then: str) -> str:
    """What a page says that named ``month``, re-opened since, and names others now,
    sending the user back to its button: ``then``, 「保存」 in its verb on 服务对象
    (afresh52), 「点击“确认保存”」 by its name on the kind form's naming (then55)."""
    return (f"打开页面之后，{month}已撤销定稿，未作任何更改。这次操作现在涉及的已定稿月报或"
            f"年度总结见本页的说明，请查看后再{then}。")


def _said(html: str) -> list[str]:
    return re.findall(r"打开页面之后[^<]*", html)


def _signed_under_the_lock(monkeypatch, name: str, note) -> None:
    """The service's next locked read (``service.name(..., lock=True)``) finds ``note()``
    signed: added and committed just before it, as another admin's 定稿 would be."""
    real = getattr(service, name)

    def signed_meanwhile(*args, lock=False, **kwargs):
        if lock:
            monkeypatch.setattr(service, name, real)
            db.session.add(note())
            db.session.commit()
        return real(*args, lock=lock, **kwargs)

    monkeypatch.setattr(service, name, signed_meanwhile)


def _month_note(world, day):
    return lambda: SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                               year=day.year, month=day.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id)


def _year_note(world, day):
    return lambda: YearNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                            year=day.year, finalized_at=utcnow(),
                            finalized_by_id=world.admin.id)


def _month_reopened_after_the_rollback(monkeypatch, world, day) -> dict:
    from tracker.residents import routes

    other = _other_admin(world)
    return _decided_after_the_rollback(monkeypatch, routes, lambda: reopen(
        db.session.get(Member, other), SummaryScope(unit_id=world.unit.id), day.year, day.month))


def _kind(elder_id: int) -> ResidentCategory:
    db.session.expire_all()
    return db.session.get(Resident, elder_id).category


def test_a_kind_change_from_the_form_naming_nothing_now_says_so(client, login, world,
                                                                 monkeypatch):
    """The form (nothing signed at the view's read) posted; the month signed before the
    save's locks, re-opened after its rollback: the form comes back naming nothing, with
    its Then.none and the plain 保存 — before since51, the month named (the service's
    rolled-back read) with 确认保存 and no word of why."""
    elder, first = _two_visits(world, signed=False)
    day = first.service_date
    login(world.admin)
    _signed_under_the_lock(monkeypatch, "_kind_naming", _month_note(world, day))
    seen = _month_reopened_after_the_rollback(monkeypatch, world, day)
    url = f"/residents/{elder.id}/edit"
    response = client.post(url, data=_form(elder, "needy", notes="改为困难群众"))
    assert response.status_code == 200
    page = text(response)
    assert seen["decided"] and named(page) == []
    # the plain form's 保存, as the form gives it back (then53; before: 「…请再次提交。」)
    assert _said(page) == [SAVE_SIGNED_NOW]
    assert "改为困难群众" in page and "确认保存" not in page  # as typed; the plain 保存
    assert "保存" in buttons(page)
    assert _kind(elder.id) == ResidentCategory.elderly

    assert client.post(url, data=_edit_form(page)).status_code == 302
    assert _kind(elder.id) == ResidentCategory.needy


def test_a_kind_change_confirmed_once_its_month_was_reopened_names_the_year_alone(
        client, login, world, monkeypatch):
    """确认保存 on the form naming the month; the year signed before the save's locks,
    the month re-opened after its rollback: the form names the year alone and says the
    month was re-opened — before since51, the month and the year (rolled back) with
    「…请查看上方的说明后再确认。」."""
    elder, first = _two_visits(world)
    day = first.service_date
    month = f"{world.unit.name}{day.year}年{day.month}月"
    login(world.admin)
    url = f"/residents/{elder.id}/edit"
    page = text(client.post(url, data=_form(elder, "needy", notes="改为困难群众")))
    assert month in " ".join(named(page))
    _signed_under_the_lock(monkeypatch, "_kind_naming", _year_note(world, day))
    seen = _month_reopened_after_the_rollback(monkeypatch, world, day)
    response = client.post(url, data=_edit_form(page))
    assert response.status_code == 200
    again = text(response)
    (words,) = named(again)
    assert seen["decided"] and month not in words
    assert f"已定稿年度总结的当前数据：{world.unit.name}{day.year}年" in words
    assert _said(again) == [_reopened_named_now(month, "点击“确认保存”")]
    assert "改为困难群众" in again and "确认保存" in again
    assert _kind(elder.id) == ResidentCategory.elderly

    assert client.post(url, data=_edit_form(again)).status_code == 302
    assert _kind(elder.id) == ResidentCategory.needy


def _named_ids(task_id: int) -> list[int]:
    db.session.expire_all()
    return [r.id for r in task_residents(db.session.get(Task, task_id))]


def test_a_visits_residents_from_a_page_naming_nothing_now_say_so(client, login, world,
                                                                  monkeypatch):
    """The 服务对象 page named nothing; the month signed before the save's locks,
    re-opened after its rollback: the page names nothing and says its Then.none, in its 保存
    (``THEN_SAVE.none``) — before
    since51, 「…有了变化，未作任何更改。请查看上方的说明后再保存。」 over no 说明."""
    elder, first = _two_visits(world, signed=False)
    day = first.service_date
    login(world.admin)
    url = f"/residents/task/{first.id}"
    page = text(client.get(url))
    assert named(page) == []
    _signed_under_the_lock(monkeypatch, "task_residents_signed", _month_note(world, day))
    seen = _month_reopened_after_the_rollback(monkeypatch, world, day)
    unticked = {k: v for k, v in _residents_form(page).items() if k != "residents"}
    response = client.post(url, data=unticked)
    assert response.status_code == 200
    again = text(response)
    assert seen["decided"] and named(again) == []
    assert _said(again) == [SAVE_SIGNED_NOW]
    assert "residents" not in _residents_form(again)  # the untick kept
    assert _named_ids(first.id) == [elder.id]

    assert client.post(url, data=_residents_form(again)).status_code == 302
    assert _named_ids(first.id) == []


def test_a_visits_residents_once_its_month_was_reopened_say_so_beside_the_year(
        client, login, world, monkeypatch):
    """The page named the month; the year signed before the save's locks, the month
    re-opened after its rollback: the page names the year alone and says the month was
    re-opened — before since51, 「…有了变化…请查看上方的说明后再保存。」, as if only more
    were signed."""
    elder, first = _two_visits(world)
    day = first.service_date
    month = f"{world.unit.name}{day.year}年{day.month}月"
    login(world.admin)
    url = f"/residents/task/{first.id}"
    page = text(client.get(url))
    assert month in " ".join(named(page))
    _signed_under_the_lock(monkeypatch, "task_residents_signed", _year_note(world, day))
    seen = _month_reopened_after_the_rollback(monkeypatch, world, day)
    unticked = {k: v for k, v in _residents_form(page).items() if k != "residents"}
    again = text(client.post(url, data=unticked))
    (words,) = named(again)
    assert seen["decided"] and month not in words
    assert f"已定稿年度总结的当前数据：{world.unit.name}{day.year}年" in words
    assert _said(again) == [_reopened_named_now(month, "保存")]
    assert _named_ids(first.id) == [elder.id]

    assert client.post(url, data=_residents_form(again)).status_code == 302
    assert _named_ids(first.id) == []
