"""A part of the 月报 or the 年度总结 as the document prints it, for the UI's words that
send the reader to it.

The documents are always in Chinese (``tables.DOCUMENT_LOCALE``): an English page
that names the table “Responsibility zone progress” names a title no document the
reader gets carries (figures52 #1). The UI's messages take the part's name as a
placeholder — “%(part)s” — filled with the name the document prints, in any language
(the English gloss beside it is the message's own), as the 月报 page's
「定稿后数据有变化」 notice names its parts (``final._parts``).
"""
from __future__ import annotations

from ..i18n import force_locale

from ..i18n import lazy_gettext as _l
from .tables import DOCUMENT_LOCALE

# the titles the documents print (``tables.summary_tables``, ``annual_tables``) and
# the section 参与情况 of both
PARTS = {
    "zones": _l("责任区进展"),
    "coverage": _l("参与情况"),
    "funds": _l("共建活动经费"),
    "checklist": _l("资源清单完成情况"),
}


class Printed:
    """A part's printed name, rendered when the message that names it is: lazy, so a
    module's lazy message (``admin.routes.BUDGET_EXPLAIN``) can hold it."""

    def __init__(self, key: str):
        self.key = key

    def __str__(self) -> str:
        with force_locale(DOCUMENT_LOCALE):
            return str(PARTS[self.key])


def printed(key: str) -> Printed:
    """The template global ``printed('zones')``."""
    return Printed(key)
