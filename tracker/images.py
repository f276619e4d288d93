"""The photo pipeline: check an upload is a real photo, then make a clean JPEG of it.

Nothing of the upload is trusted: its name and declared type are ignored, the type
is read from the bytes, the pixel count is checked before anything is decoded, and
what is kept is a fresh re-encoding (upright, no EXIF/GPS/ICC or other metadata),
so a polyglot's extra payload cannot survive even if it got past the checks. The pixels
are decoded once and scaled down before anything else is done with them: a small file
of many pixels costs its decoded size once, not several full-size copies.
"""
from __future__ import annotations

import io
import math
import re
import warnings
from dataclasses import dataclass

from .i18n import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

FORMATS = ("JPEG", "PNG", "WEBP")
MAX_PIXELS = 40_000_000  # 40 MP: more than any phone camera, far less than a pixel flood
# PNG and WebP cannot be decoded scaled down as a JPEG can: all their pixels are decoded
# at full size, and Pillow's WebP decoder holds about 16 bytes a pixel (a 70 KB WebP of
# 40 MP took 625 MB, a PNG of 40 MP about 250 MB). Phones send photos as JPEG (and the
# page shrinks big ones to 1600 px before upload), so these formats are screenshots and
# edited pictures: 16 MP (4000×4000) is ample, and bounds a worker to about 250 MB.
MAX_PIXELS_DECODED_WHOLE = 16_000_000
FULL_SIZE = 1600  # long side of the stored photo
THUMB_SIZE = 320
JPEG_QUALITY = 82
BAND_ROWS = 64  # rows of the reduced image converted at a time (memory: see _decode_small)

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
HEIC = _l("这是苹果手机的 HEIC 格式照片，暂不能上传。请在微信中从“相册”选择这张照片（微信会转换为 JPEG），"
          "或在 iPhone 的“设置 → 相机 → 格式”中选择“兼容性最佳”后再拍。")
# An iPhone photo (HEIF/HEIC): an ISO media file whose brand says so.
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")
DAMAGED = _l("照片文件不完整或已损坏，请重新选择。")
TOO_MANY_PIXELS = _l("照片像素过大（超过4000万像素），请换一张或先缩小后再上传。")
TOO_MANY_PIXELS_WHOLE = _l("PNG 或 WebP 图片像素过大（超过1600万像素），请先缩小或另存为 JPEG 后再上传。")
EMPTY = _l("请选择一张照片。")


def sniff_format(data: bytes) -> str | None:
    """The format the first bytes announce, or None."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def is_heif(data: bytes) -> bool:
    """Whether ``data`` is a HEIF/HEIC picture (what an iPhone's camera takes)."""
    return len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS


def process_image(data: bytes) -> ProcessedImage:
    """Check ``data`` and return the clean full-size and thumbnail JPEGs."""
    if not data:
        raise ImageRejected(EMPTY)
    declared = sniff_format(data)
    if declared is None:
        raise ImageRejected(HEIC if is_heif(data) else NOT_A_PHOTO)
    if _ACTIVE_CONTENT.search(data):
        raise ImageRejected(NOT_A_PHOTO)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = _open_checked(data, declared)
            clean, upright = _decode_small(image)
        except ImageRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRejected(TOO_MANY_PIXELS) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise ImageRejected(DAMAGED) from None
    full = _resized(clean, _fitted(upright, FULL_SIZE))
    thumb = _resized(clean, _fitted(upright, THUMB_SIZE))
    return ProcessedImage(full=_jpeg(full), thumb=_jpeg(thumb), width=full.width,
                          height=full.height)


def _open_checked(data: bytes, declared: str) -> Image.Image:
    """The image, opened but not decoded: its size and format are known, no pixel is."""
    probe = Image.open(io.BytesIO(data), formats=FORMATS)
    if probe.format != declared:
        raise ImageRejected(NOT_A_PHOTO)
    width, height = probe.size
    if width < 1 or height < 1:
        raise ImageRejected(DAMAGED)
    if width * height > MAX_PIXELS:
        raise ImageRejected(TOO_MANY_PIXELS)
    if declared != "JPEG" and width * height > MAX_PIXELS_DECODED_WHOLE:
        raise ImageRejected(TOO_MANY_PIXELS_WHOLE)
    probe.verify()  # structure and checksums (PNG CRCs); the object is unusable after
    return Image.open(io.BytesIO(data), formats=FORMATS)


# EXIF orientation → the transposition that turns the pixels upright (as
# ImageOps.exif_transpose does); 5 to 8 swap width and height.
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _decode_small(image: Image.Image) -> tuple[Image.Image, tuple[int, int]]:
    """Decode ``image`` no larger than the stored photo needs, and make it a brand-new
    upright RGB image with the pixels only (no info dict, no EXIF, no profile).

    Returns that image and the upright size of the original, from which the stored
    sizes are computed (so they are what scaling the whole original gives). The
    full-size pixels are decoded once and never copied whole: a JPEG is decoded
    already scaled down (1/2 to 1/8, never below the stored size); any other image is
    converted and reduced a band of rows at a time, right after it is decoded. A 150 KB
    PNG of 6300×6300 then costs its decoded pixels once, not four copies of them
    (review finding 5)."""
    width, height = image.size
    wanted = _fitted((width, height), FULL_SIZE)
    if image.format == "JPEG":
        image.draft("RGB", wanted)
    image.load()  # a truncated file fails here (LOAD_TRUNCATED_IMAGES stays False)
    orientation = image.getexif().get(0x0112, 1)  # after load: a PNG's eXIf may follow IDAT
    alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    mode = "RGBA" if alpha else "RGB"
    # An integer box reduction that stays at or above the stored size; LANCZOS does the rest.
    factor = max(1, min(image.width // wanted[0], image.height // wanted[1]))
    small = Image.new(mode, (-(-image.width // factor), -(-image.height // factor)))
    rows = factor * BAND_ROWS  # bands start on a multiple of the factor: the same result
    for top in range(0, image.height, rows):
        piece = image.crop((0, top, image.width, min(top + rows, image.height)))
        if piece.mode != mode:
            piece = piece.convert(mode)
        if factor > 1:
            piece = piece.reduce(factor)
        small.paste(piece, (0, top // factor))
    del image, piece
    if alpha:
        clean = Image.new("RGB", small.size, (255, 255, 255))
        clean.paste(small, mask=small.getchannel("A"))
    else:
        clean = small
    if orientation in _UPRIGHT:
        clean = clean.transpose(_UPRIGHT[orientation])
    upright = (height, width) if orientation in (5, 6, 7, 8) else (width, height)
    return clean, upright


def _fitted(size: tuple[int, int], box: int) -> tuple[int, int]:
    """The size ``Image.thumbnail((box, box))`` gives an image of ``size`` (the aspect
    kept, never enlarged): the stored sizes do not depend on how far it was pre-scaled."""
    width, height = size
    if width <= box and height <= box:
        return width, height
    aspect = width / height

    def round_aspect(number, key):
        return max(min(math.floor(number), math.ceil(number), key=key), 1)

    if box / box >= aspect:
        return round_aspect(box * aspect, key=lambda n: abs(aspect - n / box)), box
    return box, round_aspect(box / aspect, key=lambda n: 0 if n == 0 else abs(aspect - box / n))


def _resized(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    if image.size == size:
        return image.copy()
    return image.resize(size, Image.Resampling.LANCZOS)


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()
