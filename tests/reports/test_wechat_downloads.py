"""Inside WeChat's in-app browser (which does not save files) every download answers with
a page: how to open it in the phone's browser, the link to copy, and the file's content
readable there. Any other browser gets the file from the same link."""
import html
import re

import pytest

from tracker.extensions import db

# What WeChat's in-app browser sends on Android and on an iPhone.
WECHAT_ANDROID = ("Mozilla/5.0 (Linux; Android 13; V2196A Build/TP1A.220624.014; wv) "
                  "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 "
                  "Mobile Safari/537.36 XWEB/5023 MMWEBSDK/20230405 MMWEBID/2593 "
                  "MicroMessenger/8.0.35.2360(0x2800235B) WeChat/arm64 Weixin NetType/4G "
                  "Language/zh_CN ABI/arm64")
WECHAT_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.38(0x1800262c) "
                 "NetType/WIFI Language/zh_CN")
PHONE_BROWSER = ("Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) "
                 "Chrome/119.0.0.0 Mobile Safari/537.36")
HINT = '请点击右上角 ··· 选择"在浏览器打开"后下载'


def wechat_page(client, url, agent=WECHAT_ANDROID) -> str:
    response = client.get(url, headers={"User-Agent": agent})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "Content-Disposition" not in response.headers
    assert "User-Agent" in response.headers["Vary"]
    page = response.get_data(as_text=True)
    assert HINT in page
    # The link to copy is this very address, whole, so the phone's browser gets the file.
    link = re.search(r'<textarea id="download-link"[^>]*>([^<]*)</textarea>', page).group(1)
    assert html.unescape(link) == "http://localhost" + url
    return page


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "csv"])
@pytest.mark.parametrize("agent", [WECHAT_ANDROID, WECHAT_IPHONE])
def test_monthly_summary_in_wechat_is_a_page_with_its_figures(client, login, october, fmt,
                                                              agent):
    login(october.liaison)
    url = f"/reports/monthly.{fmt}?community={october.jiefang.id}&month=2022-10"
    page = wechat_page(client, url, agent)
    assert f"解放路社区2022年10月社区共建工作情况.{fmt}" in page  # the file's name
    assert "解放路社区2022年10月社区共建工作情况" in page  # the summary's title …
    assert "附表1" in page  # … and its tables, readable on the page


def test_service_record_in_wechat_is_a_page_with_its_rows(client, login, october):
    zhang = october.members["张伟"]
    login(zhang)
    page = wechat_page(client, f"/reports/records/{zhang.id}.xlsx?year=2022")
    assert "张伟2022年服务记录.xlsx" in page
    assert "九月培训" in page and "十一月整治" in page  # the record's rows
    assert "<b>6</b>" in page and "<b>14.0</b>" in page  # 6 activities, 14.0 hours


def test_calendar_file_in_wechat_is_a_page_with_the_task(client, login, world):
    login(world.member)
    page = wechat_page(client, f"/tasks/{world.task.id}/calendar.ics")
    assert world.task.title in page and world.task.place in page


def test_other_browsers_get_the_files(client, login, october):
    login(october.liaison)
    response = client.get(f"/reports/monthly.docx?community={october.jiefang.id}&month=2022-10",
                          headers={"User-Agent": PHONE_BROWSER})
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "User-Agent" in response.headers["Vary"]
    zhang = october.members["张伟"]
    login(zhang)
    response = client.get(f"/reports/records/{zhang.id}.xlsx?year=2022",
                          headers={"User-Agent": PHONE_BROWSER})
    assert response.headers["Content-Disposition"].startswith("attachment")


def test_calendar_file_outside_wechat(client, login, world):
    login(world.member)
    response = client.get(f"/tasks/{world.task.id}/calendar.ics",
                          headers={"User-Agent": PHONE_BROWSER})
    assert response.mimetype == "text/calendar"
    assert b"BEGIN:VCALENDAR" in response.data


def test_download_links_are_plain_links_the_server_answers(client, login, october):
    """No ``download`` attribute: with it, a browser would save WeChat's page as a file."""
    login(october.liaison)
    page = client.get(f"/reports/?community={october.jiefang.id}&month=2022-10").get_data(
        as_text=True)
    links = re.findall(r'<a [^>]*href="/reports/monthly\.(?:docx|xlsx|csv)[^>]*>', page)
    assert len(links) == 3
    assert not [link for link in links if " download" in link]


@pytest.mark.parametrize("url, who, filename, header, note", [
    ("/imports/members/template.xlsx", "admin", "党员导入模板.xlsx", "手机号*",
     "按手机号识别党员"),
    ("/imports/ledger/template.xlsx", "liaison", "补录模板.xlsx", "服务时长（小时）",
     "系统中已有的活动会跳过"),
])
def test_an_import_template_in_wechat_shows_its_columns_and_notes(client, login, world, url,
                                                                  who, filename, header, note):
    login(getattr(world, who))
    page = wechat_page(client, url)
    assert filename in page and header in page and note in page
    response = client.get(url, headers={"User-Agent": PHONE_BROWSER})
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]


def test_a_residents_data_export_in_wechat_is_the_data_on_a_page(client, login, world):
    """The export is a POST (it is audited): inside WeChat the page shows the data and
    names the resident's page to open in the phone's browser instead of a dead file."""
    from tests.residents.support import resident

    held = resident(world.community, world.liaison, name="钱奶奶")
    db.session.commit()
    login(world.admin)
    response = client.post(f"/residents/{held.id}/export",
                           headers={"User-Agent": WECHAT_ANDROID})
    page = response.get_data(as_text=True)
    assert response.mimetype == "text/html" and HINT in page
    assert "钱奶奶" in page and "解放路12号3单元201" in page  # the data itself
    link = re.search(r'<textarea id="download-link"[^>]*>([^<]*)</textarea>', page).group(1)
    assert html.unescape(link) == f"http://localhost/residents/{held.id}"
    other = client.post(f"/residents/{held.id}/export", headers={"User-Agent": PHONE_BROWSER})
    assert other.mimetype == "application/json" and "钱奶奶" in other.get_data(as_text=True)
    assert "attachment" in other.headers["Content-Disposition"]
