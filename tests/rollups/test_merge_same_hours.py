"""合并账号 obeys the one overlap rule (``overlap``): one person's time counts once. When
A's hours and B's count on two activities at overlapping hours, the merge would put
the same hours twice on A, so it is refused — as for a task both took part in — the
page naming each pair (activity, day, hours), until the admin corrects one record
(review39 #1)."""
from __future__ import annotations

import html
from datetime import date

import pytest
from flask import g
from sqlalchemy import func, select

from tests import factories as f
from tests.audit import work_event_count
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import Assignment
from tracker.reports.records import service_record
from tracker.services import ServiceError, merge, overlap
from tracker.services.voiding import void_activity

OCT_8 = date(2025, 10, 8)


@pytest.fixture
def same_hours(world, clock):
    """赵六's two accounts: A done 09:00–11:00 on 楼道清理, B done 10:00–12:00 on
    敬老院慰问 of the same day (2 h each, both approved)."""
    unit = f.unit("县统计局")
    keep, drop = f.member(unit, name="赵六"), f.member(unit, name="赵六")
    item = f.item(unit, world.community, "environment_cleanup", year=2025)
    first = b.task_on(item, world.liaison, OCT_8, title="楼道清理")
    second = b.task_on(item, world.liaison, OCT_8, hour=10, title="敬老院慰问")
    b.join(first, keep, minutes=120)
    b.join(second, drop, minutes=120)
    b.report(first, world.liaison)
    b.report(second, world.liaison)
    db.session.commit()
    clock(date(2025, 12, 2))
    return keep, drop, first, second


def test_hours_both_accounts_count_at_overlapping_hours_refuse_the_merge(world, same_hours):
    keep, drop, first, second = same_hours
    preview = merge.preview(keep, drop)
    assert [(x.title, y.title) for x, y in preview.overlaps] == [("楼道清理", "敬老院慰问")]
    events = work_event_count()

    with pytest.raises(ServiceError) as refused:
        merge.merge_members(keep, drop, world.admin, shown=preview.key())
    db.session.rollback()

    assert str(refused.value.message) == (
        "两个账号在同一时间都计入了服务时长，不能合并："
        "“楼道清理”（2025-10-08 09:00–11:00）与“敬老院慰问”（2025-10-08 10:00–12:00）。"
        "同一时间只计一次：请先更正其中一项活动的参与记录（如该活动并未开展，将其作废），再合并。")
    assert work_event_count() == events  # nothing written
    assert db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.member_id == drop.id)) == 1
    db.session.refresh(drop)
    assert (drop.active, merge.merged_into(drop)) == (True, None)


def test_once_one_is_corrected_the_merge_counts_the_persons_hours_once(world, same_hours):
    keep, drop, first, second = same_hours
    void_activity(second, world.admin, "重复的账号误记，该时段实为楼道清理")
    db.session.commit()
    assert merge.preview(keep, drop).overlaps == []
    merge.merge_members(keep, drop, world.admin, shown=merge.preview(keep, drop).key())
    db.session.commit()
    assert overlap.counted_elsewhere(first, [keep.id]) == {}
    assert service_record(keep, 2025).minutes == 120  # 09:00–11:00, once


def test_activities_one_after_the_other_are_no_overlap(world, same_hours):
    """11:00–13:00 after 09:00–11:00: the person did both; the merge goes through."""
    keep, drop, _first, second = same_hours
    second.starts_at, second.ends_at = (second.starts_at.replace(hour=second.starts_at.hour + 1),
                                        second.ends_at.replace(hour=second.ends_at.hour + 1))
    db.session.commit()
    merge.merge_members(keep, drop, world.admin, shown=merge.preview(keep, drop).key())
    db.session.commit()
    assert service_record(keep, 2025).minutes == 240


def test_the_confirmation_page_names_each_pair_in_chinese_and_english(
        client, login, world, same_hours):
    keep, drop, _first, _second = same_hours
    login(world.admin)
    url = f"/admin/members/{drop.id}/merge?keep={keep.id}"
    page = html.unescape(client.get(url).get_data(as_text=True))
    assert "两个账号在同一时间都计入了服务时长" in page
    assert "“楼道清理”（2025-10-08 09:00–11:00）与“敬老院慰问”（2025-10-08 10:00–12:00）" in page
    assert "确认合并" not in page
    g.pop("_flask_babel", None)  # a served request starts without the last one's locale
    page = html.unescape(client.get(url + "&lang=en").get_data(as_text=True))
    assert ('"楼道清理" (2025-10-08 09:00–11:00) and "敬老院慰问" (2025-10-08 10:00–12:00)'
            in page)
    assert "Confirm merge" not in page and "确认合并" not in page
