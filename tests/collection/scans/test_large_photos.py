"""A very large JPEG is decoded at reduced scale (issue 15, item 12).

A near-60-MP photo cost the worker about 500 MB (bench/scan_memory.py): the full-size pixels, a
turned copy and the re-encoding. Above `STORE_MAX_PIXELS` the JPEG decoder is asked for 1/2, 1/4
or 1/8 of the size (`Image.draft`), so the full-size pixels are never held; the QR code is still
read. Here with a small `store_max_pixels` so the test stays fast; the 60-MP figure is the bench's.
"""

from __future__ import annotations

import io

from PIL import Image

from collection.scans import processing
from tests.collection.scans import images

MAX_PIXELS = 60_000_000


def _id_card_photo(width: int, height: int) -> Image.Image:
    photo = images.document_photo(width, height, seed=4)
    photo.paste(images.qr_image(images.CCCD_PAYLOAD, scale=8), (width // 3, height // 3))
    return photo


def test_a_jpeg_above_the_limit_is_decoded_and_stored_at_half_size_and_its_qr_read():
    data = images.encode(_id_card_photo(3200, 2400), "JPEG", quality=90, exif=images.exif_with_orientation_and_gps(6))
    result = processing.process_image(data, max_pixels=MAX_PIXELS, store_max_pixels=2_000_000)
    assert (result.width, result.height) == (1200, 1600)  # halved, then turned upright
    assert result.qr_payload == images.CCCD_PAYLOAD
    stored = Image.open(io.BytesIO(result.image_bytes))
    assert stored.size == (1200, 1600) and not stored.getexif()


def test_the_scale_is_the_smallest_power_of_two_that_fits():
    assert processing._draft_scale(9487, 6324, 20_000_000) == 2
    assert processing._draft_scale(5477, 3651, 20_000_000) == 1
    assert processing._draft_scale(8000, 6000, 2_000_000) == 8  # never beyond 1/8


def test_a_jpeg_within_the_limit_and_other_formats_keep_their_size():
    photo = _id_card_photo(2000, 1500)
    jpeg = processing.process_image(images.encode(photo, "JPEG", quality=90), max_pixels=MAX_PIXELS)
    assert (jpeg.width, jpeg.height) == (2000, 1500) and jpeg.qr_payload == images.CCCD_PAYLOAD
    png = processing.process_image(images.encode(photo, "PNG"), max_pixels=MAX_PIXELS, store_max_pixels=1_000_000)
    assert (png.width, png.height) == (2000, 1500)  # no reduced decoding outside JPEG


def test_the_default_limit_keeps_a_20_mp_phone_photo_whole():
    assert processing.STORE_MAX_PIXELS >= 20_000_000
    assert processing._draft_scale(5472, 3648, processing.STORE_MAX_PIXELS) == 1
