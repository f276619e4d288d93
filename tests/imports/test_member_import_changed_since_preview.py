"""The member import does what its preview said, or says what changed.

The rule: the admin confirms the preview they read. Each member of the file as that
preview showed them (the member form's fields, 停用, the roll history's latest change),
and each new member's 手机号 as still free, is checked again at the confirmation, under
the members' locks. When any of them changed since — the member form saved, another
import, 停用, a 更正日期 — or a new member's number was registered, the whole import is
refused and nothing is written: the file's values would be put over a change the admin
never saw. The page names each such row, what changed (as the preview showed it, as it
is now), and offers the preview again with the same file, which shows the members as
they are now and can be confirmed. A change of a member who is not in the file refuses
nothing.
"""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.imports.helpers import xlsx_bytes
from tests.web.test_admin_roll_stale_page import data
from tracker.extensions import db
from tracker.models import AuditEvent, Member, Role
from tracker.services import directory
from tracker.services.member_import import ChangedRow

REFUSED = "预览之后，文件中"
NEW_PHONE = "13700004444"


def upload(client, rows) -> str:
    response = client.post("/imports/members",
                           data={"file": (io.BytesIO(xlsx_bytes(rows)), "名单.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    return response.headers["Location"]


def confirm_form(page: str, url: str) -> dict:
    """What the preview page's 确认导入 form (posting to ``url``) sends."""
    from tests.web.stale_support import PageForms

    parser = PageForms()
    parser.feed(page)
    [fields] = [fields for action, fields in parser.forms if action == url]
    return dict(fields)


def the_file(world):
    """张三 gets a 党支部; 李四 is as stored (a row of no change); 钱七 is new."""
    return [(world.member.name, world.member.phone, "县商务局", "第一党支部", "", ""),
            (world.other_member.name, world.other_member.phone, "县商务局", "", "", ""),
            ("钱七", NEW_PHONE, "县商务局", "", "党员干部", "")]


def state() -> tuple:
    """What an import could write: every member's form fields, and the import's audit rows."""
    db.session.expire_all()
    members = {m.id: directory.shown_values(m) for m in db.session.scalars(select(Member))}
    imports = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action.in_(("import_create", "import_update"))))
    return members, imports


def other_admin(world) -> Member:
    admin = f.member(world.unit, Role.admin, name="管理员乙")
    db.session.commit()
    return admin


def previewed(client, login, world) -> tuple[str, dict]:
    login(world.admin)
    url = upload(client, the_file(world))
    page = client.get(url).get_data(as_text=True)
    assert "检查通过，可以导入。" in page
    return url, confirm_form(page, url)


def notice(page: str) -> str:
    start = page.find('id="changed"')
    return "" if start < 0 else page[start:page.find("</section>", start)]


def rebranched(world, admin):
    """管理员乙 saves 张三's form with another 党支部."""
    zhang = db.session.get(Member, world.member.id)
    directory.update_member(zhang, admin, data(zhang, branch="机关第二党支部"))
    return 2, "党支部：预览时为（未填），现为机关第二党支部"


def rephoned(world, admin):
    """管理员乙 saves 张三's form with a new 手机号: the file's number is now nobody's,
    and the import would make a second 张三 of it."""
    zhang = db.session.get(Member, world.member.id)
    before = zhang.phone
    directory.update_member(zhang, admin, data(zhang, phone="13900002222"))
    return 2, f"手机号：预览时为{before}，现为13900002222"


def renamed_the_unchanged(world, admin):
    """李四's row changes nothing; 管理员乙 renames him: the import would name him back."""
    li = db.session.get(Member, world.other_member.id)
    directory.update_member(li, admin, data(li, name="李四光"))
    return 3, "姓名：预览时为李四，现为李四光"


def switched_off(world, admin):
    """管理员乙 clicks 停用 on 张三."""
    directory.set_active(db.session.get(Member, world.member.id), admin, False)
    return 2, "账号状态：预览时为在用，现为已停用"


def registered(world, admin):
    """管理员乙 adds a member with 钱七's number (新增党员)."""
    directory.create_member(admin, directory.MemberData(
        name="钱柒", phone=NEW_PHONE, unit_id=world.unit.id, role=Role.member))
    return 4, "预览时该手机号尚未登记，现已是“钱柒”（县商务局）的手机号"


@pytest.mark.parametrize("meanwhile", [rebranched, rephoned, renamed_the_unchanged,
                                       switched_off, registered])
def test_a_member_of_the_file_changed_since_the_preview_refuses_the_whole_import(
        client, login, world, meanwhile):
    """Preview read; meanwhile one member of the file changes (or a new one's number is
    taken); 确认导入 imports nothing — not even the rows whose member did not change —
    and the page names the row and what changed."""
    admin = other_admin(world)
    url, form = previewed(client, login, world)
    line, said = meanwhile(world, admin)
    db.session.commit()
    before = state()

    response = client.post(url, data=form)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert REFUSED in page and "未导入任何数据" in page
    listed = notice(page)
    assert f"第{line}行" in listed and said in listed
    assert len(listed.split("<li>")) == 2  # that row only
    assert state() == before
    assert "重新预览" in listed and f'href="{url}"' in listed


def test_a_change_of_a_member_not_in_the_file_refuses_nothing(client, login, world):
    admin = other_admin(world)
    url, form = previewed(client, login, world)
    leader = db.session.get(Member, world.leader.id)
    directory.update_member(leader, admin, data(leader, branch="机关第三党支部", name="王队长"))
    db.session.commit()

    response = client.post(url, data=form, follow_redirects=True)
    assert "导入完成：新增1人，更新1人，1人无变化。" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Member, world.member.id).branch == "第一党支部"


def test_the_preview_read_again_shows_the_change_and_can_be_confirmed(client, login, world):
    """Refused after 管理员乙 gave 张三 another 党支部: 重新预览 (same file, same link)
    shows 张三's row going from that 党支部 to the file's; confirmed from there, the
    import goes through."""
    admin = other_admin(world)
    url, form = previewed(client, login, world)
    rebranched(world, admin)
    db.session.commit()
    assert client.post(url, data=form).status_code == 200

    page = client.get(url).get_data(as_text=True)
    assert "党支部：机关第二党支部 → 第一党支部" in page
    response = client.post(url, data=confirm_form(page, url), follow_redirects=True)
    assert "导入完成：新增1人，更新1人，1人无变化。" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Member, world.member.id).branch == "第一党支部"


def test_the_page_confirmed_is_the_one_checked_not_a_later_preview(client, login, world):
    """Two tabs: the first read before 管理员乙's change, the second after. Confirmed
    from the first, the import is refused — the second page's reading does not stand in
    for what the first showed."""
    admin = other_admin(world)
    url, form = previewed(client, login, world)
    rebranched(world, admin)
    db.session.commit()
    assert "党支部：机关第二党支部 → 第一党支部" in client.get(url).get_data(as_text=True)
    before = state()
    page = client.post(url, data=form).get_data(as_text=True)
    assert "党支部：预览时为（未填），现为机关第二党支部" in notice(page)
    assert state() == before


@pytest.mark.parametrize("field", directory.SHOWN_FIELDS)
def test_the_changed_page_names_each_field_as_the_member_form_does(app, world, field):
    """The import's 「预览之后…已有变动」 page and the member form's refused page say
    what changed of the same fields: each is named by the member form's own label
    (「负责的社区（仅社区联络员）」, not a label of the import's own)."""
    from tracker.admin.forms import MemberForm
    from tracker.imports.routes import _changed_lines

    zhang = db.session.get(Member, world.member.id)
    now = directory.shown_values(zhang)[field]
    row = ChangedRow(line=2, name=zhang.name, phone=zhang.phone, member=zhang,
                     changes=[directory.ShownChange(field, None, now, known=False)])
    with app.test_request_context():
        [(_row, [line])] = _changed_lines([row])
        label = str(getattr(MemberForm, field).args[0])
    assert line.startswith(f"{label}：现为"), (line, label)
