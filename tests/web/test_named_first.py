"""figures42 #1: an admin's change dated in a 已定稿 month changes the signed 月报 (and
年度总结) — which is why a liaison is refused it ("A signed month's figures are changed
by an admin only") — so, as before 冲销, 作废 and 通过, the signed documents it changes
are named before it is done: 登记支出, 添加遗漏的参加人员, a finding's 移交 and 整改.
The house's step: the form posted, a page naming them, 「确认…」 posting every typed
field again (then it is done), 「返回，不操作」 bringing the form back as typed (nothing
done). A change in a month nobody signed is done at once, as before."""
from __future__ import annotations

import re
from io import BytesIO

import pytest
from flask import g
from sqlalchemy import func, select

from tests.reports.test_signed_named import named, sign_october_and_the_year
from tracker.extensions import db
from tracker.models import Assignment, Finding, FindingStatus, FundEntry, Task

MONTH, YEAR = "县商务局2022年10月", "县商务局2022年"


def _sign_october_only(client, o) -> None:
    assert client.post(f"/reports/finalize?unit={o.unit.id}&month=2022-10",
                       data={"confirmed": "1"}).status_code == 302


def _confirmation(page: str) -> tuple[str, dict]:
    """The confirmation page's form: where it posts, and what (its hidden fields)."""
    form = re.search(r'<form method="post" action="([^"]*)".*?</form>', page, re.S)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"',
                             form.group(0)))
    return form.group(1).replace("&amp;", "&"), fields


def _entries() -> int:
    return db.session.scalar(select(func.count()).select_from(FundEntry))


def _finding(status: FindingStatus) -> Finding:
    return db.session.scalars(select(Finding).where(Finding.status == status)
                              .order_by(Finding.id)).first()


def _on_task(task, member) -> bool:
    return db.session.scalar(select(Assignment.id).where(
        Assignment.task_id == task.id, Assignment.member_id == member.id)) is not None


def test_an_entry_dated_in_a_signed_month_is_named_before_it_is_written(client, login, october):
    login(october.admin)
    sign_october_and_the_year(client, october)
    url = f"/funds/{october.unit.id}/{october.jiefang.id}/2022/entries"
    before = _entries()
    typed = {"entry_date": "2022-10-25", "amount": "300", "purpose": "补登购买垃圾桶",
             "task_id": ""}

    response = client.post(url, data=typed)
    assert response.status_code == 200 and _entries() == before  # asked, not written
    page = response.get_data(as_text=True)
    (words,) = named(page)
    assert f"登记支出会改变以下已定稿月报的当前数据：{MONTH}。" in words
    assert f"登记支出会改变以下已定稿年度总结的当前数据：{YEAR}。" in words
    action, fields = _confirmation(page)
    assert action == url and fields["confirmed"] == "1"
    assert {k: fields[k] for k in typed} == typed  # every typed field carried

    back = client.post(action, data={**fields, "returning": "1"})
    assert back.status_code == 200 and _entries() == before
    assert 'value="补登购买垃圾桶"' in back.get_data(as_text=True)  # the form, as typed

    assert client.post(action, data=fields).status_code == 302
    assert _entries() == before + 1


def test_an_entry_in_an_unsigned_month_is_written_at_once(client, login, october):
    login(october.admin)
    _sign_october_only(client, october)
    before = _entries()
    response = client.post(f"/funds/{october.unit.id}/{october.jiefang.id}/2022/entries",
                           data={"entry_date": "2022-11-25", "amount": "300",
                                 "purpose": "购买工具", "task_id": ""})
    assert response.status_code == 302 and _entries() == before + 1


def test_a_bad_field_is_said_on_the_form_not_asked(client, login, october):
    login(october.admin)
    sign_october_and_the_year(client, october)
    response = client.post(f"/funds/{october.unit.id}/{october.jiefang.id}/2022/entries",
                           data={"entry_date": "2022-10-25", "amount": "300", "purpose": "",
                                 "task_id": ""})
    page = response.get_data(as_text=True)
    assert "请填写用途。" in page and named(page) == [] and 'value="300"' in page


@pytest.mark.parametrize("step", ["hand-over", "fix"])
def test_a_findings_step_dated_in_a_signed_month_is_named_first(client, login, october, step):
    login(october.admin)
    sign_october_and_the_year(client, october)
    if step == "hand-over":
        finding = _finding(FindingStatus.found)
        typed, word = {"handed_to": "县住建局", "handed_over_on": "2022-10-31"}, "登记移交"
    else:
        finding = _finding(FindingStatus.handed_over)
        typed, word = {"fixed_on": "2022-10-31"}, "登记整改"
    was = finding.status
    url = f"/progress/findings/{finding.id}/{step}"

    response = client.post(url, data=typed)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    (words,) = named(page)
    assert f"{word}会改变以下已定稿月报的当前数据：{MONTH}。" in words
    assert f"{word}会改变以下已定稿年度总结的当前数据：{YEAR}。" in words
    db.session.refresh(finding)
    assert finding.status == was  # not yet
    action, fields = _confirmation(page)
    assert {k: fields[k] for k in typed} == typed

    back = client.post(action, data={**fields, "returning": "1"})
    assert back.status_code == 200 and typed[next(iter(typed))] in back.get_data(as_text=True)
    db.session.refresh(finding)
    assert finding.status == was

    assert client.post(action, data=fields).status_code == 302
    db.session.refresh(finding)
    assert finding.status != was


def test_a_findings_step_in_an_unsigned_month_is_done_at_once(client, login, october):
    login(october.admin)
    _sign_october_only(client, october)
    finding = _finding(FindingStatus.found)
    response = client.post(f"/progress/findings/{finding.id}/hand-over",
                           data={"handed_to": "县住建局", "handed_over_on": "2022-11-05"})
    assert response.status_code == 302
    db.session.refresh(finding)
    assert finding.status == FindingStatus.handed_over


def test_a_forgotten_participant_of_a_signed_month_is_named_first(client, login, october):
    login(october.admin)
    sign_october_and_the_year(client, october)
    task, member = october.tasks["政策宣讲"], october.members["张伟"]
    url = f"/manage/tasks/{task.id}/add-participant"

    response = client.post(url, data={"member": str(member.id), "hours": "1"})
    assert response.status_code == 200 and not _on_task(task, member)
    page = response.get_data(as_text=True)
    (words,) = named(page)
    assert f"添加遗漏的参加人员会改变以下已定稿月报的当前数据：{MONTH}。" in words
    action, fields = _confirmation(page)
    assert fields["member"] == str(member.id) and fields["hours"] == "1"

    assert client.post(action, data={**fields, "returning": "1"}).status_code == 200
    assert not _on_task(task, member)
    assert client.post(action, data=fields).status_code == 302
    assert _on_task(task, member)


def test_a_forgotten_participant_names_her_units_signed_month(client, login, october):
    """Her hours count for her unit of the day ("Whichever unit's month it is"): a
    member of 县财政局 added to 县商务局's activity names 县财政局's signed month too."""
    login(october.admin)
    stranger = next(a.member for a in october.tasks["财政局宣讲"].assignments)
    assert client.post(f"/reports/finalize?unit={october.other_unit.id}&month=2022-10",
                       data={"confirmed": "1"}).status_code == 302
    task = october.tasks["政策宣讲"]
    # found by her name, as the page's 查找 does (the search travels in the address)
    url = f"/manage/tasks/{task.id}/add-participant?q=财政局党员"
    response = client.post(url, data={"member": str(stranger.id), "hours": "1"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    (words,) = named(page)
    assert "县财政局2022年10月" in words and MONTH not in words
    action, fields = _confirmation(page)
    assert client.post(action, data=fields).status_code == 302  # the search kept: offered
    assert _on_task(task, stranger)


def test_a_forgotten_participant_in_an_unsigned_month_is_added_at_once(client, login, october):
    login(october.admin)
    _sign_october_only(client, october)
    task, member = october.tasks["十一月整治"], october.members["李娜"]
    response = client.post(f"/manage/tasks/{task.id}/add-participant",
                           data={"member": str(member.id), "hours": "1"})
    assert response.status_code == 302 and _on_task(task, member)


def _backfill(o, day: str, **changes) -> dict:
    """A 补录 of an environment clean-up in 解放路社区 on ``day``, 刘洋 leading."""
    member = o.members["刘洋"]
    return {"resource_item": str(o.tasks["环境整治一"].resource_item_id), "title": "补录整治",
            "place": "解放路12号", "beneficiary": "", "starts_at": f"{day}T09:00",
            "ends_at": f"{day}T11:00", "participants": str(member.id),
            "leader": str(member.id), "quantity": "", "people_served": "",
            "note": "清理楼道杂物。", **changes}


def _tasks_titled(title: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Task).where(Task.title == title))


def test_a_backfill_dated_in_a_signed_month_is_named_before_it_is_saved(client, login, october):
    login(october.admin)
    sign_october_and_the_year(client, october)
    typed = _backfill(october, "2022-10-26")

    response = client.post("/manage/backfill", data=typed)
    assert response.status_code == 200 and _tasks_titled("补录整治") == 0
    page = response.get_data(as_text=True)
    (words,) = named(page)
    assert f"补录该活动会改变以下已定稿月报的当前数据：{MONTH}。" in words
    assert f"补录该活动会改变以下已定稿年度总结的当前数据：{YEAR}。" in words
    action, fields = _confirmation(page)
    assert {k: fields[k] for k in typed} == typed
    assert 'name="photos"' not in page  # none chosen: none asked for again

    back = client.post(action, data={**fields, "returning": "1"})
    assert back.status_code == 200 and _tasks_titled("补录整治") == 0
    back_page = back.get_data(as_text=True)
    assert 'value="补录整治"' in back_page and named(back_page) == []

    assert client.post(action, data=fields).status_code == 302
    assert _tasks_titled("补录整治") == 1


def test_a_backfills_photos_are_asked_for_again_on_the_naming_page(client, login, october):
    login(october.admin)
    sign_october_and_the_year(client, october)
    response = client.post("/manage/backfill", content_type="multipart/form-data",
                           data={**_backfill(october, "2022-10-26"),
                                 "photos": (BytesIO(b"\xff\xd8\xff"), "a.jpg")})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and named(page)
    assert 'enctype="multipart/form-data"' in page and 'name="photos"' in page
    assert "照片不能随确认页保留" in page


def test_a_backfill_in_an_unsigned_month_is_saved_at_once(client, login, october):
    login(october.admin)
    _sign_october_only(client, october)
    response = client.post("/manage/backfill", data=_backfill(october, "2022-11-15"))
    assert response.status_code == 302 and _tasks_titled("补录整治") == 1


def test_the_naming_page_speaks_english(client, login, october):
    login(october.admin)
    sign_october_and_the_year(client, october)
    finding = _finding(FindingStatus.found)
    g.pop("_flask_babel", None)  # a served request starts without the last one's locale
    response = client.post(f"/progress/findings/{finding.id}/hand-over?lang=en",
                           data={"handed_to": "县住建局", "handed_over_on": "2022-10-31"})
    page = response.get_data(as_text=True)
    (words,) = named(page)
    assert "“Record handover” will change the current data of these finalised monthly" in words
    assert "recorded as handed over on 2022-10-31" in page and "Confirm the handover" in page


def test_the_backfills_naming_page_names_its_action_as_the_others_do_in_english(
        client, login, october):
    """walk46 #2: every naming page quotes its action as a name, capitalised (「“Record
    handover” will change…」); 补录's said 「“record this activity” will change…」."""
    login(october.admin)
    sign_october_and_the_year(client, october)
    g.pop("_flask_babel", None)
    response = client.post("/manage/backfill?lang=en", data=_backfill(october, "2022-10-26"))
    (words,) = named(response.get_data(as_text=True))
    assert "“Record this activity” will change the current data of these finalised" in words


def _shown(client, task) -> str:
    page = client.get(f"/manage/tasks/{task.id}").get_data(as_text=True)
    form = re.search(r'<form[^>]*action="/manage/tasks/%d/leader".*?</form>' % task.id,
                     page, re.S).group(0)
    return re.search(r'name="shown"[^>]*value="([^"]*)"', form).group(1)


def test_a_new_leader_of_a_signed_months_activity_is_named_first(client, login, october):
    """The 台账 of the signed month prints the approved activity's 组长."""
    login(october.admin)
    sign_october_and_the_year(client, october)
    task, new = october.tasks["政策宣讲"], october.members["赵敏"]
    url = f"/manage/tasks/{task.id}/leader"
    response = client.post(url, data={"leader": str(new.id), "shown": _shown(client, task)})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    (words,) = named(page)
    assert f"更换组长会改变以下已定稿月报的当前数据：{MONTH}。" in words
    db.session.refresh(task)
    assert task.leader_id != new.id
    action, fields = _confirmation(page)
    assert client.post(action, data=fields).status_code == 302
    db.session.refresh(task)
    assert task.leader_id == new.id


def test_a_new_leader_in_an_unsigned_month_is_saved_at_once(client, login, october):
    login(october.admin)
    _sign_october_only(client, october)
    task, new = october.tasks["十一月整治"], october.members["王芳"]
    response = client.post(f"/manage/tasks/{task.id}/leader",
                           data={"leader": str(new.id), "shown": _shown(client, task)})
    assert response.status_code == 302
    db.session.refresh(task)
    assert task.leader_id == new.id
