"""The import pages: upload, preview with errors, confirm; and the command."""
import io
import json
import os
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.imports.helpers import HEADER, xlsx_bytes
from tracker.extensions import db
from tracker.models import Member
from tracker.services.member_import import template_xlsx

GOOD = [("钱七", "13700000001", "县商务局", "一支部", "党员干部", ""),
        ("孙八", "13700000002", "县商务局", "", "社区联络员", "解放路社区")]


def upload(client, data: bytes, name="名单.xlsx"):
    return client.post("/imports/members", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def members_count():
    return db.session.scalar(select(func.count()).select_from(Member))


def test_upload_preview_confirm(client, login, world, app):
    login(world.admin)
    before = members_count()
    response = upload(client, xlsx_bytes(GOOD))
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    # The rows wait on the server, not in the cookie.
    token = preview_url.rsplit("/", 1)[-1]
    folder = Path(app.config["UPLOAD_FOLDER"]) / "member-imports"
    stored = json.loads((folder / f"{token}.json").read_text("utf-8"))
    assert [r["phone"] for r in stored["rows"]] == ["13700000001", "13700000002"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "检查通过，可以导入。" in page and "确认导入" in page
    assert members_count() == before  # nothing written by the preview
    response = client.post(preview_url, follow_redirects=True)
    assert "导入完成：新增2人，更新0人，0人无变化。" in response.get_data(as_text=True)
    assert members_count() == before + 2
    assert client.get(preview_url).status_code == 404  # used up


def test_preview_lists_row_errors_and_refuses(client, login, world):
    login(world.admin)
    rows = GOOD + [("", "12345", "县财政局", "", "书记", "")]
    preview_url = upload(client, xlsx_bytes(rows)).headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    for message in ("缺少姓名。", "手机号“12345”不正确", "单位“县财政局”不存在", "角色“书记”无法识别"):
        assert message in page
    assert "确认导入" not in page
    before = members_count()
    response = client.post(preview_url, follow_redirects=True)
    assert "未导入任何数据" in response.get_data(as_text=True)
    assert members_count() == before


def test_bad_files_on_the_same_form(client, login, world):
    login(world.admin)
    assert "请选择要上传的文件。" in client.post("/imports/members", data={}).get_data(as_text=True)
    page = upload(client, b"x", name="名单.xls").get_data(as_text=True)
    assert "另存为 .xlsx" in page
    page = upload(client, xlsx_bytes([], header=["姓名", "单位"])).get_data(as_text=True)
    assert "缺少手机号。" in page


def test_another_admins_token_is_not_found(client, login, world, app):
    from tests import factories as f
    from tracker.models import Role

    second = f.member(world.unit, Role.admin, "另一管理员")
    db.session.commit()
    login(world.admin)
    preview_url = upload(client, xlsx_bytes(GOOD)).headers["Location"]
    login(second)
    assert client.get(preview_url).status_code == 404
    assert client.post(preview_url).status_code == 404
    assert client.get("/imports/members/..%2F..%2Fsecret").status_code == 404


def test_template_download(client, login, world):
    login(world.admin)
    response = client.get("/imports/members/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert [c.value for c in book["党员名单"][1]] == [*HEADER, "自何日起"]  # the last optional
    assert "县商务局" in [row[0].value for row in book["填写说明"].iter_rows()]


def test_the_template_itself_imports_once_filled(world):
    from openpyxl import load_workbook as load
    from tracker.services import member_import as mi

    book = load(io.BytesIO(template_xlsx(["县商务局"])))
    book["党员名单"].append(["钱七", "13700000001", "县商务局", "", "党员干部", ""])
    # a day typed into 自何日起 becomes a date cell: read as the day it shows
    book["党员名单"].append(["孙八", "13700000002", "县商务局", "", "", "", "",
                         datetime(2020, 3, 2)])
    buffer = io.BytesIO()
    book.save(buffer)
    preview = mi.check_rows(mi.parse_rows(mi.read_table("t.xlsx", buffer.getvalue())).rows)
    assert preview.ok and preview.count("create") == 2, [r.errors for r in preview.rows]
    assert [r.roll_from for r in preview.rows] == ["", "2020-03-02"]


def test_command_dry_run_then_import(runner, world, tmp_path):
    path = tmp_path / "members.xlsx"
    path.write_bytes(xlsx_bytes(GOOD))
    before = members_count()
    result = runner.invoke(args=["import-members", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "将新增2人" in result.output and members_count() == before
    result = runner.invoke(args=["import-members", str(path)])
    assert result.exit_code == 0 and "新增2人" in result.output
    assert members_count() == before + 2
    result = runner.invoke(args=["import-members", str(path)])
    assert "新增0人，更新0人，2人无变化" in result.output
    assert members_count() == before + 2


def test_command_reports_bad_rows(runner, world, tmp_path):
    path = tmp_path / "members.csv"
    path.write_text("姓名,手机号,单位\n钱七,137,县商务局\n", encoding="utf-8-sig")
    result = runner.invoke(args=["import-members", str(path)])
    assert result.exit_code == 1
    assert "第2行：" in result.output and "不正确" in result.output


def test_command_reads_a_relative_file_in_the_folder_the_admin_started_it_in(
        runner, world, tmp_path, monkeypatch):
    """tracker-flask runs the command in the app's folder and names the admin's folder
    in TRACKER_CALLER_DIR: `import-members members.xlsx` is the admin's file."""
    admins = tmp_path / "admin"
    admins.mkdir()
    (admins / "members.xlsx").write_bytes(xlsx_bytes(GOOD))
    monkeypatch.chdir(tmp_path)  # where the command runs: no members.xlsx here
    monkeypatch.setenv("TRACKER_CALLER_DIR", str(admins))
    result = runner.invoke(args=["import-members", "members.xlsx", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "将新增2人" in result.output


def test_command_tells_a_missing_file_from_one_it_may_not_read(runner, world, tmp_path):
    """In Chinese, with the path and who ran the command where (tracker/ops/files.py);
    a mode does not stop root, so the unreadable case runs as another user only."""
    result = runner.invoke(args=["import-members", str(tmp_path / "gone.xlsx")])
    assert result.exit_code == 1
    assert "找不到" in result.output and str(tmp_path / "gone.xlsx") in result.output
    assert "命令以用户" in result.output
    if os.geteuid() != 0:
        locked = tmp_path / "locked.xlsx"
        locked.write_bytes(xlsx_bytes(GOOD))
        locked.chmod(0)
        result = runner.invoke(args=["import-members", str(locked)])
        assert result.exit_code == 1
        assert "无法读取" in result.output and "找不到" not in result.output
def test_the_preview_says_a_switched_off_member_stays_switched_off(client, login, world):
    login(world.admin)
    world.other_member.active = False
    db.session.commit()
    rows = [(world.other_member.name, world.other_member.phone, "县商务局", "第二党支部", "", "")]
    page = client.get(upload(client, xlsx_bytes(rows)).headers["Location"]).get_data(as_text=True)
    assert "账号已停用，导入后仍为停用" in page
    active = [(world.member.name, world.member.phone, "县商务局", "第二党支部", "", "")]
    page = client.get(upload(client, xlsx_bytes(active)).headers["Location"]).get_data(as_text=True)
    assert "账号已停用" not in page
