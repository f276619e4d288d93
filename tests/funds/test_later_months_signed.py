"""walk45 #1: a 月报 counts the funds of its year to its month's end (the funds
sentence's 年度累计 and 预算使用率, the 附表“共建活动经费”, docs/design.md), so an
entry (登记支出) or a 冲销 dated in October changes November's 月报 and December's as
well as October's — and the year's 年度总结. The documents a fund entry dated D changes
are the 月报 of D's month and of every later month of D's year (the unit's, and the
community's own, whose 附表 has the unit's row) and D's 年度总结: an admin is told of
every signed one before the change (named first), anyone else is refused it ("A signed
month's figures are changed by an admin only"), the refusal naming the signed month,
nothing written and what was typed kept. A month before D's is not changed: a December
entry names nothing of a signed November."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from tests.reports.test_signed_named import named
from tracker.extensions import db
from tracker.models import FundEntry
from tracker.services import unit_of_work
from tracker.services.funds import add_entry

UNIT_NOVEMBER, UNIT_OCTOBER = "县商务局2022年11月", "县商务局2022年10月"
# and what an admin would re-open: the signed month whose 年度累计 counts the entry (walk45 #4)
REFUSED = ("2022年11月的月报已定稿，其年度累计含2022年10月的经费，登记或冲销2022年10月的经费须由单位管理员操作"
           "（或由单位管理员先重新打开2022年11月的月报）。")


def _sign(client, o, month: int, *, community: bool = False) -> None:
    whose = f"community={o.jiefang.id}" if community else f"unit={o.unit.id}"
    assert client.post(f"/reports/finalize?{whose}&month=2022-{month:02d}",
                       data={"confirmed": "1"}).status_code == 302


def _entries() -> int:
    return db.session.scalar(select(func.count()).select_from(FundEntry))


def _entry_url(o) -> str:
    return f"/funds/{o.unit.id}/{o.jiefang.id}/2022/entries"


def _typed(day: str) -> dict:
    return {"entry_date": day, "amount": "100", "purpose": "十月宣讲资料印刷", "task_id": ""}


def _confirmation(page: str) -> tuple[str, dict]:
    """The naming page's form: where it posts, and what (its hidden fields)."""
    form = re.search(r'<form method="post" action="([^"]*)".*?</form>', page, re.S)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"',
                             form.group(0)))
    return form.group(1).replace("&amp;", "&"), fields


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def _liaisons_entry(o, day: date) -> FundEntry:
    with unit_of_work():
        return add_entry(o.liaison, o.unit, o.jiefang, 2022, entry_date=day,
                         amount_fen=20_000, purpose="购置共建活动物资")


def test_an_october_entry_names_the_signed_november_and_changes_it(client, login, october):
    login(october.admin)
    _sign(client, october, 11)
    before = _entries()

    response = client.post(_entry_url(october), data=_typed("2022-10-20"))
    assert response.status_code == 200 and _entries() == before  # asked, not written
    (words,) = named(response.get_data(as_text=True))
    assert f"登记支出会改变以下已定稿月报的当前数据：{UNIT_NOVEMBER}。" in words
    assert UNIT_OCTOBER not in words  # October is not signed

    assert "定稿后数据有变化" not in _text(
        client.get(f"/reports/?unit={october.unit.id}&month=2022-11"))
    action, fields = _confirmation(response.get_data(as_text=True))
    assert client.post(action, data=fields).status_code == 302
    assert _entries() == before + 1
    # November's 年度累计 counts the October entry: its signed document no longer matches
    assert "定稿后数据有变化" in _text(
        client.get(f"/reports/?unit={october.unit.id}&month=2022-11"))


def test_an_october_entry_names_october_and_november_when_both_are_signed(
        client, login, october):
    login(october.admin)
    _sign(client, october, 10)
    _sign(client, october, 11)
    response = client.post(_entry_url(october), data=_typed("2022-10-20"))
    (words,) = named(response.get_data(as_text=True))
    assert (f"登记支出会改变以下已定稿月报的当前数据：{UNIT_OCTOBER}、{UNIT_NOVEMBER}。"
            in words)


def test_the_communitys_own_signed_november_is_named_too(client, login, october):
    """The community's 月报 has the unit's ledger in its 附表, counted to its month's end."""
    login(october.admin)
    _sign(client, october, 11, community=True)
    response = client.post(_entry_url(october), data=_typed("2022-10-20"))
    assert response.status_code == 200
    (words,) = named(response.get_data(as_text=True))
    assert "登记支出会改变以下已定稿月报的当前数据：解放路社区2022年11月。" in words


def test_a_december_entry_names_nothing_of_a_signed_november(client, login, october):
    login(october.admin)
    _sign(client, october, 11)
    before = _entries()
    response = client.post(_entry_url(october), data=_typed("2022-12-05"))
    assert response.status_code == 302 and _entries() == before + 1  # written at once


def test_a_liaisons_october_entry_is_refused_when_november_is_signed(
        client, login, october):
    login(october.admin)
    _sign(client, october, 11)
    login(october.liaison)
    before = _entries()
    ledger = _text(client.get(f"/funds/{october.unit.id}/{october.jiefang.id}/2022"))
    # the October entries offer no 冲销; the form stays, December being open
    assert REFUSED in ledger and "登记支出 日期" in ledger

    response = client.post(_entry_url(october), data=_typed("2022-10-21"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and _entries() == before  # nothing written
    assert REFUSED in _text(response) and named(page) == []
    assert 'value="2022-10-21"' in page and 'value="十月宣讲资料印刷"' in page  # as typed

    # December is counted by no signed document: recorded at once
    assert client.post(_entry_url(october), data=_typed("2022-12-05")).status_code == 302
    assert _entries() == before + 1


def test_a_liaison_cannot_record_into_a_year_whose_december_is_signed(
        client, login, october):
    """December's 月报 counts every day of the year: the ledger says so instead of
    登记支出, and a post (from a page read before) is refused with what was typed."""
    login(october.admin)
    _sign(client, october, 12)
    login(october.liaison)
    words = ("2022年12月的月报已定稿，其年度累计含2022年全年的经费，"
             "登记或冲销2022年的经费须由单位管理员操作（或由单位管理员先重新打开2022年12月的月报）。")
    ledger = client.get(f"/funds/{october.unit.id}/{october.jiefang.id}/2022")
    assert words in _text(ledger) and "/entries\"" not in ledger.get_data(as_text=True)
    before = _entries()
    response = client.post(_entry_url(october), data=_typed("2022-03-02"))
    assert response.status_code == 200 and _entries() == before
    assert "2022年12月的月报已定稿，其年度累计含2022年3月的经费" in _text(response)
    assert 'value="十月宣讲资料印刷"' in response.get_data(as_text=True)


def test_a_reversal_of_an_october_entry_names_the_signed_november(client, login, october):
    october_entry = _liaisons_entry(october, date(2022, 10, 20))
    december_entry = _liaisons_entry(october, date(2022, 12, 5))
    login(october.admin)
    _sign(client, october, 11)

    response = client.post(f"/funds/entries/{october_entry.id}/reverse",
                           data={"reason": "重复录入"})
    assert response.status_code == 200
    (words,) = named(response.get_data(as_text=True))
    assert f"冲销会改变以下已定稿月报的当前数据：{UNIT_NOVEMBER}。" in words
    assert db.session.scalar(select(FundEntry.id).where(
        FundEntry.reverses_id == october_entry.id)) is None  # asked, not reversed

    # a December entry's 冲销 changes nothing signed: asked in the page, nothing named
    response = client.post(f"/funds/entries/{december_entry.id}/reverse",
                           data={"reason": "重复录入"})
    assert named(response.get_data(as_text=True)) == []
    # the ledger names the October entry's 冲销 first, not the December one's
    ledger = client.get(f"/funds/{october.unit.id}/{october.jiefang.id}/2022"
                        ).get_data(as_text=True)
    form = re.compile(r'<form[^>]*action="/funds/entries/(\d+)/reverse"[^>]*>')
    asked_in_page = {int(m.group(1)) for m in form.finditer(ledger)
                     if "data-confirm" in m.group(0)}
    assert december_entry.id in asked_in_page and october_entry.id not in asked_in_page


def test_a_liaisons_reversal_of_an_october_entry_is_refused_when_november_is_signed(
        client, login, october):
    entry = _liaisons_entry(october, date(2022, 10, 20))
    login(october.admin)
    _sign(client, october, 11)
    login(october.liaison)
    response = client.post(f"/funds/entries/{entry.id}/reverse",
                           data={"reason": "重复录入", "confirmed": "1"})
    assert response.status_code == 200 and REFUSED in _text(response)
    assert db.session.scalar(select(FundEntry.id).where(
        FundEntry.reverses_id == entry.id)) is None


def test_a_refusal_by_an_earlier_months_own_and_later_documents_says_to_reopen_them_all(
        client, login, october):
    """October and November signed: a liaison's October entry is in both 月报 (November's
    年度累计), so re-opening October alone would still leave it refused — the refusal
    names both months to re-open (walk45 #4's rule, one wording for every refusal)."""
    login(october.admin)
    _sign(client, october, 10)
    _sign(client, october, 11)
    login(october.liaison)
    before = _entries()
    response = client.post(_entry_url(october), data=_typed("2022-10-21"))
    assert response.status_code == 200 and _entries() == before
    assert ("2022年10月的月报已定稿，登记或冲销该月的经费须由单位管理员操作"
            "（或由单位管理员先重新打开2022年10月、2022年11月的月报）。") in _text(response)
