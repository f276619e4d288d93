"""A task, a 需求 / 微心愿 and a 服务对象 edited from a page read before someone else
saved the same record (review "forms", session 28, #2).

The rule (the member form's, tests/web/test_admin_member_stale_page.py): the liaison and
an admin may both edit the same record. A save from an older page keeps the other's
change in every field it left as its page showed it — both changes are stored, nothing
silently put back. Where both changed the same field differently, the later save is
refused on the same page in Chinese (「该任务已被他人修改，请核对后重新保存。」 and the same
for 需求 and 服务对象), what was typed kept in the form, the other's value named, and the
first change stays in the database.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pytest

from tests.needs.support import world_need
from tests.residents.support import world_resident
from tests.web.stale_support import by, form_on, signed_in, text
from tracker.extensions import db
from tracker.models import Need, Resident, Task


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


@dataclass(frozen=True)
class Edited:
    """One edit page: where it is, the record as stored now, its refusal, and two
    fields with a value for each side."""

    page: Callable  # world → the edit page's URL
    model: type  # the record's, read again by the id in the page's URL
    refusal: str
    a: tuple[str, str, str]  # (field, the first saver's value, the second's)
    b: tuple[str, str]  # (field, the second saver's value)


def stored(edited: Edited, url: str):
    """The record the edit page ``url`` edits, as stored now."""
    db.session.expire_all()
    return db.session.get(edited.model, int(url.rstrip("/").split("/")[-2]))


TASK = Edited(lambda w: f"/manage/tasks/{w.task.id}/edit",
              Task,
              "该任务已被他人修改，请核对后重新保存。",
              ("place", "建设路社区活动室（改到二楼）", "解放路社区东门"),
              ("title", "清理小广告（请带手套）"))
NEED = Edited(lambda w: f"/needs/{world_need(w).id}/edit",
              Need,
              "该需求已被他人修改，请核对后重新保存。",
              ("description", "老人视力下降，需要300度", "需要200度"),
              ("title", "购买一副老花镜（加急）"))
RESIDENT = Edited(lambda w: f"/residents/{world_resident(w).id}/edit",
                  Resident,
                  "该服务对象的信息已被他人修改，请核对后重新保存。",
                  ("phone", "13912345678", "13900001111"),
                  ("notes", "腿脚不便，上门前先电话联系"))
FORMS = [pytest.param(TASK, id="task"), pytest.param(NEED, id="need"),
         pytest.param(RESIDENT, id="resident")]


def post(browser, url: str, page: str, **typed):
    return by(browser).post(url, data=form_on(page, url, **typed))


@pytest.fixture
def two(app, world):
    return signed_in(app, world.liaison), signed_in(app, world.admin)


@pytest.mark.parametrize("edited", FORMS)
def test_changes_to_different_fields_are_both_kept(two, world, edited):
    liaison, admin = two
    url = edited.page(world)
    liaison_page, admin_page = text(by(liaison).get(url)), text(by(admin).get(url))
    (a, first, _second), (b, mine) = edited.a, edited.b
    assert post(liaison, url, liaison_page, **{a: first}).status_code == 302
    assert post(admin, url, admin_page, **{b: mine}).status_code == 302  # from the old page
    record = stored(edited, url)
    assert (getattr(record, a), getattr(record, b)) == (first, mine)


@pytest.mark.parametrize("edited", FORMS)
def test_the_same_field_changed_by_both_is_refused_with_the_typed_text_kept(two, world, edited):
    liaison, admin = two
    url = edited.page(world)
    liaison_page, admin_page = text(by(liaison).get(url)), text(by(admin).get(url))
    (a, first, second), (b, mine) = edited.a, edited.b
    assert post(liaison, url, liaison_page, **{a: first}).status_code == 302
    response = post(admin, url, admin_page, **{a: second, b: mine})
    assert response.status_code == 200
    refused = text(response)
    assert edited.refusal in refused
    assert form_on(refused, url)[a] == second and form_on(refused, url)[b] == mine
    assert first in refused  # the other's value, named next to what was typed
    record = stored(edited, url)
    assert getattr(record, a) == first and getattr(record, b) != mine
    # Read on the refused page: posted again, what was typed is saved knowingly.
    assert post(admin, url, refused).status_code == 302
    record = stored(edited, url)
    assert (getattr(record, a), getattr(record, b)) == (second, mine)


@pytest.mark.parametrize("edited", FORMS)
def test_a_fresh_page_saves_at_once(two, world, edited):
    _liaison, admin = two
    url = edited.page(world)
    (b, mine) = edited.b
    assert post(admin, url, text(by(admin).get(url)), **{b: mine}).status_code == 302
    assert getattr(stored(edited, url), b) == mine
