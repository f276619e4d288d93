"""Control characters in typed text are not kept: Word and WPS paste a vertical tab
(or a form feed) for a Shift+Enter line break, and a Word or Excel export cannot hold
one (python-docx and openpyxl refuse the whole file). Every text field of every form
and every cell of an import go through ``fields.clean_text``: a vertical tab or a form
feed becomes a line break, the other control characters are left out. A one-line field
(a title, a place, a name) keeps no line break at all (``fields.strip_line``): a title
with one stopped the reminder run (review37 F1)."""
from __future__ import annotations


from sqlalchemy import select
from wtforms import HiddenField, PasswordField, SearchField, StringField, TextAreaField
from wtforms.fields.core import UnboundField

from tests.app_forms import app_forms
from tests.imports.helpers import csv_bytes
from tests.web.progress_setup import build_double
from tracker.extensions import db
from tracker.fields import HoursField, WholeNumberField, clean_text, strip_line, strip_text
from tracker.funds.forms import MoneyField
from tracker.models import Finding, ReportStatus, TaskReport
from tracker.progress.forms import DateText
from tracker.services import member_import as mi

# Text fields that are parsed, never stored as typed: a pattern refuses anything else.
PARSED = {
    ("LoginForm", "phone"), ("MonthlyForm", "month"), ("PeriodForm", "month"),
    ("PeriodForm", "year"), ("CoverageForm", "month"), ("CoverageForm", "year"),
    ("FindingFilterForm", "month"),
}
# Field classes that parse their input themselves (numbers, money, dates), the list
# pages' keyword box (a GET filter, not stored), hidden fields and passwords (taken
# exactly as typed).
PARSING_FIELDS = (PasswordField, WholeNumberField, HoursField, MoneyField, DateText,
                  SearchField, HiddenField)


def test_clean_text():
    assert clean_text("第一行\x0b第二行\x0c第三行") == "第一行\n第二行\n第三行"
    assert clean_text("a\x00b\x01c\x08d\x0ee\x1ff\ufffeg\uffff") == "abcdefg"
    assert clean_text("制表\t换行\r\n照旧") == "制表\t换行\r\n照旧"
    assert strip_text(" \x0b 清理完成。\x07\x0b") == "清理完成。"
    # one line: CR, LF, VT, FF, NEL and the Unicode line and paragraph separators alike
    assert strip_line(" 楼道清理\r\n第二行\x0b三\x0c四\x85五\u2028六\u2029七 ") \
        == "楼道清理 第二行 三 四 五 六 七"
    assert strip_line("制表\t照旧　全角空格照旧") == "制表\t照旧　全角空格照旧"


def test_every_text_field_of_every_form_filters_what_was_typed():
    unfiltered = []
    for form in app_forms():
        for name in dir(form):
            field = getattr(form, name, None)
            if (isinstance(field, UnboundField) and issubclass(field.field_class, StringField)
                    and not issubclass(field.field_class, PARSING_FIELDS)
                    and (form.__name__, name) not in PARSED
                    and not {strip_text, strip_line} & set(field.kwargs.get("filters") or ())):
                unfiltered.append(f"{form.__module__}.{form.__name__}.{name}")
    assert not unfiltered


def test_every_one_line_field_keeps_no_line_break():
    """Only a text area (说明, 情况说明, 存在问题 …) keeps its line breaks."""
    kept = []
    for form in app_forms():
        for name in dir(form):
            field = getattr(form, name, None)
            if (isinstance(field, UnboundField) and issubclass(field.field_class, StringField)
                    and not issubclass(field.field_class, TextAreaField)
                    and strip_text in (field.kwargs.get("filters") or ())):
                kept.append(f"{form.__module__}.{form.__name__}.{name}")
    assert not kept


def test_a_report_note_pasted_from_word_is_stored_clean(client, world, login):
    login(world.leader)
    response = client.post(f"/tasks/{world.past_task.id}/report", data={
        "note": "清理完成。\x0b第二行\x01"})
    assert response.status_code == 302
    db.session.expire_all()
    report = db.session.scalar(select(TaskReport).where(TaskReport.task_id == world.past_task.id))
    assert report.note == "清理完成。\n第二行"


def test_a_finding_pasted_from_word_is_stored_clean(client, world, login):
    double = build_double(world)
    double.survey.report.status = ReportStatus.submitted  # 待审核: findings may be added
    db.session.commit()
    login(world.leader)
    response = client.post(f"/progress/tasks/{double.survey.id}/findings", data={
        "kind": "sidewalk", "place": "建设路\x0c12号门前", "description": "地砖松动\x0b两处\x1f"})
    assert response.status_code == 302
    # 位置 is one line (the break a space), 问题描述 keeps its lines
    finding = db.session.scalar(select(Finding).where(Finding.place == "建设路 12号门前"))
    assert finding is not None and finding.description == "地砖松动\n两处"


def test_imported_names_are_clean(world):
    data = csv_bytes([("钱\x0b七", "13700000001", "县商务局", "一支部\x01", "党员干部", "")])
    parsed = mi.parse_rows(mi.read_table("名单.csv", data))
    assert not parsed.file_errors
    [row] = parsed.rows
    # the vertical tab is a line break, and a name keeps no blank between its characters
    assert (row.name, row.branch) == ("钱七", "一支部")
