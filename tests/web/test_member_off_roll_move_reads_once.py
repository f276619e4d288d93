"""The naming page of a move on no roll (``roll.off_roll_move``) names the signed
documents the move changes and says what of hers moves — her participation, a 微心愿 she
claimed alone, or both (review53 #2) — from one read of her days on no roll
(``roll.signed_and_moved``). The words' own read of them (deadlock53's ``moved_kinds``, gone)
ran the same statement again after the documents' read: one statement more on the page
(moved54). Counted as production runs a request (tests/page_statements.py)."""
from __future__ import annotations

from tests import factories as f
from tests.page_statements import counted, own_app_context
from tests.reports.test_participation_story import approved_activity
from tests.web.roll_support import edit, page_of
from tests.web.test_member_move_no_roll_work_named import NAMED, notice, sign
from tests.web.test_member_off_roll_need_words import _claimed_alone
from tracker.extensions import db

# The page (an unconfirmed 保存, nothing written): the session; the member (locked, read
# again with her stays, her communities); the 手机号's owner; the units; her 单位
# written and links revoked, in the transaction rolled back; her days on no roll, the
# units' share locks and the signed months and years, under her lock (the service);
# then, after the rollback, her days on no roll, the signed months and years, the
# signed copies and the two units' names, in one statement (the page); the member
# page's reads and the menu's.
# 30 before moved54 (her days on no roll read a third time), 29 before twin57 (the two
# units read one by one)
OFF_ROLL_NAMING_PAGE = 28


def test_the_off_roll_moves_naming_page_reads_what_moves_once(client, login, october,
                                                             count_queries):
    finance, commerce = october.other_unit, october.unit
    person = f.member(finance, name="韩梅", on_roll=False)
    approved_activity(commerce, october.jiefang, october.liaison, 10, [person])
    _claimed_alone(october, person)
    db.session.commit()
    sign(october, finance, (2022, 10))
    login(october.admin)
    data = {"name": person.name, "phone": person.phone, "unit_id": commerce.id,
            "branch": person.branch or "", "role": person.role.value, "on_roll": "0",
            "roll_from": ""}
    url = edit(person.id)
    db.session.commit()  # the test's own session holds no transaction open (SQLite)
    with own_app_context(client):  # warm, as a worker's first request
        client.post(url, data=data)
    statements, response = counted(client, count_queries, url, method="POST", data=data)
    assert response.status_code == 200
    said = notice(page_of(response))
    # the same words as before, both kinds said, the same month named
    assert ("尚未保存：这次保存不改变在册人数，但会把韩梅不在册期间的参与（人次和时长）和其独自认领的"
            f"需求或微心愿从{finance.name}移到{commerce.name}") in said, said
    assert f"{NAMED}{finance.name}2022年10月。" in said, said
    # her days on no roll — her approved work and the needs she claimed alone, one
    # statement — read twice: by the save under her lock, by the page after its rollback
    on_no_roll = [s for s in statements
                  if "counted_participation" in s and "FROM need" in s]
    assert len(on_no_roll) == 2, len(on_no_roll)
    assert len(statements) == OFF_ROLL_NAMING_PAGE, len(statements)


def test_the_moves_two_units_are_named_in_the_order_asked(app, world, count_queries):
    """The page names the unit she was in, then the one she moves to, whatever their
    ids' order, with one statement for both; a unit it has no id for, or none found,
    is named by nothing ("")."""
    from tracker.admin import queries

    first, later = world.unit, f.unit("县财政局")
    db.session.commit()
    assert later.id > first.id
    with count_queries() as q:
        names = queries.unit_names((later.id, first.id))
    assert names == ["县财政局", "县商务局"]
    assert q.count == 1, q.statements
    assert queries.unit_names((None, later.id)) == ["", "县财政局"]
    assert queries.unit_names((first.id, later.id + 1000)) == ["县商务局", ""]
