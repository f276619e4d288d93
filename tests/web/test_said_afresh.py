"""What a naming page asked again says first: one rule for every such page
(``named_page.said_afresh``; since51's Open, afresh52).

The rule, in its own terms (docs/design.md, "Refused in a 已定稿 month": what the page
says is what happened, and nothing is done the user did not confirm):

- a post from a page that showed a naming is told what changed from what that page named:
  only more signed now → the page's own sentence, pointing at the block above; something
  it named re-opened, others named now → which documents were re-opened, then to look at
  the block and press the page's button again, in that button's verb; nothing signed left
  → the re-opened documents, and that the change is now an ordinary one, to be made again
  by the page's own button; a page that named nothing and names nothing now → that what
  it changes changed, nothing signed is left, and that button;
- a post straight from the form was shown no naming: nothing is said (the naming page as
  the first time) — unless nothing is named now, when the plain form asked again says why,
  whatever key it carried.

Every caller names its page's words (``reopened.Then``, no default: then54): here 作废's
(its confirmation page's 确认作废) and 服务对象's plain form (保存).
"""
from __future__ import annotations

from flask_babel import force_locale

from tests import factories as f
from tracker.extensions import db
from tracker.named_page import said_afresh
from tracker.services.reopened import THEN_REVIEW, THEN_SAVE
from tracker.services.then_pages import THEN_VOID
from tracker.services.roll import Corrected, named_key
from tracker.services.summary_notes import FinalMonth

OWN = "这一页自己的话：请查看上方的说明后再确认。"
YEAR, MONTH = 2025, 10


def _named(*units) -> Corrected:
    """The change names each unit's October 2025 月报 as signed (nothing: None)."""
    if not units:
        return None
    return Corrected(months=[FinalMonth(u.id, u.name, YEAR, MONTH) for u in units], years=[])


# what changed is no longer signed: the page's button again (作废's, 服务对象's 保存)
VOID_NONE = ("打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，现在不会改变已定稿的月报或年度总结。"
             "未作任何更改；如仍要作废，请再次点击“确认作废”。")
SAVE_NONE = ("打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，现在不会改变已定稿的月报或年度总结。"
             "未作任何更改；如仍要保存，请再次点击“保存”。")


def _said(promised, now, shown, actor, then=THEN_VOID):
    said = said_afresh(promised, now, OWN, shown=shown, actor=actor, then=then)
    return None if said is None else str(said)


def test_a_page_that_showed_a_naming_is_told_what_changed(world):
    commerce = world.unit  # 县商务局: its October is signed no more (never finalized here)
    finance = f.unit("县财政局")
    db.session.commit()
    page = named_key(_named(commerce))
    reopened = f"打开页面之后，县商务局{YEAR}年{MONTH}月已撤销定稿"

    # only more signed since: the block names all the page named, its own words point at it
    assert _said(page, _named(commerce, finance), True, world.admin) == OWN
    assert _said("", _named(finance), True, world.admin) == OWN

    # what it named re-opened, another named now: said, then the block and the button again
    assert _said(page, _named(finance), True, world.admin) == (
        f"{reopened}，未作任何更改。这次操作现在涉及的已定稿月报或年度总结见本页的说明，"
        "请查看后再点击“确认作废”。")

    # nothing signed is left: an ordinary change now, to be made again knowingly
    assert _said(page, None, True, world.admin) == (
        f"{reopened}，这次操作现在不会改变已定稿的月报或年度总结。未作任何更改；如仍要作废，"
        "请再次点击“确认作废”。")

    # named nothing, names nothing: no block to point at
    assert _said("", None, True, world.admin) == VOID_NONE


def test_the_re_opened_words_end_on_the_pages_button(world):
    """Above 保存 (服务对象) 「…再保存」, in the 审核 above 通过 and 退回 「…再审核」 — never
    「…再确认」 where there is no 确认 to press."""
    finance = f.unit("县财政局")
    db.session.commit()
    page = named_key(_named(world.unit))
    ask = "这次操作现在涉及的已定稿月报或年度总结见本页的说明，请查看后再"
    saved = _said(page, _named(finance), True, world.admin, then=THEN_SAVE)
    assert saved.endswith(f"已撤销定稿，未作任何更改。{ask}保存。"), saved
    reviewed = _said(page, _named(finance), True, world.admin, then=THEN_REVIEW)
    assert reviewed.endswith(f"已撤销定稿，未作任何更改。{ask}审核。"), reviewed
    # nothing left: the plain form's button, 保存 (afresh52's Open)
    assert _said(page, None, True, world.admin, then=THEN_SAVE).endswith(
        "未作任何更改；如仍要保存，请再次点击“保存”。")


def test_a_post_straight_from_the_form_is_asked_as_the_first_time(world):
    finance = f.unit("县财政局")
    db.session.commit()
    # shown no naming: nothing said, the naming page as the first time
    assert _said("", _named(finance), False, world.admin) is None
    # whatever it carried: it was not a page's key the user saw
    assert _said(named_key(_named(world.unit)), _named(finance), False, world.admin) is None
    # naming nothing now: the plain form asked again says why, ending on its 保存
    assert _said("", None, False, world.admin, THEN_SAVE) == SAVE_NONE
    assert _said(named_key(_named(world.unit)), None, False, world.admin,
                 THEN_SAVE) == SAVE_NONE


def test_the_words_in_english(app, world):
    finance = f.unit("县财政局")
    db.session.commit()
    page = named_key(_named(world.unit))
    with app.test_request_context("/"), force_locale("en"):
        words = [str(said_afresh(page, _named(finance), OWN, shown=True, actor=world.admin,
                                 then=then)) for then in (THEN_SAVE, THEN_REVIEW)]
    assert all("reopened" in w.lower() or "re-opened" in w.lower() for w in words), words
    assert "sav" in words[0].lower() and "review" in words[1].lower(), words
