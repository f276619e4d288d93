"""Review docread40, #5: an admin, whom no 定稿 refuses, is told before 通过 or 冲销
which 已定稿 月报 and 年度总结 the action will change — as the member form, the import
and 合并账号 name theirs first — on the report's page, on 待审核 and the 工作台's
card, and on 冲销's confirmation. Nothing is named while nothing it counts in is
signed."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import FundEntry
from tracker.services import unit_of_work
from tracker.services.funds import add_entry

MONTH, YEAR = "县商务局2022年10月", "县商务局2022年"


def named(page: str) -> list[str]:
    """The words of each block naming the signed documents an action will change."""
    return [re.sub(r"<[^>]+>", "", block) for block in
            re.findall(r'data-figure="signed_named">(.*?)</div>', page, re.S)]


def sign_october_and_the_year(client, o) -> None:
    for url in (f"/reports/finalize?unit={o.unit.id}&month=2022-10",
                f"/reports/annual/finalize?unit={o.unit.id}&year=2022"):
        assert client.post(url, data={"confirmed": "1"}).status_code == 302


def test_an_admins_approval_names_the_signed_month_and_year_first(client, login, october):
    login(october.admin)
    report = october.tasks["待审核整治"].report
    pages = (f"/manage/reports/{report.id}", "/manage/reviews", "/manage/")
    for url in pages:  # nothing signed: nothing named
        assert named(client.get(url).get_data(as_text=True)) == [], url
    sign_october_and_the_year(client, october)
    for url in pages:
        page = client.get(url).get_data(as_text=True)
        assert "通过" in page, url
        (words,) = named(page)
        assert f"通过会改变以下已定稿月报的当前数据：{MONTH}。" in words, url
        assert f"通过会改变以下已定稿年度总结的当前数据：{YEAR}。" in words, url


def test_a_liaison_is_refused_not_told(client, login, october):
    login(october.admin)
    sign_october_and_the_year(client, october)
    login(october.liaison)
    report = october.tasks["待审核整治"].report
    page = client.get(f"/manage/reports/{report.id}").get_data(as_text=True)
    assert named(page) == [] and "须由单位管理员操作" in page


def test_an_admins_reversal_names_the_signed_month_and_year_first(client, login, october):
    with unit_of_work():
        entry = add_entry(october.liaison, october.unit, october.jiefang, 2022,
                          entry_date=date(2022, 10, 20), amount_fen=900_000,
                          purpose="购置共建活动物资")
    login(october.admin)

    def confirmation() -> str:
        response = client.post(f"/funds/entries/{entry.id}/reverse", data={"reason": "重复录入"})
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "确认冲销" in page
        return page

    assert named(confirmation()) == []
    sign_october_and_the_year(client, october)
    (words,) = named(confirmation())
    assert f"冲销会改变以下已定稿月报的当前数据：{MONTH}。" in words
    assert f"冲销会改变以下已定稿年度总结的当前数据：{YEAR}。" in words
    assert db.session.scalar(select(FundEntry).where(FundEntry.reverses_id == entry.id)) is None
