"""The list a member import's or 台账 import's preview posts beside its digest
(``member_import.listed_key``, stale53): the words of a refused 确认导入 read it to say
which month was re-opened; they read at most what every naming page's key is read by
(``reopened.MAX_NAMED_PARTS`` parts), so a county's import naming more posts no list —
never a form field past what is read — and its refusal says the digest's words. The
import itself is confirmed by the digest alone, whatever is posted beside it."""
from __future__ import annotations

from tracker.services import member_import as mi
from tracker.services.reopened import MAX_NAMED_PARTS
from tracker.services.roll import Corrected, named_key
from tracker.services.summary_notes import FinalMonth


def _months(count: int) -> Corrected:
    """``count`` signed months, each another document (unit ``i // 12 + 1``)."""
    return Corrected(months=[FinalMonth(i // 12 + 1, f"单位{i // 12 + 1}", 2000 + i % 40,
                                        i % 12 + 1) for i in range(count)], years=[])


def test_a_list_as_long_as_a_page_writes_is_posted_and_one_longer_is_not():
    assert mi.listed_key(None) == ""
    as_long = _months(MAX_NAMED_PARTS)
    assert mi.listed_key(as_long) == named_key(as_long) != ""
    assert mi.listed_key(_months(MAX_NAMED_PARTS + 1)) == ""


def test_the_words_read_the_list_only_when_it_is_the_digests():
    signed = _months(3)
    digest = mi.signed_promise(signed)
    listed = mi.listed_key(signed)
    assert mi.asked_key(digest, listed) == listed
    # no list posted (a county's, or a page read before it was posted): the digest
    assert mi.asked_key(digest, "") == digest and mi.asked_key(digest, None) == digest
    # a list of other documents than the digest's is of no preview: not read
    assert mi.asked_key(digest, mi.listed_key(_months(2))) == digest
    assert mi.asked_key("", listed) == ""
