"""`flask monthly-report` and `flask annual-report`."""
import csv
import io
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import SummaryCopy, SummaryScope, YearCopy
from tracker.reports import annual_final, final
from tracker.services import unit_of_work, year_notes
from tracker.services.reviews import approve_report


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


# --- the 年度总结: the same command, the year for the month ------------------------------

ANNUAL_TITLE = "县商务局2022年社区共建工作总结"  # design.md: 「县商务局2026年社区共建工作总结」


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "csv", "html"])
def test_annual_report_command(runner, october, tmp_path, fmt):
    out = tmp_path / f"report.{fmt}"
    result = runner.invoke(args=["annual-report", "--unit", "县商务局", "--year", "2022",
                                 "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    if fmt == "docx":
        assert Document(str(out)).paragraphs[0].text == ANNUAL_TITLE
    elif fmt == "xlsx":
        assert load_workbook(out)["汇总"]["A1"].value == ANNUAL_TITLE
    elif fmt == "csv":
        text = out.read_bytes().decode("utf-8-sig")
        assert next(csv.reader(io.StringIO(text))) == [ANNUAL_TITLE]
        assert "分月统计" in text
    else:
        html = out.read_text("utf-8")
        assert f"<title>{ANNUAL_TITLE}</title>" in html and "分月统计" in html
        assert "<script" not in html


def test_a_communitys_annual_report_default_name(runner, october, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(args=["annual-report", "--community", "解放路社区", "--year", "2022"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "解放路社区2022年社区共建工作总结.docx").exists()


@pytest.mark.parametrize("args,message", [
    (["--year", "2022"], "请指定 --unit 或 --community。"),
    (["--unit", "县商务局", "--year", "22"], "年份格式不正确，请填写四位数字，如 2026。"),
    (["--unit", "县商务局", "--year", "2022-10"], "年份格式不正确，请填写四位数字，如 2026。"),
    (["--unit", "县商务局", "--year", "2099"], "这一年还没有到，年度总结只能生成今年及以前的年份。"),
    (["--unit", "县水利局", "--year", "2022"], "“县水利局”不存在。"),
    (["--community", "人民路社区", "--year", "2022"], "“人民路社区”不存在。"),
])
def test_annual_report_bad_arguments(runner, october, tmp_path, args, message):
    out = tmp_path / "report.docx"
    result = runner.invoke(args=["annual-report", *args, "-o", str(out)])
    assert result.exit_code != 0
    assert message in result.output
    assert not out.exists()


@pytest.mark.parametrize("args", [
    ["--community", "人民路社区"], ["--unit", "县水利局"], ["--unit", "县商务局", "--format", "pdf"],
    [],
])
def test_both_commands_refuse_a_name_or_format_in_the_same_words(runner, october, args):
    """An unknown unit, community or format (and neither named): the 月报's words, word
    for word, whichever document was asked for."""
    monthly = runner.invoke(args=["monthly-report", *args, "--month", "2022-10"])
    annual = runner.invoke(args=["annual-report", *args, "--year", "2022"])
    assert monthly.exit_code == annual.exit_code == 2
    error = [line for line in monthly.output.splitlines() if line.startswith("Error")]
    assert error and error == [line for line in annual.output.splitlines()
                               if line.startswith("Error")]
    assert "annual-report" in annual.output


def _signed_year(o):
    """2022 marked 已定稿 (on 5 January 2023), then an admin approves October's pending
    report, so the live year has one more activity than the signed one."""
    with unit_of_work():
        annual_final.finalize_year(o.admin, SummaryScope(unit_id=o.unit.id), 2022,
                                   today=date(2023, 1, 5))
    with unit_of_work():
        approve_report(o.tasks["待审核整治"].report, o.admin)
    return db.session.scalar(select(YearCopy))


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "csv"])
def test_a_final_year_is_written_as_it_was_signed(runner, october, tmp_path, fmt):
    copy = _signed_year(october)
    out = tmp_path / f"report.{fmt}"
    result = runner.invoke(args=["annual-report", "--unit", "县商务局", "--year", "2022",
                                 "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == getattr(copy, fmt)


def test_a_final_years_html_is_the_page_kept_at_its_final(runner, october, tmp_path):
    copy = _signed_year(october)
    out = tmp_path / "report.html"
    result = runner.invoke(args=["annual-report", "--unit", "县商务局", "--year", "2022",
                                 "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text("utf-8")
    assert f"<title>{ANNUAL_TITLE}</title>" in html and copy.page in html


def test_a_final_year_differs_from_the_live_one_and_is_named_as_signed(
        runner, october, tmp_path, monkeypatch):
    """The signed copy, not the live year re-rendered: after the approval the live .csv
    is another document, and the default file name is the signed title's."""
    copy = _signed_year(october)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(args=["annual-report", "--unit", "县商务局", "--year", "2022",
                                 "--format", "csv"])
    assert result.exit_code == 0, result.output
    written = (tmp_path / f"{ANNUAL_TITLE}.csv").read_bytes()
    assert written == copy.csv
    # re-opened, the year is live again: the approval is in it, under the plain title
    with unit_of_work():
        year_notes.reopen_year(october.admin, SummaryScope(unit_id=october.unit.id), 2022)
    result = runner.invoke(args=["annual-report", "--unit", "县商务局", "--year", "2022",
                                 "--format", "csv", "-o", "live.csv"])
    assert result.exit_code == 0, result.output
    live = (tmp_path / "live.csv").read_bytes()
    assert live != written
    assert live.decode("utf-8-sig").splitlines()[0] == ANNUAL_TITLE


def test_a_final_month_is_written_as_it_was_signed(runner, october, tmp_path):
    """The 月报's command, on the code it now shares with the year's."""
    with unit_of_work():
        final.finalize(october.admin, SummaryScope(unit_id=october.unit.id), 2022, 10,
                       today=date(2022, 11, 2))
    with unit_of_work():
        approve_report(october.tasks["待审核整治"].report, october.admin)
    copy = db.session.scalar(select(SummaryCopy))
    out = tmp_path / "report.csv"
    result = runner.invoke(args=["monthly-report", "--unit", "县商务局", "--month", "2022-10",
                                 "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == copy.csv
