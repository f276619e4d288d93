"""The 签到二维码 page printed (Chromium's print to PDF, read back by poppler's
pdftotext) is the sheet put up at the venue: what a member at the door needs — the
activity, its time and place, the code and its caption, when check-in opens — and none
of the liaison's controls (review walk3, #8: the printed sheet ended with 「更换签到码」
and its instructions, and showed the link to copy)."""
from __future__ import annotations

import shutil
import subprocess

import pytest

SHEET = {
    "zh_CN": {"caption": "请参加活动的党员用微信或手机相机扫码签到。", "opens": "起，至活动结束",
              "liaisons": ("更换签到码", "签到码被转发到了不该去的地方时使用", "签到链接",
                           "已签到")},
    "en": {"caption": "scan this code with WeChat", "opens": "until the activity ends",
           "liaisons": ("Replace check-in code", "Check-in link", "Checked in")},
}


def printed_text(page, folder) -> str:
    pdf = folder / "sheet.pdf"
    page.pdf(path=str(pdf), format="A4")
    return subprocess.run([shutil.which("pdftotext"), "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext)")
def test_the_printed_sheet_holds_what_a_member_at_the_door_needs(
        user_page, live_server, world, tmp_path, shot):
    page = user_page(world.liaison)
    qr = live_server.url(f"/onsite/tasks/{world.task_id}/qr")
    for lang, sheet in SHEET.items():
        page.goto(f"{qr}?lang={lang}")
        # on the screen, for the liaison: the link to copy and 更换签到码
        link = page.locator("#checkin-link").input_value()
        assert page.get_by_role("button", name=sheet["liaisons"][0]).is_visible()
        shot(page, f"qr-{lang}")
        text = " ".join(printed_text(page, tmp_path).split())
        assert world.task_title in text and "社区活动中心" in text  # the activity, its place
        assert sheet["caption"] in text and sheet["opens"] in text
        for theirs in sheet["liaisons"]:
            assert theirs not in text, theirs
        assert link.rsplit("/", 1)[-1] not in text  # nor the link's code
        page.emulate_media(media="print")
        code = page.locator("figure.qr-box svg").bounding_box()
        assert code is not None and code["width"] > 150  # the code itself is printed
        page.emulate_media(media="null")  # back to the default: page.pdf prints as print
