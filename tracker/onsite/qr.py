"""QR codes drawn on the server (segno, SVG): no outside service, no script. segno is
imported on the first code drawn, not at every process's start."""
from __future__ import annotations

from markupsafe import Markup


def qr_svg(data: str, css_class: str = "qr") -> Markup:
    """Inline SVG markup for ``data``; it scales with its box (no fixed size, no style)."""
    import segno

    code = segno.make(data, error="m", micro=False)
    # bandit B704: segno's SVG of a link the app made itself
    return Markup(code.svg_inline(scale=4, border=4, dark="#000", light="#fff",
                                  omitsize=True, svgclass=css_class, lineclass=None,
                                  title=None))  # nosec B704
