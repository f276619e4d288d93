"""Handing over a liaison (review "year", finding 8): switching off the only 社区联络员
of a community tells the admin which communities are left without one and how many
reports wait there; the setup page's 社区联络员 step is done only when every community
in use has a liaison in use."""
from __future__ import annotations

import html

from tests import factories as f
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import ReportStatus, Role


def _switch_off(client, member) -> str:
    page = client.post(f"/admin/members/{member.id}/active", data={"active": "0", "confirmed": "1"},
                       follow_redirects=True)
    assert page.status_code == 200
    return html.unescape(page.get_data(as_text=True))


def test_switching_off_the_only_liaison_names_the_communities_left_and_their_waiting_reports(
        client, login, world):
    b.report(world.past_task, world.leader, status=ReportStatus.submitted)
    db.session.commit()
    login(world.admin)
    page = _switch_off(client, world.liaison)
    assert "以下社区已没有在用的社区联络员，请为其指定新的联络员：解放路社区（1份完成情况待审核）" in page
    assert "建设路社区" not in page.split("以下社区已没有在用的社区联络员")[1].split("</p>")[0]

    setup = html.unescape(client.get("/admin/setup").get_data(as_text=True))
    assert "还没有联络员的社区：解放路社区" in setup
    assert "基础数据已经齐备" not in setup


def test_no_notice_while_another_liaison_answers_for_the_community(client, login, world):
    f.member(world.unit, Role.liaison, "联络员丙", communities=[world.community])
    db.session.commit()
    login(world.admin)
    page = _switch_off(client, world.liaison)
    assert "已没有在用的社区联络员" not in page
    # switching off a member who is no liaison says nothing of liaisons either
    assert "已没有在用的社区联络员" not in _switch_off(client, world.other_member)


def test_a_community_without_a_liaison_keeps_the_setup_step_open(client, login, world):
    login(world.admin)
    assert "基础数据已经齐备" in html.unescape(client.get("/admin/setup").get_data(as_text=True))
    f.community("人民路社区")
    db.session.commit()
    setup = html.unescape(client.get("/admin/setup").get_data(as_text=True))
    assert "还没有联络员的社区：人民路社区" in setup
    assert "基础数据已经齐备" not in setup
