"""A member on no roll — 计入参与统计 否, a liaison (staff: off by default), or 停用 — whose
单位 is changed moves no roll, yet every day of her work is on no roll and counts for the
unit she is in now (``stays.unit_then``: 「参与时未在册，人次和时长计入其现所在单位…」), so
the save takes ALL her work — 人次, hours, 参与情况's words — from one unit to the other.
A signed document it changes is named first (docs/design.md, the member form's roll
change): the member form names the signed months and years of both units before the save,
in words true of it (she changes no roll), and its service compares under its locks what
was named, keyed without a 自何日起 (``roll.off_roll_move``, ``roll.change_key``); the
import's preview names them and 确认导入 compares (unroll53: roll52's and rollb52's Open)."""
from __future__ import annotations

import io
from datetime import date

import pytest

from tests import factories as f
from tests.imports.helpers import HEADER, xlsx_bytes
from tests.imports.test_member_import_changed_since_preview import confirm_form
from tests.reports.test_participation_story import approved_activity, coverage_sentence
from tests.web.roll_support import edit, member, page_of, promised_on
from tests.web.test_member_move_no_roll_work_named import NAMED, notice, sign
from tracker.extensions import db
from tracker.models import Role, SummaryScope
from tracker.reports.summary import build_summary
from tracker.services import roll
from tracker.timeutil import local_today

ROLL_WORDS = "这次保存会改变在册人数"  # untrue of a move on no roll
STALE = "打开页面之后，这次保存涉及的已定稿月报或年度总结有了变化，请查看上方的说明后再确认保存。"
IMPORT_STALE = "预览之后，这次导入涉及的已定稿月报或年度总结有了变化，未导入任何数据。"


def _off_roll(october, kind: str):
    """韩梅 of 县财政局 on no roll (``kind``), on 县商务局's activity of 10 October 2022
    (approved): her work counts for 县财政局, the unit she is in now."""
    finance = october.other_unit
    if kind == "liaison":
        person = f.member(finance, Role.liaison, name="韩梅", communities=[october.jiefang])
    elif kind == "inactive":
        person = f.member(finance, name="韩梅", active=False)
    else:
        person = f.member(finance, name="韩梅", on_roll=False)
    approved_activity(october.unit, october.jiefang, october.liaison, 10, [person])
    db.session.commit()
    assert roll.open_period(person) is None  # on no roll, ever
    return person


def _moved(person, unit) -> dict:
    """The member form as its page posts it, 单位 changed, nothing else."""
    data = {"name": person.name, "phone": person.phone, "unit_id": unit.id,
            "branch": person.branch or "", "role": person.role.value,
            "on_roll": "1" if person.on_roll else "0", "roll_from": ""}
    if person.role == Role.liaison:
        data["community_ids"] = [c.id for c in person.communities]
    return data


@pytest.mark.parametrize("kind", ["not_counted", "liaison", "inactive"])
def test_a_move_on_no_roll_names_both_units_signed_october_first(client, login, october,
                                                                 kind):
    finance, commerce = october.other_unit, october.unit
    person = _off_roll(october, kind)
    sign(october, finance, (2022, 10))
    sign(october, commerce, (2022, 10))
    before = coverage_sentence(build_summary(2022, 10, unit=finance))
    assert "计入其现所在单位" in before or "不计入参与统计" in before, before
    login(october.admin)
    data = _moved(person, commerce)

    first = client.post(edit(person.id), data=data)
    # before unroll53: saved at once (302), nothing named
    assert first.status_code == 200, "the move was saved without naming October"
    assert member(person.id).unit_id == finance.id  # nothing saved until 确认保存
    page = page_of(first)
    said = notice(page)
    assert (f"尚未保存：这次保存不改变在册人数，但会把韩梅不在册期间的参与（人次和时长）从{finance.name}"
            f"移到{commerce.name}，涉及已定稿的月报或年度总结。") in said
    assert ROLL_WORDS not in said
    assert f"{NAMED}{commerce.name}2022年10月、{finance.name}2022年10月。" in said
    assert ">确认保存</button>" in page and promised_on(page).startswith(":")

    done = client.post(edit(person.id), data={**data, "promised": promised_on(page)},
                       follow_redirects=True)
    assert member(person.id).unit_id == commerce.id
    # what was named is what changed: 县财政局's October lost her work
    assert coverage_sentence(build_summary(2022, 10, unit=finance)) != before
    assert (f"这次修改涉及已定稿的月报：{commerce.name}2022年10月、{finance.name}2022年10月。"
            in page_of(done))


def test_a_move_on_no_roll_names_the_signed_years_too(october):
    """The 年度总结 of both units' 2022 count her 人次 too: the service's set holds them
    (``roll.signed_after`` of ``roll.off_roll_move``)."""
    from tracker.reports import annual_final

    finance, commerce = october.other_unit, october.unit
    person = _off_roll(october, "not_counted")
    for unit in (finance, commerce):
        annual_final.finalize_year(october.admin, SummaryScope(unit_id=unit.id), 2022)
    db.session.commit()
    change = roll.off_roll_move(person, None, (finance.id, commerce.id))
    assert change is not None and not change.dated
    signed = roll.signed_after(change, local_today())
    assert {(y.unit_id, y.year) for y in signed.years} == {(finance.id, 2022),
                                                           (commerce.id, 2022)}
    # a member on a roll, or one not moved, is no such move
    assert roll.off_roll_move(person, finance.id, (finance.id, commerce.id)) is None
    assert roll.off_roll_move(person, None, (finance.id, finance.id)) is None


def test_a_month_signed_before_the_saves_read_is_named_afresh(client, login, october,
                                                              monkeypatch):
    """The page named 县财政局's October; 县商务局's October is signed and committed just
    before the confirmed save takes the member's lock (another admin's 定稿 committing
    in between, forced in one process): refused, nothing saved, the page names both
    afresh with the form's own words; confirmed again, saved. (On PostgreSQL a 定稿 held
    open across the save's read: ``tests/services/test_off_roll_move_signed_race.py``.)"""
    from tracker.reports import final

    finance, commerce = october.other_unit, october.unit
    person = _off_roll(october, "not_counted")
    sign(october, finance, (2022, 10))
    login(october.admin)
    data = _moved(person, commerce)
    page = page_of(client.post(edit(person.id), data=data))
    assert f"{NAMED}{finance.name}2022年10月。" in notice(page)

    real = roll.lock_member

    def signed_meanwhile(*args, **kwargs):
        # committed before the save's first lock: the request has written nothing yet
        monkeypatch.setattr(roll, "lock_member", real)
        final.finalize(october.admin, SummaryScope(unit_id=commerce.id), 2022, 10)
        db.session.commit()
        return real(*args, **kwargs)

    monkeypatch.setattr(roll, "lock_member", signed_meanwhile)
    again = client.post(edit(person.id), data={**data, "promised": promised_on(page)})
    assert again.status_code == 200, "saved on a key that no longer names what it changes"
    assert member(person.id).unit_id == finance.id
    again_page = page_of(again)
    assert STALE in again_page
    assert f"{NAMED}{commerce.name}2022年10月、{finance.name}2022年10月。" in notice(again_page)

    client.post(edit(person.id), data={**data, "promised": promised_on(again_page)})
    assert member(person.id).unit_id == commerce.id


def _upload(client, person, unit) -> str:
    response = client.post("/imports/members", content_type="multipart/form-data", data={
        "file": (io.BytesIO(xlsx_bytes(
            [(person.name, person.phone, unit.name, "", "", "", "否", "")],
            header=[*HEADER, "自何日起"])), "名单.xlsx")})
    assert response.status_code == 302
    return response.headers["Location"]


def _import_named(page: str) -> str:
    start = page.find('id="import-final"')
    return "(nothing named)" if start < 0 else page[start:page.find("</section>", start)]


def test_the_import_names_it_and_compares_it(client, login, october):
    """A row moving her to 县商务局 (计入参与统计 否 still): the preview names 县财政局's
    signed October; 县商务局's October signed after the preview, 确认导入 imports nothing
    and the preview names both; confirmed again, imported."""
    finance, commerce = october.other_unit, october.unit
    person = _off_roll(october, "not_counted")
    sign(october, finance, (2022, 10))
    login(october.admin)
    url = _upload(client, person, commerce)
    page = page_of(client.get(url))
    named = _import_named(page)
    assert f"导入可能改变以下已定稿月报的当前数据：{finance.name}2022年10月。" in named, named
    assert "不在册期间的参与所计入的单位" in named

    sign(october, commerce, (2022, 10))
    refused = page_of(client.post(url, data=confirm_form(page, url), follow_redirects=True))
    assert member(person.id).unit_id == finance.id, "imported on a stale preview"
    assert IMPORT_STALE in refused
    assert (f"导入可能改变以下已定稿月报的当前数据：{commerce.name}2022年10月、{finance.name}"
            "2022年10月。") in _import_named(refused)

    done = page_of(client.post(url, data=confirm_form(refused, url), follow_redirects=True))
    assert member(person.id).unit_id == commerce.id
    assert f"这次导入涉及已定稿的月报：{commerce.name}2022年10月、{finance.name}2022年10月。" in done


def test_leaving_every_roll_moves_her_covered_work_from_her_own_day_only(october):
    """rollb52's ``leaving``, one table of values for all (unroll53's (2)): two members
    on 县财政局's roll since always, each on 县商务局's activity of 20 October, leave
    every roll with a move to 县商务局 — 甲 from 15 October, 乙 from 25 October. From her
    day of leaving, her covered work counts for the unit she is in now and moves with
    her: 甲's 20 October does; 乙's is before her day, on her stay, and does not — each
    member's own day, not another's."""
    finance, commerce = october.other_unit, october.unit
    first, second = (f.member(finance, name=n) for n in ("甲", "乙"))
    approved_activity(commerce, october.jiefang, october.liaison, 20, [first, second])
    db.session.commit()
    changes = [roll.Change(day=day, after=None, left_unit_id=finance.id, joined_unit_id=None,
                           member_id=person.id, units_now=(finance.id, commerce.id))
               for person, day in ((first, date(2022, 10, 15)), (second, date(2022, 10, 25)))]
    rows = db.session.execute(roll._on_no_roll(
        [first.id, second.id], {first.id: date(2022, 10, 15), second.id: date(2022, 10, 25)}))
    assert [(member_id, day) for member_id, day, *_rest in rows] == [
        (first.id, date(2022, 10, 20))]
    months, _years = roll.unit_now_moved(changes)
    assert {(u, y, m) for u, y, m in months} == {(finance.id, 2022, 10), (commerce.id, 2022, 10)}
    # 乙 alone: nothing of hers moves
    assert roll.unit_now_moved(changes[1:]) == (set(), set())
