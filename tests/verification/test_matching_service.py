"""records_match: batch loading, idempotent flag writing, province-wide groups, outcomes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from collection.models import CollectedRecord, Scan
from tests.factories import (
    CertificateFactory,
    CollectedRecordFactory,
    CommuneFactory,
    FormerCommuneFactory,
    LandUserFactory,
    PlotFactory,
)
from verification.matching.pipeline import match_record, records_match
from verification.models import (
    Enrichment,
    Flag,
    FlagCode,
    FlagDecision,
    FlagStatus,
    LandUserStatus,
    Outcome,
    PlotOutcome,
)

pytestmark = pytest.mark.django_db

CCCD_1960 = "001060012345"
CCCD_1960_B = "001060099999"


@pytest.fixture
def fc():
    return FormerCommuneFactory(commune=CommuneFactory())


def registry_plot(fc, number, *, owners=(("Nguyễn Văn An", 1960, ""),), area="250.00", land_use="ONT"):
    plot = PlotFactory(
        former_commune=fc, map_sheet="1", plot_number=str(number), area_m2=Decimal(area), land_use=land_use
    )
    cert = CertificateFactory(plot=plot, serial=f"BĐ {number:06d}", book_number=f"CH{number:05d}")
    users = [
        LandUserFactory(plot=plot, certificate=cert, full_name=name, birth_year=year, id_number=idn)
        for name, year, idn in owners
    ]
    return plot, users


def record(fc, number, **kw):
    defaults = dict(
        former_commune=fc,
        map_sheet="1",
        plot_number=str(number),
        holder_name="Nguyễn Văn An",
        holder_birth_year=1960,
        certificate_serial=f"bd{number:06d}",
        area_m2=Decimal("250"),
        land_use="ONT",
        source=CollectedRecord.Source.IMPORT,
    )
    defaults.update(kw)
    return CollectedRecordFactory(**defaults)


def flags_of(rec):
    return sorted(Flag.objects.filter(record=rec).values_list("code", "field", "status"))


def test_flags_plot_link_and_outcomes(fc):
    plot1, _ = registry_plot(fc, 1)
    registry_plot(fc, 2)
    ok = record(fc, 1)
    area = record(fc, 2, area_m2=Decimal("300"))
    missing = record(fc, 9000)
    summary = records_match(record_ids=[ok.id, area.id, missing.id])
    assert summary.matched == 3
    assert flags_of(ok) == []
    assert flags_of(area) == [(FlagCode.AREA_MISMATCH, "area_m2", "open")]
    assert flags_of(missing) == [(FlagCode.PLOT_NOT_IN_REGISTRY, "plot_key", "open")]
    ok.refresh_from_db()
    assert ok.plot_id == plot1.id and ok.matched_fingerprint and ok.matched_at
    assert CollectedRecord.objects.get(pk=missing.pk).plot_id is None
    assert CollectedRecord.objects.get(pk=area.pk).open_flags == 1
    outcomes = dict(PlotOutcome.objects.values_list("number_key", "outcome"))
    assert outcomes == {"1": Outcome.VERIFIED, "2": Outcome.PENDING_REVIEW, "9000": Outcome.NOT_IN_REGISTRY}
    flag = Flag.objects.get(record=area)
    assert (flag.registry_value, flag.collected_value, flag.severity) == ("250", "300", "medium")
    assert flag.commune_id == fc.commune_id and flag.former_commune_id == fc.code


def test_drafts_and_returned_records_are_not_matched(fc):
    registry_plot(fc, 1)
    draft = record(fc, 1, area_m2=Decimal("999"), status=CollectedRecord.Status.DRAFT)
    returned = record(fc, 1, area_m2=Decimal("999"), status=CollectedRecord.Status.RETURNED)
    summary = records_match(record_ids=[draft.id, returned.id])
    assert summary.records == 0
    assert not Flag.objects.exists()


def test_rerun_is_idempotent_and_keeps_decisions(fc):
    registry_plot(fc, 1)
    rec = record(fc, 1, area_m2=Decimal("300"), land_use="CLN")
    records_match(record_ids=[rec.id])
    before = sorted(Flag.objects.values_list("id", "code", "status"))
    area = Flag.objects.get(code=FlagCode.AREA_MISMATCH)
    Flag.objects.filter(pk=area.pk).update(status=FlagStatus.KEPT, version=2)
    FlagDecision.objects.create(flag=area, from_status="open", to_status="kept", note="đo sai")

    second = records_match(record_ids=[rec.id])
    assert second.skipped == 1 and second.matched == 0
    # Forced re-match of unchanged data: same flags, decision kept.
    CollectedRecord.objects.filter(pk=rec.pk).update(matched_fingerprint="")
    third = records_match(record_ids=[rec.id])
    assert third.matched == 1 and third.flags_created == 0
    after = sorted(Flag.objects.values_list("id", "code", "status"))
    assert [(i, c) for i, c, _ in after] == [(i, c) for i, c, _ in before]
    assert Flag.objects.get(pk=area.pk).status == FlagStatus.KEPT
    assert FlagDecision.objects.filter(flag=area).count() == 1


def test_changed_value_reopens_only_that_flag(fc):
    registry_plot(fc, 1)
    rec = record(fc, 1, area_m2=Decimal("300"), land_use="CLN")
    records_match(record_ids=[rec.id])
    Flag.objects.update(status=FlagStatus.KEPT, version=2)
    CollectedRecord.objects.filter(pk=rec.pk).update(area_m2=Decimal("310"))
    summary = records_match(record_ids=[rec.id])
    assert summary.flags_reopened == 1
    assert dict(Flag.objects.values_list("code", "status")) == {
        FlagCode.AREA_MISMATCH: FlagStatus.OPEN,
        FlagCode.LAND_USE_MISMATCH: FlagStatus.KEPT,
    }
    area = Flag.objects.get(code=FlagCode.AREA_MISMATCH)
    assert area.collected_value == "310" and area.version == 3
    assert area.decisions.get().to_status == FlagStatus.OPEN


def test_disappeared_findings_close_flags(fc):
    registry_plot(fc, 1)
    rec = record(fc, 1, area_m2=Decimal("300"), land_use="CLN", certificate_status="lost")
    records_match(record_ids=[rec.id])
    Flag.objects.filter(code=FlagCode.LAND_USE_MISMATCH).update(status=FlagStatus.RETURNED, version=2)
    Flag.objects.filter(code=FlagCode.CERTIFICATE_STATUS).update(status=FlagStatus.KEPT, version=2)
    CollectedRecord.objects.filter(pk=rec.pk).update(area_m2=Decimal("250"), land_use="ONT", certificate_status="held")
    summary = records_match(record_ids=[rec.id])
    assert summary.flags_closed == 2
    # Never decided: gone. Returned: dismissed with a system note. Decided and closed: stands.
    assert dict(Flag.objects.values_list("code", "status")) == {
        FlagCode.LAND_USE_MISMATCH: FlagStatus.DISMISSED,
        FlagCode.CERTIFICATE_STATUS: FlagStatus.KEPT,
    }
    note = FlagDecision.objects.get()
    assert (note.from_status, note.to_status, note.decided_by) == ("returned", "dismissed", None)
    assert PlotOutcome.objects.get().outcome == Outcome.VERIFIED


def test_resubmitted_record_reopens_returned_flag(fc):
    registry_plot(fc, 1)
    rec = record(fc, 1, area_m2=Decimal("300"))
    records_match(record_ids=[rec.id])
    Flag.objects.update(status=FlagStatus.RETURNED, version=2)
    CollectedRecord.objects.filter(pk=rec.pk).update(status=CollectedRecord.Status.RETURNED, notes="đo lại")
    assert records_match(record_ids=[rec.id]).records == 0
    CollectedRecord.objects.filter(pk=rec.pk).update(status=CollectedRecord.Status.SUBMITTED)
    records_match(record_ids=[rec.id])
    assert Flag.objects.get().status == FlagStatus.OPEN


def test_query_count_is_constant(fc, django_assert_max_num_queries):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the multi-row upserts that keep the count constant are PostgreSQL's (verification.bulk)")

    def make(start, n):
        ids = []
        for i in range(start, start + n):
            registry_plot(fc, i, owners=(("Nguyễn Văn An", 1960, ""), ("Trần Thị Hoa", 1962, "")))
            ids.append(
                record(
                    fc,
                    i,
                    area_m2=Decimal("300") if i % 3 else Decimal("250"),
                    holder_id_number=CCCD_1960 if i % 5 == 0 else "",
                    co_holder_name="Trần Thị Hoà" if i % 2 else "",
                ).id
            )
        return ids

    small, large = make(1, 10), make(100, 100)
    # 31 today: the chunk's own loads, its ID groups' partners with their scans, and the bulk writes.
    with django_assert_max_num_queries(32) as small_ctx:
        records_match(record_ids=small)
    with django_assert_max_num_queries(32) as large_ctx:
        records_match(record_ids=large)
    assert len(large_ctx.captured_queries) <= len(small_ctx.captured_queries) + 2
    with django_assert_max_num_queries(10):
        assert records_match(record_ids=large).skipped == 100


def test_id_conflict_with_registry_and_partner_records(fc):
    registry_plot(fc, 1, owners=(("Lê Văn Tám", 1960, CCCD_1960),))  # donor, not collected
    registry_plot(fc, 2)
    registry_plot(fc, 3, owners=(("Phạm Thị Lan", 1960, ""),))
    a = record(fc, 2, holder_id_number=CCCD_1960)
    records_match(record_ids=[a.id])
    assert flags_of(a) == [(FlagCode.ID_CONFLICT, "holder_id_number", "open")]
    assert not Enrichment.objects.filter(record=a, kind="cccd").exists()
    # A second record uses the same number for yet another person: both records carry the conflict.
    b = record(fc, 3, holder_name="Phạm Thị Lan", holder_id_number=CCCD_1960)
    records_match(record_ids=[b.id])
    assert flags_of(b) == [(FlagCode.ID_CONFLICT, "holder_id_number", "open")]
    assert "Phạm Thị Lan" in Flag.objects.get(record=a).registry_value
    # A corrects its number: its own conflict goes; B still conflicts with the registry donor.
    CollectedRecord.objects.filter(pk=a.pk).update(holder_id_number=CCCD_1960_B)
    records_match(record_ids=[a.id])
    assert flags_of(a) == []
    assert "Phạm Thị Lan" not in Flag.objects.get(record=b).registry_value
    assert Enrichment.objects.filter(record=a, kind="cccd").exists()


def test_same_person_same_number_is_no_conflict(fc):
    _, (owner,) = registry_plot(fc, 1, owners=(("Nguyễn Văn An", 1960, CCCD_1960),))
    registry_plot(fc, 2, owners=(("NGUYEN VAN AN", 1960, ""),))
    a = record(fc, 1, holder_id_number=CCCD_1960)
    b = record(fc, 2, holder_id_number=CCCD_1960)
    records_match(record_ids=[a.id, b.id])
    assert not Flag.objects.exists()
    assert LandUserStatus.objects.get(land_user=owner).status == "unified"


def test_duplicate_records_flag_both_and_enrich(fc):
    registry_plot(fc, 1)
    a = record(fc, 1, co_holder_name="Trần Thị Hoa")
    b = record(fc, 1)
    records_match(record_ids=[a.id])
    assert flags_of(a) == flags_of(b) == [(FlagCode.DUPLICATE_RECORD, "co_holder_name", "open")]
    assert set(Enrichment.objects.values_list("kind", flat=True)) == {"co_holder"}
    # They come to agree: both flags close although only one record was matched again.
    CollectedRecord.objects.filter(pk=b.pk).update(co_holder_name="TRẦN THỊ HOA")
    records_match(record_ids=[b.id])
    assert not Flag.objects.exists()


def _scan(rec, kind, sha, qr=""):
    return Scan.objects.create(
        record=rec,
        kind=kind,
        original_name="a.jpg",
        file="scans/a.jpg",
        sha256=sha,
        qr_payload=qr,
        status=Scan.Status.READY,
    )


def test_duplicate_scan_across_plots(fc):
    registry_plot(fc, 1)
    registry_plot(fc, 2)
    a, b = record(fc, 1), record(fc, 2)
    _scan(a, "cert_1", "a" * 64)
    _scan(b, "cert_1", "a" * 64)
    _scan(b, "id_front", "b" * 64)
    records_match(record_ids=[a.id, b.id])
    assert flags_of(a) == flags_of(b) == [(FlagCode.DUPLICATE_SCAN, "cert_1", "open")]


def test_missing_documents_for_portal_records_only(fc):
    registry_plot(fc, 1)
    registry_plot(fc, 2)
    registry_plot(fc, 3)
    form = record(fc, 1, source=CollectedRecord.Source.FORM)
    _scan(form, "cert_1", "c" * 64)
    lost = record(fc, 2, source=CollectedRecord.Source.FORM, certificate_status="lost")
    _scan(lost, "id_front", "d" * 64)
    imported = record(fc, 3)
    records_match(record_ids=[form.id, lost.id, imported.id])
    assert flags_of(form) == [(FlagCode.MISSING_DOCUMENTS, "id_image", "open")]
    assert flags_of(lost) == [(FlagCode.CERTIFICATE_STATUS, "certificate_status", "open")]
    assert flags_of(imported) == []


def test_id_upgrade_through_the_card_qr(fc):
    _, (owner,) = registry_plot(fc, 1, owners=(("Nguyễn Văn An", None, "123456789"),))
    rec = record(fc, 1, holder_birth_year=None, holder_id_number=CCCD_1960)
    records_match(record_ids=[rec.id])
    assert flags_of(rec) == [(FlagCode.ID_NUMBER_MISMATCH, "holder_id_number", "open")]
    _scan(rec, "id_front", "e" * 64, qr=f"{CCCD_1960}|123456789|Nguyễn Văn An|01021960|Nam|Thôn 1|01012022")
    match_record(record_id=rec.id)
    assert flags_of(rec) == []
    assert Enrichment.objects.get(record=rec).kind == "cccd"
    assert LandUserStatus.objects.get(land_user=owner).status == "unified"
    assert PlotOutcome.objects.get().outcome == Outcome.ENRICHED


def test_registry_change_rematches(fc):
    plot, _ = registry_plot(fc, 1)
    rec = record(fc, 1, area_m2=Decimal("300"))
    records_match(record_ids=[rec.id])
    Flag.objects.update(status=FlagStatus.ACCEPTED, version=2)
    plot.area_m2 = Decimal("300")
    plot.save()
    summary = records_match(record_ids=[rec.id])
    assert summary.matched == 1
    assert Flag.objects.get().status == FlagStatus.ACCEPTED
    assert PlotOutcome.objects.get().outcome == Outcome.CLEANED


def test_the_cycle_collector_is_paused_during_a_chunk_and_back_on_after(fc, monkeypatch):
    """A worker left without its cycle collector would leak, even after a chunk that failed."""
    import gc

    from verification.matching import pipeline

    registry_plot(fc, 1)
    rec = record(fc, 1)
    during = []
    real_findings = pipeline.chunk_findings

    def findings_noting_the_collector(chunk):
        during.append(gc.isenabled())
        return real_findings(chunk)

    monkeypatch.setattr(pipeline, "chunk_findings", findings_noting_the_collector)
    records_match(record_ids=[rec.pk])
    assert during == [False]
    assert gc.isenabled()

    def failing(chunk):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(pipeline, "chunk_findings", failing)
    with pytest.raises(RuntimeError):
        records_match(record_ids=[rec.pk])
    assert gc.isenabled()
