"""Phone numbers as people write them, read one way everywhere (the member form, login,
the imports, the resident register, search).

A number arrives typed on a Chinese keyboard (full-width １３８…), pasted from WeChat
with a blank before or after it (U+3000 too), formatted by iOS (138 0000 0002), copied
from a form (139-0000-1001) or with the country code (+86 139…, 0086 139…, 86 139…).
All of these are the same 11-digit mobile number, stored as 13900001001: a login, a
search and the next roster import find it whichever way it was typed.

A 服务对象's landline (the register takes one) is stored as 区号-号码, e.g. 0571-88888888
for 「(0571)8888-8888」, 「0571 8888 8888」 or 「057188888888」: the area code of 010 and
020…029 has three digits, every other one four (the national numbering plan), so a
number typed without a dash still splits in one way only.

Digits of other scripts (Arabic-Indic ٣…) are not digits here: NFKC leaves them, and the
ASCII-only patterns refuse them, so nothing but 0-9 is ever stored.
"""
from __future__ import annotations

import re
import unicodedata

# ASCII digits only: Python's \d would let ١٣٩… through.
MOBILE_RE = re.compile(r"^1[0-9]{10}$")
# What the resident register stores: a mobile, or 区号-号码 (see ``normalise_landline``).
RESIDENT_PHONE_RE = re.compile(r"^(1[0-9]{10}|0[0-9]{2,3}-[0-9]{7,8})$")

# Blanks of every kind (NFKC makes U+3000 a space; zero-width ones come with pastes)
# and the dashes a keyboard or a word processor types between groups of digits.
_SEPARATORS = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\-\u2010-\u2015\u2212\ufe58\ufe63]")
_COUNTRY = re.compile(r"^(?:\+86|0086)")
_AREA_CODE_3 = ("01", "02")  # 010 and 020…029; every other area code has four digits


def _squeezed(value: str | None) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", value or ""))


def normalise_phone(value: str | None) -> str:
    """The number as stored: full-width digits made ASCII, blanks and dashes taken away,
    a leading +86 or 0086 dropped, and a bare leading 86 too when what follows is a
    mobile number. Anything else is returned squeezed so, for ``MOBILE_RE`` to refuse."""
    phone = _COUNTRY.sub("", _squeezed(value))
    if phone.startswith("86") and MOBILE_RE.match(phone[2:]):
        phone = phone[2:]
    return phone


def mobile_or_typed(value):
    """A form filter: the normalised number when it is a mobile number, else the text
    as typed (only trimmed), so that a refusal shows back what was typed."""
    if not isinstance(value, str):
        return value
    phone = normalise_phone(value)
    return phone if MOBILE_RE.match(phone) else value.strip()


def normalise_landline(value: str | None) -> str | None:
    """A landline as 区号-号码 (0571-88888888), brackets round the area code, blanks or
    dashes inside and the country code (+86 571…) allowed; None when it is not one."""
    digits = _squeezed(value).replace("(", "").replace(")", "")
    # +86 571 8888 8888: the country code stands for the trunk 0 (written "+86 0571…",
    # both at once, it stays refused: which was meant cannot be told)
    international = _COUNTRY.match(digits)
    if international and digits[international.end():international.end() + 1] not in ("", "0"):
        digits = "0" + digits[international.end():]
    if not re.fullmatch(r"0[0-9]{9,11}", digits):
        return None
    split = 3 if digits.startswith(_AREA_CODE_3) else 4
    area, number = digits[:split], digits[split:]
    return f"{area}-{number}" if 7 <= len(number) <= 8 else None


def normalise_contact(value: str | None) -> str:
    """A 服务对象's 联系电话 as stored: a mobile (``normalise_phone``) or a landline
    (``normalise_landline``); else the text trimmed, for ``RESIDENT_PHONE_RE`` to refuse."""
    mobile = normalise_phone(value)
    if MOBILE_RE.match(mobile):
        return mobile
    return normalise_landline(value) or unicodedata.normalize("NFKC", value or "").strip()


def contact_or_typed(value):
    """The form filter of the 联系电话 field: the stored form when it is a number, else
    the text as typed (only trimmed)."""
    if not isinstance(value, str):
        return value
    phone = normalise_contact(value)
    return phone if RESIDENT_PHONE_RE.match(phone) else value.strip()


def phone_fragment(text: str | None) -> str:
    """A searched-for part of a phone number, as the stored numbers write it: 「139 0000」
    and 「１３９－００００」 look for 1390000, 「+86 139」 for 139."""
    fragment = _COUNTRY.sub("", _squeezed(text))
    if fragment.startswith("86") and MOBILE_RE.match(fragment[2:]):
        fragment = fragment[2:]
    return fragment
