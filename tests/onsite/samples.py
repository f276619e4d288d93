"""Upload samples made in the test run: a phone photo with EXIF, and hostile files."""
from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

BLUE = (0, 0, 255)
RED = (200, 30, 30)


def phone_jpeg(width: int = 4032, height: int = 3024) -> bytes:
    """A landscape sensor image stored sideways (EXIF orientation 6) with GPS tags.

    Its top rows are blue: shown upright (turned 90° clockwise) the blue edge is on
    the right, so a pipeline that ignores the orientation leaves it on top.
    """
    image = Image.new("RGB", (width, height), RED)
    image.paste(BLUE, (0, 0, width, height // 8))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° CW to display
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 5.5), 3: "E", 4: (121.0, 28.0, 9.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif.tobytes())
    return out.getvalue()


def small_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), BLUE).save(out, "PNG")
    return out.getvalue()


def transparent_png(side: int = 4000) -> bytes:
    """A fully transparent side×side PNG: ~60 KB for 4000×4000 (16 MP, the cap for
    pictures decoded whole), 61 MB once decoded (review finding 5)."""
    out = io.BytesIO()
    Image.new("RGBA", (side, side), (0, 0, 0, 0)).save(out, "PNG", optimize=True)
    return out.getvalue()


def svg() -> bytes:
    return (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" '
            b'height="10"><script>alert(1)</script></svg>')


def html() -> bytes:
    return b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def truncated_jpeg() -> bytes:
    data = phone_jpeg(1200, 900)
    return data[: len(data) // 2]


def _chunk(kind: bytes, body: bytes) -> bytes:
    return (struct.pack(">I", len(body)) + kind + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))


def pixel_flood_png(side: int = 20000) -> bytes:
    """A valid PNG header claiming side×side pixels, with a tiny body (a few hundred bytes)."""
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(b"\0" * 1024)) + _chunk(b"IEND", b""))
