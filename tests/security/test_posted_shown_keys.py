"""sec47 #4, #5: an edit page's ``shown`` (what its form showed, ``shown.shown_key``)
posted back as anyone may craft it. Its ids are read as a page of ours writes them
(``security.key_ids``): a list that is not all ids, or an id past the database's
INTEGER, is of no page — never a 500 at the first look-up or set."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.residents.support import resident as make_resident, visit_task
from tests.web.stale_support import by, form_on, signed_in, text
from tracker.extensions import db
from tracker.models import task_resident
from tracker.services.shown import shown_key

OVER_INT = 10 ** 20  # past any INTEGER column
OWN_PAGE = "no such action"  # ``form_on``: the form posting to its own page, with ``shown``


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}  # the real forms, as in production


def test_a_residents_list_of_no_ids_is_read_as_no_pages(app, world):
    """The 服务对象 page's leader (a plain member) posts a ticked resident with a
    ``shown`` of anything but ids: a post of no page, taken as it is (as with no key)."""
    task = visit_task(world)
    f.reported(task, world.leader, approved=True)
    elder = make_resident(world.community, world.liaison, name="钱奶奶",
                          phone="13800000002", paired=[world.leader])
    db.session.commit()
    leader = signed_in(app, world.leader)
    url = f"/residents/task/{task.id}"
    data = form_on(text(by(leader).get(url)), OWN_PAGE,
                   shown=shown_key({"residents": [{"a": 1}]}))
    data.setlist("residents", [str(elder.id)])
    response = by(leader).post(url, data=data)
    assert response.status_code == 302, response.status_code
    db.session.expire_all()
    assert set(db.session.scalars(select(task_resident.c.resident_id).where(
        task_resident.c.task_id == task.id))) == {elder.id}


@pytest.mark.parametrize("then", [{"community_ids": [OVER_INT]}, {"unit_id": OVER_INT}],
                         ids=["community_ids", "unit_id"])
def test_an_id_past_the_database_on_the_member_form_is_of_no_page(app, world, then):
    """The member form's choices keep what its page showed (``directory.shown_ids``):
    an id past the INTEGER was asked of the database. Now it is dropped, and the post,
    changing the field its key speaks of, is refused as changed since (nothing known
    of what the page showed) — the page shown again."""
    admin = signed_in(app, world.admin)
    url = f"/admin/members/{world.liaison.id}/edit"
    data = form_on(text(by(admin).get(url)), OWN_PAGE, shown=shown_key(then))
    if "community_ids" in then:
        data.setlist("community_ids", [str(world.other_community.id)])
    else:
        data["unit_id"] = str(f.unit("县财政局").id)
        db.session.commit()
    response = by(admin).post(url, data=data)
    assert response.status_code == 200, response.status_code


@pytest.mark.parametrize("then", [{"unit_id": OVER_INT}, {"community_id": OVER_INT}],
                         ids=["unit", "community"])
def test_an_id_past_the_database_on_the_checklist_item_form_is_of_no_page(app, world, then):
    """The item form's choices (``ReferenceForm.shown_ids``): an id of the key taken as
    it was, asked of the database."""
    admin = signed_in(app, world.admin)
    url = f"/admin/items/{world.item.id}/edit"
    data = form_on(text(by(admin).get(url)), OWN_PAGE, shown=shown_key(then))
    response = by(admin).post(url, data=data)
    assert response.status_code in (200, 302), response.status_code
