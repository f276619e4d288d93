"""Permission matrix rows for 需求清单 / 微心愿 (blueprint ``needs``).

Everyone signed in sees the board and a need's page and may claim an open need; the
claimer (and the community's liaison, admins) may give it back and see the photo of
it done — others see the need, so they are refused (403); posting, editing, 确认完成
and 关闭 belong to the community's liaison and admins — a need of another community
answers 404 to those staff pages.
"""
import pytest

from tests.needs.support import world_need
from tests.web.matrix import (
    FORBIDDEN,
    HIDDEN,
    OK,
    STAFF_ANY,
    STAFF_NOT_FOUND,
    STAFF_OF_COMMUNITY,
    Route,
    cases_for,
    check,
    everyone,
)
from tracker.timeutil import local_today


def _need_form(w):
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import Category

    category = db.session.scalar(select(Category).where(Category.code == "household_assistance"))
    return {"kind": "wish", "title": "购买老花镜", "category": str(category.id),
            "wanted_by": local_today().isoformat(), "people": "1"}


def _nid(w, status="open"):
    return world_need(w, status).id


def _photo_nid(w):
    """A need ``member`` claimed, confirmed done with a photo."""
    from tests.onsite import samples
    from tracker.extensions import db
    from tracker.services.photos import store_image

    done = world_need(w, "fulfilled")
    if done.fulfil_photo is None:
        done.fulfil_photo, _processed = store_image(samples.small_png())
        db.session.commit()
    return done.id


CASES = [
    # the board and 我认领的需求 with a card on them (``member`` holds the claimed need)
    Route("needs.index", "GET", lambda w: f"/needs/?_={_nid(w)}", everyone(), id="board"),
    Route("needs.index", "GET", lambda w: f"/needs/?status=claimed&_={_nid(w, 'claimed')}",
          everyone(), id="board-claimed"),
    Route("needs.index", "GET", lambda w: "/needs/?status=zz&community=x&page=-1", everyone(),
          id="board-odd-filters"),
    Route("needs.index", "GET", lambda w: f"/needs/?status=overdue&community={w.community.id}",
          everyone(), id="board-overdue"),
    Route("needs.mine", "GET", lambda w: f"/needs/mine?_={_nid(w, 'claimed')}", everyone(),
          id="mine"),
    Route("needs.new", "GET", lambda w: "/needs/new", STAFF_ANY, id="new"),
    Route("needs.new", "GET", lambda w: f"/needs/new?community={w.community.id}", STAFF_ANY,
          id="new-in-A"),
    # other_liaison is shown the choice of their own communities; nothing is posted
    Route("needs.new", "POST", lambda w: f"/needs/new?community={w.community.id}", STAFF_ANY,
          data=_need_form, id="new-post"),
    Route("needs.detail", "GET", lambda w: f"/needs/{_nid(w)}", everyone(), id="detail"),
    Route("needs.detail", "GET", lambda w: "/needs/999999", everyone(HIDDEN), id="detail-missing"),
    Route("needs.edit", "GET", lambda w: f"/needs/{_nid(w)}/edit", STAFF_OF_COMMUNITY, id="edit"),
    Route("needs.edit", "POST", lambda w: f"/needs/{_nid(w)}/edit", STAFF_OF_COMMUNITY,
          data=_need_form, id="edit-post"),
    # 转为任务: the task form filled from a need of the liaison's community
    Route("manage.new_task", "GET", lambda w: f"/manage/tasks/new?need={_nid(w)}",
          STAFF_OF_COMMUNITY, id="need-to-task"),
    Route("manage.new_task", "GET", lambda w: "/manage/tasks/new?need=999999", STAFF_NOT_FOUND,
          id="need-to-task-missing"),
    Route("needs.claim", "POST", lambda w: f"/needs/{_nid(w)}/claim", everyone(), id="claim"),
    Route("needs.claim", "POST", lambda w: "/needs/999999/claim", everyone(HIDDEN),
          id="claim-missing"),
    Route("needs.release", "POST", lambda w: f"/needs/{_nid(w, 'claimed')}/release",
          {"member": OK, "liaison": OK, "admin": OK}, default=FORBIDDEN, id="release"),
    Route("needs.fulfil", "POST", lambda w: f"/needs/{_nid(w, 'claimed')}/fulfil",
          STAFF_OF_COMMUNITY, data={"note": "已送达"}, id="fulfil"),
    # the photo of a need done: its liaison, admins and whoever claimed it (``member``);
    # the others see the need, not its photo (403); a need with no photo has none (404)
    Route("needs.photo", "GET", lambda w: f"/needs/{_photo_nid(w)}/photo/full",
          {"member": OK, "liaison": OK, "admin": OK}, default=FORBIDDEN, id="fulfil-photo"),
    Route("needs.photo", "GET", lambda w: f"/needs/{_photo_nid(w)}/photo/thumb",
          {"member": OK, "liaison": OK, "admin": OK}, default=FORBIDDEN,
          id="fulfil-photo-thumb"),
    Route("needs.photo", "GET", lambda w: f"/needs/{_nid(w, 'claimed')}/photo/full",
          everyone(HIDDEN), id="no-photo"),

    Route("needs.close", "POST", lambda w: f"/needs/{_nid(w)}/close", STAFF_OF_COMMUNITY,
          data={"reason": "居民已自行解决"}, id="close"),
]


@pytest.mark.parametrize(**cases_for(CASES))
def test_need_permissions(client, login, route_world, route, actor):
    check(client, login, route_world, route, actor)
