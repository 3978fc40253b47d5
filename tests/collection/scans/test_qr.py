"""CCCD QR payloads: the 2021 layout, tolerant of the 2024 card's extra fields, None for anything else."""

import datetime as dt

import pytest

from collection.scans.qr import parse_cccd_qr

TODAY = dt.date(2026, 1, 1)
GOOD = "001085012345|123456789|Nguyễn Văn An|01021985|Nam|Thôn 1, xã Tiên Du|15062021"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # id, old id, name, birth, sex, issue
        (GOOD, ("001085012345", "123456789", "Nguyễn Văn An", dt.date(1985, 2, 1), "Nam", dt.date(2021, 6, 15))),
        # no former CMND
        (
            "001185012345||Trần Thị Bình|31121985|Nữ|Hà Nội|01012022",
            ("001185012345", "", "Trần Thị Bình", dt.date(1985, 12, 31), "Nữ", dt.date(2022, 1, 1)),
        ),
        # six parts: no issue date
        (
            "001085012345||Nguyễn Văn An|01021985|Nam|Thôn 1",
            ("001085012345", "", "Nguyễn Văn An", dt.date(1985, 2, 1), "Nam", None),
        ),
        # 2024 card: extra fields ignored
        (
            GOOD + "|Nơi cư trú|Cha: X|Mẹ: Y|",
            ("001085012345", "123456789", "Nguyễn Văn An", dt.date(1985, 2, 1), "Nam", dt.date(2021, 6, 15)),
        ),
        # decomposed (NFD) text, surrounding spaces, a BOM, a trailing newline
        (
            "\ufeff 001085012345 |123456789|Nguye\u0302\u0303n Va\u0306n An|01021985|Nam|x|15062021\n",
            ("001085012345", "123456789", "Nguyễn Văn An", dt.date(1985, 2, 1), "Nam", dt.date(2021, 6, 15)),
        ),
        # born in the 2000s (century digit 2 = male)
        (
            "001203012345||Lê Văn Cường|05052003|Nam|x|01012021",
            ("001203012345", "", "Lê Văn Cường", dt.date(2003, 5, 5), "Nam", dt.date(2021, 1, 1)),
        ),
        # lower-case sex
        (
            "001185012345||Trần Thị Bình|31121985|nữ|x|01012022",
            ("001185012345", "", "Trần Thị Bình", dt.date(1985, 12, 31), "Nữ", dt.date(2022, 1, 1)),
        ),
    ],
)
def test_valid_payloads(text, expected):
    qr = parse_cccd_qr(text, today=TODAY)
    assert qr is not None
    assert (qr.id_number, qr.old_id_number, qr.name, qr.birth_date, qr.sex, qr.issue_date) == expected


def test_birth_text_is_form_format():
    assert parse_cccd_qr(GOOD, today=TODAY).birth_text == "01/02/1985"


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "hello",
        "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html",
        "001085012345|123456789|Nguyễn Văn An|01021985|Nam",  # five parts
        "001095012345|123456789|Nguyễn Văn An|01021985|Nam|x|15062021",  # year digits 95 vs 1985
        "001285012345|123456789|Nguyễn Văn An|01021985|Nam|x|15062021",  # century digit 2 vs 1985
        "099085012345|123456789|Nguyễn Văn An|01021985|Nam|x|15062021",  # province 099 does not exist
        "00108501234|123456789|Nguyễn Văn An|01021985|Nam|x|15062021",  # 11 digits
        "123456789|123456789|Nguyễn Văn An|01021985|Nam|x|15062021",  # a CMND where the CCCD goes
        "001085012345|12345|Nguyễn Văn An|01021985|Nam|x|15062021",  # former number not 9 digits
        "001085012345|BĐ123456|Nguyễn Văn An|01021985|Nam|x|15062021",  # a serial in the CMND field
        "001085012345|123456789||01021985|Nam|x|15062021",  # no name
        "001085012345|123456789|Nguyen Van 4n|01021985|Nam|x|15062021",  # digits in the name
        "001085012345|123456789|Nguyễn Văn An|31021985|Nam|x|15062021",  # 31 February
        "001085012345|123456789|Nguyễn Văn An|1985|Nam|x|15062021",  # year only
        "001085012345|123456789|Nguyễn Văn An|01-02-1985|Nam|x|15062021",  # separators
        "001085012345|123456789|Nguyễn Văn An|01021985|Male|x|15062021",  # sex not Nam/Nữ
        "001085012345|123456789|Nguyễn Văn An|01021985|Nam|x|15062031",  # issued in the future
        "001085012345|123456789|Nguyễn Văn An|01021985|Nam|x|15061980",  # issued before birth
        "001085012345|123456789|Nguyễn Văn An|01021985|Nam|x|99999999",  # not a date
        "001085012345;123456789;Nguyễn Văn An;01021985;Nam;x;15062021",  # wrong separator
    ],
)
def test_anything_else_is_none(text):
    assert parse_cccd_qr(text, today=TODAY) is None


def test_future_birth_is_none():
    assert parse_cccd_qr("001225012345||Bé Na|01012025|Nữ|x", today=dt.date(2024, 1, 1)) is None
