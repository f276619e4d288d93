"""生成激活链接 sent again — a double tap, or the result page reloaded (WeChat's browser
or Android reloads the page when the admin switches back after copying link 1 into a
chat): the reload re-sends the POST (review "forms", session 28, #6).

The rule: the second send of the same form changes nothing. The links already handed
out stay live (none revoked), no new ones are made (one invitation per member), and the
second send is answered 「已提交，无需重复提交。」 on the invitations page, as every other
guarded form (tracker/resend.py). The link 1 the admin copied still opens.
"""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.web.stale_support import PageForms
from tracker.extensions import db
from tracker.models import Invitation

RESENT = "已提交，无需重复提交。"


def _without_password(world, name, phone):
    member = f.member(world.unit, name=name, phone=phone)
    member.password_hash = None  # as created by an admin or an import
    db.session.commit()
    return member


def _post_forms(page: str) -> list[tuple[str, dict]]:
    parser = PageForms()
    parser.feed(page)
    return [(html.unescape(action), dict(fields)) for action, fields in parser.forms
            if "/invite/manage" in action and any(name == "csrf_token" for name, _v in fields)]


def _links(response) -> set[str]:
    return set(re.findall(r"/invite/([A-Za-z0-9_-]{40,})", response.get_data(as_text=True)))


@pytest.mark.parametrize("which", ["pending", "ticked"])
def test_the_same_send_twice_makes_the_links_once_and_kills_none(client, login, world, which):
    first = _without_password(world, "新党员甲", "13911110001")
    second = _without_password(world, "新党员乙", "13911110002")
    login(world.admin)
    page = client.get(f"/invite/manage?unit={world.unit.id}").get_data(as_text=True)
    forms = _post_forms(page)
    if which == "pending":  # 为全部未激活党员生成链接
        [(action, data)] = [(a, d) for a, d in forms if d.get("pending") == "1"]
    else:  # ticked by hand
        [(action, data)] = [(a, d) for a, d in forms if "pending" not in d]
        data = {**data, "members": [str(first.id), str(second.id)]}

    answer = client.post(action, data=data)
    assert answer.status_code == 200
    handed_out = _links(answer)
    assert len(handed_out) == 2

    again = client.post(action, data=data)  # the result page reloaded: the same POST
    rows = db.session.scalars(select(Invitation)).all()
    assert all(r.revoked_at is None for r in rows)  # the links handed out live on
    assert sorted(r.member_id for r in rows) == sorted([first.id, second.id])  # none new
    assert _links(again) == set()
    assert again.status_code == 303
    assert again.headers["Location"].startswith("/invite/manage")  # back to the list
    assert RESENT in client.get(again.headers["Location"]).get_data(as_text=True)
    client.post("/auth/logout")
    for token in handed_out:  # link 1, copied into the chat, still opens
        assert client.get(f"/invite/{token}").status_code == 200
