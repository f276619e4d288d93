"""An admin's change confirmed on its naming page (冲销, 登记支出, 移交, 添加遗漏的参加人员,
添加资源清单项目), refused by its service because a signed document changed since the
page was read (``roll.NamedSince``: here the year signed between the view's read and the
service's share locks) — and, before the view asks its naming page again, another admin's
change committed that the change's own rules refuse (the entry reversed already, the
linked activity voided, the survey moved past the 移交's date, the member added already,
the same item added).

The view's answer is that refusal, in the service's words, on the form (docs/design.md,
"Refused in a 已定稿 month": a refusal is said in its own words, review44 #2) — never
「…有了变化…请查看上方的说明后再确认。」, which points at a 说明 above that no page shows
(the view's read-only pre-check declined the naming page; namedsince47). Nothing is
written by the post.

The order is forced in one process: the year is signed (the real 定稿) right after the
view's unlocked read, and the other admin's change (the real service's) is committed from
inside the view's next pre-check call, the one it makes after the service's refusal."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import select

from tests import factories as f
from tests.clock import set_app_clock
from tests.reports.test_signed_named import named
from tests.web.test_item_changes_named import _new_item_fields
from tests.web.test_named_first import _confirmation, _entries, _on_task, _sign_october_only
from tests.web.test_named_first_since import SINCE, _october_entry, _posted_again, _reversals
from tracker.extensions import db
from tracker.models import (SURVEY_CODE, Category, Finding, FindingKind, FindingStatus,
                            ResourceItem, Role, SummaryScope, Task)
from tracker.services import unit_of_work
from tracker.timeutil import local_to_utc

YEAR = 2022
FUNDING_CODE = "cobuild_funding"


def _other_admin(o):
    """管理员乙, the unit's second admin, whose change lands meanwhile."""
    admin = f.member(o.unit, Role.admin, "管理员乙")
    db.session.commit()
    return admin.id


def _signed_after_the_read(monkeypatch, module, name: str, unit_id: int, signer_id: int,
                           seen: dict) -> None:
    """``module.name`` — the view's naming (``naming(lock=)``) — reads as it would, and
    right after the view's unlocked read the unit's 2022 年度总结 is signed (committed):
    the service's locked read names it, what the page did not. ``seen["compared"]``: the
    service has compared (its locked read came)."""
    from tracker.models import Member
    from tracker.reports.annual_final import finalize_year

    real = getattr(module, name)
    seen["compared"] = False

    def naming(*args, lock=False, **kwargs):
        found = real(*args, lock=lock, **kwargs)
        if lock:
            seen["compared"] = True
        elif not seen.get("signed"):
            seen["signed"] = True
            with unit_of_work(once=False):  # not the post's own token
                finalize_year(db.session.get(Member, signer_id), SummaryScope(unit_id), YEAR)
        return found

    monkeypatch.setattr(module, name, naming)


def _changed_before_the_second_check(monkeypatch, module, name: str, seen: dict,
                                     change) -> None:
    """``module.name`` — the view's read-only pre-check — runs as it would; its first
    call after the service compared first commits ``change()`` (another admin's, through
    the real service), once."""
    real = getattr(module, name)

    def check(*args, **kwargs):
        if seen["compared"]:
            monkeypatch.setattr(module, name, real)
            with unit_of_work(once=False):
                change()
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, check)


def _refused_in_its_words(response, words: str, submit: str) -> str:
    """The answer: 200, the refusal's words, no 「…有了变化…」 and no naming page (its
    ``submit``, 「确认…」)."""
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert SINCE not in page and "有了变化" not in page
    assert words in page and submit not in page
    return page


def test_a_reversal_confirmed_once_another_admin_reversed_it_says_so(
        client, login, october, monkeypatch):
    from tracker.models import FundEntry, Member
    from tracker.services import funds

    o = october
    other = _other_admin(o)
    entry_id = _october_entry(o).id
    login(o.admin)
    _sign_october_only(client, o)
    page = client.post(f"/funds/entries/{entry_id}/reverse",
                       data={"reason": "重复录入"}).get_data(as_text=True)
    assert "确认冲销" in page and named(page)  # October named
    action, fields = _posted_again(page)
    seen: dict = {}
    _signed_after_the_read(monkeypatch, funds, "reversal_signed", o.unit.id, o.admin.id, seen)
    _changed_before_the_second_check(
        monkeypatch, funds, "reversal_refusal", seen,
        lambda: funds.reverse_entry(db.session.get(Member, other),
                                    db.session.get(FundEntry, entry_id), "误登记"))
    before = _reversals()

    _refused_in_its_words(client.post(action, data=fields), "该记录已冲销，不能重复冲销。",
                          "确认冲销")
    db.session.expire_all()
    assert seen["signed"] and _reversals() == before + 1  # the other admin's only


def test_an_entry_confirmed_once_its_activity_was_voided_says_so(
        client, login, october, monkeypatch):
    from tracker.models import Member
    from tracker.services import funds
    from tracker.services.voiding import void_activity

    o = october
    other = _other_admin(o)
    task_id = o.tasks["待审核整治"].id  # 解放路社区, 30 October, not yet approved
    login(o.admin)
    _sign_october_only(client, o)
    typed = {"entry_date": "2022-10-25", "amount": "300", "purpose": "补登购买垃圾桶",
             "task_id": str(task_id)}
    page = client.post(f"/funds/{o.unit.id}/{o.jiefang.id}/2022/entries",
                       data=typed).get_data(as_text=True)
    assert named(page)  # October named
    action, fields = _confirmation(page)
    seen: dict = {}
    _signed_after_the_read(monkeypatch, funds, "entry_signed", o.unit.id, o.admin.id, seen)
    _changed_before_the_second_check(
        monkeypatch, funds, "entry_problems", seen,
        lambda: void_activity(db.session.get(Task, task_id), db.session.get(Member, other),
                              "活动未举行"))
    before = _entries()

    page = _refused_in_its_words(client.post(action, data=fields),
                                 "所选任务已取消或作废，不能关联。", "确认登记")
    assert 'value="补登购买垃圾桶"' in page  # the form as typed
    db.session.expire_all()
    assert seen["signed"] and _entries() == before  # nothing written


def test_a_hand_over_confirmed_once_the_survey_moved_past_it_says_so(
        client, login, october, monkeypatch):
    from tracker import progress
    from tracker.models import Member
    from tracker.services import findings
    from tracker.services.tasks import TaskDetails, update_task

    o = october
    # the survey's date may be moved to any day of a year of today (``update_task``):
    # a day of 2022's next year, with 2022 over, so its 年度总结 may be signed
    set_app_clock(monkeypatch, date(YEAR + 1, 3, 1))
    other = _other_admin(o)
    survey = f.task(f.item(o.unit, o.jiefang, SURVEY_CODE, year=YEAR), o.liaison,
                    title="设施摸排",
                    starts_at=local_to_utc(datetime.combine(date(YEAR, 10, 5), time(9))))
    finding = Finding(task_id=survey.id, unit_id=o.unit.id, community_id=o.jiefang.id,
                      found_on=survey.service_date, kind=FindingKind.sewer,
                      place="3号楼下水道", status=FindingStatus.found,
                      created_by_id=o.liaison.id, active=True)
    db.session.add(finding)
    db.session.commit()
    survey_id, finding_id = survey.id, finding.id
    login(o.admin)
    _sign_october_only(client, o)
    typed = {"handed_to": "县住建局", "handed_over_on": "2022-10-10"}
    page = client.post(f"/progress/findings/{finding_id}/hand-over",
                       data=typed).get_data(as_text=True)
    assert named(page)  # October named
    action, fields = _confirmation(page)

    def move_the_survey_to_the_20th():
        task = db.session.get(Task, survey_id)
        update_task(task, db.session.get(Member, other), TaskDetails(
            title=task.title, place=task.place, slots=task.slots,
            beneficiary=task.beneficiary,
            starts_local=datetime.combine(date(YEAR, 10, 20), time(9)),
            ends_local=datetime.combine(date(YEAR, 10, 20), time(11))))

    seen: dict = {}
    _signed_after_the_read(monkeypatch, progress.routes, "day_signed", o.unit.id, o.admin.id,
                           seen)
    _changed_before_the_second_check(monkeypatch, findings, "hand_over_problems", seen,
                                     move_the_survey_to_the_20th)

    page = _refused_in_its_words(client.post(action, data=fields),
                                 "移交日期不能早于发现日期（2022-10-20）。", "确认登记移交")
    assert 'value="县住建局"' in page  # the form as typed
    db.session.expire_all()
    state = db.session.get(Finding, finding_id)
    assert seen["signed"] and state.status == FindingStatus.found  # not handed over
    assert state.found_on == date(YEAR, 10, 20)


def test_an_addition_confirmed_once_another_admin_added_her_says_so(
        client, login, october, monkeypatch):
    from tracker.manage import task_page
    from tracker.models import Assignment, Member
    from tracker.services.backfill import add_forgotten_participant

    o = october
    other = _other_admin(o)
    task, member = o.tasks["政策宣讲"], o.members["张伟"]
    task_id, member_id = task.id, member.id
    login(o.admin)
    _sign_october_only(client, o)
    page = client.post(f"/manage/tasks/{task_id}/add-participant",
                       data={"member": str(member_id), "hours": "1"}).get_data(as_text=True)
    assert named(page)  # October named
    action, fields = _confirmation(page)
    seen: dict = {}
    _signed_after_the_read(monkeypatch, task_page, "work_signed", o.unit.id, o.admin.id, seen)
    _changed_before_the_second_check(
        monkeypatch, task_page, "forgotten_problems", seen,
        lambda: add_forgotten_participant(db.session.get(Member, other),
                                          db.session.get(Task, task_id),
                                          db.session.get(Member, member_id), 30))

    # (a refusal of the task's state would be flashed on the task page: followed)
    _refused_in_its_words(client.post(action, data=fields, follow_redirects=True),
                          "张伟 已在该任务中。", "确认添加")
    db.session.expire_all()
    assert seen["signed"] and _on_task(task, member)
    assert db.session.scalar(select(Assignment.minutes).where(  # the other admin's hours
        Assignment.task_id == task_id, Assignment.member_id == member_id)) == 30


def test_an_item_confirmed_once_another_admin_added_it_says_so(
        client, login, october, monkeypatch):
    from tracker.models import Member, TargetMeasure
    from tracker.services import directory, item_named

    o = october
    other_admin = _other_admin(o)
    unit_id = o.other_unit.id
    login(o.admin)
    assert client.post(f"/reports/finalize?unit={unit_id}&month=2022-11",
                       data={"confirmed": "1"}).status_code == 302
    funding = db.session.scalar(select(Category.id).where(Category.code == FUNDING_CODE))
    typed = _new_item_fields(client) | {
        "unit_id": str(unit_id), "community_id": str(o.jiefang.id), "zone_id": "",
        "category_id": f"{funding}:money", "year": "2022", "target": "5000",
        "description": ""}
    page = client.post("/admin/items/new", data=typed).get_data(as_text=True)
    assert named(page)  # 县财政局's November named
    action, fields = _confirmation(page)
    seen: dict = {}
    _signed_after_the_read(monkeypatch, item_named, "new_items_named", unit_id, o.admin.id,
                           seen)
    _changed_before_the_second_check(
        monkeypatch, directory, "item_problems", seen,
        lambda: directory.add_resource_item(db.session.get(Member, other_admin),
                                            directory.ResourceItemData(
            unit_id=unit_id, community_id=o.jiefang.id, zone_id=None,
            category_id=funding, year=YEAR, target=300_000,
            target_measure=TargetMeasure.money, description="")))

    page = _refused_in_its_words(client.post(action, data=fields),
                                 "该单位在此社区（责任区）已有该类别的同年度资源清单项目。",
                                 "确认保存")
    assert 'value="5000"' in page  # the form as typed
    db.session.expire_all()
    targets = db.session.scalars(select(ResourceItem.target).where(
        ResourceItem.unit_id == unit_id, ResourceItem.category_id == funding)).all()
    assert seen["signed"] and targets == [300_000]  # the other admin's only

