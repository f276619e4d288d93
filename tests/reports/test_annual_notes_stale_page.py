"""The 年度总结's 存在问题 / 下步打算 saved from a page read before someone else saved
them (review "annual2" #1), as the 月报's (tests/reports/test_notes_stale_page.py).

The rule: an admin and the community's liaison may both write the year's words. A save
from an older page keeps the other's words in the field it left as its page showed
them; where both wrote the same field differently it is refused on the same page
「存在问题和下步打算已被他人修改，请核对后重新保存。」, what was typed kept in the form, the
other's words shown next to it, nothing written.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.web.stale_support import by, form_on, signed_in, text
from tracker.extensions import db
from tracker.models import YearNote

NOTES_STALE = "存在问题和下步打算已被他人修改，请核对后重新保存。"


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def two(app, october):
    """The admin's and the liaison's browsers, and the community's 2022 年度总结 page."""
    page = f"/reports/annual?community={october.jiefang.id}&year=2022"
    return signed_in(app, october.admin), signed_in(app, october.liaison), page


def stored(october):
    db.session.expire_all()
    note = db.session.scalar(select(YearNote).where(
        YearNote.community_id == october.jiefang.id, YearNote.year == 2022))
    return None if note is None else (note.problems, note.plans)


def save(browser, page_html: str, **typed):
    action = next(a for a in re.findall(r'action="([^"]+)"', page_html)
                  if "/reports/annual/notes" in a)
    return by(browser).post(action, data=form_on(page_html, "/reports/annual/notes", **typed))


def test_a_save_from_an_older_page_is_refused_where_the_other_wrote(two, october):
    admin, liaison, page = two
    admin_page = text(by(admin).get(page))
    liaison_page = text(by(liaison).get(page))
    assert save(liaison, liaison_page, problems="联络员：井盖待修",
                plans="联络员：明年完成修补").status_code == 302
    response = save(admin, admin_page, problems="管理员：无", plans="")
    assert response.status_code == 200
    refused = text(response)
    assert NOTES_STALE in refused
    assert "管理员：无" in form_on(refused, "/reports/annual/notes")["problems"]  # kept
    assert "联络员：井盖待修" in refused and "联络员：明年完成修补" in refused  # named
    assert stored(october) == ("联络员：井盖待修", "联络员：明年完成修补")
    # seen now: posted again from the refused page, the admin's words are theirs to save
    again = save(admin, refused, problems="管理员：无", plans="联络员：明年完成修补")
    assert again.status_code == 302
    assert stored(october) == ("管理员：无", "联络员：明年完成修补")


def test_a_field_left_as_shown_keeps_the_others_words(two, october):
    admin, liaison, page = two
    admin_page = text(by(admin).get(page))
    liaison_page = text(by(liaison).get(page))
    assert save(liaison, liaison_page, problems="", plans="联络员：明年完成修补").status_code == 302
    assert save(admin, admin_page, problems="管理员：井盖待修").status_code == 302
    assert stored(october) == ("管理员：井盖待修", "联络员：明年完成修补")
