"""Factories for verification's rows, built directly so report tests do not depend on matching."""

from __future__ import annotations

import factory

from collection.models import Scan, ScanKind
from tests.factories import CollectedRecordFactory, FormerCommuneFactory
from verification.models import Flag, LandUserStatus, Outcome, PlotOutcome, Severity


class PlotOutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlotOutcome

    former_commune = factory.SubFactory(FormerCommuneFactory)
    commune = factory.LazyAttribute(lambda o: o.former_commune.commune)
    sheet_key = "1"
    number_key = factory.Sequence(lambda n: str(n + 1))
    outcome = Outcome.VERIFIED


class LandUserStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LandUserStatus

    commune = factory.LazyAttribute(lambda o: o.land_user.plot.former_commune.commune)
    status = LandUserStatus.Status.UNIFIED


class FlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Flag

    record = factory.SubFactory(CollectedRecordFactory)
    plot = factory.LazyAttribute(lambda o: o.record.plot)
    former_commune = factory.LazyAttribute(lambda o: o.record.former_commune)
    commune = factory.LazyAttribute(lambda o: o.record.former_commune.commune)
    code = "AREA_MISMATCH"
    field = factory.Sequence(lambda n: f"field{n}")
    severity = Severity.MEDIUM


class ScanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scan

    record = factory.SubFactory(CollectedRecordFactory)
    kind = ScanKind.CERT_PAGE_1
    original_name = "anh.jpg"
    file = factory.django.ImageField(format="JPEG", width=40, height=30, color="blue")
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    status = Scan.Status.READY
