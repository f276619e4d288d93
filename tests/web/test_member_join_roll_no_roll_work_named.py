"""A member on no roll (县财政局, 计入参与统计 否) works 县商务局's activity on 10 October:
her work counts for 县财政局, the unit she is in now (``stays.unit_then``: 「…另含不计入参与
统计的1人」 in 县财政局's 参与情况, and its 人次). A save that moves her to 县商务局 *and* onto
its roll from 5 October covers that day by 县商务局's stay, so her work leaves 县财政局's
October: the signed month is named first, on the member form and on the import's
preview (review52's first finding, rollb52). And a plain move of members on a roll reads
none of their history to find their work on no roll (review52's second finding)."""
from __future__ import annotations

import io
from datetime import date

from tests import factories as f
from tests.imports.helpers import HEADER, xlsx_bytes
from tests.imports.test_member_import_changed_since_preview import confirm_form
from tests.reports.test_participation_story import approved_activity, coverage_sentence
from tests.web.roll_support import edit, member, page_of, promised_on
from tests.web.test_member_move_no_roll_work_named import NAMED, notice, sign
from tracker.extensions import db
from tracker.reports.summary import build_summary
from tracker.services import roll


def worked_on_no_roll(october):
    """韩梅 (县财政局, on no roll) on 县商务局's activity of 10 October 2022."""
    person = f.member(october.other_unit, name="韩梅", on_roll=False)
    approved_activity(october.unit, october.jiefang, october.liaison, 10, [person])
    db.session.commit()
    return person


def test_joining_another_units_roll_from_before_her_no_roll_work_names_the_old_unit(
        client, login, october):
    finance, commerce = october.other_unit, october.unit
    person = worked_on_no_roll(october)
    before = build_summary(2022, 10, unit=finance)
    sign(october, finance, (2022, 10))
    login(october.admin)
    data = {"name": person.name, "phone": person.phone, "unit_id": commerce.id,
            "branch": person.branch or "", "role": person.role.value, "on_roll": "1",
            "roll_from": "2022-10-05"}
    first = client.post(edit(person.id), data=data)
    page = page_of(first) if first.status_code == 200 else ""
    named = notice(page) if 'id="form-final"' in page else "(nothing named)"
    if first.status_code == 200:
        client.post(edit(person.id), data={**data, "promised": promised_on(page)})
    assert member(person.id).unit_id == commerce.id
    # 县财政局's October (signed) changed: its 参与情况 words and 人次 ...
    assert coverage_sentence(before) != coverage_sentence(build_summary(2022, 10, unit=finance))
    # ... so it was named before the save
    assert NAMED in named and f"{finance.name}2022年10月" in named, (first.status_code, named)


def test_the_import_of_the_same_move_names_it_too(client, login, october):
    """The same move by the member import (a row with 单位 县商务局, 计入参与统计 是 and
    自何日起 2022-10-05): the preview names 县财政局's October."""
    finance, commerce = october.other_unit, october.unit
    person = worked_on_no_roll(october)
    before = coverage_sentence(build_summary(2022, 10, unit=finance))
    sign(october, finance, (2022, 10))
    login(october.admin)
    response = client.post("/imports/members", content_type="multipart/form-data", data={
        "file": (io.BytesIO(xlsx_bytes(
            [(person.name, person.phone, commerce.name, "", "", "", "是", "2022-10-05")],
            header=[*HEADER, "自何日起"])), "名单.xlsx")})
    url = response.headers["Location"]
    page = page_of(client.get(url))
    start = page.find('id="import-final"')
    named = page[start:page.find("</section>", start)] if start >= 0 else "(nothing named)"
    client.post(url, data=confirm_form(page, url), follow_redirects=True)
    moved = member(person.id)
    assert moved.unit_id == commerce.id and moved.on_roll, "not imported as a move onto the roll"
    # 县财政局's signed October lost her 人次 (「另含不计入参与统计的1人」)
    assert before != coverage_sentence(build_summary(2022, 10, unit=finance))
    assert f"{finance.name}2022年10月" in named, named


def test_a_plain_move_reads_none_of_her_history(october):
    """Members on a roll since always, with approved work and none of it on no roll, move
    to another unit: nothing is on no roll, so the statement returns no row (it read
    every participation of theirs before)."""
    people = [f.member(october.other_unit) for _ in range(3)]
    for n in range(4):
        approved_activity(october.unit, october.jiefang, october.liaison, 1 + n, people,
                          month=1 + n)
    db.session.commit()
    rows = db.session.execute(roll._on_no_roll([p.id for p in people])).all()
    assert rows == []
    changes = [roll.Change(day=date(2022, 11, 10), after=None,
                           left_unit_id=october.other_unit.id, joined_unit_id=october.unit.id,
                           member_id=p.id, units_now=(october.other_unit.id, october.unit.id))
               for p in people]
    assert roll.unit_now_moved(changes) == (set(), set())


def test_the_old_units_year_moves_too(october):
    """Her 10 October counts in 县财政局's 2022 年度总结 as in its October (the year's
    人次 by the unit of each day), so joining 县商务局's roll from 5 October moves both."""
    finance, commerce = october.other_unit, october.unit
    person = worked_on_no_roll(october)
    change = roll.Change(day=date(2022, 10, 5), after=None, left_unit_id=None,
                         joined_unit_id=commerce.id, member_id=person.id,
                         units_now=(finance.id, commerce.id))
    months, years = roll.unit_now_moved([change])
    assert (finance.id, 2022, 10) in months and (finance.id, 2022, 0) in years
    # joining her own unit's roll instead moves nothing of another unit's
    same = roll.Change(day=date(2022, 10, 5), after=None, left_unit_id=None,
                       joined_unit_id=finance.id, member_id=person.id, units_now=None)
    assert roll.unit_now_moved([same]) == (set(), set())
