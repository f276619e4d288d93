"""An admin's 作废, 撤销审核, 通过, 服务对象 save or change of a resident's kind confirmed
on a page that named no signed document, while another admin signs (定稿) the
activity's month, in separate processes (two gunicorn workers, two connections) on
PostgreSQL. SQLite's writers take turns anyway, so these
run only with TEST_DATABASE_URL.

The rule (docs/design.md, "Refused in a 已定稿 month": every change of what was signed
named first): an admin's change of a signed month is done only on a page that named
it. The page posts back what it named (``ReopenForm.named``, ``VoidForm.named``); the
service compares it with what the change touches now **under its own locks** — the
activity's, then the share locks a liaison's write takes on the month's scope rows
(``summary_notes.final_naming_places(lock=True)``) —, so a 定稿 either committed before
the comparison (the change is refused, 「…有了变化，未作任何更改…」, nothing done, and the
page names it afresh) or waits for the change to commit and signs it. Compared in the
view, before the service's lock, a 定稿 committed in between was not named
(unapprove42 / voidjs42 Open). 通过 compared its page's key (``approve_report``'s
``named``) under the activity's lock only, which no 定稿 waits for: the same gap
(stalekey43 Open, lockall43); so did a 服务对象 save (``set_task_residents``' ``named``),
and an admin's change of a resident's kind carried no key at all (residentkind42 Open):
each now compares under the months' share locks too, the kind change holding the post
straight from the form to naming nothing.

Each order is forced, not hoped for (``tests.races.race_in_order``).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import PG_URL

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__
# the page's own sentence (``Then.more``), naming the button it was asked with (small56)
SINCE = "打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，未作任何更改。请查看上方的说明后再点击“{}”。"
BUTTON = {"_void": "确认作废", "_reopen": "确认撤销审核", "_change_kind": "确认保存"}


def _last_month() -> date:
    from tracker.timeutil import local_today

    return local_today().replace(day=1) - timedelta(days=1)


def _world(url, *, approved: bool = True):
    """An activity of last month's 20th, a member's 2 hours, its report submitted and —
    ``approved`` — approved (counted); the month not signed — what the admin's page
    named: nothing (key ""). Not approved: the report page 通过 is pressed on."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, Role
    from tracker.services.reviews import ReportData, approve_report, submit_report
    from tracker.timeutil import local_to_utc

    last = _last_month()
    with race_world(url) as (app, unit, item, _liaison):
        liaison = f.member(unit, Role.liaison, name="林联络", communities=[item.community])
        admin = f.member(unit, Role.admin, name="管理员甲")
        signer = f.member(unit, Role.admin, name="管理员乙")
        member = f.member(unit, name="张三")
        start = local_to_utc(datetime.combine(date(last.year, last.month, 20), time(9)))
        task = f.task(item, liaison, title="楼道清理", leader=member, starts_at=start)
        db.session.add(Assignment(task_id=task.id, member_id=member.id,
                                  status=AssignmentStatus.done, minutes=120))
        task.taken = 1
        db.session.flush()
        report = submit_report(task, liaison, ReportData(quantity=None, people_served=None,
                                                         note="完成"))
        if approved:
            approve_report(report, liaison)
        db.session.commit()
        return app, dict(task=task.id, admin=admin.id, signer=signer.id, unit=unit.id,
                         named="")


def _approve(ids):
    """管理员甲 presses 通过 on the report's page that named nothing."""
    from tracker.services.reviews import approve_report

    approve_report(_task(ids).report, _admin(ids), named=ids["named"])


def _task(ids):
    from tracker.extensions import db
    from tracker.models import Task

    return db.session.get(Task, ids["task"])


def _admin(ids, who="admin"):
    from tracker.extensions import db
    from tracker.models import Member

    return db.session.get(Member, ids[who])


def _sign(ids):
    """管理员乙 signs last month's 月报 of the unit."""
    from tracker.models import SummaryScope
    from tracker.reports import final

    last = _last_month()
    final.finalize(_admin(ids, "signer"), SummaryScope(ids["unit"]), last.year, last.month)


def _void(ids):
    """管理员甲 confirms 作废 on the page that named nothing."""
    from tracker.services.voiding import void_activity

    void_activity(_task(ids), _admin(ids), "重复录入", promised=ids["named"])


def _reopen(ids):
    """管理员甲 confirms 撤销审核 on the page that named nothing (the view's comparison,
    as ``task_page.reopen`` hands it to the service)."""
    from tracker.services.reviews import reopen_report
    from tracker.services.roll import keep_named
    from tracker.services.then_pages import THEN_REOPEN
    from tracker.services.voiding import uncount_signed

    task, admin = _task(ids), _admin(ids)
    reopen_report(task.report, admin, "人数有误", named=lambda: keep_named(
        ids["named"], lambda: uncount_signed(admin, task, lock=True)[1], actor=admin,
        then=THEN_REOPEN))


def _state(app, ids) -> tuple:
    """(the report's status, whether last month's 月报 is signed)."""
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import SummaryNote

    last = _last_month()
    with app.app_context():
        signed = db.session.scalar(select(SummaryNote.finalized_at).where(
            SummaryNote.unit_id == ids["unit"], SummaryNote.year == last.year,
            SummaryNote.month == last.month)) is not None
        state = (_task(ids).report.status.name, signed)
        db.session.remove()
        db.engine.dispose()
        return state


@pytest.mark.parametrize("change", ["_void", "_reopen"])
def test_a_month_signed_just_before_the_confirmed_change_is_named_not_changed(
        tmp_path, change):
    """定稿 first, held open: the change waits for it, then reads the month signed, which
    its page did not name — refused, nothing done."""
    with race_database("postgresql", tmp_path, "namedsince" + change) as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_sign", change)
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_sign"]["ok"] is True and got[change]["waited"] is True
        assert got[change]["refused"] == SINCE.format(BUTTON[change])
        assert _state(app, ids) == ("approved", True)


@pytest.mark.parametrize("change, done", [("_void", "voided"), ("_reopen", "returned")])
def test_a_month_signed_just_after_the_change_signs_it(tmp_path, change, done):
    """The change first, held open: 定稿 waits for it, then signs the month as the change
    left it — what the page named (nothing signed) was true when it was done."""
    with race_database("postgresql", tmp_path, "namedbefore" + change) as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, change, "_sign")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got[change]["ok"] is True and got["_sign"]["waited"] is True
        assert got["_sign"]["ok"] is True
        assert _state(app, ids) == (done, True)


APPROVAL_SINCE = "打开页面之后，通过会改变的已定稿月报或年度总结有了变化，未作任何更改。请查看现在的说明后再审核。"


def test_a_month_signed_just_before_approval_is_named_not_changed(tmp_path):
    """定稿 first, held open: 通过 waits for it, then reads the month signed, which its
    page did not name — refused, the report still 待审核."""
    with race_database("postgresql", tmp_path, "namedsince_approve") as url:
        app, ids = _world(url, approved=False)
        got = race_in_order(MODULE, url, ids, "_sign", "_approve")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_sign"]["ok"] is True and got["_approve"]["waited"] is True
        assert got["_approve"]["refused"] == APPROVAL_SINCE
        assert _state(app, ids) == ("submitted", True)


def test_a_month_signed_just_after_approval_signs_it(tmp_path):
    """通过 first, held open: 定稿 waits for it, then signs the month with the activity
    counted — what the page named (nothing signed) was true when it was done."""
    with race_database("postgresql", tmp_path, "namedbefore_approve") as url:
        app, ids = _world(url, approved=False)
        got = race_in_order(MODULE, url, ids, "_approve", "_sign")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_approve"]["ok"] is True and got["_sign"]["waited"] is True
        assert got["_sign"]["ok"] is True
        assert _state(app, ids) == ("approved", True)


def _visit_world(url):
    """An approved 慰问“空巢”老人 visit of last month's 20th naming 赵奶奶 (空巢老人), the
    month not signed — what the admin's register form named before a change of her
    kind: nothing (key "")."""
    from tests import factories as f
    from tests.residents.support import resident
    from tracker.extensions import db
    from tracker.models import Role
    from tracker.services.residents import set_task_residents
    from tracker.services.reviews import ReportData, approve_report, submit_report
    from tracker.timeutil import local_to_utc

    last = _last_month()
    with race_world(url) as (app, unit, item, _liaison):
        community = item.community
        liaison = f.member(unit, Role.liaison, name="林联络", communities=[community])
        admin = f.member(unit, Role.admin, name="管理员甲")
        signer = f.member(unit, Role.admin, name="管理员乙")
        elder = resident(community, liaison)
        visit = f.item(unit, community, "elderly_visit", year=last.year)
        start = local_to_utc(datetime.combine(date(last.year, last.month, 20), time(9)))
        task = f.task(visit, liaison, title="慰问空巢老人", leader=liaison, starts_at=start)
        db.session.commit()
        set_task_residents(task, liaison, {elder.id})
        report = submit_report(task, liaison, ReportData(quantity=None, people_served=1,
                                                         note="完成"))
        approve_report(report, liaison)
        db.session.commit()
        return app, dict(task=task.id, admin=admin.id, signer=signer.id, unit=unit.id,
                         resident=elder.id, named="")


def _change_kind(ids):
    """管理员甲 saves the register form changing 赵奶奶 to 困难群众, the form having named
    nothing (the view's post straight from the form: key "")."""
    from tracker.extensions import db
    from tracker.models import Resident, ResidentCategory
    from tracker.services.residents import ResidentData, update_resident

    elder = db.session.get(Resident, ids["resident"])
    update_resident(elder, _admin(ids), ResidentData(
        community_id=elder.community_id, name=elder.name, category=ResidentCategory.needy,
        address=elder.address, phone=elder.phone, notes=elder.notes,
        consent_date=elder.consent_date, consent_method=elder.consent_method,
        paired_ids=set()), named=ids["named"])


def _kind_state(app, ids) -> tuple:
    """(赵奶奶's kind, whether last month's 月报 is signed)."""
    from tracker.extensions import db
    from tracker.models import Resident

    with app.app_context():
        kind = db.session.get(Resident, ids["resident"]).category.name
        db.session.remove()
        db.engine.dispose()
    return kind, _state(app, ids)[1]


def test_a_month_signed_just_before_a_kind_change_is_named_not_changed(tmp_path):
    """定稿 first, held open: the admin's change of her kind waits for it, then reads the
    month signed, which the form did not name — refused, her kind as it was."""
    with race_database("postgresql", tmp_path, "namedsince_kind") as url:
        app, ids = _visit_world(url)
        got = race_in_order(MODULE, url, ids, "_sign", "_change_kind")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_sign"]["ok"] is True and got["_change_kind"]["waited"] is True
        assert got["_change_kind"]["refused"] == SINCE.format(BUTTON["_change_kind"])
        assert _kind_state(app, ids) == ("elderly", True)


def _change_kind_from_the_form(ids):
    """管理员甲 posts the register form straight (no naming page shown: nothing was
    signed when she read it), 赵奶奶 changed to 困难群众, through the edit view."""
    from tests.services.refusal_gone_support import post
    from tracker.extensions import db
    from tracker.models import Resident
    from tracker.services.residents import resident_shown_key

    elder = db.session.get(Resident, ids["resident"])
    post(ids, "residents.edit", {
        "name": elder.name, "category": "needy", "address": elder.address or "",
        "phone": elder.phone or "", "notes": "改为困难群众",
        "consent_date": elder.consent_date.isoformat(),
        "consent_method": elder.consent_method, "shown": resident_shown_key(elder)},
        resident_id=elder.id)


def test_a_month_signed_just_before_a_kind_change_from_the_form_is_asked_plainly(tmp_path):
    """定稿 first, held open: the register form's post waits for it, then reads the month
    signed. The form named nothing because nothing was signed when it was read — no
    naming page was shown — so the answer is the form naming the month as the first
    time, the plain question (docs/design.md's ask-first rule, residentkind46): no
    「…有了变化…」, what was typed kept, her kind as it was."""
    from tests.reports.test_signed_named import named
    from tests.services.refusal_gone_support import ASKED_PLAINLY, answered, forced

    with race_database("postgresql", tmp_path, "namedplain_kind") as url:
        app, ids = _visit_world(url)
        got = forced(MODULE, url, ids, "_sign", "_change_kind_from_the_form", tmp_path)
        assert got["refused"] == ASKED_PLAINLY
        page = answered(ids)
        assert "有了变化" not in page
        (words,) = named(page)
        assert "更改类别会改变以下已定稿月报的当前数据" in words
        assert "改为困难群众" in page and "确认保存" in page
        assert _kind_state(app, ids) == ("elderly", True)


def test_a_month_signed_just_after_a_kind_change_signs_it(tmp_path):
    """The kind change first, held open: 定稿 waits for it, then signs the month with
    her new kind counted."""
    with race_database("postgresql", tmp_path, "namedbefore_kind") as url:
        app, ids = _visit_world(url)
        got = race_in_order(MODULE, url, ids, "_change_kind", "_sign")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_change_kind"]["ok"] is True and got["_sign"]["waited"] is True
        assert got["_sign"]["ok"] is True
        assert _kind_state(app, ids) == ("needy", True)


def _untick(ids):
    """管理员甲 saves the visit's 服务对象 page, which named nothing, with 赵奶奶 unticked."""
    from tracker.services.residents import set_task_residents

    set_task_residents(_task(ids), _admin(ids), set(), named=ids["named"])


def _served_state(app, ids) -> tuple:
    """(the visit's 服务对象 ids, whether last month's 月报 is signed)."""
    from tracker.extensions import db
    from tracker.services.residents import task_residents

    with app.app_context():
        served = [r.id for r in task_residents(_task(ids))]
        db.session.remove()
        db.engine.dispose()
    return served, _state(app, ids)[1]


RESIDENTS_SINCE = ("打开页面之后，保存服务对象会改变的已定稿月报或年度总结有了变化，未作任何更改。"
                   "请查看上方的说明后再保存。")


def test_a_month_signed_just_before_a_residents_save_is_named_not_changed(tmp_path):
    """定稿 first, held open: the 服务对象 save waits for it, then reads the month
    signed, which its page did not name — refused, 赵奶奶 still named."""
    with race_database("postgresql", tmp_path, "namedsince_served") as url:
        app, ids = _visit_world(url)
        got = race_in_order(MODULE, url, ids, "_sign", "_untick")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_sign"]["ok"] is True and got["_untick"]["waited"] is True
        assert got["_untick"]["refused"] == RESIDENTS_SINCE
        assert _served_state(app, ids) == ([ids["resident"]], True)


def test_a_month_signed_just_after_a_residents_save_signs_it(tmp_path):
    """The 服务对象 save first, held open: 定稿 waits for it, then signs the month
    without her."""
    with race_database("postgresql", tmp_path, "namedbefore_served") as url:
        app, ids = _visit_world(url)
        got = race_in_order(MODULE, url, ids, "_untick", "_sign")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_untick"]["ok"] is True and got["_sign"]["waited"] is True
        assert got["_sign"]["ok"] is True
        assert _served_state(app, ids) == ([], True)
