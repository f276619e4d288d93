"""On a phone: a new member activates the account from an invitation link, opens a
check-in link (logging in on the way) and checks in; the leader attaches a photo."""
from __future__ import annotations

from datetime import timedelta

from tests.browser.conftest import follow
from tests.onsite import samples

NEW_PASSWORD = "Hongqi-Piaopiao-88"


def _signed_in(new_context, live_server, person, password=None):
    """A page in a context of its own, logged in (fields found by id, not label text)."""
    from tests.factories import PASSWORD

    page = new_context().new_page()
    page.goto(live_server.url("/auth/login"))
    page.locator("#phone").fill(person.phone)
    page.locator("#password").fill(password or PASSWORD)
    follow(page.get_by_role("button", name="登录", exact=True))
    assert "/auth/login" not in page.url, page.inner_text("main")[:300]
    return page


def _setup(live_server, world):
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Member, ResourceItem, Task
    from tracker.services.invitations import issue_links

    with live_server.db() as session:
        admin = db.session.get(Member, world.admin.id)
        newcomer = f.member(admin.unit, name="新党员", phone="13900009999")
        newcomer.password_hash = None  # created by an admin: no password until the link
        [link] = issue_links(admin, [newcomer])
        base = db.session.get(Task, world.task_id)
        item = db.session.get(ResourceItem, base.resource_item_id)
        liaison = db.session.get(Member, world.liaison.id)
        leader = db.session.get(Member, world.leader.id)
        soon = f.task(item, liaison, leader=leader, title="清理小区绿化带",
                      starts_in=timedelta(minutes=30), slots=5)
        running = f.task(item, liaison, leader=leader, title="楼道小广告清理",
                         starts_in=-timedelta(minutes=30), duration=timedelta(hours=2))
        session.commit()
        return link.token, newcomer.phone, soon.checkin_token, soon.title, running.id


def test_invitation_check_in_and_photo_at_phone_size(new_context, live_server, world, shot):
    invite, phone, checkin, soon_title, running_id = _setup(live_server, world)

    # 1. The member opens the invitation link from WeChat and sets a password.
    page = new_context().new_page()
    page.goto(live_server.url(f"/invite/{invite}"))
    assert page.get_by_role("heading", name="设置登录密码").is_visible()
    assert "139****9999" in page.inner_text("main")
    page.locator("#new_password").fill("12345678")
    page.locator("#confirm").fill("12345678")
    follow(page.get_by_role("button", name="设置密码并登录"))
    assert "密码太常见或太简单" in page.inner_text("main")
    shot(page, "weak-password-refused")
    page.locator("#new_password").fill(NEW_PASSWORD)
    page.locator("#confirm").fill(NEW_PASSWORD)
    follow(page.get_by_role("button", name="设置密码并登录"))
    assert "密码已设置，您已登录" in page.inner_text("main")
    assert "新党员" in page.inner_text("footer")
    shot(page, "activated")

    # 2. The phone's scanner opens the check-in link in another browser, not logged in:
    #    login, then straight back to the check-in page.
    page = new_context().new_page()
    page.goto(live_server.url(f"/c/{checkin}"))
    assert "/auth/login" in page.url
    page.locator("#phone").fill(phone)
    page.locator("#password").fill(NEW_PASSWORD)
    follow(page.get_by_role("button", name="登录", exact=True))
    assert page.url.endswith(f"/c/{checkin}")
    assert soon_title in page.inner_text("main")
    shot(page, "check-in-landing")
    button = page.get_by_role("button", name="签到", exact=True)
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] <= 390
    follow(button)
    assert "签到成功" in page.inner_text("main")
    assert "已签到" in page.inner_text("main")
    shot(page, "checked-in")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # 3. The leader shows the QR code, then attaches a photo to the running task's report.
    leader = _signed_in(new_context, live_server, world.leader)
    leader.goto(live_server.url(f"/onsite/tasks/{running_id}/qr"))
    assert leader.locator("figure.qr-box svg").is_visible()
    shot(leader, "qr-code")
    leader.goto(live_server.url(f"/tasks/{running_id}/report"))
    follow(leader.get_by_role("link", name="添加现场照片（可选）"))
    assert leader.url.endswith(f"/onsite/tasks/{running_id}/photos")
    leader.set_input_files("input[type=file]", files=[{
        "name": "IMG_20240305_093000.jpg", "mimeType": "image/jpeg",
        "buffer": samples.phone_jpeg(2016, 1512),
    }])
    follow(leader.get_by_role("button", name="上传照片"))
    assert "照片已上传" in leader.inner_text("main")
    thumb = leader.locator("ul.photo-grid img").first
    thumb.wait_for()
    assert leader.evaluate("img => img.complete && img.naturalWidth > 0", thumb.element_handle())
    shot(leader, "photo-attached")
    assert leader.evaluate("document.documentElement.scrollWidth") <= 390
    leader.goto(live_server.url(f"/tasks/{running_id}/report"))
    assert leader.locator("section.report-photos img").count() == 1


def test_liaison_issues_links_and_registers_a_resident(new_context, live_server, world, shot):
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Member

    with live_server.db() as session:
        admin = db.session.get(Member, world.admin.id)
        newcomer = f.member(admin.unit, name="待激活党员", phone="13900008888")
        newcomer.password_hash = None
        session.commit()

    page = _signed_in(new_context, live_server, world.liaison)
    page.goto(live_server.url("/invite/manage"))
    shot(page, "invite-list")
    follow(page.get_by_role("button", name="为全部未激活党员生成链接"))
    assert "激活链接已生成" in page.inner_text("main")
    assert "139****8888" in page.locator("#all-links").input_value()
    assert page.locator("figure.qr-box svg").count() == 1
    shot(page, "invite-links")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto(live_server.url("/residents/new"))
    page.locator("#name").fill("赵奶奶")
    page.locator("#category").select_option(label="空巢老人")
    page.locator("#address").fill("解放路12号3单元201")
    page.locator("#phone").fill("13800000001")
    page.locator("#consent_date").fill("2024-03-05")
    page.locator("#consent_method").fill("本人书面签字")
    page.get_by_label(world.member.name, exact=False).check()
    follow(page.get_by_role("button", name="保存"))
    assert "服务对象已登记" in page.inner_text("main")
    assert "13800000001" not in page.content()  # held back until asked for
    follow(page.get_by_role("button", name="查看住址、电话和备注"))
    assert "13800000001" in page.inner_text("main")
    assert "解放路12号3单元201" in page.inner_text("main")
    shot(page, "resident-record")
    page.goto(live_server.url("/residents/"))
    assert "138****0001" in page.inner_text("main")
    assert "13800000001" not in page.content()
    shot(page, "resident-list")

