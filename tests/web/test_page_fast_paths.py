"""The shortcuts the member pages take to render with less CPU (issue 14) give exactly
what the long way gives: the same URLs, the same translations, the same cards."""
from __future__ import annotations

import re

import pytest
from flask import g, render_template_string, url_for
from flask_babel import force_locale
from sqlalchemy import select

from tests import factories as f
from tests.security.support import csrf_token
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, WaitlistEntry, WaitStatus
from tracker.templating import FRAGMENTS, compile_templates, url_for_row

# (endpoint, arguments) as the list pages build them, the row's id varying.
ROW_URLS = [
    ("tasks.detail", {}),
    ("tasks.claim", {"next": "/tasks/"}),
    ("tasks.claim", {"next": "/tasks/?community=3&day=2026-12-01&q=楼道 粉刷"}),
    ("tasks.waitlist_join", {"next": None}),
    ("tasks.withdraw", {"next": "/tasks/mine?tab=upcoming"}),
    # the mark that stands for the id inside the query: the URL cannot be reused
    ("tasks.claim", {"next": "/tasks/?page=2147483646"}),
]


@pytest.mark.parametrize("endpoint, extra", ROW_URLS)
def test_a_row_url_is_the_url_url_for_builds(app, endpoint, extra):
    with app.test_request_context("/tasks/"):
        for task_id in (1, 7, 42, 123456, 2147483646, 1):  # again after the first: reused
            assert url_for_row(endpoint, task_id=task_id, **extra) == \
                url_for(endpoint, task_id=task_id, **extra)


def test_calls_without_exactly_one_id_are_plain_url_for(app):
    with app.test_request_context("/tasks/"):
        assert url_for_row("tasks.mine", tab="history") == url_for("tasks.mine", tab="history")
        assert url_for_row("tasks.detail", task_id=5, page=2) == \
            url_for("tasks.detail", task_id=5, page=2)
        assert url_for_row("tasks.confirm", assignment_id=9) == \
            url_for("tasks.confirm", assignment_id=9)
        assert url_for_row("tasks.open_tasks", community=[1, 2]) == \
            url_for("tasks.open_tasks", community=[1, 2])
    with app.test_request_context("/tasks/", base_url="http://localhost/sub"):
        # under a URL prefix (SCRIPT_NAME) the prefix is part of every URL
        assert url_for_row("tasks.detail", task_id=3) == "/sub/tasks/3"


def test_templates_follow_a_locale_forced_inside_the_request(app):
    """The page's catalog is looked up once, but a forced locale (the report exports)
    still translates in its own language, and the page's language comes back after."""
    page = "{{ _('可认领任务') }}|{{ _('已满') }}"
    with app.test_request_context("/tasks/?lang=en"):
        assert render_template_string(page) == "Open tasks|Full"
        with force_locale("zh_CN"):
            assert render_template_string(page) == "可认领任务|已满"
        assert render_template_string(page) == "Open tasks|Full"


def test_every_card_links_to_its_own_task(client, world, login):
    """Each card's title and 详情 open its own task; its claim (or 候补, when full) posts
    for its own task and comes back to the list as filtered."""
    full = f.task(world.item, world.liaison, slots=1, title="满员的活动")
    full.taken = 1
    others = [f.task(world.item, world.liaison, title=f"第{n}个活动") for n in range(3)]
    db.session.commit()
    login(world.member)
    listed = f"/tasks/?community={world.community.id}"
    html = client.get(listed).get_data(as_text=True)
    cards = re.findall(r'<article class="card task-card">(.*?)</article>', html, re.S)
    ids = [int(re.search(r'<h2><a href="/tasks/(\d+)">', card).group(1)) for card in cards]
    assert sorted(ids) == sorted([world.task.id, full.id, *(t.id for t in others)])
    back = "next=/tasks/?community%3D" + str(world.community.id)
    for task_id, card in zip(ids, cards):
        assert re.findall(r'href="([^"]*)"', card) == [f"/tasks/{task_id}"] * 2
        action = "waitlist" if task_id == full.id else "claim"
        assert re.findall(r'action="([^"]*)"', card) == [f"/tasks/{task_id}/{action}?{back}"]


# --- the open-task list's cards, kept between requests (cached_fragment) -----------------

CARD = re.compile(r'<article class="card task-card">.*?</article>', re.S)
TOKENS = re.compile(r'name="(?:csrf_token|submission_token|page_submission_token)" value="([^"]*)"')


def card_of(html: str, title: str) -> str:
    return next(card for card in CARD.findall(html) if f">{title}</a></h2>" in card)


def without_tokens(html: str) -> str:
    return TOKENS.sub('name="token" value=""', html)


def test_a_kept_card_is_the_card_rendered_afresh(client, world, login):
    """Every card, rendered once and then shown from what was kept, reads exactly as
    when rendered anew (the tokens aside, which are made anew for each page)."""
    full = f.task(world.item, world.liaison, slots=1, title="满员的活动")
    full.taken = 1
    db.session.commit()
    login(world.member)
    FRAGMENTS.clear()
    fresh = client.get("/tasks/").get_data(as_text=True)
    kept = client.get("/tasks/").get_data(as_text=True)
    assert len(CARD.findall(fresh)) == 3
    assert without_tokens(kept) == without_tokens(fresh)


def test_a_kept_card_carries_new_tokens_that_work(client, world, login, app):
    """Each load of the list carries a one-time token of its own for its cards' one form
    (tracker/resend.py keeps it apart per action), and a claim sent from a kept card
    with it goes through with CSRF protection on."""
    login(world.member)
    app.config["WTF_CSRF_ENABLED"] = True
    FRAGMENTS.clear()
    first, second = (client.get("/tasks/").get_data(as_text=True) for _ in range(2))
    tokens = [re.findall(r'name="page_submission_token" value="([^"]+)"', page)
              for page in (first, second)]
    assert len(tokens[0]) == len(tokens[1]) == 1 and tokens[0] != tokens[1]
    assert 'name="submission_token"' not in first + second  # no card carries its own
    card = card_of(second, world.task.title)
    action = re.search(r'formaction="([^"]*)"', card).group(1).replace("&amp;", "&")
    form = re.search(r'<form method="post" class="task-list">.*?</form>', second, re.S).group(0)
    data = dict(re.findall(r'name="(csrf_token|page_submission_token)" value="([^"]*)"', form))
    response = client.post(action, data=data)
    assert response.status_code == 302
    assert db.session.scalar(select(Assignment.status).where(
        Assignment.task_id == world.task.id, Assignment.member_id == world.member.id)) \
        == AssignmentStatus.claimed


MINE_CARD = re.compile(r'<article class="card">.*?</article>', re.S)


def _my_cards(client, tab: str) -> list[str]:
    return MINE_CARD.findall(client.get(f"/tasks/mine?tab={tab}").get_data(as_text=True))


@pytest.fixture
def my_tasks(world):
    """The member holds the world's task and a second one, and waits for a full one."""
    second = f.task(world.item, world.liaison, title="第二个活动")
    full = f.task(world.item, world.liaison, slots=1, title="满员的活动")
    full.taken = 1
    db.session.flush()
    db.session.add_all([
        Assignment(task_id=world.task.id, member_id=world.member.id,
                   status=AssignmentStatus.claimed),
        Assignment(task_id=second.id, member_id=world.member.id,
                   status=AssignmentStatus.claimed),
        WaitlistEntry(task_id=full.id, member_id=world.member.id, status=WaitStatus.waiting)])
    db.session.commit()
    return world


def test_my_kept_cards_are_the_cards_rendered_afresh(client, my_tasks, login):
    """我的任务's cards, rendered once and then kept, read exactly as rendered anew, on
    every tab (the tokens aside)."""
    login(my_tasks.member)
    for tab in ("upcoming", "confirm", "returned", "history", "lead"):
        FRAGMENTS.clear()
        fresh = client.get(f"/tasks/mine?tab={tab}").get_data(as_text=True)
        kept = client.get(f"/tasks/mine?tab={tab}").get_data(as_text=True)
        assert without_tokens(kept) == without_tokens(fresh), tab
    cards = _my_cards(client, "upcoming")
    assert len(cards) == 3 and sum("候补第1位" in card for card in cards) == 1
    kept = [key[0] for key in FRAGMENTS.keys()]
    assert kept.count("mine-card") == 2 and kept.count("mine-waiting-card") == 1


def test_my_kept_card_follows_my_state_and_its_tab_at_once(client, my_tasks, login):
    """A kept card is never an old one: a changed task, my changed participation or
    another tab each show on the very next page."""
    login(my_tasks.member)
    FRAGMENTS.clear()
    title = f'href="/tasks/{my_tasks.task.id}"'
    first = next(c for c in _my_cards(client, "upcoming") if title in c)
    assert "已认领" in first and "/withdraw" in first
    my_tasks.task.place = "社区活动室（改）"
    db.session.commit()
    card = next(c for c in _my_cards(client, "upcoming") if title in c)
    assert "社区活动室（改）" in card
    assignment = db.session.scalar(select(Assignment).where(
        Assignment.task_id == my_tasks.task.id, Assignment.member_id == my_tasks.member.id))
    assignment.status = AssignmentStatus.assigned
    db.session.commit()
    card = next(c for c in _my_cards(client, "upcoming") if title in c)
    assert "已指派" in card and "已认领" not in card
    # the same task on another tab links back to that tab
    assert "next=/tasks/mine?tab%3Dupcoming" in card


def test_a_withdrawal_from_my_kept_card_works(client, my_tasks, login, app):
    """The forms of a kept card carry this page's tokens: 取消认领 and 退出候补 go
    through with CSRF protection on."""
    login(my_tasks.member)
    FRAGMENTS.clear()
    _my_cards(client, "upcoming")
    app.config["WTF_CSRF_ENABLED"] = True
    cards = _my_cards(client, "upcoming")  # kept
    sent = {}
    for word in ("/withdraw", "/waitlist/leave"):
        card = next(c for c in cards if word in c)
        action = re.search(r'action="([^"]*%s[^"]*)"' % word, card).group(1).replace("&amp;", "&")
        data = dict(re.findall(r'name="(csrf_token|submission_token|confirmed)" value="([^"]*)"',
                               card))
        data["confirmed"] = "1"
        assert client.post(action, data=data).status_code == 302, word
        sent[word] = int(re.search(r"/tasks/(\d+)/", action).group(1))
    assert db.session.scalar(select(Assignment.status).where(
        Assignment.task_id == sent["/withdraw"], Assignment.member_id == my_tasks.member.id)) \
        == AssignmentStatus.withdrawn
    assert db.session.scalar(select(WaitlistEntry.status).where(
        WaitlistEntry.task_id == sent["/waitlist/leave"],
        WaitlistEntry.member_id == my_tasks.member.id)) == WaitStatus.left


def test_a_kept_card_never_shows_old_slots_or_another_members_state(client, world, login):
    task = f.task(world.item, world.liaison, slots=3, title="三个名额")
    db.session.commit()
    login(world.member)
    FRAGMENTS.clear()
    assert "<b>3</b> / 3" in card_of(client.get("/tasks/").get_data(as_text=True), "三个名额")
    # another member claims: this member's next look shows one slot fewer
    db.session.add(Assignment(task_id=task.id, member_id=world.other_member.id,
                              status=AssignmentStatus.claimed))
    task.taken = 1
    db.session.commit()
    card = card_of(client.get("/tasks/").get_data(as_text=True), "三个名额")
    assert "<b>2</b> / 3" in card and "/claim" in card
    # the member who claimed sees 已认领 on the same card; this one still the button
    login(world.other_member)
    card = card_of(client.get("/tasks/").get_data(as_text=True), "三个名额")
    assert "已认领" in card and "/claim" not in card
    login(world.member)
    card = card_of(client.get("/tasks/").get_data(as_text=True), "三个名额")
    assert "已认领" not in card and "/claim" in card


def test_a_kept_card_is_in_the_pages_language(client, world, login):
    login(world.member)
    FRAGMENTS.clear()
    chinese = card_of(client.get("/tasks/").get_data(as_text=True), world.task.title)
    # Flask-Babel keeps the locale on ``g``, which a test's app context shares between
    # requests; a served request starts without it.
    g.pop("_flask_babel", None)
    client.get("/tasks/mine?lang=en")  # the choice sticks for the session
    g.pop("_flask_babel", None)
    english = card_of(client.get("/tasks/").get_data(as_text=True), world.task.title)
    assert "剩余名额" in chinese and ">认领<" in chinese
    assert "剩余名额" not in english and "Slots left" in english


FILTER = re.compile(r'<form method="get" action="/tasks/".*?</form>', re.S)


def options(html: str, name: str) -> list[str]:
    select_ = re.search(rf'<select[^>]* name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select_)


def fresh_and_kept(client, pattern: re.Pattern, url: str = "/tasks/") -> tuple[str, str]:
    """The part of the page ``pattern`` finds, rendered afresh and then as kept."""
    FRAGMENTS.clear()
    return tuple(pattern.search(client.get(url).get_data(as_text=True)).group(0)
                 for _ in range(2))


def test_the_kept_filter_is_the_filter_rendered_afresh(client, world, login):
    login(world.member)
    fresh, kept = fresh_and_kept(client, FILTER)
    assert kept == fresh
    assert options(kept, "community") == ["全部社区", "建设路社区", "解放路社区"]  # natural order


def test_the_kept_filter_follows_a_changed_community_or_category_at_once(client, world, login):
    """The drop-downs are read on every request: a community added, renamed or closed,
    or a category switched off, shows in the very next page, whatever was kept."""
    from tracker.models import Category

    login(world.member)
    FRAGMENTS.clear()
    client.get("/tasks/")
    f.community("人民路社区")
    world.community.name = "解放路第一社区"
    world.other_community.active = False
    category = db.session.scalars(select(Category).where(Category.active.is_(True))
                                  .order_by(Category.sort_order, Category.id)).first()
    category.active = False
    db.session.commit()
    page = client.get("/tasks/").get_data(as_text=True)
    # the select names the unit's communities (人民路社区, new, is the chooser's), now
    # as renamed, the closed one gone
    assert options(page, "community") == ["全部社区", "解放路第一社区"]
    assert category.name not in options(page, "category")
    chooser = client.get("/tasks/communities").get_data(as_text=True)
    assert "人民路社区" in chooser and "解放路第一社区" in chooser
    assert world.other_community.name not in chooser


def test_a_typed_filter_keeps_what_was_typed(client, world, login):
    login(world.member)
    FRAGMENTS.clear()
    client.get("/tasks/")  # the untyped filter kept
    page = client.get("/tasks/?q=楼道&day=明天").get_data(as_text=True)
    assert 'value="楼道"' in page and 'value="明天"' in page
    assert "日期格式不正确" in page


TOPBAR = re.compile(r'<header class="topbar">.*?</header>', re.S)


def test_the_kept_top_bar_is_the_bar_rendered_afresh(client, world, login):
    login(world.member)
    fresh, kept = fresh_and_kept(client, TOPBAR)
    assert kept == fresh


def test_the_kept_top_bar_follows_a_new_role_at_once(client, world, login):
    """The bar is kept per role and counts: a member made liaison gets the staff bar
    (工作台, 审核) on the very next page."""
    from tracker.models import Role

    login(world.member)
    FRAGMENTS.clear()
    before = TOPBAR.search(client.get("/tasks/").get_data(as_text=True)).group(0)
    assert "工作台" not in before
    world.member.role = Role.liaison
    db.session.commit()
    after = TOPBAR.search(client.get("/tasks/").get_data(as_text=True)).group(0)
    assert "工作台" in after and "审核" in after


FOOTER = re.compile(r'<footer class="footer">.*?</footer>', re.S)


def test_the_kept_footer_is_each_members_own_and_its_logout_works(client, world, login, app):
    """The footer is kept per name and role: each member sees their own; and 退出登录
    from a footer kept for someone else of the same name logs this member out with
    CSRF protection on (its token is this session's, made anew for every page)."""
    FRAGMENTS.clear()
    footers = {}
    for who in (world.member, world.liaison, world.member):
        login(who)
        footers[who.id] = FOOTER.search(client.get("/tasks/").get_data(as_text=True)).group(0)
        assert f"{who.name}（" in footers[who.id]
    assert f"{world.liaison.name}（" not in footers[world.member.id]
    assert "党员" in footers[world.member.id] and "联络员" in footers[world.liaison.id]

    namesake = f.member(world.unit, name=world.member.name)
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    other = app.test_client()

    def served():
        # Flask-Login and Flask-WTF keep a request's user and token on ``g``, which a
        # test's app context shares between requests (and here two clients); a served
        # request starts without them.
        for name in ("_login_user", "_login_session", "csrf_token"):
            g.pop(name, None)
        return other

    token = csrf_token(served())
    assert served().post("/auth/login", data={"phone": namesake.phone, "password": f.PASSWORD,
                                              "csrf_token": token}).status_code == 302
    page = served().get("/tasks/").get_data(as_text=True)
    assert FOOTER.search(page).group(0).count(world.member.name) == 1
    kept_token = re.search(r'name="csrf_token" value="([^"]+)"',
                           FOOTER.search(page).group(0)).group(1)
    assert served().post("/auth/logout", data={"csrf_token": kept_token}).status_code == 302
    assert "/auth/login" in served().get("/tasks/").headers["Location"]


def test_the_kept_head_names_this_builds_static_files():
    """The head's links are kept per language and URL prefix: the stylesheet's version
    is its content's (``ops.web.file_version``), the same for a process's life."""
    from tracker.ops.web import file_version
    from tracker import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.test_request_context("/"):
        from flask import render_template_string

        FRAGMENTS.clear()
        html = render_template_string("{% extends 'base.html' %}")
        again = render_template_string("{% extends 'base.html' %}")
    version = file_version(app.static_folder, "css/app.css")
    assert f"css/app.css?v={version}" in html and html == again


PAGE_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _page_csrf(client) -> str:
    g.pop("csrf_token", None)  # a served request starts without the last one's token
    return PAGE_CSRF.search(client.get("/tasks/").get_data(as_text=True)).group(1)


@pytest.fixture
def ticking_clock(monkeypatch):
    """Every signature a second after the last: a token signed anew is another token."""
    from itsdangerous.timed import TimestampSigner

    ticks = iter(range(1_900_000_000, 2_000_000_000))
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: next(ticks))


def test_a_sessions_pages_carry_the_token_signed_once(client, world, login, app, ticking_clock):
    """Tokens never expire here (WTF_CSRF_TIME_LIMIT None), so a session's pages show
    the one signature of its raw token, which the check accepts on every later page;
    another session has a token of its own."""
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None
    login(world.member)
    first, second = _page_csrf(client), _page_csrf(client)
    assert first == second
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/auth/logout", data={"csrf_token": first}).status_code == 302
    app.config["WTF_CSRF_ENABLED"] = False
    login(world.liaison)
    assert _page_csrf(client) not in (first, "")


def test_tokens_that_age_are_signed_for_every_page(client, world, login, app, ticking_clock):
    """With a time limit a token's age matters: each page signs its own."""
    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    login(world.member)
    assert _page_csrf(client) != _page_csrf(client)


def test_compiled_templates_serve_pages_without_reading_a_template(client, world, login, app,
                                                                    monkeypatch):
    """What gunicorn's master does before it forks (deploy/gunicorn.conf.py): every
    template compiled at once, so a worker's pages never compile one."""
    app.jinja_env.cache.clear()  # as a new process: nothing compiled yet
    assert compile_templates(app) == len(app.jinja_env.list_templates()) > 50
    sources = []
    loader, real = app.jinja_env.loader, app.jinja_env.loader.get_source
    monkeypatch.setattr(loader, "get_source",
                        lambda env, name: sources.append(name) or real(env, name))
    assert client.get("/auth/login").status_code == 200
    login(world.member)
    for url in ("/tasks/", "/tasks/mine", f"/tasks/{world.task.id}", "/progress/mine"):
        assert client.get(url).status_code == 200
    login(world.admin)
    for url in ("/manage/", "/progress/community?community=all", "/reports/"):
        assert client.get(url).status_code == 200
    assert sources == []
