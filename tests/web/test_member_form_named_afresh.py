"""The member form's roll change asked first (``directory.SignedUnconfirmed``), when a
signed month changed again after the service's rollback (since51, after since50's
``NamedFirst.since``): the page names what the save changes **now**, read afresh
(``roll.signed_after``) — not what the service found under the member's lock, rolled
back with it —, and its notice says what changed from what the page named
(docs/design.md, "The words said first answer what the user was shown"). Nothing is
saved by the post.

The order is forced in one process: the month is signed and committed in the save's own
unit of work just before it reads what the change touches (what it finds when another
admin's 定稿 commits in between), and another admin's 重新打开 commits after the
rollback, before the view answers (``_decided_after_the_rollback``)."""
from __future__ import annotations

import re

from tests.web.roll_support import page_of, promised_on
from tests.web.test_admin_member_signed_confirm import _added, _named, _new_member, _sign
from tests.web.test_named_since_refused_decisions import _decided_after_the_rollback
from tracker.extensions import db
from tracker.models import SummaryScope

NOTHING_SIGNED_NOW = ("打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，现在不会改变已定稿的月报"
                      "或年度总结。未作任何更改；如仍要添加，请再次点击“添加”。")  # its button


def _signed_before_the_read(monkeypatch, world, month: int) -> None:
    """The save's read of what its roll change touches (``roll.signed_after``) finds the
    unit's ``month`` of 2022 signed: finalized and committed just before it."""
    from tracker.reports import final
    from tracker.services import roll

    real = roll.signed_after

    def signed_meanwhile(*args, **kwargs):
        monkeypatch.setattr(roll, "signed_after", real)
        final.finalize(world.admin, SummaryScope(unit_id=world.unit.id), 2022, month)
        db.session.commit()
        return real(*args, **kwargs)

    monkeypatch.setattr(roll, "signed_after", signed_meanwhile)


def _reopened_after_the_rollback(monkeypatch, world, month: int) -> dict:
    from tracker.admin import crud
    from tracker.services.summary_notes import reopen

    return _decided_after_the_rollback(monkeypatch, crud, lambda: reopen(
        world.admin, SummaryScope(unit_id=world.unit.id), 2022, month))


def _said(page: str) -> list[str]:
    return re.findall(r"打开页面之后[^<]*", page)


def test_a_member_added_naming_nothing_now_says_so(client, login, world, monkeypatch):
    """The form (nothing signed) posted; November signed before the save's read and
    re-opened after its rollback: nothing is named, its Then.none says why the plain 添加
    is asked again — before since51, November named (the rolled-back read) with 确认添加."""
    login(world.admin)
    typed = _new_member(world, "2022-11-15")
    _signed_before_the_read(monkeypatch, world, 11)
    seen = _reopened_after_the_rollback(monkeypatch, world, 11)
    page = page_of(client.post("/admin/members/new", data=typed))
    assert seen["decided"] and _added() is None
    assert 'id="form-final"' not in page and _said(page) == [NOTHING_SIGNED_NOW]
    assert ">确认添加</button>" not in page and promised_on(page) == ""
    assert 'value="安新人"' in page and 'value="2022-11-15"' in page  # as typed

    done = client.post("/admin/members/new", data={**typed, "promised": promised_on(page)})
    assert done.status_code == 302 and _added() is not None


def test_a_member_added_once_its_month_was_reopened_names_the_other(client, login, world,
                                                                    monkeypatch):
    """The page named October; November signed before the save's read, October re-opened
    after its rollback: November alone is named and October said to be re-opened —
    before since51, October and November (rolled back), 「…有了变化…」."""
    _sign(world, (2022, 10))
    login(world.admin)
    unit = world.unit.name
    typed = _new_member(world, "2022-10-15")
    page = page_of(client.post("/admin/members/new", data=typed))
    assert f"{unit}2022年10月" in _named(page)
    _signed_before_the_read(monkeypatch, world, 11)
    seen = _reopened_after_the_rollback(monkeypatch, world, 10)
    again = page_of(client.post("/admin/members/new",
                                data={**typed, "promised": promised_on(page)}))
    assert seen["decided"] and _added() is None
    notice = _named(again)
    assert f"保存可能改变以下已定稿月报的当前数据：{unit}2022年11月。" in notice
    assert _said(again) == [
        f"打开页面之后，{unit}2022年10月已撤销定稿，未作任何更改。这次操作现在涉及的已定稿月报或"
        "年度总结见本页的说明，请查看后再点击“确认添加”。"]
    assert ">确认添加</button>" in again

    done = client.post("/admin/members/new", data={**typed, "promised": promised_on(again)})
    assert done.status_code == 302 and _added() is not None
