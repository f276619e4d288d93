"""A naming page asked again after a document it named was re-opened (撤销定稿), others
named now: its words end by sending the user back to the page's own button, in that
button's verb (since51's Open, afresh52) — as the page's own sentence already does
(「…请查看上方的说明后再保存。」 on 服务对象, 「…请查看现在的说明后再审核。」 on the report's
page, 「…再确认保存」 on the member form). 「…请查看后再确认。」 above a page with no 确认
button sends the user to a button that is not there.

Pages whose button is not 「确认…」 when they name signed documents: 服务对象 (one 保存,
its naming above it) and the report's page (通过 and 退回 under 审核). And the member form
of a member being added, whose button is 确认添加, said 「…再确认保存」 for a month signed
since. Every other naming page asked again shows the 「确认…」 its words say
(``named_page.ask_first``, 撤销审核, 作废, 更正日期, the member form's 确认保存, the register
form's 确认保存)."""
from __future__ import annotations

import re

from tests.reports.test_signed_named import named
from tests.residents.test_named_afresh_after_rollback import _named_ids, _year_note
from tests.residents.test_resident_kind_signed import _two_visits
from tests.web.roll_support import page_of, promised_on
from tests.web.stale_support import form_on, text
from tests.web.test_admin_member_signed_confirm import _added, _named, _new_member, _sign
from tests.web.test_named_first import _sign_october_only
from tests.web.test_named_reopened_since import _reopen
from tests.web.test_named_since_page import _residents_form
from tests.web.test_named_since_refused_decisions import _sign_the_year
from tracker.extensions import db
from tracker.models import ReportStatus, TaskReport

ASK_AGAIN = "这次操作现在涉及的已定稿月报或年度总结见本页的说明，请查看后再"


def _buttons(html: str) -> list[str]:
    return [b.strip() for b in re.findall(r"<button[^>]*>([^<]*)</button>", html)]


def test_the_residents_page_says_save_above_its_save(client, login, world):
    """服务对象 named the month and the year; the month re-opened since: the page names
    the year, says the month was re-opened, and sends the user to 保存 — the one button
    it shows (before: 「…请查看后再确认。」 above 保存)."""
    elder, first = _two_visits(world)
    day = first.service_date
    db.session.add(_year_note(world, day)())
    db.session.commit()
    month = f"{world.unit.name}{day.year}年{day.month}月"
    login(world.admin)
    url = f"/residents/task/{first.id}"
    page = text(client.get(url))
    assert month in " ".join(named(page))
    _reopen(world.unit, day.year, day.month, world.admin)

    unticked = {k: v for k, v in _residents_form(page).items() if k != "residents"}
    again = client.post(url, data=unticked).get_data(as_text=True)
    assert f"打开页面之后，{month}已撤销定稿，未作任何更改。{ASK_AGAIN}保存。" in again, again
    (words,) = named(again)
    assert month not in words and f"{world.unit.name}{day.year}年" in words  # the year
    assert "保存" in _buttons(again)
    assert not [b for b in _buttons(again) if b.startswith("确认")], _buttons(again)
    assert _named_ids(first.id) == [elder.id]  # nothing saved


def test_the_report_page_says_review_above_approve_and_return(client, login, october):
    """The report's page named October and the year; October re-opened since: 通过 is
    refused, the page names the year and says October was re-opened, sending the user
    back to 审核 — 通过 and 退回, as its own sentence does (before: 「…再确认」, there
    being no 确认 on the page)."""
    o = october
    report_id = o.tasks["待审核整治"].report.id
    login(o.admin)
    _sign_october_only(client, o)
    _sign_the_year(client, o)
    approve = f"/manage/reports/{report_id}/approve"
    page = client.get(f"/manage/reports/{report_id}").get_data(as_text=True)
    (words,) = named(page)
    assert "2022年10月" in words and "年度总结" in words
    _reopen(o.unit, 2022, 10, o.admin)

    response = client.post(approve, data=form_on(page, approve), follow_redirects=True)
    again = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (f"打开页面之后，{o.unit.name}2022年10月已撤销定稿，未作任何更改。{ASK_AGAIN}审核。"
            in again), again
    (now,) = named(again)
    assert "年度总结" in now and "2022年10月" not in now  # the year alone
    assert {"通过", "退回"} <= set(_buttons(again))
    assert not [b for b in _buttons(again) if b.startswith("确认")], _buttons(again)
    db.session.expire_all()
    assert db.session.get(TaskReport, report_id).status == ReportStatus.submitted


def test_the_member_add_form_says_add_above_its_add(client, login, world):
    """A member added from a day of signed October: the page named October; November
    signed since. The save is not made; the page names both and says they changed,
    sending the user to 确认添加 — its button (before: 「…再确认保存」)."""
    _sign(world, (2022, 10))
    login(world.admin)
    typed = _new_member(world, "2022-10-15")
    page = page_of(client.post("/admin/members/new", data=typed))
    assert f"{world.unit.name}2022年10月" in _named(page)
    _sign(world, (2022, 11))

    again = page_of(client.post("/admin/members/new",
                                data={**typed, "promised": promised_on(page)}))
    assert _added() is None
    assert f"{world.unit.name}2022年11月" in _named(again)
    assert ("打开页面之后，这次添加涉及的已定稿月报或年度总结有了变化，请查看上方的说明后再确认添加。"
            in again), again
    assert "再确认保存" not in again
    assert "确认添加" in _buttons(again) and "确认保存" not in _buttons(again)
