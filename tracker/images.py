"""The photo pipeline: check an upload is a real photo, then make a clean JPEG of it.

Nothing of the upload is trusted: its name and declared type are ignored, the type
is read from the bytes, the pixel count is checked before anything is decoded, and
what is kept is a fresh re-encoding (upright, no EXIF/GPS/ICC or other metadata),
so a polyglot's extra payload cannot survive even if it got past the checks.
"""
from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = ("JPEG", "PNG", "WEBP")
MAX_PIXELS = 40_000_000  # 40 MP: more than any phone camera, far less than a pixel flood
FULL_SIZE = 1600  # long side of the stored photo
THUMB_SIZE = 320
JPEG_QUALITY = 82

# Pillow itself refuses images above twice this (DecompressionBombError) and warns
# above it; the pipeline checks the declared size first and turns both into a refusal.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

_MAGIC = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
)
# Markup or script anywhere in the bytes: an image/HTML polyglot, refused outright.
_ACTIVE_CONTENT = re.compile(rb"<\s*(script|html|svg|iframe|body|\?php|!doctype)", re.IGNORECASE)


class ImageRejected(ValueError):
    """The upload is not an acceptable photo; ``message`` says why, in Chinese."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class ProcessedImage:
    full: bytes  # JPEG, long side <= FULL_SIZE
    thumb: bytes  # JPEG, long side <= THUMB_SIZE
    width: int
    height: int


NOT_A_PHOTO = _l("只能上传 JPEG、PNG 或 WebP 格式的照片。")
DAMAGED = _l("照片文件不完整或已损坏，请重新选择。")
TOO_MANY_PIXELS = _l("照片像素过大（超过4000万像素），请换一张或先缩小后再上传。")
EMPTY = _l("请选择一张照片。")


def sniff_format(data: bytes) -> str | None:
    """The format the first bytes announce, or None."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def process_image(data: bytes) -> ProcessedImage:
    """Check ``data`` and return the clean full-size and thumbnail JPEGs."""
    if not data:
        raise ImageRejected(EMPTY)
    declared = sniff_format(data)
    if declared is None:
        raise ImageRejected(NOT_A_PHOTO)
    if _ACTIVE_CONTENT.search(data):
        raise ImageRejected(NOT_A_PHOTO)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = _open_checked(data, declared)
            image = ImageOps.exif_transpose(image)
        except ImageRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRejected(TOO_MANY_PIXELS) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise ImageRejected(DAMAGED) from None
    clean = _flatten(image)
    full = _fit(clean, FULL_SIZE)
    thumb = _fit(clean, THUMB_SIZE)
    return ProcessedImage(full=_jpeg(full), thumb=_jpeg(thumb), width=full.width,
                          height=full.height)


def _open_checked(data: bytes, declared: str) -> Image.Image:
    # Header only: size and format are known before any pixel is decoded.
    probe = Image.open(io.BytesIO(data), formats=FORMATS)
    if probe.format != declared:
        raise ImageRejected(NOT_A_PHOTO)
    width, height = probe.size
    if width < 1 or height < 1:
        raise ImageRejected(DAMAGED)
    if width * height > MAX_PIXELS:
        raise ImageRejected(TOO_MANY_PIXELS)
    probe.verify()  # structure and checksums (PNG CRCs); the object is unusable after
    image = Image.open(io.BytesIO(data), formats=FORMATS)
    image.load()  # a truncated file fails here (LOAD_TRUNCATED_IMAGES stays False)
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """A brand-new RGB image with the pixels only: no info dict, no EXIF, no profile."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        clean = Image.new("RGB", rgba.size, (255, 255, 255))
        clean.paste(rgba, mask=rgba.getchannel("A"))
        return clean
    rgb = image.convert("RGB")
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    return clean


def _fit(image: Image.Image, size: int) -> Image.Image:
    copy = image.copy()
    copy.thumbnail((size, size), Image.Resampling.LANCZOS)
    return copy


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()
