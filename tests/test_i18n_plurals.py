"""Counts read right in English: "1 person wanted", "2 people wanted" (review session
27, English UI #4). A message with a count goes through ``ngettext`` and the English
catalog has both forms; Chinese has one form, so nothing changes there."""
from __future__ import annotations

import re

from flask_babel import force_locale, ngettext

from tracker.formatting import amount, unit_word
from tracker.i18n import lazy_ngettext

# The count messages a member, a liaison and an admin meet on the pages they open daily.
DAILY = [
    "%(n)d 人尚未确认服务时长，请打开查看后再审核。",  # /manage/, each report waiting
    "本月您已参与 %(n)s 次",  # /progress/mine
    "需要%(n)d人",  # /needs/
    "%(n)s 项资源清单",  # /progress/community
    "另有%(n)s份完成情况待审核%(detail)s，未计入以上数据。",  # the pending note
    "参与%(n)s人次",
    "另有 %(n)s 次活动待审核，审核通过后计入。",
    "今年已参与 %(n)s 次，服务时长 %(h)s 小时。",
    "共 %(n)d 个任务",
    "共 %(n)s 个任务，按开始时间排列。",
    "您有%(n)d条提醒",
    "有%(n)d行存在错误，未导入任何数据。请在文件中修改后重新上传。",
    "已结束%(n)d天未提交：%(title)s",
    "%(name)s（%(n)d份完成情况待审核）",
    "%(n)s 个社区已有联络员。",
]
# "1" then a plural noun or verb: what a count message without plural forms printed
# ("1 have not confirmed", "1 people wanted", "1 more reports are", "1 participations")
_NOT_PLURAL = r"(?:is|has|was|this|hours?|yuan|days?)\b"
ONE_PLURAL = re.compile(rf"\b1 (?:more )?(?:people|have|are|were|(?!{_NOT_PLURAL})[a-z-]+s)\b")


def _fill(text: str, n: int) -> str:
    """The message with its count and a stand-in for every other placeholder."""
    return re.sub(r"%\((\w+)\)(0?\d*)[sd]",
                  lambda m: str(n) if m.group(1) in ("n", "num") else f"<{m.group(1)}>", text)


def test_the_daily_count_messages_have_plural_forms(catalog):
    single = [msgid for msgid in DAILY
              if catalog.get(msgid) is None or not isinstance(catalog.get(msgid).id, tuple)]
    assert not single, "count messages without ngettext: " + " | ".join(single)


def test_the_check_finds_what_the_english_ui_said():
    for said in ("1 have not confirmed their hours yet", "1 people wanted",
                 "You have taken part 1 times this month",
                 "1 more reports are pending review (1 participations"):
        assert ONE_PLURAL.search(said), said
    for right in ("1 participant has not confirmed their hours yet", "1 person wanted",
                  "1 row has errors", "1 more report is pending review", "1.0 hours",
                  "1 of them has not yet activated", "ended 1 day ago", "1 time this month",
                  "1 row belongs to"):
        assert not ONE_PLURAL.search(right), right


def test_no_english_count_message_says_1_with_a_plural(catalog):
    wrong = []
    for message in catalog:
        if not message.id or not isinstance(message.id, tuple):
            continue
        one, other = (_fill(string, n) for string, n in zip(message.string, (1, 2)))
        if ONE_PLURAL.search(one):
            wrong.append(f"{message.id[0]!r}: {one!r}")
        assert other != one or "%(" not in message.string[1], message.id
    assert not wrong, "\n".join(wrong)


def test_ngettext_picks_the_english_form_and_leaves_chinese_as_it_was(app):
    with app.test_request_context("/"):
        with force_locale("en"):
            assert ngettext("需要%(n)d人", "需要%(n)d人", 1, n=1) == "1 person wanted"
            assert ngettext("需要%(n)d人", "需要%(n)d人", 3, n=3) == "3 people wanted"
            assert str(lazy_ngettext("有%(n)d行存在错误，未导入任何数据。请修改后重新上传。",
                                     "有%(n)d行存在错误，未导入任何数据。请修改后重新上传。",
                                     1, n=1)).startswith("1 row has errors")
        with force_locale("zh_CN"):
            assert ngettext("需要%(n)d人", "需要%(n)d人", 1, n=1) == "需要1人"
            assert ngettext("需要%(n)d人", "需要%(n)d人", 3, n=3) == "需要3人"


def test_the_apps_own_units_are_words_of_the_readers_language(app):
    """场/次, 人次/户/人 are the app's closed lists (review session 27, English UI #5):
    English on English pages, unchanged in Chinese (and so in every document)."""
    with app.test_request_context("/"):
        with force_locale("en"):
            assert amount(1, "场") == "1 session"
            assert amount(12, "场") == "12 sessions"
            assert amount(160, "人次") == "160 person-times"
            assert amount(1, "户") == "1 household" and amount(7, "户") == "7 households"
            assert amount(2, "人") == "2 people"
            assert unit_word("人次") == "person-times" and unit_word("次") == "times"
            # a quantity's unit is what the admin typed: data, not a word of the app
            assert amount(20, "处") == "20处" and unit_word("处") == "处"
        with force_locale("zh_CN"):
            assert [amount(3, u) for u in ("场", "次", "人次", "户", "人")] == [
                "3场", "3次", "3人次", "3户", "3人"]
            assert unit_word("人次") == "人次"
