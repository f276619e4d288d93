"""Money as integer fen: parse what people type in yuan, format fen for people.

Never float: "0.1" + "0.2" yuan must be exactly 30 fen. Parsing goes through
Decimal on a strictly checked string, so "1e3", "abc", "-5" or "3.333" are
refused with a message in Chinese instead of being guessed at.
"""
from __future__ import annotations

import re
from decimal import Decimal

from .i18n import lazy_gettext as _l

# Ten million yuan: far above any co-building budget, well inside BIGINT.
MAX_FEN = 10_000_000 * 100

# ASCII digits (full-width ones are translated first; any other script's digits are
# refused) with optional thousands separators (all or nothing), then up to 2 decimals.
_AMOUNT = re.compile(r"^(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2})?$")
# Before 万 any number of decimals is read (1.5万, 0.05万); the fen check refuses what
# is finer than a fen.
_WAN = re.compile(r"^(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?$")
# Digits with separators and a decimal point, however placed: what a minus makes negative.
_NUMBER = re.compile(r"[0-9][0-9,]*(?:\.[0-9]*)?")
# What the refusal says: the forms the field reads
BAD_AMOUNT = _l("金额格式不正确，请填写数字，如 1500、1500.50、3,200.50 或 1.5万。")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")


class MoneyError(ValueError):
    """An amount that cannot be read; ``message`` is shown to the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def parse_yuan(text: str | None, *, allow_zero: bool = False) -> int:
    """'3,200.50' yuan → 320050 fen; '1.5万' (元) → 1500000 fen; '1500。50' → 150050.
    Raises MoneyError with a Chinese message."""
    raw = (text or "").strip().translate(_FULL_WIDTH)
    raw = raw.removesuffix("元").strip().replace("，", ",")
    # 万 (ten thousand yuan), as the source document writes budgets (「1万元」); the
    # result is still checked to the fen, through Decimal, never float
    wan = raw.endswith("万")
    raw = raw.removesuffix("万").strip()
    # 「。」 is a Chinese keyboard's full stop typed for the decimal point, as the hours
    # fields read it (fields.DECIMAL_MARKS); it is never a thousands mark
    raw = raw.replace("。", ".")
    raw = raw.removeprefix("￥").removeprefix("¥").strip()  # the yuan sign, as often typed
    if not raw:
        raise MoneyError(_l("请输入金额。"))
    if raw.startswith("-"):
        # a minus before something that is no number at all (「-abc」) is not a
        # negative amount: the format's message says what to type (review walk4, #4)
        if not _NUMBER.fullmatch(raw[1:].strip()):
            raise MoneyError(BAD_AMOUNT)
        raise MoneyError(_l("金额不能为负数；更正已记的支出请使用“冲销”。"))
    if wan:
        if not _WAN.fullmatch(raw):
            raise MoneyError(BAD_AMOUNT)
        exact = Decimal(raw.replace(",", "")) * 1_000_000
        if exact != exact.to_integral_value():  # 1.234567万 is finer than a fen
            raise MoneyError(_l("金额最多保留两位小数（到分）。"))
        fen = int(exact)
    else:
        if re.fullmatch(r"[0-9,]*\.[0-9]{3,}", raw):
            raise MoneyError(_l("金额最多保留两位小数（到分）。"))
        if not _AMOUNT.fullmatch(raw):
            raise MoneyError(BAD_AMOUNT)
        fen = int(Decimal(raw.replace(",", "")) * 100)
    if fen == 0 and not allow_zero:
        raise MoneyError(_l("金额必须大于0。"))
    if fen > MAX_FEN:
        raise MoneyError(_l("金额过大，请检查后重新输入。"))
    return fen


def format_yuan(fen) -> str:
    """Integer fen → '3,200.50' (two decimals, thousands separators)."""
    if fen is None:
        return ""
    fen = int(fen)
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def fen_to_input(fen: int | None) -> str:
    """Fen → the plain text a form field shows again ('3200.50', no separators)."""
    if fen is None:
        return ""
    whole, cents = divmod(int(fen), 100)
    return f"{whole}.{cents:02d}" if cents else str(whole)
