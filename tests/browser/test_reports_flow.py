"""A liaison opens the monthly summary of a month in Chromium and downloads the
Word and Excel files; what they hold is what the page shows."""
import io

from docx import Document
from openpyxl import load_workbook

from tests.browser.conftest import Person, follow, sign_in
from tests.factories import PASSWORD
from tests.reports import dataset

TITLE = "县商务局2022年10月社区共建工作情况"


def test_liaison_opens_and_downloads_the_monthly_summary(new_context, live_server, shot):
    with live_server.db():
        october = dataset.build()
        liaison = Person(october.liaison.name, october.liaison.phone, october.liaison.id)

    context = new_context(accept_downloads=True)
    page = context.new_page()
    sign_in(page, live_server, liaison, PASSWORD)
    follow(page.get_by_role("link", name="月报").first)
    page.get_by_label("月份").fill("2022-10")
    follow(page.get_by_role("button", name="查看"))
    assert page.get_by_role("heading", name=TITLE).is_visible()
    text = page.inner_text("article.report")
    assert "开展共建活动3场、11次，参与党员干部48人次（13人），累计志愿服务126.5小时" in text
    assert "清除牛皮癣132处（一区47处、二区85处）" in text
    assert "另有1份完成情况待审核（参与2人次，服务时长4.0小时），未计入以上数据。" in text
    signature = page.locator(".report-signature")
    assert signature.inner_text().startswith("县商务局")
    article = page.locator("article.report").bounding_box()
    text_right = page.locator(".report-signature p").first.evaluate(
        "p => { const r = document.createRange(); r.selectNodeContents(p);"
        " const b = r.getBoundingClientRect(); return b.right; }")
    assert text_right > article["x"] + article["width"] * 0.6  # 落款 on the right
    shot(page, "monthly-summary")

    with page.expect_download() as info:
        page.get_by_role("link", name="下载 Word").click()
    download = info.value
    assert download.suggested_filename == f"{TITLE}.docx"
    document = Document(io.BytesIO(open(download.path(), "rb").read()))
    assert document.paragraphs[0].text == TITLE
    assert any("参与率86.7%" in p.text for p in document.paragraphs)

    with page.expect_download() as info:
        page.get_by_role("link", name="下载 Excel 台账").click()
    download = info.value
    assert download.suggested_filename == f"{TITLE}.xlsx"
    book = load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    assert book["汇总"]["A1"].value == TITLE
    # three rows above each table: the title, the unit and period, the header
    assert book["本月活动台账"].max_row - 3 == 14

    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="查看").is_visible()  # controls hidden in print
    shot(page, "print-view")


def test_liaison_keeps_the_funds_ledger(new_context, live_server, shot):
    """Budget, an entry typed in yuan, a bad amount kept on the form, 冲销, excess shown."""
    with live_server.db():
        october = dataset.build()
        liaison = Person(october.liaison.name, october.liaison.phone, october.liaison.id)
        url = live_server.url(f"/funds/{october.unit.id}/{october.jiefang.id}/2022")

    page = new_context().new_page()
    sign_in(page, live_server, liaison, PASSWORD)
    page.goto(url)
    assert "84.0%" in page.inner_text("main")
    entry = page.locator("form", has=page.get_by_role("button", name="登记"))
    entry.get_by_label("日期").fill("2022-10-30")
    entry.get_by_label("金额（元）").fill("1,600.5")
    entry.get_by_label("用途").fill("=购买工具")
    follow(page.get_by_role("button", name="登记"))
    assert "支出已登记。" in page.inner_text("main")
    assert "已超出年度预算" in page.inner_text("main") and "超出 0.50 元" in page.inner_text("main")
    shot(page, "over-budget")

    page.locator("form", has=page.get_by_role("button", name="登记")).get_by_label("金额（元）").fill("1e3")
    follow(page.get_by_role("button", name="登记"))
    assert "金额格式不正确" in page.inner_text("main")
    assert page.locator("form", has=page.get_by_role("button", name="登记")).get_by_label(
        "金额（元）").input_value() == "1e3"

    row = page.locator("tr", has_text="=购买工具")
    # no reason yet: the browser asks for it, and 「冲销不能撤回」 is not asked (walk11 #2)
    asked = []

    def refuse(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    row.get_by_role("button", name="冲销").click()
    assert row.get_by_placeholder("冲销原因（必填）").evaluate("el => el.validity.valueMissing")
    row.get_by_placeholder("冲销原因（必填）").fill("  ")  # blanks only: sent unasked, refused
    follow(row.get_by_role("button", name="冲销"))
    assert asked == [] and "请填写冲销原因。" in page.inner_text("main")
    page.remove_listener("dialog", refuse)
    row = page.locator("tr", has_text="=购买工具")
    row.get_by_placeholder("冲销原因（必填）").fill("录入有误")
    asked = []  # confirm.js asks first, naming the amount (walk10 D10)
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    follow(row.get_by_role("button", name="冲销"))
    assert asked and "冲销不能撤回" in asked[0]
    text = page.inner_text("main")
    assert "已冲销。" in text and "冲销：=购买工具（录入有误）" in text
    assert "已超出年度预算" not in text
    shot(page, "reversed")


def test_admin_imports_members_from_excel(new_context, live_server, shot, tmp_path):
    from tests.imports.helpers import xlsx_bytes

    with live_server.db():
        october = dataset.build()
        admin = Person(october.admin.name, october.admin.phone, october.admin.id)
    bad = tmp_path / "名单.xlsx"
    bad.write_bytes(xlsx_bytes([("钱七", "13700000001", "县商务局", "", "", ""),
                                ("", "137", "县水利局", "", "书记", "")]))
    good = tmp_path / "名单2.xlsx"
    good.write_bytes(xlsx_bytes([("钱七", "13700000001", "县商务局", "机关一支部", "", "")]))

    page = new_context().new_page()
    sign_in(page, live_server, admin, PASSWORD)
    page.locator(".nav .more summary").click()  # 更多
    follow(page.get_by_role("link", name="导入党员"))
    page.set_input_files("input[type=file]", str(bad))
    follow(page.get_by_role("button", name="上传并预览"))
    text = page.inner_text("main")
    assert "缺少姓名。" in text and "单位“县水利局”不存在" in text and "角色“书记”无法识别" in text
    assert page.get_by_role("button", name="确认导入").count() == 0
    shot(page, "preview-with-errors")

    follow(page.get_by_role("link", name="重新上传"))
    page.set_input_files("input[type=file]", str(good))
    follow(page.get_by_role("button", name="上传并预览"))
    follow(page.get_by_role("button", name="确认导入"))
    assert "导入完成：新增1人，更新0人，0人无变化。" in page.inner_text("main")
    shot(page, "imported")
