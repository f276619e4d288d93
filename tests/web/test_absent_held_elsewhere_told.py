"""A member marked 缺席 on an approved activity may send a 补录申请 naming it — unless she
holds a place on another activity at those hours, which refuses the request and its 采纳
(design.md, 补录申请 and the overlap rule). Her task page and its 「我参加了但没有记录」
agree: offered, she is sent to it; held elsewhere, she is not sent to a button the page
does not show, but told which record holds her time and whom to ask to correct it
(review41 #4) — at no statement more than a member done there costs (review40b #3)."""
from __future__ import annotations

from tests import factories as f
from tests.page_statements import page_statements
from tests.web.test_confirm_counted_elsewhere import own
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus

SENT_TO_IT = "请点“我参加了但没有记录”提交补录申请"
OFFERED = "/backfill-requests/new"


def held_on_a_visit(world) -> None:
    """张三 holds a claim, not confirmed, on 入户走访 (ended, not approved), an hour into
    楼道清理 — a place at those hours."""
    past = world.past_task
    visit = f.task(world.item, world.liaison,
                   starts_at=past.starts_at + (past.ends_at - past.starts_at) / 2, title="入户走访")
    db.session.add(Assignment(task_id=visit.id, member_id=world.member.id,
                              status=AssignmentStatus.claimed))
    visit.taken = 1


def _absent_page(client, login, world, count_queries) -> tuple[int, str]:
    own(world).status = AssignmentStatus.absent
    db.session.commit()
    f.reported(world.past_task, world.leader, approved=True)
    return page_statements(client, login, count_queries, world.member,
                           f"/tasks/{world.past_task.id}")


def test_held_elsewhere_she_is_told_why_not_and_whom_to_ask(client, login, world, count_queries):
    held_on_a_visit(world)
    n, page = _absent_page(client, login, world, count_queries)
    assert OFFERED not in page and SENT_TO_IT not in page
    assert "您在同一时间还参加了“入户走访”" in page
    assert "请联系本社区联络员更正“入户走访”的记录" in page
    assert n == 5, n


def test_held_nowhere_else_she_is_sent_to_the_button_it_shows(client, login, world, count_queries):
    _n, page = _absent_page(client, login, world, count_queries)
    assert SENT_TO_IT in page and OFFERED in page


def test_the_confirm_page_says_the_same(client, login, world):
    held_on_a_visit(world)
    own(world).status = AssignmentStatus.absent
    db.session.commit()
    f.reported(world.past_task, world.leader, approved=True)
    login(world.member)
    page = client.get(f"/tasks/assignments/{own(world).id}/confirm").get_data(as_text=True)
    assert SENT_TO_IT not in page and "您在同一时间还参加了“入户走访”" in page
