"""A resident's kind (空巢老人 ↔ 困难群众) and the 服务对象 page in a 已定稿 month
(docs/design.md, "Refused in a 已定稿 month"; "A signed month's figures are changed by an
admin only"). An approved visit counts only the 服务对象 of the kind its category serves
(「慰问“空巢”老人1人（2人次）」), so a change of her kind changes the same figure as a change
of the visit's 服务对象: a liaison is refused it, naming the month, the form kept as typed
(review42 #1); an admin is told first which signed documents it changes, and 确认保存
saves it. On the 服务对象 page a liaison is told instead of being offered 保存, an admin
is told which signed documents a save changes (figures42 #1d, #4)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests import factories as f
from tests.residents.support import visit_task, world_resident
from tracker.extensions import db
from tracker.models import Resident, ResidentCategory
from tracker.services import ServiceError
from tracker.services.residents import (
    ResidentData,
    resident_shown_key,
    set_task_residents,
    update_resident,
)


def _served(client, world, day) -> str:
    text = re.sub(r"<[^>]+>", "", client.get(
        f"/reports/?unit={world.unit.id}&month={day.year}-{day.month:02d}").get_data(as_text=True))
    return re.search(r"慰问“空巢”老人(\d+人次|\d+人(?:（\d+人次）)?)", text).group(1)


def _data(elder, category) -> ResidentData:
    return ResidentData(community_id=elder.community_id, name=elder.name, category=category,
                        address=elder.address, phone=elder.phone, notes=elder.notes,
                        consent_date=elder.consent_date, consent_method=elder.consent_method,
                        paired_ids={m.id for m in elder.paired_members})


def _two_visits(world, *, signed: bool = True):
    """Two approved 慰问“空巢”老人 visits of one month naming 赵奶奶, each 受益 1; with
    ``signed`` the unit's 月报 of that month 已定稿."""
    elder = world_resident(world)
    first = visit_task(world)
    second = f.task(first.resource_item, world.liaison, leader=world.leader,
                    starts_in=-timedelta(days=1, hours=4), title="再次慰问空巢老人")
    db.session.commit()
    assert second.service_date.month == first.service_date.month
    for task in (first, second):
        set_task_residents(task, world.liaison, {elder.id})
        db.session.commit()
    f.reported(second, world.leader, approved=True, people_served=1)
    f.reported(first, world.leader, approved=True, people_served=1,
               signed_by=world.admin if signed else None)
    return elder, first


def _form(elder, category: str, **extra) -> dict:
    return {"name": elder.name, "category": category, "address": elder.address,
            "phone": elder.phone, "notes": elder.notes,
            "consent_date": elder.consent_date.isoformat(),
            "consent_method": elder.consent_method,
            "paired_ids": [str(m.id) for m in elder.paired_members],
            "shown": resident_shown_key(elder), **extra}


def test_a_liaisons_kind_change_is_refused_in_a_signed_month(client, login, world):
    """review42 #1, as the review wrote it: the signed month's figure stays."""
    elder, first = _two_visits(world)
    day = first.service_date
    login(world.admin)
    before = _served(client, world, day)
    refused = None
    try:
        update_resident(elder, world.liaison, _data(elder, ResidentCategory.needy))
        db.session.commit()
    except ServiceError as error:
        refused = str(error)
        db.session.rollback()
    after = _served(client, world, day)
    assert refused is not None and after == before, (before, after)
    assert f"{day.year}年{day.month}月的月报已定稿" in refused
    assert "更改其类别须由单位管理员操作" in refused
    assert f"该服务对象是其中{world.unit.name}已审核活动“" in refused  # the unit and the activity


def test_the_liaisons_form_says_so_and_keeps_what_was_typed(client, login, world):
    elder, first = _two_visits(world)
    day = first.service_date
    login(world.liaison)
    response = client.post(f"/residents/{elder.id}/edit",
                           data=_form(elder, "needy", notes="改为困难群众"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"{day.year}年{day.month}月的月报已定稿" in page and "更改其类别须由单位管理员操作" in page
    assert "改为困难群众" in page  # what was typed is kept
    # the 类别 comes back held as stored (review42b #1): the kind she typed cannot be
    # saved by her, the rest of what she typed can, with one more 保存
    select = re.search(r'<select[^>]*name="category"[^>]*>', page).group(0)
    assert "disabled" in select, select
    assert re.search(r'<option[^>]*selected[^>]*value="elderly"|<option[^>]*value="elderly"[^>]*selected',
                     page)
    db.session.expire_all()
    resident = db.session.get(Resident, elder.id)
    assert resident.category == ResidentCategory.elderly and resident.notes != "改为困难群众"


def test_a_liaisons_kind_change_in_an_open_month_is_saved(client, login, world):
    elder, _first = _two_visits(world, signed=False)
    login(world.liaison)
    response = client.post(f"/residents/{elder.id}/edit", data=_form(elder, "needy"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Resident, elder.id).category == ResidentCategory.needy


def test_an_admins_kind_change_names_the_signed_month_first(client, login, world):
    elder, first = _two_visits(world)
    day = first.service_date
    login(world.admin)
    before = _served(client, world, day)
    response = client.post(f"/residents/{elder.id}/edit",
                           data=_form(elder, "needy", notes="改为困难群众"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (f"更改类别会改变以下已定稿月报的当前数据：{world.unit.name}{day.year}年{day.month}月"
            in page)
    assert "确认保存" in page and 'name="confirmed" value="1"' in page
    assert "改为困难群众" in page  # the form comes back as typed
    assert "错误" not in page  # a question, not a refusal
    db.session.expire_all()
    assert db.session.get(Resident, elder.id).category == ResidentCategory.elderly
    response = client.post(f"/residents/{elder.id}/edit",
                           data=_form(elder, "needy", notes="改为困难群众", confirmed="1"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Resident, elder.id).category == ResidentCategory.needy
    assert _served(client, world, day) != before  # the change the page named


@pytest.mark.parametrize("signed", [False, True], ids=["open-month", "signed-month"])
def test_an_admins_other_edit_is_saved_at_once(client, login, world, signed):
    """Only a change of her kind moves the visits' figures: a new phone names nothing,
    and a kind change touching no signed month is saved at once."""
    elder, _first = _two_visits(world, signed=signed)
    login(world.admin)
    category = "elderly" if signed else "needy"
    response = client.post(f"/residents/{elder.id}/edit",
                           data=_form(elder, category, phone="13900000088"))
    assert response.status_code == 302


def test_the_residents_page_tells_a_liaison_instead_of_offering_save(client, login, world):
    """figures42 #4: an approved visit of a signed month — no 保存, the refusal said."""
    _elder, first = _two_visits(world)
    day = first.service_date
    login(world.liaison)
    page = client.get(f"/residents/task/{first.id}").get_data(as_text=True)
    assert f"{day.year}年{day.month}月的月报已定稿，更改该月已审核活动的服务对象须由单位管理员操作" in page
    assert 'name="residents"' not in page and ">保存</button>" not in page


def test_the_residents_page_names_the_signed_month_to_an_admin(client, login, world):
    """figures42 #1d: the admin's 保存 is offered, and the signed 月报 it changes named."""
    _elder, first = _two_visits(world)
    day = first.service_date
    login(world.admin)
    page = client.get(f"/residents/task/{first.id}").get_data(as_text=True)
    assert (f"保存服务对象会改变以下已定稿月报的当前数据：{world.unit.name}{day.year}年{day.month}月"
            in page)
    assert 'name="residents"' in page and ">保存</button>" in page


def test_the_residents_page_of_an_open_month_names_nothing(client, login, world):
    _elder, first = _two_visits(world, signed=False)
    for who in (world.admin, world.liaison):
        login(who)
        page = client.get(f"/residents/task/{first.id}").get_data(as_text=True)
        assert "已定稿" not in page and 'name="residents"' in page


def test_in_english(client, login, world):
    """The words of both pages in English: the liaison's refusal of a kind change, the
    admin's naming before it, and the 服务对象 page's."""
    import html

    elder, first = _two_visits(world)
    login(world.liaison)
    page = html.unescape(client.post(f"/residents/{elder.id}/edit?lang=en",
                                     data=_form(elder, "needy")).get_data(as_text=True))
    assert "only a unit administrator can change their category" in page
    page = html.unescape(client.get(f"/residents/task/{first.id}?lang=en").get_data(as_text=True))
    assert "only a unit administrator can change the beneficiaries" in page
    login(world.admin)
    page = html.unescape(client.post(f"/residents/{elder.id}/edit?lang=en",
                                     data=_form(elder, "needy")).get_data(as_text=True))
    assert "“Change category” will change the current data of these finalised monthly" in page
    assert "Confirm and save" in page
    page = html.unescape(client.get(f"/residents/task/{first.id}?lang=en").get_data(as_text=True))
    assert "“Save beneficiaries” will change the current data" in page


def test_a_signed_year_closes_the_kind_change_too(world):
    """A signed 年度总结 closes each month of its year alike: the refusal names the year."""
    from tracker.models import YearNote
    from tracker.timeutil import utcnow

    elder, first = _two_visits(world, signed=False)
    year = first.service_date.year
    db.session.add(YearNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                            year=year, finalized_at=utcnow(), finalized_by_id=world.admin.id))
    db.session.commit()
    with pytest.raises(ServiceError, match=f"{year}年度总结已定稿，该服务对象是其中"):
        update_resident(elder, world.liaison, _data(elder, ResidentCategory.needy))
    db.session.rollback()


def _edit_form(page: str):
    """What the register form on ``page`` posts (the form posting to its own page)."""
    from werkzeug.datastructures import MultiDict

    from tests.web.stale_support import PageForms

    parser = PageForms()
    parser.feed(page)
    [fields] = [fields for url, fields in parser.forms
                if not url and any(name == "shown" for name, _v in fields)]
    return MultiDict([tuple(field) for field in fields])


KIND_SINCE = "打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，未作任何更改。"


def test_an_admins_kind_change_confirmed_after_the_year_was_signed_names_it_first(
        client, login, world):
    """docs/design.md: "A month signed since the page that posted was read is said
    first, whichever page it was" (stalelock43 / residentkind42 Open). The form named
    the month; the 年度总结 is signed before 确认保存: the form comes back naming both,
    as typed, nothing saved — and its 确认保存 then saves."""
    from tests.reports.test_signed_named import named
    from tests.web.stale_support import text
    from tracker.models import YearNote
    from tracker.timeutil import utcnow

    elder, first = _two_visits(world)
    day = first.service_date
    login(world.admin)
    url = f"/residents/{elder.id}/edit"
    page = text(client.post(url, data=_form(elder, "needy", notes="改为困难群众")))
    (words,) = named(page)
    assert f"{world.unit.name}{day.year}年{day.month}月" in words and "年度总结" not in words
    db.session.add(YearNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                            year=day.year, finalized_at=utcnow(),
                            finalized_by_id=world.admin.id))  # signed since
    db.session.commit()

    response = client.post(url, data=_edit_form(page))
    assert response.status_code == 200
    again = text(response)
    assert KIND_SINCE in again
    (words,) = named(again)
    assert f"{world.unit.name}{day.year}年{day.month}月" in words
    assert f"已定稿年度总结的当前数据：{world.unit.name}{day.year}年" in words
    assert "改为困难群众" in again and "确认保存" in again  # as typed, asked again
    db.session.expire_all()
    resident = db.session.get(Resident, elder.id)
    assert resident.category == ResidentCategory.elderly and resident.notes != "改为困难群众"

    assert client.post(url, data=_edit_form(again)).status_code == 302
    db.session.expire_all()
    resident = db.session.get(Resident, elder.id)
    assert resident.category == ResidentCategory.needy and resident.notes == "改为困难群众"


def test_an_admins_kind_change_confirmed_with_no_key_is_saved_as_before(client, login, world):
    """A 确认保存 carrying no key (from no page of the app's) is not asked."""
    elder, _first = _two_visits(world)
    login(world.admin)
    response = client.post(f"/residents/{elder.id}/edit",
                           data=_form(elder, "needy", confirmed="1"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Resident, elder.id).category == ResidentCategory.needy


def test_a_month_signed_before_the_lock_asks_a_form_post_plainly(
        client, login, world, monkeypatch):
    """docs/design.md's ask-first rule (residentkind46, after refusalgone46): the words
    said first answer what the user was shown. The register form, posted straight (no
    naming page: nothing signed at the view's read), changes 赵奶奶's kind while the
    month of the visits naming her is signed before the save's share locks — written and
    committed in the save's own unit of work just before them, what they read when
    another admin's 定稿 commits in between. Nothing is saved, and the form comes back naming the month
    as the first time: the plain question, no 「…有了变化…」 (no page showed anything that
    changed), what was typed kept, 确认保存 offered."""
    from tests.reports.test_signed_named import named
    from tests.web.stale_support import text
    from tracker.models import SummaryNote
    from tracker.services import residents as service
    from tracker.timeutil import utcnow

    elder, first = _two_visits(world, signed=False)
    day = first.service_date
    real = service._kind_naming

    def sign():
        db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                                   year=day.year, month=day.month, finalized_at=utcnow(),
                                   finalized_by_id=world.admin.id))

    def signed_meanwhile(actor, resident, *, lock=False):
        if lock:
            monkeypatch.setattr(service, "_kind_naming", real)
            sign()
            # committed, as another admin's 定稿 is: it outlives the save's refusal,
            # which the form then names afresh (``NamedFirst.since`` reads it again)
            db.session.commit()
        return real(actor, resident, lock=lock)

    monkeypatch.setattr(service, "_kind_naming", signed_meanwhile)
    login(world.admin)
    url = f"/residents/{elder.id}/edit"
    response = client.post(url, data=_form(elder, "needy", notes="改为困难群众"))
    assert response.status_code == 200
    page = text(response)
    assert "有了变化" not in page and "错误" not in page  # a question, nothing said first
    (words,) = named(page)
    assert (f"更改类别会改变以下已定稿月报的当前数据：{world.unit.name}{day.year}年{day.month}月"
            in words)
    assert "改为困难群众" in page and "确认保存" in page  # as typed, asked
    db.session.expire_all()
    resident = db.session.get(Resident, elder.id)
    assert resident.category == ResidentCategory.elderly and resident.notes != "改为困难群众"

    # 确认保存 on the page naming it saves
    assert client.post(url, data=_edit_form(page)).status_code == 302
    db.session.expire_all()
    assert db.session.get(Resident, elder.id).category == ResidentCategory.needy
