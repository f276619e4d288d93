"""People's names in the order a Chinese reader looks for them: by pinyin.

Code-point order (SQLite's, and PostgreSQL's under a C collation) puts 单 before 安 and
曾 after 王, and a PostgreSQL cluster with a glibc collation orders the same names
differently again, so a list said to be 按姓名排列 was neither. ``name_key`` spells a
name as ASCII that sorts the same under every collation; ``Member.name_key`` keeps it,
and every list of people orders by that column (SQL) or this function (Python).

The key, per character: the syllable, its tone (1–4, 5 for the neutral tone) and the
character's code point as five hex digits. The tone digit ends each syllable, so 李安
(li3 an1) comes before 廉 (lian2) as in a dictionary; the code point keeps people of the
same surname together when two surnames sound alike (李 and 里, both li3). Letters and
digits in a name stay, lowered, ended by a 0 (Tom before 唐). A surname read
differently from the character's common reading (曾 zeng, 单 shan, 解 xie …) is
spelled as a surname.
"""
from __future__ import annotations

import os
import unicodedata

KEY_MAX = 255  # the column's length; a longer key loses only its tail

# Surnames whose reading differs from the character's most common one (pypinyin reads
# 曾 as ceng2, 单 as dan1). Compound surnames first, so 单于 is not read as 单 + 于.
SURNAMES = {
    "尉迟": ("yu4", "chi2"), "万俟": ("mo4", "qi2"), "单于": ("chan2", "yu2"),
    "长孙": ("zhang3", "sun1"),
    "曾": ("zeng1",), "单": ("shan4",), "解": ("xie4",), "仇": ("qiu2",), "朴": ("piao2",),
    "区": ("ou1",), "查": ("zha1",), "乐": ("yue4",), "覃": ("qin2",), "翟": ("zhai2",),
    "任": ("ren2",), "华": ("hua4",), "盖": ("ge3",), "缪": ("miao4",), "种": ("chong2",),
    "召": ("shao4",), "折": ("she2",), "员": ("yun4",), "秘": ("bi4",), "繁": ("po2",),
    "纪": ("ji3",), "柏": ("bai3",), "冼": ("xian3",), "粘": ("nian2",), "隗": ("wei3",),
    "句": ("gou1",), "阚": ("kan4",), "过": ("guo1",), "宁": ("ning4",), "难": ("nan4",),
}


def _surname(name: str) -> tuple[str, tuple[str, ...]]:
    for length in (2, 1):
        head = name[:length]
        if len(head) == length and head in SURNAMES:
            return head, SURNAMES[head]
    return "", ()


def _han(char: str, syllable: str) -> str:
    return f"{syllable}{ord(char):05x}"


def _other(text: str) -> str:
    kept = "".join(ch for ch in text.lower() if ch.isascii() and ch.isalnum())
    return f"{kept}0" if kept else ""


def _readings(text: str) -> list[str]:
    """One reading per character: its pinyin, or the character itself when it has none."""
    # Imported when a key is made (a member added or renamed, an import, a migration),
    # not by every process that loads the models. Without its phrase dictionary
    # pypinyin loads in 40 ms and 13 MB instead of 150 ms and 57 MB; phrases only pick
    # between readings of a character inside words, which a name seldom is, and the
    # surnames that matter are in SURNAMES.
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
    from pypinyin import Style, lazy_pinyin

    def one(piece: str) -> list[str]:
        return lazy_pinyin(piece, style=Style.TONE3, neutral_tone_with_five=True,
                           errors=lambda run: list(run))

    readings = one(text)
    if len(readings) != len(text):  # a run read as one piece: go character by character
        readings = [one(ch)[0] for ch in text]
    return readings


def name_key(name: str | None) -> str:
    """'曾小明' → 'zeng166fe' + 'xiao35c0f' + 'ming2660e': sorting these sorts by pinyin."""
    text = unicodedata.normalize("NFKC", name or "").strip()
    head, surname = _surname(text)
    parts = [_han(ch, syllable) for ch, syllable in zip(head, surname)]
    rest = text[len(head):]
    other = ""
    for ch, reading in zip(rest, _readings(rest)):
        if reading != ch and reading[-1:].isdigit():
            parts.append(_other(other))
            other = ""
            parts.append(_han(ch, reading))
        else:
            other += ch
    parts.append(_other(other))
    return "".join(parts)[:KEY_MAX]
