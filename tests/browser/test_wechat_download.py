"""Inside WeChat (Chromium sending WeChat's User-Agent) a download link opens a page that
says how to get the file, with the link to copy and the content readable; nothing is
downloaded. The same click in an ordinary browser downloads the file."""
from tests.browser.conftest import Person, follow, sign_in
from tests.factories import PASSWORD
from tests.reports import dataset

WECHAT_UA = ("Mozilla/5.0 (Linux; Android 13; V2196A Build/TP1A.220624.014; wv) "
             "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 "
             "Mobile Safari/537.36 XWEB/5023 MMWEBSDK/20230405 MicroMessenger/8.0.35.2360"
             "(0x2800235B) WeChat/arm64 Weixin NetType/4G Language/zh_CN ABI/arm64")
HINT = '请点击右上角 ··· 选择"在浏览器打开"后下载'
TITLE = "县商务局2022年10月社区共建工作情况"


def _person(member) -> Person:
    return Person(member.name, member.phone, member.id)


def test_downloads_inside_wechat_open_the_explaining_page(new_context, live_server, shot):
    with live_server.db():
        october = dataset.build()
        liaison, zhang = _person(october.liaison), _person(october.members["张伟"])

    downloads = []
    context = new_context(user_agent=WECHAT_UA, accept_downloads=True)
    context.on("download", lambda download: downloads.append(download))
    page = context.new_page()
    sign_in(page, live_server, liaison, PASSWORD)
    page.goto(live_server.url("/reports/?month=2022-10"))
    shot(page, "monthly-page")
    for label, extension in (("下载 Word", "docx"), ("下载 Excel 台账", "xlsx"),
                             ("下载 CSV", "csv")):
        follow(page.get_by_role("link", name=label))
        assert page.get_by_text(HINT).is_visible()
        assert page.get_by_text(f"{TITLE}.{extension}").is_visible()
        link = page.locator("#download-link").input_value()
        assert link == page.url and f"/reports/monthly.{extension}?" in link
        # The figures themselves, readable on the page.
        assert "开展共建活动3场、11次" in page.inner_text("article.report")
        if extension == "docx":
            shot(page, "wechat-monthly-docx")
        page.go_back()
    assert page.get_by_role("button", name="复制链接").count() == 0  # not on the summary

    member_context = new_context(user_agent=WECHAT_UA, accept_downloads=True)
    member_context.on("download", lambda download: downloads.append(download))
    member = member_context.new_page()
    sign_in(member, live_server, zhang, PASSWORD)
    member.goto(live_server.url(f"/reports/records/{zhang.id}?year=2022"))
    follow(member.get_by_role("link", name="下载 Excel"))
    assert member.get_by_text(HINT).is_visible()
    assert "九月培训" in member.inner_text("main")
    assert member.get_by_role("button", name="复制链接").is_visible()  # JS on: one tap
    shot(member, "wechat-service-record")
    assert downloads == []


def test_the_same_link_downloads_in_an_ordinary_browser(new_context, live_server):
    with live_server.db():
        october = dataset.build()
        zhang = _person(october.members["张伟"])
    page = new_context(accept_downloads=True).new_page()
    sign_in(page, live_server, zhang, PASSWORD)
    page.goto(live_server.url(f"/reports/records/{zhang.id}?year=2022"))
    with page.expect_download() as info:
        page.get_by_role("link", name="下载 Excel").click()
    assert info.value.suggested_filename == "张伟2022年服务记录.xlsx"
