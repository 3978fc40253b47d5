"""Property-based tests (hypothesis) for the shared text and ID rules."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from landdata import normalize
from landdata.normalize import IdKind

VIETNAMESE_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
words = st.text(alphabet=VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper(), min_size=1, max_size=7)
names = st.lists(words, min_size=1, max_size=5).map(" ".join)


@given(names)
def test_name_key_ignores_normal_form_case_and_spacing(name):
    variants = [
        unicodedata.normalize("NFD", name),
        name.upper(),
        "  " + name.replace(" ", "   ") + " ",
    ]
    for variant in variants:
        assert normalize.name_key(variant) == normalize.name_key(name)


@given(names)
def test_name_key_is_idempotent_on_its_folded_form(name):
    folded = normalize.name_folded(name)
    assert normalize.name_folded(folded) == folded
    assert folded.isascii()
    assert "đ" not in folded


@given(st.text(max_size=40))
def test_classify_id_never_crashes_and_masks_consistently(text):
    kind = normalize.classify_id(text)
    assert kind in set(IdKind)
    masked = normalize.mask_id(text)
    digits = normalize.clean_id(text)
    assert len(masked) == len(digits)


@given(
    st.integers(min_value=1, max_value=96),
    st.integers(min_value=1900, max_value=2025),
    st.booleans(),
    st.integers(min_value=0, max_value=999_999),
)
def test_every_well_formed_cccd_is_valid_for_its_own_birth_year(province, year, female, serial):
    century_digit = (0 if year < 2000 else 2) + (1 if female else 0)
    number = f"{province:03d}{century_digit}{year % 100:02d}{serial:06d}"
    assert normalize.classify_id(number, birth_year=year) is IdKind.CCCD
    assert normalize.cccd_birth_year(number) == year
    assert normalize.cccd_is_male(number) is (not female)
    assert normalize.classify_id(number, birth_year=year + 1) is IdKind.INVALID


@given(st.integers(min_value=0, max_value=10**9))
def test_plot_key_part_ignores_leading_zeros(number):
    assert normalize.plot_key_part(f"000{number}") == normalize.plot_key_part(number) == str(number)


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
@settings(max_examples=200)
def test_decimal_comma_and_dot_agree(value):
    text = f"{value:.2f}"
    assert normalize.parse_decimal(text) == normalize.parse_decimal(text.replace(".", ","))


@given(st.text(max_size=30))
def test_parse_decimal_either_parses_or_raises_value_error(text):
    try:
        normalize.parse_decimal(text)
    except ValueError:
        pass


@given(st.text(max_size=20))
def test_parse_partial_date_either_parses_or_raises_value_error(text):
    try:
        result = normalize.parse_partial_date(text)
    except ValueError:
        return
    assert result is None or 1880 <= result.year


@given(st.text(alphabet="ABĐCDabđcd0123456789 .-", max_size=16))
def test_certificate_key_ignores_separators_case_and_d_stroke(serial):
    assert normalize.certificate_key(serial) == normalize.certificate_key(
        serial.lower().replace(" ", ".").replace("Đ", "d")
    )
