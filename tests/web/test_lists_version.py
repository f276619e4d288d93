"""The drop-downs of the open-task list (communities, categories) and of the progress
pages (communities in reach) are kept per worker under the lists' version, a token the
database changes itself (tracker/models/lists.py): any change to either list — through
the app or by plain SQL from another connection — shows on the very next page, and an
unchanged list is not read again."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text

from tests import factories as f
from tests.web.test_page_fast_paths import options
from tracker.extensions import db
from tracker.models import Category, ListsVersion, Role


def token() -> str:
    return db.session.scalar(select(ListsVersion.token))


def operator_sql(statement: str, **params) -> None:
    """SQL committed on a connection of its own, outside the app's session (as an
    operator's client or another worker would)."""
    db.session.rollback()
    with db.engine.begin() as conn:
        conn.execute(text(statement), params)


def first_category() -> Category:
    return db.session.scalars(select(Category).where(Category.active.is_(True))
                              .order_by(Category.sort_order, Category.id)).first()


@pytest.mark.parametrize("change", ["add", "rename", "reorder", "close", "remove",
                                    "category_rename", "category_close", "category_reorder"])
def test_every_change_to_a_list_gives_a_new_token(world, change):
    before = token()
    if change == "add":
        f.community("人民路社区")
    elif change == "rename":
        world.community.name = "解放路第一社区"
    elif change == "reorder":  # what the natural order sorts by, written by a bulk load
        operator_sql("UPDATE community SET sort_key = '0' WHERE id = :id",
                     id=world.community.id)
    elif change == "close":
        world.other_community.active = False
    elif change == "remove":
        spare = f.community("待删除社区")
        db.session.commit()
        before = token()
        db.session.delete(spare)
    elif change == "category_rename":
        first_category().name = "环境整治（新）"
    elif change == "category_close":
        first_category().active = False
    else:
        first_category().sort_order = 999
    db.session.commit()
    assert token() != before


def test_a_change_no_list_shows_keeps_the_token(world):
    before = token()
    first_category().beneficiary_unit = "户"
    f.zone(world.community, "新责任区")
    db.session.commit()
    assert token() == before


def test_a_rename_by_plain_sql_shows_on_the_next_page(client, world, login):
    """Neither the app's session nor its ORM events see this write: the kept lists
    follow it only because the database changed the token."""
    login(world.member)
    assert "解放路社区" in options(client.get("/tasks/").get_data(as_text=True), "community")
    operator_sql("UPDATE community SET name = '解放路第一社区' WHERE id = :id",
                 id=world.community.id)
    closed = first_category()
    closed_id, closed_name = closed.id, closed.name
    operator_sql("UPDATE category SET active = FALSE WHERE id = :id", id=closed_id)
    page = client.get("/tasks/").get_data(as_text=True)
    assert "解放路第一社区" in options(page, "community")
    assert "解放路社区" not in options(page, "community")
    assert closed_name not in options(page, "category")


def test_unchanged_lists_are_read_once(app, client, world, login, count_queries):
    """After a change the first page reads the lists (one statement more); the next
    page only reads the token."""
    login(world.member)
    f.community("人民路社区")
    db.session.commit()
    counts = []
    for _ in range(3):
        with app.app_context():
            with count_queries() as q:
                assert client.get("/tasks/").status_code == 200
        counts.append((q.count, sum("ROW_NUMBER" in s.upper() for s in q.statements)))
    assert counts[0][1] == 1 and counts[1][1] == 0 and counts[2][1] == 0
    assert counts[0][0] == counts[1][0] + 1 == counts[2][0] + 1


def _titles(page: str) -> set[str]:
    """The titles of the page's task cards."""
    return set(re.findall(r'<article class="card task-card">\s*<h2><a [^>]*>([^<]*)</a>', page))


def test_a_filter_follows_the_lists_the_page_itself_read(client, world, login):
    """A worker checks the typed filter against the lists it kept, before its page says
    (on its own rows) which lists are current; when they have changed, the filter is
    checked again at once: a community listed again filters this very page, and one
    closed since is no filter (as any community not listed)."""
    other = world.other_community.id
    login(world.member)
    operator_sql("UPDATE community SET active = FALSE WHERE id = :id", id=other)
    name = world.other_community.name
    # this worker keeps the lists without it
    assert name not in options(client.get("/tasks/").get_data(as_text=True), "community")
    operator_sql("UPDATE community SET active = TRUE WHERE id = :id", id=other)
    page = client.get(f"/tasks/?community={other}").get_data(as_text=True)
    assert _titles(page) == {"清除牛皮癣"}
    assert f'<option selected value="{other}">' in page
    operator_sql("UPDATE community SET active = FALSE WHERE id = :id", id=other)
    page = client.get(f"/tasks/?community={other}").get_data(as_text=True)
    assert _titles(page) == {"环境整治", "清除牛皮癣"}
    assert name not in options(page, "community")


def _picker(client, url: str) -> list[str]:
    return options(client.get(url).get_data(as_text=True), "community")


def test_the_progress_pickers_show_the_reach_as_the_database_holds_it(client, world, login):
    """An admin's picker: 全部社区, then every active community in natural order (then
    those closed that have tasks, marked 已停用); a liaison's: their own only, in the
    same order. A rename, a reorder and a closing by
    plain SQL show on the next page."""
    renmin = f.community("人民路社区")
    both = f.member(world.unit, Role.liaison, "联络员丙", communities=[world.community, renmin])
    db.session.commit()
    login(world.admin)
    assert _picker(client, "/progress/community") == [
        "全部社区", "人民路社区", "建设路社区", "解放路社区"]
    operator_sql("UPDATE community SET name = '解放路第一社区', sort_key = '0' WHERE id = :id",
                 id=world.community.id)
    operator_sql("UPDATE community SET active = FALSE WHERE id = :id",
                 id=world.other_community.id)
    # a closed community with work stays one pick away, after the others, marked
    assert _picker(client, "/progress/double") == ["全部社区", "解放路第一社区", "人民路社区",
                                                  "建设路社区（已停用）"]
    login(both)
    assert _picker(client, "/progress/community") == ["全部社区", "解放路第一社区", "人民路社区"]
    login(world.other_liaison)  # their one community is closed: its history stays theirs
    assert _picker(client, "/progress/community") == ["全部社区", "建设路社区（已停用）"]


def test_the_progress_pickers_read_unchanged_lists_once(app, client, world, login,
                                                        count_queries):
    """The admin's picker holds every community of the county: after a change the first
    page reads the lists, later pages the lists' version alone (one row)."""
    login(world.admin)
    f.community("人民路社区")
    db.session.commit()
    read = []
    for url in ("/progress/community", "/progress/community", "/progress/double"):
        with app.app_context():
            with count_queries() as q:
                assert client.get(url).status_code == 200
        # the lists' own statement: both lists and the version they were read under
        read.append(sum("lists_version" in s and "UNION ALL" in s.upper() for s in q.statements))
    assert read == [1, 0, 0]
