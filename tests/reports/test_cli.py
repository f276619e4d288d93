"""`flask monthly-report`."""
import csv
import io

import pytest
from docx import Document
from openpyxl import load_workbook


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "csv", "html"])
def test_monthly_report_command(runner, october, tmp_path, fmt):
    out = tmp_path / f"report.{fmt}"
    result = runner.invoke(args=["monthly-report", "--unit", "县商务局", "--month", "2022-10",
                                 "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    title = "县商务局2022年10月社区共建工作情况"
    if fmt == "docx":
        assert Document(str(out)).paragraphs[0].text == title
    elif fmt == "xlsx":
        assert load_workbook(out)["汇总"]["A1"].value == title
    elif fmt == "csv":
        assert next(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig")))) == [title]
    else:
        html = out.read_text("utf-8")
        assert f"<title>{title}</title>" in html and "本月活动台账" in html
        assert "<script" not in html


def test_community_report_default_name(runner, october, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(args=["monthly-report", "--community", "解放路社区", "--month", "2022-10"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "解放路社区2022年10月社区共建工作情况.docx").exists()


@pytest.mark.parametrize("args,message", [
    (["--month", "2022-10"], "--unit"),
    (["--unit", "县商务局", "--month", "2022-13"], "月份格式不正确"),
    (["--unit", "县水利局", "--month", "2022-10"], "不存在"),
])
def test_bad_arguments(runner, october, args, message):
    result = runner.invoke(args=["monthly-report", *args])
    assert result.exit_code != 0
    assert message in result.output


def test_a_month_to_come_is_refused_as_the_web_refuses_it(runner, october, tmp_path):
    """A month that has not begun has no 月报: the command writes nothing and says
    so in the words of the page and the downloads."""
    out = tmp_path / "report.csv"
    result = runner.invoke(args=["monthly-report", "--unit", "县商务局", "--month", "2099-05",
                                 "--format", "csv", "-o", str(out)])
    assert result.exit_code != 0
    assert "这个月份还没有到，月报只能生成本月及以前的月份。" in result.output
    assert not out.exists()


def test_a_report_that_cannot_be_written_names_the_file_and_why(runner, october, tmp_path):
    blocker = tmp_path / "blocker"  # a file where the report's folder should be
    blocker.write_bytes(b"")
    result = runner.invoke(args=["monthly-report", "--unit", "县商务局", "--month", "2022-10",
                                 "-o", str(blocker / "report.docx")])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "无法写入" in result.output and str(blocker / "report.docx") in result.output


def test_relative_and_default_outputs_land_in_the_folder_the_admin_started_it_in(
        runner, october, tmp_path, monkeypatch):
    """tracker-flask runs the command in the app's folder and names the admin's folder
    in TRACKER_CALLER_DIR: `-o report.csv`, and the default name, are written there."""
    admins, app_folder = tmp_path / "admin", tmp_path / "app"
    admins.mkdir()
    app_folder.mkdir()
    monkeypatch.chdir(app_folder)
    monkeypatch.setenv("TRACKER_CALLER_DIR", str(admins))
    result = runner.invoke(args=["monthly-report", "--unit", "县商务局", "--month", "2022-10",
                                 "--format", "csv", "-o", "out/report.csv"])
    assert result.exit_code == 1  # out/ is not there in the admin's folder either
    assert str(admins / "out" / "report.csv") in result.output
    (admins / "out").mkdir()
    (app_folder / "out").mkdir()
    for args in (["-o", "out/report.csv"], []):
        result = runner.invoke(args=["monthly-report", "--unit", "县商务局", "--month", "2022-10",
                                     "--format", "csv", *args])
        assert result.exit_code == 0, result.output
    assert (admins / "out" / "report.csv").exists()
    assert (admins / "县商务局2022年10月社区共建工作情况.csv").exists()
    assert list(app_folder.rglob("*.csv")) == []
    result = runner.invoke(args=["monthly-report", "--unit", "县商务局", "--month", "2022-10",
                                 "--format", "csv", "-o", "-"])  # stdout stays stdout
    assert result.exit_code == 0 and "县商务局2022年10月" in result.output
