"""A unit's 月报 in the activity's community re-opened since the page was read is said
to be 「已撤销定稿」, though the unit's 月报 in another community — which the activity never
counted in — is still signed (review44c #2): a part that left the page's key is asked of
exactly the 月报 the page named it for (docs/design.md, "Refused in a 已定稿 month": what
the page says is what happened)."""
from __future__ import annotations

from datetime import timedelta

from tests import factories as f
from tests.rollups import builders as b
from tests.web.stale_support import form_on, text
from tracker.extensions import db
from tracker.models import ReportStatus, SummaryScope
from tracker.reports import final
from tracker.services import unit_of_work
from tracker.services.summary_notes import reopen
from tracker.timeutil import local_today


def _signed_in_two_communities(world):
    day = (local_today().replace(day=1) - timedelta(days=1)).replace(day=10)
    other = f.community("西门社区")
    f.item(world.unit, other, year=day.year)
    task = b.task_on(world.item, world.liaison, day)  # in world.community
    b.join(task, world.member)
    report = b.report(task, world.liaison, ReportStatus.submitted)
    db.session.commit()
    for c in (world.community, other):
        final.finalize(world.admin, SummaryScope(unit_id=world.unit.id, community_id=c.id),
                       day.year, day.month)
    db.session.commit()
    return day, other, report


def _approve_after(client, login, world, report, reopened_in):
    login(world.admin)
    approve = f"/manage/reports/{report.id}/approve"
    page = text(client.get(f"/manage/reports/{report.id}"))
    day = report.task.service_date
    with unit_of_work():
        reopen(world.admin, SummaryScope(unit_id=world.unit.id, community_id=reopened_in.id),
               day.year, day.month)
    again = text(client.post(approve, data=form_on(page, approve)))
    return [line for line in again.split("\n") if "打开页面之后" in line]


def test_the_part_re_opened_is_said_re_opened(client, login, world):
    _day, _other, report = _signed_in_two_communities(world)
    said = _approve_after(client, login, world, report, world.community)
    assert said and not any("仍为已定稿" in s for s in said), said
    assert any("已撤销定稿" in s for s in said), said


def test_the_other_communitys_re_opened_changes_nothing_named(client, login, world):
    """Re-opening the 月报 in 西门社区, which the activity does not count in, leaves what
    the page named as it was: 通过 goes through, nothing said about a re-opening."""
    _day, other, report = _signed_in_two_communities(world)
    said = _approve_after(client, login, world, report, other)
    assert said == [], said
