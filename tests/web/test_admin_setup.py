"""开始使用: on a new installation an admin lands on the list of what to set up next
(units, communities, zones, checklist, members), each a link, ticked when the data
holds it — counted from the database, so adding or switching off a record moves it."""
from __future__ import annotations

import html
import re

from tests import factories as f
from tracker.extensions import db
from tracker.models import Role

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
