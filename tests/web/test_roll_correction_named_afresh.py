"""更正日期 refused for what its page named (``roll.NamedSince``): the member page shown
again names what the correction changes **now**, and its words say what changed from
what the page named, read afresh after the service's rollback — not what the service
found under its lock (since51, after since50's ``NamedFirst.since``; docs/design.md, "The
words said first answer what the user was shown").

- the page named nothing, a month signed before the service's lock and re-opened after
  its rollback: nothing is named and its ``Then.none`` says why the plain 更正 is
  asked again — never 「…请查看下方的说明后再确认更正。」 over no 说明;
- the page named nothing, a month signed before the service's lock (and signed still):
  the month named as the first time, no 「…有了变化…」 — the admin was shown no naming;
- the page named 县商务局's October, 县财政局's October signed before the service's lock
  and 县商务局's re-opened after its rollback: 县财政局's alone named, 县商务局's said to be
  re-opened.

Nothing is written by the refused post. The order is forced in one process: the 定稿 is
committed in the correction's own unit of work right after the member's lock (what its
read finds when another admin's 定稿 commits in between), and the other admin's 重新打开
commits after the rollback, before the view answers (``_decided_after_the_rollback``)."""
from __future__ import annotations

import html
import re

from tests.web.roll_support import correction, page_of, stays
from tests.web.test_admin_roll_correction import moved, shown  # noqa: F401 (a fixture)
from tests.web.test_named_since_refused_decisions import _decided_after_the_rollback
from tracker.extensions import db
from tracker.models import SummaryScope

NOTHING_SIGNED_NOW = ("打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，现在不会改变已定稿的月报"
                      "或年度总结。未作任何更改；如仍要更正，请再次点击“更正日期”。")  # its button
TYPED = {"roll-day": "2022-10-15", "roll-reason": "调动文件日期为10月15日"}


def _signed_under_the_lock(monkeypatch, admin, unit) -> None:
    """Right after the correction's lock of the member, ``unit``'s October 2022 is
    signed and committed, as another admin's 定稿 would be."""
    from tracker.reports import final
    from tracker.services import roll

    real = roll.lock_member

    def lock_then_signed(*args, **kwargs):
        monkeypatch.setattr(roll, "lock_member", real)
        real(*args, **kwargs)
        final.finalize(admin, SummaryScope(unit_id=unit.id), 2022, 10)
        db.session.commit()

    monkeypatch.setattr(roll, "lock_member", lock_then_signed)


def _reopened_after_the_rollback(monkeypatch, admin, unit) -> dict:
    from tracker.admin import routes
    from tracker.services.summary_notes import reopen

    return _decided_after_the_rollback(monkeypatch, routes, lambda: reopen(
        admin, SummaryScope(unit_id=unit.id), 2022, 10))


def _corrections() -> list:
    """The corrections audited (none: nothing written by the refused post)."""
    from sqlalchemy import select

    from tracker.models import AuditEvent
    return db.session.scalars(select(AuditEvent.id).where(
        AuditEvent.action == "correct_roll_date")).all()


def _said(page: str) -> list[str]:
    return re.findall(r"打开页面之后[^<]*", page)


def test_a_correction_naming_nothing_now_says_so(client, login, world, moved,  # noqa: F811
                                                 monkeypatch):
    zhang, _new = moved
    login(world.admin)
    url = f"/admin/members/{zhang.id}/roll-date"
    typed = {**TYPED, **shown(client, zhang.id)}
    before = stays(zhang.id)
    _signed_under_the_lock(monkeypatch, world.admin, world.unit)
    seen = _reopened_after_the_rollback(monkeypatch, world.admin, world.unit)

    page = page_of(client.post(url, data=typed))
    section = correction(page)
    assert seen["decided"] and _said(page) == [NOTHING_SIGNED_NOW]
    assert "更正可能改变" not in section and "确认更正" not in section  # the plain 更正
    assert 'value="2022-10-15"' in section and "调动文件日期为10月15日" in section
    assert stays(zhang.id) == before and not _corrections()


def test_a_correction_from_the_form_signed_meanwhile_is_asked_as_the_first_time(
        client, login, world, moved, monkeypatch):  # noqa: F811
    zhang, _new = moved
    login(world.admin)
    url = f"/admin/members/{zhang.id}/roll-date"
    typed = {**TYPED, **shown(client, zhang.id)}
    before = stays(zhang.id)
    _signed_under_the_lock(monkeypatch, world.admin, world.unit)

    page = page_of(client.post(url, data=typed))
    section = correction(page)
    assert "有了变化" not in page and _said(page) == []
    assert "更正可能改变以下已定稿月报的当前数据：县商务局2022年10月。" in section
    assert "确认更正" in section and stays(zhang.id) == before


def test_a_correction_confirmed_once_its_month_was_reopened_names_the_other(
        client, login, world, moved, monkeypatch):  # noqa: F811
    from tracker.reports import final

    zhang, new = moved
    final.finalize(world.admin, SummaryScope(unit_id=world.unit.id), 2022, 10)
    db.session.commit()
    login(world.admin)
    url = f"/admin/members/{zhang.id}/roll-date"
    typed = {**TYPED, **shown(client, zhang.id)}
    section = correction(page_of(client.post(url, data=typed)))
    assert "更正可能改变以下已定稿月报的当前数据：县商务局2022年10月。" in section
    promised = html.unescape(
        re.search(r'name="roll-promised"[^>]*value="([^"]+)"', section).group(1))
    before = stays(zhang.id)
    _signed_under_the_lock(monkeypatch, world.admin, new)
    seen = _reopened_after_the_rollback(monkeypatch, world.admin, world.unit)

    page = page_of(client.post(url, data={**typed, "roll-promised": promised}))
    section = correction(page)
    assert seen["decided"] and _said(page) == [
        "打开页面之后，县商务局2022年10月已撤销定稿，未作任何更改。这次操作现在涉及的已定稿月报或"
        "年度总结见本页的说明，请查看后再点击“确认更正”。"]
    assert "更正可能改变以下已定稿月报的当前数据：县财政局2022年10月。" in section
    assert "确认更正" in section
    assert stays(zhang.id) == before and not _corrections()
