"""补录 from the 台账 (``/imports/ledger``) by an admin, with rows dated in 已定稿 months
(namefirst42 Open #1): a signed month's figures are changed by an admin only, and an
admin's change dated in one is named before it is done (docs/design.md, "Refused in a
已定稿 month") — so the preview names, before 确认导入, every signed 月报 and 年度总结 the
import changes, by 补录's rule: the activity's unit on its day and each participant's
unit of the day. One statement for the whole file, whatever its rows. 确认导入 posts back
what was named; a month signed between the preview and 确认导入 brings the preview back
naming it, nothing imported. A liaison's rows there are refused, naming the month, as
before; an import touching nothing signed is imported as before."""
from __future__ import annotations

import io

from flask import g

from tests.imports.test_ledger_import_service import counts, row, sheet
from tests.imports.test_member_import_changed_since_preview import confirm_form
from tests.page_statements import counted, warm
from tests.reports.test_signed_named import named, sign_october_and_the_year
from tests.web.roll_support import page_of

MONTH, YEAR = "县商务局2022年10月", "县商务局2022年"
ASKED_AGAIN = "预览之后，这次导入涉及的已定稿月报或年度总结有了变化，未导入任何数据。"
LEAD = "这次导入补录的活动在已定稿的月份，会改变已定稿的月报或年度总结。"


def _upload(client, rows) -> str:
    """The preview's address of an upload of ``rows``."""
    response = client.post("/imports/ledger", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(sheet(rows)), "台账.xlsx")})
    assert response.status_code == 302, page_of(response)
    return response.headers["Location"]


def _sign(client, unit, month: str) -> None:
    assert client.post(f"/reports/finalize?unit={unit.id}&month={month}",
                       data={"confirmed": "1"}).status_code == 302


def _clean_up(o, member, **more) -> dict:
    """A row of a 县商务局 clean-up in 解放路社区 (5 October unless said), ``member`` leading."""
    return row(o, member, **{"leader": "是", "category": o.tasks["环境整治一"].category.name,
                             **more})


def _confirm(client, url: str, page: str):
    """确认导入 of ``page`` (the preview read at ``url``), as its form posts it."""
    return client.post(url, data=confirm_form(page, url), follow_redirects=True)


def test_an_admins_rows_in_a_signed_month_are_named_before_the_import(client, login, october):
    login(october.admin)
    sign_october_and_the_year(client, october)
    before = counts()
    url = _upload(client, [_clean_up(october, october.members["郑某某"])])

    page = page_of(client.get(url))
    assert "检查通过，可以导入。" in page and LEAD in page
    (words,) = named(page)
    assert f"确认导入会改变以下已定稿月报的当前数据：{MONTH}。" in words
    assert f"确认导入会改变以下已定稿年度总结的当前数据：{YEAR}。" in words
    assert page.index(LEAD) < page.index("确认导入</button>")  # before the button
    assert counts() == before  # the preview writes nothing

    done = page_of(_confirm(client, url, page))
    assert "导入完成：补录活动1次、参与记录1条" in done
    assert counts()["Task"] == before["Task"] + 1


def test_a_participants_own_units_signed_month_is_named_too(client, login, october):
    """Her hours count for her unit of the day ("Whichever unit's month it is"): a member
    of 县财政局 on 县商务局's activity names 县财政局's signed month, and only it."""
    login(october.admin)
    _sign(client, october.other_unit, "2022-10")
    stranger = next(a.member for a in october.tasks["财政局宣讲"].assignments)
    url = _upload(client, [_clean_up(october, october.members["郑某某"]),
                           _clean_up(october, stranger, leader="")])
    (words,) = named(page_of(client.get(url)))
    assert "县财政局2022年10月" in words and MONTH not in words


def test_a_month_signed_after_the_preview_is_named_again_and_nothing_imported(
        client, login, october):
    """The preview named October; November is signed before 确认导入: the import would
    change it too, unseen — nothing is imported, the preview names both, and its own
    确认导入 then imports."""
    login(october.admin)
    _sign(client, october.unit, "2022-10")
    member = october.members["郑某某"]
    url = _upload(client, [_clean_up(october, member),
                           _clean_up(october, member, day="2022-11-20", title="十一月补录")])
    page = page_of(client.get(url))
    (words,) = named(page)
    assert f"以下已定稿月报的当前数据：{MONTH}。" in words

    _sign(client, october.unit, "2022-11")  # another admin's 定稿, after the preview
    before = counts()
    again = page_of(_confirm(client, url, page))
    assert ASKED_AGAIN in again and counts() == before
    (words,) = named(again)
    assert f"以下已定稿月报的当前数据：{MONTH}、县商务局2022年11月。" in words

    done = page_of(_confirm(client, url, again))
    assert "导入完成：补录活动2次" in done and counts()["Task"] == before["Task"] + 2


def test_a_month_signed_after_a_preview_that_named_none_is_named_too(client, login, october):
    login(october.admin)
    url = _upload(client, [_clean_up(october, october.members["郑某某"])])
    page = page_of(client.get(url))
    assert "检查通过，可以导入。" in page and named(page) == []

    _sign(client, october.unit, "2022-10")
    before = counts()
    again = page_of(_confirm(client, url, page))
    assert ASKED_AGAIN in again and counts() == before
    (words,) = named(again)
    assert f"以下已定稿月报的当前数据：{MONTH}。" in words


def test_an_import_touching_nothing_signed_names_nothing_and_imports(client, login, october):
    """As before the naming: October signed, the rows in November — nothing named, and
    确认导入 imports (even posted bare, as before)."""
    login(october.admin)
    _sign(client, october.unit, "2022-10")
    before = counts()
    url = _upload(client, [_clean_up(october, october.members["郑某某"], day="2022-11-20")])
    page = page_of(client.get(url))
    assert "检查通过，可以导入。" in page and named(page) == [] and LEAD not in page
    done = page_of(client.post(url, follow_redirects=True))
    assert "导入完成：补录活动1次" in done and counts()["Task"] == before["Task"] + 1


def test_a_liaisons_rows_in_a_signed_month_are_refused_naming_it(client, login, october):
    """Not named but refused (an admin's to change), each way a month is signed."""
    login(october.admin)
    sign_october_and_the_year(client, october)
    login(october.liaison)
    before = counts()
    url = _upload(client, [_clean_up(october, october.members["郑某某"]),
                           _clean_up(october, october.members["冯某某"], day="2022-11-20",
                                     title="十一月补录")])
    page = page_of(client.get(url))
    # October's 月报 and its year both signed: both named, re-opening October alone
    # would leave the row refused by the year (walk45 #4)
    assert ("2022年10月的月报已定稿，补录该月的活动须由单位管理员操作"
            "（或由单位管理员先重新打开该月的月报和2022年度总结）。") in page
    assert ("2022年度总结已定稿，补录该年的活动须由单位管理员操作"
            "（或由单位管理员先重新打开该年度总结）。") in page
    assert named(page) == [] and "确认导入</button>" not in page
    client.post(url)
    assert counts() == before


def test_the_naming_costs_the_preview_the_same_for_one_row_and_for_many(
        client, login, october, count_queries):
    """One statement for the whole file: a file of many activities over two signed
    months and two units' months runs the statements a file of one row runs."""
    login(october.admin)
    sign_october_and_the_year(client, october)
    _sign(client, october.unit, "2022-11")
    _sign(client, october.other_unit, "2022-10")
    stranger = next(a.member for a in october.tasks["财政局宣讲"].assignments)
    many_rows = []
    for n, member in enumerate(("郑某某", "冯某某", "刘洋")):
        for day in ("2022-10-11", "2022-10-18", "2022-11-08", "2022-11-22"):
            # each its own hours: 县财政局's member joins each October one
            one = dict(day=day, title=f"补录{n}{day}", starts=f"{9 + 2 * n:02d}:00",
                       ends=f"{10 + 2 * n:02d}:00")
            many_rows += [_clean_up(october, october.members[member], **one),
                          _clean_up(october, stranger, leader="", **one)
                          if day < "2022-11" else None]
    many_rows = [r for r in many_rows if r is not None]

    counts_of = {}
    # a session keeps its last upload only: each read after its own
    for rows in ([_clean_up(october, october.members["郑某某"])], many_rows):
        url = _upload(client, rows)
        warm(client, url)
        statements, response = counted(client, count_queries, url)
        page = page_of(response)
        assert "检查通过，可以导入。" in page, page
        counts_of[len(rows)] = len(statements)
        (words,) = named(page)
        assert MONTH in words and YEAR in words
    (words,) = named(page)  # the file of many names every one of its months
    assert "县商务局2022年11月" in words and "县财政局2022年10月" in words
    assert len(counts_of) == 2 and len(set(counts_of.values())) == 1, counts_of


def test_the_preview_names_them_in_english(client, login, october):
    login(october.admin)
    sign_october_and_the_year(client, october)
    url = _upload(client, [_clean_up(october, october.members["郑某某"])])
    g.pop("_flask_babel", None)  # a served request starts without the last one's locale
    page = page_of(client.get(f"{url}?lang=en"))
    g.pop("_flask_babel", None)
    assert "this import records activities in finalised months" in page.lower()
    (words,) = named(page)
    assert "“Confirm import” will change the current data of these finalised monthly " \
           "summaries: 县商务局 10/2022." in words
    assert "finalised annual summaries: 县商务局 2022." in words


# the preview read again naming nothing: the import an ordinary one now, its 确认导入 again
NOW_PLAIN = ("预览之后，这次导入涉及的已定稿月报或年度总结有了变化，现在不会改变已定稿的月报或年度总结。"
             "未导入任何数据；如仍要导入，请再次点击“确认导入”。")
# the same when the preview's list is known (``listed``): the months it named, re-opened
REOPENED_PLAIN = ("已撤销定稿，这次导入现在不会改变已定稿的月报或年度总结。"
                  "未导入任何数据；如仍要导入，请再次点击“确认导入”。")


def test_a_month_re_opened_after_the_preview_is_said_so_and_nothing_imported(
        client, login, october):
    """reopened44 Open: the preview named October; October is re-opened (撤销定稿) before
    确认导入. The import now changes nothing signed — an ordinary one, but not the one
    confirmed: nothing imported, and the preview read again, naming nothing, is not
    pointed at for a list (「请查看预览中重新列出的…」); it says the import now changes
    no signed document and offers its 确认导入 (``reopened.words_since``)."""
    from tracker.models import SummaryScope
    from tracker.services import unit_of_work
    from tracker.services.summary_notes import reopen

    login(october.admin)
    _sign(client, october.unit, "2022-10")
    url = _upload(client, [_clean_up(october, october.members["郑某某"])])
    page = page_of(client.get(url))
    (words,) = named(page)
    assert f"以下已定稿月报的当前数据：{MONTH}。" in words
    with unit_of_work():  # another admin's 撤销定稿, after the preview
        reopen(october.admin, SummaryScope(unit_id=october.unit.id), 2022, 10)
    before = counts()
    again = page_of(_confirm(client, url, page))
    assert f"预览之后，{MONTH}{REOPENED_PLAIN}" in again and counts() == before
    assert named(again) == [] and "重新列出" not in again
    done = page_of(_confirm(client, url, again))
    assert "导入完成：补录活动1次" in done and counts()["Task"] == before["Task"] + 1
