"""A liaison's 月报 page over part of a unit is the whole unit's restricted to the part
(docs/design.md: "Who reads which" and the namesakes' rule), namesakes across the parts
included.

The part's document names the people it can name — the unit's roll of the month's last
day, everyone on the part's approved activities, their 组长 and 审核人 — and tells
namesakes apart among them: a 陈芳 the whole unit's document tells apart from a 陈芳
who worked only outside the part is, in the part, the only 陈芳 and reads as her name.
Its ledger is the whole unit's activities in the part's communities, and its
参与情况 counts the roll's work in those communities. A liaison who serves every
community of the unit's month sees the whole unit's document itself.

The page reads the namesakes once (session 41, "partunit41": counted twice before,
``test_namesakes_counted_once``) and asks for the part or for the whole, never both
(session 43, ``test_part_page_asks_one_coverage``); these tests hold what it shows to
the rule, on a world where the two sets differ."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from flask import template_rendered
from sqlalchemy import select

from tests import factories as f
from tests.reports.test_participation_story import approved_activity
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    Member,
    ReportStatus,
    Role,
    RollPeriod,
    Task,
    TaskReport,
)
from tracker.names import distinguished_names

OCTOBER = (date(2022, 10, 1), date(2022, 11, 1))


def namesakes_across_parts(o) -> dict:
    """People of one name on both sides of the part 解放路社区 of 县商务局's October
    (the other side: 建设路社区), each with a 党支部 of their own:

    - 陈芳: one on the roll working in 解放路社区, one off it working in 建设路社区;
    - 李明: one on the roll who did nothing, one off it who led the 建设路社区 activity;
    - 王立: two on the roll, one working only in 建设路社区, one who did nothing;
    - 赵审: two off the roll, one working in 解放路社区, one approving that activity.

    The members by key, and "here": the 解放路社区 activity's id."""
    people = {}
    for key, name, branch, on_roll, role in [
            ("chen_here", "陈芳", "第1党支部", True, Role.member),
            ("chen_there", "陈芳", "第2党支部", False, Role.member),
            ("li_idle", "李明", "第3党支部", True, Role.member),
            ("li_leader", "李明", "第4党支部", False, Role.member),
            ("wang_there", "王立", "第5党支部", True, Role.member),
            ("wang_idle", "王立", "第6党支部", True, Role.member),
            ("zhao_worker", "赵审", "第7党支部", False, Role.member),
            ("zhao_reviewer", "赵审", "第8党支部", False, Role.liaison)]:
        person = f.member(o.unit, role, name, phone=f"1390000{len(people) + 71:04d}",
                          on_roll=on_roll)
        person.branch = branch
        people[key] = person
    db.session.commit()
    here = approved_activity(o.unit, o.jiefang, o.liaison, 13,
                             [people["chen_here"], people["zhao_worker"]])
    here.report.reviewed_by_id = people["zhao_reviewer"].id
    there = approved_activity(o.unit, o.jianshe, o.liaison, 14,
                              [people["chen_there"], people["wang_there"]])
    there.leader_id = people["li_leader"].id
    db.session.commit()
    return people | {"here": here.id}


def page_summary(client, login, who, url):
    """The summary the 月报 page at ``url`` renders for ``who``."""
    login(who)
    seen = []

    def rendered(_app, template, context, **_extra):
        if template.name == "reports/monthly.html":
            seen.append(context["summary"])

    with template_rendered.connected_to(rendered, client.application):
        response = client.get(url)
    assert response.status_code == 200
    [summary] = seen
    return summary


def _roll(unit) -> set[int]:
    # every stay of this world is open at both ends: the roll of any day
    return set(db.session.scalars(select(RollPeriod.member_id)
                                  .where(RollPeriod.unit_id == unit.id)))


def _approved_tasks(*conditions):
    return (select(Task.id).join(TaskReport, TaskReport.task_id == Task.id)
            .where(TaskReport.status == ReportStatus.approved,
                   Task.service_date >= OCTOBER[0], Task.service_date < OCTOBER[1],
                   *conditions))


def _worked_in(tasks) -> set[int]:
    return set(db.session.scalars(select(Assignment.member_id).where(
        Assignment.status == AssignmentStatus.done, Assignment.task_id.in_(tasks))))


def nameable(unit, community_ids) -> set[int]:
    """The people a unit's October document over ``community_ids`` can name: its roll,
    everyone on its approved activities there, their 组长 and 审核人."""
    tasks = _approved_tasks(Task.unit_id == unit.id, Task.community_id.in_(community_ids))
    leaders = db.session.scalars(select(Task.leader_id).where(Task.id.in_(tasks)))
    reviewers = db.session.scalars(select(TaskReport.reviewed_by_id)
                                   .where(TaskReport.task_id.in_(tasks)))
    return (_roll(unit) | _worked_in(tasks)
            | {i for i in [*leaders, *reviewers] if i is not None})


def told_apart_among(ids: set[int]) -> dict[int, str]:
    """{member id: name as listed} of ``ids``, namesakes told apart among them."""
    people = db.session.execute(select(Member.id, Member.name, Member.branch,
                                       Member.namesake_phone.label("phone"))
                                .where(Member.id.in_(ids))).all()
    return distinguished_names(people, people)


def bare(label: str) -> str:
    """The name a label writes, without what tells it apart."""
    return re.sub(r"（[^）]*）$", "", label)


def _without_names(row):
    return replace(row, participants=tuple(map(bare, row.participants)),
                   leader=bare(row.leader), reviewer=bare(row.reviewer))


def test_a_part_of_the_unit_is_the_whole_restricted_to_it(october, client, login):
    people = namesakes_across_parts(october)
    url = f"/reports/?unit={october.unit.id}&month=2022-10"
    whole = page_summary(client, login, october.admin, url)
    october.liaison.communities = [october.jiefang]  # a part: 建设路社区 is not theirs
    db.session.commit()
    part = page_summary(client, login, october.liaison, url)
    assert part.restricted_to == ["解放路社区"] and whole.restricted_to is None

    # the ledger: the whole unit's activities in the part's communities, the same
    # people in the same order, each named as told apart among the part's people
    in_part = [row for row in whole.ledger if row.community == "解放路社区"]
    assert len(in_part) < len(whole.ledger)
    assert list(map(_without_names, part.ledger)) == list(map(_without_names, in_part))
    labels = set(told_apart_among(nameable(october.unit, [october.jiefang.id])).values())
    for row in part.ledger:
        assert {*row.participants, row.leader, row.reviewer} - {""} <= labels, row  # "": none
    assert part.totals.activities == len(in_part)
    assert part.totals.person_times == sum(row.person_times for row in in_part)

    # 参与情况: the same roll; those of it without work in the part's communities are
    # its 未参与名单, told apart among the part's people as the ledger is
    roll = _roll(october.unit)
    worked_here = _worked_in(_approved_tasks(Task.community_id == october.jiefang.id))
    worked_anywhere = _worked_in(_approved_tasks())
    assert part.coverage.on_roll == whole.coverage.on_roll == len(roll)
    assert {p.member_id for p in part.coverage.not_yet} == roll - worked_here
    assert {p.member_id for p in whole.coverage.not_yet} == roll - worked_anywhere
    named = told_apart_among(nameable(october.unit, [october.jiefang.id]))
    assert {p.member_id: p.listed_name for p in part.coverage.not_yet} == {
        i: named[i] for i in roll - worked_here}

    # the point of this world: the whole unit tells apart whom the part need not
    def listed(summary, task_id):
        [row] = [row for row in summary.ledger if row.task_id == task_id]
        return row.participants, row.reviewer

    def not_yet(summary):
        return {p.member_id: p.listed_name for p in summary.coverage.not_yet}

    assert listed(whole, people["here"]) == (("陈芳（第1党支部）", "赵审（第7党支部）"),
                                             "赵审（第8党支部）")
    assert listed(part, people["here"]) == (("陈芳", "赵审（第7党支部）"), "赵审（第8党支部）")
    assert not_yet(whole)[people["li_idle"].id] == "李明（第3党支部）"
    assert not_yet(part)[people["li_idle"].id] == "李明"
    assert not_yet(part)[people["wang_there"].id] == "王立（第5党支部）"  # both on the roll
    assert not_yet(part)[people["wang_idle"].id] == "王立（第6党支部）"

def test_a_liaison_who_serves_the_whole_unit_reads_the_admins_document(
        october, client, login):
    """The liaison serves both communities of the unit's month: their page, first a part
    of the unit and found with the month's words to be the whole, is the admin's
    document, its 未参与名单 told apart among the whole unit's people."""
    people = namesakes_across_parts(october)
    url = f"/reports/?unit={october.unit.id}&month=2022-10"
    admin = page_summary(client, login, october.admin, url)
    liaison = page_summary(client, login, october.liaison, url)
    assert liaison.restricted_to is None and liaison.title == admin.title
    assert [t.rows for t in liaison.tables()] == [t.rows for t in admin.tables()]
    assert liaison.paragraphs == admin.paragraphs
    named = told_apart_among(nameable(october.unit, [october.jiefang.id,
                                                     october.jianshe.id]))
    assert {p.member_id: p.listed_name for p in liaison.coverage.not_yet} == {
        p.member_id: named[p.member_id] for p in admin.coverage.not_yet}
    assert named[people["li_idle"].id] == "李明（第3党支部）"
    assert people["li_idle"].id in {p.member_id for p in liaison.coverage.not_yet}
