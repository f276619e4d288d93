"""origin48 (docs/reviews.md session 47, remind47's first Open bullet): each row of a
member's 服务记录 says who stated its hours (时长来源), on the page and in its .xlsx.

docs/design.md: a member confirms her own hours (确认参与); 通过 counts one checked in
and not confirmed at the activity's length (按签到计入, never her confirmation); a liaison
types the hours of a 补录, of a participant added (添加遗漏的参加人员) and of a 补录申请
adopted (采纳), and may correct confirmed hours before approval (改正服务时长). 来源 said
现场签到 both for hours she confirmed after checking in and for hours counted by her
check-in, and nothing stored told them apart."""
from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

from flask import g
from openpyxl import load_workbook
from sqlalchemy import select

from tests import factories as f
from tests.clock import set_app_clock
from tests.page_statements import page_statements
from tests.reports.test_wechat_downloads import WECHAT_ANDROID
from tests.services.test_backfill import data
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, Task
from tracker.services import unit_of_work
from tracker.services.backfill import add_forgotten_participant, record_past_activity
from tracker.services.backfill_requests import RequestData, adopt_into_task, ask_backfill
from tracker.services.claims import confirm_participation, correct_minutes
from tracker.services.reviews import ReportData, approve_report, reopen_report, submit_report
from tracker.timeutil import local_today

ROW = re.compile(r"<tr>(?:(?!</tr>).)*</tr>", re.S)


def record_year_holds_the_last_days(monkeypatch) -> None:
    """10:00 today, or on 15 January while the year is younger: the work of the last
    few days is of the year 服务记录 opens on, this year — on 1 January it was last
    year's, and the page showed none of it (session 54)."""
    today = local_today()
    set_app_clock(monkeypatch, max(today, date(today.year, 1, 15)))


def _past(world, days: int, title: str, *, hers: AssignmentStatus | None = None) -> Task:
    """An activity of 解放路社区 that ended ``days`` ago, led by 王组长, with 张三 on it
    as ``hers`` (None: not on it)."""
    task = f.task(world.item, world.liaison, leader=world.leader, title=title,
                  starts_in=-timedelta(days=days))
    if hers is not None:
        db.session.add(Assignment(task_id=task.id, member_id=world.member.id, status=hers,
                                  checked_in_at=task.starts_at
                                  if hers == AssignmentStatus.checked_in else None))
        task.taken = 1
    db.session.commit()
    return task


def _hers(task, world) -> Assignment:
    return db.session.scalar(select(Assignment).where(Assignment.task_id == task.id,
                                                      Assignment.member_id == world.member.id))


def _approve(task, world, *, count_checked_in: bool = False) -> None:
    """The leader reports (or reports again, after 撤销审核) and the liaison approves."""
    with unit_of_work():
        report = submit_report(task, world.leader, ReportData(None, None, "已完成。"))
        approve_report(report, world.liaison, count_checked_in=count_checked_in)


def _six_ways(world) -> dict[str, str]:
    """张三's hours written each way the application writes hours; {title: 时长来源 the
    rule gives}."""
    mine = _past(world, 2, "自己确认的活动", hers=AssignmentStatus.claimed)
    with unit_of_work():
        confirm_participation(_hers(mine, world), world.member, 90)
    _approve(mine, world)

    checked = _past(world, 4, "签到计入的活动", hers=AssignmentStatus.checked_in)
    _approve(checked, world, count_checked_in=True)

    forgotten = _past(world, 5, "添加的活动")
    _approve(forgotten, world)
    with unit_of_work():
        add_forgotten_participant(world.liaison, forgotten, world.member, 60)

    corrected = _past(world, 6, "改正的活动", hers=AssignmentStatus.claimed)
    with unit_of_work():
        confirm_participation(_hers(corrected, world), world.member, 120)
    with unit_of_work():
        correct_minutes(_hers(corrected, world), world.liaison, 60, "实际只参加了一小时")
    _approve(corrected, world)

    asked = _past(world, 7, "采纳的活动")
    with unit_of_work():
        request = ask_backfill(world.member, world.community,
                               RequestData(service_date=None, minutes=60, task=asked))
    with unit_of_work():
        adopt_into_task(request, world.liaison)
    _approve(asked, world)

    with unit_of_work():  # three days ago, 9:00–11:00
        record_past_activity(world.liaison, world.item,
                             data([world.member, world.other_member, world.leader],
                                  title="补录的活动"))
    return {"自己确认的活动": "本人确认", "签到计入的活动": "按签到计入",
            "添加的活动": "联络员补录", "改正的活动": "联络员改正", "采纳的活动": "联络员补录",
            "补录的活动": "联络员补录"}


def _years(world) -> list[int]:
    return sorted({t.service_date.year for t in db.session.scalars(
        select(Task).where(Task.community_id == world.community.id))})


def page_origins(client, world) -> dict[str, str]:
    """{activity: 时长来源} of every row of 张三's 服务记录 pages, as she reads them."""
    found = {}
    for year in _years(world):
        page = client.get(f"/reports/records/{world.member.id}?year={year}").get_data(
            as_text=True)
        for row in ROW.findall(page):
            title = re.search(r'data-label="活动名称">([^<]*)<', row)
            origin = re.search(r'data-label="时长来源">([^<]*)<', row)
            if title:
                found[title.group(1)] = origin and origin.group(1)
    return found


def xlsx_origins(client, world) -> dict[str, str]:
    """{activity: 时长来源} of every row of 张三's 服务记录 .xlsx files."""
    found = {}
    for year in _years(world):
        book = load_workbook(io.BytesIO(
            client.get(f"/reports/records/{world.member.id}.xlsx?year={year}").data))
        values = [list(r) for r in book.active.iter_rows(values_only=True)]
        header = next(r for r in values if r and r[0] == "序号")
        for row in values[values.index(header) + 1:]:
            if row and isinstance(row[0], int):
                mine = dict(zip(header, row))
                found[mine["活动名称"]] = mine.get("时长来源")
    return found


def test_each_row_says_who_stated_its_hours_on_the_page_and_in_the_xlsx(client, login, world):
    expected = _six_ways(world)
    login(world.member)
    assert page_origins(client, world) == expected
    assert xlsx_origins(client, world) == expected
    # the note says what each word means, next to the rows
    page = client.get(f"/reports/records/{world.member.id}").get_data(as_text=True)
    assert "“时长来源”说明每行的服务时长从何而来" in page


def test_hours_counted_by_check_in_stay_so_through_reopening_until_someone_states_others(
        client, login, world):
    """撤销审核 takes the activity back to 退回 and leaves her counted hours as they are;
    approved again, they are still counted by check-in — not hers — until she changes
    them herself (本人确认) or the liaison corrects them (联络员改正)."""
    task = _past(world, 2, "签到计入的活动", hers=AssignmentStatus.checked_in)
    _approve(task, world, count_checked_in=True)
    login(world.member)
    assert page_origins(client, world) == {"签到计入的活动": "按签到计入"}

    def reopened_and_approved(between=None):
        with unit_of_work():
            reopen_report(task.report, world.admin, "完成数量填错了")
        if between is not None:
            with unit_of_work():
                between()
        _approve(task, world, count_checked_in=True)

    reopened_and_approved()
    assert page_origins(client, world) == {"签到计入的活动": "按签到计入"}
    reopened_and_approved(lambda: confirm_participation(_hers(task, world), world.member, 60))
    assert page_origins(client, world) == {"签到计入的活动": "本人确认"}
    reopened_and_approved(lambda: correct_minutes(_hers(task, world), world.liaison, 90,
                                                  "按实际时长改正"))
    assert page_origins(client, world) == {"签到计入的活动": "联络员改正"}
    assert xlsx_origins(client, world) == {"签到计入的活动": "联络员改正"}


def test_a_correction_to_the_same_hours_leaves_who_stated_them(client, login, world):
    """改正 saved with the hours she confirmed changes nothing: they are still hers."""
    task = _past(world, 2, "自己确认的活动", hers=AssignmentStatus.claimed)
    with unit_of_work():
        confirm_participation(_hers(task, world), world.member, 90)
    with unit_of_work():
        correct_minutes(_hers(task, world), world.liaison, 90, "核对无误")
    _approve(task, world)
    login(world.member)
    assert page_origins(client, world) == {"自己确认的活动": "本人确认"}


def test_the_record_page_reads_the_origins_in_its_own_statements(client, login, world,
                                                                  count_queries):
    """时长来源 is a column of the rows' statement: the page runs as many statements
    with six rows of six ways as with one (session, member, the year's totals with
    its years, the rows, the stays, the menu: tests/web/test_record_budget.py)."""
    task = _past(world, 9, "第一次活动", hers=AssignmentStatus.claimed)
    with unit_of_work():
        confirm_participation(_hers(task, world), world.member, 90)
    _approve(task, world)
    url = f"/reports/records/{world.member.id}?year={task.service_date.year}"
    one, _html = page_statements(client, login, count_queries, world.member, url)
    _six_ways(world)
    seven, page = page_statements(client, login, count_queries, world.member, url)
    assert page.count('data-label="时长来源"') > 1
    assert seven == one == 6, (one, seven)


# every word the 时长来源 column can show; 不详 is a row 0069 could not tell
ORIGIN_WORDS = ("本人确认", "按签到计入", "联络员补录", "联络员改正", "不详")


def _note(page: str) -> str:
    return next(p for p in re.findall(r'<p class="muted">([^<]*)</p>', page)
                if "“时长来源”" in p)


def test_the_note_explains_unknown_on_the_page_and_in_the_wechat_preview(client, login,
                                                                        world, monkeypatch):
    """browse48 #2: a row whose origin migration 0069 could not tell reads 「不详」, and the
    note under the rows explained the four other words only; the WeChat download's
    preview showed the 时长来源 column with no note at all."""
    record_year_holds_the_last_days(monkeypatch)
    task = _past(world, 2, "迁移前的活动", hers=AssignmentStatus.claimed)
    with unit_of_work():
        confirm_participation(_hers(task, world), world.member, 90)
    _approve(task, world)
    _hers(task, world).hours_origin = None  # what 0069 leaves where the audit is silent
    db.session.commit()
    login(world.member)
    assert page_origins(client, world) == {"迁移前的活动": "不详"}
    url = f"/reports/records/{world.member.id}"
    preview = client.get(f"{url}.xlsx", headers={"User-Agent": WECHAT_ANDROID})
    assert preview.mimetype == "text/html"
    for page in (client.get(url).get_data(as_text=True), preview.get_data(as_text=True)):
        assert 'data-label="时长来源">不详<' in page
        note = _note(page)
        assert all(f"{word}——" in note for word in ORIGIN_WORDS), note


NOTE_ZH = ("只记录完成情况已审核通过的活动。“时长来源”说明每行的服务时长从何而来："
           "本人确认——本人确认参与时填写；按签到计入——审核通过时按签到计入活动时长；"
           "联络员补录——联络员补录、添加参加人员或采纳补录申请时填写；"
           "联络员改正——联络员改正后的时长；不详——系统开始记录时长来源之前的数据，已无法判断。")
NOTE_EN = ("Only activities with an approved completion report are listed. \"Hours from\" says "
           "where each row's service hours come from: Confirmed by the member — entered when "
           "the party member confirmed participation; Counted by check-in — the activity's "
           "length, counted at approval because the member checked in; Entered by the "
           "liaison — entered when a liaison recorded the activity afterwards, added a "
           "participant or adopted a record request; Corrected by the liaison — the hours as "
           "a liaison corrected them; Unknown — recorded before the system kept where hours "
           "come from, and can no longer be told.")


def _record_note(client, world, lang: str) -> str:
    g.pop("_flask_babel", None)  # a served request starts without the last one's locale
    page = client.get(f"/reports/records/{world.member.id}?lang={lang}").get_data(as_text=True)
    return html.unescape(next(p for p in re.findall(r'<p class="muted">([^<]*)</p>', page)
                              if "时长来源" in p or "Hours from" in html.unescape(p)))


def test_the_note_reads_as_it_did_in_both_languages(client, login, world):
    """words48: the note is made of the 时长来源 words and what each means; reading it,
    nothing changed (the text of origin48 and browse48 #2)."""
    login(world.member)
    assert _record_note(client, world, "zh_CN") == NOTE_ZH
    assert _record_note(client, world, "en") == NOTE_EN


def test_the_note_names_the_words_the_rows_print(client, login, world, monkeypatch):
    """words48: the note's words are the rows' own labels (tracker/sources.py), written
    once — a label reworded there is reworded in the note, in either language."""
    from tracker import sources
    from tracker.models import HoursOrigin

    monkeypatch.setitem(sources.HOURS_ORIGIN_LABELS, HoursOrigin.confirmed, "本人填写")
    login(world.member)
    assert "：本人填写——本人确认参与时填写；" in _record_note(client, world, "zh_CN")
    assert ": 本人填写 — entered when the party member confirmed participation;" in \
        _record_note(client, world, "en")
