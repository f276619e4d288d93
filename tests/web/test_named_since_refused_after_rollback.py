"""An admin's change confirmed on its naming page — a checklist item's edit, a 补录, a
finding's 移交 or 整改 — refused by its service because a signed document changed since
the page was read (``roll.NamedSince``: here the year signed between the view's read and
the service's share locks), and, after the service rolled back and before the view asks
its naming page again (``NamedFirst.since``), another admin's change committed that the
change's own rules refuse: the same field of the item changed, the same activity
recorded, the same finding handed over or fixed already.

The view's answer is that refusal, in the service's words, on the form (docs/design.md,
"Refused in a 已定稿 month": a refusal is said in its own words, review44 #2) — never
「…有了变化…」 on the form, nor the naming page again for a change the service will only
refuse after its 确认 (since48's Open). The form stays as typed; nothing is written by the
post. The item edit's refusal over another's change names the fields as the service's own
refusal does (``_stale.html``).

The order is forced in one process (as tests/web/test_named_since_refused_again.py):
the year is signed (the real 定稿) right after the view's unlocked read, and the other
admin's change (the real service's) is committed right before the view's ``since``."""
from __future__ import annotations

from datetime import date, datetime, time

from tests import factories as f
from tests.reports.test_signed_named import named
from tests.security.support import error_texts
from tests.web.test_admin_budget_named import _budget_item, _edit_fields, _sign_november
from tests.web.test_named_first import _backfill, _confirmation, _sign_october_only, _tasks_titled
from tests.web.test_named_since_refused_again import (YEAR, _other_admin, _refused_in_its_words,
                                                      _signed_after_the_read)
from tracker.extensions import db
from tracker.models import (SURVEY_CODE, Finding, FindingKind, FindingStatus, Member,
                            ResourceItem)
from tracker.named_page import NamedFirst
from tracker.services import unit_of_work
from tracker.timeutil import local_to_utc

STALE_ITEM = "该资源清单项目已被他人修改，请核对后重新保存。"
FIXED_ITEM = "该项目已有任务，单位、社区、责任区、类别和年度不能修改。"


def _changed_before_since(monkeypatch, change) -> None:
    """``NamedFirst.since`` — the view's answer to its service's refusal for what its page
    named — runs as it would, right after ``change()`` (another admin's, through the real
    service) committed: once the service rolled back, before the view asks again."""
    real = NamedFirst.since

    def since(self, *args, **kwargs):
        if self.found:  # refused for a document signed since
            monkeypatch.setattr(NamedFirst, "since", real)
            with unit_of_work(once=False):  # not the post's own token
                change()
        return real(self, *args, **kwargs)

    monkeypatch.setattr(NamedFirst, "since", since)


def test_an_item_edit_confirmed_once_another_admin_changed_its_target_says_so(
        client, login, october, monkeypatch):
    from tracker.services import directory, item_named

    o = october
    other = _other_admin(o)
    item = _budget_item(o)
    item_id = item.id
    login(o.admin)
    _sign_november(client, o)
    typed = _edit_fields(client, item_id) | {"target": "12000"}
    page = client.post(f"/admin/items/{item_id}/edit", data=typed).get_data(as_text=True)
    assert named(page)  # November named
    action, fields = _confirmation(page)
    seen: dict = {}
    _signed_after_the_read(monkeypatch, item_named, "item_named", o.unit.id, o.admin.id, seen)

    def another_target():
        stored = db.session.get(ResourceItem, item_id)
        directory.update_resource_item(stored, db.session.get(Member, other),
                                       directory.ResourceItemData(
            unit_id=stored.unit_id, community_id=stored.community_id, zone_id=stored.zone_id,
            category_id=stored.category_id, year=stored.year, target=1_100_000,
            target_measure=stored.target_measure, description=stored.description))

    _changed_before_since(monkeypatch, another_target)

    response = client.post(action, data=fields)
    text = _refused_in_its_words(response, STALE_ITEM, "确认保存")
    assert named(text) == [] and 'value="12000"' in text  # the form as typed
    # the other admin's target named beside it, as the service's own refusal does
    stale = text.split('id="stale"', 1)[1].split("</section>", 1)[0]
    assert "11000" in stale
    db.session.expire_all()
    assert seen["signed"] and _budget_item(o).target == 1_100_000  # the other admin's


def test_a_backfill_confirmed_once_another_admin_recorded_it_says_so(
        client, login, october, monkeypatch):
    from tracker.manage import backfill
    from tracker.services.backfill import BackfillData, Participant, record_past_activity

    o = october
    other = _other_admin(o)
    item_id, member_id = o.tasks["环境整治一"].resource_item_id, o.members["刘洋"].id
    login(o.admin)
    _sign_october_only(client, o)
    page = client.post("/manage/backfill",
                       data=_backfill(o, "2022-10-26")).get_data(as_text=True)
    assert named(page)  # October named
    action, fields = _confirmation(page)
    seen: dict = {}
    _signed_after_the_read(monkeypatch, backfill, "work_signed", o.unit.id, o.admin.id, seen)

    def the_same_activity():
        member = db.session.get(Member, member_id)
        record_past_activity(db.session.get(Member, other), db.session.get(ResourceItem, item_id),
                             BackfillData(title="补录整治", place="解放路12号",
                                          starts_local=datetime(YEAR, 10, 26, 9),
                                          ends_local=datetime(YEAR, 10, 26, 11),
                                          participants=[Participant(member)], leader=member,
                                          note="清理楼道杂物。"))

    _changed_before_since(monkeypatch, the_same_activity)

    response = client.post(action, data=fields)
    text = _refused_in_its_words(response, "该活动已记录：“补录整治”", "确认补录")
    assert any("该活动已记录" in said for said in error_texts(text))
    assert 'value="补录整治"' in text  # the form as typed
    db.session.expire_all()
    assert seen["signed"] and _tasks_titled("补录整治") == 1  # the other admin's only


def _finding(o, status: FindingStatus, **values) -> int:
    """A finding of 县商务局's 2022 survey in 解放路社区, found on 5 October."""
    survey = f.task(f.item(o.unit, o.jiefang, SURVEY_CODE, year=YEAR), o.liaison,
                    title="设施摸排",
                    starts_at=local_to_utc(datetime.combine(date(YEAR, 10, 5), time(9))))
    finding = Finding(task_id=survey.id, unit_id=o.unit.id, community_id=o.jiefang.id,
                      found_on=survey.service_date, kind=FindingKind.sewer,
                      place="3号楼下水道", status=status, created_by_id=o.liaison.id,
                      active=True, **values)
    db.session.add(finding)
    db.session.commit()
    return finding.id


def test_a_hand_over_confirmed_once_another_admin_handed_it_over_says_so(
        client, login, october, monkeypatch):
    from tracker import progress
    from tracker.services import findings

    o = october
    other = _other_admin(o)
    finding_id = _finding(o, FindingStatus.found)
    login(o.admin)
    _sign_october_only(client, o)
    page = client.post(f"/progress/findings/{finding_id}/hand-over",
                       data={"handed_to": "县住建局", "handed_over_on": "2022-10-10"}
                       ).get_data(as_text=True)
    assert named(page)  # October named
    action, fields = _confirmation(page)
    seen: dict = {}
    _signed_after_the_read(monkeypatch, progress.routes, "day_signed", o.unit.id, o.admin.id,
                           seen)
    _changed_before_since(monkeypatch, lambda: findings.hand_over(
        db.session.get(Finding, finding_id), db.session.get(Member, other), "县城管局",
        date(YEAR, 10, 12)))

    _refused_in_its_words(client.post(action, data=fields), "只有“已发现”的问题可以移交。",
                          "确认登记移交")
    db.session.expire_all()
    state = db.session.get(Finding, finding_id)
    assert seen["signed"] and state.status == FindingStatus.handed_over
    assert (state.handed_to, state.handed_over_on) == ("县城管局", date(YEAR, 10, 12))


def test_a_fix_confirmed_once_another_admin_fixed_it_says_so(
        client, login, october, monkeypatch):
    from tracker import progress
    from tracker.services import findings

    o = october
    other = _other_admin(o)
    finding_id = _finding(o, FindingStatus.handed_over, handed_to="县住建局",
                          handed_over_on=date(YEAR, 10, 8))
    login(o.admin)
    _sign_october_only(client, o)
    page = client.post(f"/progress/findings/{finding_id}/fix",
                       data={"fixed_on": "2022-10-15"}).get_data(as_text=True)
    assert named(page)  # October named
    action, fields = _confirmation(page)
    seen: dict = {}
    _signed_after_the_read(monkeypatch, progress.routes, "day_signed", o.unit.id, o.admin.id,
                           seen)
    _changed_before_since(monkeypatch, lambda: findings.mark_fixed(
        db.session.get(Finding, finding_id), db.session.get(Member, other),
        date(YEAR, 10, 20)))

    _refused_in_its_words(client.post(action, data=fields), "只有“已移交”的问题可以登记整改。",
                          "确认登记整改")
    db.session.expire_all()
    state = db.session.get(Finding, finding_id)
    assert seen["signed"] and state.status == FindingStatus.fixed
    assert state.fixed_on == date(YEAR, 10, 20)  # the other admin's


def test_an_item_edit_refused_once_its_item_gained_a_task_says_so_at_once(
        client, login, october, monkeypatch):
    """A checklist item with no task when its edit page was read: 类别 is editable there.
    The admin changes its 类别 and 年度目标, posted straight from the form; the unit's
    2022 年度总结, which prints the item, is signed after the view's read, so the save is
    refused for it. Then another admin records a 补录 on the item: it has a task now, and
    its 类别 is fixed. The form says so at once, in the service's words (since49's
    Open), the form as typed — not the naming page, whose 确认 the save would only
    refuse."""
    from tracker.models import Category
    from tracker.services import item_named
    from tracker.services.backfill import BackfillData, Participant, record_past_activity

    o = october
    other = _other_admin(o)
    item = f.item(o.unit, o.jiefang, "ad_removal", year=YEAR, target=10)
    db.session.commit()
    item_id, item_category, member_id = item.id, item.category_id, o.members["刘洋"].id
    painting = db.session.scalar(db.select(Category).where(Category.code == "stairwell_painting"))
    login(o.admin)
    typed = _edit_fields(client, item_id) | {
        "target": "12", "category_id": f"{painting.id}:{painting.default_measure.value}"}
    seen: dict = {}
    _signed_after_the_read(monkeypatch, item_named, "item_named", o.unit.id, o.admin.id, seen)

    def a_backfill_on_the_item():
        member = db.session.get(Member, member_id)
        record_past_activity(db.session.get(Member, other), db.session.get(ResourceItem, item_id),
                             BackfillData(title="补录清除", place="解放路12号",
                                          starts_local=datetime(YEAR, 10, 26, 9),
                                          ends_local=datetime(YEAR, 10, 26, 11),
                                          participants=[Participant(member)], leader=member,
                                          note="清除小广告。", quantity=3))

    _changed_before_since(monkeypatch, a_backfill_on_the_item)

    response = client.post(f"/admin/items/{item_id}/edit", data=typed)
    text = _refused_in_its_words(response, FIXED_ITEM, "确认保存")
    assert any(FIXED_ITEM in said for said in error_texts(text))
    assert 'value="12"' in text  # the form as typed
    db.session.expire_all()
    stored = db.session.get(ResourceItem, item_id)
    assert seen["signed"] and seen["compared"]
    assert (stored.category_id, stored.target) == (item_category, 10)  # nothing of this post
