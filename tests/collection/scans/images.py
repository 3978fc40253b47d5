"""Real images generated with Pillow (and zxing-cpp for QR codes) for the scan tests and the bench."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pillow_heif
import zxingcpp
from PIL import Image, ImageDraw, ImageFilter

CCCD_PAYLOAD = "001085012345|123456789|Nguyễn Văn An|01021985|Nam|Thôn 1, xã Tiên Du, Bắc Ninh|15062021"


def document_photo(
    width: int = 1600,
    height: int = 1200,
    *,
    seed: int = 1,
    qr_text: str | None = None,
    qr_scale: int = 8,
    noise: float = 18,
) -> Image.Image:
    """Photo-like page: paper noise, lines of text, boxes, optionally a QR code."""
    rng = np.random.default_rng(seed)
    paper = rng.normal(205, noise, (height, width, 3)).clip(0, 255).astype(np.uint8)
    image = Image.fromarray(paper, "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(max(40, width * height // 40_000)):
        x, y = int(rng.integers(0, width - 260)), int(rng.integers(0, height - 30))
        draw.text((x, y), "CONG HOA XA HOI CHU NGHIA VIET NAM 0123456789", fill=(25, 25, 25))
    for _ in range(12):
        x, y = int(rng.integers(0, width - 200)), int(rng.integers(0, height - 200))
        draw.rectangle(
            (x, y, x + int(rng.integers(40, 200)), y + int(rng.integers(40, 200))), outline=(0, 0, 0), width=3
        )
    if qr_text:
        qr = qr_image(qr_text, scale=qr_scale)
        image.paste(qr, (width // 3, height // 3))
    return image


def qr_image(text: str, *, scale: int = 8) -> Image.Image:
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode)
    return Image.fromarray(np.array(barcode.to_image(scale=scale, add_quiet_zones=True))).convert("RGB")


def id_card_with_qr(text: str = CCCD_PAYLOAD) -> Image.Image:
    """A white card with a CCCD QR code on a 1600×1200 photo."""
    photo = document_photo(1600, 1200, seed=7)
    card = Image.new("RGB", (900, 600), (250, 250, 250))
    card.paste(qr_image(text, scale=6), (40, 40))
    photo.paste(card, (350, 300))
    return photo


def garbled_qr_photo() -> Image.Image:
    """A QR code with a band of modules scrambled beyond error correction."""
    qr = qr_image(CCCD_PAYLOAD, scale=8)
    a = np.array(qr)
    rng = np.random.default_rng(3)
    h, w = a.shape[:2]
    band = a[h // 4 : 3 * h // 4, w // 6 : 5 * w // 6]
    noise = rng.integers(0, 2, band.shape[:2]).astype(np.uint8) * 255
    band[:] = noise[..., None]
    photo = document_photo(1400, 1100, seed=9)
    photo.paste(Image.fromarray(a), (300, 200))
    return photo


def exif_with_orientation_and_gps(orientation: int = 6) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (21.0, 1.0, 30.5)
    gps[3] = "E"
    gps[4] = (105.0, 50.0, 12.0)
    return exif


def marked_photo(width: int = 1600, height: int = 1200) -> Image.Image:
    """A photo with a solid red block in its top-left corner, to check orientation."""
    image = document_photo(width, height)
    ImageDraw.Draw(image).rectangle((0, 0, 199, 149), fill=(255, 0, 0))
    return image


def encode(image: Image.Image, fmt: str = "JPEG", **options) -> bytes:
    out = io.BytesIO()
    if fmt == "HEIC":
        pillow_heif.from_pillow(image).save(out, quality=85)
    else:
        image.save(out, fmt, **options)
    return out.getvalue()


def jpeg_with_exif(image: Image.Image | None = None, orientation: int = 6) -> bytes:
    return encode(image or marked_photo(), "JPEG", quality=90, exif=exif_with_orientation_and_gps(orientation))


def truncated_jpeg() -> bytes:
    data = encode(document_photo(1400, 1100), "JPEG", quality=90)
    return data[: len(data) // 2]


def decompression_bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG file whose header declares a huge size."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def minimal_pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def blurred(image: Image.Image, radius: float = 5) -> Image.Image:
    return image.filter(ImageFilter.GaussianBlur(radius))
