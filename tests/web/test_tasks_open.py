"""可认领任务: the open-task list, its filters, paging and the claim button on each card."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import unquote

from tests import factories as f
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, TaskStatus
from tracker.timeutil import local_date


def page(client, url="/tasks/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def titles(html: str) -> list[str]:
    """Task titles of the cards on a list page, in order."""
    return re.findall(r'<article class="card task-card">\s*'
                      r'<h2><a href="/tasks/\d+">(.*?)</a>', html)


def test_anonymous_is_sent_to_login(client, world):
    response = client.get("/tasks/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_card_shows_what_a_member_needs_and_a_claim_button(client, world, login):
    zone = f.zone(world.community, "一号责任区")
    item = f.item(world.unit, world.community, "stairwell_painting", zone=zone)
    task = f.task(item, world.liaison, slots=4, title="粉刷三单元楼道")
    db.session.add(Assignment(task_id=task.id, member_id=world.other_member.id,
                              status=AssignmentStatus.claimed))
    task.taken = 1
    db.session.commit()
    login(world.member)
    html = page(client)
    assert "粉刷三单元楼道" in html
    assert "解放路社区 · 一号责任区" in html
    assert "社区活动中心" in html  # place
    assert "剩余名额" in html and "<b>3</b> / 4" in html
    assert f'action="/tasks/{task.id}/claim?next=/tasks/"' in html
    assert ">认领</button>" in html
    assert world.other_member.phone not in html


def test_only_open_tasks_that_have_not_started_soonest_first(client, world, login):
    later = f.task(world.item, world.liaison, starts_in=timedelta(days=9), title="九天后")
    sooner = f.task(world.item, world.liaison, starts_in=timedelta(hours=3), title="三小时后")
    f.task(world.item, world.liaison, starts_in=-timedelta(minutes=5), title="刚开始的")
    f.task(world.item, world.liaison, status=TaskStatus.cancelled, title="取消的活动")
    f.task(world.item, world.liaison, status=TaskStatus.closed, title="关闭的活动")
    db.session.commit()
    login(world.member)
    shown = titles(page(client))
    assert shown == [sooner.title, world.task.title, world.other_task.title, later.title]


def test_full_task_says_so_and_has_no_claim_button(client, world, login):
    full = f.task(world.item, world.liaison, slots=1, title="满员的活动")
    full.taken = 1
    db.session.commit()
    login(world.member)
    html = page(client)
    card = html[html.index("满员的活动"):]
    card = card[:card.index("</article>")]
    assert "已满" in card
    assert "/claim" not in card  # the card only: its own links


def test_claimed_task_shows_claimed_instead_of_the_button(client, world, login):
    db.session.add(Assignment(task_id=world.task.id, member_id=world.member.id,
                              status=AssignmentStatus.claimed))
    world.task.taken = 1
    db.session.commit()
    login(world.member)
    html = page(client)
    card = html[html.index(world.task.title):]
    card = card[:card.index("</article>")]
    assert "已认领" in card and "/claim" not in card
    # Another member still sees the button.
    login(world.other_member)
    assert f"/tasks/{world.task.id}/claim" in page(client)


def test_filter_by_community(client, world, login):
    login(world.member)
    html = page(client, f"/tasks/?community={world.other_community.id}")
    assert titles(html) == [world.other_task.title]
    assert "清除筛选" in html


def test_filter_by_category(client, world, login):
    login(world.member)
    category_id = world.other_item.category_id
    html = page(client, f"/tasks/?category={category_id}")
    assert titles(html) == [world.other_task.title]


def test_filter_by_date(client, world, login):
    later = f.task(world.item, world.liaison, starts_in=timedelta(days=5), title="五天后")
    db.session.commit()
    login(world.member)
    day = local_date(later.starts_at).isoformat()
    html = page(client, f"/tasks/?day={day}")
    assert titles(html) == ["五天后"]
    assert f'value="{day}"' in html  # the filter keeps what was chosen


def test_nothing_matches_says_so(client, world, login):
    login(world.member)
    html = page(client, "/tasks/?day=2001-01-01")
    assert "没有符合条件的可认领任务" in html


def test_bad_filters_are_ignored_with_a_chinese_message(client, world, login):
    login(world.member)
    html = page(client, "/tasks/?community=abc&category=99999&day=2024-13-45&page=-3")
    assert "日期格式不正确" in html
    assert 'value="2024-13-45"' in html
    assert titles(html) == [world.task.title, world.other_task.title]
    assert "Not a valid" not in html


def test_paging(client, world, login, app):
    size = app.config["PAGE_SIZE"]
    for n in range(size + 3):
        f.task(world.item, world.liaison, starts_in=timedelta(days=10, hours=n), title=f"批量{n:03d}")
    db.session.commit()
    login(world.member)
    first = page(client)
    assert "第 1 / 2 页" in first and "下一页" in first
    assert "批量000" in first and f"批量{size + 2:03d}" not in first
    second = page(client, "/tasks/?page=2")
    assert f"批量{size + 2:03d}" in second and "批量000" not in second
    # Out of range (an old link shared in a group): the last page, not an error and
    # not an empty page saying there is nothing to claim
    past = page(client, "/tasks/?page=99")
    assert "暂时没有可认领的任务" not in past and "第 2 / 2 页" in past
    assert f"批量{size + 2:03d}" in past
    # the world's two open tasks and these
    assert f"共 {size + 5} 个任务" in past and f"共 {size + 5} 个任务" in first


def test_paging_keeps_the_filters(client, world, login, app):
    for n in range(app.config["PAGE_SIZE"] + 1):
        f.task(world.item, world.liaison, starts_in=timedelta(days=3, hours=n))
    db.session.commit()
    login(world.member)
    html = page(client, f"/tasks/?community={world.community.id}")
    assert f"community={world.community.id}" in html[html.index('class="pager"'):]


def _shown(client, url: str) -> tuple[int, int]:
    """(共 N 个任务 as the page says it, the cards on all of its pages)."""
    first = page(client, url)
    total = int(re.search(r"共 (\d+) 个任务", first).group(1))
    pages = re.search(r"第 1 / (\d+) 页", first)
    return total, sum(
        len(titles(page(client, f"{url}{'&' if '?' in url else '?'}page={number}")))
        for number in range(1, (int(pages.group(1)) if pages else 1) + 1))


def test_the_count_is_the_cards_listed_over_all_pages(client, world, login, app):
    """"共 N 个任务" counts exactly the tasks the pages list — tasks with and without a
    责任区, in both communities, whatever the filter (the count is its own statement)."""
    zone = f.zone(world.community)
    for n in range(app.config["PAGE_SIZE"] + 2):
        task = f.task(world.item if n % 2 else world.other_item, world.liaison,
                      starts_in=timedelta(days=4, hours=n), title=f"计数{n:03d}")
        task.zone_id = zone.id if n % 3 == 0 else None
    f.task(world.item, world.liaison, title="已取消", status=TaskStatus.cancelled)
    db.session.commit()
    login(world.member)
    for url in ("/tasks/", f"/tasks/?community={world.community.id}",
                f"/tasks/?category={world.other_item.category_id}", "/tasks/?q=计数"):
        total, cards = _shown(client, url)
        assert total == cards > 0, url


def _slots_class(html: str, title: str) -> str:
    card = html[html.index(title):]
    card = card[:card.index("</article>")]
    return re.search(r'<p class="slots([^"]*)">', card).group(1).strip()


def test_slots_left_are_coloured_only_when_few_are_left_or_full(client, world, login):
    # (slots, taken) → how 剩余名额 reads: a warning only when few are left (at most 2,
    # or at most a fifth of the slots) or none; never while every slot is free.
    cases = {
        "全部空闲": (10, 0, ""), "两个名额全空": (2, 0, ""), "一个名额全空": (1, 0, ""),
        "过半空闲": (10, 4, ""), "剩三成": (10, 7, ""),
        "剩两成": (20, 16, "is-few"), "剩两个": (20, 18, "is-few"), "剩一个": (5, 4, "is-few"),
        "满员": (3, 3, "is-full"),
    }
    for title, (slots, taken, _) in cases.items():
        task = f.task(world.item, world.liaison, slots=slots, title=title)
        task.taken = taken
    db.session.commit()
    login(world.member)
    html = page(client)
    assert {title: _slots_class(html, title) for title in cases} == {
        title: expected for title, (_, _, expected) in cases.items()}


def _community_select(html: str) -> str:
    return re.search(r'<select[^>]* name="community"[^>]*>.*?</select>', html, re.S).group(0)


def test_the_community_filter_offers_the_units_communities_and_links_every_other(
        client, world, login):
    """The filter's select names the communities the member's unit works in (the county's
    200 in it were 12 KB of the page); every other community is a link away, on a page
    of plain links (no JavaScript), which keeps the filters typed so far."""
    elsewhere = f.community("远郊社区")
    f.task(f.item(f.unit("县住建局"), elsewhere, "ad_removal"), world.liaison, title="远郊的活动")
    db.session.commit()
    login(world.member)
    offered = _community_select(page(client))
    assert world.community.name in offered and world.other_community.name in offered
    assert "远郊社区" not in offered
    # 其他社区 is the select's own help, read out with it
    assert 'aria-describedby="community-help"' in offered
    typed = page(client, "/tasks/?q=活动&day=")
    more = re.search(r'<p class="help" id="community-help"><a href="(/tasks/communities[^"]*)">',
                     typed).group(1)
    assert unquote(more) == "/tasks/communities?q=活动"

    chooser = page(client, "/tasks/communities?q=活动")
    ours, others = chooser.split("其他社区</h2>")
    assert world.community.name in ours and "远郊社区" not in ours
    link = unquote(re.search(r'<a href="([^"]+)">远郊社区</a>', others).group(1)
                   .replace("&amp;", "&"))
    assert link == f"/tasks/?community={elsewhere.id}&q=活动"
    # the list filtered by it, the chosen community shown (and offered) in the select
    html = page(client, link)
    assert titles(html) == ["远郊的活动"]
    assert f'<option selected value="{elsewhere.id}">远郊社区</option>' in _community_select(html)
    assert 'value="活动"' in html


def test_the_filter_offers_this_years_communities_and_those_with_an_open_task_only(
        client, world, login):
    """The unit's communities are this year's checklist's, and any where a task of the
    unit is still open (so none of its open tasks is out of the select's reach). A
    community of last year's checklist only, whose tasks are over or cancelled, is no
    longer the unit's: on the chooser it is among the others. The same whether the
    list has rows (the communities come with them) or none."""
    last_year = local_date(world.task.starts_at).year - 1
    gone = f.community("旧共建社区")
    gone_item = f.item(world.unit, gone, "ad_removal", year=last_year)
    f.task(gone_item, world.liaison, status=TaskStatus.cancelled, title="取消的活动")
    f.task(gone_item, world.liaison, starts_in=-timedelta(hours=1), title="进行中的活动")
    winding = f.community("收尾社区")
    f.task(f.item(world.unit, winding, "ad_removal", year=last_year), world.liaison,
           title="收尾活动")
    db.session.commit()
    login(world.member)
    for url in ("/tasks/", "/tasks/?q=没有这样的活动"):
        html = page(client, url)
        assert ("收尾活动" in titles(html)) == (url == "/tasks/")
        offered = re.findall(r"<option[^>]*>([^<]*)</option>", _community_select(html))
        assert sorted(offered) == sorted(
            ["全部社区", world.community.name, world.other_community.name, "收尾社区"]), url
    ours, others = page(client, "/tasks/communities").split("其他社区</h2>")
    assert "收尾社区" in ours and "旧共建社区" not in ours
    assert "旧共建社区" in others


def test_a_member_whose_unit_works_nowhere_is_offered_every_community_on_the_chooser(
        client, world, login):
    newcomer = f.member(f.unit("县新设局"))
    db.session.commit()
    login(newcomer)
    offered = _community_select(page(client))
    assert re.findall(r"<option[^>]*>([^<]*)</option>", offered) == ["全部社区"]
    chooser = page(client, "/tasks/communities")
    assert "本单位共建社区" not in chooser
    assert f'href="/tasks/?community={world.community.id}"' in chooser
    assert f'href="/tasks/?community={world.other_community.id}"' in chooser
