"""A need (微心愿) is never posted for an erased 服务对象: the form does not list it and
the service refuses it in Chinese (walk 2, defect 1)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.needs.support import need_data
from tests.residents.support import world_resident
from tracker.extensions import db
from tracker.models import Need
from tracker.services import ServiceError
from tracker.services.needs import post_need
from tracker.services.residents import erase_resident


def _erased_but_active(world):
    """Erased, then put back on the active register as a 恢复 before this fix did."""
    r = world_resident(world)
    erase_resident(r, world.admin)
    r.active = True
    db.session.commit()
    return r


def test_the_need_form_does_not_offer_an_erased_resident(client, login, world):
    r = _erased_but_active(world)
    login(world.liaison)
    page = client.get(f"/needs/new?community={world.community.id}").get_data(as_text=True)
    assert f'value="{r.id}"' not in page.split('name="resident"', 1)[1].split("</select>", 1)[0]
    assert r.name not in page


def test_posting_a_need_for_an_erased_resident_is_refused(world):
    r = _erased_but_active(world)
    with pytest.raises(ServiceError, match="个人信息已删除") as refused:
        post_need(world.liaison, need_data(world, resident_id=r.id))
    assert refused.value.field == "resident"
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Need)) == 0
