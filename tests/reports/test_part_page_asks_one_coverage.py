"""A liaison's 月报 page of their unit is the part of it they manage or, when they manage
every community the unit's month touches, the whole unit's document (docs/design.md,
"Who reads which"). The page asks for the one it is, never both: a part's page does
not run the whole unit's 参与情况 — its 在册人数, 人次 and 未参与名单, which only the
whole unit's document shows (partunit41: they were in the part's batch on every
request, and thrown away unless the part turned out to be the whole).

What is asked is recognised in the statements the page runs (counted as production
runs a request, ``tests/page_statements.py``) by what every 参与情况 asks of the unit's
roll of the month's last day: its 在册人数, a count of the stays on the roll, and its
未参与名单, the roll's members in the order of their names."""
from __future__ import annotations

import re

import pytest
from flask import template_rendered

from tests import factories as f
from tests.page_statements import counted, warm
from tests.reports.test_participation_story import approved_activity
from tracker.extensions import db

# the roll counted (在册人数) and the roll listed by name (未参与名单), as SQLite and
# PostgreSQL are sent them
ROLL_COUNTED = re.compile(r"count\(roll_period\.id\)", re.I)
ROLL_LISTED = re.compile(r"OVER \(ORDER BY \w+\.name_key, \w+\.id\)", re.I)


def _page(client, login, count_queries, who, url):
    """(the times the page's statements count the roll and list it, its summary)."""
    login(who)
    warm(client, url)
    shown = []

    def keep(sender, template, context, **extra):
        if "summary" in context:
            shown.append(context["summary"])

    template_rendered.connect(keep, client.application)
    try:
        statements, response = counted(client, count_queries, url)
    finally:
        template_rendered.disconnect(keep, client.application)
    assert response.status_code == 200
    every = "\n".join(statements)
    return (len(ROLL_COUNTED.findall(every)), len(ROLL_LISTED.findall(every))), shown[-1]


@pytest.mark.parametrize("serves", ["a part", "the whole unit"])
def test_a_liaisons_page_asks_one_participation_the_one_it_shows(
        october, client, login, count_queries, serves):
    # on the roll, with work in 建设路社区 only: not yet in a part of 解放路社区, in the
    # whole unit one who took part
    elsewhere = f.member(october.unit, name="蒋建设", phone="13900000061")
    approved_activity(october.unit, october.jianshe, october.liaison, 14, [elsewhere])
    db.session.commit()
    if serves == "a part":
        october.liaison.communities = [october.jiefang]  # 建设路社区 is not theirs
        db.session.commit()
    url = f"/reports/?unit={october.unit.id}&month=2022-10"
    asked, summary = _page(client, login, count_queries, october.liaison, url)
    # one 参与情况 asked, the roll counted once and listed once
    assert asked == (1, 1)
    # and it is the one the page shows: the part's counts work in its communities, the
    # whole unit's anywhere
    not_yet = {p.member_id for p in summary.coverage.not_yet}
    if serves == "a part":
        assert summary.restricted_to == ["解放路社区"]
        assert elsewhere.id in not_yet
    else:
        assert summary.restricted_to is None
        assert elsewhere.id not in not_yet
    assert summary.coverage.on_roll == summary.coverage.took_part + len(not_yet)


def test_the_admins_page_asks_one_too(october, client, login, count_queries):
    """The measure itself: the whole unit's page, read by an admin, asks one."""
    asked, summary = _page(client, login, count_queries, october.admin,
                           f"/reports/?unit={october.unit.id}&month=2022-10")
    assert asked == (1, 1)
    assert summary.restricted_to is None
