"""A namesake's phone is printed: the 月报 labels two 陈芳 of one unit and no 党支部 by
their numbers' last four (「陈芳（尾号0063）」, names.py). A new number given on the member
form changes that label in every signed document that printed her, as a change of
姓名 or 党支部 does, so the save names those months as it names theirs
(`summary_notes.reprinted`; review40 #3) — also when an erased member, labelled by
the mask kept of her old number, is given a new one."""
from datetime import date

import pytest

from tests import factories as f
from tests.rollups import builders as b
from tests.web.roll_support import page_of
from tracker.extensions import db
from tracker.models import SummaryScope
from tracker.reports import final
from tracker.services.member_retention import erase_contact

TOLD = "这次修改涉及已定稿的月报："


@pytest.fixture
def namesakes(world):
    """Two 陈芳 of the world unit, no 党支部, on an approved activity of a signed
    2022年11月."""
    one = f.member(world.unit, name="陈芳", phone="13900000063")
    two = f.member(world.unit, name="陈芳", phone="13900000071")
    task = b.task_on(world.item, world.liaison, date(2022, 11, 3))
    b.join(task, one)
    b.join(task, two)
    b.report(task, world.liaison)
    db.session.commit()
    final.finalize(world.admin, SummaryScope(unit_id=world.unit.id), 2022, 11)
    db.session.commit()
    return one, two


def _saved_with_phone(client, member, phone):
    data = {"name": member.name, "phone": phone, "unit_id": member.unit_id,
            "branch": member.branch or "", "role": member.role.value,
            "on_roll": "1" if member.on_roll else "0", "roll_from": ""}
    return page_of(client.post(f"/admin/members/{member.id}/edit", data=data,
                               follow_redirects=True))


def test_changing_a_namesakes_phone_names_the_signed_month_that_printed_it(
        client, login, world, namesakes):
    one, _two = namesakes
    login(world.admin)
    month = f"/reports/?unit={world.unit.id}&month=2022-11"
    before = page_of(client.get(month))
    assert "陈芳（尾号0063）" in before and "定稿后数据有变化" not in before

    page = _saved_with_phone(client, one, "13900000099")
    assert "已保存党员干部：陈芳" in page
    assert "定稿后数据有变化" in page_of(client.get(month))  # it now reads 「陈芳（尾号0099）」
    assert f"{TOLD}县商务局2022年11月" in page


def test_an_erased_namesake_given_a_new_number_names_the_month_her_mask_labelled(
        client, login, world, namesakes):
    one, _two = namesakes
    one.active = False
    erase_contact(one)  # 停用 past the retention period: the label keeps 139****0063
    db.session.commit()
    login(world.admin)
    month = f"/reports/?unit={world.unit.id}&month=2022-11"
    assert "定稿后数据有变化" not in page_of(client.get(month))

    page = _saved_with_phone(client, one, "13900000099")
    assert "定稿后数据有变化" in page_of(client.get(month))
    assert f"{TOLD}县商务局2022年11月" in page


def test_a_new_number_of_one_without_a_namesake_names_nothing(client, login, world):
    task = b.task_on(world.item, world.liaison, date(2022, 11, 3))
    b.join(task, world.member)
    b.report(task, world.liaison)
    db.session.commit()
    final.finalize(world.admin, SummaryScope(unit_id=world.unit.id), 2022, 11)
    db.session.commit()
    login(world.admin)
    page = _saved_with_phone(client, world.member, "13900000099")
    assert TOLD not in page
