"""提交完成 over HTTP: the leader's report, its status, correction and resubmission."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import select

from tests import factories as f
from tests.audit import work_actions, work_event_count
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    ReportStatus,
    TaskReport,
    TaskStatus,
)
from tracker.services import unit_of_work
from tracker.services.reviews import approve_report, return_report

GOOD = {"quantity": "12", "people_served": "40", "note": "清理楼道杂物，张贴文明提示。"}


# the past task in a category counting both a 完成数量 and a 受益 (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("both_figures")


def url(task) -> str:
    return f"/tasks/{task.id}/report"


def people_served_label(html: str) -> str:
    return re.search(r'<label for="people_served">([^<]*)</label>', html).group(1)


def the_report(task) -> TaskReport | None:
    db.session.expire_all()
    return db.session.scalar(select(TaskReport).where(TaskReport.task_id == task.id))


def status_of(task, member) -> AssignmentStatus:
    db.session.expire_all()
    return db.session.scalar(select(Assignment.status).where(
        Assignment.task_id == task.id, Assignment.member_id == member.id))


def test_form_shows_the_unit_and_the_participants(client, world, login):
    login(world.leader)
    html = client.get(url(world.past_task)).get_data(as_text=True)
    # each with its unit: 完成数量 in the category's 棵, 受益人数 naming its own
    assert "完成数量（棵）" in html and people_served_label(html) == "受益人数"
    assert "情况说明" in html and "缺席人员" in html
    assert 'type="checkbox"' in html and f'value="{world.member.id}"' in html
    assert "张三" in html and "未提交" in html
    assert world.member.phone not in html


def test_leader_submits_and_sees_pending(client, world, login):
    login(world.leader)
    response = client.post(url(world.past_task), data={**GOOD, "absent": [str(world.member.id)]})
    assert response.status_code == 302
    assert response.headers["Location"] == url(world.past_task)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已提交完成情况，等待联络员审核" in html
    assert "待审核" in html
    report = the_report(world.past_task)
    assert (report.quantity, report.people_served, report.note) == (12, 40, GOOD["note"])
    assert report.status == ReportStatus.submitted
    assert status_of(world.past_task, world.member) == AssignmentStatus.absent
    assert status_of(world.past_task, world.leader) == AssignmentStatus.claimed


def test_liaison_of_the_community_may_report(client, world, login):
    login(world.liaison)
    assert client.post(url(world.past_task), data=GOOD).status_code == 302
    assert the_report(world.past_task).submitted_by_id == world.liaison.id


def test_participant_who_is_not_the_leader_gets_403(client, world, login):
    login(world.member)
    assert client.get(url(world.past_task)).status_code == 403
    assert client.post(url(world.past_task), data=GOOD).status_code == 403
    assert the_report(world.past_task) is None


NUMBER_CASES = [
    ("", "请填写"),
    ("   ", "请填写"),
    ("abc", "请输入整数（只能填写数字）"),
    ("3.5", "请输入整数（只能填写数字）"),
    ("十二", "请输入整数（只能填写数字）"),
    ("-1", "请输入0到1000000之间的整数"),
    ("1000001", "请输入0到1000000之间的整数"),
    # only digits, too many: out of range, not "not a number" (review "walk", #3)
    ("1000000000000", "请输入0到1000000之间的整数"),
    ("99999999999999999999999", "请输入0到1000000之间的整数"),
    ("９９９９９９９９９９９９９９", "请输入0到1000000之间的整数"),
    ("-99999999999999999999999", "请输入0到1000000之间的整数"),
]


@pytest.mark.parametrize("field", ["quantity", "people_served"])
@pytest.mark.parametrize("typed,message", NUMBER_CASES)
def test_bad_numbers_are_refused_on_the_same_form(client, world, login, field, typed, message):
    login(world.leader)
    data = {**GOOD, field: typed}
    response = client.post(url(world.past_task), data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert f'value="{typed}"' in html
    assert GOOD["note"] in html  # the other fields are kept too
    assert "Not a valid" not in html
    assert the_report(world.past_task) is None
    assert work_event_count() == 0


@pytest.mark.parametrize("field", ["quantity", "people_served"])
def test_zero_and_the_maximum_are_accepted(client, world, login, field):
    login(world.leader)
    assert client.post(url(world.past_task), data={**GOOD, field: "0"}).status_code == 302
    assert getattr(the_report(world.past_task), field) == 0


@pytest.mark.parametrize("typed,message", [
    ("", "请填写情况说明"),
    ("  \n ", "请填写情况说明"),
    ("长" * 2001, "情况说明不能超过2000个字"),
])
def test_bad_note_is_refused(client, world, login, typed, message):
    login(world.leader)
    response = client.post(url(world.past_task), data={**GOOD, "note": typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    if typed.strip():
        assert typed in html
    assert 'value="12"' in html and 'value="40"' in html
    assert the_report(world.past_task) is None


def test_a_note_of_exactly_2000_characters_is_accepted(client, world, login):
    login(world.leader)
    assert client.post(url(world.past_task), data={**GOOD, "note": "长" * 2000}).status_code == 302


def test_absent_must_be_a_participant(client, world, login):
    login(world.leader)
    for bad in ([str(world.other_member.id)], ["abc"]):
        response = client.post(url(world.past_task), data={**GOOD, "absent": bad})
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "所选内容无效" in html
        assert "Invalid" not in html and "not a valid" not in html
    assert the_report(world.past_task) is None


def test_empty_post_is_refused(client, world, login):
    login(world.leader)
    html = client.post(url(world.past_task), data={}).get_data(as_text=True)
    assert "请填写完成数量" in html and "请填写受益人数" in html and "请填写情况说明" in html
    assert the_report(world.past_task) is None


def test_before_start_the_page_explains(client, world, login):
    login(world.leader)
    html = client.get(url(world.task)).get_data(as_text=True)
    assert "任务开始后才能提交完成情况" in html and 'name="quantity"' not in html
    html = client.post(url(world.task), data=GOOD).get_data(as_text=True)
    assert "任务开始后才能提交完成情况" in html
    assert the_report(world.task) is None


def test_cancelled_task_cannot_be_reported(client, world, login):
    world.past_task.status = TaskStatus.cancelled
    db.session.commit()
    login(world.leader)
    html = client.post(url(world.past_task), data=GOOD).get_data(as_text=True)
    assert "该任务已取消" in html
    assert the_report(world.past_task) is None


def test_returned_report_is_prefilled_and_resubmitted(client, world, login):
    login(world.leader)
    client.post(url(world.past_task), data={**GOOD, "absent": [str(world.member.id)]})
    with unit_of_work():
        return_report(the_report(world.past_task), world.liaison, "张三其实到场了，请更正")
    html = client.get(url(world.past_task)).get_data(as_text=True)
    assert "已退回" in html and "张三其实到场了，请更正" in html
    assert 'value="12"' in html and 'value="40"' in html and GOOD["note"] in html
    assert f'<input checked id="absent-0" name="absent" type="checkbox" value="{world.member.id}">' in html
    assert f'<input id="absent-1" name="absent" type="checkbox" value="{world.leader.id}">' in html
    response = client.post(url(world.past_task), data={**GOOD, "quantity": "13"})
    assert response.status_code == 302
    html = client.get(url(world.past_task)).get_data(as_text=True)
    assert "已重新提交完成情况" in html and "待审核" in html
    report = the_report(world.past_task)
    assert report.status == ReportStatus.submitted and report.quantity == 13
    assert status_of(world.past_task, world.member) == AssignmentStatus.claimed
    assert work_actions() == ["submit", "return", "resubmit"]


AMENDABLE = "已提交，等待审核；审核前仍可修改。"


def test_a_pending_report_says_it_may_still_be_amended(client, world, login):
    """walk56 (b), small57: a report 待审核 is still offered whole with 「重新提交」 —
    amending it before review is intended (docs/design.md, 提交完成: 通过 and 退回 refuse
    a page read before a resubmission; 我的任务 offers 修改完成情况) —, so the page says
    so instead of reading as one still owed; a returned one says to correct it, an
    approved one is read only, and none is said before the first 提交."""
    login(world.leader)
    html = client.get(url(world.past_task)).get_data(as_text=True)
    assert AMENDABLE not in html and "提交完成</button>" in html
    client.post(url(world.past_task), data=GOOD)
    html = client.get(url(world.past_task)).get_data(as_text=True)
    assert AMENDABLE in html and "重新提交</button>" in html and 'value="12"' in html
    g.pop("_flask_babel", None)  # a served request starts without the last one's locale
    english = client.get(url(world.past_task) + "?lang=en").get_data(as_text=True)
    assert "Submitted, awaiting review; it can still be changed until it is reviewed." in english
    g.pop("_flask_babel", None)
    client.get(url(world.past_task) + "?lang=zh_CN")
    with unit_of_work():
        return_report(the_report(world.past_task), world.liaison, "数量有误")
    html = client.get(url(world.past_task)).get_data(as_text=True)
    assert AMENDABLE not in html and "请按退回原因修改后重新提交。" in html
    assert client.post(url(world.past_task), data={**GOOD, "quantity": "13"}).status_code == 302
    html = client.get(url(world.past_task)).get_data(as_text=True)
    assert AMENDABLE in html and "请按退回原因修改后重新提交。" not in html
    # amended again before review: taken, still 待审核
    assert client.post(url(world.past_task), data={**GOOD, "quantity": "14"}).status_code == 302
    report = the_report(world.past_task)
    assert (report.status, report.quantity) == (ReportStatus.submitted, 14)
    with unit_of_work():
        approve_report(the_report(world.past_task), world.liaison)
    html = client.get(url(world.past_task)).get_data(as_text=True)
    assert AMENDABLE not in html and "已审核通过，不能再修改" in html


def test_approved_report_is_read_only(client, world, login):
    login(world.leader)
    client.post(url(world.past_task), data=GOOD)
    with unit_of_work():
        approve_report(the_report(world.past_task), world.liaison)
    html = client.get(url(world.past_task)).get_data(as_text=True)
    assert "已通过" in html and "已审核通过，不能再修改" in html
    assert 'name="quantity"' not in html
    assert "12棵" in html and "40人" in html
    client.post(url(world.past_task), data={**GOOD, "quantity": "99"})
    assert the_report(world.past_task).quantity == 12


def test_a_single_person_task_with_no_participants(client, world, login):
    task = f.task(world.item, world.liaison, leader=world.leader, starts_in=-timedelta(hours=3))
    db.session.commit()
    login(world.leader)
    html = client.get(url(task)).get_data(as_text=True)
    assert "（无）" in html  # the absent list is empty
    # 环境整治 counts no 完成数量 or 受益: the note alone
    assert client.post(url(task), data={"note": GOOD["note"]}).status_code == 302


def past_task_of(world, code):
    task = f.task(f.item(world.unit, world.community, code), world.liaison, leader=world.leader,
                  starts_in=-timedelta(days=1))
    db.session.commit()
    return task


def test_a_category_without_figures_asks_for_none(client, world, login):
    """环境整治 counts activities only: neither 完成数量 nor 受益 is asked, and hours
    come from the members' confirmed minutes, never from a typed figure."""
    task = past_task_of(world, "environment_cleanup")
    login(world.leader)
    html = client.get(url(task)).get_data(as_text=True)
    assert 'name="quantity"' not in html and 'name="people_served"' not in html
    assert client.post(url(task), data={"note": "清理完毕"}).status_code == 302
    report = the_report(task)
    assert (report.quantity, report.people_served) == (0, 0)


def test_households_are_asked_in_households(client, world, login):
    task = past_task_of(world, "household_assistance")
    login(world.leader)
    html = client.get(url(task)).get_data(as_text=True)
    assert people_served_label(html) == "受益户数" and 'name="quantity"' not in html
    assert client.post(url(task), data={"people_served": "3", "note": "走访"}).status_code == 302
    assert the_report(task).people_served == 3


@pytest.mark.parametrize("lang, label", [("zh_CN", "受益人次"),
                                         ("en", "People served (person-times)")])
def test_the_beneficiaries_name_their_unit_once(client, world, login, lang, label):
    """Review walk3, #7: 受益人次 names its unit; the form said 「受益人次（人次）」 and
    "People served (person-times) (人次)", the refusal repeated it, and the 工作台's card
    read 「受益人次 35人次」. Once, in each language, on the form, its refusal and the
    card."""
    task = past_task_of(world, "ecommerce_training")
    login(world.leader)
    html = client.get(url(task) + f"?lang={lang}").get_data(as_text=True)
    assert people_served_label(html) == label
    html = client.post(url(task), data={"people_served": "-1", "note": "培训"}
                       ).get_data(as_text=True)
    assert people_served_label(html) == label
    assert "人次）" not in html and "(人次)" not in html
    assert client.post(url(task), data={"people_served": "35", "note": "培训"}
                       ).status_code == 302
    login(world.liaison)
    card = client.get("/manage/").get_data(as_text=True)
    figures = re.search(r"<p>([^<]*\d+ ?(?:人次|person-times)[^<]*)</p>", card).group(1)
    served = "受益 35人次" if lang == "zh_CN" else "Beneficiaries 35 person-times"
    assert figures.startswith(served + " · "), figures


def test_a_survey_counts_its_findings_not_a_typed_number(client, world, login):
    from tests.rollups import builders as b

    task = past_task_of(world, "facility_survey")
    for _ in range(2):
        b.finding(task, world.leader)
    db.session.commit()
    login(world.leader)
    html = client.get(url(task)).get_data(as_text=True)
    assert 'name="quantity"' not in html and 'data-figure="findings">2处<' in html
    # a number posted all the same (the form offers none) is refused in the 补录 form's
    # words, nothing written (import56) — not taken, nor dropped without a word
    refused = client.post(url(task), data={"quantity": "9", "note": "摸排"})
    assert refused.status_code == 200 and the_report(task) is None
    assert ("摸排类活动的完成数量就是登记的问题处数，请清空此项，在“摸排问题”中每行填写一处。"
            in refused.get_data(as_text=True))
    assert client.post(url(task), data={"note": "摸排"}).status_code == 302
    assert the_report(task).quantity == 2


def test_a_crafted_figure_the_category_does_not_count_is_refused(client, world, login):
    """import56: 提交完成 never offers 环境整治 a 完成数量 or 受益; one posted all the
    same is refused in the words of the 补录 form and the ledger import (one rule), what
    was typed kept, nothing written — not recorded as 0 without a word."""
    task = past_task_of(world, "environment_cleanup")
    login(world.leader)
    before = work_event_count()
    response = client.post(url(task), data={"quantity": "3", "people_served": "20",
                                            "note": "清理楼道杂物。"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "“环境整治”不统计完成数量，请清空此项。" in html
    assert "“环境整治”不统计受益，请清空此项。" in html
    assert "清理楼道杂物。" in html  # the note kept
    assert the_report(task) is None and work_event_count() == before
    # 0 is no figure
    assert client.post(url(task), data={"quantity": "0", "people_served": "0",
                                        "note": "清理楼道杂物。"}).status_code == 302
    assert (the_report(task).quantity, the_report(task).people_served) == (0, 0)
