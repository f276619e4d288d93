"""The naming page of a move on no roll (unroll53, ``roll.off_roll_move``) says what moves
between the units: her participation (人次和时长), a 微心愿 she claimed alone
(``needs.need_unit``: the unit she is in now), or both. A need alone is not her
participation: saying 「…不在册期间的参与（人次和时长）从…移到…」 of a member who has
none was untrue (review53 #2, deadlock53)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from tests import factories as f
from tests.needs.support import need
from tests.reports.test_participation_story import approved_activity
from tests.web.roll_support import edit, member, page_of, promised_on
from tests.web.test_member_move_no_roll_work_named import notice, sign
from tracker.extensions import db
from tracker.models import Assignment, NeedStatus
from tracker.reports.summary import build_summary


def _claimed_alone(october, person):
    need(october.jiefang, october.liaison, status=NeedStatus.fulfilled, claimer=person,
         posted_on=date(2022, 10, 8), fulfilled_on=date(2022, 10, 20),
         wanted_by=date(2022, 10, 30))


def _moved(client, login, october, person):
    """The admin moves her to 县商务局: the naming page's notice, then 确认保存."""
    login(october.admin)
    data = {"name": person.name, "phone": person.phone, "unit_id": october.unit.id,
            "branch": person.branch or "", "role": person.role.value, "on_roll": "0",
            "roll_from": ""}
    first = client.post(edit(person.id), data=data)
    assert first.status_code == 200
    said = notice(page_of(first))
    client.post(edit(person.id), data={**data, "promised": promised_on(page_of(first))})
    assert member(person.id).unit_id == october.unit.id
    return said


def test_a_move_on_no_roll_of_a_need_alone_says_the_need_moves(client, login, october):
    finance = october.other_unit
    person = f.member(finance, name="韩梅", on_roll=False)
    _claimed_alone(october, person)
    db.session.commit()
    assert db.session.scalar(select(func.count(Assignment.id))
                             .where(Assignment.member_id == person.id)) == 0  # no work at all
    sign(october, finance, (2022, 10))
    before = build_summary(2022, 10, unit=finance)
    said = _moved(client, login, october, person)
    after = build_summary(2022, 10, unit=finance)
    changed = [p.heading for p, q in zip(before.paragraphs, after.paragraphs) if p.text != q.text]
    # what the save moved: the need's 完成 (结对 / 微心愿), no participation
    assert changed == ["一、落实结对共建责任。"], changed
    assert "韩梅不在册期间独自认领的需求或微心愿从县财政局移到县商务局" in said, said
    assert "参与（人次和时长）" not in said, said


def test_a_move_on_no_roll_of_work_and_a_need_says_both_move(client, login, october):
    finance = october.other_unit
    person = f.member(finance, name="韩梅", on_roll=False)
    approved_activity(october.unit, october.jiefang, october.liaison, 10, [person])
    _claimed_alone(october, person)
    db.session.commit()
    sign(october, finance, (2022, 10))
    said = _moved(client, login, october, person)
    assert ("韩梅不在册期间的参与（人次和时长）和其独自认领的需求或微心愿从县财政局移到县商务局"
            in said), said
