"""Read what a photo sent by a citizen shows: a CCCD front, a CCCD back, a certificate page, or other.

Photos arrive by Zalo, as phone photos of the card or the page, or of a photocopy: turned by a
quarter turn, skewed, unevenly lit, sometimes downscaled to 1,200 px. `read_photo` finds what the
photo is and reads what identifies a person or a plot on it:

- a chip CCCD front: its QR code (`collection.scans.qr.parse_cccd_qr`); when the QR cannot be read,
  the printed 12-digit number, read alike by two models and agreeing with the printed birth date;
- a CCCD back: the ID number in the machine-readable zone, kept only when the ICAO check digit and
  the number's two copies in line 1 agree, and line 2's birth date agrees with it;
- a certificate page: the serial (số phát hành), book entry number (số vào sổ), map sheet, plot
  number, area and the first holder's name and birth, each validated by a strict pattern and read
  again, alone, by a second model (rules in `_read_certificate`).

A wrong reading is worse than none: every value is either confirmed or left out; O/I are read as
0/1 only where a digit must stand, Đ may come as D (contract §1 compares serials so). What the
confirmation rules cost and buy is measured on `demo.photos` by bench/intake.py.

How, cheapest first: JPEGs are decoded at reduced scale (`draft`); a CCCD QR settles a front (zxing
also gives its orientation); otherwise the text lines' direction comes from the alignment of small
dark marks, up from down from a few lines read both ways, a back is settled by its MRZ block
alone, and only certificates, fronts without a readable QR and unknown photos are read in full,
at the resolution their text needs.

Pure functions: no Django. The Tesseract engines (tesserocr: the C API, persistent) are created
once per thread and process, on first use and again after a fork: loading a model costs ~60 ms and
an engine is not thread-safe. Models: Debian's tesseract-ocr-vie and tesseract-ocr-eng.
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
from dataclasses import dataclass, field, replace

import numpy as np
import tesserocr
import zxingcpp
from PIL import Image, ImageOps

from collection.scans.processing import read_qr
from collection.scans.qr import CccdQr, parse_cccd_qr
from landdata.normalize import IdKind, cccd_birth_year, certificate_key, classify_id, fold_diacritics, name_key

# --- results -------------------------------------------------------------------


class Kind(enum.StrEnum):
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

TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)
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
    """The Tesseract engines one thread uses, each loaded once with its model and settings."""

    def __init__(self) -> None:
        path = tessdata_dir()
        if not os.path.exists(os.path.join(path, "eng.traineddata")):
            raise TesseractUnavailable(f"eng.traineddata not found in {path}")
        # Leptonica reports on stderr when Tesseract shrinks a speck to nothing; nothing to act on
        tesserocr.set_leptonica_log_level(tesserocr.LeptLogLevel.NONE)

        def engine(lang: str, psm: int, whitelist: str = "") -> tesserocr.PyTessBaseAPI:
            api = tesserocr.PyTessBaseAPI(path=path, lang=lang, psm=psm, oem=tesserocr.OEM.LSTM_ONLY)
            api.SetVariable("user_defined_dpi", "300")
            # no second recognition of every doubtful word as white-on-black: there is none here
            api.SetVariable("tessedit_do_invert", "0")
            if whitelist:
                api.SetVariable("tessedit_char_whitelist", whitelist)
            return api

        self.text = engine("vie", tesserocr.PSM.SINGLE_BLOCK)  # a page or a card
        self.line = engine("vie", tesserocr.PSM.SINGLE_LINE)  # probes and second reads
        self.english = engine("eng", tesserocr.PSM.SINGLE_LINE)  # third reads of digits
        self.mrz = engine("eng", tesserocr.PSM.SINGLE_LINE, MRZ_CHARS)
        self.mrz_block = engine("eng", tesserocr.PSM.SINGLE_BLOCK, MRZ_CHARS)
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
        return (
            min(w.box[0] for w in self.words),
            min(w.box[1] for w in self.words),
            max(w.box[2] for w in self.words),
            max(w.box[3] for w in self.words),
        )

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
        if r.IsAtBeginningOf(tesserocr.RIL.TEXTLINE) and current:
            lines.append(_Line(current))
            current = []
        try:
            text = _clean(r.GetUTF8Text(level) or "")
        except RuntimeError:  # "No text returned": a word Tesseract found but could not read
            continue
        if not text:
            continue
        box = r.BoundingBox(level)
        current.append(_Word(text, r.Confidence(level) / 100.0, box if box else (0, 0, 0, 0)))
    if current:
        lines.append(_Line(current))
    return [line for line in lines if line.text.strip()]


def _clean(text: str) -> str:
    """NFC, trimmed, and the Icelandic eth Tesseract sometimes gives for Đ turned back into Đ."""
    return unicodedata.normalize("NFC", text.strip()).replace("Ð", "Đ").replace("ð", "đ")


def _ocr_line(api: tesserocr.PyTessBaseAPI, grey: Image.Image) -> tuple[str, float]:
    """Text and mean confidence (0–1) of one line image."""
    _set_image(api, grey)
    try:
        text = _clean(api.GetUTF8Text() or "")
    except RuntimeError:
        return "", 0.0
    return text, api.MeanTextConf() / 100.0


def _ocr_words(api: tesserocr.PyTessBaseAPI, grey: Image.Image) -> tuple[str, float]:
    """Text of one line image and the lowest confidence (0–1) of its words."""
    _set_image(api, grey)
    try:
        text = _clean(api.GetUTF8Text() or "")
    except RuntimeError:
        return "", 0.0
    confs = api.AllWordConfidences()
    return text, (min(confs) / 100.0 if confs else 0.0)


# --- decoding and geometry -----------------------------------------------------------

WORK_SIDE = 2000  # long side of the image the QR is looked for in
ANALYSIS_SIDE = 1100  # long side of the image the text lines are found in
TEXT_HEIGHT = 30  # px: height of a text line's characters (with ascenders) that Tesseract reads best


class _Source:
    """The photo decoded once at reduced scale (JPEG DCT scaling via `draft`), full scale on demand."""

    def __init__(self, data: bytes):
        self.data = data
        probe = Image.open(io.BytesIO(data))
        w, h = probe.size
        self.size = (h, w) if _exif_orientation(probe) in (5, 6, 7, 8) else (w, h)  # as shown
        self._cache: dict[int, Image.Image] = {}

    def at_most(self, long_side: int) -> tuple[Image.Image, float]:
        """An RGB copy, upright as shown, no smaller than `long_side` unless the photo is; and its scale."""
        factor = 1
        while max(self.size) // (factor * 2) >= long_side and factor < 8:
            factor *= 2
        return self.decoded(factor), 1.0 / factor

    def decoded(self, factor: int) -> Image.Image:
        if factor not in self._cache:
            image: Image.Image = Image.open(io.BytesIO(self.data))
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


def _ink(image: Image.Image, *, unpink: bool = False) -> Image.Image:
    """Greyscale in which black and red ink are dark and paper, pink or not, is light.

    The smallest of R, G, B keeps red ink (the serial) as dark as black; where a pixel is pink
    (red well above the other two, none of them dark: the border, the drum pattern, the guilloche),
    its red value is taken instead, which is as light as the paper. Luma would keep both grey.
    """
    if image.mode == "L":
        return image
    a = np.asarray(image)
    r, g, b = a[..., 0], a[..., 1], a[..., 2]
    low = np.minimum(np.minimum(r, g), b)
    if not unpink:
        return Image.fromarray(low)
    # how pink, 0–1, as a smooth weight: a hard threshold turns JPEG's 16-px colour blocks into patches
    lowf = low.astype(np.float32)
    weight = np.clip((r - lowf - 30.0) / 30.0, 0.0, 1.0) * np.clip((lowf - 80.0) / 30.0, 0.0, 1.0)
    return Image.fromarray((lowf + weight * (r - lowf)).astype(np.uint8))


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
    from scipy import ndimage  # noqa: PLC0415 - 0.1-0.3 s to import: not at every start (the URL conf)

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
    # peak contrast per component (ndimage.maximum sorts the whole image: slower by far)
    peaks = np.zeros(n + 1, dtype=np.int16)
    np.maximum.at(peaks, labels[mask], hat[mask])
    peak = peaks[index + 1].astype(np.float64)
    if len(index) > 20:
        strong = peak >= max(40.0, 0.4 * float(np.percentile(peak, 90)))
        index, peak = index[strong], peak[strong]
    centres = np.array(
        [((slices[i][1].start + slices[i][1].stop) / 2, (slices[i][0].start + slices[i][0].stop) / 2) for i in index]
    )
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
    coarse = best_angle
    for d in np.arange(-0.8, 0.81, 0.2):
        score = _line_score(centres, coarse + d, bin_px)
        if score > best:
            best, best_angle = score, coarse + d
    vertical = abs(best_angle - 90) < 45
    heights = sizes[:, 1] if vertical else sizes[:, 0]
    return _Geometry(
        angle=float(best_angle),
        char_height=float(np.median(heights)),
        points=centres,
        heights=heights,
        size=image.size,
        scale=scale,
    )


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


def _crop_upright(
    source: _Source,
    geo: _Geometry,
    rotation: float,
    *,
    target_height: float = TEXT_HEIGHT,
    region: tuple[float, float, float, float] | None = None,
    char_height: float | None = None,
) -> _Upright:
    """Cut the text region out of the photo, turned by `rotation` and scaled so that characters are
    about `target_height` px high (characters of `char_height` analysis px, by default the median),
    decoding at the lowest JPEG scale that gives nearly that resolution.

    `region` is in the turned analysis frame; by default the text components' extent plus a margin.
    One affine transform does the turn, the cut and the scaling.
    """
    pts, rot_size = _rotate_points(geo.points, geo.size, rotation)
    if region is None:
        margin = 2 * geo.char_height
        x0, x1 = _extent(pts[:, 0], 6 * geo.char_height)
        y0, y1 = _extent(pts[:, 1], 6 * geo.char_height)
        region = (
            max(0.0, x0 - margin),
            max(0.0, y0 - margin),
            min(rot_size[0], x1 + margin),
            min(rot_size[1], y1 + margin),
        )
    q = target_height / max(char_height or geo.char_height, 1.0)  # output px per analysis px
    needed = q * geo.scale  # output px per shown px
    factor = 1
    while factor < 8 and 1.0 / (factor * 2) >= needed * 0.7:
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
    box = (
        int(max(0, back[:, 0].min() - pad)),
        int(max(0, back[:, 1].min() - pad)),
        int(min(image.width, back[:, 0].max() + pad)),
        int(min(image.height, back[:, 1].max() + pad)),
    )
    crop = _ink(image.crop(box), unpink=True)
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
    return _Upright(image=_normalise(turned), rotation=rotation, scale=q * geo.scale)


def _extent(values: np.ndarray, gap: float) -> tuple[float, float]:
    """Smallest and largest value, leaving out stray ones at either end: those more than `gap`
    from the next (a speck on the table), but never a line of text at the foot of the page."""
    v = np.sort(values)
    n = len(v)
    lo, hi = 0, n - 1
    limit = max(1, n // 50)  # drop at most 2 % from each end
    while lo < limit and v[lo + 1] - v[lo] > gap:
        lo += 1
    while n - 1 - hi < limit and v[hi] - v[hi - 1] > gap:
        hi -= 1
    return float(v[lo]), float(v[hi])


def _normalise(grey: Image.Image) -> Image.Image:
    """Flatten uneven light: divide by the paper's brightness (a grey closing, computed small)."""
    a = np.asarray(grey, dtype=np.float32)
    small = grey.reduce(4) if min(grey.size) >= 64 else grey
    s = np.asarray(small, dtype=np.float32)
    from scipy import ndimage  # noqa: PLC0415 - as in _text_components

    bg = ndimage.maximum_filter(s, size=9)
    bg = ndimage.uniform_filter(bg, size=9)
    bg_img = Image.fromarray(bg.clip(1, 255).astype(np.uint8)).resize(grey.size, Image.Resampling.BILINEAR)
    b = np.asarray(bg_img, dtype=np.float32)
    out = np.clip(a / np.maximum(b, 30) * 255.0, 0, 255)
    return Image.fromarray(out.astype(np.uint8))


# --- reading ------------------------------------------------------------------------


def read_photo(image_bytes: bytes, *, today: dt.date | None = None) -> PhotoReading:
    """What the photo is and what it says; never raises on a bad image (kind OTHER with a note).

    Cheapest first: a CCCD QR code settles a front (zxing also gives its orientation); otherwise the
    text lines' direction comes from the layout, up from down from a few lines read both ways, and
    a back is settled by its MRZ lines alone. Only certificates, fronts without a readable QR and
    unknown photos are read in full.
    """
    try:
        source = _Source(image_bytes)
        work, _ = source.at_most(WORK_SIDE)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        if image_bytes[:1024].lstrip().startswith(b"%PDF"):
            return PhotoReading(kind=Kind.OTHER, notes=("a PDF: its pages must be rendered to images first",))
        return PhotoReading(kind=Kind.OTHER, notes=("not an image",))
    width, height = source.size

    def result(
        kind: Kind,
        rotation: float | None,
        *,
        qr: CccdQr | None = None,
        card: CardText | None = None,
        certificate: CertificateText | None = None,
        note: str = "",
    ) -> PhotoReading:
        quarter, skew = _orientation(rotation) if rotation is not None else (None, 0.0)
        return PhotoReading(
            kind=kind,
            qr=qr,
            card=card,
            certificate=certificate,
            orientation=quarter,
            skew=skew,
            width=width,
            height=height,
            notes=(note,) if note else (),
        )

    grey = work.convert("L")
    qr = parse_cccd_qr(read_qr(grey), today=today)
    if qr is not None:
        return result(Kind.ID_FRONT, _qr_turn(grey), qr=qr)
    geo = _geometry(source)
    if geo is None:
        return result(Kind.OTHER, None, note="no text")
    upright = _choose_upright(source, geo)
    if upright is None:
        return result(Kind.OTHER, None, note="no legible text")
    rotation, probe = upright
    mrz_height = _mrz_height(geo, rotation, probe)
    if mrz_height is not None:
        card, is_back = _read_mrz(source, geo, rotation, mrz_height, today=today)
        if is_back:
            return result(Kind.ID_BACK, rotation, card=card, note="" if card.id_number else "no MRZ number")
    page = _crop_upright(source, geo, rotation)
    lines = _ocr_lines(_engines().text, page.image)
    kind = _classify(lines)
    if kind is Kind.CERTIFICATE:
        return result(kind, rotation, certificate=_certificate(page, lines, today=today))
    if kind is Kind.ID_BACK:
        card = _read_back(page, lines, today=today)
        return result(kind, rotation, card=card, note="" if card.id_number else "no MRZ number")
    if kind is Kind.ID_FRONT:
        # the QR may be readable at full resolution now that we know where the card is
        retry = parse_cccd_qr(read_qr(_qr_region(source, geo)), today=today)
        if retry is not None:
            return result(kind, rotation, qr=retry)
        return result(kind, rotation, card=_read_front(page, lines, today=today), note="QR not read")
    return result(Kind.OTHER, rotation)


def _orientation(rotation: float) -> tuple[int, float]:
    """`rotation` (anticlockwise degrees that make the photo upright) as quarter turn + skew."""
    quarter = int(round(rotation / 90.0)) % 4 * 90
    skew = (quarter - rotation + 180.0) % 360.0 - 180.0
    return quarter, round(skew, 1)


def _qr_turn(grey: Image.Image) -> float | None:
    """Orientation of the QR code, which on the CCCD front is upright with the card.

    `read_qr` (collection.scans.processing) returns only the text; the position is asked of zxing
    again, once, for the photos whose QR is a CCCD.
    """
    try:
        found = zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    except (ValueError, RuntimeError):
        return None
    for barcode in found:
        if barcode.valid:
            return float(barcode.orientation)
    return None


def _turn(angle: float) -> float:
    """An angle in [-180, 180)."""
    return (angle + 180.0) % 360.0 - 180.0


def _choose_upright(source: _Source, geo: _Geometry) -> tuple[float, list[tuple[str, float, float]]] | None:
    """Of the two turns that make the lines horizontal, the one whose text Tesseract reads with the
    higher confidence (upside-down text comes out as low-confidence garbage), with the probe lines'
    text as read that way up. One line each way first; more only when that does not settle it."""
    engines = _engines()
    forward: list[tuple[str, float, float]] = []
    backward: list[tuple[str, float, float]] = []
    for region, line_h in _probe_regions(geo):
        crop = _crop_upright(source, geo, geo.angle, region=region, char_height=line_h).image
        if crop.height < 8 or crop.width < 8:
            continue
        forward.append((*_ocr_line(engines.line, crop), line_h))
        backward.append((*_ocr_line(engines.line, crop.transpose(Image.Transpose.ROTATE_180)), line_h))
        conf_f = float(np.mean([c for _, c, _ in forward]))
        conf_b = float(np.mean([c for _, c, _ in backward]))
        if max(conf_f, conf_b) >= 0.6 and abs(conf_f - conf_b) >= 0.3:
            break
    if not forward:
        return None
    conf_f = float(np.mean([c for _, c, _ in forward]))
    conf_b = float(np.mean([c for _, c, _ in backward]))
    # MRZ lines read poorly with the Vietnamese model, but only the right way up do they show "<<"
    mrz_f = sum(_looks_like_mrz(t) for t, _, _ in forward)
    mrz_b = sum(_looks_like_mrz(t) for t, _, _ in backward)
    if mrz_f != mrz_b:
        conf_f, conf_b = (1.0, 0.0) if mrz_f > mrz_b else (0.0, 1.0)
    elif max(conf_f, conf_b) < 0.40 or abs(conf_f - conf_b) < 0.08:
        return None
    if conf_f > conf_b:
        return _turn(geo.angle), forward
    return _turn(geo.angle + 180.0), backward


def _probe_regions(
    geo: _Geometry, count: int = 3, max_chars: int = 40
) -> list[tuple[tuple[float, float, float, float], float]]:
    """The text lines with the most components, as (region of the turned analysis frame at rotation
    `geo.angle`, height of their characters), each cut to about `max_chars` characters."""
    return [(line.region_cut(max_chars), line.bottom - line.top) for line in _text_lines(geo, geo.angle, count=count)]


@dataclass
class _TextLine:
    x0: float
    x1: float
    top: float
    bottom: float
    height: float  # median character height
    count: int

    def region_cut(self, max_chars: int | None = None, margin: float = 0.3) -> tuple[float, float, float, float]:
        x0 = self.x0 - self.height
        x1 = self.x1 + self.height
        if max_chars is not None:
            x1 = min(x1, x0 + max_chars * self.height * 0.75)
        m = margin * self.height
        return (max(0.0, x0), max(0.0, self.top - m), x1, self.bottom + m)


def _text_lines(
    geo: _Geometry,
    rotation: float,
    *,
    count: int | None = None,
    height: float | None = None,
) -> list[_TextLine]:
    """Text lines as clusters of component centres in the frame turned by `rotation`: the rows with
    the most components first; with `height`, only components of about that height."""
    pts, _ = _rotate_points(geo.points, geo.size, rotation)
    heights = geo.heights
    keep = np.ones(len(pts), dtype=bool)
    if height is not None:
        keep &= np.abs(heights - height) <= 0.35 * height
    pts, heights = pts[keep], heights[keep]
    if len(pts) == 0:
        return []
    h = max(height or geo.char_height, 2.0)
    rows = np.round(pts[:, 1] / (h * 0.5)).astype(np.int64)
    rows -= rows.min()
    counts = np.bincount(rows)
    lines: list[_TextLine] = []
    for row in np.argsort(counts, kind="stable")[::-1]:
        if counts[row] < 4 or (count is not None and len(lines) == count):
            break
        members = np.abs(rows - row) <= 1
        y = float(np.median(pts[members, 1]))
        if any(abs(y - (line.top + line.bottom) / 2) < 1.5 * h for line in lines):
            continue
        line_h = float(np.median(heights[members]))
        near = members & (np.abs(heights - line_h) < line_h * 0.6)
        if not near.any():
            continue
        lines.append(
            _TextLine(
                x0=float(pts[near, 0].min()),
                x1=float(pts[near, 0].max()),
                top=float(np.min(pts[near, 1] - heights[near] / 2)),
                bottom=float(np.max(pts[near, 1] + heights[near] / 2)),
                height=line_h,
                count=int(members.sum()),
            )
        )
    return lines


def _qr_region(source: _Source, geo: _Geometry) -> Image.Image:
    """The card region at full resolution (unrotated: zxing reads any orientation)."""
    image = source.decoded(1)
    k = 1.0 / geo.scale
    xs, ys = geo.points[:, 0] * k, geo.points[:, 1] * k
    margin = 20 * geo.char_height * k
    box = (
        int(max(0, xs.min() - margin)),
        int(max(0, ys.min() - margin)),
        int(min(image.width, xs.max() + margin)),
        int(min(image.height, ys.max() + margin)),
    )
    return image.crop(box).convert("L")


# --- kinds ---------------------------------------------------------------------------

_CERT_WORDS = (
    "giay chung nhan",
    "quyen su dung dat",
    "thua dat so",
    "to ban do",
    "dien tich",
    "so vao so",
    "muc dich su dung",
    "thoi han su dung",
    "nguon goc su dung",
    "hinh thuc su dung",
    "gan lien voi dat",
)
_FRONT_WORDS = (
    "can cuoc cong dan",
    "citizen identity card",
    "ho va ten",
    "full name",
    "date of birth",
    "place of origin",
    "noi thuong tru",
    "place of residence",
    "quoc tich",
    "nationality",
)
_BACK_WORDS = (
    "dac diem nhan dang",
    "personal identification",
    "ngon tro",
    "index finger",
    "cuc truong",
    "canh sat",
    "trat tu xa hoi",
    "date, month, year",
)


def _folded(text: str) -> str:
    return re.sub(r"\s+", " ", fold_diacritics(text).lower()).strip()


def _hits(text: str, words: tuple[str, ...]) -> int:
    return sum(1 for w in words if w in text)


def _classify(lines: list[_Line]) -> Kind:
    """By the printed headings: two distinct headings of one kind, more than of any other; an MRZ
    (two lines that look like one) makes a back unless the front's headings are plainly there."""
    text = _folded(" \n ".join(line.text for line in lines))
    cert, front, back = _hits(text, _CERT_WORDS), _hits(text, _FRONT_WORDS), _hits(text, _BACK_WORDS)
    mrz = sum(_looks_like_mrz(line.text) for line in lines)
    if (mrz >= 2 and front < 3) or (back >= 2 and back > front and back > cert):
        return Kind.ID_BACK
    if cert >= 2 and cert > front:
        return Kind.CERTIFICATE
    if front >= 2 and front > cert:
        return Kind.ID_FRONT
    return Kind.OTHER


def _looks_like_mrz(text: str) -> bool:
    """A line of the machine-readable zone: "IDVNM", a run of "<<<", or 24+ characters nearly all of
    A–Z, 0–9 and "<" with at least two "<"."""
    compact = re.sub(r"\s+", "", text.upper())
    if "<<<" in compact or "IDVNM" in compact:
        return True
    if len(compact) < 24 or compact.count("<") < 2:
        return False
    return sum(ch in MRZ_CHARS for ch in compact) >= 0.9 * len(compact)


# --- the card's back: MRZ ----------------------------------------------------------

_MRZ_VALUES = {**{str(d): d for d in range(10)}, **{chr(65 + i): 10 + i for i in range(26)}, "<": 0}


def mrz_check_digit(text: str) -> str:
    """ICAO 9303 check digit (weights 7, 3, 1)."""
    return str(sum(_MRZ_VALUES.get(ch, 0) * (7, 3, 1)[i % 3] for i, ch in enumerate(text)) % 10)


_DIGIT_FIX = str.maketrans(
    {"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "B": "8", "G": "6", "T": "7"}
)
_MRZ_LINE1 = re.compile(r"[I1T]DVNM([0-9OQDILZSBGT]{9})([0-9OQDILZSBGT])([0-9OQDILZSBGT]{12})")
_MRZ_LINE2 = re.compile(r"([0-9OQDIL]{6})([0-9OQDIL])([MF<])([0-9OQDIL]{6})([0-9OQDIL])VNM")


def parse_mrz_line1(text: str, *, today: dt.date | None = None) -> str | None:
    """The 12-digit ID of a CCCD back's first MRZ line, or None.

    The line carries the document number (the ID's last nine digits) with its ICAO check digit, then
    the whole ID: both copies must agree and the check digit hold. Where the two copies differ in one
    place, the variant the check digit confirms is taken; the province digits, which only the second
    copy carries, must form a valid CCCD.
    """
    compact = re.sub(r"\s+", "", text.upper()).replace("«", "<")
    m = _MRZ_LINE1.search(compact)
    if not m:
        return None
    doc, check, full = (part.translate(_DIGIT_FIX) for part in m.groups())
    tail = full[3:]
    if doc != tail:
        diff = [i for i in range(9) if doc[i] != tail[i]]
        if len(diff) != 1:
            return None
        i = diff[0]
        options = {doc, tail[:i] + tail[i] + tail[i + 1 :]}
        good = [o for o in options if mrz_check_digit(o) == check]
        if len(good) != 1:
            return None
        doc = good[0]
        full = full[:3] + doc
    if mrz_check_digit(doc) != check:
        return None
    if classify_id(full, today=today) is not IdKind.CCCD:
        return None
    return full


def _read_back(page: _Upright, lines: list[_Line], *, today: dt.date | None) -> CardText:
    """The MRZ lines the page OCR found, read again one by one with the MRZ engine."""
    engines = _engines()
    candidates: list[tuple[str, float]] = []
    for line in lines:
        if not _looks_like_mrz(line.text):
            continue
        x0, y0, x1, y1 = line.box
        h = max(1, y1 - y0)
        crop = page.image.crop(
            (
                max(0, x0 - h),
                max(0, int(y0 - 0.2 * h)),
                min(page.image.width, x1 + h),
                min(page.image.height, int(y1 + 0.2 * h)),
            )
        )
        if crop.height >= 8:
            candidates.append(_ocr_words(engines.mrz, crop))
        candidates.append((line.text, min(w.conf for w in line.words)))
    return _mrz_fields(candidates, today=today)


def _mrz_height(geo: _Geometry, rotation: float, probe: list[tuple[str, float, float]]) -> float | None:
    """Character height of what may be an MRZ: a probe line that reads like one, or else the lowest
    text line when it is wide (half the text's width) and of larger characters than the rest."""
    for text, _, height in probe:
        if _looks_like_mrz(text):
            return height
    lines = _text_lines(geo, rotation)
    if len(lines) < 3:
        return None
    left, right = min(line.x0 for line in lines), max(line.x1 for line in lines)
    lowest = max(lines, key=lambda line: line.bottom)
    if lowest.count >= 8 and lowest.height >= 1.25 * geo.char_height and lowest.x1 - lowest.x0 >= 0.5 * (right - left):
        return lowest.height
    return None


_MRZ_NAME = re.compile(r"^[A-Z]{2,}<<[A-Z]+(?:<[A-Z]+)*<{3,}$")


def _read_mrz(
    source: _Source, geo: _Geometry, rotation: float, height: float, *, today: dt.date | None
) -> tuple[CardText, bool]:
    """The MRZ block alone, read as a block by the MRZ engine; and whether it is an MRZ at all (a
    line that parses: line 1, line 2 with valid check digits, or the name line).

    The block is cut from the lowest row of MRZ-sized characters up by three line pitches, across
    the text's width: runs of "<" break into blobs the component filter drops, so rows of kept
    components alone give ragged lines.
    """
    rows = [line for line in _text_lines(geo, rotation, height=height) if line.count >= 6]
    everything = _text_lines(geo, rotation)
    if not rows or not everything:
        return CardText(), False
    lowest = max(rows, key=lambda line: line.bottom)
    left, right = min(line.x0 for line in everything), max(line.x1 for line in everything)
    pitch = 1.6 * height
    region = (
        max(0.0, left - height),
        max(0.0, lowest.bottom - 4.2 * pitch),
        right + height,
        lowest.bottom + 0.4 * height,
    )
    crop = _crop_upright(source, geo, rotation, region=region, char_height=height).image
    if crop.height < 8 or crop.width < 8:
        return CardText(), False
    candidates = [(line.text, min(w.conf for w in line.words)) for line in _ocr_lines(_engines().mrz_block, crop)]
    card = _mrz_fields(candidates, today=today)
    is_mrz = card.id_number is not None or any(
        _mrz_line2_ok(text) or _MRZ_NAME.match(text.replace(" ", "")) for text, _ in candidates
    )
    return card, is_mrz


def _mrz_line2_ok(text: str) -> bool:
    m = _MRZ_LINE2.search(text.replace(" ", "").upper())
    if not m:
        return False
    birth, c1, _, expiry, c2 = (part.translate(_DIGIT_FIX) for part in m.groups())
    return mrz_check_digit(birth) == c1 and mrz_check_digit(expiry) == c2


def _mrz_fields(candidates: list[tuple[str, float]], *, today: dt.date | None) -> CardText:
    """ID number (line 1) and birth date (line 2) from MRZ lines as read; the birth date's year must
    agree with the ID's century and year digits, or neither is kept."""
    id_number: FieldReading | None = None
    birth: tuple[str, float] | None = None
    for text, conf in candidates:
        number = parse_mrz_line1(text, today=today)
        if number and id_number is None:
            id_number = FieldReading(number, round(conf, 2))
        m = _MRZ_LINE2.search(text.replace(" ", "").upper())
        if m and birth is None:
            yymmdd, check = m.group(1).translate(_DIGIT_FIX), m.group(2).translate(_DIGIT_FIX)
            if mrz_check_digit(yymmdd) == check:
                birth = (yymmdd, conf)
    birth_field = None
    if id_number is not None and birth is not None:
        year = cccd_birth_year(id_number.value)
        yymmdd = birth[0]
        if year is None or year % 100 != int(yymmdd[:2]):
            return CardText()  # the two lines disagree: trust neither
        try:
            birth_field = FieldReading(
                dt.date(year, int(yymmdd[2:4]), int(yymmdd[4:])).strftime("%d/%m/%Y"),
                round(min(birth[1], id_number.confidence), 2),
            )
        except ValueError:
            pass
    return CardText(id_number=id_number, birth_date=birth_field)


# --- the card's front, printed -----------------------------------------------------

_DATE = re.compile(r"(?<!\d)([0-3OIl]?[0-9OIl])\s*/\s*([01OIl]?[0-9OIl])\s*/\s*([12][0-9OIl]{3})(?!\d)")


_O_I = str.maketrans({"O": "0", "I": "1", "l": "1"})


def _digits(text: str) -> str:
    """O read for 0 and I or l for 1, for text where only digits may stand."""
    return text.translate(_O_I)


# Every CCCD starts with 0 (provinces 001-096): its first glyph carries nothing, whatever it is read as
# (O, Q, D, or a 9 or 8 when the stroke is blurred); the other eleven digits are checked.
_FRONT_NUMBER = re.compile(r"(?<![0-9A-Za-z])([0-9OQD][0-9OIl]{11})(?![0-9A-Za-z])")


def _read_front(page: _Upright, lines: list[_Line], *, today: dt.date | None) -> CardText:
    """The printed number, the name under "Họ và tên" and the birth date, when the QR cannot be read.

    The number has no check digit: it must be a valid CCCD, read alike a second time, alone, by the
    English model (at least FLOOR sure), and by the Vietnamese one too when the page read was
    doubtful or the photo small; and it must agree with the printed birth date when that was read
    (century and year digits).
    """
    number: FieldReading | None = None
    birth: FieldReading | None = None
    name: FieldReading | None = None
    for i, line in enumerate(lines):
        text = line.text
        folded = _folded(text)
        m = _FRONT_NUMBER.search(text)
        if number is None and m:
            value = "0" + _digits(m.group(1)[1:])
            conf = line.conf_of(m.start(1), m.end(1))
            if classify_id(value, today=today) is IdKind.CCCD and conf >= 0.3:
                candidate = _Candidate("id_number", value, conf, line, m.start(1), m.end(1))
                again = _digit_reread(page, candidate, any_first_digit=True)
                if again is not None and again >= FLOOR and (conf < FLOOR or page.scale > 2.0):
                    # a doubtful page read, or a small photo: the Vietnamese model must agree too, alone
                    vietnamese = _digit_reread(page, candidate, any_first_digit=True, english=False)
                    again = min(again, vietnamese) if vietnamese is not None else None
                if again is not None and again >= FLOOR:
                    number = FieldReading(value, round(again, 2))
        if birth is None and ("date of birth" in folded or "ngay sinh" in folded):
            d = _DATE.search(text)
            if d:
                try:
                    day = dt.date(int(_digits(d.group(3))), int(_digits(d.group(2))), int(_digits(d.group(1))))
                    conf = line.conf_of(d.start(), d.end())
                    if conf >= FLOOR:
                        birth = FieldReading(day.strftime("%d/%m/%Y"), round(conf, 2))
                except ValueError:
                    pass
        if name is None and ("full name" in folded or "ho va ten" in folded) and i + 1 < len(lines):
            below = lines[i + 1]
            value = below.text.strip()
            conf = min(w.conf for w in below.words)
            if _valid_name(value, upper=True) and conf >= SURE_CONFIDENCE:
                name = FieldReading(value, round(conf, 2))
    if number is not None and birth is not None and cccd_birth_year(number.value) != int(birth.value[-4:]):
        return CardText(name=name)  # number and birth date disagree: one of them is misread
    return CardText(id_number=number, name=name, birth_date=birth)


# --- certificate pages ----------------------------------------------------------------

_UPPER_VI = "A-ZÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
_LOWER_VI = _UPPER_VI.lower()
_NAME_WORD = re.compile(rf"^[{_UPPER_VI}][{_LOWER_VI}]+$")
_NAME_WORD_UPPER = re.compile(rf"^[{_UPPER_VI}]+$")
# Family names: a holder name is read only when its first word is one of these. OCR slips a tone
# mark more easily than anything else ("Trấn" for "Trần"); on the family name this catches it.
FAMILY_NAMES = frozenset(
    name_key(n)
    for n in (
        "Nguyễn",
        "Trần",
        "Lê",
        "Phạm",
        "Hoàng",
        "Huỳnh",
        "Phan",
        "Vũ",
        "Võ",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Hồ",
        "Ngô",
        "Dương",
        "Lý",
        "Đào",
        "Đinh",
        "Mai",
        "Trịnh",
        "Trương",
        "Lâm",
        "Phùng",
        "Cao",
        "Tạ",
        "Hà",
        "Lương",
        "Quách",
        "Vương",
        "Kiều",
        "Chu",
        "Tô",
        "Lưu",
        "La",
        "Đoàn",
        "Đàm",
        "Thái",
        "Tăng",
        "Lại",
        "Nông",
        "Hứa",
        "Mạc",
        "Triệu",
        "Văn",
        "Khúc",
        "Khổng",
        "Kim",
        "Thân",
        "Tống",
        "Từ",
        "Ông",
        "Giáp",
        "Lục",
        "Diệp",
        "Hàn",
        "Đồng",
        "Lò",
        "Ninh",
        "Vi",
        "Châu",
        "Âu",
        "Nghiêm",
        "Doãn",
        "Bạch",
        "Bế",
        "Hầu",
        "Cù",
        "Lã",
        "Phí",
        "Phó",
        "Quan",
        "Tiêu",
        "Trình",
        "Giang",
        "Khương",
        "Đậu",
        "Tôn",
        "Vương",
        "Trang",
        "Nhữ",
        "Đường",
        "Mẫn",
        "Lữ",
    )
)


def _valid_name(text: str, *, upper: bool = False) -> bool:
    """2–6 words, each a capitalised (or, on cards, upper-case) Vietnamese word, and a known family name."""
    words = text.split()
    if not 2 <= len(words) <= 6:
        return False
    pattern = _NAME_WORD_UPPER if upper else _NAME_WORD
    if not all(pattern.match(w) for w in words):
        return False
    return name_key(words[0]) in FAMILY_NAMES


_LABEL_PLOT = re.compile(r"thua\s*dat\s*so\s*[:.;]?\s*")
_LABEL_SHEET = re.compile(r"to\s*ban\s*do\s*so\s*[:.;]?\s*")
_LABEL_AREA = re.compile(r"dien\s*tich\s*[:.;]?\s*")
_LABEL_BOOK = re.compile(r"so\s*vao\s*so(?:\s*cap\s*(?:gcn|giay\s*chung\s*nhan))?\s*[:.;]?\s*")
_NUMBER = re.compile(r"([0-9OIl]{1,5})(?=$|[\s,;.:)])")
_AREA = re.compile(r"((?:\d{1,3}(?:\.\d{3})+|\d{1,7})(?:,\d{1,2})?)\s*m")
_BOOK = re.compile(r"(CH|CS|VP|CT|CN|CV)\s?[-.]?\s?([0-9OIl]{1,7})(?=$|[\s,;.)])")
_SERIAL = re.compile(r"(?<![0-9A-Za-zĐđ])([A-ZĐ]{2})\s?([0-9]{6}|[0-9]{8})(?![0-9A-Za-z])")
_HOLDER = re.compile(
    rf"(?:^|[\s.:;])(Ông|Bà|ÔNG|BÀ)\s*:?\s*([{_UPPER_VI}][^,;:0-9]+?)\s*[,;]\s*"
    r"(?:[Ss]inh\s*(?:năm|ngày)|[Nn]ăm\s*sinh)\s*:?\s*(\d{1,2}/\d{1,2}/\d{4}|\d{4})(?!\d)"
)

_HOLDER_START = re.compile(r"^\W{0,3}(?:\S{1,2}\s)?(Ông|Bà|ÔNG|BÀ)\b")

SURE_CONFIDENCE = 0.90  # ... and without a second read from this one


@dataclass
class _Candidate:
    name: str
    value: str
    conf: float
    line: _Line
    start: int  # span of the value in line.text
    end: int


def _fold_same_length(text: str) -> str:
    """Lower-case, diacritics removed, one output character per input character."""
    out = []
    for ch in text:
        f = fold_diacritics(ch).lower()
        out.append(f[:1] if f else ch)
    return "".join(out)


def _number(text: str) -> str | None:
    """A plot or sheet number: 1–5 digits, no leading zero; O/I/l read where digits must stand."""
    value = _digits(text)
    return value if value.isdigit() and value.isascii() and value[0] != "0" else None


def _certificate_candidates(lines: list[_Line], *, today: dt.date | None) -> list[_Candidate]:
    """Every value a line shows after its label, validated by its pattern; confidence not yet judged."""
    year_now = (today or dt.date.today()).year
    out: list[_Candidate] = []
    holder_seen = False  # only the first holder line: a co-holder is not "the holder"
    for line in lines:
        text = line.text
        folded = _fold_same_length(text)
        for name, label in (("plot_number", _LABEL_PLOT), ("map_sheet", _LABEL_SHEET)):
            m = label.search(folded)
            v = _NUMBER.match(text, m.end()) if m else None
            if v and (value := _number(v.group(1))) and (name != "map_sheet" or len(value) <= 4):
                out.append(_Candidate(name, value, line.conf_of(v.start(1), v.end(1)), line, v.start(1), v.end(1)))
        m = _LABEL_AREA.search(folded)
        v = _AREA.match(text, m.end()) if m else None
        if v:
            value = v.group(1).replace(".", "").replace(",", ".")
            if 1 <= float(value) <= 1_000_000:
                out.append(_Candidate("area_m2", value, line.conf_of(v.start(1), v.end()), line, v.start(1), v.end()))
        m = _LABEL_BOOK.search(folded)
        if m:
            b = _BOOK.match(text.upper(), m.end())
            if b and (digits := _digits(b.group(2))).isdigit():
                out.append(
                    _Candidate(
                        "book_number",
                        f"{b.group(1)} {digits}",
                        line.conf_of(b.start(), b.end()),
                        line,
                        b.start(),
                        b.end(),
                    )
                )
        elif (s := _SERIAL.search(text)) and _serial_stands_alone(line, s):
            out.append(
                _Candidate(
                    "serial", f"{s.group(1)} {s.group(2)}", line.conf_of(s.start(), s.end()), line, s.start(), s.end()
                )
            )
        if holder_seen:
            continue
        holder_seen = bool(_HOLDER_START.search(text))
        h = _HOLDER.search(text)
        if h:
            name = re.sub(r"\s+", " ", h.group(2)).strip()
            birth = h.group(3)
            if _valid_name(name) and 1880 <= int(birth[-4:]) <= year_now:
                out.append(
                    _Candidate("holder_name", name, line.conf_of(h.start(2), h.end(2)), line, h.start(2), h.end(2))
                )
                out.append(
                    _Candidate("holder_birth", birth, line.conf_of(h.start(3), h.end(3)), line, h.start(3), h.end(3))
                )
    return out


def _serial_stands_alone(line: _Line, match: re.Match[str]) -> bool:
    """A serial stands alone on its line (in red at the foot of the page) or after its label; what
    else the line holds must be specks: words without letters or digits, or read with no confidence."""
    pos = 0
    for word in line.words:
        w_start, w_end = pos, pos + len(word.text)
        pos = w_end + 1
        if w_end <= match.start() or w_start >= match.end():
            speck = not any(ch.isalnum() for ch in word.text) or word.conf < 0.3
            label = w_end <= match.start() and _fold_same_length(word.text).strip(":.") in (
                "so",
                "phat",
                "hanh",
                "seri",
                "serial",
            )
            if not (speck or label):
                return False
    return True


_REREAD = {
    "plot_number": lambda text: _number(m.group(1)) if (m := re.search(r"([0-9OIl]{1,5})\W*$", text)) else None,
    "map_sheet": lambda text: _number(m.group(1)) if (m := re.search(r"([0-9OIl]{1,5})\W*$", text)) else None,
    "area_m2": lambda text: m.group(1).replace(".", "").replace(",", ".") if (m := _AREA.search(text)) else None,
    "book_number": lambda text: (
        f"{m.group(1)} {_digits(m.group(2))}"
        if (m := re.search(r"(CH|CS|VP|CT|CN|CV)\s?[-.]?\s?([0-9OIl]{1,7})\W*$", text.upper()))
        else None
    ),
    "serial": lambda text: f"{m.group(1)} {m.group(2)}" if (m := _SERIAL.search(text)) else None,
    "holder_name": lambda text: re.sub(r"\s+", " ", text).strip(" ,;:") or None,
    "holder_birth": lambda text: m.group(1) if (m := re.search(r"(\d{1,2}/\d{1,2}/\d{4}|\d{4})", text)) else None,
}


def _value_crop(page: _Upright, candidate: _Candidate, *, digits_only: bool = False) -> tuple[Image.Image, bool] | None:
    """The words carrying the value (those with digits only, if asked) and the word before them,
    cut out with a margin and brought to two thirds of the page's scale. Alone on a line, Tesseract
    reads characters of about 25 px best; a word of context keeps the colon of "số:" whole instead
    of a sliver of it at the edge, which it reads as noise. Also says whether that word is there."""
    pos, boxes, before = 0, [], None
    for word in candidate.line.words:
        w_end = pos + len(word.text)
        if w_end > candidate.start and pos < candidate.end and (not digits_only or any(c.isdigit() for c in word.text)):
            boxes.append(word.box)
        elif not boxes and w_end <= candidate.start:
            before = word.box  # the label's last word, never a part of the value (a serial's letters)
        pos = w_end + 1
    if not boxes:
        return None
    if before is not None:
        boxes.append(before)
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    h = max(8, y1 - y0)
    crop = page.image.crop(
        (
            max(0, x0 - h // 2),
            max(0, y0 - h // 3),
            min(page.image.width, x1 + h // 2),
            min(page.image.height, y1 + h // 3),
        )
    )
    if crop.width < 8 or crop.height < 8:
        return None
    small = crop.resize((max(8, crop.width * 2 // 3), max(8, crop.height * 2 // 3)), Image.Resampling.BOX)
    return small, before is not None


def _ocr_word_list(api: tesserocr.PyTessBaseAPI, grey: Image.Image) -> list[tuple[str, float]]:
    """The words of one line image with their confidences (0–1)."""
    _set_image(api, grey)
    try:
        api.Recognize()
        return [(_clean(word), conf / 100.0) for word, conf in api.MapWordConfidences() if word and word.strip()]
    except RuntimeError:
        return []


def _reread(page: _Upright, candidate: _Candidate, *, english: bool = False) -> float | None:
    """Read the value's words again, cut out alone, by the Vietnamese model (or the English one: no
    Đ, so a serial is compared with Đ read as D, as contract §1 compares serials); the confidence of
    the words read (the label's word of context left out) when they give the same value, else None."""
    cut = _value_crop(page, candidate)
    if cut is None:
        return None
    crop, context = cut
    words = _ocr_word_list(_engines().english if english else _engines().line, crop)
    if not words:
        return None
    text = " ".join(word for word, _ in words)
    got = _REREAD[candidate.name](text.upper() if english and candidate.name == "serial" else text)
    if got is None:
        return None
    confs = [conf for _, conf in (words[1:] if context and len(words) > 1 else words)]
    if candidate.name == "serial":
        return min(confs) if certificate_key(got) == certificate_key(candidate.value) else None
    return min(confs) if got == candidate.value else None


def _digit_reread(
    page: _Upright, candidate: _Candidate, *, any_first_digit: bool = False, english: bool = True
) -> float | None:
    """The digits of the value read once more by the English model (or the Vietnamese one), from the
    value's words alone: another model, another scale and no neighbouring words, so that a digit
    misread the same way twice (3 for 5, 1 for 7) is rare. The confidence of the word holding them
    when they agree. With `any_first_digit`, the first digit is not compared (a CCCD's is always 0)."""
    want = re.sub(r"\D", "", candidate.value)
    cut = _value_crop(page, candidate, digits_only=True)
    if cut is None or not want:
        return None
    words = _ocr_word_list(_engines().english if english else _engines().line, cut[0])
    with_digits = [(word, conf) for word, conf in words if re.search(r"\d", word)]
    # the value is the last number read; any before it belongs to the label ("s6:" for "số:")
    numbers = re.findall(r"[0-9OIl][0-9OIl.,]*", " ".join(word for word, _ in words))
    if not with_digits or not numbers:
        return None
    got = re.sub(r"\D", "", _digits(numbers[-1]))
    same = got == want or (any_first_digit and got[-(len(want) - 1) :] == want[1:] and len(got) >= len(want) - 1)
    if not same:
        return None
    value_word = [conf for word, conf in with_digits if numbers[-1] in _digits(word)]
    return min(value_word) if value_word else with_digits[-1][1]


def _certificate(page: _Upright, lines: list[_Line], *, today: dt.date | None) -> CertificateText:
    """The page's fields; where the serial or book number is missing, the foot of the page is read
    again on its own. Read with the page, the serial shares its text line with the seal beside it
    and comes out as garbage; alone it reads cleanly."""
    found = _read_certificate(page, lines, today=today)
    if found.serial is not None and found.book_number is not None:
        return found
    w, h = page.image.size
    foot = _Upright(image=page.image.crop((0, int(h * 0.78), w, h)), rotation=page.rotation, scale=page.scale)
    again = _read_certificate(foot, _ocr_lines(_engines().text, foot.image), today=today)
    return replace(found, serial=found.serial or again.serial, book_number=found.book_number or again.book_number)


_DIGIT_FIELDS = ("plot_number", "map_sheet", "area_m2", "book_number", "serial", "holder_birth")
FLOOR = 0.75  # a confirming read is at least this sure ...
FLOOR_UPSCALED = 0.90  # ... or this, when the photo had to be enlarged more than twice (Zalo, far away)
AGREE = 0.60


def _read_certificate(page: _Upright, lines: list[_Line], *, today: dt.date | None) -> CertificateText:
    """Each field from its first validated candidate, kept by rules measured on generated pages
    (of 1,200 candidates, the only wrong values were serials):

    - the serial: read again alone by the English model (Đ compared as D) and its digits alone by
      the English model too, both agreeing, the first at least AGREE sure and the digits at least
      FLOOR (FLOOR_UPSCALED from a small photo); and the Vietnamese model's reading, on the page or
      alone, at least AGREE sure;
    - numbers (plot, sheet, book entry, area, birth year): read again alone by the English model,
      agreeing and at least FLOOR sure; or else, when the page read was at least FLOOR sure, by the
      Vietnamese model, agreeing and at least FLOOR sure;
    - the holder's name: the page read at least FLOOR sure, with a known family name (a slipped tone
      mark is the usual misreading, and the family name catches it). Only the first holder line
      counts, and the birth goes with the name, never alone.
    """
    floor = FLOOR_UPSCALED if page.scale > 2.0 else FLOOR
    found: dict[str, FieldReading] = {}
    for candidate in _certificate_candidates(lines, today=today):
        name = candidate.name
        if name in found or candidate.conf < 0.3:
            continue
        if name == "holder_birth" and "holder_name" not in found:
            continue
        conf = candidate.conf
        if name == "serial":
            # two capitals and digits with no check digit: two models must agree on the whole
            # serial, and the English one again on its digits alone
            english = _reread(page, candidate, english=True)
            digits = _digit_reread(page, candidate)
            if english is None or english < AGREE or digits is None or digits < floor:
                continue
            if conf < AGREE:
                vietnamese = _reread(page, candidate)
                if vietnamese is None or vietnamese < AGREE:
                    continue
                conf = vietnamese
            conf = min(conf, english, digits)
        elif name in _DIGIT_FIELDS:
            again = _digit_reread(page, candidate)
            if again is None or again < FLOOR:
                # the same model again is weaker evidence: then the page read must be sure too
                again = _reread(page, candidate) if conf >= FLOOR else None
            if again is None or again < FLOOR:
                continue
            conf = max(conf, again)
        elif conf < floor:
            continue
        found[name] = FieldReading(candidate.value, round(conf, 2))
    return CertificateText(**found)
