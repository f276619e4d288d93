"""A move on the member form (单位, from its 自何日起) names first every signed month and
year it changes (docs/design.md, "a change that alters a signed document is named
first"), and that includes those it changes through the member's work on days on no
roll: that work counts for the unit she is in *now* (``stays.unit_then``), so a later
move takes it — its 人次 and hours, and 参与情况's 「参与时未在册，人次和时长计入其现所在单位…」
— from one unit to the other, in months long before the move's own (roll52, the third
bullet of roll51's Open), and so does a need she claimed alone on such a day. The
import names the same (``roll.signed_by``)."""
from __future__ import annotations

import io
from datetime import date

from tests import factories as f
from tests.imports.helpers import HEADER, xlsx_bytes
from tests.imports.test_member_import_changed_since_preview import confirm_form
from tests.needs.support import need
from tests.reports.test_participation_story import approved_activity, coverage_sentence
from tests.web.roll_support import edit, member, page_of, promised_on
from tracker.extensions import db
from tracker.models import NeedStatus, SummaryScope
from tracker.reports import final
from tracker.reports.summary import build_summary
from tracker.services import roll

NAMED = "保存可能改变以下已定稿月报的当前数据："


def on_no_roll_then_joined(october, unit):
    """韩梅 (``unit``) works 县商务局's activity on 10 October while on no roll, and joins
    ``unit``'s roll on 15 October: her work counts for ``unit``, the unit she is in now."""
    person = f.member(unit, name="韩梅", on_roll=False)
    approved_activity(october.unit, october.jiefang, october.liaison, 10, [person])
    person.on_roll = True
    roll.settle(person, date(2022, 10, 15))
    db.session.commit()
    return person


def sign(october, unit, *months) -> None:
    for year, month in months:
        final.finalize(october.admin, SummaryScope(unit_id=unit.id), year, month)
    db.session.commit()


def moved_to(person, unit, day: str) -> dict:
    return {"name": person.name, "phone": person.phone, "unit_id": unit.id,
            "branch": person.branch or "", "role": person.role.value, "on_roll": "1",
            "roll_from": day}


def notice(page: str) -> str:
    start = page.find('id="form-final"')
    assert start >= 0, "the page names nothing signed"
    return page[start:page.find("</section>", start)]


def test_a_move_names_the_signed_month_of_her_work_on_no_roll(client, login, october):
    person = on_no_roll_then_joined(october, october.other_unit)
    finance, commerce = october.other_unit.name, october.unit.name
    before = coverage_sentence(build_summary(2022, 10, unit=october.other_unit))
    assert "计入其现所在单位" not in before  # her work is 县财政局's own, she its roll's
    sign(october, october.other_unit, (2022, 10))
    sign(october, october.unit, (2022, 10))
    login(october.admin)
    data = moved_to(person, october.unit, "2022-11-10")
    first = client.post(edit(person.id), data=data)
    # nothing signed from November: before roll52 the move was saved at once, unnamed
    assert first.status_code == 200, "the move was saved without naming October"
    assert member(person.id).unit_id == october.other_unit.id  # nothing saved yet
    page = page_of(first)
    # both units' October: 县财政局's 参与情况 words and 人次, 县商务局's lead and 人次
    assert f"{NAMED}{commerce}2022年10月、{finance}2022年10月。" in notice(page)
    assert ">确认保存</button>" in page
    done = client.post(edit(person.id), data={**data, "promised": promised_on(page)},
                       follow_redirects=True)
    assert member(person.id).unit_id == october.unit.id
    # the pages' own comparisons find both changed: what was named is what changed
    assert (f"这次修改涉及已定稿的月报：{commerce}2022年10月、{finance}2022年10月。"
            in page_of(done))
    assert ("参与时未在册，人次和时长计入其现所在单位县商务局" in
            coverage_sentence(build_summary(2022, 10, unit=october.other_unit)))


def test_the_unit_whose_roll_holds_her_is_named_too(client, login, october):
    """The month's roll unit is neither unit of the move: 韩梅 joined 县财政局's roll on
    15 October, moved to 县教育局 on 5 November; 县财政局's October says her work counts
    for 县教育局. Moved on to 县商务局 on 1 December, it says 县商务局: 县财政局's signed
    October is named, its roll of 31 October holding her."""
    education = f.unit("县教育局")
    person = on_no_roll_then_joined(october, october.other_unit)
    person.unit_id = education.id
    roll.settle(person, date(2022, 11, 5))
    db.session.commit()
    assert "计入其现所在单位县教育局" in coverage_sentence(
        build_summary(2022, 10, unit=october.other_unit))
    sign(october, october.other_unit, (2022, 10))
    login(october.admin)
    data = moved_to(member(person.id), october.unit, "2022-12-01")
    first = client.post(edit(person.id), data=data)
    assert first.status_code == 200, "the move was saved without naming October"
    assert f"{NAMED}{october.other_unit.name}2022年10月。" in notice(page_of(first))
    client.post(edit(person.id), data={**data, "promised": promised_on(page_of(first))})
    assert "计入其现所在单位县商务局" in coverage_sentence(
        build_summary(2022, 10, unit=october.other_unit))


def test_the_import_names_it_too(client, login, october):
    """The member import's preview (``member_import.planned``, ``roll.signed_by``) names
    the same October before 确认导入, and 确认导入 imports the move."""
    person = on_no_roll_then_joined(october, october.other_unit)
    sign(october, october.other_unit, (2022, 10))
    login(october.admin)
    response = client.post("/imports/members", content_type="multipart/form-data", data={
        "file": (io.BytesIO(xlsx_bytes(
            [(person.name, person.phone, october.unit.name, "", "", "", "", "2022-11-10")],
            header=[*HEADER, "自何日起"])), "名单.xlsx")})
    url = response.headers["Location"]
    page = page_of(client.get(url))
    start = page.find('id="import-final"')
    assert start >= 0, "the preview names nothing signed"
    assert (f"导入可能改变以下已定稿月报的当前数据：{october.other_unit.name}2022年10月。"
            in page[start:page.find("</section>", start)])
    done = page_of(client.post(url, data=confirm_form(page, url), follow_redirects=True))
    assert member(person.id).unit_id == october.unit.id
    assert f"这次导入涉及已定稿的月报：{october.other_unit.name}2022年10月。" in done


def test_a_need_she_claimed_on_no_roll_is_named_too(client, login, october):
    """A need a member claimed alone counts for the unit of her stay on its claim day,
    else the unit she is in now (``needs.need_unit``): 韩梅 (县财政局, on no roll) claims a
    微心愿 posted on 8 October and fulfils it on 20 October, and joins 县财政局's roll on
    25 October — its 完成 is 县财政局's October's. Moved to 县商务局 from 10 November, it
    is 县商务局's: the move names 县财政局's signed October."""
    person = f.member(october.other_unit, name="韩梅", on_roll=False)
    need(october.jiefang, october.liaison, status=NeedStatus.fulfilled, claimer=person,
         posted_on=date(2022, 10, 8), fulfilled_on=date(2022, 10, 20),
         wanted_by=date(2022, 10, 30))
    person.on_roll = True
    roll.settle(person, date(2022, 10, 25))
    db.session.commit()
    sign(october, october.other_unit, (2022, 10))
    login(october.admin)
    data = moved_to(person, october.unit, "2022-11-10")
    first = client.post(edit(person.id), data=data)
    assert first.status_code == 200, "the move was saved without naming October"
    page = page_of(first)
    assert f"{NAMED}{october.other_unit.name}2022年10月。" in notice(page)
    done = client.post(edit(person.id), data={**data, "promised": promised_on(page)},
                       follow_redirects=True)
    assert (f"这次修改涉及已定稿的月报：{october.other_unit.name}2022年10月。"
            in page_of(done))
