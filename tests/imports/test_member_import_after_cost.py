"""What the member import tells after 确认导入 of the signed (已定稿) 月报 and 年度总结 it
may change, and what it costs (review39b #2, #6). A roster re-import that respells
党支部 renames most rows, and a renamed member on a roll since always may be printed
by every signed month of their unit: comparing each page in the request (a rebuild
each) passed the worker's timeout at a county's scale, after the import was written.
Past ``told.COMPARED_AT_MOST`` documents the message names the set the preview named
and 确认导入 confirmed as what may have changed, uncompared (each page compares when
opened), at most ``told.NAMED_AT_MOST`` of them by name; a small set is still
compared. ``flask import-members`` prints the same message after its write."""
from __future__ import annotations

from tests import factories as f
from tests.imports.helpers import xlsx_bytes
from tests.imports.test_member_import_changed_since_preview import confirm_form
from tests.imports.test_member_import_signed_preview import WITH_DAY, _sign, _upload
from tests.web.roll_support import page_of
from tracker.admin import told
from tracker.extensions import db
from tracker.models import Member

MONTHS_2023 = [(2023, month) for month in range(1, 13)]
UNCOMPARED = "这次导入涉及的已定稿月报和年度总结较多（36份），未逐份核对，以下文件的数据可能已改变："


def _three_units_signed(world) -> list[Member]:
    """Three units, each with a member on its roll since always and its twelve months
    of 2023 signed (36 documents that may print them); the members, one a unit."""
    members = [db.session.get(Member, world.other_member.id)]
    for name in ("县财政局", "县教育局"):
        unit = f.unit(name)
        members.append(f.member(unit, name=f"{name[1:3]}党员"))
    db.session.commit()
    for member in members:
        _sign(world, *MONTHS_2023, unit=member.unit)
    return members


def _respelled(members) -> list[tuple]:
    """The roster again, each 党支部 respelled: every member renamed."""
    return [(m.name, m.phone, m.unit.name, "第一党支部", "", "", "", "") for m in members]


def test_a_rename_across_many_signed_months_is_told_as_may_have_changed_uncompared(
        client, login, world, builds):
    assert 36 > told.COMPARED_AT_MOST  # the rule this test holds
    members = _three_units_signed(world)
    login(world.admin)
    url = _upload(client, _respelled(members))
    page = page_of(client.get(url))
    builds.clear()
    response = client.post(url, data=confirm_form(page, url))
    assert response.status_code == 302
    # no signed document is rebuilt in the confirming request
    assert builds == []
    # the session cookie that carries the flashes stays well under a browser's ~4 KB
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies and all(len(c) < 3000 for c in cookies)
    done = page_of(client.get(response.headers["Location"]))
    assert "导入完成：新增0人，更新3人" in done
    for member in members:
        assert db.session.get(Member, member.id).branch == "第一党支部"
    # the set confirmed named as what may have changed: the first ones, and the count
    start = done.index(UNCOMPARED)
    message = done[start:done.index("。", start + len(UNCOMPARED))]
    named = message[len(UNCOMPARED):]
    assert named.endswith("等36份")
    assert named.count("、") == told.NAMED_AT_MOST - 1
    assert "如需按导入后的数据定稿，请重新打开后再次定稿。" in done
    assert "这次导入涉及已定稿的月报：" not in done  # nothing said compared


def test_a_rename_across_a_few_signed_months_is_still_compared(client, login, world, builds):
    # one unit, two signed months: the pages' comparisons run, and say what changed
    _sign(world, (2023, 1), (2023, 2))
    li = db.session.get(Member, world.other_member.id)
    unit = world.unit.name
    login(world.admin)
    url = _upload(client, [("李思", li.phone, unit, li.branch or "", "", "", "", "")])
    page = page_of(client.get(url))
    builds.clear()
    done = page_of(client.post(url, data=confirm_form(page, url), follow_redirects=True))
    assert builds == ["月报", "月报"]
    assert f"这次导入涉及已定稿的月报：{unit}2023年1月、{unit}2023年2月。" in done
    assert "可能已改变" not in done


def test_a_message_names_at_most_a_few_documents(app):
    # a message the flashes carry names NAMED_AT_MOST and counts the rest in
    with app.test_request_context():
        names = [f"县商务局2023年{m}月" for m in range(1, 13)]
        assert told.capped(names[:told.NAMED_AT_MOST]) == "、".join(names[:told.NAMED_AT_MOST])
        assert told.capped(names) == "、".join(names[:told.NAMED_AT_MOST]) + "等12份"


def test_the_command_says_after_its_write_which_signed_documents_changed(runner, world, tmp_path):
    # a small set: compared, as the page's message says it
    _sign(world, (2023, 1))
    li = db.session.get(Member, world.other_member.id)
    unit = world.unit.name
    path = tmp_path / "members.xlsx"
    path.write_bytes(xlsx_bytes([("李思", li.phone, unit, li.branch or "", "", "", "", "")],
                                header=WITH_DAY))
    done = runner.invoke(args=["import-members", str(path)])
    assert done.exit_code == 0, done.output
    after = done.output[done.output.index("导入完成"):]
    assert f"这次导入涉及已定稿的月报：{unit}2023年1月。" in after


def test_the_command_names_a_large_set_as_may_have_changed(runner, world, tmp_path, builds):
    members = _three_units_signed(world)
    path = tmp_path / "members.xlsx"
    path.write_bytes(xlsx_bytes(_respelled(members), header=WITH_DAY))
    builds.clear()
    done = runner.invoke(args=["import-members", str(path)])
    assert done.exit_code == 0, done.output
    after = done.output[done.output.index("导入完成"):]
    assert UNCOMPARED in after and "等36份" in after
    assert builds == []
