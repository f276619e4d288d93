"""The 月报's statements are built once per month, unit, communities and day in a
process (``rollups.batch.built_once``): a summary asked again must say exactly what one
built afresh says, read the data of the moment, and follow the day it is asked on."""
from __future__ import annotations

from datetime import date, datetime, timezone

from tests import factories as f
from tests.needs.support import need
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import NeedKind
from tracker.reports import figures as report_figures
from tracker.reports.summary import build_summary
from tracker.rollups.batch import forget_built


def _asks(o):
    """Summaries of different shapes and values, one after the other in one process."""
    return [
        dict(year=2022, month=10, unit=o.unit),
        dict(year=2022, month=10, community=o.jiefang),
        dict(year=2022, month=9, unit=o.unit),
        dict(year=2022, month=10, unit=o.unit, community_ids=(o.jianshe.id,)),
        dict(year=2022, month=10, unit=o.unit, community=o.jianshe),
        dict(year=2022, month=10, community=o.jianshe),
    ]


def _afresh(**ask):
    forget_built()
    return build_summary(**ask)


def test_a_summary_asked_again_says_what_one_built_afresh_says(october):
    asks = _asks(october)
    fresh = [_afresh(**ask) for ask in asks]
    for ask in asks:  # every plan built once
        build_summary(**ask)
    again = [build_summary(**ask) for ask in asks]  # every plan built already
    assert again == fresh
    # the asks differ, so equal answers above are not one answer repeated
    assert len({(s.title, tuple(s.subtitle)) for s in fresh}) == len(asks)
    assert fresh[0].totals != fresh[3].totals


def _one_more_approved_activity(o) -> None:
    item = f.item(o.unit, o.jianshe, "ad_removal", year=2022, zone=o.zone1)
    task = f.task(item, o.liaison, starts_at=datetime(2022, 10, 20, 1, tzinfo=timezone.utc))
    for person in list(o.members.values())[:3]:
        b.join(task, person, minutes=90)
    b.report(task, o.liaison, quantity=4)
    db.session.commit()


def test_a_summary_of_statements_built_before_reads_the_data_of_the_moment(october):
    before = build_summary(2022, 10, unit=october.unit)
    build_summary(2022, 10, unit=october.unit)  # built once from here on
    _one_more_approved_activity(october)
    after = build_summary(2022, 10, unit=october.unit)
    # the rule: one approved activity more is one more 场/次, its three members' 人次
    # and their 90 minutes each
    assert after.totals.activities == before.totals.activities + 1
    assert after.totals.person_times == before.totals.person_times + 3
    assert after.totals.minutes == before.totals.minutes + 3 * 90
    assert len(after.ledger) == len(before.ledger) + 1
    assert after == _afresh(year=2022, month=10, unit=october.unit)


def test_what_is_overdue_follows_the_day_the_summary_is_asked_on(october, monkeypatch):
    # open, wanted by 30 October: overdue from the 31st on
    need(october.jiefang, october.liaison, kind=NeedKind.need, posted_on=date(2022, 10, 5),
         wanted_by=date(2022, 10, 30))
    db.session.commit()
    days = iter([date(2022, 10, 29), date(2022, 10, 29), date(2022, 10, 31)])
    monkeypatch.setattr(report_figures, "local_today", lambda: next(days))
    on_the_29th = build_summary(2022, 10, community=october.jiefang)
    again_on_the_29th = build_summary(2022, 10, community=october.jiefang)
    on_the_31st = build_summary(2022, 10, community=october.jiefang)
    assert (on_the_29th.needs.overdue, again_on_the_29th.needs.overdue) == (0, 0)
    assert on_the_31st.needs.overdue == 1
