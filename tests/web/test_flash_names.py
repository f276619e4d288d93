"""The sentence that reports a change names the member as the page and its
confirmation do (design.md, namesakes): with two 张伟 in the unit, 「已将 张伟 添加…」
would not say which of them was added, made 组长 or assigned (review43b #3)."""
from __future__ import annotations

import html

from tests import factories as f
from tests.reports.test_signed_named import sign_october_and_the_year
from tests.web.test_named_first import _shown
from tracker.extensions import db


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_the_addition_is_reported_naming_her_as_the_confirmation_did(client, login, october):
    login(october.admin)
    sign_october_and_the_year(client, october)
    zhang = october.members["张伟"]
    f.member(october.unit, name="张伟", phone="13912340077")  # a namesake in the unit
    db.session.commit()
    url = f"/manage/tasks/{october.tasks['政策宣讲'].id}/add-participant"
    tail = f"（尾号{zhang.phone[-4:]}）"
    asked = _page(client.post(url, data={"member": str(zhang.id), "hours": "1"}))
    assert f"将张伟{tail}添加为该活动的参加人员" in asked
    done = _page(client.post(url, data={"member": str(zhang.id), "hours": "1", "confirmed": "1"},
                             follow_redirects=True))
    assert f"已将 张伟{tail} 添加为该活动的参加人员" in done


def test_the_new_leader_is_reported_naming_her_as_the_confirmation_did(client, login, october):
    login(october.admin)
    sign_october_and_the_year(client, october)
    zhao = october.members["赵敏"]
    f.member(october.unit, name="赵敏", phone="13912340088")  # a namesake in the unit
    db.session.commit()
    task = october.tasks["政策宣讲"]
    url = f"/manage/tasks/{task.id}/leader"
    shown = _shown(client, task)
    tail = f"（尾号{zhao.phone[-4:]}）"
    asked = _page(client.post(url, data={"leader": str(zhao.id), "shown": shown}))
    assert f"该活动的组长改为赵敏{tail}。" in asked
    done = _page(client.post(url, data={"leader": str(zhao.id), "shown": shown,
                                        "confirmed": "1"}, follow_redirects=True))
    assert f"组长已改为 赵敏{tail}。" in done


def test_the_assignment_is_reported_naming_her_as_the_page_lists_her(client, login, world):
    lisi = world.other_member
    twin = f.member(world.unit, name=lisi.name, phone="13900000778")  # a namesake
    db.session.commit()
    login(world.liaison)
    done = _page(client.post(f"/manage/tasks/{world.past_task.id}/assign",
                             data={"member": str(twin.id)}, follow_redirects=True))
    assert f"{lisi.name}（尾号0778）" in done  # the page lists her so
    assert f"已指派 {lisi.name}（尾号0778）。" in done
