"""Flags in words for officials: every code, with every field it is raised on, reads as a sentence
with both values and no code, field key or raw status."""

from __future__ import annotations

import pytest
from django.utils import translation

from verification.matching.types import SEVERITY
from verification.models import EnrichmentKind, FlagCode
from verification.wording import enrichment_sentence, field_label, flag_sentence

# (code, field, registry value, collected value) as matching writes them.
FLAGS = [
    (FlagCode.OWNER_NAME_MISMATCH, "holder_name", "Đặng Văn Hạnh", "Trần Văn Hạnh"),
    (FlagCode.OWNER_NAME_MISMATCH, "co_holder_name", "Lê Thị Mai", "Lê Thị Mại"),
    (FlagCode.ID_NUMBER_MISMATCH, "holder_id_number", "••••••582", "••••••••7136"),
    (FlagCode.ID_INVALID, "co_holder_old_id_number", "", "12345"),
    (FlagCode.ID_CONFLICT, "holder_id_number", "Trần Văn B (1960, #12)", "••••••••7136"),
    (FlagCode.BIRTH_MISMATCH, "holder_birth", "1945", "1946"),
    (FlagCode.CERTIFICATE_MISMATCH, "certificate_serial", "BĐ 123456", "BĐ 123457"),
    (FlagCode.CERTIFICATE_MISMATCH, "certificate_book_number", "CH 00120", "CH 00121"),
    (FlagCode.AREA_MISMATCH, "area_m2", "230.8", "250"),
    (FlagCode.LAND_USE_MISMATCH, "land_use", "CLN+ONT", "LUC"),
    (FlagCode.USER_NOT_HOLDER, "actual_user_name", "Đặng Văn Hạnh", "Đặng Văn Tư"),
    (FlagCode.CERTIFICATE_STATUS, "certificate_status", "held", "mortgaged+owner_far_away"),
    (FlagCode.MISSING_DOCUMENTS, "certificate_image", "", ""),
    (FlagCode.MISSING_DOCUMENTS, "id_image", "", ""),
    (FlagCode.PLOT_NOT_IN_REGISTRY, "plot_key", "", "09021/12/345"),
    (FlagCode.DUPLICATE_RECORD, "area_m2,holder_name", "#12: area_m2=250", "area_m2=230.8"),
    (FlagCode.DUPLICATE_SCAN, "id_front", "09021/12/346", "ab" * 32),
]
RAW = {"held", "mortgaged", "owner_far_away", "certificate_image", "plot_key", "#12"}


def test_every_code_has_a_sentence():
    assert {code for code, *_ in FLAGS} == set(SEVERITY)


@pytest.mark.parametrize(("code", "field", "registry", "collected"), FLAGS)
def test_a_flag_reads_as_a_sentence_without_codes_or_keys(code, field, registry, collected):
    with translation.override("vi"):
        sentence = flag_sentence(code, field, registry, collected)
    assert sentence.endswith(".")
    assert not any(c in sentence for c in FlagCode.values), sentence
    assert "_" not in sentence and not any(word in sentence for word in RAW), sentence
    if code not in (FlagCode.ID_CONFLICT, FlagCode.DUPLICATE_RECORD, FlagCode.DUPLICATE_SCAN):
        # Both values, as the official can compare them (those across records name nobody else).
        for value in (registry, collected):
            if value and code not in (FlagCode.CERTIFICATE_STATUS, FlagCode.PLOT_NOT_IN_REGISTRY):
                assert value.replace(".", ",") in sentence or value in sentence, (value, sentence)


def test_special_cases_and_areas_in_words():
    assert flag_sentence(FlagCode.CERTIFICATE_STATUS, "certificate_status", "held", "mortgaged+owner_far_away") == (
        "Trường hợp đặc biệt: đang thế chấp; chủ ở xa. Văn phòng đăng ký sẽ xem xét."
    )
    assert "“230,8” m²" in flag_sentence(FlagCode.AREA_MISMATCH, "area_m2", "230.8", "250")
    assert field_label("holder_birth,area_m2") == "ngày sinh của người đứng tên, diện tích"


@pytest.mark.parametrize("kind", EnrichmentKind.values)
def test_every_enrichment_reads_as_a_sentence(kind):
    sentence = enrichment_sentence(kind, "holder_id_number", "••••••582", "027045605136")
    assert sentence.startswith("Bổ sung") and "_" not in sentence


def test_sentences_follow_the_language():
    with translation.override("en"):
        assert flag_sentence(FlagCode.AREA_MISMATCH, "area_m2", "230.8", "250").startswith("Area")
