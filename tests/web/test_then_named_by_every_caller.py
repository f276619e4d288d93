"""Every refusal's words after a naming page end on that page's own button: no caller
gets a generic 「…如仍要进行，请再次提交。」 (a 提交 no page has) by leaving its ``Then``
out (then54, after then53's Open). ``reopened.words_since``, ``roll.said_since``,
``named_page.said_afresh``, ``roll.keep_named`` and ``roll.NamedSince`` take the page's
``Then`` and have no default for it; the words a ``NamedSince`` says under the service's
locks are its page's too. And no such generic words are left to fall back on: every
``Then`` is a page's, built whole, and the catalog holds none of the old base's
「…请再次确认。」 / 「…如仍要进行，请再次提交。」 (then55)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from tests import factories as f
from tracker.extensions import db
from tracker.named_page import said_afresh
from tracker.services import reopened, then_pages
from tracker.services.reopened import Gone, Then, words_since
from tracker.services.roll import Corrected, NamedSince, keep_named, named_key, said_since
from tracker.services.summary_notes import FinalMonth
from tracker.services.then_pages import THEN_VOID

OWN = "这一页自己的话：请查看上方的说明后再确认。"


def _october(*units) -> Corrected:
    return Corrected(months=[FinalMonth(u.id, u.name, 2025, 10) for u in units], years=[])


@pytest.mark.parametrize("call", [
    lambda actor: words_since(Gone(reopened=["县商务局2025年10月"]), False, OWN),
    lambda actor: said_since("", None, OWN, actor=actor),
    lambda actor: said_afresh("", None, OWN, shown=True, actor=actor),
    lambda actor: keep_named("", lambda: None, actor=actor),
    lambda actor: NamedSince(None, OWN, "", actor),
], ids=["words_since", "said_since", "said_afresh", "keep_named", "NamedSince"])
def test_a_caller_that_names_no_then_is_refused(world, call):
    with pytest.raises(TypeError, match="then"):
        call(world.admin)


def test_a_refusal_under_the_locks_ends_on_its_pages_button(world):
    """作废's page named 县商务局's October, re-opened since, and the change names nothing
    signed now: the refusal the service raises (``keep_named``) sends the user to
    确认作废, as the page read again does — not to a 提交."""
    page = named_key(_october(world.unit))
    with pytest.raises(NamedSince) as refused:
        keep_named(page, lambda: None, actor=world.admin, then=THEN_VOID)
    assert str(refused.value) == (
        f"打开页面之后，{world.unit.name}2025年10月已撤销定稿，这次操作现在不会改变已定稿的月报或年度总结。"
        "未作任何更改；如仍要作废，请再次点击“确认作废”。")
    # another named now: its block named, the same page's words
    finance = f.unit("县财政局")
    db.session.commit()
    with pytest.raises(NamedSince) as refused:
        keep_named(page, lambda: _october(finance), actor=world.admin, then=THEN_VOID)
    assert str(refused.value) == (
        f"打开页面之后，{world.unit.name}2025年10月已撤销定稿，未作任何更改。"
        "这次操作现在涉及的已定稿月报或年度总结见本页的说明，请查看后再点击“确认作废”。")


CATALOG = Path(__file__).resolve().parents[2] / "tracker/translations/en/LC_MESSAGES/messages.po"
# a sentence asking the user again names the button to press (「…请再次点击“确认作废”。」);
# one naming others now sends them to the page's block, then to its button — by name on a
# 「确认…」 page (「…请查看后再点击“确认作废”。」, then55), else in its verb, the page's
# buttons' own (「…再保存。」 above 保存, 「…再审核。」 above 通过 / 退回, 「…再确认导入。」)
PRESS_AGAIN = re.compile(r"请再次点击“[^”]+”。$")
LOOK_FIRST = re.compile(r"请(查看|核对)后再(点击“[^”]+”|保存|审核|确认导入)。$")
BUTTON = re.compile(r"点击“([^”]+)”。$")
ASKED_AGAIN = ("same", "none", "reopened_none", "kept_none", "both_none")


def _thens() -> dict[str, Then]:
    return {name: value for module in (reopened, then_pages)
            for name, value in vars(module).items() if isinstance(value, Then)}


def test_every_then_is_a_pages_each_sentence_ending_on_a_button(app):
    thens = _thens()
    endings = {}
    with app.test_request_context(), force_locale("zh_CN"):
        for name, then in thens.items():
            for field in Then._fields:
                words = getattr(then, field)
                if field == "more":  # below: only a 「确认…」 page's, its callers' own else
                    continue
                words = str(words("甲2025年10月", "乙2025年") if callable(words) else words)
                ending = PRESS_AGAIN if field in ASKED_AGAIN else LOOK_FIRST
                if not ending.search(words):
                    endings[f"{name}.{field}"] = words
    assert not endings, endings
    assert len(thens) == 20  # 14 「确认…」 pages, 保存, 通过, 添加, 修改, 更正日期, 确认导入


def test_a_confirm_page_names_its_button_when_others_are_named_now(app):
    """then54's Open, then55: 「…请查看后再确认。」 named no button; each 「确认…」 page's
    words naming others now name the one its words asking again name (its `same`)."""
    named = {}
    with app.test_request_context(), force_locale("zh_CN"):
        for name, then in _thens().items():
            again = BUTTON.search(str(then.same)).group(1)
            for field in ("reopened", "kept", "both"):
                found = BUTTON.search(str(getattr(then, field)("甲2025年10月", "乙2025年")))
                named[f"{name}.{field}"] = (found and found.group(1), again)
    by_name = {key: now for key, (now, again) in named.items() if now is not None}
    assert len(by_name) == 17 * 3  # the 14 of then_pages, 添加 / 保存 / 更正日期's naming
    assert all(now == named[key][1] for key, now in by_name.items()), named
    assert {key.split(".")[0] for key in named if key not in by_name} == {
        "THEN_SAVE", "THEN_REVIEW", "THEN_IMPORT"}  # 「…再保存」「…再审核」「…再确认导入」


def test_a_confirm_pages_own_sentence_names_its_button(app):
    """small56 (then55's Open): the 14 「确认…」 pages' own sentence for "only more is
    signed now" ended 「…请查看上方的说明后再确认。」, naming no button; each names the one
    its other words name (its ``same``), as the sentences naming others now do. The
    pages whose callers say their own (保存, 通过, 确认导入) have none."""
    named, none = {}, set()
    with app.test_request_context(), force_locale("zh_CN"):
        for name, then in _thens().items():
            if then.more is None:
                none.add(name)
                continue
            again = BUTTON.search(str(then.same)).group(1)
            named[name] = (str(then.more), again)
    assert none == {"THEN_SAVE", "THEN_REVIEW", "THEN_IMPORT"}
    assert len(named) == 17  # the 14 of then_pages, 添加 / 保存 / 更正日期's naming
    assert {name: more for name, (more, _) in named.items()} == {
        name: "打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，未作任何更改。"
              f"请查看上方的说明后再点击“{again}”。" for name, (_, again) in named.items()}
    with force_locale("en"), app.test_request_context():
        english = str(then_pages.THEN_VOID.more)
    assert english.endswith("Read the notes above, then press “Confirm voiding”."), english


def test_no_generic_ask_again_is_left_in_the_catalog():
    with CATALOG.open("rb") as po:
        ids = [m.id for m in read_po(po) if isinstance(m.id, str)]
    generic = [i for i in ids if i.endswith(("如仍要进行，请再次提交。", "未作任何更改，请再次确认。",
                                             "请查看上方的说明后再确认。"))]
    assert not generic, generic


def test_void_and_reopen_keep_no_sentence_of_their_own():
    """small57: 作废's and 撤销审核's views said their own 「…请查看上方的说明后再确认作废。」 /
    「…再确认撤销审核。」 (``VOID_SINCE`` / ``REOPEN_SINCE``), naming the action in a verb,
    where every other 「确认…」 page names its button (``Then.more``); they say the
    pages' one sentence now, and those two msgids are gone from the catalog."""
    with CATALOG.open("rb") as po:
        ids = [m.id for m in read_po(po) if isinstance(m.id, str)]
    own = [i for i in ids if i.endswith(("请查看上方的说明后再确认作废。",
                                         "请查看上方的说明后再确认撤销审核。"))]
    assert not own, own
