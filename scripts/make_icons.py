"""Draw the app's icons with Pillow: static/icons/icon-{180,192,512}.png and favicon.ico.

Run once after changing the design (``.venv/bin/python scripts/make_icons.py``); the
small PNG/ICO files it writes are committed, so serving them needs nothing at runtime
and no outside host. No font either: a red tile with a white tick (a task done) draws
the same on every machine.
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "static" / "icons"
RED = (183, 28, 28, 255)  # --red in static/css/app.css
WHITE = (255, 255, 255, 255)


def draw(size: int) -> Image.Image:
    # Drawn 4× larger and shrunk, for smooth edges.
    big = size * 4
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 6, fill=RED)
    tick = [(0.24, 0.52), (0.43, 0.70), (0.77, 0.32)]
    pen.line([(x * big, y * big) for x, y in tick], fill=WHITE, width=max(1, big // 9),
             joint="curve")
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (180, 192, 512):
        draw(size).save(OUT / f"icon-{size}.png", optimize=True)
    draw(48).save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


if __name__ == "__main__":
    main()
