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

import html
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
    return html.unescape(next(a for a in re.findall(r'action="([^"]+)"', page_html)
                              if part in a))


def finalize(browser, page_html: str, **typed):
    """定稿 pressed, and confirmed: the notes form's second button (walk10 D12), posting
    what that form holds to its ``formaction``."""
    return by(browser).post(_action(page_html, "/reports/finalize"), data={
        **form_on(page_html, "/reports/notes", **typed).to_dict(), "confirmed": "1"})


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
    response = finalize(admin, admin_page)
    assert response.status_code == 302
    assert stored(october)[2] is None
    assert db.session.scalar(select(func.count()).select_from(SummaryCopy)) == 0
    shown = text(by(admin).get(response.headers["Location"]))
    assert FINAL_STALE in shown
    assert form_on(shown, "/reports/notes")["problems"] == "联络员改：本月无问题"
    # The page read again signs what it shows.
    response = finalize(admin, shown)
    assert response.status_code == 302
    problems, _plans, finalized_at = stored(october)
    assert problems == "联络员改：本月无问题" and finalized_at is not None
    assert db.session.scalar(select(func.count()).select_from(SummaryCopy)) == 1


def test_a_fresh_page_saves_and_finalises_at_once(two, october):
    admin, _liaison, page = two
    response = save(admin, text(by(admin).get(page)), problems="问题", plans="打算")
    assert response.status_code == 302
    fresh = text(by(admin).get(page))
    assert finalize(admin, fresh).status_code == 302
    assert stored(october)[:2] == ("问题", "打算") and stored(october)[2] is not None


# --- 定稿 asks first and keeps what was typed (walk10 D12) ------------------------------

def test_finalise_asks_first_showing_the_words_typed_and_signs_them(two, october):
    """Words typed and not saved, then 定稿: nothing is signed on that tap; the question
    names what 定稿 does and shows the words, and confirmed they are signed with it."""
    admin, _liaison, page = two
    typed = {"problems": "部分党员参与不足，需加强动员。", "plans": "下月开展楼道清洁专项行动。"}
    asked = by(admin).post(_action(text(by(admin).get(page)), "/reports/finalize"),
                           data=form_on(text(by(admin).get(page)), "/reports/notes", **typed))
    assert asked.status_code == 200
    question = text(asked)
    assert "定稿后存在问题和下步打算不能再修改" in question and "确认定稿" in question
    assert form_on(question, "/reports/finalize")["problems"] == typed["problems"]
    assert form_on(question, "/reports/finalize")["plans"] == typed["plans"]
    assert stored(october) is None or stored(october)[2] is None  # nothing signed yet
    response = by(admin).post(_action(question, "/reports/finalize"),
                              data=form_on(question, "/reports/finalize"))
    assert response.status_code == 302
    assert stored(october)[0] == typed["problems"] and stored(october)[1] == typed["plans"]
    assert stored(october)[2] is not None
    copy = db.session.scalar(select(SummaryCopy))
    assert typed["problems"] in copy.page and typed["plans"] in copy.page


def test_going_back_from_the_question_brings_the_typed_words_back(two, october):
    """「返回，不操作」 on the 定稿 question, with no script keeping a draft (walk11 #1):
    the 月报 comes again with the words as typed in its form, nothing saved or signed."""
    admin, _liaison, page = two
    shown = text(by(admin).get(page))
    typed = {"problems": "问题一：测试输入", "plans": "打算一：下月继续"}
    question = text(by(admin).post(_action(shown, "/reports/finalize"),
                                   data=form_on(shown, "/reports/notes", **typed)))
    assert re.search(r'<button type="submit" class="btn" name="returning" value="1"[^>]*>'
                     r'返回，不操作</button>', question)
    back = by(admin).post(_action(question, "/reports/finalize"),
                          data={**form_on(question, "/reports/finalize").to_dict(),
                                "returning": "1"})
    assert back.status_code == 200
    again = text(back)
    assert form_on(again, "/reports/notes")["problems"] == typed["problems"]
    assert form_on(again, "/reports/notes")["plans"] == typed["plans"]
    assert "确认定稿" not in again and "请修改" not in again
    assert stored(october) is None
    assert db.session.scalar(select(func.count()).select_from(SummaryCopy)) == 0


def test_the_question_can_save_the_words_without_signing(two, october):
    admin, _liaison, page = two
    shown = text(by(admin).get(page))
    question = text(by(admin).post(_action(shown, "/reports/finalize"),
                                   data=form_on(shown, "/reports/notes", problems="井盖待修")))
    save_only = re.search(r'formaction="([^"]+)"', question).group(1)
    assert "/reports/notes" in save_only and "只保存，暂不定稿" in question
    assert by(admin).post(html.unescape(save_only),
                          data=form_on(question, "/reports/finalize")).status_code == 302
    assert stored(october) == ("井盖待修", None, None)


def test_words_typed_beside_anothers_change_are_saved_and_not_signed(two, october):
    """The signer typed 下步打算; meanwhile the liaison saved 存在问题, which the signer
    never read: the typed words are kept (merged, as 保存), nothing is signed, and the
    page says which field to read first."""
    admin, liaison, page = two
    admin_page = text(by(admin).get(page))
    assert save(liaison, text(by(liaison).get(page)), problems="联络员：井盖待修",
                plans="").status_code == 302
    response = finalize(admin, admin_page, plans="管理员：12月完成修补")
    assert response.status_code == 302
    assert stored(october) == ("联络员：井盖待修", "管理员：12月完成修补", None)
    assert db.session.scalar(select(func.count()).select_from(SummaryCopy)) == 0
    again = text(by(admin).get(response.headers["Location"]))
    assert "未定稿" in again and "存在问题" in again
