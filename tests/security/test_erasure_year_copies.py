"""An erasure (删除个人信息) reaches the 年度总结 as signed (yearerase): every copy kept at a
定稿 of a year whose activities or words named the person — the one in force and one
re-opened since — loses her name, address and phone in its page, .docx, .xlsx and .csv,
as a signed 月报's copy does; every other word and every figure stay as signed, and the
copy says when it was redacted. The live year's words lose her alike, so the 已定稿 year
still reads as signed: no 「定稿后数据有变化」. A year's copy that does not name her stays
byte for byte.
"""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import docx
import openpyxl
import pytest
from sqlalchemy import select

from tests.residents.support import name_served
from tests.residents.support import resident as make_resident
from tracker.extensions import db
from tracker.models import AuditEvent, SummaryScope, YearCopy
from tracker.reports import annual_final
from tracker.services import unit_of_work
from tracker.services.year_notes import save_year_notes

YEAR = 2022  # the October 2022 dataset's year: over, so it may be signed
NAME, ADDRESS, PHONE = "赵奶奶", "解放路12号3单元201", "13912345678"
MARK = "（服务对象信息已删除）"
# the year's words as written, and as they read once she is erased (the rule: each of
# her name, address and phone becomes the marker, nothing else changes)
PROBLEMS = (f"空巢老人{NAME}（{ADDRESS}）独居，走访须两人同行。",
            f"空巢老人{MARK}（{MARK}）独居，走访须两人同行。")
PLANS = (f"为{NAME}联系家庭医生（电话{PHONE}）。", f"为{MARK}联系家庭医生（电话{MARK}）。")
TITLE = "县商务局2022年社区共建工作总结"


def _q(october) -> str:
    return f"unit={october.unit.id}&year={YEAR}"


def _serve_and_write(october, problems: str, plans: str):
    """赵奶奶 of 解放路社区, served by October's 慰问老人; the unit's 2022 words
    (``problems``, ``plans``) written by the admin."""
    person = make_resident(october.jiefang, october.liaison, name=NAME, phone=PHONE)
    name_served(october.tasks["慰问老人"], [person])
    db.session.commit()
    with unit_of_work():
        save_year_notes(october.admin, SummaryScope(unit_id=october.unit.id), YEAR,
                        problems, plans)
    return person


@pytest.fixture
def signed_year(client, login, october):
    """赵奶奶, served by October's 慰问老人; the unit's 2022 words name her (name,
    address, phone). The admin signed the year, re-opened it and signed it again: two
    kept copies naming her, the second in force. 解放路社区's own 2022 summary, whose
    words do not name her, signed too."""
    person = _serve_and_write(october, PROBLEMS[0], PLANS[0])
    with unit_of_work():
        annual_final.finalize_year(october.admin, SummaryScope(community_id=october.jiefang.id),
                                   YEAR)
    login(october.admin)
    for step in ("finalize", "reopen", "finalize"):
        assert client.post(f"/reports/annual/{step}?{_q(october)}",
                           data={"confirmed": "1"}).status_code == 302
    return person


def _office_text(data: bytes) -> str:
    """An .xlsx's cells (openpyxl) or a .docx's paragraphs and table cells (python-docx):
    the text a reader sees, not the XML (openpyxl stores 赵 as ``&#36213;``)."""
    if "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist():
        book = openpyxl.load_workbook(io.BytesIO(data))
        return "\n".join(str(cell.value) for sheet in book for row in sheet.iter_rows()
                         for cell in row if cell.value is not None)
    document = docx.Document(io.BytesIO(data))
    return "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for r in t.rows for c in r.cells])


def _page_text(html: str) -> str:
    return re.sub(r"<[^>]*>", "", html)


def _holds_her(text: str) -> bool:
    return any(value in text for value in (NAME, ADDRESS, PHONE))


def _numbers(data: bytes) -> list[list[str]]:
    """The signed .csv's figures: every cell that is a number, where it stands."""
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    return [[cell if re.fullmatch(r"[\d.]+", cell) else "" for cell in row] for row in rows]


def _copies(october) -> list[YearCopy]:
    return list(db.session.scalars(select(YearCopy).where(YearCopy.note_id.in_(
        select(YearCopy.note_id).where(YearCopy.title == TITLE))).order_by(YearCopy.id)))


def _texts(client, october, copy: YearCopy, *, current: bool) -> dict[str, str]:
    """The copy's four formats as a reader gets them: the stored page, and the files
    downloaded — from the year's page (the copy in force) or its 定稿记录."""
    files = {}
    for fmt in ("docx", "xlsx", "csv"):
        url = (f"/reports/annual.{fmt}?{_q(october)}" if current
               else f"/reports/annual/signed/{copy.id}.{fmt}?{_q(october)}")
        response = client.get(url)
        assert response.status_code == 200
        files[fmt] = (response.data.decode("utf-8-sig") if fmt == "csv"
                      else _office_text(response.data))
    return {"page": _page_text(copy.page), **files}


def test_the_export_lists_the_signed_years_naming_her(client, october, signed_year):
    held = json.loads(client.post(f"/residents/{signed_year.id}/export")
                      .get_data(as_text=True))
    assert [c["title"] for c in held["signed_reports_naming_them"]] == [TITLE, TITLE]


def test_every_signed_copy_of_the_year_loses_her_and_keeps_the_rest(client, october,
                                                                  signed_year):
    old, current = _copies(october)
    assert old.reopened_at is not None and current.reopened_at is None
    for copy, is_current in ((old, False), (current, True)):
        texts = _texts(client, october, copy, current=is_current)
        assert all(_holds_her(text) for text in texts.values())  # they named her when signed
    figures = {copy.id: _numbers(copy.csv) for copy in (old, current)}
    signed_at = {copy.id: copy.finalized_at for copy in (old, current)}
    community = db.session.scalar(select(YearCopy).where(YearCopy.title != TITLE))
    untouched = (community.page, community.csv, community.docx, community.xlsx)

    assert client.post(f"/residents/{signed_year.id}/erase",
                       data={"confirm": "y"}).status_code == 302
    db.session.expire_all()

    old, current = _copies(october)
    for copy, is_current in ((old, False), (current, True)):
        assert copy.redacted_at is not None and copy.finalized_at == signed_at[copy.id]
        assert _numbers(copy.csv) == figures[copy.id]  # every figure as signed
        for fmt, text in _texts(client, october, copy, current=is_current).items():
            # the .xlsx wraps a paragraph over cells as signed: read them as one text
            text = text.replace("\n", "")
            assert not _holds_her(text), fmt
            assert PROBLEMS[1] in text and PLANS[1] in text, fmt
    trail = list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "redact_copy").order_by(AuditEvent.id)))
    assert [(e.entity_type, e.entity_id) for e in trail] == [
        ("year_copy", old.id), ("year_copy", current.id)]
    assert all(e.detail["resident_id"] == signed_year.id for e in trail)
    assert not _holds_her(json.dumps([e.detail for e in trail], ensure_ascii=False))
    # the community's year did not name her: as signed, byte for byte
    community = db.session.get(YearCopy, community.id)
    assert (community.page, community.csv, community.docx, community.xlsx) == untouched
    assert community.redacted_at is None


def test_the_signed_year_still_reads_as_signed_after_the_erasure(client, october,
                                                                signed_year):
    page = client.get(f"/reports/annual?{_q(october)}").get_data(as_text=True)
    assert "本年度总结已定稿" in page and "定稿后数据有变化" not in page
    assert client.post(f"/residents/{signed_year.id}/erase",
                       data={"confirm": "y"}).status_code == 302

    page = client.get(f"/reports/annual?{_q(october)}").get_data(as_text=True)
    assert "本年度总结已定稿" in page and "以下是定稿时的年度总结" in page
    assert "定稿后数据有变化" not in page and 'data-figure="changed_since_final"' not in page
    assert not _holds_her(page) and PROBLEMS[1] in page and PLANS[1] in page
    assert "已按删除个人信息的要求脱敏" in re.search(
        r'data-figure="redacted">(.*?)</p>', page, re.S).group(1)
    history = re.search(r'data-figure="signed_history".*?</details>', page, re.S).group(0)
    assert history.count("已按删除个人信息的要求脱敏") == 2  # both 定稿 of the year
    # the live year's words read as the signed copy's
    live = client.get(f"/reports/annual.csv?{_q(october)}&current=1").data.decode("utf-8-sig")
    assert not _holds_her(live) and PROBLEMS[1] in live and PLANS[1] in live


def test_a_year_copy_still_naming_her_is_not_claimed_redacted(client, october, signed_year,
                                                              monkeypatch):
    """If a format of a signed year would still name her after the redaction, the erasure
    stops, says which 年度总结, and writes nothing."""
    from tracker.services import erasure

    monkeypatch.setattr(erasure, "_unref", lambda text: text)  # the .xlsx's text unseen
    response = client.post(f"/residents/{signed_year.id}/erase", data={"confirm": "y"},
                           follow_redirects=True)
    assert f"已定稿的年度总结「{TITLE}」中仍有该服务对象的信息，未能脱敏" in response.get_data(
        as_text=True)
    db.session.expire_all()
    assert all(c.redacted_at is None and _holds_her(c.csv.decode("utf-8-sig"))
               for c in _copies(october))
    assert db.session.get(type(signed_year), signed_year.id).name == NAME
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action.in_(
        ("redact_copy", "erase")))) is None


def test_her_name_broken_over_two_lines_of_the_xlsx_goes_too(client, login, october):
    """The .xlsx's summary sheet breaks each paragraph into lines of its own (a line
    break in the cell's text): a name that falls across one is still her name, to a
    reader and to the erasure."""
    words = "走访中发现部分独居老人家中电路老化，需尽快排查，其中{}家最为突出。"
    person = _serve_and_write(october, words.format(NAME), "")
    login(october.admin)
    assert client.post(f"/reports/annual/finalize?{_q(october)}", data={"confirmed": "1"}).status_code == 302
    (copy,) = _copies(october)
    cells = _office_text(copy.xlsx)
    assert NAME not in cells and NAME in cells.replace("\n", "")  # broken as signed

    assert client.post(f"/residents/{person.id}/erase", data={"confirm": "y"}).status_code == 302
    db.session.expire_all()
    copy = db.session.get(YearCopy, copy.id)
    cells = _office_text(copy.xlsx).replace("\n", "")
    assert NAME not in cells and words.format(MARK) in cells
    assert copy.redacted_at is not None
