"""The confirmation pages of an admin's 撤销审核 and 作废 run a stated number of statements,
the same whatever is signed and however many took part, and within design.md's budget of
at most 6 a page (docs/design.md, "Budgets": SQL statements constant in the data size;
the signed documents named in the page's one statement,
``summary_notes.final_naming_places``, review40b #1). Counted as production runs a
request (tests/page_statements.py):

- 撤销审核's page (an unconfirmed POST) reads the session, the task, the naming of its
  signed documents alone (``voiding.uncount_signed``, one statement; not the whole task
  page's context, stalelock43), what it takes off in one statement
  (``reviews.reopen_effects``: the hours, the needs, the findings and, for a week of a
  series, the week taking its needs over, outer-joined: undostmts44, was 3 statements
  and a fourth for that week), and the menu's counts: 5, with needs another approved
  week of the series takes over too (the naming asks the series' weeks inside its one
  statement, ``task_needs.void_need_places``, unitrows42). It was 7 (8 with that week),
  over the budget, before undostmts44; 11 (12) before stalelock43.
- 作废's page (the GET its unconfirmed POST is sent to) reads the session, the task, its
  places, the naming and the menu's counts: 5, with needs another week of the series
  takes over too (the series' weeks are asked inside the naming's statement).
- The naming pages of an admin's 添加遗漏的参加人员 (确认添加) and 更换组长 (确认更换) on an
  activity of a signed month read the session, the task, the member chosen — whether
  the page's list offers her, and so whether the addition's rules refuse her, and her
  name as the page lists her, namesakes told apart, in one statement
  (``manage.queries.chosen_on_page``) —, the naming (asked once) and the menu's
  counts: 5 each (stmts45; review45 #3: 13 and 10 before, the whole task page's
  context read and the naming asked twice)."""
from __future__ import annotations

from datetime import date

import html
import re

from tests import factories as f
from tests.page_statements import counted, own_app_context
from tests.reports.test_signed_named import sign_october_and_the_year
from tests.rollups import builders as b
from tests.services.test_void_need_moves import (approved_on, named, sign,  # noqa: F401
                                                 weekly)
from tests.web.test_named_first import _shown
from tracker.extensions import db

PAGE_BUDGET = 6  # docs/design.md, "Budgets": at most 6 statements a page
REOPEN_PAGE = 5
REOPEN_PAGE_WITH_NEEDS = 5
VOID_PAGE = 5
ADD_PAGE = 5
LEADER_PAGE = 5


def _statements(client, count_queries, url: str, method: str, data=None) -> tuple[int, str]:
    """(statements run, HTML) of the confirmation page, warm, counted as production."""
    db.session.commit()  # the test's own session holds no transaction open
    with own_app_context(client):  # warm, as a worker's first request
        client.open(url, method=method, data=data)
    statements, response = counted(client, count_queries, url, method=method, data=data)
    assert response.status_code == 200, url
    assert len(statements) <= PAGE_BUDGET, (url, len(statements))
    return len(statements), response.get_data(as_text=True)


def _reopen_page(client, count_queries, task):
    return _statements(client, count_queries, f"/manage/tasks/{task.id}/reopen", "POST",
                       {"reopen-reason": "人数有误"})


def _void_page(client, count_queries, task):
    return _statements(client, count_queries, f"/manage/tasks/{task.id}/void", "POST",
                       {"void-reason": "重复录入"})


def test_the_confirmation_pages_run_their_budget_signed_or_not(client, login, world,
                                                               count_queries):
    task = b.task_on(world.item, world.liaison, date(2025, 11, 20))
    b.join(task, world.member)
    approved_on(task, world.liaison, date(2025, 11, 20))
    db.session.commit()
    login(world.admin)
    reopen, page = _reopen_page(client, count_queries, task)
    assert "确认撤销审核" in page and not named(page)
    void, page = _void_page(client, count_queries, task)
    assert "确认作废" in page and not named(page)
    assert (reopen, void) == (REOPEN_PAGE, VOID_PAGE)

    for i in range(12):  # more people, and the month signed: named, no statement more
        b.join(task, f.member(world.unit, name=f"补充{i}"))
    db.session.commit()
    sign(world.admin, world.unit, 2025, 11)
    reopen, page = _reopen_page(client, count_queries, task)
    assert "13名党员" in page and named(page)
    void, page = _void_page(client, count_queries, task)
    assert "13名党员" in page and named(page)
    assert (reopen, void) == (REOPEN_PAGE, VOID_PAGE)


def test_the_reopen_page_naming_the_week_taking_its_needs_over_runs_its_budget(
        client, login, world, weekly, count_queries):  # noqa: F811 (the fixture)
    _finance, november_week = weekly
    login(world.admin)
    reopen, page = _reopen_page(client, count_queries, november_week)
    assert "改由同一系列已审核通过的“每周代购”" in page and named(page)
    assert reopen == REOPEN_PAGE_WITH_NEEDS
    void, page = _void_page(client, count_queries, november_week)
    assert named(page) and void == VOID_PAGE


def _add_page(client, count_queries, task, member):
    return _statements(client, count_queries, f"/manage/tasks/{task.id}/add-participant",
                       "POST", {"member": str(member.id), "hours": "1"})


def _leader_page(client, count_queries, task, member):
    return _statements(client, count_queries, f"/manage/tasks/{task.id}/leader", "POST",
                       {"leader": str(member.id), "shown": _shown(client, task)})


def test_the_naming_pages_of_an_addition_and_a_new_leader_run_their_budget(
        client, login, october, count_queries):
    """review45 #3: an admin's 添加遗漏的参加人员 and 更换组长 on an activity of a signed
    month and year are asked on a page naming them; each page runs its budget, the same
    with a namesake to tell apart and more people on the activity."""
    login(october.admin)
    sign_october_and_the_year(client, october)
    task = october.tasks["政策宣讲"]
    zheng, zhou = october.members["郑某某"], october.members["周杰"]
    added, page = _add_page(client, count_queries, task, zheng)
    assert "确认添加" in page and "将郑某某添加为该活动的参加人员" in html.unescape(page)
    leader, page = _leader_page(client, count_queries, task, zhou)
    assert "确认更换" in page and "该活动的组长改为周杰。" in html.unescape(page)
    assert (added, leader) == (ADD_PAGE, LEADER_PAGE)

    for name in ("郑某某", "周杰"):  # namesakes in the unit: told apart, no statement more
        f.member(october.unit, name=name, phone=f"1391234{len(name)}{ord(name[0]) % 1000:03d}")
    for i in range(6):
        b.join(task, f.member(october.unit, name=f"补充{i}"))
    db.session.commit()
    added, page = _add_page(client, count_queries, task, zheng)
    assert f"将郑某某（尾号{zheng.phone[-4:]}）添加为" in html.unescape(page)
    leader, page = _leader_page(client, count_queries, task, zhou)
    assert f"该活动的组长改为周杰（尾号{zhou.phone[-4:]}）。" in html.unescape(page)
    assert (added, leader) == (ADD_PAGE, LEADER_PAGE)


# 修改经费预算's naming page (review46 #5): the edit form itself runs 4 — the session, the
# item with whether it has tasks (read with it, ``directory.item_tasks_load``, for the
# page's key, its fixed fields and its checks: ``form.frozen``), the form's units, communities, zones and categories in one
# statement (``admin.choices.read_together``; its own category among them, held for the
# request), the menu's counts — and the unconfirmed post adds the submission token, the
# naming (one statement) and the read-only check of what the save would refuse
# (``directory.item_problems``, review46 #4: whether the line is taken, read with the
# item when the post keeps its line, ``directory.item_line_load``; the unit and the
# item's community — the page's subject too — are the form's, held for the request):
# 6. It was 7 while whether the line is taken was a statement of its own (pagesb51), 8 while whether the item has tasks was a statement of its own (pagesb50),
# 11 while the form read its four lists one statement each (pagesa49), 12
# before pagesb48 (the category read again by id), 16 (10 for the form) while whether
# the item has tasks was asked three times and the unit and community read again by id
# (tidy47), 20 before the form's category was kept for the request and read from memory
# by the naming (``funds._funding``), the check and the subject.
BUDGET_EDIT_PAGE = 6


def test_the_item_naming_page_reads_the_post_and_merges_it_once(client, login, october,
                                                                 monkeypatch):
    """What the save changes — the post, merged with the stored item as the save will
    merge it (``directory.merged_item_post``) — is one value a request: the naming and
    the check of what the save would refuse are given the same one (tidy47; the form's
    values were built four times and merged twice)."""
    from tests.web.test_admin_budget_named import _budget_item, _edit_fields, _sign_november
    from tracker.admin.forms import ResourceItemForm
    from tracker.services import directory

    calls = {"to_data": 0, "merged": 0}

    def counting(name, real):
        def call(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)
        return call

    item = _budget_item(october)
    login(october.admin)
    _sign_november(client, october)
    typed = _edit_fields(client, item.id) | {"target": "12000"}
    monkeypatch.setattr(ResourceItemForm, "to_data",
                        counting("to_data", ResourceItemForm.to_data))
    monkeypatch.setattr(directory, "merged_item_post",
                        counting("merged", directory.merged_item_post))
    response = client.post(f"/admin/items/{item.id}/edit", data=typed)
    assert response.status_code == 200 and named(response.get_data(as_text=True))
    assert calls == {"to_data": 1, "merged": 1}


def test_the_budget_naming_page_runs_its_stated_number(client, login, october, count_queries):
    from tests.web.test_admin_budget_named import _budget_item, _edit_fields, _sign_november

    item = _budget_item(october)
    login(october.admin)
    _sign_november(client, october)
    typed = _edit_fields(client, item.id) | {"target": "12000"}
    url = f"/admin/items/{item.id}/edit"
    db.session.commit()
    with own_app_context(client):
        client.post(url, data=typed)
    statements, response = counted(client, count_queries, url, method="POST", data=typed)
    assert response.status_code == 200 and named(response.get_data(as_text=True))
    assert len(statements) == BUDGET_EDIT_PAGE
    # whether the item has tasks: asked once a page (its key, fixed fields and checks)
    assert sum(bool(re.search(r"FROM task\s+WHERE task\.resource_item_id = ", s))
               for s in statements) == 1
    # more of everything the form lists and the naming reads: the same count
    for i in range(4):
        community = f.community(f"预算社区{i}")
        other = f.item(october.unit, community)
        f.task(other, october.admin, title=f"预算活动{i}")
    db.session.commit()
    with own_app_context(client):
        client.post(url, data=typed)
    grown, response = counted(client, count_queries, url, method="POST", data=typed)
    assert response.status_code == 200 and named(response.get_data(as_text=True))
    assert len(grown) == BUDGET_EDIT_PAGE
