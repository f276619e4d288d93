"""通过 refused because a check-in's treatment changed since its page was read names the
people as that page listed them: two 张三 checked in, told apart there (尾号…), are told
apart in the refusal too — it says which 张三 now counts elsewhere (names.py, one label
for a person on a page and in what it answers; review41 #5)."""
from __future__ import annotations

import html
import re

import pytest

from tests import factories as f
from tests.web.manage_support import checked_in as _checked_in
from tests.web.manage_support import submitted_report
from tests.web.manage_support import twin_task as _twin
from tests.web.stale_support import by, form_on, signed_in, text
from tracker.extensions import db
from tracker.services import unit_of_work
from tracker.services.reviews import approve_report


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def test_the_refusal_tells_namesakes_apart_as_its_page_did(app, world):
    past, twin = world.past_task, _twin(world)
    namesake = f.member(world.unit, name=world.member.name)  # a second 张三
    db.session.commit()
    _checked_in(past, world.member)
    _checked_in(twin, world.member), _checked_in(twin, namesake)
    report = submitted_report(twin, world.leader)
    liaison = signed_in(app, world.liaison)
    page = html.unescape(text(by(liaison).get(f"/manage/reports/{report.id}")))
    # the page's label of the first 张三: her name with what tells her apart
    labels = re.findall(re.escape(world.member.name) + r"（[^）]*）", page)
    assert len(set(labels)) == 2, labels
    with unit_of_work():  # the first 张三 now counted on 环境整治
        approve_report(submitted_report(past, world.leader), world.liaison, count_checked_in=True)
    db.session.commit()

    url = f"/manage/reports/{report.id}/approve"
    response = by(liaison).post(url, data=form_on(page, url))
    shown = html.unescape(text(by(liaison).get(response.headers["Location"])))
    said = [line for line in shown.splitlines() if "您打开页面之后" in line]
    assert said, shown
    named = [label for label in set(labels) if label in said[0]]
    assert len(named) == 1, said[0]  # the one 张三, as the page named her
    assert world.member.phone[-4:] in named[0] and namesake.phone[-4:] not in named[0]
    assert f"{named[0]} 现在在同一时间已计入其他活动" in said[0], said[0]
