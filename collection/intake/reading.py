"""Read what a photo sent by a citizen shows: a CCCD front, a CCCD back, a certificate page, or other.

Photos arrive by Zalo, as CamScanner exports or as photos of photocopies: rotated by a
quarter turn, skewed, unevenly lit, sometimes downscaled to 1,200 px. `read_photo` finds
what the photo is and reads what identifies a plot or a person on it:

- the QR code of a chip CCCD front (parsed by `collection.scans.qr.parse_cccd_qr`); when it
  cannot be read, the printed 12-digit number, accepted only when the printed birth date
  agrees with it;
- the ID number in the machine-readable zone of a back, accepted only when its ICAO check
  digit and the full number agree;
- on a certificate page, the serial (số phát hành), book entry number (số vào sổ), map sheet,
  plot number, area and the holder line, each validated against a strict pattern and with
  Tesseract's confidence.

A wrong reading is worse than none: every field is either validated or left out, and OCR
confusions (O for 0, I for 1) are corrected only where a digit must stand.

Pure functions: no Django. One Tesseract engine per thread and process, created on first
use (after a fork, a new one), because loading the Vietnamese model costs ~60 ms and the
engine is not thread-safe.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import math
import os
import re
import threading
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import tesserocr
from PIL import Image, ImageOps
from scipy import ndimage

from collection.scans.processing import read_qr
from collection.scans.qr import CccdQr, parse_cccd_qr
from landdata.normalize import IdKind, cccd_birth_year, cccd_is_male, classify_id, fold_diacritics

# --- results -------------------------------------------------------------------


class Kind(str, enum.Enum):
    ID_FRONT = "id_front"
    ID_BACK = "id_back"
    CERTIFICATE = "certificate"
    OTHER = "other"


@dataclass(frozen=True)
class FieldReading:
    """One value read by OCR and validated; confidence 0–1 (Tesseract's, lowered by any correction)."""

    value: str
    confidence: float


@dataclass(frozen=True)
class CardText:
    """What was read from the printed side of a card (front without a readable QR) or its MRZ (back)."""

    id_number: FieldReading | None = None
    name: FieldReading | None = None  # as printed (upper case on the front, no diacritics in the MRZ)
    birth_date: FieldReading | None = None  # dd/mm/yyyy


@dataclass(frozen=True)
class CertificateText:
    """Fields of a certificate page; None where nothing trustworthy was read."""

    serial: FieldReading | None = None  # "BĐ 123456" / "AA 01234567", letters as read (Đ may come as D)
    book_number: FieldReading | None = None  # "CH 00123"
    map_sheet: FieldReading | None = None  # "12"
    plot_number: FieldReading | None = None  # "345"
    area_m2: FieldReading | None = None  # "230.8" (decimal point)
    holder_name: FieldReading | None = None  # "Nguyễn Văn Bình"
    holder_birth: FieldReading | None = None  # "1952" or "12/03/1952"

    @property
    def locates_plot(self) -> bool:
        """Enough to find the plot: the serial, or the sheet and plot numbers."""
        return self.serial is not None or (self.map_sheet is not None and self.plot_number is not None)


@dataclass(frozen=True)
class PhotoReading:
    kind: Kind
    qr: CccdQr | None = None  # a valid CCCD QR code
    card: CardText | None = None
    certificate: CertificateText | None = None
    # The photo shows the document turned `orientation` degrees clockwise (0/90/180/270) and tilted
    # `skew` degrees anticlockwise on top of that: `image.rotate(orientation - skew, expand=True)`
    # (Pillow turns anticlockwise) makes it upright. None when no text was found to tell.
    orientation: int | None = None
    skew: float = 0.0
    width: int = 0  # of the photo as shown (EXIF orientation applied)
    height: int = 0
    notes: tuple[str, ...] = field(default=())  # why something was not read, for the log

    @property
    def id_number(self) -> str:
        """The 12-digit ID this photo shows, from the QR, the MRZ or the printed number; "" if none."""
        if self.qr is not None:
            return self.qr.id_number
        if self.card is not None and self.card.id_number is not None:
            return self.card.id_number.value
        return ""


# --- the engine ------------------------------------------------------------------

TESSDATA_DIRS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                 "/usr/share/tessdata", "/usr/local/share/tessdata")
MRZ_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"


class TesseractUnavailable(RuntimeError):
    """The Vietnamese or English model is not installed (apt: tesseract-ocr-vie, tesseract-ocr-eng)."""


def tessdata_dir() -> str:
    """Where the models are: $TESSDATA_PREFIX, else Debian's directory.

    The tesserocr wheel bundles its own libtesseract, compiled to look in "./": the path must be given.
    """
    candidates = [os.environ["TESSDATA_PREFIX"]] if os.environ.get("TESSDATA_PREFIX") else []
    for path in [*candidates, *TESSDATA_DIRS]:
        if os.path.exists(os.path.join(path, "vie.traineddata")):
            return path
    raise TesseractUnavailable("vie.traineddata not found; install tesseract-ocr-vie or set TESSDATA_PREFIX")


class _Engines:
    def __init__(self) -> None:
        path = tessdata_dir()
        if not os.path.exists(os.path.join(path, "eng.traineddata")):
            raise TesseractUnavailable(f"eng.traineddata not found in {path}")
        self.text = tesserocr.PyTessBaseAPI(path=path, lang="vie", psm=tesserocr.PSM.SINGLE_BLOCK,
                                            oem=tesserocr.OEM.LSTM_ONLY)
        self.line = tesserocr.PyTessBaseAPI(path=path, lang="vie", psm=tesserocr.PSM.SINGLE_LINE,
                                            oem=tesserocr.OEM.LSTM_ONLY)
        self.mrz = tesserocr.PyTessBaseAPI(path=path, lang="eng", psm=tesserocr.PSM.SINGLE_LINE,
                                           oem=tesserocr.OEM.LSTM_ONLY)
        self.mrz.SetVariable("tessedit_char_whitelist", MRZ_CHARS)
        self.digits = tesserocr.PyTessBaseAPI(path=path, lang="eng", psm=tesserocr.PSM.SINGLE_LINE,
                                              oem=tesserocr.OEM.LSTM_ONLY)
        self.digits.SetVariable("tessedit_char_whitelist", "0123456789")
        for api in (self.text, self.line, self.mrz, self.digits):
            api.SetVariable("user_defined_dpi", "300")
        self.pid = os.getpid()


_local = threading.local()


def _engines() -> _Engines:
    engines = getattr(_local, "engines", None)
    if engines is None or engines.pid != os.getpid():
        engines = _local.engines = _Engines()
    return engines


# --- OCR plumbing ------------------------------------------------------------------


@dataclass
class _Word:
    text: str
    conf: float  # 0–1
    box: tuple[int, int, int, int]


@dataclass
class _Line:
    words: list[_Word]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (min(w.box[0] for w in self.words), min(w.box[1] for w in self.words),
                max(w.box[2] for w in self.words), max(w.box[3] for w in self.words))

    def conf_of(self, start: int, end: int) -> float:
        """Lowest confidence of the words covering characters [start, end) of `text`."""
        pos, lowest = 0, 1.0
        for word in self.words:
            w_end = pos + len(word.text)
            if w_end > start and pos < end:
                lowest = min(lowest, word.conf)
            pos = w_end + 1
        return lowest


def _set_image(api: tesserocr.PyTessBaseAPI, grey: Image.Image) -> None:
    data = grey.tobytes()
    api.SetImageBytes(data, grey.width, grey.height, 1, grey.width)


def _ocr_lines(api: tesserocr.PyTessBaseAPI, grey: Image.Image) -> list[_Line]:
    """Words with their confidences, grouped in text lines, in reading order."""
    _set_image(api, grey)
    api.Recognize()
    lines: list[_Line] = []
    iterator = api.GetIterator()
    if iterator is None:
        return lines
    level = tesserocr.RIL.WORD
    current: list[_Word] = []
    for r in tesserocr.iterate_level(iterator, level):
        text = r.GetUTF8Text(level)
        if text is None:
            continue
        if r.IsAtBeginningOf(tesserocr.RIL.TEXTLINE) and current:
            lines.append(_Line(current))
            current = []
        box = r.BoundingBox(level)
        current.append(_Word(unicodedata.normalize("NFC", text.strip()), r.Confidence(level) / 100.0,
                             box if box else (0, 0, 0, 0)))
    if current:
        lines.append(_Line(current))
    return [line for line in lines if line.text.strip()]


def _ocr_line(api: tesserocr.PyTessBaseAPI, grey: Image.Image) -> tuple[str, float]:
    """Text and mean confidence (0–1) of one line image."""
    _set_image(api, grey)
    text = unicodedata.normalize("NFC", (api.GetUTF8Text() or "").strip())
    return text, api.MeanTextConf() / 100.0


# --- decoding and geometry -----------------------------------------------------------

WORK_SIDE = 2000  # long side of the image the QR is looked for in
ANALYSIS_SIDE = 1100  # long side of the image the text lines are found in
TEXT_HEIGHT = 34  # px: height of a text line's characters (with ascenders) that Tesseract reads best


class _Source:
    """The photo decoded once at reduced scale (JPEG DCT scaling via `draft`), full scale on demand."""

    def __init__(self, data: bytes):
        self.data = data
        probe = Image.open(io.BytesIO(data))
        self.format = probe.format
        self.transpose = _exif_orientation(probe)
        w, h = probe.size
        self.stored_size = (w, h)
        self.size = (h, w) if self.transpose in (5, 6, 7, 8) else (w, h)
        self._cache: dict[int, Image.Image] = {}

    def at_most(self, long_side: int) -> tuple[Image.Image, float]:
        """An RGB copy, upright as shown, no smaller than `long_side` unless the photo is; and its scale."""
        factor = 1
        while max(self.size) // (factor * 2) >= long_side and factor < 8:
            factor *= 2
        return self.decoded(factor), 1.0 / factor

    def decoded(self, factor: int) -> Image.Image:
        if factor not in self._cache:
            image = Image.open(io.BytesIO(self.data))
            if factor > 1 and image.format == "JPEG":
                w, h = image.size
                image.draft("RGB", (w // factor, h // factor))
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
            target = (self.size[0] // factor, self.size[1] // factor)
            if abs(image.width - target[0]) > 2:  # not a JPEG, or draft could not reduce enough
                image = image.resize(target, Image.Resampling.BOX)
            self._cache[factor] = image
        return self._cache[factor]


def _exif_orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(0x0112, 1))
    except (ValueError, TypeError, OSError):
        return 1


def _ink(image: Image.Image) -> Image.Image:
    """Greyscale in which black and red ink are both dark and pink or cream paper is light: the
    smallest of R, G, B. (Luma makes the red serial mid-grey and keeps the pink pattern.)"""
    a = np.asarray(image)
    return Image.fromarray(a.min(axis=2))


@dataclass(frozen=True)
class _Geometry:
    angle: float  # degrees anticlockwise that make the text lines horizontal (upright or upside down)
    char_height: float  # median character height across the line, in analysis px
    points: np.ndarray  # (n, 2) centres of the text components, analysis px
    heights: np.ndarray
    size: tuple[int, int]  # of the analysis image
    scale: float  # analysis px per shown px


def _text_components(grey: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centres, sizes (h, w) and peak contrast of small dark marks on a lighter ground.

    A black-hat (grey closing minus grey) answers to thin dark strokes and not to step edges, so a
    checked tablecloth or the edge of the card gives nothing; wood grain is weak and falls below
    the contrast kept.
    """
    g = grey.astype(np.int16)
    k = 9
    closed = ndimage.minimum_filter(ndimage.maximum_filter(g, size=k), size=k)
    hat = closed - g
    mask = hat > np.maximum(24, closed // 6)
    labels, n = ndimage.label(mask, structure=np.ones((3, 3)))
    if n == 0:
        return np.zeros((0, 2)), np.zeros((0, 2)), np.zeros(0)
    slices = ndimage.find_objects(labels)
    hs = np.array([s[0].stop - s[0].start for s in slices], dtype=np.float64)
    ws = np.array([s[1].stop - s[1].start for s in slices], dtype=np.float64)
    area = np.bincount(labels.ravel(), minlength=n + 1)[1:]
    long_, short = np.maximum(hs, ws), np.minimum(hs, ws)
    fill = area / (hs * ws)
    keep = (long_ >= 4) & (long_ <= 45) & (short >= 2) & (long_ <= 6 * short) & (fill > 0.12) & (fill < 0.92)
    index = np.nonzero(keep)[0]
    if len(index) == 0:
        return np.zeros((0, 2)), np.zeros((0, 2)), np.zeros(0)
    peak = np.asarray(ndimage.maximum(hat, labels, index + 1), dtype=np.float64)
    if len(index) > 20:
        strong = peak >= max(40.0, 0.4 * float(np.percentile(peak, 90)))
        index, peak = index[strong], peak[strong]
    centres = np.array([((slices[i][1].start + slices[i][1].stop) / 2, (slices[i][0].start + slices[i][0].stop) / 2)
                        for i in index])
    sizes = np.stack([hs[index], ws[index]], axis=1)
    return centres, sizes, peak


def _line_score(points: np.ndarray, angle_deg: float, bin_px: float) -> float:
    t = math.radians(angle_deg)
    rho = (-points[:, 0] * math.sin(t) + points[:, 1] * math.cos(t)) / bin_px
    hist = np.bincount((rho - rho.min()).astype(np.int64))
    return float((hist.astype(np.float64) ** 2).sum()) / len(points)


def _geometry(source: _Source) -> _Geometry | None:
    """Direction of the text lines (modulo 180°) from the alignment of the text components: the
    projection of their centres across the lines is peakiest at the lines' angle."""
    image, scale = source.at_most(ANALYSIS_SIDE)
    if max(image.size) > ANALYSIS_SIDE * 1.5:
        factor = -(-max(image.size) // ANALYSIS_SIDE)
        image = image.reduce(factor)
        scale /= factor
    grey = np.asarray(_ink(image))
    centres, sizes, _ = _text_components(grey)
    if len(centres) < 25:
        return None
    bin_px = max(2.0, float(np.median(np.minimum(sizes[:, 0], sizes[:, 1]))) * 0.5)
    best_angle, best = 0.0, -1.0
    for base in (0.0, 90.0):
        for d in np.arange(-15.0, 15.01, 1.0):
            score = _line_score(centres, base + d, bin_px)
            if score > best:
                best, best_angle = score, base + d
    for d in np.arange(-0.8, 0.81, 0.2):
        score = _line_score(centres, best_angle + d, bin_px)
        if score > best:
            best, best_angle_refined = score, best_angle + d
            best_angle = best_angle_refined
    vertical = abs(best_angle - 90) < 45
    heights = sizes[:, 1] if vertical else sizes[:, 0]
    return _Geometry(angle=float(best_angle), char_height=float(np.median(heights)), points=centres,
                     heights=heights, size=image.size, scale=scale)


def _rotate_points(points: np.ndarray, size: tuple[int, int], angle: float) -> tuple[np.ndarray, tuple[int, int]]:
    """Where points land when the image is turned `angle` degrees anticlockwise with expand=True."""
    w, h = size
    t = math.radians(angle)
    c, s = math.cos(t), math.sin(t)
    new_w = abs(w * c) + abs(h * s)
    new_h = abs(w * s) + abs(h * c)
    x, y = points[:, 0] - w / 2, points[:, 1] - h / 2
    out = np.stack([new_w / 2 + x * c + y * s, new_h / 2 - x * s + y * c], axis=1)
    return out, (int(round(new_w)), int(round(new_h)))


@dataclass
class _Upright:
    """The document region turned upright, as greyscale at the scale OCR wants."""

    image: Image.Image  # ink greyscale
    rotation: float  # total anticlockwise degrees applied to the shown photo
    scale: float  # px of `image` per shown px


def _crop_upright(source: _Source, geo: _Geometry, rotation: float, *, target_height: float = TEXT_HEIGHT,
                  region: tuple[float, float, float, float] | None = None, normalise: bool = True) -> _Upright:
    """Cut the text region out of the photo, turned by `rotation` and scaled so that characters are
    about `target_height` px high, decoding at the lowest JPEG scale that gives that resolution.

    `region` is in the turned analysis frame; by default the text components' extent plus a margin.
    One affine transform does the turn, the cut and the scaling.
    """
    pts, rot_size = _rotate_points(geo.points, geo.size, rotation)
    if region is None:
        margin = 3 * geo.char_height
        x0, x1 = np.percentile(pts[:, 0], [0.5, 99.5])
        y0, y1 = np.percentile(pts[:, 1], [0.5, 99.5])
        region = (max(0.0, x0 - margin), max(0.0, y0 - margin), min(rot_size[0], x1 + margin),
                  min(rot_size[1], y1 + margin))
    q = target_height / max(geo.char_height, 1.0)  # output px per analysis px
    needed = q * geo.scale  # output px per shown px
    factor = 1
    while factor < 8 and 1.0 / (factor * 2) >= needed * 0.9:
        factor *= 2
    image = source.decoded(factor)
    k = (1.0 / factor) / geo.scale  # source px per analysis px
    t = math.radians(rotation)
    c, s = math.cos(t), math.sin(t)
    inv = np.array([[c, -s], [s, c]])  # turned frame -> unturned frame (vectors)
    ca = np.array([geo.size[0] / 2, geo.size[1] / 2])
    cr = np.array([rot_size[0] / 2, rot_size[1] / 2])
    corners = np.array([[region[0], region[1]], [region[2], region[1]], [region[2], region[3]], [region[0], region[3]]])
    back = (ca + (corners - cr) @ inv.T) * k
    pad = 4
    box = (int(max(0, back[:, 0].min() - pad)), int(max(0, back[:, 1].min() - pad)),
           int(min(image.width, back[:, 0].max() + pad)), int(min(image.height, back[:, 1].max() + pad)))
    crop = _ink(image.crop(box))
    n = 1
    if q / k < 0.75:  # reduce with a box filter first: an affine transform does not low-pass
        n = int(1.0 / (q / k))
        crop = crop.reduce(n)
    out_w = max(1, int((region[2] - region[0]) * q))
    out_h = max(1, int((region[3] - region[1]) * q))
    linear = inv * (k / (q * n))
    offset = ((ca + inv @ (np.array([region[0], region[1]]) - cr)) * k - np.array(box[:2])) / n
    data = (linear[0, 0], linear[0, 1], offset[0], linear[1, 0], linear[1, 1], offset[1])
    turned = crop.transform((out_w, out_h), Image.Transform.AFFINE, data, Image.Resampling.BICUBIC, fillcolor=255)
    return _Upright(image=_normalise(turned) if normalise else turned, rotation=rotation, scale=q * geo.scale)


def _normalise(grey: Image.Image) -> Image.Image:
    """Flatten uneven light: divide by the paper's brightness (a grey closing, computed small)."""
    a = np.asarray(grey, dtype=np.float32)
    small = grey.reduce(4) if min(grey.size) >= 64 else grey
    s = np.asarray(small, dtype=np.float32)
    bg = ndimage.maximum_filter(s, size=9)
    bg = ndimage.uniform_filter(bg, size=9)
    bg_img = Image.fromarray(bg.clip(1, 255).astype(np.uint8)).resize(grey.size, Image.Resampling.BILINEAR)
    b = np.asarray(bg_img, dtype=np.float32)
    out = np.clip(a / np.maximum(b, 30) * 255.0, 0, 255)
    return Image.fromarray(out.astype(np.uint8))


# --- reading ------------------------------------------------------------------------

def read_photo(image_bytes: bytes, *, today: dt.date | None = None) -> PhotoReading:
    """What the photo is and what it says; never raises on a bad image (kind OTHER with a note)."""
    try:
        source = _Source(image_bytes)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return PhotoReading(kind=Kind.OTHER, notes=("not an image",))
    notes: list[str] = []
    work, _ = source.at_most(WORK_SIDE)
    qr = parse_cccd_qr(read_qr(work.convert("L")), today=today)
    geo = _geometry(source)
    if geo is None:
        if qr is not None:
            return PhotoReading(kind=Kind.ID_FRONT, qr=qr, width=source.size[0], height=source.size[1],
                                notes=("no text lines",))
        return PhotoReading(kind=Kind.OTHER, width=source.size[0], height=source.size[1], notes=("no text",))
    upright = _choose_upright(source, geo)
    if upright is None:
        if qr is not None:
            return PhotoReading(kind=Kind.ID_FRONT, qr=qr, width=source.size[0], height=source.size[1],
                                notes=("orientation not found",))
        return PhotoReading(kind=Kind.OTHER, width=source.size[0], height=source.size[1], notes=("no legible text",))
    rotation, page = upright
    quarter = int(round(rotation / 90.0)) % 4 * 90
    skew = quarter - rotation
    skew = (skew + 180) % 360 - 180
    common = dict(orientation=quarter, skew=round(skew, 1), width=source.size[0], height=source.size[1])
    if qr is not None:
        return PhotoReading(kind=Kind.ID_FRONT, qr=qr, **common)
    lines = _ocr_lines(_engines().text, page.image)
    kind = _classify(lines)
    if kind is Kind.CERTIFICATE:
        return PhotoReading(kind=kind, certificate=_read_certificate(lines, today=today), **common)
    if kind is Kind.ID_BACK:
        return PhotoReading(kind=kind, card=_read_back(page, lines, today=today), **common)
    if kind is Kind.ID_FRONT:
        # the QR may be readable at full resolution now that we know where the card is
        retry = parse_cccd_qr(read_qr(_qr_region(source, geo, rotation)), today=today)
        if retry is not None:
            return PhotoReading(kind=kind, qr=retry, **common)
        notes.append("QR not read")
        return PhotoReading(kind=kind, card=_read_front(lines, today=today), notes=tuple(notes), **common)
    return PhotoReading(kind=Kind.OTHER, notes=tuple(notes), **common)


def _choose_upright(source: _Source, geo: _Geometry) -> tuple[float, _Upright] | None:
    """Of the two turns that make the lines horizontal, the one whose text Tesseract reads with the
    higher confidence (upside-down text comes out as low-confidence garbage). Three text lines are
    read each way; only the page the winner gives is cut out in full."""
    engines = _engines()
    crops = [_crop_upright(source, geo, geo.angle, region=region).image for region in _probe_regions(geo)]
    if not crops:
        return None
    forward = _hstack(crops)
    backward = _hstack([c.transpose(Image.Transpose.ROTATE_180) for c in reversed(crops)])
    conf_f = _ocr_line(engines.line, forward)[1]
    conf_b = _ocr_line(engines.line, backward)[1]
    if max(conf_f, conf_b) < 0.40 or abs(conf_f - conf_b) < 0.08:
        return None
    rotation = geo.angle if conf_f > conf_b else geo.angle + 180.0
    rotation = (rotation + 180.0) % 360.0 - 180.0
    return rotation, _crop_upright(source, geo, rotation)


def _probe_regions(geo: _Geometry, count: int = 3, max_chars: int = 45) -> list[tuple[float, float, float, float]]:
    """The text lines with the most components, as regions of the turned analysis frame (rotation
    `geo.angle`), each cut to about `max_chars` characters."""
    pts, _ = _rotate_points(geo.points, geo.size, geo.angle)
    h = max(geo.char_height, 2.0)
    rows = np.round(pts[:, 1] / (h * 0.5)).astype(np.int64)
    rows -= rows.min()
    counts = np.bincount(rows)
    regions: list[tuple[float, float, float, float]] = []
    taken: list[float] = []
    for row in np.argsort(counts)[::-1]:
        if counts[row] < 4 or len(regions) == count:
            break
        members = np.abs(rows - row) <= 1
        y = float(np.median(pts[members, 1]))
        if any(abs(y - t) < 1.5 * h for t in taken):
            continue
        line_h = float(np.median(geo.heights[members]))
        xs = np.sort(pts[members, 0])
        x0, x1 = xs[0] - line_h, xs[-1] + line_h
        x1 = min(x1, x0 + max_chars * line_h * 0.7)
        regions.append((max(0.0, x0), max(0.0, y - 1.0 * line_h), x1, y + 1.0 * line_h))
        taken.append(y)
    regions.sort(key=lambda r: r[1])
    return regions


def _hstack(images: list[Image.Image], gap: int = 30) -> Image.Image:
    height = max(i.height for i in images)
    out = Image.new("L", (sum(i.width for i in images) + gap * (len(images) - 1), height), 255)
    x = 0
    for image in images:
        out.paste(image, (x, (height - image.height) // 2))
        x += image.width + gap
    return out


def _qr_region(source: _Source, geo: _Geometry, rotation: float) -> Image.Image:
    """The card region at full resolution (unrotated: zxing reads any orientation)."""
    image = source.decoded(1)
    k = 1.0 / geo.scale
    xs, ys = geo.points[:, 0] * k, geo.points[:, 1] * k
    margin = 20 * geo.char_height * k
    box = (int(max(0, xs.min() - margin)), int(max(0, ys.min() - margin)), int(min(image.width, xs.max() + margin)),
           int(min(image.height, ys.max() + margin)))
    return image.crop(box).convert("L")


# --- kinds ---------------------------------------------------------------------------

_CERT_WORDS = ("giay chung nhan", "quyen su dung dat", "thua dat so", "to ban do", "dien tich", "so vao so",
               "muc dich su dung", "thoi han su dung", "nguon goc su dung", "hinh thuc su dung", "gan lien voi dat")
_FRONT_WORDS = ("can cuoc cong dan", "citizen identity card", "ho va ten", "full name", "date of birth",
                "place of origin", "noi thuong tru", "place of residence", "quoc tich", "nationality")
_BACK_WORDS = ("dac diem nhan dang", "personal identification", "ngon tro", "index finger", "cuc truong",
               "canh sat", "trat tu xa hoi", "date, month, year")


def _folded(text: str) -> str:
    return re.sub(r"\s+", " ", fold_diacritics(text).lower()).strip()


def _hits(text: str, words: tuple[str, ...]) -> int:
    return sum(1 for w in words if w in text)


def _classify(lines: list[_Line]) -> Kind:
    """By the printed headings: two distinct headings of one kind are needed, or an MRZ line."""
    text = _folded(" \n ".join(line.text for line in lines))
    cert, front, back = _hits(text, _CERT_WORDS), _hits(text, _FRONT_WORDS), _hits(text, _BACK_WORDS)
    mrz = any(_looks_like_mrz(line.text) for line in lines)
    if mrz or (back >= 2 and back > front and back > cert):
        return Kind.ID_BACK
    if cert >= 2 and cert > front:
        return Kind.CERTIFICATE
    if front >= 2:
        return Kind.ID_FRONT
    return Kind.OTHER


def _looks_like_mrz(text: str) -> bool:
    compact = text.replace(" ", "")
    return compact.count("<") >= 5 or "IDVNM" in compact.upper()


# --- the card's back: MRZ ----------------------------------------------------------

_MRZ_VALUES = {**{str(d): d for d in range(10)}, **{chr(65 + i): 10 + i for i in range(26)}, "<": 0}


def mrz_check_digit(text: str) -> str:
    """ICAO 9303 check digit (weights 7, 3, 1)."""
    return str(sum(_MRZ_VALUES.get(ch, 0) * (7, 3, 1)[i % 3] for i, ch in enumerate(text)) % 10)


_DIGIT_FIX = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "B": "8",
                            "G": "6", "T": "7"})
_MRZ_LINE1 = re.compile(r"IDVNM([0-9OQDILZSBGT]{9})([0-9OQDILZSBGT])([0-9OQDILZSBGT]{12})")


def parse_mrz_line1(text: str, *, today: dt.date | None = None) -> str | None:
    """The 12-digit ID of a CCCD back's first MRZ line, when its check digit and the two copies of the
    number (document number = last nine digits) agree; None otherwise."""
    compact = re.sub(r"\s+", "", text.upper()).replace("«", "<")
    m = _MRZ_LINE1.search(compact)
    if not m:
        return None
    doc, check, full = (part.translate(_DIGIT_FIX) for part in m.groups())
    if mrz_check_digit(doc) != check or full[3:] != doc:
        return None
    if classify_id(full, today=today) is not IdKind.CCCD:
        return None
    return full


_MRZ_LINE2 = re.compile(r"(\d{6})(\d)([MF<])(\d{6})(\d)VNM")


def _read_back(page: _Upright, lines: list[_Line], *, today: dt.date | None) -> CardText:
    """The MRZ band OCR'd again with the English model restricted to MRZ characters, line by line."""
    engines = _engines()
    mrz_lines = [line for line in lines if _looks_like_mrz(line.text) or re.search(r"\d{7}[MF<]\d{7}", line.text)]
    id_number = birth = None
    candidates: list[str] = []
    for line in mrz_lines:
        x0, y0, x1, y1 = line.box
        pad = max(6, (y1 - y0) // 2)
        crop = page.image.crop((max(0, x0 - 3 * pad), max(0, y0 - pad), min(page.image.width, x1 + 3 * pad),
                                min(page.image.height, y1 + pad)))
        text, conf = _ocr_line(engines.mrz, crop)
        candidates.append(text)
        number = parse_mrz_line1(text, today=today)
        if number and id_number is None:
            id_number = FieldReading(number, round(conf, 2))
        m = _MRZ_LINE2.search(text.replace(" ", ""))
        if m and birth is None and mrz_check_digit(m.group(1)) == m.group(2):
            birth = m.group(1)
    if id_number is None:
        # the first pass may have read line 1 well enough already
        for line in mrz_lines:
            number = parse_mrz_line1(line.text, today=today)
            if number:
                id_number = FieldReading(number, round(min(w.conf for w in line.words), 2))
                break
    birth_field = None
    if birth is not None:
        yy, mm, dd = int(birth[:2]), int(birth[2:4]), int(birth[4:])
        year = None
        if id_number is not None:
            year = cccd_birth_year(id_number.value)
            if year is not None and year % 100 != yy:
                id_number, year = None, None  # the two lines disagree: trust neither
        if year is not None:
            try:
                birth_field = FieldReading(dt.date(year, mm, dd).strftime("%d/%m/%Y"), id_number.confidence)
            except ValueError:
                pass
    return CardText(id_number=id_number, birth_date=birth_field)


# --- the card's front, printed -----------------------------------------------------

_DATE = re.compile(r"(?<!\d)([0-3OIl]?[0-9OIl])\s*/\s*([01OIl]?[0-9OIl])\s*/\s*([12][0-9OIl]{3})(?!\d)")


def _digits(text: str) -> str:
    return text.translate(str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"}))


def _read_front(lines: list[_Line], *, today: dt.date | None) -> CardText:
    """The printed number, accepted with the printed birth date it encodes (year and century digits)."""
    number = birth = name = None
    for i, line in enumerate(lines):
        text = line.text
        m = re.search(r"(?<![0-9A-Za-z])([0-9OIl]{12})(?![0-9A-Za-z])", text.replace(" ", "") if "No" in text
                      or "Số" in text else text)
        if number is None and m:
            candidate = _digits(m.group(1))
            conf = min(w.conf for w in line.words if any(ch.isdigit() for ch in w.text)) if any(
                ch.isdigit() for ch in text) else 0.0
            if classify_id(candidate, today=today) is IdKind.CCCD:
                number = FieldReading(candidate, round(conf, 2))
        folded = _folded(text)
        if birth is None and ("date of birth" in folded or "ngay sinh" in folded):
            d = _DATE.search(text)
            if d:
                try:
                    value = dt.date(int(_digits(d.group(3))), int(_digits(d.group(2))), int(_digits(d.group(1))))
                    birth = FieldReading(value.strftime("%d/%m/%Y"), round(line.conf_of(d.start(), d.end()), 2))
                except ValueError:
                    pass
        if name is None and ("full name" in folded or "ho va ten" in folded) and i + 1 < len(lines):
            candidate = lines[i + 1].text.strip()
            if _valid_name(candidate, upper=True):
                name = FieldReading(candidate, round(min(w.conf for w in lines[i + 1].words), 2))
    if number is not None:
        year = cccd_birth_year(number.value)
        if birth is None or int(birth.value[-4:]) != year:
            number = None  # a number whose birth year cannot be confirmed is not trusted
    return CardText(id_number=number, name=name, birth_date=birth)


# --- certificate pages ----------------------------------------------------------------

_UPPER_VI = "A-ZÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
_LOWER_VI = _UPPER_VI.lower().replace("a-z", "a-z")
_NAME_WORD = re.compile(rf"^[{_UPPER_VI}][{_LOWER_VI}]+$")
_NAME_WORD_UPPER = re.compile(rf"^[{_UPPER_VI}]+$")


def _valid_name(text: str, *, upper: bool = False) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 6:
        return False
    pattern = _NAME_WORD_UPPER if upper else _NAME_WORD
    return all(pattern.match(w) for w in words)


_LABEL_PLOT = re.compile(r"thua\s*dat\s*so\s*[:.;]?\s*")
_LABEL_SHEET = re.compile(r"to\s*ban\s*do\s*so\s*[:.;]?\s*")
_LABEL_AREA = re.compile(r"dien\s*tich\s*[:.;]?\s*")
_LABEL_BOOK = re.compile(r"so\s*vao\s*so(?:\s*cap\s*(?:gcn|giay\s*chung\s*nhan))?\s*[:.;]?\s*")
_NUMBER = re.compile(r"([0-9OoIl|]{1,5})(?=$|[\s,;.:)])")
_AREA = re.compile(r"((?:\d{1,3}(?:\.\d{3})+|\d{1,7})(?:,\d{1,2})?)\s*m")
_BOOK = re.compile(r"^(CH|CS|VP|CT|CN|CV)\s?[-.]?\s?([0-9OIl]{1,7})(?=$|[\s,;.)])")
_SERIAL = re.compile(r"(?<![0-9A-Za-zĐđ])([A-ZĐ]{2})\s?([0-9]{6}|[0-9]{8})(?![0-9A-Za-z])")
_HOLDER = re.compile(
    rf"(?:^|[\s.:;])(Ông|Bà)\s*:?\s*([{_UPPER_VI}][^,;:0-9]+?)\s*[,;]\s*(?:sinh\s*(?:năm|ngày)|năm\s*sinh)\s*:?\s*"
    r"(\d{1,2}/\d{1,2}/\d{4}|\d{4})(?!\d)")

MIN_CONFIDENCE = 0.60


def _value_after(line: _Line, folded: str, label: re.Pattern[str], value: re.Pattern[str]
                 ) -> tuple[str, float] | None:
    """The value matched right after `label` in the line (positions in `folded` match the line's
    text: folding keeps one character per character)."""
    m = label.search(folded)
    if not m:
        return None
    rest = line.text[m.end():]
    v = value.match(rest)
    if not v:
        return None
    start = m.end() + v.start(1)
    return v.group(1), line.conf_of(start, m.end() + v.end(1))


def _fold_same_length(text: str) -> str:
    """Lower-case, diacritics removed, one output character per input character."""
    out = []
    for ch in text:
        f = fold_diacritics(ch).lower()
        out.append(f[:1] if f else ch)
    return "".join(out)


def _read_certificate(lines: list[_Line], *, today: dt.date | None) -> CertificateText:
    found: dict[str, FieldReading] = {}
    year_now = (today or dt.date.today()).year

    def keep(name: str, value: str, conf: float) -> None:
        if conf >= MIN_CONFIDENCE and name not in found:
            found[name] = FieldReading(value, round(conf, 2))

    for line in lines:
        folded = _fold_same_length(line.text)
        got = _value_after(line, folded, _LABEL_PLOT, _NUMBER)
        if got:
            value = _digits(got[0])
            if value.isdigit() and value[0] != "0":
                keep("plot_number", value, got[1] - (0.05 if value != got[0] else 0))
        got = _value_after(line, folded, _LABEL_SHEET, _NUMBER)
        if got:
            value = _digits(got[0])
            if value.isdigit() and value[0] != "0" and len(value) <= 4:
                keep("map_sheet", value, got[1] - (0.05 if value != got[0] else 0))
        got = _value_after(line, folded, _LABEL_AREA, _AREA)
        if got:
            value = got[0].replace(".", "").replace(",", ".")
            try:
                if 1 <= float(value) <= 1_000_000:
                    keep("area_m2", value, got[1])
            except ValueError:
                pass
        m = _LABEL_BOOK.search(folded)
        if m:
            b = _BOOK.match(line.text[m.end():].upper())
            if b:
                digits = _digits(b.group(2))
                if digits.isdigit():
                    keep("book_number", f"{b.group(1)} {digits}", line.conf_of(m.end(), m.end() + b.end()))
        if "vao so" not in folded:
            s = _SERIAL.search(line.text)
            if s and _serial_line(line.text, s):
                keep("serial", f"{s.group(1)} {s.group(2)}", line.conf_of(s.start(), s.end()))
        h = _HOLDER.search(line.text)
        if h and "holder_name" not in found:
            name = re.sub(r"\s+", " ", h.group(2)).strip()
            birth = h.group(3)
            year = int(birth[-4:])
            if _valid_name(name) and 1880 <= year <= year_now:
                conf = line.conf_of(h.start(2), h.end(3))
                keep("holder_name", name, conf)
                if "holder_name" in found:
                    keep("holder_birth", birth, conf)
    return CertificateText(**found)


def _serial_line(text: str, match: re.Match[str]) -> bool:
    """A serial stands alone on its line (printed in red at the foot of the page), or after its label."""
    before = _fold_same_length(text[:match.start()]).strip(" :.-")
    after = text[match.end():].strip(" .,;")
    return (not before or before.endswith(("so phat hanh", "so seri", "seri", "so"))) and not after
