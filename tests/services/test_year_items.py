"""Work dated in a year whose 资源清单 item came later (review "yearend", finding 1).

A weekly series begun in December, or a 补录 made in January before the admin copies
the checklist, is put on last year's item of its line (``tasks.item_of_year`` finds no
item of its own year). Checklist progress counts an item's work of the item's own year,
so until that year's item exists the work counts toward no year's checklist. Once it is
added — copied, typed in the item form, 重新启用, or an item without tasks edited onto
that year — the work of that year moves onto it, approved work and 补录 included, and
the checklist (社区共建进展) then says what “双创”进展 says for the same zone and year.

Dates: "this year" here is the year of yesterday (a 补录 is of the past), and the old
item is of the year before it, as in January before the checklist is copied.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from tests import factories as f
from werkzeug.datastructures import MultiDict

from tests.web.stale_support import PageForms
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    AuditEvent,
    Category,
    ResourceItem,
    Task,
    TaskReport,
)
from tracker.rollups.batch import run
from tracker.rollups.checklist import resource_progress
from tracker.rollups.double import double_progress_plan
from tracker.rollups.scope import Scope
from tracker.services import directory, unit_of_work
from tracker.services.backfill import BackfillData, Participant, record_past_activity
from tracker.services.reviews import ReportData, approve_report, submit_report
from tracker.services.tasks import off_checklist_note
from tracker.timeutil import local_to_utc, local_today

# what each activity cleared (处), chosen apart so a sum names its parts
APPROVED_ADS, BACKFILLED_ADS, LAST_YEAR_ADS, STAIRS = 12, 30, 5, 3


@dataclass
class Lines:
    year: int  # the year the work is dated in, whose items come later
    zone: object
    ads_old: ResourceItem  # last year's 牛皮癣清除 of the zone
    stairs_old: ResourceItem  # last year's 楼道粉刷 of the zone: another line
    approved: Task  # this year's, reviewed and approved
    backfilled: Task  # this year's 补录
    last_years: Task  # last year's 补录: stays where it is
    stairs: Task  # this year's 补录 of the other line


def _backfill(world, item, day: date, title: str, quantity: int, hour: int = 9) -> Task:
    start = datetime.combine(day, datetime.min.time()).replace(hour=hour)
    with unit_of_work():
        return record_past_activity(world.admin, item, BackfillData(
            title=title, place="小区", starts_local=start, ends_local=start + timedelta(hours=2),
            participants=[Participant(world.other_member)], leader=world.other_member, note="完成",
            quantity=quantity))


def _approved(world, item, day: date) -> Task:
    start = local_to_utc(datetime.combine(day, datetime.min.time()).replace(hour=8))
    task = f.task(item, world.other_liaison, leader=world.leader, starts_at=start,
                  title="元月清除牛皮癣")
    db.session.add(Assignment(task_id=task.id, member_id=world.leader.id,
                              status=AssignmentStatus.claimed))
    task.taken = 1
    db.session.commit()
    with unit_of_work():
        report = submit_report(task, world.other_liaison, ReportData(
            quantity=APPROVED_ADS, people_served=None, note="清除完毕"))
    with unit_of_work():
        approve_report(report, world.admin)
    return task


@pytest.fixture
def lines(world) -> Lines:
    """Last year's two lines of a zone of 建设路社区, and this year's work on them."""
    day = local_today() - timedelta(days=1)
    year = day.year
    zone = f.zone(world.other_community, "一号责任区", world.unit)
    ads_old = f.item(world.unit, world.other_community, "ad_removal", year=year - 1,
                     target=10, zone=zone)
    stairs_old = f.item(world.unit, world.other_community, "stairwell_painting",
                        year=year - 1, target=4, zone=zone)
    db.session.commit()
    approved = _approved(world, ads_old, day)
    backfilled = _backfill(world, ads_old, day, "补录清除牛皮癣", BACKFILLED_ADS)
    last_years = _backfill(world, ads_old, date(year - 1, 6, 1), "去年清除牛皮癣", LAST_YEAR_ADS)
    stairs = _backfill(world, stairs_old, day, "楼道粉刷", STAIRS, hour=13)
    return Lines(year, zone, ads_old, stairs_old, approved, backfilled, last_years, stairs)


def _item_of(task: Task) -> ResourceItem:
    db.session.expire_all()
    return db.session.get(Task, task.id).resource_item


def _new_item(lines: Lines, code: str) -> ResourceItem:
    return db.session.scalar(select(ResourceItem).join(Category).where(
        ResourceItem.year == lines.year, ResourceItem.zone_id == lines.zone.id,
        Category.code == code))


def _checklist_done(year: int, item_id: int, community_ids=None) -> int:
    """What 社区共建进展's checklist says the item did (community ids: the page's live
    count; none: the county's, from the kept rows ``CountedItemYear``)."""
    return {row.item_id: row.done for row in resource_progress(year, community_ids)}.get(item_id)


def _double_ads(world, lines: Lines) -> int:
    """What “双创”进展 says the zone cleared in the year (处), by date and category."""
    view = run(double_progress_plan(Scope(date(lines.year, 1, 1), date(lines.year + 1, 1, 1),
                                          None, (world.other_community.id,)), "zone"))
    return {row.key: row.ads_year for row in view.rows}[lines.zone.id]


def _moves(task: Task) -> list:
    return db.session.execute(select(AuditEvent.actor_id, AuditEvent.detail).where(
        AuditEvent.entity_type == "task", AuditEvent.entity_id == task.id,
        AuditEvent.action == "move_to_item")).all()


def test_copying_the_checklist_moves_the_years_work_onto_the_new_items(world, lines):
    year, community = lines.year, [world.other_community.id]
    assert (_checklist_done(year - 1, lines.ads_old.id, community),
            _checklist_done(year - 1, lines.ads_old.id)) == (LAST_YEAR_ADS, LAST_YEAR_ADS)

    assert off_checklist_note([db.session.get(Task, lines.backfilled.id)], world.other_liaison) is not None
    with unit_of_work():
        copied = directory.copy_items_from_previous_year(world.admin, year,
                                                          community_id=world.other_community.id)

    # two lines copied; the three activities of this year moved, last year's stays
    assert (copied.copied, copied.moved) == (2, 3)
    ads, stairs = _new_item(lines, "ad_removal"), _new_item(lines, "stairwell_painting")
    assert _item_of(lines.approved).id == ads.id  # approved: moved all the same
    assert _item_of(lines.backfilled).id == ads.id  # a 补录 too
    assert _item_of(lines.stairs).id == stairs.id  # its own line's item, not the ads'
    assert _item_of(lines.last_years).id == lines.ads_old.id
    assert _moves(lines.backfilled) == [(world.admin.id,
                                         {"resource_item_id": [lines.ads_old.id, ads.id]})]
    assert _moves(lines.last_years) == []
    # the task page's note (「…的资源清单中没有…这一项目」) is gone: it reads the task's item
    assert off_checklist_note([db.session.get(Task, lines.backfilled.id)], world.other_liaison) is None

    # one question, one number: both views count the approved 12 and the 补录's 30
    cleared = APPROVED_ADS + BACKFILLED_ADS
    assert _double_ads(world, lines) == cleared
    assert _checklist_done(year, ads.id, community) == cleared  # the community's page
    assert _checklist_done(year, ads.id) == cleared  # the county's, from kept rows
    assert _checklist_done(year, stairs.id) == STAIRS
    # and last year's item still counts last year's work, and only that
    assert (_checklist_done(year - 1, lines.ads_old.id, community),
            _checklist_done(year - 1, lines.ads_old.id)) == (LAST_YEAR_ADS, LAST_YEAR_ADS)

    # copying again copies and moves nothing more
    with unit_of_work():
        again = directory.copy_items_from_previous_year(world.admin, year,
                                                         community_id=world.other_community.id)
    assert (again.copied, again.moved) == (0, 0)
    assert _checklist_done(year, ads.id) == cleared
    assert len(_moves(lines.backfilled)) == 1


def test_the_copy_flash_says_how_many_tasks_moved(client, login, world, lines):
    login(world.admin)
    page = client.post("/admin/items/copy", data={
        "copy-year": str(lines.year), "copy-community": str(world.other_community.id)},
        follow_redirects=True)
    text = html.unescape(page.get_data(as_text=True))
    assert f"已从{lines.year - 1}年度复制2条资源清单项目到{lines.year}年度" in text
    assert f"{lines.year}年此前记在其他年度项目下的3个任务已改记到新项目" in text


def test_an_item_added_by_the_form_takes_its_lines_work_only(client, login, world, lines):
    login(world.admin)
    ad_removal = db.session.scalar(select(Category).where(Category.code == "ad_removal"))
    page = client.post("/admin/items/new", data={
        "unit_id": world.unit.id, "community_id": world.other_community.id,
        "zone_id": lines.zone.id, "category_id": f"{ad_removal.id}:quantity",
        "year": str(lines.year), "target": "10", "description": ""}, follow_redirects=True)
    text = html.unescape(page.get_data(as_text=True))
    assert f"{lines.year}年此前记在其他年度项目下的2个任务已改记到新项目" in text
    ads = _new_item(lines, "ad_removal")
    assert {_item_of(lines.approved).id, _item_of(lines.backfilled).id} == {ads.id}
    # another line's work, and last year's, stay where they were
    assert _item_of(lines.stairs).id == lines.stairs_old.id
    assert _item_of(lines.last_years).id == lines.ads_old.id
    assert _double_ads(world, lines) == _checklist_done(
        lines.year, ads.id, [world.other_community.id]) == APPROVED_ADS + BACKFILLED_ADS


def test_an_item_switched_back_on_takes_the_work_of_its_year(world, lines):
    """Switched off, ``item_of_year`` gave it nothing; 重新启用 makes it the year's item."""
    item = f.item(world.unit, world.other_community, "ad_removal", year=lines.year,
                  zone=lines.zone)
    item.active = False
    db.session.commit()
    assert _item_of(lines.backfilled).id == lines.ads_old.id
    with unit_of_work():
        directory.set_active(item, world.admin, True)
    assert _item_of(lines.backfilled).id == item.id
    assert _item_of(lines.last_years).id == lines.ads_old.id


def test_an_item_without_tasks_edited_onto_the_year_takes_its_work(world, lines):
    item = f.item(world.unit, world.other_community, "ad_removal", year=lines.year + 1,
                  zone=lines.zone)
    db.session.commit()
    with unit_of_work():
        directory.update_resource_item(item, world.admin, directory.ResourceItemData(
            unit_id=item.unit_id, community_id=item.community_id, category_id=item.category_id,
            year=lines.year, target=10, zone_id=lines.zone.id))
    assert _item_of(lines.backfilled).id == item.id
    assert _item_of(lines.stairs).id == lines.stairs_old.id


def test_the_kept_rows_follow_the_move(world, lines):
    """``CountedItemYear`` (the county's checklist): last year's item keeps last year's
    row only; the new item has this year's."""
    from tracker.models import CountedItemYear, ReportStatus

    with unit_of_work():
        directory.copy_items_from_previous_year(world.admin, lines.year,
                                                community_id=world.other_community.id)
    ads = _new_item(lines, "ad_removal")
    rows = db.session.execute(select(
        CountedItemYear.year, CountedItemYear.resource_item_id, CountedItemYear.activities,
        CountedItemYear.quantity).where(
            CountedItemYear.resource_item_id.in_((lines.ads_old.id, ads.id)),
            CountedItemYear.report_status == ReportStatus.approved)
        .order_by(CountedItemYear.year)).all()
    assert rows == [(lines.year - 1, lines.ads_old.id, 1, LAST_YEAR_ADS),
                    (lines.year, ads.id, 2, APPROVED_ADS + BACKFILLED_ADS)]
    assert db.session.scalar(select(TaskReport.status).where(
        TaskReport.task_id == lines.approved.id)) == ReportStatus.approved


# --- the admin's way to the missing item, and what an item's edit or 重新启用 moved ----
# (review "itemlink", findings 1 and 2)

def _item_form(page: str, **typed) -> MultiDict:
    """What the page's item form posts as the browser shows it, with ``typed`` typed."""
    parser = PageForms()
    parser.feed(page)
    [fields] = [fields for _url, fields in parser.forms
                if any(name == "unit_id" for name, _value in fields)]
    data = MultiDict([(k, v) for k, v in fields if k not in typed])
    data.update(typed)
    return data


def _ad_removal() -> Category:
    return db.session.scalar(select(Category).where(Category.code == "ad_removal"))


def test_the_admins_note_opens_the_item_form_filled_with_the_missing_line(
        client, login, world, lines):
    """The task page's note (this year's 补录 on last year's 牛皮癣清除 of the zone) links
    to the new item form naming that line and this year; the form starts with them, and
    saved with a target it takes the line's two activities of the year."""
    login(world.admin)
    page = html.unescape(client.get(f"/manage/tasks/{lines.backfilled.id}").get_data(as_text=True))
    link = re.search(r'data-off-checklist>[^<]*<a href="([^"]+)"', page).group(1)
    url = urlsplit(link)
    # the line of last year's item — its target counted 处 cleared (完成数量) — and the
    # activity's year
    assert (url.path, parse_qs(url.query)) == ("/admin/items/new", {
        "unit": [str(world.unit.id)], "community": [str(world.other_community.id)],
        "zone": [str(lines.zone.id)], "category": [f"{_ad_removal().id}:quantity"],
        "year": [str(lines.year)]})

    form = _item_form(client.get(link).get_data(as_text=True), target="10")
    assert {name: form.get(name) for name in (
        "unit_id", "community_id", "zone_id", "category_id", "year")} == {
        "unit_id": str(world.unit.id), "community_id": str(world.other_community.id),
        "zone_id": str(lines.zone.id), "category_id": f"{_ad_removal().id}:quantity",
        "year": str(lines.year)}
    text = html.unescape(client.post(link, data=form, follow_redirects=True)
                         .get_data(as_text=True))
    assert f"{lines.year}年此前记在其他年度项目下的2个任务已改记到新项目" in text
    assert _item_of(lines.backfilled).id == _new_item(lines, "ad_removal").id


def test_the_liaisons_note_has_no_link(client, login, world, lines):
    login(world.other_liaison)
    page = html.unescape(client.get(f"/manage/tasks/{lines.backfilled.id}").get_data(as_text=True))
    assert "请联系单位管理员添加" in page and "/admin/items/new" not in page


def _started(client, query: str) -> dict:
    """What the new item form starts with, opened with ``query``."""
    response = client.get(f"/admin/items/new?{query}")
    assert response.status_code == 200
    form = _item_form(response.get_data(as_text=True))
    return {name: form.get(name, "") for name in (
        "unit_id", "community_id", "zone_id", "category_id", "year")}


EMPTY_FORM = {"unit_id": "", "community_id": "", "zone_id": "", "category_id": ""}


@pytest.mark.parametrize("query", [
    "unit=abc&community=-1&zone=0&category=abc:def&year=明年",
    "unit=99999&community=99999&zone=99999&category=99999&year=1800",
    "unit=99999999999999999999&community=1e3&category=:&year=2101",
    "category=1:people&zone=&unit=&year=",
])
def test_junk_arguments_leave_the_item_form_as_it_starts_empty(client, login, world, query):
    login(world.admin)
    assert _started(client, query) == {**EMPTY_FORM, "year": str(local_today().year)}


def test_a_switched_off_unit_or_another_communitys_zone_is_not_taken(client, login, world, lines):
    gone = f.unit("县财政局")
    gone.active = False
    db.session.commit()
    login(world.admin)
    started = _started(client, f"unit={gone.id}&community={world.community.id}"
                               f"&zone={lines.zone.id}&category={_ad_removal().id}")
    # the zone is 建设路社区's; a category named by its id alone takes its own result
    # (完成数量, 处) as the target's measure, as the form's default does
    assert started == {**EMPTY_FORM, "community_id": str(world.community.id),
                       "category_id": f"{_ad_removal().id}:quantity",
                       "year": str(local_today().year)}


def test_switching_the_years_item_back_on_says_how_many_tasks_it_took(
        client, login, world, lines):
    item = f.item(world.unit, world.other_community, "ad_removal", year=lines.year,
                  zone=lines.zone)
    item.active = False
    db.session.commit()
    login(world.admin)
    text = html.unescape(client.post(f"/admin/items/{item.id}/active", data={"active": "1"},
                                     follow_redirects=True).get_data(as_text=True))
    # this year's approved task and 补录 of the line; last year's and the stairs' stay
    assert "已重新启用" in text
    assert f"{lines.year}年此前记在其他年度项目下的2个任务已改记到新项目" in text
    # switched off and on again: nothing left to move, nothing said of moves
    client.post(f"/admin/items/{item.id}/active", data={"active": "0"})
    text = html.unescape(client.post(f"/admin/items/{item.id}/active", data={"active": "1"},
                                     follow_redirects=True).get_data(as_text=True))
    assert "已重新启用" in text and "已改记到新项目" not in text


def test_an_item_edited_onto_the_year_says_how_many_tasks_it_took(client, login, world, lines):
    item = f.item(world.unit, world.other_community, "ad_removal", year=lines.year + 1,
                  zone=lines.zone)
    db.session.commit()
    login(world.admin)
    edit = f"/admin/items/{item.id}/edit"
    text = html.unescape(client.post(edit, data=_item_form(
        client.get(edit).get_data(as_text=True), target="20"), follow_redirects=True)
        .get_data(as_text=True))
    assert "已保存" in text and "已改记到新项目" not in text  # its own year: nothing moved
    text = html.unescape(client.post(edit, data=_item_form(
        client.get(edit).get_data(as_text=True), year=str(lines.year)),
        follow_redirects=True).get_data(as_text=True))
    assert "已保存" in text
    assert f"{lines.year}年此前记在其他年度项目下的2个任务已改记到新项目" in text
    assert _item_of(lines.backfilled).id == item.id
