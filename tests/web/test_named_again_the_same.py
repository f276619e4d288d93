"""A change refused for what its page named, whose page read again names exactly what it
named (stale53, after stale52's Open): the page named X; Y was signed under the
service's locks (so the change was refused, nothing done) and re-opened after its
rollback, before the page was read again. The list shown again is the list shown
before. The words said first say so — the documents changed meanwhile, are the ones
listed again, nothing was done, confirm again in the page's own verb
(``reopened.Then.same``) — never 「…有了变化…请查看上方的说明…」 over an identical list, which
tells the user to look for a change there is not (docs/design.md, "The words said first
answer what the user was shown").

One page of each family that says these words (``roll.said_since``): a
``named_page.NamedFirst`` change (登记支出), the report's 通过, 合并账号, and the member
import's and the 台账 import's previews (``member_import.said_afresh``). The order is
forced in one process, as ``tests/web/test_named_since_refused_decisions.py`` does: Y is
committed just before the service's locked read, and another admin's 重新打开 is
committed after the rollback, before the view answers (``_decided_after_the_rollback``)."""
from __future__ import annotations

import re

from tests.imports.test_import_named_afresh import _written
from tests.imports.test_ledger_import_signed_named import _clean_up
from tests.imports.test_ledger_import_signed_named import _upload as _ledger_upload
from tests.imports.test_member_import_changed_since_preview import confirm_form
from tests.imports.test_member_import_signed_preview import (
    MONTHS,
    PHONE,
    _added,
    _named,
    _sign,
    _upload,
)
from tests.reports.test_signed_named import named
from tests.web.roll_support import page_of
from tests.web.stale_support import form_on, text
from tests.web.test_merge_named_afresh import (
    _b_worked,
    _confirm,
    _is_merged,
    _months_ago,
    _notice,
    _scope,
)
from tests.web.test_merge_named_afresh import _named as _merge_named
from tests.web.test_named_first import MONTH, _confirmation, _entries, _sign_october_only
from tests.web.test_named_reopened_since import buttons
from tests.web.test_named_since_refused_decisions import _decided_after_the_rollback
from tracker.extensions import db
from tracker.models import ReportStatus, SummaryScope, TaskReport, YearNote
from tracker.reports import final
from tracker.services import funds, ledger_import, merge
from tracker.services import member_import as mi
from tracker.services.summary_notes import reopen
from tracker.services.year_notes import reopen_year
from tracker.timeutil import utcnow

YEARS = "年度总结的当前数据"  # a year named
# what the old words said over the identical list: a change to look for that is not there
CHANGED = "有了变化"
# the list again on a 「确认…」 page, sending the user to that button (then53; before:
# 「…请再次确认。」, a verb, above 确认登记 or 确认合并)
THEN_SAME = ("打开页面之后，这次操作涉及的已定稿月报或年度总结曾有变化，现在仍是本页说明所列的这些。"
             "未作任何更改；如仍要{verb}，请再次点击“{button}”。")
# the preview's list again, sending the user to its 确认导入 (then54; before: 「…请再次确认
# 导入。」, a verb)
IMPORT_SAME = ("预览之后，这次导入涉及的已定稿月报或年度总结曾有变化，现在仍是预览中所列的这些。"
               "未导入任何数据；如仍要导入，请再次点击“确认导入”。")


def _year_signed(o) -> None:
    """县商务局's 年度总结 of 2022 signed, committed as another admin's 定稿 would be."""
    db.session.add(YearNote(scope_key=f"unit:{o.unit.id}", unit_id=o.unit.id, year=2022,
                            finalized_at=utcnow(), finalized_by_id=o.admin.id))
    db.session.commit()


def _year_reopened_after_the_rollback(monkeypatch, module, o) -> dict:
    return _decided_after_the_rollback(monkeypatch, module, lambda: reopen_year(
        o.admin, SummaryScope(unit_id=o.unit.id), 2022))


def test_a_naming_page_read_again_naming_the_same_says_nothing_on_it_changed(
        client, login, october, monkeypatch):
    """登记支出 (a ``NamedFirst`` page): the page named October; the year signed under
    the entry's share locks, re-opened after its rollback: the page names October alone
    again, and says the list is the one it showed, to confirm again."""
    from tracker.funds import routes

    o = october
    login(o.admin)
    _sign_october_only(client, o)
    before = _entries()
    typed = {"entry_date": "2022-10-25", "amount": "300", "purpose": "补登购买垃圾桶",
             "task_id": ""}
    url = f"/funds/{o.unit.id}/{o.jiefang.id}/2022/entries"
    page = client.post(url, data=typed).get_data(as_text=True)
    (words,) = named(page)
    assert MONTH in words and "年度总结" not in words
    action, fields = _confirmation(page)
    real = funds.entry_signed

    def signed_meanwhile(*args, lock=False, **kwargs):
        if lock:
            monkeypatch.setattr(funds, "entry_signed", real)
            _year_signed(o)
        return real(*args, lock=lock, **kwargs)

    monkeypatch.setattr(funds, "entry_signed", signed_meanwhile)
    seen = _year_reopened_after_the_rollback(monkeypatch, routes, o)
    response = client.post(action, data={**typed, **fields})
    assert response.status_code == 200
    again = response.get_data(as_text=True)
    db.session.expire_all()
    assert seen["decided"] and _entries() == before  # nothing written
    (words,) = named(again)
    assert MONTH in words and "年度总结" not in words  # the same list
    assert THEN_SAME.format(verb="登记", button="确认登记") in again, again
    assert CHANGED not in again and "确认登记" in buttons(again)
    _action, fields = _confirmation(again)
    assert {k: fields.get(k) for k in typed} == typed  # every typed field carried


def test_an_approval_read_again_naming_the_same_says_so_in_its_verb(
        client, login, october, monkeypatch):
    """通过: the report's page named October; the year signed before 通过 (its service's
    locked read names it) and re-opened after its rollback: the page names October
    again, said to be the same, sending the reviewer to the 通过 refused — the button
    that names (退回 changes nothing signed) — by its name (then54; before: 「…请再次审核。」,
    a verb above two buttons)."""
    from tracker import manage

    o = october
    login(o.admin)
    _sign_october_only(client, o)
    report = o.tasks["待审核整治"].report
    approve = f"/manage/reports/{report.id}/approve"
    page = text(client.get(f"/manage/reports/{report.id}"))
    assert MONTH in " ".join(named(page)) and YEARS not in " ".join(named(page))
    _year_signed(o)
    seen = _year_reopened_after_the_rollback(monkeypatch, manage.reviews, o)
    again = text(client.post(approve, data=form_on(page, approve), follow_redirects=True))
    db.session.expire_all()
    assert seen["decided"]
    assert db.session.get(TaskReport, report.id).status == ReportStatus.submitted
    assert MONTH in " ".join(named(again)) and YEARS not in " ".join(named(again))
    assert THEN_SAME.format(verb="通过", button="通过") in again, again
    assert CHANGED not in again and "通过" in buttons(again)


def test_a_merge_read_again_naming_the_same_says_so(client, world, admin, monkeypatch):
    """合并账号: the page named the first month; the second signed under the merge's
    locks, re-opened after its rollback: the page names the first alone again, said to
    be the same; 确认合并 then merges."""
    from tracker.admin import routes

    first, second = _months_ago(3), _months_ago(2)
    _b_worked(world, first, second)
    final.finalize(world.admin, _scope(world), first.year, first.month)
    db.session.commit()
    page = text(client.get(f"/admin/members/{world.other_member.id}/merge"
                           f"?keep={world.member.id}"))
    notice = _notice(page)
    assert _merge_named(world, first) in notice
    real = merge.preview

    def signed_meanwhile(*args, **kwargs):
        monkeypatch.setattr(merge, "preview", real)
        final.finalize(world.admin, _scope(world), second.year, second.month)
        db.session.commit()
        return real(*args, **kwargs)

    monkeypatch.setattr(merge, "preview", signed_meanwhile)
    seen = _decided_after_the_rollback(monkeypatch, routes, lambda: reopen(
        world.admin, _scope(world), second.year, second.month))
    again = text(_confirm(client, world, page))
    assert seen["decided"] and not _is_merged(world)
    assert _notice(again) == notice  # the same list
    assert re.findall(r"打开(?:确认)?页面之后[^<]*", again) == [
        THEN_SAME.format(verb="合并", button="确认合并")]
    assert "确认合并" in buttons(again)
    assert _confirm(client, world, again).status_code == 302 and _is_merged(world)


def _member_import_refused_over_the_same(client, login, world, monkeypatch, post):
    """The member import's preview named November; December signed under the import's
    locks, re-opened after its rollback: the preview read again, ``post`` of its form."""
    _sign(world, (2022, 11))
    login(world.admin)
    url = _upload(client, [("安新人", PHONE, world.unit.name, "", "", "", "", "2022-11-15")])
    page = page_of(client.get(url))
    listed = _named(page)
    assert f"{MONTHS}{world.unit.name}2022年11月。" in listed
    real = mi.check_rows

    def signed_meanwhile(*args, lock=False, **kwargs):
        if lock:
            monkeypatch.setattr(mi, "check_rows", real)
            _sign(world, (2022, 12))
        return real(*args, lock=lock, **kwargs)

    monkeypatch.setattr(mi, "check_rows", signed_meanwhile)
    from tracker.imports import routes

    seen = _decided_after_the_rollback(monkeypatch, routes, lambda: reopen(
        world.admin, SummaryScope(unit_id=world.unit.id), 2022, 12))
    again = page_of(client.post(url, data=post(confirm_form(page, url)),
                                follow_redirects=True))
    assert seen["decided"] and _added() is None  # nothing imported
    assert _named(again) == listed  # the same list
    return url, again


def test_a_member_import_read_again_naming_the_same_says_so(
        client, login, world, monkeypatch):
    url, again = _member_import_refused_over_the_same(client, login, world, monkeypatch,
                                                      lambda form: form)
    assert IMPORT_SAME in again and CHANGED not in again, again
    assert "确认导入" in buttons(again)
    done = page_of(client.post(url, data=confirm_form(again, url), follow_redirects=True))
    assert "导入完成：新增1人" in done and _added() is not None


def test_a_member_import_posting_its_digest_alone_says_so_too(
        client, login, world, monkeypatch):
    """A post of the digest alone (no list beside it: a page read before the list was
    posted) is told the same, its digest being that of the list read again."""
    _, again = _member_import_refused_over_the_same(
        client, login, world, monkeypatch,
        lambda form: {k: v for k, v in form.items() if k != "listed"})
    assert IMPORT_SAME in again and CHANGED not in again, again
    assert "确认导入" in buttons(again)


def test_a_ledger_import_read_again_naming_the_same_says_so(
        client, login, october, monkeypatch):
    """The 台账 preview named October; the year signed as the import begins (its locked
    read names it) and re-opened after its rollback: the preview names October alone
    again, said to be the same; its 确认导入 then imports."""
    from tracker.imports import routes

    o = october
    login(o.admin)
    _sign_october_only(client, o)
    url = _ledger_upload(client, [_clean_up(o, o.members["郑某某"])])
    page = page_of(client.get(url))
    (words,) = named(page)
    assert MONTH in words and YEARS not in words
    real = ledger_import._apply

    def signed_meanwhile(*args, **kwargs):
        monkeypatch.setattr(ledger_import, "_apply", real)
        _year_signed(o)
        return real(*args, **kwargs)

    monkeypatch.setattr(ledger_import, "_apply", signed_meanwhile)
    seen = _year_reopened_after_the_rollback(monkeypatch, routes, o)
    before = _written()
    again = page_of(client.post(url, data=confirm_form(page, url), follow_redirects=True))
    assert seen["decided"] and _written() == before
    (words,) = named(again)
    assert MONTH in words and YEARS not in words  # the same list
    assert IMPORT_SAME in again and CHANGED not in again, again
    assert "确认导入" in buttons(again)
    done = page_of(client.post(url, data=confirm_form(again, url), follow_redirects=True))
    assert "导入完成：补录活动1次" in done


def test_a_visits_residents_read_again_naming_the_same_send_to_its_save(
        client, login, world, monkeypatch):
    """服务对象 (a visit's page, its naming above its one 保存): the page named the month;
    the year signed before the save's locks (its locked read names it) and re-opened
    after its rollback: the page names the month alone again, said to be the same, and
    sends the user to 保存 by its name (then54; before: 「…请再次保存。」, a verb)."""
    from tests.residents.test_named_afresh_after_rollback import (
        _named_ids,
        _signed_under_the_lock,
        _year_note,
    )
    from tests.residents.test_resident_kind_signed import _two_visits
    from tests.web.test_named_since_page import _residents_form
    from tracker.residents import routes

    elder, first = _two_visits(world)
    day = first.service_date
    month = f"{world.unit.name}{day.year}年{day.month}月"
    login(world.admin)
    url = f"/residents/task/{first.id}"
    page = text(client.get(url))
    (words,) = named(page)
    assert month in words and YEARS not in words
    _signed_under_the_lock(monkeypatch, "task_residents_signed", _year_note(world, day))
    seen = _decided_after_the_rollback(monkeypatch, routes, lambda: reopen_year(
        world.admin, SummaryScope(unit_id=world.unit.id), day.year))
    unticked = {k: v for k, v in _residents_form(page).items() if k != "residents"}
    response = client.post(url, data=unticked)
    assert response.status_code == 200
    again = text(response)
    assert seen["decided"] and _named_ids(first.id) == [elder.id]  # nothing saved
    (words,) = named(again)
    assert month in words and YEARS not in words  # the same list
    assert THEN_SAME.format(verb="保存", button="保存") in again, again
    assert CHANGED not in again and "保存" in buttons(again)
    assert "residents" not in _residents_form(again)  # the untick kept
