"""补录 through the liaison's one form (issue 11): five participants in one submission,
refusals on the same page with what was typed kept, 查找 that writes nothing."""
from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.onsite import samples
from tests.web.manage_support import FMT, audit_count, backfill_form, local, task_count, text
from tracker.extensions import db
from tracker.models import AssignmentStatus, Finding, Photo, ReportStatus, Task
from tracker.timeutil import to_local, utcnow


@pytest.fixture
def five(world):
    extra = [f.member(world.unit, name=name) for name in ("赵六", "钱七")]
    db.session.commit()
    return [world.member, world.other_member, world.leader, *extra]


def picked(page: str, member) -> bool:
    return re.search(rf'<input checked[^>]*name="participants"[^>]*value="{member.id}"',
                     page) is not None


def _hours(members, **per_member) -> dict:
    return {f"hours_{m.id}": per_member.get(m.name, "") for m in members}


def test_the_liaison_records_a_past_activity_with_five_participants_in_one_form(
        client, login, world, five):
    login(world.liaison)
    form = backfill_form(world, five) | _hours(five, 赵六="1.5")
    response = client.post("/manage/backfill", data=form)
    assert response.status_code == 302, text(response)[:2000]
    task = db.session.scalar(select(Task).where(Task.title == "楼道大扫除"))
    assert response.headers["Location"].endswith(f"/manage/tasks/{task.id}")
    assert task.backfilled and task.report.status == ReportStatus.approved
    assert task.report.reviewed_by_id == world.liaison.id
    assert {a.member.name: (a.status, a.minutes) for a in task.assignments} == {
        m.name: (AssignmentStatus.done, 90 if m.name == "赵六" else 120) for m in five}
    page = text(client.get(response.headers["Location"]))
    assert "已补录活动，已计入统计。" in page


def test_a_refusal_is_shown_on_the_same_page_with_the_input_kept(client, login, world, five):
    login(world.liaison)
    before = (task_count(), audit_count())
    now = to_local(utcnow()).replace(tzinfo=None)
    response = client.post("/manage/backfill", data=backfill_form(
        world, five, starts_at=(now - timedelta(hours=1)).strftime(FMT),
        ends_at=(now + timedelta(minutes=30)).strftime(FMT)))
    page = text(response)
    assert response.status_code == 200
    assert "补录的活动须已经结束：时间不能晚于现在。" in page
    assert 'value="解放路12号"' in page and "清理楼道杂物。" in page
    for m in five:  # still picked
        assert picked(page, m)
    assert (task_count(), audit_count()) == before


def test_the_same_activity_submitted_again_names_every_participant_on_it_at_once(
        client, login, world, five):
    """walk7 D3: every clashing participant in one message (in the roll's order), not the
    first only — a liaison unticking one at a time re-entered the whole form each time."""
    login(world.liaison)
    assert client.post("/manage/backfill", data=backfill_form(world, five)).status_code == 302
    before = (task_count(), audit_count())
    response = client.post("/manage/backfill", data=backfill_form(world, five, title="楼道大扫除二"))
    page = text(response)
    assert response.status_code == 200
    when = local(-3, 9).strftime(FMT).replace("T", " ")
    assert f"李四、钱七、王组长、张三、赵六 在同一时间已参加“楼道大扫除”（{when}），不能重复记录。" in page
    assert 'value="解放路12号"' in page and all(picked(page, m) for m in five)
    assert (task_count(), audit_count()) == before


def test_every_mistake_of_a_backfill_is_named_in_one_submit(client, login, world, five):
    """Mistakes of independent fields are named together, whether the form or the
    service finds them: an end in the future (the service's) with an empty 情况说明 (the
    form's), with 摸排问题 on an activity that is no survey (the service's), or with a
    摸排问题 line that cannot be read (the form's). What was typed stays, nothing is
    written."""
    login(world.liaison)
    before = (task_count(), audit_count())
    now = to_local(utcnow()).replace(tzinfo=None)
    future = dict(starts_at=(now - timedelta(hours=1)).strftime(FMT),
                  ends_at=(now + timedelta(minutes=30)).strftime(FMT))
    late = "补录的活动须已经结束：时间不能晚于现在。"
    for change, other in [
        ({"note": ""}, "请填写情况说明。"),
        ({"findings": "下水道，建设路12号，井盖破损"}, "只有摸排类活动可以登记摸排问题。"),
        ({"findings": "井盖破损"}, "摸排问题第1行"),
    ]:
        response = client.post("/manage/backfill", data=backfill_form(world, five, **future,
                                                                      **change))
        page = text(response)
        assert response.status_code == 200
        assert late in page and other in page, change
        assert 'value="解放路12号"' in page and future["ends_at"] in page
        for m in five:
            assert picked(page, m)
    assert (task_count(), audit_count()) == before


@pytest.mark.parametrize("change, message", [
    ({"participants": []}, "请至少选择一名参加人员。"),
    ({"leader": ""}, "请从参加人员中选择组长。"),
    ({"note": ""}, "请填写情况说明。"),
    ({"place": ""}, "请填写地点。"),
])
def test_missing_parts_are_named(client, login, world, change, message):
    login(world.liaison)
    before = task_count()
    page = text(client.post("/manage/backfill", data=backfill_form(world, **change)))
    assert message in page
    assert task_count() == before


def test_the_leader_must_be_picked(client, login, world):
    login(world.liaison)
    page = text(client.post("/manage/backfill",
                            data=backfill_form(world, [world.member], leader=world.leader.id)))
    assert "组长须是参加人员之一。" in page


def test_find_offers_more_members_keeps_the_picks_and_writes_nothing(client, login, world):
    f.member(world.unit, name="赵六")
    outsider = f.member(f.unit("县林业局"), name="赵七")  # not working in the community
    db.session.commit()
    login(world.liaison)
    before = (task_count(), audit_count())
    page = text(client.post("/manage/backfill",
                            data=backfill_form(world, [world.member], find="1", q="赵")))
    assert "赵六" in page and picked(page, world.member)  # found, and still picked
    assert outsider.name not in page
    assert 'value="解放路12号"' in page
    assert 'class="errors"' not in page and 'class="error"' not in page  # 查找 is no submission
    assert (task_count(), audit_count()) == before


def test_a_control_character_pasted_into_the_search_is_no_part_of_the_name(
        client, login, world):
    # a NUL (a paste, %00 in a link) reached PostgreSQL's LIKE and answered a 500 there
    f.member(world.unit, name="赵六")
    db.session.commit()
    login(world.liaison)
    page = text(client.post("/manage/backfill",
                            data=backfill_form(world, [world.member], find="1", q="赵\x00六")))
    assert "赵六" in page and picked(page, world.member)
    response = client.post("/manage/tasks/new", data={"leader_q": "赵\x00六", "find": "1"})
    assert response.status_code == 200
    for listed in ("/reports/records", "/manage/tasks", "/tasks/", "/manage/backfill"):
        assert client.get(f"{listed}?q=赵%00六").status_code == 200, listed  # a GET box


def test_a_search_never_uploads_the_photos_chosen(client, login, world):
    """查找 posts the form url-encoded (its button's ``formenctype``): a file input then
    sends only the photo's name, so a name search costs no upload (and no 413)."""
    login(world.liaison)
    page = text(client.get(f"/manage/backfill?item={world.item.id}"))
    find = re.search(r'<button[^>]*name="find"[^>]*>', page).group(0)
    assert 'formenctype="application/x-www-form-urlencoded"' in find
    # What such a search sends: the photo's name only; the form comes back, nothing written.
    before = (task_count(), audit_count())
    response = client.post("/manage/backfill", data=backfill_form(
        world, [world.member], find="1", q="王", photos="IMG_0001.jpg"))
    assert response.status_code == 200 and "王组长" in text(response)
    assert (task_count(), audit_count()) == before


def test_the_photo_field_states_the_limit_for_all_photos_together(client, login, world):
    login(world.liaison)
    page = text(client.get(f"/manage/backfill?item={world.item.id}"))
    assert "所有照片合计不超过10 MB" in page
    assert 'accept="image/*"' in page  # 拍照 stays in the phone's chooser


def test_too_much_at_once_gets_a_page_that_leads_back_to_the_form(client, login, world):
    """Photos over the limit together: the 413 page says the limit is for everything
    sent at once, how to send less from WeChat, and leads back to the form."""
    login(world.liaison)
    before = task_count()
    response = client.post(
        "/manage/backfill", content_type="multipart/form-data",
        headers={"Referer": f"http://localhost/manage/backfill?item={world.item.id}"},
        data={**backfill_form(world),
              "photos": [(io.BytesIO(b"\xff\xd8\xff" + b"\0" * (6 * 1024 * 1024)), f"{n}.jpg")
                         for n in (1, 2)]})
    page = text(response)
    assert response.status_code == 413
    assert "合计不能超过10 MB" in page and "原图" in page
    assert re.search(rf'<a [^>]*href="/manage/backfill\?item={world.item.id}"[^>]*data-back[^>]*>'
                     r"返回上一页</a>", page)
    assert task_count() == before


def test_a_referer_of_another_site_is_no_way_back(client, login, world):
    login(world.liaison)
    response = client.post("/manage/backfill", content_type="multipart/form-data",
                           headers={"Referer": "https://evil.example/manage/backfill"},
                           data={"photos": [(io.BytesIO(b"\0" * (11 * 1024 * 1024)), "a.jpg")]})
    assert response.status_code == 413 and "data-back" not in text(response)


# --- 服务时长 as typed on a phone ---------------------------------------------------------

def test_the_number_fields_are_text_fields_with_a_number_keyboard(client, login, world):
    """``type=number`` drops what it cannot read (a Chinese keypad's 「，」 for the point),
    so the browser, not the server, would decide what 「0，5」 means."""
    login(world.liaison)
    page = text(client.get(f"/manage/backfill?item={world.item.id}"))
    assert 'type="number"' not in page
    hours = re.search(rf'<input[^>]*name="hours_{world.member.id}"[^>]*>', page).group(0)
    assert 'type="text"' in hours and 'inputmode="decimal"' in hours
    quantity = re.search(r'<input[^>]*name="quantity"[^>]*>', page).group(0)
    assert 'type="text"' in quantity and 'inputmode="numeric"' in quantity


@pytest.mark.parametrize("typed, minutes", [("0，5", 30), ("1。5", 90), ("１.５", 90),
                                            ("1,5", 90)])
def test_hours_with_a_phone_keyboards_decimal_mark_are_read_as_typed(client, login, world,
                                                                    typed, minutes):
    login(world.liaison)
    response = client.post("/manage/backfill", data=backfill_form(world) | _hours(
        [world.member, world.leader], 张三=typed))
    assert response.status_code == 302, text(response)[:1500]
    task = db.session.scalar(select(Task).where(Task.title == "楼道大扫除"))
    assert {a.member.name: a.minutes for a in task.assignments} == {"张三": minutes, "王组长": 120}


def test_unreadable_hours_are_refused_never_taken_as_the_whole_activity(client, login, world):
    """Empty means 默认为活动时长; something typed that is not a number is a mistake."""
    login(world.liaison)
    before = (task_count(), audit_count())
    response = client.post("/manage/backfill", data=backfill_form(world) | _hours(
        [world.member, world.leader], 张三="1..5"))
    page = text(response)
    assert response.status_code == 200
    assert "服务时长须为数字，例如 2 或 2.5。" in page and 'value="1..5"' in page
    assert (task_count(), audit_count()) == before


def test_the_form_lists_the_members_within_reach(client, login, world):
    outsider = f.member(f.unit("县林业局"), name="孙八")
    db.session.commit()
    login(world.liaison)
    page = text(client.get(f"/manage/backfill?item={world.item.id}"))
    assert "补录活动" in page and "张三" in page and "王组长" in page
    assert outsider.name not in page


# --- 来源: the activity is marked 补录 wherever it is listed ------------------------------

def _ledger_rows(book) -> list[list]:
    rows = []
    for name in ("本月活动台账",):
        sheet = book[name]
        values = [list(r) for r in sheet.iter_rows(values_only=True)]
        header = next(i for i, r in enumerate(values) if r and r[0] == "序号")
        # a header wider than its column is broken before its bracket: read as one line
        names = [name.replace("\n", "") for name in values[header]]
        rows += [dict(zip(names, r)) for r in values[header + 1:] if r[0]]
    return rows


def test_a_backfilled_activity_is_marked_in_the_ledger_the_service_record_and_exports(
        client, login, world, five):
    import io

    from openpyxl import load_workbook

    login(world.liaison)
    assert client.post("/manage/backfill", data=backfill_form(world, five)).status_code == 302
    task = db.session.scalar(select(Task).where(Task.title == "楼道大扫除"))
    month = task.service_date.strftime("%Y-%m")

    # The 月报's ledger (page, .xlsx, .csv): the row's 来源 is 补录.
    page = text(client.get(f"/reports/?month={month}"))
    row = re.search(r"<tr>(?:(?!</tr>).)*楼道大扫除(?:(?!</tr>).)*</tr>", page, re.S).group(0)
    assert '<td data-label="来源">补录</td>' in row
    book = load_workbook(io.BytesIO(client.get(f"/reports/monthly.xlsx?month={month}").data))
    # 活动（类别）: the title over its category
    [mine] = [r for r in _ledger_rows(book) if r["活动（类别）"].split("\n")[0] == "楼道大扫除"]
    assert mine["来源"] == "补录" and mine["人次"] == 5
    csv_text = client.get(f"/reports/monthly.csv?month={month}").data.decode("utf-8-sig")
    [line] = [line for line in csv_text.splitlines() if "楼道大扫除" in line]
    assert line.rstrip().endswith("补录")

    # The member's 服务记录 (page and .xlsx).
    login(world.member)
    year = task.service_date.year
    page = text(client.get(f"/reports/records/{world.member.id}?year={year}"))
    row = re.search(r"<tr>(?:(?!</tr>).)*楼道大扫除(?:(?!</tr>).)*</tr>", page, re.S).group(0)
    assert '<td data-label="来源">补录</td>' in row
    book = load_workbook(io.BytesIO(
        client.get(f"/reports/records/{world.member.id}.xlsx?year={year}").data))
    values = [list(r) for r in book.active.iter_rows(values_only=True)]
    header = next(r for r in values if r and r[0] == "序号")
    [mine] = [dict(zip(header, r)) for r in values if r and "楼道大扫除" in r]
    assert mine["来源"] == "补录"

    # Task pages say so too.
    login(world.liaison)
    assert "补录" in text(client.get(f"/manage/tasks/{task.id}"))
    assert "补录" in text(client.get("/manage/tasks?q=楼道大扫除"))


@pytest.mark.parametrize("role", ["liaison", "admin"])
def test_a_backfill_on_another_years_item_tells_each_role_its_own_remedy(
        client, login, world, role):
    """Recorded on last year's item (this line has no item of the activity's year): the
    task page it lands on says so, and whose the remedy is — an admin adds the item
    (with a link to the item form), a liaison asks the admin."""
    day = local(-3, 9)
    last_year = f.item(world.unit, world.community, "elderly_visit", year=day.year - 1)
    db.session.commit()
    login(getattr(world, role))
    response = client.post("/manage/backfill", data=backfill_form(
        world, resource_item=last_year.id, people_served="3"))
    assert response.status_code == 302, text(response)[:2000]
    page = text(client.get(response.headers["Location"]))
    assert f"该活动在{day.year}年" in page and f"仍记在{day.year - 1}年的项目下" in page
    told = {"liaison": f"如需计入，请联系单位管理员添加{day.year}年的这一项目。",
            "admin": f"如需计入，请在资源清单中添加{day.year}年的这一项目。"}
    assert told[role] in page
    assert told["admin" if role == "liaison" else "liaison"] not in page
    # the item form, filled with that line and year (tests/services/test_year_items.py)
    link = re.search(r'<a href="(/admin/items/new[^"]*)"', page)
    assert (link is not None) == (role == "admin")
    if link:
        assert f"category={last_year.category_id}:" in link.group(1)
        assert f"year={day.year}" in link.group(1)


def test_a_survey_is_recorded_with_its_findings_typed_one_per_line(client, login, world):
    """摸排: the findings typed in the form are the survey's 完成数量; a line that cannot
    be read is named by its number, with everything typed kept and nothing written."""
    survey = f.item(world.unit, world.community, "facility_survey")
    db.session.commit()
    login(world.liaison)
    before = task_count()
    typed = "下水道，解放路12号门前，井盖破损\r\n井盖，东门口"
    page = text(client.post("/manage/backfill", data=backfill_form(
        world, resource_item=survey.id, title="摸排补录", findings=typed)))
    assert "摸排问题第2行：请按“类型，位置，情况”填写" in page
    assert "井盖，东门口" in page and task_count() == before
    response = client.post("/manage/backfill", data=backfill_form(
        world, resource_item=survey.id, title="摸排补录",
        findings="下水道，解放路12号门前，井盖破损\r\n人行道，东门口"))
    assert response.status_code == 302
    task = db.session.scalar(select(Task).where(Task.title == "摸排补录"))
    assert task.report.status == ReportStatus.approved and task.report.quantity == 2
    places = db.session.scalars(select(Finding.place).where(Finding.task_id == task.id))
    assert sorted(places) == ["东门口", "解放路12号门前"]


def _photo_files(app) -> list:
    return sorted(p.name for p in (Path(app.config["UPLOAD_FOLDER"]) / "photos").glob("*"))

def test_photos_come_with_the_record_and_a_refused_one_leaves_no_file(app, client, login,
                                                                     world):
    """现场照片 are optional on the 补录 form: taken with the record (an approved report
    takes no more), and a file that is not a photo refuses the whole record — no task,
    no photo row, no file left in the upload folder."""
    login(world.liaison)
    before = task_count()
    bad = client.post("/manage/backfill", content_type="multipart/form-data", data={
        **backfill_form(world),
        "photos": [(io.BytesIO(samples.phone_jpeg(800, 600)), "a.jpg"),
                   (io.BytesIO(samples.html()), "b.jpg")]})
    assert bad.status_code == 200 and "第2张照片" in text(bad)
    assert task_count() == before and not db.session.scalar(select(func.count(Photo.id)))
    assert _photo_files(app) == []
    good = client.post("/manage/backfill", content_type="multipart/form-data", data={
        **backfill_form(world),
        "photos": [(io.BytesIO(samples.phone_jpeg(800, 600)), "a.jpg"),
                   (io.BytesIO(samples.small_png()), "b.png")]})
    assert good.status_code == 302, text(good)[:1500]
    task = db.session.scalar(select(Task).where(Task.title == "楼道大扫除"))
    photos = db.session.scalars(select(Photo).where(Photo.task_id == task.id)).all()
    assert len(photos) == 2 and task.report.status == ReportStatus.approved
    assert len(_photo_files(app)) == 4  # each photo and its thumbnail


def test_a_backfill_whose_commit_fails_leaves_no_photo_file(app, client, login, world,
                                                            commit_fails):
    """The database refuses the COMMIT: the liaison is told nothing was saved, and no
    photo of the record stays on disk without it."""
    login(world.liaison)
    before = task_count()
    commit_fails()
    response = client.post("/manage/backfill", content_type="multipart/form-data", data={
        **backfill_form(world),
        "photos": [(io.BytesIO(samples.phone_jpeg(800, 600)), "a.jpg")]})
    assert response.status_code == 503
    assert task_count() == before and _photo_files(app) == []


def test_the_form_builds_what_it_records_as_the_task_form_does(app, world, five):
    """``BackfillForm.backfill_data`` (as ``TaskForm.task_data``): the view no longer
    assembles the 补录 itself (code review #13). An empty title is the category's name,
    each member's hours are those typed or, empty, the activity's length (None), the
    leader and the findings typed one per line come with it; an unreadable findings
    line is refused under its field."""
    from werkzeug.datastructures import MultiDict

    from tracker.manage.forms import BackfillForm
    from tracker.models import FindingKind

    def form_of(**changes):
        typed = backfill_form(world, five, title="", **changes) | _hours(five, 赵六="1.5")
        values = MultiDict([(k, str(v)) for k, vs in typed.items()
                            for v in (vs if isinstance(vs, list) else [vs])])
        form = BackfillForm.for_members(five)(formdata=values, meta={"csrf": False})
        form.set_choices([world.item], five, on_roll={m.id: True for m in five})
        assert form.validate(), form.errors
        return form

    with app.test_request_context("/manage/backfill", method="POST"):
        data = form_of(findings="下水道，解放路12号，井盖破损").backfill_data(world.item, five)
        assert data.title == world.item.category.name and data.place == "解放路12号"
        assert [(p.member.name, p.minutes) for p in data.participants] == [
            (m.name, 90 if m.name == "赵六" else None) for m in five]
        assert data.leader == world.leader and data.note == "清理楼道杂物。"
        assert [(x.kind, x.place) for x in data.findings] == [(FindingKind.sewer, "解放路12号")]
        assert data.photos == []
        # refused by the form's own validation (so the service still checks the rest)
        with pytest.raises(AssertionError, match="摸排问题第1行"):
            form_of(findings="火山，解放路")


@pytest.mark.parametrize("box", ["people_served", "quantity"])
def test_a_negative_figure_is_named_under_its_box_with_the_other_mistakes(client, login, world,
                                                                          box):
    """A negative 受益人数 or 完成数量 is the form's refusal; the read-only check of the
    other fields then meets the service's own 「数量不能为负数」 (review36 #1: a 500)."""
    item = f.item(world.unit, world.community, f.category(),  # counts 棵 and 人
                  year=to_local(utcnow()).year)
    db.session.commit()
    login(world.liaison)
    before = (task_count(), audit_count())
    response = client.post("/manage/backfill", data=backfill_form(
        world, resource_item=item.id, **{"quantity": "3", "people_served": "5", box: "-1"},
        note=""))
    page = text(response)
    assert response.status_code == 200
    assert "请输入0到" in page and "请填写情况说明。" in page
    assert (task_count(), audit_count()) == before


def test_a_problem_of_no_field_or_of_a_field_the_form_lacks_is_shown_at_the_top(app, world):
    """What the service would refuse is never dropped on the read-only path: a message
    of no field, or of a field the 补录 form has no box for (名额), goes at the top, as
    it does when the service refuses the form (``attach_error``); said once."""
    from tracker.manage.forms import BackfillForm
    from tracker.services import name_problems

    with app.test_request_context("/manage/backfill", method="POST"):
        form = BackfillForm.for_members([])()
        name_problems(form, [(None, "甲"), ("slots", "乙"), ("note", "丙"), (None, "甲")])
        assert form.form_errors == ["甲", "乙"]
        assert form.note.errors == ["丙"]
