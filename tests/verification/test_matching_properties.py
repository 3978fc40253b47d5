"""Property: matching the same data twice, or in another chunking and order, gives the same flags.

Hypothesis draws a small province (plots with one or two owners, ID numbers shared across plots,
name typos, duplicate records, shared photos) and a way to cut its records into chunks; the flags
after matching everything at once must equal the flags after matching chunk by chunk, and a second
run must change nothing.
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collection.models import CollectedRecord, Scan
from tests.factories import (
    CertificateFactory,
    CollectedRecordFactory,
    CommuneFactory,
    FormerCommuneFactory,
    LandUserFactory,
    PlotFactory,
)
from verification.matching.pipeline import records_match
from verification.models import Enrichment, Flag, LandUserStatus, PlotOutcome

pytestmark = pytest.mark.django_db

NAMES = ["Nguyễn Văn Bình", "Trần Thị Hòa", "Lê Văn Tám", "Phạm Thị Lan", "Đỗ Văn Đức", "Hoàng Minh Tú"]
# CCCDs born in 1960 (male, digit 0) or 1962 (female, digit 1); CMNDs.
IDS = ["001060000001", "001162000002", "001060000003", "001162000004", "123456789", "987654321", ""]


class _Rollback(Exception):
    pass


def _province(seed: int) -> list[int]:
    rng = random.Random(seed)
    fc = FormerCommuneFactory(commune=CommuneFactory())
    record_ids = []
    for n in range(1, 7):
        plot = PlotFactory(former_commune=fc, map_sheet="1", plot_number=str(n), area_m2=Decimal("200"), land_use="ONT")
        cert = CertificateFactory(plot=plot, serial=f"BĐ {n:06d}", book_number=f"CH{n:05d}")
        owners = rng.sample(range(len(NAMES)), rng.choice((1, 1, 2)))
        for i in owners:
            LandUserFactory(
                plot=plot,
                certificate=cert,
                full_name=NAMES[i],
                birth_year=1960 + (i % 2) * 2,
                id_number=rng.choice(IDS),
            )
        for _ in range(rng.choice((0, 1, 1, 2))):  # none, one, or a duplicate pair
            holder = rng.choice(owners) if rng.random() < 0.7 else rng.randrange(len(NAMES))
            name = NAMES[holder] if rng.random() < 0.8 else NAMES[holder].replace("ì", "í")
            co = rng.choice([None, *owners]) if rng.random() < 0.4 else None
            record = CollectedRecordFactory(
                former_commune=fc,
                map_sheet="1",
                plot_number=str(n),
                holder_name=name,
                holder_birth_year=rng.choice((1960, 1962, None)),
                holder_id_number=rng.choice(IDS),
                co_holder_name=NAMES[co] if co is not None else "",
                co_holder_id_number=rng.choice(IDS) if co else "",
                certificate_serial=f"bd{n:06d}" if rng.random() < 0.8 else "BĐ 999999",
                area_m2=Decimal(rng.choice(("200", "200.5", "230"))),
                land_use=rng.choice(("ONT", "ONT", "CLN")),
                source=rng.choice((CollectedRecord.Source.FORM, CollectedRecord.Source.IMPORT)),
            )
            if rng.random() < 0.5:
                Scan.objects.create(
                    record=record,
                    kind=rng.choice(("cert_1", "id_front")),
                    original_name="a.jpg",
                    file="scans/a.jpg",
                    sha256=rng.choice(("a" * 64, "b" * 64, "c" * 64)),
                    status=Scan.Status.READY,
                )
            record_ids.append(record.pk)
    return record_ids


def _state() -> tuple:
    flags = sorted(
        Flag.objects.values_list(
            "record_id", "code", "field", "registry_value", "collected_value", "status", "land_user_id"
        )
    )
    enrichments = sorted(Enrichment.objects.values_list("record_id", "kind", "field", "land_user_id"))
    outcomes = sorted(PlotOutcome.objects.values_list("former_commune_id", "sheet_key", "number_key", "outcome"))
    statuses = sorted(LandUserStatus.objects.values_list("land_user_id", "status"))
    return flags, enrichments, outcomes, statuses


def _forget_matching() -> None:
    Flag.objects.all().delete()
    Enrichment.objects.all().delete()
    PlotOutcome.objects.all().delete()
    LandUserStatus.objects.all().delete()
    CollectedRecord.objects.update(matched_fingerprint="", matched_at=None, open_flags=0)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), cut=st.randoms(use_true_random=False))
def test_matching_is_the_same_in_any_chunking_and_again(seed, cut):
    try:
        with transaction.atomic():
            ids = _province(seed)
            records_match(record_ids=ids)
            at_once = _state()

            records_match(record_ids=ids)
            assert _state() == at_once, "a second run on unchanged data changed something"

            _forget_matching()
            order = ids[:]
            cut.shuffle(order)
            while order:
                size = cut.randint(1, 4)
                records_match(record_ids=order[:size])
                order = order[size:]
            assert _state() == at_once, "another chunking gave other flags"

            # One record changes and only it is matched again: its groups' partners must follow, so that
            # the province looks as if everything had been matched afresh.
            changed = CollectedRecord.objects.get(pk=cut.choice(ids))
            changed.holder_id_number = cut.choice(IDS)
            changed.area_m2 = Decimal(cut.choice(("200", "200.5", "230")))
            changed.save()
            records_match(record_ids=[changed.pk])
            after_change = _state()
            _forget_matching()
            records_match(record_ids=ids)
            assert _state() == after_change, "matching one changed record left its partners' flags stale"
            raise _Rollback
    except _Rollback:
        pass


def test_a_partner_regains_its_cccd_enrichment_when_its_conflict_goes_away():
    """The case Hypothesis found: record 7's CCCD conflicted with record 5's; record 5 is corrected and
    matched alone; record 7 (not matched again) must get its CCCD enrichment back, as a fresh run gives."""
    ids = _province(33)
    records_match(record_ids=ids)
    partner = CollectedRecord.objects.get(pk=ids[6])
    assert (partner.holder_name, partner.holder_id_number) == ("Trần Thị Hòa", "001162000004")
    assert not Enrichment.objects.filter(record=partner, kind="cccd").exists()  # in conflict with record 5
    changed = CollectedRecord.objects.get(pk=ids[4])
    changed.holder_id_number = "001060000001"
    changed.save()
    records_match(record_ids=[changed.pk])
    assert Enrichment.objects.filter(record=partner, kind="cccd", field="holder_id_number").exists()
    after_change = _state()
    _forget_matching()
    records_match(record_ids=ids)
    assert _state() == after_change
