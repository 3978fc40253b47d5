"""Pure image functions for scans: bytes in, cleaned bytes and measurements out.

No Django here: the Celery task calls `process_image` through `services.scan_process`,
the upload view calls `sniff_image`, and the benchmark times both directly.

Hashes, to be clear about which is which:
- the *upload* hash (`Scan.sha256`) is taken over the bytes as the phone sent them, in the
  upload request, so the same photo uploaded twice is caught before any work;
- the *stored* hash (`ProcessedImage.sha256` → `Scan.stored_sha256`) is taken here over the
  cleaned JPEG that replaces the upload, for integrity of exports and bundles.
"""

from __future__ import annotations

import enum
import hashlib
import io
import warnings
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

import imagehash
import numpy as np
import pillow_heif
import zxingcpp
from PIL import Image, ImageOps, UnidentifiedImageError

if TYPE_CHECKING:
    from django.core.files.base import File

pillow_heif.register_heif_opener()

# Formats accepted from phones and scanners (MPO: multi-picture JPEG written by many phones).
ACCEPTED_FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp", "HEIF": "heic", "AVIF": "avif"}
JPEG_QUALITY = 88
THUMBNAIL_SIZE = 320
MIN_SIDE = 1000  # px; below this the text of a certificate is not legible
BLUR_THRESHOLD = 40.0  # variance of the Laplacian on a 1024-px greyscale copy
ANALYSIS_SIZE = 1024
QR_SIZE = 2000
# A JPEG larger than this is decoded at a reduced scale (1/2, 1/4 or 1/8, by the decoder itself:
# `Image.draft`) and stored so: a 60-MP photo is kept at 15 MP, and costs the worker about a third
# of the memory (bench/scan_memory.py). Photos up to this size (a 12- or 20-MP phone) are untouched.
STORE_MAX_PIXELS = 20_000_000


class Rejection(enum.StrEnum):
    """Why a file cannot be used; services turn these into translated messages."""

    NOT_IMAGE = "not_image"
    PDF = "pdf"
    UNSUPPORTED = "unsupported_format"
    BOMB = "decompression_bomb"
    TRUNCATED = "truncated"


class QualityIssue(enum.StrEnum):
    BLURRED = "blurred"
    LOW_RESOLUTION = "low_resolution"


class ImageRejected(Exception):
    def __init__(self, reason: Rejection, detail: str = ""):
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class SniffResult:
    format: str
    extension: str
    width: int
    height: int


@dataclass(frozen=True)
class ProcessedImage:
    image_bytes: bytes  # cleaned JPEG: upright, no EXIF/GPS/ICC/XMP
    thumbnail_bytes: bytes
    width: int
    height: int
    sha256: str  # of image_bytes (the stored file)
    phash: str
    sharpness: float  # variance of the Laplacian; higher is sharper
    issues: tuple[QualityIssue, ...]
    qr_payload: str

    @property
    def needs_retake(self) -> bool:
        return bool(self.issues)


def _open(data: bytes, *, max_pixels: int) -> Image.Image:
    """Open (header only) with decompression-bomb protection; raise ImageRejected."""
    stream = io.BytesIO(data)
    if data[:8].lstrip().startswith(b"%PDF"):
        raise ImageRejected(Rejection.PDF)
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(stream)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRejected(Rejection.BOMB, str(exc)) from exc
    except UnidentifiedImageError as exc:
        raise ImageRejected(Rejection.NOT_IMAGE) from exc
    except (OSError, SyntaxError, ValueError) as exc:  # a broken header
        raise ImageRejected(Rejection.NOT_IMAGE, str(exc)) from exc
    if image.format not in ACCEPTED_FORMATS:
        raise ImageRejected(Rejection.UNSUPPORTED, str(image.format))
    if image.width * image.height > max_pixels:
        raise ImageRejected(Rejection.BOMB, f"{image.width}x{image.height}")
    return image


def sniff_image(stream: IO[bytes] | File, *, max_pixels: int) -> SniffResult:
    """The real type and size of an uploaded file from its header; nothing is decoded.

    `verify()` checks the container (chunk CRCs for PNG) without decoding pixels,
    so the upload request stays fast; truncation is caught later in `process_image`.
    """
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF"):
        raise ImageRejected(Rejection.PDF)
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream) as image:
                fmt, width, height = image.format, image.width, image.height
                if fmt not in ACCEPTED_FORMATS:
                    raise ImageRejected(Rejection.UNSUPPORTED, str(fmt))
                if width * height > max_pixels:
                    raise ImageRejected(Rejection.BOMB, f"{width}x{height}")
                image.verify()
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRejected(Rejection.BOMB, str(exc)) from exc
    except UnidentifiedImageError as exc:
        raise ImageRejected(Rejection.NOT_IMAGE) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRejected(Rejection.NOT_IMAGE, str(exc)) from exc
    finally:
        stream.seek(0)
    return SniffResult(format=fmt, extension=ACCEPTED_FORMATS[fmt], width=width, height=height)


def _flatten(image: Image.Image) -> Image.Image:
    """RGB or L, transparency composited on white (JPEG has no alpha)."""
    if image.mode in ("RGB", "L"):
        return image
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode in ("1", "I", "I;16", "I;16B", "I;16L", "F"):
        return image.convert("L")
    return image.convert("RGB")


def clean_jpeg(image: Image.Image, *, quality: int = JPEG_QUALITY) -> bytes:
    """Re-encode without any metadata: no EXIF (so no GPS), no ICC profile, no XMP, no comment."""
    image.info = {}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=b"", icc_profile=None, comment=b"")
    return out.getvalue()


def sharpness(grey: Image.Image) -> float:
    """Variance of the Laplacian of a greyscale image: low on blurred photos."""
    a = np.asarray(grey, dtype=np.float32)
    if a.shape[0] < 3 or a.shape[1] < 3:
        return 0.0
    lap = a[1:-1, :-2] + a[1:-1, 2:] + a[:-2, 1:-1] + a[2:, 1:-1] - 4.0 * a[1:-1, 1:-1]
    return float(lap.var())


def _downscaled(image: Image.Image, max_side: int) -> Image.Image:
    """A copy no larger than max_side by an integer box reduce (fast, and fine for measuring)."""
    factor = -(-max(image.width, image.height) // max_side)  # ceiling division
    return image.reduce(factor) if factor >= 2 else image.copy()


def read_qr(grey: Image.Image) -> str:
    """Text of the first QR code found, or ""."""
    try:
        found = zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormat.QRCode)
    except (ValueError, RuntimeError):
        return ""
    for barcode in found:
        if barcode.valid and barcode.text:
            return barcode.text
    return ""


def quality_issues(
    *, width: int, height: int, sharpness_value: float, blur_threshold: float = BLUR_THRESHOLD, min_side: int = MIN_SIDE
) -> tuple[QualityIssue, ...]:
    issues = []
    if sharpness_value < blur_threshold:
        issues.append(QualityIssue.BLURRED)
    if min(width, height) < min_side:
        issues.append(QualityIssue.LOW_RESOLUTION)
    return tuple(issues)


def _draft_scale(width: int, height: int, store_max_pixels: int) -> int:
    """The smallest of 1, 2, 4, 8 that brings width × height to at most `store_max_pixels`."""
    scale = 1
    while scale < 8 and (width // scale) * (height // scale) > store_max_pixels:
        scale *= 2
    return scale


def reduce_on_decode(image: Image.Image, *, store_max_pixels: int = STORE_MAX_PIXELS) -> Image.Image:
    """Ask the JPEG decoder for a reduced scale when the photo is larger than `store_max_pixels`:
    the full-size pixels are then never held in memory. Other formats are decoded at full size."""
    if image.format not in ("JPEG", "MPO"):
        return image
    scale = _draft_scale(image.width, image.height, store_max_pixels)
    if scale > 1:
        mode = image.mode if image.mode in ("RGB", "L") else None
        image.draft(mode, (image.width // scale, image.height // scale))
    return image


def process_image(
    data: bytes,
    *,
    max_pixels: int,
    qr_full_resolution_retry: bool = True,
    blur_threshold: float = BLUR_THRESHOLD,
    min_side: int = MIN_SIDE,
    store_max_pixels: int = STORE_MAX_PIXELS,
) -> ProcessedImage:
    """Decode safely, turn upright, strip metadata, measure quality, read a QR code.

    A JPEG above `store_max_pixels` is decoded (and stored) at a reduced scale; quality is
    measured on what is stored. Raises ImageRejected (bomb, truncated, not an image) — never
    returns a half result.
    """
    image = reduce_on_decode(_open(data, max_pixels=max_pixels), store_max_pixels=store_max_pixels)
    try:
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRejected(Rejection.BOMB, str(exc)) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRejected(Rejection.TRUNCATED, str(exc)) from exc
    ImageOps.exif_transpose(image, in_place=True)  # also drops the orientation tag
    clean = _flatten(image)
    image_bytes = clean_jpeg(clean)

    # One reduce of the full image; the smaller copies are taken from that one.
    medium = _downscaled(clean, QR_SIZE)
    small = _downscaled(medium, ANALYSIS_SIZE)
    small_grey = small.convert("L")
    thumb = small.copy()
    thumb.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE), Image.Resampling.LANCZOS)
    thumbnail_bytes = clean_jpeg(thumb, quality=80)

    sharp = sharpness(small_grey)
    issues = quality_issues(
        width=clean.width,
        height=clean.height,
        sharpness_value=sharp,
        blur_threshold=blur_threshold,
        min_side=min_side,
    )

    qr = read_qr(medium.convert("L"))
    if not qr and qr_full_resolution_retry and medium.size != clean.size:
        qr = read_qr(clean.convert("L"))

    return ProcessedImage(
        image_bytes=image_bytes,
        thumbnail_bytes=thumbnail_bytes,
        width=clean.width,
        height=clean.height,
        sha256=hashlib.sha256(image_bytes).hexdigest(),
        phash=str(imagehash.phash(small_grey)),
        sharpness=round(sharp, 2),
        issues=issues,
        qr_payload=qr,
    )
