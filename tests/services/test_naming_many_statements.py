"""``summary_notes.final_naming_many`` — what the member form (a 姓名 or 党支部 saved)
and the member import (「更新 党支部 / 姓名」) name of the signed documents that may
print the members — asks the signed 月报 of the units, the communities' own 月报 and the
年度总结 in one statement (``final_documents``), each kind by its own rule, the same
with more members and more work: their tasks (``naming_tasks``), then the documents.
It read the three kinds one statement each (4; pagesa50)."""
from __future__ import annotations

from datetime import date

from tests import factories as f
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import Member, RollPeriod, SummaryScope
from tracker.services import summary_notes

# the members' tasks (taken part in, led, reviewed); the signed documents of the three
# kinds, in one statement (a stay since always would ask the first signed year too)
STATEMENTS = 2
TODAY = date(2026, 12, 5)


def _sign(admin, unit, community) -> None:
    """November 2022 of the unit's 月报 and of the community's own, and the unit's and the
    community's own 2022 年度总结: 已定稿."""
    from tracker.reports import annual_final, final

    for scope in (SummaryScope(unit_id=unit.id), SummaryScope(community_id=community.id)):
        final.finalize(admin, scope, 2022, 11)
        annual_final.finalize_year(admin, scope, 2022)
    db.session.commit()


def _worked(world, member, k: int) -> None:
    """k approved activities of ``member`` in November 2022, in 解放路社区."""
    for i in range(k):
        task = b.task_on(world.item, world.liaison, date(2022, 11, 3 + i), leader=world.leader)
        b.join(task, member)
        b.report(task, world.leader)
    db.session.commit()


def _named(found) -> tuple[list, list]:
    months, years = found
    return ([(getattr(m, "unit_id", None), getattr(m, "community_id", None), m.year, m.month)
             for m in months],
            [(y.unit_id, y.community_id, y.year) for y in years])


def test_the_naming_of_many_members_reads_the_signed_documents_at_once(world, count_queries):
    # 王五 joined another unit's roll on 1 January 2023: her renaming names none of its
    # documents, and 李四's (on 县商务局's roll since 2022, work in 解放路社区) names all four
    other = f.unit("县财政局")
    wang = f.member(other, name="王五", on_roll=False)
    db.session.add(RollPeriod(member_id=wang.id, unit_id=other.id, since=date(2023, 1, 1)))
    li = db.session.get(Member, world.other_member.id)
    for stay in li.roll_periods:
        stay.since = date(2022, 1, 1)
    _worked(world, li, 1)
    _sign(world.admin, world.unit, world.community)
    expected = ([(world.unit.id, None, 2022, 11), (None, world.community.id, 2022, 11)],
                [(world.unit.id, None, 2022), (None, world.community.id, 2022)])

    def asked() -> tuple[int, tuple]:
        db.session.expire_all()
        members = [db.session.get(Member, m.id) for m in (li, wang)]
        for member in members:
            member.roll_periods  # noqa: B018 (loaded by the page, not by the naming)
        with count_queries() as q:
            found = summary_notes.final_naming_many(members, TODAY)
        return len(q.statements), _named(found)

    assert asked() == (STATEMENTS, expected)
    _worked(world, li, 10)  # ten times the work, and as much of 王五's
    _worked(world, wang, 10)
    assert asked() == (STATEMENTS, expected)
