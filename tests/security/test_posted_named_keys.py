"""sec47: the naming pages' hidden key (``roll.named_key``: 服务对象's and 通过's
``named``, every ``NamedFirst`` page's ``named_key``) posted back as anyone may craft it.
What a page of ours could not have written is read as a key of no page: a number that is
no id the database holds, a key longer than any page writes, a key naming signed
documents from one whose pages name none. The change is refused as for any key of no
page — nothing written, the page named afresh, words that name nothing —, never a 500,
never a unit's or community's name, nor whether its month is signed, asked by an id of
the post."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.backfill_requests.support import asked_for_past_task
from tests.residents.support import resident as make_resident, visit_task
from tracker.extensions import db
from tracker.models import SummaryNote, TaskReport, task_resident
from tracker.services.reopened import MAX_NAMED_PARTS, THEN_SAVE
from tracker.timeutil import utcnow

OVER_INT = "9" * 20  # past any INTEGER column
PAST_INT_DIGITS = "1" * 5000  # past Python's int() of 4,300 digits

# what 采纳's page of a key of no page says first (nothing signed now), sending the user to
# its own button (then53; before: 「…如仍要进行，请再次提交。」)
NOTHING_SAID = ("打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，现在不会改变已定稿的月报"
                "或年度总结。未作任何更改；如仍要采纳，请再次点击“确认采纳”。")
# the same on the 服务对象 page, in its button's verb (保存)
NOTHING_SAVED = str(THEN_SAVE.none)


@pytest.fixture
def approved_visit(world):
    """An approved 走访慰问 visit led by ``leader`` (a plain member); its month not signed."""
    task = visit_task(world)
    f.reported(task, world.leader, approved=True)
    return task


def _elder(world):
    """A resident paired with the visit's leader: hers to pick."""
    found = make_resident(world.community, world.liaison, name="钱奶奶",
                          phone="13800000002", paired=[world.leader])
    db.session.commit()
    return found


def _save_residents(client, task, elder, named: str):
    return client.post(f"/residents/task/{task.id}",
                       data={"residents": [str(elder.id)], "named": named})


def _served(task) -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(select(task_resident.c.resident_id)
                                  .where(task_resident.c.task_id == task.id)))


def _refused_naming_nothing(response, task) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == 200, response.status_code
    assert NOTHING_SAVED in page, page[page.find("打开页面"):][:300]
    assert _served(task) == set()  # nothing written
    return page


# ---------------------------------------------------------------- a number of no id (#2)

@pytest.mark.parametrize("key", [
    f"{OVER_INT}-2026-10", f"1-{OVER_INT}-10", f"{PAST_INT_DIGITS}-2026-10",
    f"c{OVER_INT}-2026-10", f"yunit:{OVER_INT}-2026", f"1-2026-10@{OVER_INT}",
], ids=["unit", "year", "5000-digits", "community", "year-scope", "month-scope"])
def test_a_part_with_a_number_no_id_can_be_is_left_out(client, login, world, approved_visit, key):
    """An admin's own pages write keys: such a part is left out, as a part of another
    shape is, and the key, naming nothing then, is one of no page."""
    elder = _elder(world)
    login(world.admin)
    _refused_naming_nothing(_save_residents(client, approved_visit, elder, key),
                            approved_visit)


@pytest.mark.parametrize("key", [f"{OVER_INT}-2026-10", f"{PAST_INT_DIGITS}-2026-10"],
                         ids=["unit", "5000-digits"])
def test_such_a_number_is_no_500_where_a_liaison_or_a_member_posts_it(client, login, world, key):
    """The same key on the pages a liaison and a plain member post it from: 采纳 (its
    naming page's ``named_key``), 通过 and the leader's 服务对象 (``named``)."""
    login(world.liaison)
    request = asked_for_past_task(world, minutes=90)
    adopted = client.post(f"/backfill-requests/{request.id}/adopt",
                          data={"confirmed": "1", "named_key": key}, follow_redirects=True)
    assert adopted.status_code == 200 and NOTHING_SAID in adopted.get_data(as_text=True)
    f.reported(world.past_task, world.leader, approved=False)
    report = db.session.scalar(select(TaskReport)
                               .where(TaskReport.task_id == world.past_task.id))
    approved = client.post(f"/manage/reports/{report.id}/approve", data={"named": key})
    assert approved.status_code in (200, 302), approved.status_code
    task = visit_task(world)
    f.reported(task, world.leader, approved=True)
    elder = _elder(world)
    login(world.leader)
    _refused_naming_nothing(_save_residents(client, task, elder, key), task)


# ---------------------------------------------------------------- longer than a page writes (#1)

def _parts(count: int, unit_id: int) -> str:
    """``count`` parts, each a month of the unit (every one another document)."""
    return ",".join(f"{unit_id}-{2000 + i // 12}-{i % 12 + 1}@1" for i in range(count))


def test_a_key_longer_than_any_page_writes_is_read_as_one_of_no_page(
        client, login, world, approved_visit, count_queries):
    """One part more than a page writes (``MAX_NAMED_PARTS``): none of it is read —
    neither the units' names nor which documents are signed is asked (as many
    statements as a key of no shape), and the words name nothing."""
    elder = _elder(world)
    login(world.admin)
    with count_queries() as unreadable:
        _refused_naming_nothing(_save_residents(client, approved_visit, elder, "x"),
                                approved_visit)
    with count_queries() as long:
        page = _refused_naming_nothing(
            _save_residents(client, approved_visit, elder,
                            _parts(MAX_NAMED_PARTS + 1, world.unit.id)), approved_visit)
    assert long.count == unreadable.count, long.statements[-4:]
    assert f"{world.unit.name}2000年1月" not in page


def test_a_key_as_long_as_a_page_writes_is_read(client, login, world, approved_visit):
    """The bound is one the databases take: a key of ``MAX_NAMED_PARTS`` parts is asked
    of in one statement (not past SQLite's expression depth nor PostgreSQL's parameters)
    and its documents, re-opened since, are named."""
    elder = _elder(world)
    login(world.admin)
    response = _save_residents(client, approved_visit, elder,
                               _parts(MAX_NAMED_PARTS, world.unit.id))
    page = response.get_data(as_text=True)
    assert response.status_code == 200, response.status_code
    assert f"{world.unit.name}2000年1月、" in page, page[page.find("打开页面"):][:300]
    assert _served(approved_visit) == set()


# ---------------------------------------------------------------- names by an id (#3)

def test_a_leader_is_not_told_a_unit_or_community_by_its_id(client, login, world,
                                                            approved_visit):
    """A plain member's pages name no signed document: a key naming some is of no page,
    and the words name neither the unit nor the community behind its ids."""
    finance, hidden = f.unit("县财政局"), f.community("秘密社区")
    db.session.commit()
    elder = _elder(world)
    login(world.leader)
    page = _refused_naming_nothing(
        _save_residents(client, approved_visit, elder,
                        f"{finance.id}-2026-10,c{hidden.id}-2026-10,yunit:{finance.id}-2026"),
        approved_visit)
    assert "县财政局" not in page and "秘密社区" not in page


def test_a_leader_does_not_learn_whether_another_units_month_is_signed(
        client, login, world, approved_visit):
    """「…（仍为已定稿）」 for a signed month, 「…已撤销定稿」 for another: neither is said."""
    finance = f.unit("县财政局")
    db.session.add(SummaryNote(scope_key=f"unit:{finance.id}", unit_id=finance.id,
                               year=2026, month=9, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    db.session.commit()
    elder = _elder(world)
    login(world.leader)
    page = _refused_naming_nothing(
        _save_residents(client, approved_visit, elder,
                        f"{finance.id}-2026-9,{finance.id}-2026-10"), approved_visit)
    assert "仍为已定稿" not in page and "已撤销定稿" not in page


def test_a_liaison_is_not_told_another_communitys_name(client, login, world):
    """采纳 in her own queue, its key naming the other community's month (the refusal
    is said on the queue)."""
    request = asked_for_past_task(world, minutes=90)
    login(world.liaison)
    response = client.post(f"/backfill-requests/{request.id}/adopt",
                           data={"confirmed": "1",
                                 "named_key": f"c{world.other_community.id}-2026-10"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, response.status_code
    assert NOTHING_SAID in page and world.other_community.name not in page
