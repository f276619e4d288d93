"""The register form in a 已定稿 month (review42b #1, #3; docs/design.md "Refused in a
已定稿 month": "a page that would offer a refused action says so instead").

A liaison may not change the kind (空巢老人 ↔ 困难群众) of a resident named on an approved
visit of a signed month: the save refuses it (``kind_change_closed``). Her edit page
says so before she types — the 类别 held (disabled: it posts nothing), the refusal's
words beside it — and the rest of the form is still offered and saved, the kind kept
as stored. The 组长's 服务对象 page of such a month says only that an admin changes them:
no word of a save nor of asking the liaison, whom the same refusal meets."""
from __future__ import annotations

import html
import re
from datetime import timedelta

from tests import factories as f
from tests.page_statements import signed_in_statements
from tests.residents.test_resident_kind_signed import _data, _form, _two_visits
from tracker.extensions import db
from tracker.models import Resident, ResidentCategory
from tracker.services.residents import resident_shown_key, set_task_residents, update_resident

REFUSAL = "更改其类别须由单位管理员操作"


def _sign(task, admin) -> None:
    """The unit's 月报 of the task's month 已定稿 (as ``factories.reported`` signs it)."""
    from tracker.models import SummaryNote
    from tracker.timeutil import utcnow

    day = task.service_date
    db.session.add(SummaryNote(scope_key=f"unit:{task.unit_id}", unit_id=task.unit_id,
                               year=day.year, month=day.month, finalized_at=utcnow(),
                               finalized_by_id=admin.id))
    db.session.commit()


def _select(page: str) -> str:
    return re.search(r'<select[^>]*name="category"[^>]*>', page).group(0)


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def test_the_liaisons_edit_page_says_so_instead_of_offering_the_kind(client, login, world):
    """review42b #1, as the review wrote it."""
    elder, _first = _two_visits(world)  # two approved visits naming her, the month 已定稿
    login(world.liaison)
    page = client.get(f"/residents/{elder.id}/edit").get_data(as_text=True)
    select = _select(page)
    # what the POST will answer, refusing the save
    refused = client.post(f"/residents/{elder.id}/edit",
                          data=_form(elder, "needy")).get_data(as_text=True)
    assert REFUSAL in refused
    # the page offered it with no word of that: the select is live and nothing says so
    assert "disabled" in select or REFUSAL in page, select


def test_the_held_kind_is_said_beside_it_and_the_rest_is_offered(client, login, world):
    elder, first = _two_visits(world)
    day = first.service_date
    login(world.liaison)
    page = client.get(f"/residents/{elder.id}/edit").get_data(as_text=True)
    select = _select(page)
    assert "disabled" in select and "required" not in select, select
    # the stored kind shown, the words of the save's refusal next to the field
    assert re.search(r'<option (?:selected value="elderly"|value="elderly" selected)', page)
    help_id = re.search(r'aria-describedby="([^"]*)"', select).group(1).split()[-1]
    beside = _text(re.search(rf'<p class="help" id="{help_id}">(.*?)</p>', page, re.S).group(1))
    assert f"{day.year}年{day.month}月的月报已定稿" in beside and REFUSAL in beside, beside
    # every other field is still offered, and 保存
    for name in ("name", "address", "phone", "notes", "consent_date", "consent_method"):
        control = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', page).group(0)
        assert "disabled" not in control, control
    assert ">保存</button>" in page


def test_her_other_edits_save_and_the_kind_stays(client, login, world):
    """The page posted as a browser posts it: the disabled 类别 sends nothing."""
    elder, _first = _two_visits(world)
    login(world.liaison)
    client.get(f"/residents/{elder.id}/edit")
    posted = _form(elder, "elderly", notes="女儿每周六来看望", phone="13900001111")
    del posted["category"]
    response = client.post(f"/residents/{elder.id}/edit", data=posted)
    assert response.status_code == 302, _text(response.get_data(as_text=True))[:600]
    db.session.expire_all()
    saved = db.session.get(Resident, elder.id)
    assert (saved.notes, saved.phone) == ("女儿每周六来看望", "13900001111")
    assert saved.category == ResidentCategory.elderly


def test_a_held_form_refused_elsewhere_keeps_the_field_held(client, login, world):
    """Another field refused: the page comes back as typed, the 类别 still held, with
    no 请选择类别 of the field she could not touch."""
    elder, _first = _two_visits(world)
    login(world.liaison)
    posted = _form(elder, "elderly", name="", notes="留下的备注")
    del posted["category"]
    page = client.post(f"/residents/{elder.id}/edit", data=posted).get_data(as_text=True)
    assert "请填写姓名。" in page and "请选择类别。" not in page
    assert "留下的备注" in page and "disabled" in _select(page)
    assert REFUSAL in _text(page)


def test_a_post_without_the_kind_keeps_the_kind_stored_now(world):
    """The service: no 类别 posted is no change of it — another's change made since
    (an admin's) stays, whatever the page showed."""
    elder, _first = _two_visits(world, signed=False)
    shown_then = _data(elder, None)
    shown = resident_shown_key(elder)
    update_resident(elder, world.admin, _data(elder, ResidentCategory.needy))
    db.session.commit()
    shown_then.notes = "只改备注"
    update_resident(elder, world.liaison, shown_then, shown=shown)
    db.session.commit()
    db.session.expire_all()
    saved = db.session.get(Resident, elder.id)
    assert (saved.category, saved.notes) == (ResidentCategory.needy, "只改备注")


def test_an_open_month_offers_the_kind(client, login, world):
    elder, _first = _two_visits(world, signed=False)
    login(world.liaison)
    page = client.get(f"/residents/{elder.id}/edit").get_data(as_text=True)
    assert "disabled" not in _select(page) and REFUSAL not in page


def test_an_admin_is_offered_the_kind_in_a_signed_month(client, login, world):
    """No 定稿 refuses an admin: the field is live (a change is named before it saves)."""
    elder, _first = _two_visits(world)
    login(world.admin)
    page = client.get(f"/residents/{elder.id}/edit").get_data(as_text=True)
    assert "disabled" not in _select(page) and REFUSAL not in page


def test_the_held_kind_in_english(client, login, world):
    elder, _first = _two_visits(world)
    login(world.liaison)
    page = html.unescape(client.get(f"/residents/{elder.id}/edit?lang=en").get_data(as_text=True))
    assert "only a unit administrator can change their category" in page
    assert "disabled" in _select(page)


def _statements(client, login, count_queries, who, url) -> tuple[int, str]:
    """``page_statements``, the test's own read ended first: the page writes (its view
    record, as 查看住址、电话和备注), which SQLite holds back behind an open read."""
    login(who)
    return signed_in_statements(client, count_queries, url)


def test_the_question_costs_the_page_one_statement_however_many_visits(
        client, login, world, count_queries):
    """The page asks the save's own question once, in one statement: 2 visits of one
    month or 6 over five months (some signed) read alike, and the page with the field
    held costs the liaison no more than an open one."""
    elder, first = _two_visits(world, signed=False)
    url = f"/residents/{elder.id}/edit"
    open_count, page = _statements(client, login, count_queries, world.liaison, url)
    assert "disabled" not in _select(page)
    _sign(first, world.admin)
    few, page = _statements(client, login, count_queries, world.liaison, url)
    assert "disabled" in _select(page)
    for months in (1, 2, 3, 4):
        visit = f.task(first.resource_item, world.liaison, leader=world.leader,
                       starts_in=-timedelta(days=1 + 31 * months), title=f"第{months}次慰问")
        db.session.commit()
        set_task_residents(visit, world.liaison, {elder.id})
        db.session.commit()
        f.reported(visit, world.leader, approved=True, people_served=1,
                   signed_by=world.admin if months % 2 else None)
    many, page = _statements(client, login, count_queries, world.liaison, url)
    assert "disabled" in _select(page) and REFUSAL in _text(page)
    assert many == few == open_count, (open_count, few, many)
