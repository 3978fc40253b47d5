"""The pure image functions, on real generated images."""

import hashlib
import io

import imagehash
import pytest
from PIL import Image

from collection.scans import processing
from collection.scans.processing import ImageRejected, QualityIssue, Rejection
from collection.scans.qr import parse_cccd_qr
from tests.collection.scans import images

MAX_PIXELS = 60_000_000


def process(data: bytes, **kwargs):
    return processing.process_image(data, max_pixels=kwargs.pop("max_pixels", MAX_PIXELS), **kwargs)


def test_exif_orientation_applied_and_all_metadata_removed():
    source = images.jpeg_with_exif(images.marked_photo(1600, 1200), orientation=6)
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(0x8825)  # the upload does carry GPS

    result = process(source)

    stored = Image.open(io.BytesIO(result.image_bytes))
    assert stored.format == "JPEG"
    assert stored.size == (1200, 1600) == (result.width, result.height)  # turned upright
    # Orientation 6: the picture's top-left corner is shown at the top right.
    red = stored.convert("RGB").getpixel((1200 - 40, 40))
    assert red[0] > 200 and red[1] < 60 and red[2] < 60
    assert stored.convert("RGB").getpixel((40, 40))[1] > 100
    assert not stored.getexif()
    assert b"Exif" not in result.image_bytes and b"GPS" not in result.image_bytes
    assert "icc_profile" not in stored.info and "xmp" not in stored.info and "exif" not in stored.info
    assert result.sha256 == hashlib.sha256(result.image_bytes).hexdigest()


def test_icc_profile_and_comment_are_dropped():
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = images.encode(images.document_photo(1200, 1000), "JPEG", icc_profile=icc, comment=b"secret place")
    result = process(source)
    stored = Image.open(io.BytesIO(result.image_bytes))
    assert "icc_profile" not in stored.info
    assert b"secret place" not in result.image_bytes


@pytest.mark.parametrize(
    ("fmt", "mode"),
    [("PNG", "RGBA"), ("PNG", "L"), ("PNG", "P"), ("WEBP", "RGB"), ("HEIC", "RGB"), ("JPEG", "CMYK"), ("JPEG", "L")],
)
def test_formats_become_clean_jpeg(fmt, mode):
    source_image = images.document_photo(1200, 1000, noise=0 if fmt == "HEIC" else 18).convert(mode)
    result = process(images.encode(source_image, fmt))
    stored = Image.open(io.BytesIO(result.image_bytes))
    assert stored.format == "JPEG"
    assert stored.mode in ("RGB", "L")
    assert (result.width, result.height) == (1200, 1000)
    thumb = Image.open(io.BytesIO(result.thumbnail_bytes))
    assert thumb.format == "JPEG" and max(thumb.size) == processing.THUMBNAIL_SIZE


def test_transparent_png_is_flattened_on_white():
    image = Image.new("RGBA", (1200, 1000), (0, 0, 0, 0))
    result = process(images.encode(image, "PNG"))
    assert Image.open(io.BytesIO(result.image_bytes)).convert("RGB").getpixel((10, 10)) == (255, 255, 255)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"this is a text file named scan.jpg\n" * 20, Rejection.NOT_IMAGE),
        (images.minimal_pdf(), Rejection.PDF),
        (images.decompression_bomb_png(), Rejection.BOMB),
        (images.truncated_jpeg(), Rejection.TRUNCATED),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 50, Rejection.NOT_IMAGE),  # a JPEG marker and nothing else
        (images.encode(Image.new("RGB", (64, 64)), "GIF"), Rejection.UNSUPPORTED),
    ],
    ids=["text", "pdf", "bomb", "truncated", "broken-header", "gif"],
)
def test_bad_files_are_rejected_with_a_reason(data, reason):
    with pytest.raises(ImageRejected) as info:
        process(data)
    assert info.value.reason is reason


def test_bomb_below_pillows_own_limit_is_still_refused():
    """Between our limit and Pillow's 2× error threshold Pillow only warns; we refuse."""
    data = images.encode(images.document_photo(1200, 1000), "PNG")
    with pytest.raises(ImageRejected) as info:
        process(data, max_pixels=1_000_000)
    assert info.value.reason is Rejection.BOMB


def test_bomb_file_is_small_on_disk():
    assert len(images.decompression_bomb_png()) < 2000


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"plain text, not an image", Rejection.NOT_IMAGE),
        (images.minimal_pdf(), Rejection.PDF),
        (images.decompression_bomb_png(), Rejection.BOMB),
        (images.encode(Image.new("RGB", (64, 64)), "BMP"), Rejection.UNSUPPORTED),
    ],
    ids=["text", "pdf", "bomb", "bmp"],
)
def test_sniff_refuses_from_the_header(data, reason):
    with pytest.raises(ImageRejected) as info:
        processing.sniff_image(io.BytesIO(data), max_pixels=MAX_PIXELS)
    assert info.value.reason is reason


@pytest.mark.parametrize(("fmt", "extension"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp"), ("HEIC", "heic")])
def test_sniff_reports_real_type(fmt, extension):
    stream = io.BytesIO(images.encode(images.document_photo(1100, 1000, noise=0 if fmt == "HEIC" else 18), fmt))
    stream.seek(17)
    result = processing.sniff_image(stream, max_pixels=MAX_PIXELS)
    assert (result.extension, result.width, result.height) == (extension, 1100, 1000)
    assert stream.tell() == 0  # left ready to be stored


@pytest.mark.parametrize(("radius", "blurred"), [(0, False), (0.6, False), (3, True), (6, True)])
def test_blur_detection(radius, blurred):
    image = images.document_photo(1600, 1200, seed=5)
    if radius:
        image = images.blurred(image, radius)
    result = process(images.encode(image, "JPEG", quality=90))
    assert (QualityIssue.BLURRED in result.issues) is blurred
    assert result.needs_retake is blurred


def test_sharper_photo_scores_higher():
    image = images.document_photo(1600, 1200, seed=2)
    sharp = process(images.encode(image, "JPEG")).sharpness
    soft = process(images.encode(images.blurred(image, 1.5), "JPEG")).sharpness
    assert sharp > soft * 2


@pytest.mark.parametrize(
    ("size", "low"), [((1600, 1200), False), ((1000, 1000), False), ((1400, 999), True), ((640, 480), True)]
)
def test_low_resolution(size, low):
    result = process(images.encode(images.document_photo(*size), "JPEG"))
    assert (QualityIssue.LOW_RESOLUTION in result.issues) is low


def test_generated_cccd_qr_is_read_and_parsed():
    result = process(images.encode(images.id_card_with_qr(), "JPEG", quality=90))
    assert result.qr_payload == images.CCCD_PAYLOAD
    qr = parse_cccd_qr(result.qr_payload)
    assert qr is not None and qr.id_number == "001085012345" and qr.old_id_number == "123456789"


def test_qr_on_a_large_photo_is_read_after_downscaling():
    photo = images.document_photo(4000, 3000, qr_text=images.CCCD_PAYLOAD, qr_scale=10)
    result = process(images.encode(photo, "JPEG", quality=88))
    assert result.qr_payload == images.CCCD_PAYLOAD


def test_small_qr_on_a_large_photo_needs_the_full_resolution_retry():
    photo = images.document_photo(4000, 3000, qr_text=images.CCCD_PAYLOAD, qr_scale=2, noise=4)
    data = images.encode(photo, "JPEG", quality=95)
    assert process(data, qr_full_resolution_retry=False).qr_payload == ""
    assert process(data, qr_full_resolution_retry=True).qr_payload == images.CCCD_PAYLOAD


@pytest.mark.parametrize(
    "make", [lambda: images.document_photo(1400, 1100), images.garbled_qr_photo], ids=["no-qr", "garbled-qr"]
)
def test_no_or_unreadable_qr_gives_empty_payload(make):
    assert process(images.encode(make(), "JPEG", quality=92)).qr_payload == ""


def test_perceptual_hash_survives_reencoding():
    image = images.document_photo(1600, 1200, seed=11)
    first = process(images.encode(image, "JPEG", quality=95)).phash
    second = process(images.encode(image, "JPEG", quality=60)).phash
    other = process(images.encode(images.id_card_with_qr(), "JPEG")).phash
    distance = imagehash.hex_to_hash(first) - imagehash.hex_to_hash(second)
    assert distance <= 4
    assert imagehash.hex_to_hash(first) - imagehash.hex_to_hash(other) > distance


def test_heic_with_orientation_and_gps_is_upright_once_and_clean():
    """libheif applies the rotation and pillow-heif resets the EXIF tag: no double rotation."""
    import pillow_heif

    image = images.document_photo(1600, 1200, noise=0)
    from PIL import ImageDraw

    ImageDraw.Draw(image).rectangle((0, 0, 199, 149), fill=(255, 0, 0))
    out = io.BytesIO()
    pillow_heif.from_pillow(image).save(out, quality=85, exif=images.exif_with_orientation_and_gps(6).tobytes())
    assert Image.open(io.BytesIO(out.getvalue())).getexif().get_ifd(0x8825)  # GPS in the upload

    result = process(out.getvalue())
    stored = Image.open(io.BytesIO(result.image_bytes)).convert("RGB")
    assert stored.size == (1200, 1600)
    red = stored.getpixel((1200 - 40, 40))
    assert red[0] > 200 and red[1] < 60
    assert b"Exif" not in result.image_bytes
