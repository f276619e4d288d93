"""The Art. 45 copy lists a resident's 结对党员 in one order, namesakes included."""
from __future__ import annotations

from sqlalchemy import delete, insert, update

from tests import factories as f
from tests.residents.support import resident
from tracker.extensions import db
from tracker.models import Member, resident_member
from tracker.services.residents import export_resident


def test_the_copy_lists_two_namesakes_of_two_units_in_the_order_their_accounts_were_made(world):
    """By name, as the pages list them; two 张三 of two units by their accounts' age (the
    first made, first). The first 张三's member row and pairing are rewritten after the
    second's, so a database reading the rows as they lie (PostgreSQL's heap) meets the
    second first: the order is the query's, never the storage's."""
    finance = f.unit("县财政局")
    first = f.member(world.unit, name="张三")
    second = f.member(finance, name="张三")
    person = resident(world.community, world.liaison, paired=[first, second])
    db.session.commit()
    db.session.execute(update(Member).where(Member.id == first.id).values(branch="第一支部"))
    db.session.execute(delete(resident_member).where(resident_member.c.member_id == first.id))
    db.session.execute(insert(resident_member).values(resident_id=person.id, member_id=first.id))
    db.session.commit()
    db.session.expire_all()

    held = export_resident(person, world.admin)

    assert held["paired_members"] == [{"name": "张三", "unit": world.unit.name},
                                      {"name": "张三", "unit": "县财政局"}]
