"""The check at the door (verification.live): the form's values against the plot's registry rows, in
words, through the worker's own rules; nothing written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from collection.models import CollectedRecord, Role, Scan
from tests.factories import (
    CertificateFactory,
    CollectedRecordFactory,
    FormerCommuneFactory,
    LandUserFactory,
    PlotFactory,
    user_with_scope,
)
from verification import live
from verification.matching import pipeline
from verification.models import Flag, FlagCode

pytestmark = pytest.mark.django_db

QR = "027045605136|105032582|Đặng Văn Hạnh|12031945|Nam|Thôn 1, xã cũ|01012022"


@pytest.fixture
def plot():
    plot = PlotFactory(map_sheet="12", plot_number="345", area_m2="230.80", land_use="ONT+CLN")
    LandUserFactory(plot=plot, full_name="Đặng Văn Hạnh", birth_year=1945, id_number="105032582")
    CertificateFactory(plot=plot, serial="BĐ 123456", book_number="CH 00120")
    return plot


def _in_words(sentence: str) -> bool:
    """No flag code, no field key: what an official reads."""
    return "_" not in sentence and not any(code in sentence for code in FlagCode.values)


def _states(check) -> dict[str, str]:
    return {item.field: item.state for item in check.items}


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # Everything as registered: each field filled and compared says "khớp".
        (
            {"holder_name": "Đặng Văn Hạnh", "holder_birth": "1945", "holder_id_number": "105032582",
             "certificate_serial": "bd123456", "area_m2": "230,8", "land_use": "CLN+ONT"},
            {"holder_name": "match", "holder_birth": "match", "holder_id_number": "match",
             "certificate_serial": "match", "area_m2": "match", "land_use": "match"},
        ),
        # A different name: the worker's OWNER_NAME_MISMATCH, said in words.
        ({"holder_name": "Trần Văn Hạnh"}, {"holder_name": "differs"}),
        # A new CCCD with the old CMND it replaced, and the full birth date: additions ("bổ sung").
        (
            {"holder_name": "Đặng Văn Hạnh", "holder_id_number": "027045605136",
             "holder_old_id_number": "105032582", "holder_birth": "12/03/1945"},
            {"holder_name": "match", "holder_id_number": "new", "holder_birth": "new"},
        ),
        # Typed without diacritics against a registry name with them: a difference the office decides.
        ({"holder_name": "Dang Van Hanh"}, {"holder_name": "differs"}),
        ({"holder_name": "Đặng Văn Hạnh", "area_m2": "250"}, {"holder_name": "match", "area_m2": "differs"}),
        ({"holder_name": "Đặng Văn Hạnh", "holder_birth": "1946"}, {"holder_name": "match", "holder_birth": "differs"}),
        (
            {"holder_name": "Đặng Văn Hạnh", "certificate_serial": "BĐ 999999"},
            {"holder_name": "match", "certificate_serial": "differs"},
        ),
        (
            {"holder_name": "Đặng Văn Hạnh", "certificate_status": "mortgaged"},
            {"holder_name": "match", "certificate_status": "differs"},
        ),
    ],
)  # fmt: skip
def test_each_field_matches_differs_or_adds(plot, values, expected):
    check = live.live_check(plot=plot, raw=values)
    assert check.in_registry
    assert _states(check) == expected
    for item in check.items:
        assert _in_words(item.sentence), item.sentence


def test_the_live_check_says_what_the_worker_will_flag_once_sent(plot, django_assert_max_num_queries):
    """The same rules: every flag matching raises for the record is a difference shown at the door."""
    values = {"holder_name": "Trần Văn Hạnh", "holder_birth": "1950", "area_m2": "300", "land_use": "LUC"}
    with django_assert_max_num_queries(3):  # the registry plot, its owners, its certificates
        check = live.live_check(plot=plot, raw=values)
    assert check.problems == []
    record = CollectedRecordFactory(
        former_commune=plot.former_commune,
        map_sheet="12",
        plot_number="345",
        plot=plot,
        holder_name="Trần Văn Hạnh",
        holder_birth_year=1950,
        area_m2="300",
        land_use="LUC",
        status=CollectedRecord.Status.SUBMITTED,
        source=CollectedRecord.Source.IMPORT,
    )
    pipeline.match_record(record_id=record.pk)
    raised = set(Flag.objects.filter(record=record).values_list("field", flat=True))
    shown = {item.field for item in check.items if item.state == "differs"}
    assert raised == shown == {"holder_name", "holder_birth", "area_m2", "land_use"}


def test_a_name_read_from_the_cccd_that_differs_says_so(plot):
    card = QR.replace("Đặng Văn Hạnh", "Đặng Văn Hành")
    check = live.live_check(
        plot=plot, raw={"holder_name": "Đặng Văn Hành"}, scans=[{"kind": "id_front", "qr_payload": card}]
    )
    [item] = [i for i in check.items if i.field == "holder_name"]
    assert item.state == "differs"
    assert item.sentence == "Tên trên CCCD “Đặng Văn Hành” khác tên trong sổ địa chính “Đặng Văn Hạnh”."


def test_registry_id_numbers_are_masked_and_unreadable_values_are_said(plot):
    check = live.live_check(
        plot=plot, raw={"holder_name": "Đặng Văn Hạnh", "holder_id_number": "001", "area_m2": "abc"}
    )
    text = " ".join(i.sentence for i in check.items) + " ".join(check.problems)
    assert "105032582" not in text
    assert any("Diện tích phải là số" in p for p in check.problems)


# --- the view ---------------------------------------------------------------------------------


def test_the_view_answers_in_words_for_a_plot_of_the_scope_and_writes_nothing(client, plot):
    official = user_with_scope(Role.OFFICIAL, commune=plot.former_commune.commune)
    client.force_login(official)
    before = (CollectedRecord.objects.count(), Flag.objects.count())
    response = client.post(
        reverse("verification:live_check"), {"plot": plot.pk, "holder_name": "Trần Văn Hạnh", "area_m2": "230,8"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Khác:" in body and "Trần Văn Hạnh" in body and "Khớp:" in body
    assert "OWNER_NAME_MISMATCH" not in body and "holder_name" not in body.replace('data-field="holder_name"', "")
    assert (CollectedRecord.objects.count(), Flag.objects.count()) == before


def test_the_view_is_404_outside_the_scope_and_for_a_bad_plot(client, plot):
    stranger = user_with_scope(Role.OFFICIAL, commune=FormerCommuneFactory().commune)
    client.force_login(stranger)
    url = reverse("verification:live_check")
    assert client.post(url, {"plot": plot.pk, "holder_name": "X"}).status_code == 404
    assert client.post(url, {"plot": "abc"}).status_code == 404
    assert client.post(url, {"plot": "9" * 40}).status_code == 404
    assert client.get(url).status_code == 405


def test_the_scans_read_are_the_records_own_never_another_plots(client, plot):
    official = user_with_scope(Role.OFFICIAL, commune=plot.former_commune.commune)
    card = QR.replace("Đặng Văn Hạnh", "Đặng Văn Hành")
    own = CollectedRecordFactory(former_commune=plot.former_commune, plot=plot)
    other = CollectedRecordFactory(
        former_commune=plot.former_commune, plot=PlotFactory(former_commune=plot.former_commune)
    )
    for n, record in enumerate((own, other)):
        Scan.objects.create(record=record, kind="id_front", sha256=f"{n}" * 64, status="ready", qr_payload=card)
    client.force_login(official)

    def said(record) -> str:
        url = reverse("verification:live_check")
        return client.post(url, {"plot": plot.pk, "record": record.pk, "holder_name": "Đặng Văn Hành"}).content.decode()

    assert "Tên trên CCCD" in said(own)
    assert "Tên trên CCCD" not in said(other)
