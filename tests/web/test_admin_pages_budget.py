"""The admin's 资源清单 list, an item's edit form and a member's edit form run a stated
number of statements, the same with more data (docs/design.md, "Budgets": at most 6
statements a page, constant in the data size). Counted as production runs a request
(tests/page_statements.py). count48 counted them over the budget, with no test:

- 资源清单 (``/admin/items``): the session, every community (the filter offers them
  all, 「从上一年度复制」 those in use: one read for both), the units in use, the year's
  checklist reminder, the page of items carrying the list's total (``COUNT(*) OVER
  ()``) and the menu's counts: 6. It was 8 — the communities read twice, and a COUNT
  before the page.
- an item's edit form (``/admin/items/<id>/edit``): the session, the item with whether
  it has tasks (``directory.item_tasks_load``: the fields it fixes), the form's units,
  communities, zones and categories in one statement (``admin.choices.read_together``;
  the item's own category among them, held for the request: the target's label finds
  it in memory) and the menu's counts: 4. It was 5, whether it has tasks asked in a
  statement of its own (pagesb50); 9, the item's category read again by id after the
  lists; 8, the four lists one statement each (tidy47's known Open; pagesa49). A new item's form: the session, the
  lists, the menu: 3 (was 6), also opened from a link naming its line.
- a member's edit form (``/admin/members/<id>/edit``): the session, the member with
  her unit, communities, stays on the roll and merge row (one statement), the form's
  units and communities (one statement, ``read_together``), what 停用 would end
  (places and 候补名单, one statement) and the menu's counts: 5. It was 11; 6, the
  units and communities a statement each (pagesa49's Open; pagesa50).
- a zone's forms (``/admin/zones/new``, ``/admin/zones/<id>/edit``): the session (and,
  editing, the zone), the communities and units (one statement) and the menu's
  counts — the edit page also asks whether the zone has tasks: new 3, edit 5. They
  were 4 and 6, the two lists a statement each (pagesa50)."""
from __future__ import annotations

from datetime import timedelta

from tests import factories as f
from tests.page_statements import counted, own_app_context, signed_in_statements
from tracker.extensions import db
from tracker.timeutil import local_today
from sqlalchemy import select

from tracker.models import Assignment, AssignmentStatus, RollPeriod, WaitlistEntry

ITEMS_PAGE = 6
ITEM_EDIT_PAGE = 4
ITEM_NEW_PAGE = 3
MEMBER_EDIT_PAGE = 5
MERGED_MEMBER_PAGE = 4
ZONE_NEW_PAGE = 3
ZONE_EDIT_PAGE = 5


def test_the_items_list_runs_its_budget_with_more_items_and_communities(
        client, login, world, count_queries, app):
    login(world.admin)
    assert signed_in_statements(client, count_queries, "/admin/items")[0] == ITEMS_PAGE
    per_page = app.config["ADMIN_PAGE_SIZE"]
    for i in range(per_page + 3):  # past one page, in more communities
        f.item(world.unit, f.community(f"新社区{i}"), "environment_cleanup")
    db.session.commit()
    n, page = signed_in_statements(client, count_queries, "/admin/items")
    assert n == ITEMS_PAGE and "新社区0" in page
    n, page = signed_in_statements(client, count_queries, "/admin/items?page=2")
    assert n == ITEMS_PAGE and "新社区" in page
    # a page past the end is the last page (two more reads, only then), as before
    past = client.get("/admin/items?page=99").get_data(as_text=True)
    assert past.count("新社区") == page.count("新社区") > 0
    n, page = signed_in_statements(client, count_queries, f"/admin/items?community={world.community.id}"
                                             f"&year={local_today().year}")
    assert n == ITEMS_PAGE


def test_a_refused_copy_sends_the_list_back_within_its_budget(client, login, world,
                                                             count_queries):
    """「从上一年度复制」 refused on its form (a year that is no number) shows the 资源清单
    page again, the choice kept, in the list's own statements: the communities read once
    for the posted form and the page's filter, as the list reads them for both (it was 7,
    the form built without them and reading them again)."""
    login(world.admin)
    for data in ({"copy-year": "abc"},
                 {"copy-year": "abc", "copy-community": str(world.community.id)}):
        db.session.commit()
        with own_app_context(client):
            client.post("/admin/items/copy", data=data)
        statements, response = counted(client, count_queries, "/admin/items/copy",
                                       method="POST", data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, data
        assert 'id="copy-year-error1"' in page and 'value="abc"' in page, data
        if "copy-community" in data:
            assert f'<option selected value="{world.community.id}">' in page
        assert len(statements) == ITEMS_PAGE, data


def test_the_item_forms_read_their_four_lists_at_once(client, login, world, count_queries):
    login(world.admin)
    url = f"/admin/items/{world.item.id}/edit"
    n, page = signed_in_statements(client, count_queries, url)
    # the item has tasks: its line and year are shown fixed, not offered
    assert (n, "该项目已有任务，单位、社区、责任区、类别和年度不能修改。" in page,
            'name="unit_id"' in page) == (ITEM_EDIT_PAGE, True, False)
    assert signed_in_statements(client, count_queries, "/admin/items/new")[0] == ITEM_NEW_PAGE
    for i in range(4):
        f.task(world.item, world.liaison, title=f"更多{i}")
        community = f.community(f"社区{i}")
        zone = f.zone(community, f"责任区{i}", world.unit)
        last = f.item(f.unit(f"单位{i}"), community, f.category(code=f"extra_{i}", name=f"类别{i}"),
                      zone=zone)
    db.session.commit()
    assert signed_in_statements(client, count_queries, url)[0] == ITEM_EDIT_PAGE
    # an item with no task (its lists shown) whose unit and category were switched off:
    # still its choices, with every other list's rows
    last.unit.active = last.category.active = False
    f.unit("另一单位")
    db.session.commit()
    n, page = signed_in_statements(client, count_queries, f"/admin/items/{last.id}/edit")
    assert n == ITEM_EDIT_PAGE
    for shown in (f'<option selected value="{last.unit_id}">单位3</option>',
                  f'<option data-parent="{zone.community_id}" selected value="{zone.id}">'
                  "社区3 · 责任区3</option>",
                  "另一单位", "社区0 · 责任区0", "类别3 · 按", world.item.category.name):
        assert shown in page, shown
    # opened from a task's note naming its line: the zone found among the lists
    n, page = signed_in_statements(client, count_queries, f"/admin/items/new?unit={world.unit.id}"
                                            f"&community={zone.community_id}&zone={zone.id}")
    assert n == ITEM_NEW_PAGE and f'selected value="{zone.id}"' in page


def test_the_member_edit_form_runs_its_budget_with_more_history(client, login, world,
                                                                 count_queries):
    login(world.admin)
    for who in (world.member, world.liaison):
        assert signed_in_statements(client, count_queries, f"/admin/members/{who.id}/edit")[0] \
            == MEMBER_EDIT_PAGE, who
    # a liaison of more communities; a member moved between units twice, with places
    # to give back and 候补名单 to leave: the same number of statements
    for i in range(3):
        world.liaison.communities.append(f.community(f"联络社区{i}"))
    [stay] = db.session.scalars(select(RollPeriod).where(RollPeriod.member_id == world.member.id))
    day = local_today() - timedelta(days=300)
    for unit in (f.unit("县财政局"), f.unit("县教育局")):
        stay.until = day
        db.session.flush()
        stay = RollPeriod(member_id=world.member.id, unit_id=unit.id, since=day)
        db.session.add(stay)
        world.member.unit_id = unit.id
        day += timedelta(days=100)
    for i in range(3):
        waited = f.task(world.item, world.liaison, title=f"候补{i}")
        db.session.add(WaitlistEntry(task_id=waited.id, member_id=world.member.id))
        claimed = f.task(world.item, world.liaison, title=f"认领{i}")
        db.session.add(Assignment(task_id=claimed.id, member_id=world.member.id,
                                  status=AssignmentStatus.claimed))
    db.session.commit()
    n, page = signed_in_statements(client, count_queries, f"/admin/members/{world.liaison.id}/edit")
    assert n == MEMBER_EDIT_PAGE and "联络社区2" in page
    n, page = signed_in_statements(client, count_queries, f"/admin/members/{world.member.id}/edit")
    assert n == MEMBER_EDIT_PAGE
    assert "县教育局" in page and "候补2" in page and "认领的3个未开始任务" in page


def test_a_merged_accounts_page_runs_its_budget(client, login, world, count_queries):
    """The page of an account merged into another names the kept one (已合并至), read
    with the member in her one statement: 4 (switched off, it asks nothing of 停用;
    was 9, the merge row and the kept account among those read apart; 5, the form's
    units and communities a statement each)."""
    from tracker.models import Member
    from tracker.services import merge

    admin = db.session.get(Member, world.admin.id)
    keep, drop = (db.session.get(Member, m.id) for m in (world.member, world.other_member))
    merge.merge_members(keep, drop, admin, shown=merge.preview(keep, drop).key())
    db.session.commit()
    login(world.admin)
    n, page = signed_in_statements(client, count_queries, f"/admin/members/{world.other_member.id}/edit")
    assert 'id="merged"' in page and "张三" in page
    assert n == MERGED_MEMBER_PAGE


def test_the_zone_forms_read_their_two_lists_at_once(client, login, world, count_queries):
    """Both zone forms offer the communities and the units in use, and the zone's own
    when switched off, in one statement, the same with more of them."""
    zone = f.zone(world.community, "老责任区", world.unit)
    db.session.commit()
    login(world.admin)
    edit = f"/admin/zones/{zone.id}/edit"
    assert signed_in_statements(client, count_queries, "/admin/zones/new")[0] == ZONE_NEW_PAGE
    assert signed_in_statements(client, count_queries, edit)[0] == ZONE_EDIT_PAGE
    for i in range(4):
        f.community(f"又一社区{i}")
        f.unit(f"又一单位{i}")
    zone.community.active = zone.unit.active = False  # still the zone's own choices
    db.session.commit()
    n, page = signed_in_statements(client, count_queries, "/admin/zones/new")
    assert n == ZONE_NEW_PAGE and "又一社区3" in page and "又一单位3" in page
    assert world.community.name not in page and world.unit.name not in page
    n, page = signed_in_statements(client, count_queries, edit)
    assert n == ZONE_EDIT_PAGE and "又一社区3" in page and "又一单位3" in page
    for shown in (f'<option selected value="{world.community.id}">{world.community.name}</option>',
                  f'<option selected value="{world.unit.id}">{world.unit.name}</option>'):
        assert shown in page, shown
