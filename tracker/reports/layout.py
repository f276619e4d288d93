"""Page layout shared by the .docx and the .xlsx: columns fitted into a page's width,
and Chinese line-breaking (避头尾) for text the exporters wrap themselves.

Widths are in display columns (``tables.display_width``: a Chinese character two, a
digit or Latin letter one), the grid both exporters measure text in.
"""
from __future__ import annotations

import re

from .tables import display_width

MIN_TEXT = 8  # a text column shrinks to no fewer columns than this (four Chinese)
LONG_TEXT_KEEPS = 0.5  # the widest columns give up room first, down to this share
# 避头尾: no line starts with a closing mark, none ends with an opening one
NO_LINE_START = frozenset("，。、；：？！”’）》」』】〕…—·%,.;:?!)")
NO_LINE_END = frozenset("“‘（《「『【〔(")
# digits and Latin letters with their separators stay together (2,800.00, 2026, 84.0%)
_TOKENS = re.compile(r"[0-9A-Za-z][0-9A-Za-z.,:/%\-]*[0-9A-Za-z%]|\n|.", re.S)
_BACKTRACK = 3  # tokens moved to the next line at most, to keep a mark off a line's edge


def share_columns(fitted: list[float], unbroken: list[bool], room: float,
                  floors: list[float]) -> list[float] | None:
    """Column widths that fit ``room``, the widest text column giving up room first:
    it is cut down toward the next widest, then both together toward the third, and so
    on ("water-filling"), so a column whose longest cell is a few characters longer than
    the short ones (an eight-character 活动, a long place) keeps its line while 活动内容
    wraps instead. Shrunk in proportion, every column lost something, and a medium one
    its last character or two to a second line.

    A column cut this way keeps at least half its width (``LONG_TEXT_KEEPS``: its text
    then takes twice the lines) and its floor (``floors``: its header, a few
    characters); numbers and dates (``unbroken``) keep theirs. ``None`` when even that
    is too wide: a busy ledger, every column full, whose 活动内容 would be cut to the
    width of the short columns (twice its lines again, the rows twice as tall) — the
    caller then shares the room in proportion (``fit_columns``)."""
    if sum(fitted) <= room:
        return [float(w) for w in fitted]
    lows = [w if keep else min(w, max(floor, w * LONG_TEXT_KEEPS))
            for w, keep, floor in zip(fitted, unbroken, floors)]
    if sum(lows) > room:
        return None

    def filled(level):
        return [float(min(w, max(low, level))) for w, low in zip(fitted, lows)]

    # the highest level that fits: the total grows linearly between the widths and lows,
    # by one per column cut to the level
    level = min(lows)
    for step in sorted(set(fitted) | set(lows)):
        if sum(filled(step)) > room:
            cut = sum(1 for w, low in zip(fitted, lows) if low <= level < w)
            return filled(level + (room - sum(filled(level))) / cut)
        level = step
    return filled(level)  # not reached: everything at its width fits


def fit_columns(fitted: list[float], unbroken: list[bool], room: float,
                min_text: float | list[float] = MIN_TEXT) -> list[float]:
    """Column widths that fit ``room``: each column as wide as its fitted content; when
    that is too wide, the text columns give up room in proportion to their width (long
    text such as 活动内容 keeps the most, and wraps), none below ``min_text`` (one for
    all, or each column's); numbers and dates (``unbroken``) keep theirs."""
    if sum(fitted) <= room:
        return [float(w) for w in fitted]
    kept = sum(w for w, keep in zip(fitted, unbroken) if keep)
    floors = min_text if isinstance(min_text, list) else [min_text] * len(fitted)

    def shrunk(scale):
        return [w if keep else max(min(w, floor), w * scale)
                for w, keep, floor in zip(fitted, unbroken, floors)]

    low, high = 0.0, 1.0
    for _ in range(30):  # the largest scale that fits (bisection)
        middle = (low + high) / 2
        low, high = (middle, high) if sum(shrunk(middle)) <= max(room, kept) else (low, middle)
    return shrunk(low)


def wrap(text: str, width: float) -> list[str]:
    """``text`` in lines of at most ``width`` display columns (a line break in the text
    kept), broken as Chinese is set: no line begins with ，。、；：？！”’）》 and the
    like, none ends with “‘（《; numbers and Latin words are not split."""
    lines: list[str] = []
    line: list[str] = []
    used = 0
    for piece in _TOKENS.findall(text):
        if piece == "\n":
            lines.append("".join(line))
            line, used = [], 0
            continue
        size = display_width(piece)
        if line and used + size > width:
            cut = len(line)
            while cut > max(1, len(line) - _BACKTRACK) and _held(line, cut, piece):
                cut -= 1
            if _held(line, cut, piece):
                cut = len(line)  # nowhere allowed nearby: break where the line is full
            lines.append("".join(line[:cut]))
            line = line[cut:]
            used = sum(display_width(t) for t in line)
        line.append(piece)
        used += size
    lines.append("".join(line))
    return lines


def _held(line: list[str], cut: int, following: str) -> bool:
    """Whether breaking ``line`` before its piece ``cut`` (``following`` comes after the
    line) would start a line with a closing mark or end one with an opening mark."""
    starts = line[cut] if cut < len(line) else following
    return starts[0] in NO_LINE_START or line[cut - 1][-1] in NO_LINE_END


def break_header(header: str, width: float) -> str:
    """A header wider than its column broken before its bracket: 「服务时长」 over
    「（小时）」, never 「服务时长（小」 over 「时）」."""
    at = header.find("（")
    if at > 0 and display_width(header) > width:
        return header[:at] + "\n" + header[at:]
    return header
