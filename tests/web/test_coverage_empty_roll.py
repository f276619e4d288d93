"""不漏一人 with nobody on the roll: the page says the roll is empty (an admin gets a
link to 导入党员), never 「在册党员都已参与」, which would claim full participation of
nobody (review "setup" #6). A roll where everyone took part still says so."""
from __future__ import annotations

import re

from tests import factories as f
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import ReportStatus, Role
from tracker.timeutil import local_today

ALL_TOOK_PART = "在册党员都已参与。"
NOBODY_ON_ROLL = "该期间本单位没有在册党员。"


def _coverage(client) -> str:
    response = client.get("/progress/coverage")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_unit_with_nobody_on_the_roll_is_not_said_to_have_taken_part_in_full(client, login):
    admin = f.member(f.unit("县商务局"), Role.admin, "王管理")  # not on the roll (staff)
    db.session.commit()
    login(admin)
    page = _coverage(client)
    assert ALL_TOOK_PART not in page
    assert NOBODY_ON_ROLL in page
    assert re.search(r'data-missing>[^<]*<a class="btn" href="/imports/members">', page)


def test_a_liaison_is_told_the_roll_is_empty_without_the_import_link(client, login):
    liaison = f.member(f.unit("县商务局"), Role.liaison, "联络员")
    db.session.commit()
    login(liaison)
    page = _coverage(client)
    assert ALL_TOOK_PART not in page and NOBODY_ON_ROLL in page
    assert "/imports/members" not in page


def test_a_unit_where_everyone_took_part_still_says_so(client, login):
    unit, community = f.unit("县商务局"), f.community("解放路社区")
    liaison = f.member(unit, Role.liaison, "联络员", communities=[community])
    member = f.member(unit, name="张三")  # the whole roll
    task = b.task_on(f.item(unit, community), liaison, local_today().replace(day=1), leader=member,
                     hour=0)  # at midnight: begun even early on the 1st
    b.join(task, member, minutes=60)
    b.report(task, member, ReportStatus.approved)
    db.session.commit()
    login(liaison)
    page = _coverage(client)
    assert ALL_TOOK_PART in page and NOBODY_ON_ROLL not in page
