"""Small server-rendered SVG charts: no JavaScript, no style attributes.

The strict CSP forbids ``style="…"``; SVG presentation attributes (fill, width,
height, font-size) are not styles, so the charts draw with those. Each chart is
drawn in a 360-unit-wide viewBox and scales to the column (readable on a phone),
carries a <title> for screen readers, and every page shows its figures as a table
right below it.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from itertools import count

from flask_babel import gettext as _
from markupsafe import Markup, escape

WIDTH = 360
INK = "#1f2328"
MUTED = "#5f6770"
BAR = "#b71c1c"
PENDING = "#e0a040"
GRID = "#d8dde3"
FONT = 'font-family="sans-serif"'

_ids = count(1)


def _fmt(value) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def _clip(label: str, limit: int) -> str:
    label = str(label)
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _text_width(text: str, size: float) -> float:
    """About how wide a sans-serif text is set: a Chinese character 1 em, anything
    else (digits, Latin) 0.6 em."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else 0.6 * size
               for ch in str(text))


AXIS_FONT = 12
AXIS_GAP = 6  # units left between two axis labels
MIN_AXIS_FONT = 9


def _axis(labels: Sequence[str], slot: float) -> tuple[float, int]:
    """The axis labels' font size and how many slots apart they are printed: smaller
    type (down to ``MIN_AXIS_FONT``) when the widest would touch its neighbour — twelve
    「10月」 at 12 units ran together as 「10月11月12月」 — then every other one, or
    fewer."""
    widest = max((_text_width(label, 1) for label in labels), default=0)
    if not widest:
        return AXIS_FONT, 1
    size = max(MIN_AXIS_FONT, min(AXIS_FONT, int(10 * (slot - AXIS_GAP) / widest) / 10))
    every = max(1, -(-(widest * size + AXIS_GAP) // slot))
    return size, int(every)


def _tip(label, value: str, pending: str | None = None) -> str:
    """A bar's tooltip: 「10月：37」, with what waits for review 「10月：37（+18）」; the
    punctuation is the page language's (「Month 10: 37 (+18)」)."""
    if pending is None:
        return _("%(label)s：%(value)s", label=label, value=value)
    return _("%(label)s：%(value)s（+%(pending)s）", label=label, value=value, pending=pending)


def _open(height: int, title: str, css: str) -> tuple[str, str]:
    chart_id = f"chart-{next(_ids)}"
    head = (
        f'<svg class="chart {css}" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-labelledby="{chart_id}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}">{escape(title)}</title>'
    )
    return head, chart_id


def bar_chart(rows: Sequence[tuple[str, int]], *, title: str,
              fmt: Callable[[int], str] = _fmt, label_chars: int = 8) -> Markup:
    """Horizontal bars, one per (label, value) row: labels left, value after the bar."""
    row_h, top, label_w, value_w = 28, 6, 118, 62
    bar_w = WIDTH - label_w - value_w
    height = top * 2 + row_h * max(1, len(rows))
    peak = max((v for _l, v in rows), default=0)
    head, _ = _open(height, title, "bar-chart")
    parts = [head]
    for i, (label, value) in enumerate(rows):
        y = top + i * row_h
        width = 0 if peak <= 0 else round(bar_w * max(0, value) / peak, 1)
        text_y = y + row_h / 2 + 5
        parts.append(
            f'<g><title>{escape(_tip(label, fmt(value)))}</title>'
            f'<text x="{label_w - 6}" y="{text_y}" text-anchor="end" font-size="14" '
            f'fill="{INK}" {FONT}>{escape(_clip(label, label_chars))}</text>'
            f'<rect x="{label_w}" y="{y + 5}" width="{width}" height="{row_h - 10}" '
            f'rx="2" fill="{BAR}"/>'
            f'<text x="{label_w + width + 4}" y="{text_y}" font-size="14" fill="{INK}" '
            f'{FONT}>{escape(fmt(value))}</text></g>'
        )
    if not rows:
        parts.append(f'<text x="{WIDTH / 2}" y="{top + 18}" text-anchor="middle" font-size="13" '
                     f'fill="{MUTED}" {FONT}>—</text>')
    parts.append("</svg>")
    # bandit B704: every text in it was escaped above
    return Markup("".join(parts))  # nosec B704


def trend_chart(points: Sequence[tuple[str, int]], *, title: str,
                pending: Sequence[int] | None = None,
                fmt: Callable[[int], str] = _fmt) -> Markup:
    """Vertical columns over time (e.g. one per month); ``pending`` values, when
    given, are stacked on top in a lighter colour."""
    height, top, bottom, left, right = 200, 22, 26, 8, 8
    plot_h = height - top - bottom
    n = max(1, len(points))
    slot = (WIDTH - left - right) / n
    col_w = max(2.0, min(28.0, slot * 0.7))
    stacked = [v + (pending[i] if pending else 0) for i, (_l, v) in enumerate(points)]
    peak = max(stacked, default=0)
    size, spaced = _axis([label for label, _v in points], slot)
    every = max(1, -(-n // 12), spaced)  # at most ~12 axis labels, none touching
    head, _ = _open(height, title, "trend-chart")
    base_y = top + plot_h
    parts = [
        head,
        f'<line x1="{left}" y1="{base_y}" x2="{WIDTH - right}" y2="{base_y}" stroke="{GRID}" '
        f'stroke-width="1"/>',
        # the scale: the tallest column's value, top left
        f'<text x="{left}" y="14" font-size="12" fill="{MUTED}" {FONT}>'
        f'{escape(fmt(peak))}</text>' if peak else "",
    ]
    for i, (label, value) in enumerate(points):
        x = left + slot * i + (slot - col_w) / 2
        cx = left + slot * i + slot / 2
        h = 0 if peak <= 0 else plot_h * max(0, value) / peak
        extra = pending[i] if pending else 0
        ph = 0 if peak <= 0 else plot_h * max(0, extra) / peak
        tip = _tip(label, fmt(value), fmt(extra) if extra else None)
        parts.append(f'<g><title>{escape(tip)}</title>')
        parts.append(f'<rect x="{x:.1f}" y="{base_y - h:.1f}" width="{col_w:.1f}" '
                     f'height="{h:.1f}" fill="{BAR}"/>')
        if ph:
            parts.append(f'<rect x="{x:.1f}" y="{base_y - h - ph:.1f}" width="{col_w:.1f}" '
                         f'height="{ph:.1f}" fill="{PENDING}"/>')
        if n <= 12 and (value or extra):
            parts.append(f'<text x="{cx:.1f}" y="{base_y - h - ph - 4:.1f}" text-anchor="middle" '
                         f'font-size="12" fill="{INK}" {FONT}>{escape(fmt(value))}</text>')
        if i % every == 0:
            parts.append(f'<text x="{cx:.1f}" y="{height - 8}" text-anchor="middle" '
                         f'font-size="{size:g}" fill="{MUTED}" {FONT}>{escape(label)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    # bandit B704: every text in it was escaped above
    return Markup("".join(parts))  # nosec B704
