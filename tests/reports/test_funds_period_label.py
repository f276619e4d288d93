"""The funds card's first figure is what the period spent, labelled by one phrase with
the period in it, ordered as each language orders it (review walk3, #6: the English
page read 「This monthSpent (yuan)」, two translated pieces glued in Chinese order).

The October dataset: 县商务局 spent 2,800.00 in 解放路社区 in October 2022.
"""
import re

import pytest

SPENT = re.compile(r'<b data-figure="fund_spent">[^<]*</b><span>([^<]*)</span>')


def spent_label(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return SPENT.search(response.get_data(as_text=True)).group(1)


@pytest.mark.parametrize("lang, month, quarter, year", [
    ("zh_CN", "2022年10月使用（元）", "2022年第4季度使用（元）", "2022年使用（元）"),
    ("en", "October 2022: spent (yuan)", "Q4 2022: spent (yuan)", "2022: spent (yuan)"),
])
def test_the_progress_page_names_the_period_spent_in(client, login, october,
                                                      lang, month, quarter, year):
    login(october.admin)
    page = f"/progress/community?community={october.jiefang.id}&lang={lang}"
    assert spent_label(client, page + "&period=month&month=2022-10") == month
    assert spent_label(client, page + "&period=quarter&year=2022&quarter=4") == quarter
    assert spent_label(client, page + "&period=year&year=2022") == year


@pytest.mark.parametrize("lang, label", [("zh_CN", "本月使用（元）"),
                                         ("en", "This month: spent (yuan)")])
def test_the_monthly_summary_says_this_month(client, login, october, lang, label):
    login(october.admin)
    assert spent_label(client, f"/reports/?unit={october.unit.id}&month=2022-10&lang={lang}"
                       ) == label
