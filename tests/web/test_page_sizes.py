"""How many rows a list shows is a setting (tracker/config.py): ``PAGE_SIZE`` for the
lists read on a phone, and a named one for each list worked through at a desk — never
a number written into a view."""
from __future__ import annotations

import pytest

from tests.residents.support import resident
from tracker.extensions import db


def _two_residents(world):
    resident(world.community, world.liaison, name="赵奶奶", phone="13800000101")
    resident(world.community, world.liaison, name="钱爷爷", phone="13800000102")
    db.session.commit()


@pytest.mark.parametrize("setting, url, actor, setup", [
    ("ADMIN_PAGE_SIZE", "/admin/members", "admin", None),
    ("ADMIN_PAGE_SIZE", "/admin/communities", "admin", None),
    ("RESIDENTS_PAGE_SIZE", "/residents/", "liaison", _two_residents),
    ("RECORDS_PAGE_SIZE", "/reports/records", "admin", None),
    ("INVITES_PAGE_SIZE", "/invite/manage?status=all", "admin", None),
])
def test_each_list_pages_by_its_setting(app, client, login, world, setting, url, actor, setup):
    if setup is not None:
        setup(world)
    app.config[setting] = 1
    login(getattr(world, actor))
    page = client.get(url).get_data(as_text=True)
    assert "第 1 / " in page and "下一页" in page, url


def test_the_settings_are_the_lists_usual_sizes(app):
    assert (app.config["PAGE_SIZE"], app.config["ADMIN_PAGE_SIZE"],
            app.config["RESIDENTS_PAGE_SIZE"], app.config["RECORDS_PAGE_SIZE"],
            app.config["INVITES_PAGE_SIZE"]) == (20, 50, 50, 30, 100)


def test_the_invitation_lifetime_is_said_as_it_is_set(client, login, world, monkeypatch):
    """The 激活链接 page, the page of links just made and an expired link's message all
    give the days of ``invitations.LIFETIME``."""
    from datetime import timedelta

    from tracker.services import invitations
    from tracker.timeutil import utcnow

    monkeypatch.setattr(invitations, "LIFETIME", timedelta(days=3))
    login(world.admin)
    assert "链接3天内有效" in client.get("/invite/manage").get_data(as_text=True)
    made = client.post("/invite/manage", data={"members": [world.member.id]})
    assert "3天内有效" in made.get_data(as_text=True)
    link = invitations.issue_links(world.admin, [world.other_member])[0]
    link.invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    client.post("/auth/logout")
    assert "有效期3天" in client.get(f"/invite/{link.token}").get_data(as_text=True)
