"""开始使用: on a new installation an admin lands on the list of what to set up next
(units, communities, zones, checklist, members), each a link, ticked when the data
holds it — counted from the database, so adding or switching off a record moves it."""
from __future__ import annotations

import html
import re

from flask import g

from tests import factories as f
from tracker.extensions import db
from tracker.models import Role
from tracker.models.work import FUNDING_CODE
from tracker.timeutil import local_today

STEPS = ["单位", "社区", "责任区", "资源清单", "党员干部", "社区联络员"]


def _fresh_admin():
    """What `flask create-admin` leaves: one unit and its admin, nothing else."""
    admin = f.member(f.unit("县商务局"), Role.admin, "王管理")
    db.session.commit()
    return admin


def _ticked(page: str) -> list[str]:
    """The steps shown as done, by title, in page order."""
    done = re.findall(r'<li class="card done">\s*<h2><a href="[^"]+">([^<]+)</a>', page)
    return [html.unescape(t) for t in done]


def test_an_admin_of_a_new_installation_lands_on_the_setup_steps(client, login):
    admin = _fresh_admin()
    login(admin)
    landing = client.get("/")
    assert landing.status_code == 302 and landing.headers["Location"].endswith("/admin/setup")
    page = client.get("/admin/setup").get_data(as_text=True)
    for title, link in zip(STEPS, ["/admin/units", "/admin/communities", "/admin/zones",
                                   "/admin/items", "/admin/members", "/admin/members"]):
        assert re.search(rf'<a href="{link}[^"]*">{title}</a>', page), title
    # The admin's own unit exists; the admin is not one of the members to set up.
    assert _ticked(page) == ["单位"]


def test_steps_are_ticked_from_the_data_and_the_landing_moves_on_when_done(client, login):
    admin = _fresh_admin()
    login(admin)
    assert _ticked(client.get("/admin/setup").get_data(as_text=True)) == ["单位"]

    community = f.community("解放路社区")
    db.session.commit()
    assert _ticked(client.get("/admin/setup").get_data(as_text=True)) == ["单位", "社区"]

    community.active = False  # a switched-off record does not count
    db.session.commit()
    assert _ticked(client.get("/admin/setup").get_data(as_text=True)) == ["单位"]

    community.active = True
    f.item(admin.unit, community, "environment_cleanup")
    f.member(admin.unit, Role.liaison, "联络员", communities=[community])
    db.session.commit()
    page = client.get("/admin/setup").get_data(as_text=True)
    assert _ticked(page) == ["单位", "社区", "资源清单", "党员干部", "社区联络员"]
    assert "基础数据已经齐备" in page  # zones are only for “双创” work: optional
    landing = client.get("/")
    assert landing.headers["Location"].endswith("/manage/")


def test_the_admin_index_points_to_the_steps_until_done(client, login):
    admin = _fresh_admin()
    login(admin)
    assert "/admin/setup" in client.get("/admin/").get_data(as_text=True)


def test_a_set_up_installation_sends_the_admin_to_the_workbench(client, login, world):
    login(world.admin)
    assert client.get("/").headers["Location"].endswith("/manage/")
    assert "/admin/setup" not in client.get("/admin/").get_data(as_text=True)


def _setup_page(client) -> str:
    return html.unescape(client.get("/admin/setup").get_data(as_text=True))


def test_the_checklist_step_waits_for_a_line_each_community_can_create_tasks_from(
        client, login):
    """A community whose liaison cannot create a task — its only lines are of last year,
    switched off, or 共建活动经费 (money, not activities) — keeps 资源清单 and the
    installation unfinished, and is named."""
    admin = _fresh_admin()
    ready, old_only, money_only = (f.community("人民路社区"), f.community("和平路社区"),
                                   f.community("解放路社区"))
    this_year = local_today().year
    f.item(admin.unit, ready, "environment_cleanup")
    f.item(admin.unit, old_only, "environment_cleanup", year=this_year - 1)
    f.item(admin.unit, old_only, "environment_cleanup").active = False
    f.item(admin.unit, money_only, FUNDING_CODE)
    for community in (ready, old_only, money_only):
        f.member(admin.unit, Role.liaison, communities=[community])
    db.session.commit()
    login(admin)
    page = _setup_page(client)
    assert "资源清单" not in _ticked(page)
    assert "基础数据已经齐备" not in page
    assert re.search(r"还没有\d+年可用资源清单项目的社区[^：]*：和平路社区、解放路社区", page)
    assert "人民路社区" not in page.split("还没有", 1)[1].split("</p>", 1)[0]

    f.item(admin.unit, old_only, "environment_cleanup")
    f.item(admin.unit, money_only, "environment_cleanup")
    db.session.commit()
    page = _setup_page(client)
    assert "资源清单" in _ticked(page) and "基础数据已经齐备" in page


def test_the_liaison_step_waits_until_the_liaisons_can_log_in(client, login):
    """A liaison who never set a password cannot log in to create a task: named, with
    the 激活链接 page filtered to the liaisons who still need one."""
    admin = _fresh_admin()
    community = f.community("人民路社区")
    f.item(admin.unit, community, "environment_cleanup")
    waiting = f.member(admin.unit, Role.liaison, "李秀英", communities=[community])
    waiting.password_hash = None
    f.member(admin.unit, Role.liaison, "赵秀英", communities=[community])
    db.session.commit()
    login(admin)
    page = _setup_page(client)
    assert "社区联络员" not in _ticked(page) and "基础数据已经齐备" not in page
    assert "李秀英尚未激活" in page and "赵秀英" not in page
    link = re.search(r'<a href="(/invite/manage\?[^"]+)">为其生成激活链接</a>', page).group(1)
    invites = client.get(link).get_data(as_text=True)
    assert "李秀英" in invites

    waiting.password_hash = f._PASSWORD_HASH
    db.session.commit()
    page = _setup_page(client)
    assert "社区联络员" in _ticked(page) and "基础数据已经齐备" in page


def _members_card(page: str) -> str:
    found = re.search(r'<a class="stat" href="/admin/members"><b>(\d+)</b>', page)
    assert found, "the 党员干部 card"
    return found.group(1)


def test_the_admin_index_and_the_setup_steps_count_the_same_members(client, login):
    """Walk 5, D2: a fresh install said 「1 党员干部」 on 管理 (the admin herself) and
    「现有 0 条」 on 开始使用. 党员干部 are the people an admin sets up, both pages alike."""
    admin = _fresh_admin()
    login(admin)
    index = client.get("/admin/").get_data(as_text=True)
    assert _members_card(index) == "0"
    assert "尚未通过邀请链接激活账号" not in index  # the admin has her password
    f.member(admin.unit, Role.member, "李娜").password_hash = None  # not activated yet
    db.session.commit()
    index = client.get("/admin/").get_data(as_text=True)
    assert _members_card(index) == "1"
    assert "其中 1 名党员干部尚未通过邀请链接激活账号。" in index
    setup = client.get("/admin/setup").get_data(as_text=True)
    assert "在用的社区联络员和党员干部共 1 人（不含单位管理员）。" in setup


def test_the_members_step_says_whom_it_counts_beside_the_list_of_every_account(
        client, login):
    """walk55: 开始使用 said 党员干部 「现有 30 条」 and 党员干部's list 「共 31 条」 for the
    same people — the list is every account, the admin herself too. The step counts the
    people an admin sets up, the liaisons and members in use, and says so; the list's
    extra rows are the admins (and the accounts 已停用) it names."""
    admin = _fresh_admin()
    f.member(admin.unit, Role.liaison, "林芳")
    f.member(admin.unit, Role.member, "李娜")
    f.member(admin.unit, Role.member, "赵强").active = False
    db.session.commit()
    login(admin)
    setup = client.get("/admin/setup").get_data(as_text=True)
    assert "在用的社区联络员和党员干部共 2 人（不含单位管理员）。" in setup
    assert "现有 2 条" not in setup
    listed = client.get("/admin/members").get_data(as_text=True)
    assert "共 4 条" in listed  # 2 in use, 1 switched off, the admin


def _total(page: str) -> str:
    """The list's 「共…条」 line, its blanks as a reader sees them."""
    return " ".join(re.search(r'<p class="muted">(共[^<]*)</p>', page).group(1).split())


def test_the_members_list_says_how_many_of_its_rows_are_admins(app, client, login):
    """small57 (roll56's Open): 开始使用 counts the liaisons and members in use and says
    it leaves the admins out; 党员干部's list counts every account, admins too. Where the
    list holds admins among others it says how many beside its total — on every page,
    the whole list's — and where it holds only admins, or none, its total alone."""
    admin = _fresh_admin()
    other = f.member(admin.unit, Role.admin, "局办公室管理员")
    f.member(admin.unit, Role.liaison, "林芳")
    f.member(admin.unit, Role.member, "李娜")
    f.member(admin.unit, Role.member, "赵强").active = False
    db.session.commit()
    login(admin)
    app.config["ADMIN_PAGE_SIZE"] = 2
    for page in (1, 3):
        listed = client.get(f"/admin/members?page={page}").get_data(as_text=True)
        assert _total(listed) == "共 5 条（其中单位管理员 2 个）"
    assert _total(client.get("/admin/members?role=admin").get_data(as_text=True)) == "共 2 条"
    assert _total(client.get("/admin/members?role=member").get_data(as_text=True)) == "共 2 条"
    assert _total(client.get("/admin/members?q=林芳").get_data(as_text=True)) == "共 1 条"
    # in English, the plural and, the other admin switched off, the singular
    g.pop("_flask_babel", None)  # a served request starts without the last one's locale
    english = client.get("/admin/members?status=active&lang=en").get_data(as_text=True)
    assert _english_total(english) == "4 in all (2 of them admins)"
    other.active = False
    db.session.commit()
    g.pop("_flask_babel", None)
    english = client.get("/admin/members?status=active&lang=en").get_data(as_text=True)
    assert _english_total(english) == "3 in all (1 of them an admin)"
    g.pop("_flask_babel", None)
    english = client.get("/admin/members?q=管理&lang=en").get_data(as_text=True)
    assert _english_total(english) == "2 in all"  # only admins: nothing to tell apart


def _english_total(page: str) -> str:
    return " ".join(re.search(r'<p class="muted">([^<]*in all[^<]*)</p>', page).group(1).split())


def _liaison_step(page: str) -> str:
    """The 社区联络员 step's note, its blanks collapsed as a reader sees them."""
    step = page.rsplit('<li class="card', 1)[1]  # the last step (``STEPS``)
    note = step.split('<p class="muted">', 1)[1].split("</p>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", note).split())


def test_the_liaison_step_ends_the_list_of_communities_before_naming_a_liaison(
        client, login):
    """browse48 #1: the communities without a liaison are one sentence and the liaisons
    not yet activated another — run together, 「建设路社区林芳」 read as a person; and one
    liaison is one person in English ("has", not "have")."""
    admin = _fresh_admin()
    jiefang, jianshe = f.community("解放路社区"), f.community("建设路社区")
    for community in (jiefang, jianshe):
        f.item(admin.unit, community, "environment_cleanup")
    f.member(admin.unit, Role.liaison, "林芳", communities=[jiefang]).password_hash = None
    db.session.commit()
    login(admin)
    note = _liaison_step(_setup_page(client))
    assert "还没有联络员的社区：建设路社区。林芳尚未激活，不能登录发布任务。" in note

    g.pop("_flask_babel", None)  # a served request starts without the last one's locale
    english = _liaison_step(html.unescape(
        client.get("/admin/setup?lang=en").get_data(as_text=True)))
    assert ("Communities without a liaison: 建设路社区. 林芳 has not activated their "
            "account yet and cannot log in to publish tasks.") in english, english


def _step_note(page: str, title: str) -> str:
    """The note of the step titled ``title``, its blanks collapsed as a reader sees them."""
    step = re.split(rf'<h2><a href="[^"]+">{title}</a>', page, maxsplit=1)[1]
    note = step.split('<p class="muted">', 1)[1].split("</p>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", note).split())


def _english(client) -> str:
    g.pop("_flask_babel", None)  # a served request starts without the last one's locale
    return html.unescape(client.get("/admin/setup?lang=en").get_data(as_text=True))


def test_the_link_for_liaisons_not_activated_counts_them_in_english(client, login):
    """words48: the link after 「…尚未激活」 is for one person or for several — "for this
    person" / "for these 2 people", not "their links" whoever is waiting; Chinese has one
    form, so it says 为其, which is right for one as for several, not 为他们 (small49
    Open, audit50)."""
    admin = _fresh_admin()
    community = f.community("解放路社区")
    f.item(admin.unit, community, "environment_cleanup")
    f.member(admin.unit, Role.liaison, "林芳", communities=[community]).password_hash = None
    db.session.commit()
    login(admin)
    assert _liaison_step(_setup_page(client)).endswith(
        "林芳尚未激活，不能登录发布任务。 为其生成激活链接")
    assert _liaison_step(_english(client)).endswith(
        "log in to publish tasks. Generate an activation link for this person")

    f.member(admin.unit, Role.liaison, "周敏", communities=[community]).password_hash = None
    db.session.commit()
    assert _liaison_step(_english(client)).endswith(
        "log in to publish tasks. Generate activation links for these 2 people")
    g.pop("_flask_babel", None)
    chinese = html.unescape(client.get("/admin/setup?lang=zh_CN").get_data(as_text=True))
    assert _liaison_step(chinese).endswith("尚未激活，不能登录发布任务。 为其生成激活链接")


def test_the_communities_without_a_checklist_line_end_their_sentence(client, login):
    """words48: the 资源清单 step's list of communities that cannot create tasks closes
    its sentence (「。」, "."), in Chinese and in English."""
    admin = _fresh_admin()
    for name in ("和平路社区", "解放路社区"):
        f.member(admin.unit, Role.liaison, communities=[f.community(name)])
    db.session.commit()
    login(admin)
    year = local_today().year
    assert _step_note(_setup_page(client), "资源清单") == (
        f"现有 0 条。 还没有{year}年可用资源清单项目的社区（联络员无法创建任务）："
        "和平路社区、解放路社区。")
    assert _step_note(_english(client), "Resource checklist").endswith(
        f"Communities with no usable {year} checklist item (their liaisons cannot create "
        "tasks): 和平路社区, 解放路社区.")
