"""Synthetic phone photos of CCCD cards and land-use-rights certificates, with their ground truth.

For the tests and the benchmark of photo intake (`collection.intake.reading`): the photos
look like what citizens send by Zalo — a card or a page on a table, skewed up to ±12°, in
perspective, under uneven light, blurred a little, JPEG at quality 60–90, some upside down
or sideways, some downscaled to 1,200 px on the long side — plus unrelated photos (a room,
a street, a printed notice) and near-duplicates (the same photo re-encoded or cropped).

Pure Python (Pillow, numpy, zxing-cpp, DejaVu fonts), no Django. Deterministic: every
photo draws from its own `random.Random` seeded by (seed, index), so the same input gives
the same bytes, and adding photos at the end does not change the earlier ones.

    plots = sample_plots(10, seed=1)
    for jpeg, truth in generate_photos(plots, seed=1, others=4, duplicates=2):
        ...  # truth["kind"], truth["serial"], ...
"""

from __future__ import annotations

import datetime as dt
import io
import math
import random
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import zxingcpp
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, ImageOps

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
KINDS = ("id_front", "id_back", "certificate", "other")

# --- people and plots --------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A holder as printed on the chip CCCD (2021 form) and in its QR code."""

    name: str  # NFC, "Nguyễn Văn Bình"
    id_number: str  # 12-digit CCCD
    birth_date: dt.date
    sex: str  # "Nam" / "Nữ"
    address: str  # place of residence
    origin: str = ""  # quê quán
    old_id_number: str = ""  # former 9-digit CMND, "" when none
    issue_date: dt.date = dt.date(2021, 6, 15)

    @property
    def qr_text(self) -> str:
        """The card's QR payload: ID|CMND|name|ddmmyyyy|sex|address|issue ddmmyyyy."""
        return "|".join(
            (
                self.id_number,
                self.old_id_number,
                self.name,
                self.birth_date.strftime("%d%m%Y"),
                self.sex,
                self.address,
                self.issue_date.strftime("%d%m%Y"),
            )
        )


@dataclass(frozen=True)
class Plot:
    """A plot and the certificate issued for it."""

    sheet: str  # tờ bản đồ số
    plot: str  # thửa đất số
    area: str  # as printed, decimal comma: "230,8"
    serial: str  # số phát hành: "BĐ 123456" (older forms) or "AA 01234567" (2024 form)
    book_number: str  # số vào sổ: "CH 00123"
    holders: tuple[Person, ...]
    address: str = ""
    land_use: str = "Đất ở tại nông thôn"
    issued_on: dt.date = dt.date(2015, 5, 12)
    form: str = "2014"  # "2009", "2014" or "2024": the certificate generation printed
    holder_birth_year_only: bool = True  # older certificates print only "sinh năm 1952"

    @property
    def area_value(self) -> str:
        """Area as a plain decimal with a dot ("230.8"): what the reader must return."""
        return self.area.replace(".", "").replace(",", ".")


_FAMILY = (
    "Nguyễn",
    "Nguyễn",
    "Nguyễn",
    "Nguyễn",
    "Trần",
    "Trần",
    "Lê",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đào",
    "Đinh",
)
_MIDDLE = {
    "Nam": ("Văn", "Văn", "Văn", "Đức", "Minh", "Hữu", "Quang", "Thanh", "Ngọc", "Xuân", "Đình"),
    "Nữ": ("Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Kim", "Hồng", "Thúy"),
}
_GIVEN = {
    "Nam": (
        "Bình",
        "Minh",
        "Hùng",
        "Dũng",
        "Tuấn",
        "Nam",
        "Hải",
        "Long",
        "Sơn",
        "Thắng",
        "Quý",
        "Cường",
        "Đức",
        "Hiếu",
        "Toàn",
        "Khánh",
        "Phúc",
        "Thành",
        "Việt",
        "Tiến",
    ),
    "Nữ": (
        "Lan",
        "Hương",
        "Hoa",
        "Mai",
        "Hằng",
        "Thảo",
        "Nga",
        "Liên",
        "Hạnh",
        "Yến",
        "Loan",
        "Huệ",
        "Nhung",
        "Thủy",
        "Trang",
        "Oanh",
        "Ngọc",
        "Hà",
        "Phương",
        "Xuân",
    ),
}
_VILLAGES = ("Đông", "Đoài", "Thượng", "Hạ", "Trung", "Mới", "Chùa", "Giữa", "Ngoài", "Cầu")
_COMMUNES = (
    "Tiên Du",
    "Việt Thống",
    "Đại Xuân",
    "Nhân Hòa",
    "Kiên Lao",
    "Kiên Thành",
    "Tân Chi",
    "Phật Tích",
    "Hoàn Sơn",
    "Lạc Vệ",
    "Tri Phương",
    "Song Hồ",
)
_PROVINCES = (("Bắc Ninh", "027"), ("Bắc Giang", "024"), ("Hà Nội", "001"), ("Hải Dương", "030"))
_LAND_USES = (
    "Đất ở tại nông thôn",
    "Đất trồng lúa",
    "Đất trồng cây lâu năm",
    "Đất ở tại đô thị",
    "Đất nuôi trồng thủy sản",
)
_SERIAL_FIRST = ("A", "B", "C", "D", "Đ")
_SERIAL_SECOND = ("A", "B", "C", "D", "Đ", "E", "G", "H", "K", "L", "M", "N", "P", "Q", "S", "T", "V", "X")


def _person(rng: random.Random, *, sex: str | None = None, family: str | None = None) -> Person:
    sex = sex or rng.choice(("Nam", "Nữ"))
    name = " ".join((family or rng.choice(_FAMILY), rng.choice(_MIDDLE[sex]), rng.choice(_GIVEN[sex])))
    birth = dt.date(rng.randint(1938, 2003), rng.randint(1, 12), rng.randint(1, 28))
    province, code = rng.choice(_PROVINCES)
    century = 0 if birth.year < 2000 else 2
    id_number = f"{code}{century + (sex == 'Nữ')}{birth.year % 100:02d}{rng.randint(0, 999_999):06d}"
    old_id = f"{rng.choice((12, 13, 121, 125))}{rng.randint(0, 9_999_999):07d}"[:9] if rng.random() < 0.6 else ""
    village = f"Thôn {rng.choice(_VILLAGES)}"
    commune = rng.choice(_COMMUNES)
    return Person(
        name=name,
        id_number=id_number,
        birth_date=birth,
        sex=sex,
        address=f"{village}, {'Xã' if rng.random() < 0.7 else 'Phường'} {commune}, {province}",
        origin=f"Xã {rng.choice(_COMMUNES)}, {province}",
        old_id_number=old_id,
        issue_date=dt.date(rng.randint(2021, 2024), rng.randint(1, 12), rng.randint(1, 28)),
    )


def sample_plots(n: int, *, seed: int = 0) -> list[Plot]:
    """`n` plots with one holder or a couple, each with consistent IDs and a certificate."""
    rng = random.Random(f"plots:{seed}")
    plots = []
    for _ in range(n):
        holder = _person(rng, sex="Nam" if rng.random() < 0.7 else "Nữ")
        holders: tuple[Person, ...] = (holder,)
        if rng.random() < 0.3:
            holders = (holder, _person(rng, sex="Nữ" if holder.sex == "Nam" else "Nam"))
        form = rng.choices(("2009", "2014", "2024"), weights=(3, 5, 2))[0]
        letters = rng.choice(_SERIAL_FIRST) + rng.choice(_SERIAL_SECOND)
        digits = 8 if form == "2024" else 6
        serial = f"{letters} {rng.randint(0, 10**digits - 1):0{digits}d}"
        prefix = rng.choices(("CH", "CS", "VP"), weights=(6, 3, 1))[0]
        book = rng.choice(
            (
                f"{prefix} {rng.randint(1, 99999):05d}",
                f"{prefix}{rng.randint(1, 9999):05d}",
                f"{prefix} {rng.randint(1, 999)}",
            )
        )
        whole = rng.randint(35, 2400)
        area = f"{whole:,}".replace(",", ".") if rng.random() < 0.5 else str(whole)
        if rng.random() < 0.7:
            area += f",{rng.randint(1, 9)}"
        issued = dt.date(
            rng.randint(2016, 2023) if form != "2024" else rng.randint(2024, 2025),
            rng.randint(1, 12),
            rng.randint(1, 28),
        )
        if form == "2009":
            issued = dt.date(rng.randint(2010, 2014), issued.month, issued.day)
        plots.append(
            Plot(
                sheet=str(rng.randint(1, 65)),
                plot=str(rng.randint(1, 1450)),
                area=area,
                serial=serial,
                book_number=book,
                holders=holders,
                address=f"Thôn {rng.choice(_VILLAGES)}, xã {rng.choice(_COMMUNES)}",
                land_use=rng.choice(_LAND_USES),
                issued_on=issued,
                form=form,
                holder_birth_year_only=rng.random() < 0.85,
            )
        )
    return plots


# --- drawing helpers ---------------------------------------------------------


@lru_cache(maxsize=256)
def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(f"{FONT_DIR}/{name}.ttf", size)


def _text(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    font: ImageFont.FreeTypeFont,
    fill=(20, 20, 20),
    anchor: str = "la",
) -> float:
    """Draw NFC text; return its advance width."""
    text = unicodedata.normalize("NFC", text)
    draw.text(xy, text, font=font, fill=fill, anchor=anchor)
    return font.getlength(text)


def _segments(
    draw: ImageDraw.ImageDraw, x: float, y: float, parts: Sequence[tuple[str, ImageFont.FreeTypeFont, tuple]]
) -> float:
    for text, font, fill in parts:
        x += _text(draw, (x, y), text, font, fill)
    return x


def _emblem(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    """The national emblem, roughly: a gold ring, a red disc, a yellow star."""
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(214, 170, 60))
    draw.ellipse((cx - 0.86 * r, cy - 0.86 * r, cx + 0.86 * r, cy + 0.86 * r), fill=(200, 30, 35))
    points = []
    for k in range(10):
        radius = 0.55 * r if k % 2 == 0 else 0.22 * r
        angle = -math.pi / 2 + k * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=(250, 220, 40))


def _qr(text: str, module_px: int) -> Image.Image:
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode)
    return Image.fromarray(np.array(barcode.to_image(scale=module_px, add_quiet_zones=True))).convert("RGB")


def _upper(text: str) -> str:
    return unicodedata.normalize("NFC", text).upper()


def _guilloche(
    image: Image.Image, rng: random.Random, colours: Sequence[tuple[int, int, int]], lines: int, width: int = 2
) -> None:
    draw = ImageDraw.Draw(image)
    w, h = image.size
    for _ in range(lines):
        amp, period, phase = rng.uniform(0.02, 0.12) * h, rng.uniform(0.2, 0.9) * w, rng.uniform(0, 6.3)
        y0 = rng.uniform(0, h)
        colour = rng.choice(colours)
        pts = [(x, y0 + amp * math.sin(phase + 2 * math.pi * x / period)) for x in range(0, w + 20, 20)]
        draw.line(pts, fill=colour, width=width)


# --- documents, rendered flat ------------------------------------------------

CARD_PX_PER_MM = 20
CARD_SIZE = (round(85.6 * CARD_PX_PER_MM), round(54 * CARD_PX_PER_MM))


def render_id_front(person: Person, rng: random.Random) -> Image.Image:
    """Front of the 2021 chip CCCD: emblem, headings, QR top right, photo, printed fields."""
    mm = CARD_PX_PER_MM
    card = Image.new("RGB", CARD_SIZE, (236, 242, 246))
    _guilloche(card, rng, [(206, 222, 236), (232, 214, 222), (214, 232, 222)], 60)
    draw = ImageDraw.Draw(card)
    _emblem(draw, 9 * mm, 9.5 * mm, 6.5 * mm)
    bold, regular = "DejaVuSans-Bold", "DejaVuSans"
    cx = 42.5 * mm
    _text(draw, (cx, 3.5 * mm), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", _font(bold, int(1.95 * mm)), anchor="ma")
    _text(draw, (cx, 6.3 * mm), "Độc lập - Tự do - Hạnh phúc", _font(bold, int(1.9 * mm)), anchor="ma")
    _text(draw, (cx, 9.1 * mm), "SOCIALIST REPUBLIC OF VIET NAM", _font(regular, int(1.6 * mm)), anchor="ma")
    _text(draw, (cx, 11.3 * mm), "Independence - Freedom - Happiness", _font(regular, int(1.5 * mm)), anchor="ma")
    _text(draw, (cx, 13.8 * mm), "CĂN CƯỚC CÔNG DÂN", _font(bold, int(3.2 * mm)), (190, 30, 40), anchor="ma")
    _text(draw, (cx, 17.8 * mm), "Citizen Identity Card", _font(regular, int(1.7 * mm)), anchor="ma")
    qr = _qr(person.qr_text, 1).resize((int(15 * mm), int(15 * mm)), Image.Resampling.NEAREST)
    card.paste(qr, (int(69.5 * mm), int(1.5 * mm)))
    # portrait
    draw.rectangle((3 * mm, 21 * mm, 22 * mm, 46 * mm), fill=(170, 190, 212))
    draw.ellipse((8 * mm, 24.5 * mm, 17 * mm, 35 * mm), fill=(206, 170, 140))
    draw.polygon([(4.5 * mm, 46 * mm), (7 * mm, 37 * mm), (18 * mm, 37 * mm), (20.5 * mm, 46 * mm)], fill=(40, 50, 70))
    label, value, big = _font(regular, int(1.75 * mm)), _font(bold, int(2.4 * mm)), _font(bold, int(3.3 * mm))
    x = 24.5 * mm
    end = _segments(draw, x, 21.0 * mm, [("Số / No.: ", label, (30, 30, 30))])
    _text(draw, (end + 0.5 * mm, 20.0 * mm), person.id_number, big, (20, 20, 20))
    _text(draw, (x, 25.0 * mm), "Họ và tên / Full name:", label)
    _text(draw, (x, 27.5 * mm), _upper(person.name), value)
    _segments(
        draw,
        x,
        31.2 * mm,
        [
            ("Ngày sinh / Date of birth: ", label, (30, 30, 30)),
            (person.birth_date.strftime("%d/%m/%Y"), value, (20, 20, 20)),
        ],
    )
    _segments(
        draw,
        x,
        34.2 * mm,
        [
            ("Giới tính / Sex: ", label, (30, 30, 30)),
            (person.sex, value, (20, 20, 20)),
            ("    Quốc tịch / Nationality: ", label, (30, 30, 30)),
            ("Việt Nam", value, (20, 20, 20)),
        ],
    )
    _text(draw, (x, 37.2 * mm), "Quê quán / Place of origin:", label)
    _text(draw, (x, 39.5 * mm), person.origin, _font(bold, int(2.1 * mm)))
    _segments(draw, x, 42.6 * mm, [("Nơi thường trú / Place of residence: ", label, (30, 30, 30))])
    _text(draw, (x, 45.0 * mm), person.address, _font(bold, int(2.1 * mm)))
    expiry = dt.date(
        person.birth_date.year + 60 if person.birth_date.year > 1966 else 2099,
        person.birth_date.month,
        person.birth_date.day,
    )
    _text(draw, (3 * mm, 48.5 * mm), "Có giá trị đến:", _font(regular, int(1.5 * mm)))
    _text(
        draw,
        (3 * mm, 50.7 * mm),
        expiry.strftime("%d/%m/%Y") if expiry.year < 2099 else "Không thời hạn",
        _font(bold, int(1.6 * mm)),
    )
    return card


def _mrz_check(text: str) -> str:
    """ICAO 9303 check digit."""
    values = {**{str(d): d for d in range(10)}, **{chr(65 + i): 10 + i for i in range(26)}, "<": 0}
    return str(sum(values[ch] * (7, 3, 1)[i % 3] for i, ch in enumerate(text)) % 10)


def _mrz_name(name: str) -> str:
    folded = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    ascii_name = "".join(ch for ch in folded if not unicodedata.combining(ch)).upper()
    family, *rest = ascii_name.split()
    return f"{family}<<{'<'.join(rest)}"


def mrz_lines(person: Person) -> tuple[str, str, str]:
    """The three TD1 lines of the back: document number = last 9 digits of the ID, the full ID in the
    optional field, birth and expiry dates with check digits, the name without diacritics."""
    doc = person.id_number[3:]
    optional = f"{person.id_number}<<"
    optional += _mrz_check(optional)
    line1 = f"IDVNM{doc}{_mrz_check(doc)}{optional}"
    birth = person.birth_date.strftime("%y%m%d")
    expiry = dt.date(min(person.birth_date.year + 60, 2099), person.birth_date.month, person.birth_date.day)
    exp = expiry.strftime("%y%m%d")
    sex = "M" if person.sex == "Nam" else "F"
    line2 = f"{birth}{_mrz_check(birth)}{sex}{exp}{_mrz_check(exp)}VNM"
    line2 += "<" * (29 - len(line2))
    line2 += _mrz_check(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    line3 = (_mrz_name(person.name) + "<" * 30)[:30]
    return line1, line2, line3


def render_id_back(person: Person, rng: random.Random, *, mrz_rows: int = 3) -> Image.Image:
    """Back of the 2021 chip CCCD: chip, fingerprints, issue date, seal, MRZ (two or three lines shown)."""
    mm = CARD_PX_PER_MM
    card = Image.new("RGB", CARD_SIZE, (238, 241, 244))
    _guilloche(card, rng, [(214, 224, 236), (230, 218, 226)], 50)
    draw = ImageDraw.Draw(card)
    regular, bold = "DejaVuSans", "DejaVuSans-Bold"
    # fingerprints
    for i, caption in enumerate(("Ngón trỏ trái", "Ngón trỏ phải")):
        x0 = (56 + i * 15) * mm
        draw.rectangle((x0, 3 * mm, x0 + 13 * mm, 20 * mm), outline=(120, 120, 130), width=3)
        for k in range(9):
            draw.ellipse(
                (x0 + (2 + k * 0.45) * mm, (5 + k * 0.6) * mm, x0 + (11 - k * 0.45) * mm, (18 - k * 0.5) * mm),
                outline=(90, 90, 100),
                width=4,
            )
        _text(draw, (x0 + 6.5 * mm, 20.6 * mm), caption, _font(regular, int(1.4 * mm)), anchor="ma")
        _text(
            draw,
            (x0 + 6.5 * mm, 22.5 * mm),
            ("Left index finger", "Right index finger")[i],
            _font(regular, int(1.3 * mm)),
            anchor="ma",
        )
    # chip
    draw.rounded_rectangle((6 * mm, 4 * mm, 18 * mm, 13 * mm), radius=1.5 * mm, fill=(212, 178, 90))
    for k in range(1, 4):
        draw.line((6 * mm, (4 + 2.25 * k) * mm, 18 * mm, (4 + 2.25 * k) * mm), fill=(150, 120, 50), width=3)
    draw.line((12 * mm, 4 * mm, 12 * mm, 13 * mm), fill=(150, 120, 50), width=3)
    small, label = _font(regular, int(1.6 * mm)), _font(bold, int(1.9 * mm))
    _text(draw, (3 * mm, 15.5 * mm), "Đặc điểm nhân dạng / Personal identification:", small)
    _text(
        draw,
        (3 * mm, 18.0 * mm),
        rng.choice(
            (
                "Nốt ruồi C:2cm dưới trước mép trái",
                "Sẹo chấm C:1cm trên sau đuôi mắt phải",
                "Nốt ruồi C:1cm trên đầu mày trái",
            )
        ),
        label,
    )
    _segments(
        draw,
        3 * mm,
        22.0 * mm,
        [
            ("Ngày, tháng, năm / Date, month, year: ", small, (30, 30, 30)),
            (person.issue_date.strftime("%d/%m/%Y"), label, (20, 20, 20)),
        ],
    )
    _text(draw, (20 * mm, 24.6 * mm), "CỤC TRƯỞNG CỤC CẢNH SÁT", _font(bold, int(1.6 * mm)), anchor="ma")
    _text(draw, (20 * mm, 26.5 * mm), "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", _font(bold, int(1.6 * mm)), anchor="ma")
    _text(
        draw,
        (20 * mm, 28.4 * mm),
        "DIRECTOR GENERAL OF THE POLICE DEPARTMENT",
        _font(regular, int(1.1 * mm)),
        anchor="ma",
    )
    draw.ellipse((15 * mm, 29.6 * mm, 23 * mm, 37.6 * mm), outline=(200, 40, 50), width=6)
    draw.ellipse((16.8 * mm, 31.4 * mm, 21.2 * mm, 35.8 * mm), outline=(200, 40, 50), width=3)
    scribble = [(19 * mm + rng.uniform(-6, 6) * mm, 30.5 * mm + rng.uniform(0, 5.5) * mm) for _ in range(9)]
    draw.line(scribble, fill=(30, 40, 120), width=5)
    _text(draw, (20 * mm, 36.0 * mm), "Tô Văn Huệ", _font(bold, int(1.7 * mm)), anchor="ma")
    # MRZ: three 30-character lines across the bottom band (OCR-B is not available: a monospaced font)
    draw.rectangle((0, 39.0 * mm, CARD_SIZE[0], CARD_SIZE[1]), fill=(246, 246, 246))
    mono = _font("DejaVuSansMono", int(4.25 * mm))
    lines = mrz_lines(person)
    first = 3 - mrz_rows
    for row, line in enumerate(lines[first:], start=first):
        _text(draw, (4.0 * mm, (39.6 + row * 4.75) * mm), line, mono, (15, 15, 15))
    return card


PAGE_PX_PER_MM = 12
PAGE_SIZE = (210 * PAGE_PX_PER_MM, 297 * PAGE_PX_PER_MM)


def _certificate_lines(plot: Plot, rng: random.Random) -> list[tuple[str, str]]:
    """(label, value) lines of the page's body; a value of "" means the label is the whole line."""
    holder_lines = []
    for k, person in enumerate(plot.holders):
        title = "Ông" if person.sex == "Nam" else "Bà"
        if plot.holder_birth_year_only:
            birth = f"sinh năm {person.birth_date.year}"
        else:
            birth = f"sinh ngày {person.birth_date.strftime('%d/%m/%Y')}"
        ident = ""
        if plot.form == "2024":
            ident = f"; CCCD số: {person.id_number}"
        elif person.old_id_number:
            ident = f"; CMND số: {person.old_id_number}"
        sep = ": " if plot.form != "2024" or rng.random() < 0.5 else " "
        holder_lines.append((f"{title}{sep}", f"{person.name}, {birth}{ident}"))
        if k == 0 and len(plot.holders) == 1:
            holder_lines.append(("Địa chỉ thường trú: ", person.address))
    if len(plot.holders) > 1:
        holder_lines.append(("Địa chỉ thường trú: ", plot.holders[0].address))
    colon = ":" if plot.form != "2024" else rng.choice((":", ""))
    if rng.random() < 0.5:
        plot_lines = [(f"a) Thửa đất số{colon} ", f"{plot.plot};     tờ bản đồ số{colon} {plot.sheet};")]
    else:
        plot_lines = [(f"a) Thửa đất số{colon} ", plot.plot), (f"b) Tờ bản đồ số{colon} ", plot.sheet)]
    letters = iter("bcdđeghik" if len(plot_lines) == 1 else "cdđeghik")
    body = [
        ("I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất", ""),
        *holder_lines,
        ("II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", ""),
        ("1. Thửa đất:", ""),
        *plot_lines,
        (f"{next(letters)}) Địa chỉ: ", plot.address),
        (
            f"{next(letters)}) Diện tích: ",
            f"{plot.area} m²  (bằng chữ: {rng.choice(('một', 'hai', 'ba'))} trăm ... mét vuông)",
        ),
        (f"{next(letters)}) Hình thức sử dụng: ", rng.choice(("Sử dụng riêng", "Sử dụng chung"))),
        (f"{next(letters)}) Mục đích sử dụng: ", plot.land_use),
        (f"{next(letters)}) Thời hạn sử dụng: ", rng.choice(("Lâu dài", "Đến ngày 15/10/2063"))),
        (
            f"{next(letters)}) Nguồn gốc sử dụng: ",
            rng.choice(
                ("Nhà nước giao đất có thu tiền sử dụng đất", "Công nhận QSDĐ như giao đất có thu tiền sử dụng đất")
            ),
        ),
        ("2. Nhà ở: ", "-/-"),
        ("3. Ghi chú: ", "-/-"),
    ]
    return body


def render_certificate(plot: Plot, rng: random.Random) -> Image.Image:
    """One certificate page: cream paper, red border, emblem, red title, body lines, the serial in red,
    the book entry number; the 2024 form also carries a QR code (not a CCCD one)."""
    mm = PAGE_PX_PER_MM
    w, h = PAGE_SIZE
    paper = (250, 244, 228) if plot.form != "2009" else (250, 238, 232)
    page = Image.new("RGB", PAGE_SIZE, paper)
    draw = ImageDraw.Draw(page)
    # faint bronze-drum motif in the middle
    cx, cy = w / 2, h * 0.55
    for r in range(30, 95, 6):
        draw.ellipse((cx - r * mm, cy - r * mm, cx + r * mm, cy + r * mm), outline=(244, 214, 210), width=5)
    for k in range(24):
        a = k * math.pi / 12
        draw.line((cx, cy, cx + 95 * mm * math.cos(a), cy + 95 * mm * math.sin(a)), fill=(246, 222, 218), width=3)
    # border: a red frame and a pink patterned band
    red, pink = (196, 40, 48), (236, 150, 160)
    draw.rectangle((7 * mm, 7 * mm, w - 7 * mm, h - 7 * mm), outline=red, width=int(0.9 * mm))
    draw.rectangle((11 * mm, 11 * mm, w - 11 * mm, h - 11 * mm), outline=red, width=int(0.4 * mm))
    step = 4 * mm
    for x in range(int(9 * mm), int(w - 9 * mm), step):
        for y in (9 * mm, h - 9 * mm):
            draw.polygon([(x, y - 1.3 * mm), (x + 1.3 * mm, y), (x, y + 1.3 * mm), (x - 1.3 * mm, y)], fill=pink)
    for y in range(int(9 * mm), int(h - 9 * mm), step):
        for x in (9 * mm, w - 9 * mm):
            draw.polygon([(x, y - 1.3 * mm), (x + 1.3 * mm, y), (x, y + 1.3 * mm), (x - 1.3 * mm, y)], fill=pink)
    serif = rng.random() < 0.6
    regular = "DejaVuSerif" if serif else "DejaVuSans"
    bold = regular + "-Bold"
    condensed = "DejaVuSerifCondensed" if serif else "DejaVuSansCondensed"
    ink = (25, 25, 30)
    _text(draw, (w / 2, 17 * mm), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", _font(bold, int(5.2 * mm)), ink, anchor="ma")
    _text(draw, (w / 2, 24 * mm), "Độc lập - Tự do - Hạnh phúc", _font(bold, int(4.8 * mm)), ink, anchor="ma")
    _emblem(draw, w / 2, 45 * mm, 11 * mm)
    if plot.form == "2024":
        qr = _qr(f"GCN|{plot.serial.replace(' ', '')}|{rng.randint(10**11, 10**12 - 1)}", 1)
        page.paste(qr.resize((int(24 * mm), int(24 * mm)), Image.Resampling.NEAREST), (int(w - 40 * mm), int(17 * mm)))
        _text(draw, (w / 2, 62 * mm), "GIẤY CHỨNG NHẬN", _font(bold, int(9 * mm)), red, anchor="ma")
        _text(
            draw,
            (w / 2, 74 * mm),
            "QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT",
            _font(bold, int(4.6 * mm)),
            red,
            anchor="ma",
        )
        top = 88 * mm
    else:
        _text(draw, (w / 2, 62 * mm), "GIẤY CHỨNG NHẬN", _font(bold, int(9 * mm)), red, anchor="ma")
        _text(draw, (w / 2, 74 * mm), "QUYỀN SỬ DỤNG ĐẤT", _font(bold, int(6.2 * mm)), red, anchor="ma")
        if plot.form == "2014" or rng.random() < 0.5:
            _text(
                draw,
                (w / 2, 82.5 * mm),
                "QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT",
                _font(bold, int(4.4 * mm)),
                red,
                anchor="ma",
            )
        top = 95 * mm
    body_size = rng.uniform(4.1, 4.7) * mm
    label_font = _font(regular, int(body_size))
    value_font = _font(bold if rng.random() < 0.6 else regular, int(body_size))
    heading_font = _font(bold, int(body_size))
    line_gap = body_size * rng.uniform(1.75, 2.05)
    x0, line_y = 20 * mm, float(top)
    max_width = w - 40 * mm
    for label, value in _certificate_lines(plot, rng):
        if not value:
            font = heading_font if label[:2] in ("I.", "II") else label_font
            if font.getlength(label) > max_width:
                font = _font(condensed + ("-Bold" if font is heading_font else ""), int(body_size))
            _text(draw, (x0, line_y), label, font, ink)
        else:
            end = _text(draw, (x0, line_y), label, label_font, ink) + x0
            vf = value_font
            if end - x0 + vf.getlength(value) > max_width:
                vf = _font(condensed, int(body_size))
            _text(draw, (end, line_y), value, vf, ink)
        line_y += line_gap
    place = rng.choice(("Bắc Ninh", "Bắc Giang", "Từ Sơn", "Tiên Du"))
    _text(
        draw,
        (w - 25 * mm, line_y + 6 * mm),
        f"{place}, ngày {plot.issued_on.day} tháng {plot.issued_on.month} năm {plot.issued_on.year}",
        _font(regular + ("-Italic" if serif else "-Oblique"), int(body_size)),
        ink,
        anchor="ra",
    )
    _text(draw, (w - 60 * mm, line_y + 15 * mm), "TM. ỦY BAN NHÂN DÂN", _font(bold, int(body_size)), ink, anchor="ma")
    sx, sy = w - 60 * mm, line_y + 38 * mm
    draw.ellipse((sx - 17 * mm, sy - 17 * mm, sx + 17 * mm, sy + 17 * mm), outline=(214, 50, 60), width=int(1.1 * mm))
    draw.ellipse((sx - 11 * mm, sy - 11 * mm, sx + 11 * mm, sy + 11 * mm), outline=(214, 50, 60), width=int(0.5 * mm))
    draw.line(
        [(sx - 20 * mm + k * 5 * mm, sy + rng.uniform(-6, 6) * mm) for k in range(9)],
        fill=(30, 40, 140),
        width=int(0.5 * mm),
    )
    # serial in red, bottom left; book entry number at the bottom
    serial_font = _font(
        rng.choice(("DejaVuSerif-Bold", "DejaVuSans-Bold", "DejaVuSans")), int(rng.uniform(5.4, 6.6) * mm)
    )
    _text(draw, (22 * mm, h - 30 * mm), plot.serial, serial_font, (205, 35, 45), anchor="ls")
    book_y = min(h - 45 * mm, sy + 28 * mm)
    _segments(draw, 20 * mm, book_y, [("Số vào sổ cấp GCN: ", label_font, ink), (plot.book_number, value_font, ink)])
    return page


# --- unrelated photos --------------------------------------------------------


def _random_colour(rng: random.Random, lo: int = 30, hi: int = 230) -> tuple[int, int, int]:
    return (rng.randint(lo, hi), rng.randint(lo, hi), rng.randint(lo, hi))


def render_other(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """A room, a street with a shop sign (digits included, on purpose), or a printed notice."""
    w, h = size
    scene = rng.choice(("room", "street", "notice", "shapes"))
    image = Image.new("RGB", size, _random_colour(rng, 120, 230))
    draw = ImageDraw.Draw(image)
    if scene == "room":
        draw.rectangle((0, int(h * 0.62), w, h), fill=_random_colour(rng, 80, 180))  # floor
        draw.rectangle(
            (int(w * 0.1), int(h * 0.12), int(w * 0.38), int(h * 0.45)),
            fill=(190, 220, 245),
            outline=(240, 240, 240),
            width=30,
        )  # window
        for _ in range(rng.randint(3, 7)):  # furniture
            x, y = rng.randint(0, w - 400), rng.randint(int(h * 0.35), h - 300)
            draw.rectangle((x, y, x + rng.randint(300, 1200), y + rng.randint(200, 700)), fill=_random_colour(rng))
        draw.ellipse((int(w * 0.6), int(h * 0.2), int(w * 0.75), int(h * 0.3)), fill=(250, 250, 235))  # lamp
    elif scene == "street":
        draw.rectangle((0, 0, w, int(h * 0.35)), fill=(170, 200, 230))
        draw.polygon([(0, h), (w, h), (int(w * 0.6), int(h * 0.5)), (int(w * 0.4), int(h * 0.5))], fill=(90, 90, 95))
        for k in range(rng.randint(4, 8)):
            bx = k * w // 7 + rng.randint(-80, 80)
            top = rng.randint(int(h * 0.08), int(h * 0.3))
            draw.rectangle((bx, top, bx + w // 8, int(h * 0.55)), fill=_random_colour(rng, 90, 220))
            for wy in range(top + 80, int(h * 0.5), 180):
                draw.rectangle((bx + 40, wy, bx + 120, wy + 90), fill=(60, 70, 90))
        sign = rng.choice(("TẠP HÓA MINH ANH", "SỬA XE MÁY", "CƠM BÌNH DÂN", "PHỞ BÒ GIA TRUYỀN"))
        sx, sy = int(w * 0.15), int(h * 0.36)
        draw.rectangle((sx, sy, sx + int(w * 0.5), sy + int(h * 0.12)), fill=(200, 30, 40))
        _text(draw, (sx + 60, sy + 30), sign, _font("DejaVuSans-Bold", int(h * 0.05)), (250, 240, 80))
        _text(
            draw,
            (sx + 60, sy + 30 + int(h * 0.06)),
            f"ĐT: 09{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
            _font("DejaVuSans", int(h * 0.035)),
            (255, 255, 255),
        )
        for _ in range(rng.randint(2, 5)):  # motorbikes
            mx, my = rng.randint(0, w - 500), rng.randint(int(h * 0.6), h - 250)
            draw.ellipse((mx, my + 120, mx + 160, my + 280), fill=(20, 20, 20))
            draw.ellipse((mx + 320, my + 120, mx + 480, my + 280), fill=(20, 20, 20))
            draw.rectangle((mx + 80, my, mx + 400, my + 170), fill=_random_colour(rng))
    elif scene == "notice":
        draw.rectangle((int(w * 0.15), int(h * 0.05), int(w * 0.85), int(h * 0.95)), fill=(248, 248, 244))
        font = _font("DejaVuSerif", int(h * 0.022))
        _text(draw, (w / 2, int(h * 0.09)), "THÔNG BÁO", _font("DejaVuSerif-Bold", int(h * 0.04)), anchor="ma")
        words = (
            "họp",
            "tổ dân phố",
            "lúc",
            "giờ",
            "ngày",
            "tại",
            "nhà văn hóa",
            "thôn",
            "đề nghị",
            "các hộ",
            "tham gia",
            "đầy đủ",
            "vệ sinh",
            "môi trường",
            "số",
            "điện thoại",
            "kinh phí",
            "đồng",
        )
        y = int(h * 0.17)
        while y < h * 0.85:
            line = " ".join(
                rng.choice(words) if rng.random() < 0.85 else str(rng.randint(1, 99999))
                for _ in range(rng.randint(6, 10))
            )
            _text(draw, (int(w * 0.19), y), line.capitalize(), font)
            y += int(h * 0.045)
    else:
        for _ in range(rng.randint(15, 40)):
            x, y = rng.randint(-200, w), rng.randint(-200, h)
            s = rng.randint(80, 900)
            shape = rng.choice(("ellipse", "rectangle", "polygon"))
            if shape == "ellipse":
                draw.ellipse((x, y, x + s, y + rng.randint(80, 900)), fill=_random_colour(rng))
            elif shape == "rectangle":
                draw.rectangle((x, y, x + s, y + rng.randint(80, 900)), fill=_random_colour(rng))
            else:
                draw.polygon(
                    [(x + rng.randint(-s, s), y + rng.randint(-s, s)) for _ in range(rng.randint(3, 6))],
                    fill=_random_colour(rng),
                )
    return image.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 2.5)))


# --- the phone photo ---------------------------------------------------------

PHONE_SIZES = ((4000, 3000), (4032, 3024), (3264, 2448), (4000, 2252), (3840, 2160))
ZALO_LONG_SIDE = 1200


@dataclass(frozen=True)
class PhotoOptions:
    """How hard the photos are; the defaults are the shares seen in what citizens send."""

    max_skew: float = 12.0  # degrees either way
    quarter_turns: tuple[float, float, float, float] = (0.62, 0.16, 0.10, 0.12)  # 0, 90, 180, 270 (clockwise)
    zalo_share: float = 0.25  # downscaled to 1,200 px on the long side
    exif_share: float = 0.10  # pixels stored sideways with an EXIF Orientation tag that corrects them
    photocopy_share: float = 0.15  # certificates photographed from a greyscale photocopy
    glare_share: float = 0.25  # cards with light reflected off the laminate
    max_blur: float = 2.2  # Gaussian radius at full size
    quality: tuple[int, int] = (60, 90)


def _table(rng: random.Random, nrng: np.random.Generator, size: tuple[int, int]) -> Image.Image:
    """A table top: wood grain, a checked cloth, or a tiled floor, at low resolution scaled up."""
    w, h = size
    sw, sh = w // 8, h // 8
    kind = rng.choice(("wood", "cloth", "tiles", "plain"))
    if kind == "wood":
        base = np.array(rng.choice(((150, 100, 60), (110, 70, 40), (185, 140, 95))), dtype=np.float32)
        grain = nrng.normal(0, 1, (sh, 1)).repeat(sw, 1)
        grain = np.cumsum(nrng.normal(0, 0.3, (sh, sw)), axis=1) * 0.15 + grain * 12
        a = base[None, None, :] + grain[..., None]
    elif kind == "cloth":
        c1, c2 = np.array(_random_colour(rng, 60, 240), np.float32), np.array(_random_colour(rng, 60, 240), np.float32)
        period = rng.randint(12, 40)
        yy, xx = np.mgrid[0:sh, 0:sw]
        mask = (((yy // period) + (xx // period)) % 2)[..., None]
        a = np.where(mask, c1, c2) + nrng.normal(0, 4, (sh, sw, 1))
    elif kind == "tiles":
        c = np.array(_random_colour(rng, 150, 230), np.float32)
        a = np.repeat(np.repeat(c[None, None, :], sh, 0), sw, 1) + nrng.normal(0, 5, (sh, sw, 1))
        period = rng.randint(40, 90)
        a[::period, :] *= 0.6
        a[:, ::period] *= 0.6
    else:
        c = np.array(_random_colour(rng, 40, 200), np.float32)
        a = np.repeat(np.repeat(c[None, None, :], sh, 0), sw, 1) + nrng.normal(0, 3, (sh, sw, 1))
    small = Image.fromarray(a.clip(0, 255).astype(np.uint8), "RGB")
    return small.resize(size, Image.Resampling.BILINEAR)


def _perspective_coeffs(src: Sequence[tuple[float, float]], dst: Sequence[tuple[float, float]]) -> list[float]:
    """Coefficients for Image.transform(PERSPECTIVE) mapping output points `dst` to input points `src`."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    return np.linalg.solve(np.array(rows, dtype=np.float64), np.array(rhs, dtype=np.float64)).tolist()


def _place(
    doc: Image.Image, background: Image.Image, rng: random.Random, *, fill: float, skew: float, perspective: float
) -> Image.Image:
    """Put `doc` on `background` rotated by `skew` degrees, scaled to `fill` of the frame, in perspective."""
    bw, bh = background.size
    dw, dh = doc.size
    a = math.radians(-skew)
    # `fill` is the share of the frame taken by the skewed document's bounding box: it stays in the frame
    rot_w = dw * abs(math.cos(a)) + dh * abs(math.sin(a))
    rot_h = dw * abs(math.sin(a)) + dh * abs(math.cos(a))
    scale = fill * min(bw / rot_w, bh / rot_h) / (1 + 2 * perspective)
    cx = bw / 2 + rng.uniform(-0.5, 0.5) * max(0.0, bw - rot_w * scale * (1 + 2 * perspective))
    cy = bh / 2 + rng.uniform(-0.5, 0.5) * max(0.0, bh - rot_h * scale * (1 + 2 * perspective))
    corners = []
    for x, y in ((0, 0), (dw, 0), (dw, dh), (0, dh)):
        px, py = (x - dw / 2) * scale, (y - dh / 2) * scale
        px *= 1 + rng.uniform(-perspective, perspective)
        py *= 1 + rng.uniform(-perspective, perspective)
        corners.append((cx + px * math.cos(a) - py * math.sin(a), cy + px * math.sin(a) + py * math.cos(a)))
    x0 = max(0, int(min(c[0] for c in corners)) - 2)
    y0 = max(0, int(min(c[1] for c in corners)) - 2)
    x1 = min(bw, int(max(c[0] for c in corners)) + 2)
    y1 = min(bh, int(max(c[1] for c in corners)) + 2)
    local = [(x - x0, y - y0) for x, y in corners]
    coeffs = _perspective_coeffs([(0, 0), (dw, 0), (dw, dh), (0, dh)], local)
    rgba = doc.convert("RGBA")
    warped = rgba.transform((x1 - x0, y1 - y0), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BILINEAR)
    # a soft shadow under the document, drawn small and scaled up
    shadow = Image.new("L", (bw // 16, bh // 16), 0)
    ImageDraw.Draw(shadow).polygon([((x + 18) / 16, (y + 24) / 16) for x, y in corners], fill=110)
    shadow = shadow.filter(ImageFilter.GaussianBlur(3)).resize((bw, bh), Image.Resampling.BILINEAR)
    out = Image.composite(Image.new("RGB", background.size, (0, 0, 0)), background, shadow)
    out.paste(warped, (x0, y0), warped)
    return out


def _lighting(image: Image.Image, rng: random.Random, nrng: np.random.Generator) -> Image.Image:
    """Uneven light: a gradient, a darker corner, a warm or cool cast; sensor noise."""
    w, h = image.size
    gw, gh = 32, 24
    yy, xx = np.mgrid[0:gh, 0:gw].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    grad = (xx / gw - 0.5) * math.cos(angle) + (yy / gh - 0.5) * math.sin(angle)
    field_ = 1.0 - rng.uniform(0.1, 0.4) * (grad + 0.5)
    for _ in range(rng.randint(0, 2)):  # a shadow blob (a hand, a phone)
        bx, by, br = rng.uniform(0, gw), rng.uniform(0, gh), rng.uniform(3, 9)
        field_ -= rng.uniform(0.08, 0.25) * np.exp(-((xx - bx) ** 2 + (yy - by) ** 2) / (2 * br * br))
    field_ = np.clip(field_, 0.45, 1.0)
    cast = rng.choice(((1.0, 0.97, 0.88), (0.95, 0.98, 1.0), (1.0, 1.0, 1.0), (1.0, 0.95, 0.9)))
    light = np.stack([field_ * c for c in cast], axis=-1) * 255
    light_img = Image.fromarray(light.astype(np.uint8), "RGB").resize((w, h), Image.Resampling.BICUBIC)
    lit = ImageChops.multiply(image, light_img)
    noise_sigma = rng.uniform(2, 7)
    noise = nrng.normal(0, noise_sigma, (h // 2, w // 2, 1)).astype(np.float32)
    noise_img = Image.fromarray((noise + 128).clip(0, 255).astype(np.uint8)[..., 0], "L").resize((w, h))
    noise_rgb = Image.merge("RGB", (noise_img, noise_img, noise_img))
    return ImageChops.add(lit, noise_rgb, scale=1.0, offset=-128)


def _glare(doc: Image.Image, rng: random.Random) -> Image.Image:
    """Light reflected by a laminated card: a bright, soft ellipse that can wash out what is under it."""
    w, h = doc.size
    gw, gh = 64, 40
    yy, xx = np.mgrid[0:gh, 0:gw].astype(np.float32)
    cx, cy = rng.uniform(0.1, 0.9) * gw, rng.uniform(0.1, 0.9) * gh
    rx, ry = rng.uniform(0.08, 0.3) * gw, rng.uniform(0.1, 0.35) * gh
    strength = rng.uniform(0.5, 0.95)
    alpha = strength * np.exp(-(((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2))
    mask = Image.fromarray((alpha * 255).astype(np.uint8), "L").resize((w, h), Image.Resampling.BICUBIC)
    return Image.composite(Image.new("RGB", (w, h), (255, 255, 252)), doc, mask)


def _photocopy(doc: Image.Image, rng: random.Random, nrng: np.random.Generator) -> Image.Image:
    """A greyscale photocopy of the page: colours gone, contrast up, toner specks."""
    grey = ImageOps.autocontrast(doc.convert("L"), cutoff=1)
    a = np.asarray(grey, dtype=np.float32)
    a = np.where(a > 200, 245, a * 0.8)
    specks = nrng.random(a.shape) < 0.0015
    a[specks] = 40
    tone = rng.randint(228, 250)
    a = np.minimum(a, tone)
    return Image.fromarray(a.astype(np.uint8), "L").convert("RGB")


def _jpeg(image: Image.Image, quality: int, exif: Image.Exif | None = None) -> bytes:
    out = io.BytesIO()
    kwargs = {"exif": exif.tobytes()} if exif is not None else {}
    image.save(out, "JPEG", quality=quality, **kwargs)
    return out.getvalue()


# pixels stored turned `k` degrees anticlockwise from what is shown -> the EXIF Orientation tag that undoes it
_EXIF_TAG_FOR_TURN = {90: 6, 180: 3, 270: 8}


def phone_photo(
    doc: Image.Image | None,
    rng: random.Random,
    options: PhotoOptions = PhotoOptions(),
    *,
    fill: tuple[float, float] = (0.55, 0.92),
    photocopy: bool = False,
    glare: bool = False,
) -> tuple[bytes, dict]:
    """Photograph `doc` (None: an unrelated scene) as a phone would; returns JPEG bytes and what was done."""
    nrng = np.random.default_rng(rng.getrandbits(64))
    size = rng.choice(PHONE_SIZES)
    if doc is not None and doc.height > doc.width and rng.random() < 0.8:
        size = (size[1], size[0])  # a page is photographed in portrait
    skew = rng.uniform(-options.max_skew, options.max_skew) if doc is not None else 0.0
    if doc is None:
        image = render_other(rng, size)
    else:
        if photocopy:
            doc = _photocopy(doc, rng, nrng)
        if glare:
            doc = _glare(doc, rng)
        background = _table(rng, nrng, size)
        image = _place(doc, background, rng, fill=rng.uniform(*fill), skew=skew, perspective=rng.uniform(0.0, 0.05))
    image = _lighting(image, rng, nrng)
    blur = rng.uniform(0.3, options.max_blur)
    image = image.filter(ImageFilter.GaussianBlur(blur))
    # quarter turn: the photo is shown turned by `turn` degrees clockwise from upright
    turn = rng.choices((0, 90, 180, 270), weights=options.quarter_turns)[0]
    if turn:
        image = image.rotate(-turn, expand=True)
    zalo = rng.random() < options.zalo_share
    if zalo:
        image.thumbnail((ZALO_LONG_SIDE, ZALO_LONG_SIDE), Image.Resampling.LANCZOS)
    quality = rng.randint(*options.quality)
    exif = None
    if not zalo and rng.random() < options.exif_share:
        # stored as the sensor saw it, with a tag saying how to show it (as shown: `image`)
        stored_turn = rng.choice((90, 180, 270))
        image = image.rotate(stored_turn, expand=True)
        exif = Image.Exif()
        exif[0x0112] = _EXIF_TAG_FOR_TURN[stored_turn]
    data = _jpeg(image, quality, exif)
    shown = image.size if exif is None or exif[0x0112] == 3 else image.size[::-1]
    return data, {
        "rotation": turn,
        "skew": round(skew, 2),
        "downscaled": zalo,
        "quality": quality,
        "blur": round(blur, 2),
        "photocopy": photocopy,
        "glare": glare,
        "size": shown,
        "exif_orientation": exif is not None,
    }


def near_duplicate(data: bytes, rng: random.Random) -> bytes:
    """The same photo re-encoded at another quality, or slightly cropped, as forwarding does."""
    image: Image.Image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    if rng.random() < 0.5:
        w, h = image.size
        dx, dy = int(w * rng.uniform(0.0, 0.04)), int(h * rng.uniform(0.0, 0.04))
        image = image.crop((dx, dy, w - int(w * rng.uniform(0.0, 0.04)), h - int(h * rng.uniform(0.0, 0.04))))
    if rng.random() < 0.4 and max(image.size) > ZALO_LONG_SIDE:
        image.thumbnail((ZALO_LONG_SIDE, ZALO_LONG_SIDE), Image.Resampling.LANCZOS)
    return _jpeg(image, rng.randint(60, 85))


# --- the photo set -----------------------------------------------------------

TRUTH_KEYS = (
    "kind",
    "id_number",
    "old_id_number",
    "name",
    "birth_date",
    "serial",
    "book_number",
    "sheet",
    "plot",
    "area",
)


def _truth(kind: str, **values) -> dict:
    truth = dict.fromkeys(TRUTH_KEYS)
    truth["kind"] = kind
    truth.update(values)
    return truth


def id_front_photo(person: Person, rng: random.Random, options: PhotoOptions = PhotoOptions()) -> tuple[bytes, dict]:
    data, how = phone_photo(
        render_id_front(person, rng), rng, options, fill=(0.5, 0.9), glare=rng.random() < options.glare_share
    )
    return data, {
        **_truth(
            "id_front",
            id_number=person.id_number,
            old_id_number=person.old_id_number,
            name=person.name,
            birth_date=person.birth_date.strftime("%d/%m/%Y"),
        ),
        **how,
    }


def id_back_photo(person: Person, rng: random.Random, options: PhotoOptions = PhotoOptions()) -> tuple[bytes, dict]:
    rows = 3 if rng.random() < 0.75 else 2
    data, how = phone_photo(
        render_id_back(person, rng, mrz_rows=rows),
        rng,
        options,
        fill=(0.5, 0.9),
        glare=rng.random() < options.glare_share,
    )
    # with two rows shown the first (the one carrying the ID) is the one missing
    return data, {
        **_truth(
            "id_back",
            id_number=person.id_number if rows == 3 else None,
            name=person.name,
            birth_date=person.birth_date.strftime("%d/%m/%Y"),
        ),
        "mrz_rows": rows,
        **how,
    }


def certificate_photo(plot: Plot, rng: random.Random, options: PhotoOptions = PhotoOptions()) -> tuple[bytes, dict]:
    holder = plot.holders[0]
    copy = rng.random() < options.photocopy_share
    data, how = phone_photo(render_certificate(plot, rng), rng, options, fill=(0.75, 0.97), photocopy=copy)
    birth = str(holder.birth_date.year) if plot.holder_birth_year_only else holder.birth_date.strftime("%d/%m/%Y")
    return data, {
        **_truth(
            "certificate",
            name=holder.name,
            birth_date=birth,
            serial=plot.serial,
            book_number=plot.book_number,
            sheet=plot.sheet,
            plot=plot.plot,
            area=plot.area_value,
            old_id_number=holder.old_id_number if plot.form != "2024" else None,
            id_number=holder.id_number if plot.form == "2024" else None,
        ),
        "form": plot.form,
        **how,
    }


def other_photo(rng: random.Random, options: PhotoOptions = PhotoOptions()) -> tuple[bytes, dict]:
    data, how = phone_photo(None, rng, options)
    return data, {**_truth("other"), **how}


def generate_photos(
    plots: Sequence[Plot],
    *,
    seed: int = 0,
    kinds: Sequence[str] = ("certificate", "id_front", "id_back"),
    others: int = 0,
    duplicates: int = 0,
    options: PhotoOptions = PhotoOptions(),
) -> Iterator[tuple[bytes, dict]]:
    """For each plot its certificate page and the front and back of each holder's card (those of `kinds`),
    then `others` unrelated photos; `duplicates` near-duplicates follow the photos they copy.

    Every truth dict has TRUTH_KEYS (None where the photo does not show it), "index", and
    "duplicate_of" (the index of the photo copied, or None), plus how the photo was taken.
    """
    jobs: list[tuple[str, Plot | Person | None]] = []
    for plot in plots:
        if "certificate" in kinds:
            jobs.append(("certificate", plot))
        for person in plot.holders:
            if "id_front" in kinds:
                jobs.append(("id_front", person))
            if "id_back" in kinds:
                jobs.append(("id_back", person))
    jobs += [("other", None)] * others
    picker = random.Random(f"duplicates:{seed}")
    copied = set(picker.sample(range(len(jobs)), min(duplicates, len(jobs))))
    index = 0
    for number, (kind, subject) in enumerate(jobs):
        rng = random.Random(f"photo:{seed}:{number}")
        if isinstance(subject, Plot):
            data, truth = certificate_photo(subject, rng, options)
        elif isinstance(subject, Person) and kind == "id_front":
            data, truth = id_front_photo(subject, rng, options)
        elif isinstance(subject, Person):
            data, truth = id_back_photo(subject, rng, options)
        else:
            data, truth = other_photo(rng, options)
        yield data, {**truth, "index": index, "duplicate_of": None}
        original = index
        index += 1
        if number in copied:
            dup = near_duplicate(data, random.Random(f"duplicate:{seed}:{number}"))
            with Image.open(io.BytesIO(dup)) as shown:
                dup_size = shown.size
            yield (
                dup,
                {
                    **truth,
                    "index": index,
                    "duplicate_of": original,
                    "size": dup_size,
                    "downscaled": max(dup_size) <= ZALO_LONG_SIDE,
                    "exif_orientation": False,
                },
            )
            index += 1


__all__ = [
    "KINDS",
    "TRUTH_KEYS",
    "Person",
    "Plot",
    "PhotoOptions",
    "sample_plots",
    "generate_photos",
    "id_front_photo",
    "id_back_photo",
    "certificate_photo",
    "other_photo",
    "phone_photo",
    "near_duplicate",
    "render_id_front",
    "render_id_back",
    "render_certificate",
    "render_other",
    "mrz_lines",
]
