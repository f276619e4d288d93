"""确认导入 refused for the signed documents its preview named (``SignedChangedSincePreview``,
a ``roll.NamedSince``), when one changed again after the import's rollback (stale52, after
since50/since51's ``NamedFirst.since``): the preview read again names what the import
changes **now**, and its words are of that read — not of what the import found under its
locks, rolled back with it (docs/design.md, "The words said first answer what the user
was shown"). Naming nothing now, it says its ``Then.none`` (the import an ordinary
one, to be confirmed again knowingly), never 「…请查看预览中重新列出的月报和年度总结…」 over
no list. Nothing is imported by the refused post; 确认导入 of the page read again imports.

The order is forced in one process: a month is signed and committed in the import's own
unit of work just before its locked read of what it changes (what that read finds when
another admin's 定稿 commits in between), and another admin's 重新打开 commits after the
rollback, before the view answers (``_decided_after_the_rollback``). The member import
and the ledger import (补录 from the 台账, ``named_first.import_places_signed``) alike."""
from __future__ import annotations

from tests.imports.test_ledger_import_service import counts, row, sheet
from tests.imports.test_ledger_import_web import upload
from tests.imports.test_member_import_changed_since_preview import confirm_form
from tests.imports.test_member_import_signed_preview import (
    ASKED_AGAIN,
    MONTHS,
    NOW_PLAIN,
    PHONE,
    REOPENED_PLAIN,
    _added,
    _named,
    _sign,
    _upload,
)
from tests.web.roll_support import page_of
from tests.web.test_named_since_refused_decisions import _decided_after_the_rollback
from tracker.extensions import db
from tracker.models import SummaryScope
from tracker.services import ledger_import
from tracker.services import member_import as mi
from tracker.services.summary_notes import reopen


def _written() -> dict:
    """What an import writes, but the audit rows (the 定稿 and 重新打开 write theirs)."""
    return {table: n for table, n in counts().items() if table != "AuditEvent"}


def _signed_under_the_lock(monkeypatch, world, month: int) -> None:
    """The import's locked read of what it may change (``check_rows(lock=True)``) finds
    the unit's ``month`` of 2022 signed: finalized and committed just before it."""
    real = mi.check_rows

    def signed_meanwhile(*args, lock=False, **kwargs):
        if lock:
            monkeypatch.setattr(mi, "check_rows", real)
            _sign(world, (2022, month))
        return real(*args, lock=lock, **kwargs)

    monkeypatch.setattr(mi, "check_rows", signed_meanwhile)


def _reopened_after_the_rollback(monkeypatch, admin, unit, *months) -> dict:
    from tracker.imports import routes

    def reopened():
        for month in months:
            reopen(admin, SummaryScope(unit_id=unit.id), 2022, month)

    return _decided_after_the_rollback(monkeypatch, routes, reopened)


def test_a_preview_naming_nothing_now_says_so(client, login, world, monkeypatch):
    """The preview named nothing; November signed under the import's locks and re-opened
    after its rollback: the preview names nothing and says its Then.none — before
    stale52, 「…请查看预览中重新列出的月报和年度总结…」 over no list."""
    login(world.admin)
    url = _upload(client, [("安新人", PHONE, world.unit.name, "", "", "", "", "2022-11-15")])
    page = page_of(client.get(url))
    assert _named(page) == ""
    _signed_under_the_lock(monkeypatch, world, 11)
    seen = _reopened_after_the_rollback(monkeypatch, world.admin, world.unit, 11)
    again = page_of(client.post(url, data=confirm_form(page, url), follow_redirects=True))
    assert seen["decided"] and _added() is None
    assert NOW_PLAIN in again and ASKED_AGAIN not in again and _named(again) == ""
    assert NOW_PLAIN not in page_of(client.get(url))  # said once, of that read
    done = page_of(client.post(url, data=confirm_form(again, url), follow_redirects=True))
    assert "导入完成：新增1人" in done and _added() is not None


def test_a_preview_whose_month_was_reopened_naming_nothing_now_says_so(
        client, login, world, monkeypatch):
    """The preview named November; it is re-opened before 确认导入, December signed under
    the import's locks and re-opened after its rollback: the preview names nothing and
    says November re-opened and that the import is an ordinary one now (``THEN_IMPORT``,
    its list posted beside its digest: stale53) — before stale52, the import's locked
    read (December) chose 「…请查看预览中重新列出的…」 over no list."""
    from tracker.services import unit_of_work

    _sign(world, (2022, 11))
    login(world.admin)
    url = _upload(client, [("安新人", PHONE, world.unit.name, "", "", "", "", "2022-11-15")])
    page = page_of(client.get(url))
    assert f"{MONTHS}{world.unit.name}2022年11月。" in _named(page)
    with unit_of_work():  # another admin's 撤销定稿, after the preview
        reopen(world.admin, SummaryScope(unit_id=world.unit.id), 2022, 11)
    _signed_under_the_lock(monkeypatch, world, 12)
    seen = _reopened_after_the_rollback(monkeypatch, world.admin, world.unit, 12)
    again = page_of(client.post(url, data=confirm_form(page, url), follow_redirects=True))
    assert seen["decided"] and _added() is None
    # the preview's list posted beside its digest (stale53): November is said re-opened
    assert f"预览之后，{world.unit.name}2022年11月{REOPENED_PLAIN}" in again, again
    assert ASKED_AGAIN not in again and _named(again) == ""
    done = page_of(client.post(url, data=confirm_form(again, url), follow_redirects=True))
    assert "导入完成：新增1人" in done and _added() is not None


def test_a_ledger_preview_naming_nothing_now_says_so(client, login, october, monkeypatch):
    """The 台账 preview (an admin's) named nothing; October signed under the import's
    locks (as the import begins, read by ``import_places_signed(lock=True)``) and re-opened after its rollback: the
    preview names nothing and says its Then.none, and its 确认导入 imports."""
    from tracker.reports import final

    admin = october.admin
    login(admin)
    category = october.tasks["环境整治一"].category.name
    response = upload(client, sheet([row(october, october.members["郑某某"], leader="是",
                                         category=category)]))
    url = response.headers["Location"]
    page = page_of(client.get(url))
    assert "检查通过" in page and "已定稿" not in page
    # signed and committed as the import begins (before it records anything: a commit
    # after would commit its rows), so its locked read names it
    real = ledger_import._apply

    def signed_meanwhile(*args, **kwargs):
        monkeypatch.setattr(ledger_import, "_apply", real)
        final.finalize(admin, SummaryScope(unit_id=october.unit.id), 2022, 10)
        db.session.commit()
        return real(*args, **kwargs)

    monkeypatch.setattr(ledger_import, "_apply", signed_meanwhile)
    seen = _reopened_after_the_rollback(monkeypatch, admin, october.unit, 10)
    before = _written()
    again = page_of(client.post(url, data=confirm_form(page, url), follow_redirects=True))
    assert seen["decided"] and _written() == before
    assert NOW_PLAIN in again and ASKED_AGAIN not in again
    done = page_of(client.post(url, data=confirm_form(again, url), follow_redirects=True))
    assert "导入完成：补录活动1次" in done
