"""存在问题 / 下步打算 saved, and the month 定稿, from a 月报 page read before someone else
saved the words (review "forms", session 28, #1).

The rule: an admin and the community's liaison may both write the month's words. A save
from an older page keeps the other's words in the field it left as its page showed
them; where both wrote the same field differently it is refused on the same page
「存在问题和下步打算已被他人修改，请核对后重新保存。」, what was typed kept in the form, the
other's words now shown next to it, nothing written. 定稿 signs the words its page
showed: pressed on a page read before another's save, it is refused
「月报内容在您打开页面后有变化，请核对后再定稿。」, nothing signed, and the page shows the
words as they are now. A page read fresh saves and finalises at once.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.web.stale_support import by, form_on, signed_in, text
from tracker.extensions import db
from tracker.models import SummaryCopy, SummaryNote

NOTES_STALE = "存在问题和下步打算已被他人修改，请核对后重新保存。"
FINAL_STALE = "月报内容在您打开页面后有变化，请核对后再定稿。"


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def two(app, october):
    """The admin's and the liaison's browsers, and the community's October 月报 page."""
    page = f"/reports/?community={october.jiefang.id}&month=2022-10"
    return signed_in(app, october.admin), signed_in(app, october.liaison), page


def stored(october):
    db.session.expire_all()
    note = db.session.scalar(select(SummaryNote).where(
        SummaryNote.community_id == october.jiefang.id, SummaryNote.year == 2022,
        SummaryNote.month == 10))
    return None if note is None else (note.problems, note.plans, note.finalized_at)


def save(browser, page_html: str, **typed):
    return by(browser).post(_action(page_html, "/reports/notes"),
                            data=form_on(page_html, "/reports/notes", **typed))


def _action(page_html: str, part: str) -> str:
    return next(a for a in re.findall(r'action="([^"]+)"', page_html) if part in a)


def test_a_save_from_an_older_page_is_refused_where_the_other_wrote(two, october):
    admin, liaison, page = two
    admin_page = text(by(admin).get(page))
    liaison_page = text(by(liaison).get(page))
    assert save(liaison, liaison_page, problems="联络员：3处化粪池井盖破损待修",
                plans="联络员：12月完成修补").status_code == 302
    response = save(admin, admin_page, problems="管理员：无", plans="")
    assert response.status_code == 200
    refused = text(response)
    assert NOTES_STALE in refused
    assert "管理员：无" in form_on(refused, "/reports/notes")["problems"]  # typed, kept
    assert "联络员：3处化粪池井盖破损待修" in refused  # the other's words, named
    assert "联络员：12月完成修补" in refused
    assert stored(october) == ("联络员：3处化粪池井盖破损待修", "联络员：12月完成修补", None)
    # Seen now: posted again from the refused page, the admin's words are theirs to save.
    again = save(admin, refused, problems="管理员：无", plans="联络员：12月完成修补")
    assert again.status_code == 302
    assert stored(october) == ("管理员：无", "联络员：12月完成修补", None)


def test_a_field_left_as_shown_keeps_the_others_words(two, october):
    admin, liaison, page = two
    admin_page = text(by(admin).get(page))
    liaison_page = text(by(liaison).get(page))
    assert save(liaison, liaison_page, problems="", plans="联络员：12月完成修补").status_code == 302
    response = save(admin, admin_page, problems="管理员：井盖待修")  # plans as shown
    assert response.status_code == 302
    assert stored(october) == ("管理员：井盖待修", "联络员：12月完成修补", None)


def test_finalise_from_an_older_page_is_refused_and_shows_the_words_now(two, october):
    admin, liaison, page = two
    assert save(liaison, text(by(liaison).get(page)), problems="联络员：井盖待修",
                plans="").status_code == 302
    admin_page = text(by(admin).get(page))  # shows 联络员：井盖待修
    assert save(liaison, text(by(liaison).get(page)), problems="联络员改：本月无问题",
                plans="").status_code == 302
    response = by(admin).post(_action(admin_page, "/reports/finalize"),
                              data=form_on(admin_page, "/reports/finalize"))
    assert response.status_code == 302
    assert stored(october)[2] is None
    assert db.session.scalar(select(func.count()).select_from(SummaryCopy)) == 0
    shown = text(by(admin).get(response.headers["Location"]))
    assert FINAL_STALE in shown
    assert form_on(shown, "/reports/notes")["problems"] == "联络员改：本月无问题"
    # The page read again signs what it shows.
    response = by(admin).post(_action(shown, "/reports/finalize"),
                              data=form_on(shown, "/reports/finalize"))
    assert response.status_code == 302
    problems, _plans, finalized_at = stored(october)
    assert problems == "联络员改：本月无问题" and finalized_at is not None
    assert db.session.scalar(select(func.count()).select_from(SummaryCopy)) == 1


def test_a_fresh_page_saves_and_finalises_at_once(two, october):
    admin, _liaison, page = two
    response = save(admin, text(by(admin).get(page)), problems="问题", plans="打算")
    assert response.status_code == 302
    fresh = text(by(admin).get(page))
    assert by(admin).post(_action(fresh, "/reports/finalize"),
                          data=form_on(fresh, "/reports/finalize")).status_code == 302
    assert stored(october)[:2] == ("问题", "打算") and stored(october)[2] is not None
