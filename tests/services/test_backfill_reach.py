"""Who may be named on past work (docs/design.md, 补录): a member whose stay, on the
activity's day, was in a unit working in the community — whatever their unit today, and
switched off since or not (for work before the switch-off); never an account whose data
the retention period erased. Every way of adding past work asks the one rule
(``backfill.nameable``): the 补录 form's list and its check, the ledger import, the
member's 补录申请 (page and check), 添加遗漏的参加人员 (review walk8, #5), and 指派 to an
activity that has ended with the member's own 确认参与 (its list and its check, review39
#7)."""
from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from tests import factories as f
from tracker.backfill_requests.queries import requestable_tasks, working_communities
from tracker.extensions import db
from tracker.manage.queries import assign_candidates, backfill_candidates, forgotten_candidates
from tracker.models import CountedParticipation, RollPeriod
from tracker.privacy import erased_phone
from tracker.services import ServiceError, unit_of_work
from tracker.services.assigning import assign_member
from tracker.services.backfill import (
    BackfillData,
    Participant,
    add_forgotten_participant,
    record_past_activity,
)
from tracker.services.backfill_requests import RequestData, request_problems
from tracker.services.claims import confirm_participation
from tracker.services.ledger_import import HEADERS, check_ledger, read_ledger
from tracker.timeutil import local_to_utc, local_today

# days ago: the work before the move (or the switch-off), the move, the work after it
BEFORE, CHANGE, AFTER = 10, 5, 3


def days_ago(n: int) -> date:
    return local_today() - timedelta(days=n)


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour)


@pytest.fixture
def people(world):
    """县商务局 works in 解放路社区 (the liaison's), 县财政局 nowhere. 周建国 moved from
    县商务局 to 县财政局 ``CHANGE`` days ago; 陈丽华 of 县商务局 was switched off then;
    吴桂兰 too, and her contact data has since been erased (the retention period)."""
    finance = f.unit("县财政局")
    moved = f.member(finance, name="周建国")
    db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == moved.id)).since = \
        days_ago(CHANGE)
    off = f.member(world.unit, name="陈丽华", active=False)
    erased = f.member(world.unit, name="吴桂兰", active=False)
    erased.phone = erased_phone(erased.id)
    for member in (moved, off, erased):  # their stays in 县商务局, up to the change
        db.session.add(RollPeriod(member_id=member.id, unit_id=world.unit.id,
                                  until=days_ago(CHANGE)))
    db.session.commit()
    return dict(moved=moved, off=off, erased=erased)


def past_work(world, member, day: date, *, hour: int = 9, title: str = "楼道清理（补录）"):
    return BackfillData(title=title, place="解放路12号", starts_local=at(day, hour),
                        ends_local=at(day, hour + 2), participants=[Participant(member)],
                        leader=member, note="清理楼道杂物。")


def recorded(world, payload):
    with unit_of_work():
        return record_past_activity(world.liaison, world.item, payload)


def refused(call) -> str:
    with pytest.raises(ServiceError) as caught:
        with unit_of_work():
            call()
    return str(caught.value.message)


def test_a_moved_member_is_named_on_work_before_the_move_counted_for_the_old_unit(
        world, people):
    moved = people["moved"]
    task = recorded(world, past_work(world, moved, days_ago(BEFORE)))
    counted = db.session.scalar(select(CountedParticipation).where(
        CountedParticipation.task_id == task.id, CountedParticipation.member_id == moved.id))
    assert counted.unit_id == world.unit.id  # 县商务局's 人次, not 县财政局's


def test_a_moved_member_is_not_named_on_work_after_the_move_where_the_new_unit_does_not_work(
        world, people):
    moved = people["moved"]
    assert refused(lambda: record_past_activity(
        world.liaison, world.item, past_work(world, moved, days_ago(AFTER)))) == (
        f"周建国 在{days_ago(AFTER):%Y-%m-%d}所在的单位（县财政局）不在该社区开展共建，不能补录该日的活动。")


def test_a_switched_off_member_is_named_on_work_before_the_switch_off_only(world, people):
    off = people["off"]
    recorded(world, past_work(world, off, days_ago(BEFORE)))
    assert refused(lambda: record_past_activity(
        world.liaison, world.item, past_work(world, off, days_ago(AFTER)))) == (
        "陈丽华 的账号已停用，只能补录其停用前在册期间参加的活动。")


def test_an_erased_member_is_named_on_nothing(world, people):
    assert refused(lambda: record_past_activity(
        world.liaison, world.item, past_work(world, people["erased"], days_ago(BEFORE)))) == (
        "吴桂兰 的账号已停用且已过保存期限，不能再记录其参加的活动。")


# --- the four ways agree ------------------------------------------------------------------

def _sheet(world, member, day: date) -> bytes:
    values = {"日期": day.isoformat(), "开始": "09:00", "结束": "11:00", "单位": world.unit.name,
              "社区": world.community.name, "责任区": "", "类别": world.item.category.name,
              "活动": "台账补录", "地点": "党群服务中心", "姓名": member.name,
              "手机号": member.phone, "服务时长（小时）": "", "组长": "是", "完成数量": "",
              "受益": "", "情况说明": "清理楼道杂物。"}
    book = Workbook()
    book.active.append(HEADERS)
    book.active.append([values.get(h, "") for h in HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def by_form_list(world, member, day) -> bool:
    return member in backfill_candidates(world.liaison, member.name, [], day=day).members


def by_form(world, member, day) -> bool:
    try:
        recorded(world, past_work(world, member, day, hour=17, title="夜间巡逻"))
    except ServiceError:
        return False
    return True


def by_ledger(world, member, day) -> bool:
    rows = check_ledger(world.liaison, read_ledger("台账.xlsx", _sheet(world, member, day)).rows).rows
    return not any(row.errors for row in rows)


def by_request(world, member, day) -> bool:
    found = dict(request_problems(member, world.community, RequestData(
        service_date=day, minutes=60, description="清理楼道")))
    return "community" not in found


def by_request_page(world, member, day, task) -> bool:
    communities = [c.id for c in working_communities(member)]
    return task in requestable_tasks(member, communities, day=day)


def by_forgotten_list(world, member, task) -> bool:
    return member in forgotten_candidates(task, member.name)


def by_forgotten(world, member, task) -> bool:
    try:
        with unit_of_work():
            add_forgotten_participant(world.liaison, task, member, None)
    except ServiceError:
        return False
    return True


def ended_activity(world, day: date):
    """An activity of ``day`` (19:00–21:00, apart from the others) that has ended, its
    report not in: 指派 still puts members on it, who confirm their hours."""
    return f.task(world.item, world.liaison, starts_at=local_to_utc(at(day, 19)))


def by_assign_list(world, member, task) -> bool:
    return member in assign_candidates(task, member.name)


def by_assign(world, member, task) -> bool:
    try:
        with unit_of_work():
            confirm_participation(assign_member(task, member, world.liaison), member, 120)
    except ServiceError:
        return False
    return True


@pytest.mark.parametrize("who, when, named", [
    ("moved", BEFORE, True), ("moved", AFTER, False),
    ("off", BEFORE, True), ("off", AFTER, False),
    ("erased", BEFORE, False),
])
def test_every_way_of_adding_past_work_gives_the_same_answer(world, people, who, when, named):
    member, day = people[who], days_ago(when)
    # an approved activity of that day, 张三 on it, for 添加遗漏的参加人员
    other = recorded(world, past_work(world, world.member, day, hour=14, title="敬老院慰问"))
    ended = ended_activity(world, day)
    db.session.commit()
    answers = {
        "补录 form's list": by_form_list(world, member, day),
        "补录申请 page": by_request_page(world, member, day, other),
        "补录申请 check": by_request(world, member, day),
        "添加遗漏的参加人员 list": by_forgotten_list(world, member, other),
        "ledger import": by_ledger(world, member, day),  # a preview: writes nothing
        "补录 form": by_form(world, member, day),  # 17:00, apart from the activity's 14:00
        "添加遗漏的参加人员": by_forgotten(world, member, other),
        "指派 list": by_assign_list(world, member, ended),
        "指派 and 确认参与": by_assign(world, member, ended),
    }
    # 指派 puts on the task an account in use, whose member confirms the hours herself:
    # one switched off since is named on past work by 补录 and 添加遗漏的参加人员 only
    assign = named and member.active
    assert answers == {way: assign if way.startswith("指派") else named for way in answers}


# --- the pages -------------------------------------------------------------------------------

FMT = "%Y-%m-%dT%H:%M"


def form_data(world, member, day: date, **changes) -> dict:
    data = {"resource_item": world.item.id, "title": "楼道大扫除", "place": "解放路12号",
            "beneficiary": "", "starts_at": at(day, 9).strftime(FMT),
            "ends_at": at(day, 11).strftime(FMT), "participants": [member.id],
            "leader": member.id, "quantity": "", "people_served": "", "note": "清理楼道杂物。",
            "q": member.name}
    data.update(changes)
    return data


def ticks(page: str, member) -> bool:
    """The 补录 form offers the member a tick."""
    return f'name="participants" type="checkbox" value="{member.id}"' in page


def option(page: str, value: int, label: str) -> bool:
    return re.search(rf'<option value="{value}">[^<]*{label}', page) is not None


def test_the_form_offers_the_moved_member_for_the_day_before_the_move_and_rechecks_the_day(
        client, login, world, people):
    """The liaison finds 周建国 for a day before the move (查找, the day typed), not for a
    day after it, and ticks him; the day is then changed to one after the move and saved: refused on the same
    page, naming him and the unit he was in that day, what was typed and ticked kept."""
    moved = people["moved"]
    login(world.liaison)
    before = form_data(world, moved, days_ago(BEFORE), participants=[], leader="", find="1")
    # no day yet: found by name (the day is asked when it is typed)
    assert ticks(client.get("/manage/backfill", query_string={"q": moved.name}).get_data(
        as_text=True), moved)
    assert ticks(client.post("/manage/backfill", data=before).get_data(as_text=True), moved)
    # a day after the move: not offered (his unit that day works in no community here)
    later = form_data(world, moved, days_ago(AFTER), participants=[], leader="", find="1")
    assert not ticks(client.post("/manage/backfill", data=later).get_data(as_text=True), moved)
    after = form_data(world, moved, days_ago(AFTER), find="1")
    del after["find"]
    after["q"] = ""  # no search: the list is the day's, the ticked member stays
    response = client.post("/manage/backfill", data=after)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (f"周建国 在{days_ago(AFTER):%Y-%m-%d}所在的单位（县财政局）不在该社区开展共建，"
            f"不能补录该日的活动。") in page
    assert 'value="解放路12号"' in page and "清理楼道杂物。" in page
    assert re.search(rf'<input checked[^>]*name="participants"[^>]*value="{moved.id}"', page)


def test_the_moved_members_own_request_page_lists_the_days_of_the_unit_left(
        client, login, world, people):
    """周建国's unit today (县财政局) works in no community: the page still lists the
    activities of the days he was in 县商务局, not those after the move."""
    before = recorded(world, past_work(world, world.member, days_ago(BEFORE), title="敬老院慰问"))
    recorded(world, past_work(world, world.member, days_ago(AFTER), title="夜间巡逻"))
    login(people["moved"])
    page = client.get("/backfill-requests/new").get_data(as_text=True)
    assert "不能申请补录" not in page and world.community.name in page
    assert option(page, before.id, "敬老院慰问") and "夜间巡逻" not in page


def test_the_approved_activitys_page_offers_the_member_its_unit_had_that_day(
        client, login, world, people):
    before = recorded(world, past_work(world, world.member, days_ago(BEFORE), title="敬老院慰问"))
    after = recorded(world, past_work(world, world.member, days_ago(AFTER), title="夜间巡逻"))
    login(world.liaison)
    moved = people["moved"]
    assert option(client.get(f"/manage/tasks/{before.id}").get_data(as_text=True), moved.id,
                  "周建国")
    assert not option(client.get(f"/manage/tasks/{after.id}", query_string={"q": moved.name})
                      .get_data(as_text=True), moved.id, "周建国")


def test_the_imports_last_check_gives_the_rules_own_reason(world, people):
    """review38b #5: the ledger import asks 补录's rule again under its locks
    (``_participants_still_active``); one it now refuses — here moved meanwhile, by a
    backdated 自何日起, to a unit not working there on the activity's day — is told the
    rule's reason, naming that day's unit, not 「账号已停用」 (he is active)."""
    from tracker.services.ledger_import import _participants_still_active

    moved = people["moved"]
    day = days_ago(BEFORE)
    task = recorded(world, past_work(world, moved, day))
    stays = db.session.scalars(select(RollPeriod).where(RollPeriod.member_id == moved.id))
    for stay in stays:  # the move dated back before the activity
        if stay.unit_id == world.unit.id:
            stay.until = days_ago(BEFORE + 1)
        else:
            stay.since = days_ago(BEFORE + 1)
    db.session.commit()
    said = refused(lambda: _participants_still_active([task.id]))
    assert said == f"周建国 在{day:%Y-%m-%d}所在的单位（县财政局）不在该社区开展共建，不能补录该日的活动。"


# --- the unit a moved member is named by (walk9 #4, #5) ---------------------------------------

def labels(page: str, name: str) -> dict[int, str]:
    """{member id: label} of the 补录 form's participant ticks for members called ``name``."""
    return {int(value): label.strip() for value, label in re.findall(
        r'<label class="option"><input[^>]*name="participants"[^>]*value="(\d+)"[^>]*>'
        rf'\s*({name}[^<]*)</label>', page)}


def test_the_form_names_each_member_by_the_unit_of_the_activitys_day(
        client, login, world, people):
    """walk9 #4: 周建国, moved from 县商务局 to 县财政局 (which works nowhere here), found for
    a day before the move is listed as 「周建国（县商务局）」 — the unit the rule names him
    for and the work is counted for — as ticks and as 组长; before a day is typed, by the
    unit he is in now, and the page says which unit the brackets name."""
    moved = people["moved"]
    login(world.liaison)
    fresh = client.get("/manage/backfill", query_string={"q": moved.name}).get_data(as_text=True)
    assert labels(fresh, "周建国") == {moved.id: "周建国（县财政局）"}
    assert "括号内为现在所在的单位；填写开始时间后点“查找”，改为活动当天所在的单位。" in fresh
    day = days_ago(BEFORE)
    found = client.post("/manage/backfill", data=form_data(
        world, moved, day, participants=[], leader="", find="1")).get_data(as_text=True)
    assert labels(found, "周建国") == {moved.id: "周建国（县商务局）"}
    assert f"括号内为{day:%Y-%m-%d}当天所在的单位，服务时长计入该单位。" in found
    assert option(found, moved.id, "周建国（县商务局）") and "县财政局" not in found
    # ticked, then the day moved after the move: he is named by that day's unit, as the
    # refusal under the list names it
    after = form_data(world, moved, days_ago(AFTER), q="")
    refused_page = client.post("/manage/backfill", data=after).get_data(as_text=True)
    assert labels(refused_page, "周建国") == {moved.id: "周建国（县财政局）"}
    assert f"周建国 在{days_ago(AFTER):%Y-%m-%d}所在的单位（县财政局）" in refused_page


def test_a_namesake_of_the_unit_he_was_in_that_day_is_told_apart_from_him(
        client, login, world, people):
    """Listed with 县商务局 for that day, 周建国 is told apart from the 周建国 of 县商务局
    today, as two members of one unit are: never two ticks reading alike."""
    moved = people["moved"]
    namesake = f.member(world.unit, name="周建国", phone="13800000061")
    db.session.commit()
    login(world.liaison)
    page = client.post("/manage/backfill", data=form_data(
        world, moved, days_ago(BEFORE), participants=[], leader="", find="1")
    ).get_data(as_text=True)
    found = labels(page, "周建国")
    assert set(found) == {moved.id, namesake.id}
    assert all(label.endswith("（县商务局）") for label in found.values())
    assert found[moved.id] != found[namesake.id]


def test_the_request_queue_and_its_form_name_the_member_by_the_unit_of_the_requests_day(
        client, login, world, people):
    """walk9 #4: 周建国's 补录申请 for a day before his move is listed in the queue, and
    offered on 补录并采纳, as 「周建国（县商务局）」: the unit 采纳 counts it for."""
    from tests.backfill_requests.support import asked

    moved = people["moved"]
    request = asked(moved, world.community, service_date=days_ago(BEFORE))
    login(world.liaison)
    queue = client.get("/backfill-requests/").get_data(as_text=True)
    assert "<h3>周建国（县商务局）</h3>" in queue and "县财政局" not in queue
    form = client.get("/manage/backfill", query_string={"request": request.id}).get_data(
        as_text=True)
    assert labels(form, "周建国") == {moved.id: "周建国（县商务局）"}
    # he asked: ticked and chosen as 组长
    assert re.search(rf'<option selected value="{moved.id}">周建国（县商务局）<', form)


def test_a_liaisons_backfill_into_a_signed_month_names_the_month_and_the_member_at_once(
        client, login, world, people):
    """walk9 #5: a moved member named for a day after his move, in a month already 定稿:
    the month and the member are refused on one page, what was typed kept. (The walk's
    first round was the admin's, whom a 定稿 month does not refuse.)"""
    from tracker.models import SummaryNote
    from tracker.timeutil import utcnow

    moved = people["moved"]
    day = days_ago(AFTER)
    db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                               year=day.year, month=day.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    db.session.commit()
    login(world.liaison)
    page = client.post("/manage/backfill", data=form_data(
        world, moved, day, participants=[moved.id, world.member.id], q="")
    ).get_data(as_text=True)
    errors = re.findall(r'<p class="error"[^>]*>([^<]*)</p>', page)
    assert errors == [f"资源清单项目所属单位（{world.unit.name}）{day.year}年{day.month}月的月报已定稿，"
                      "补录该月的活动须由单位管理员操作（或由单位管理员先重新打开该月的月报）。",
                      f"周建国 在{day:%Y-%m-%d}所在的单位（县财政局）不在该社区开展共建，不能补录该日的活动。"]
    assert 'value="解放路12号"' in page and "清理楼道杂物。" in page
