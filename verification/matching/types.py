"""Plain values the matching rules work on, so the rules stay pure (no models, no database)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from verification.models import FlagCode, Severity

# The one severity table (contract §4 leaves severity to the portal, except CERTIFICATE_STATUS: low).
SEVERITY: dict[str, str] = {
    FlagCode.PLOT_NOT_IN_REGISTRY: Severity.HIGH,
    FlagCode.OWNER_NAME_MISMATCH: Severity.HIGH,
    FlagCode.ID_NUMBER_MISMATCH: Severity.HIGH,
    FlagCode.ID_CONFLICT: Severity.HIGH,
    FlagCode.ID_INVALID: Severity.MEDIUM,
    FlagCode.BIRTH_MISMATCH: Severity.MEDIUM,
    FlagCode.CERTIFICATE_MISMATCH: Severity.MEDIUM,
    FlagCode.AREA_MISMATCH: Severity.MEDIUM,
    FlagCode.DUPLICATE_RECORD: Severity.MEDIUM,
    FlagCode.DUPLICATE_SCAN: Severity.MEDIUM,
    FlagCode.LAND_USE_MISMATCH: Severity.LOW,
    FlagCode.USER_NOT_HOLDER: Severity.LOW,
    FlagCode.CERTIFICATE_STATUS: Severity.LOW,
    FlagCode.MISSING_DOCUMENTS: Severity.LOW,
}

# (former commune code, sheet key, number key): contract §1's plot key, normalised.
PlotKey = tuple[str, str, str]

# Codes decided across records (province-wide), as opposed to one record against its plot.
PROVINCE_CODES = frozenset({FlagCode.ID_CONFLICT, FlagCode.DUPLICATE_RECORD, FlagCode.DUPLICATE_SCAN})


@dataclass(frozen=True)
class CollectedPerson:
    """The holder or co-holder as collected. `role` is "holder" or "co_holder" (prefix of the fields)."""

    role: str
    name: str
    birth_year: int | None = None
    birth_date: dt.date | None = None
    id_number: str = ""
    old_id_number: str = ""

    @property
    def year(self) -> int | None:
        return self.birth_date.year if self.birth_date else self.birth_year


@dataclass(frozen=True)
class RecordValues:
    """What matching needs of one collected record."""

    record_id: int
    plot_key: PlotKey
    holder: CollectedPerson
    co_holder: CollectedPerson | None = None
    certificate_serial: str = ""
    certificate_book_number: str = ""
    area_m2: Decimal | None = None
    land_use: str = ""
    actual_user_name: str = ""
    certificate_status: str = "held"
    owner_far_away: bool = False
    # (CCCD, CMND) pairs read from the QR code of the record's ID card scans.
    id_links: frozenset[tuple[str, str]] = frozenset()

    @property
    def persons(self) -> tuple[CollectedPerson, ...]:
        return (self.holder, self.co_holder) if self.co_holder else (self.holder,)


@dataclass(frozen=True)
class RegistryOwner:
    """One registered owner (a LandUser row) of a plot."""

    land_user_id: int | None
    name: str
    birth_year: int | None = None
    birth_date: dt.date | None = None
    id_number: str = ""
    former_id_number: str = ""
    id_kind: str = ""  # LandUser.id_kind, as the import classified the number (the outcomes read it)

    @property
    def year(self) -> int | None:
        return self.birth_date.year if self.birth_date else self.birth_year


@dataclass(frozen=True)
class RegistryCertificate:
    serial: str = ""
    book_number: str = ""


@dataclass(frozen=True)
class RegistryPlot:
    plot_id: int | None
    area_m2: Decimal | None
    land_use: str = ""
    owners: tuple[RegistryOwner, ...] = ()
    certificates: tuple[RegistryCertificate, ...] = ()


@dataclass(frozen=True)
class FlagFinding:
    code: str
    field: str
    registry_value: str = ""
    collected_value: str = ""
    similarity: float | None = None
    land_user_id: int | None = None

    @property
    def severity(self) -> str:
        return SEVERITY[self.code]


@dataclass(frozen=True)
class EnrichmentFinding:
    kind: str
    field: str
    registry_value: str = ""
    collected_value: str = ""
    land_user_id: int | None = None


@dataclass
class Findings:
    flags: list[FlagFinding] = field(default_factory=list)
    enrichments: list[EnrichmentFinding] = field(default_factory=list)

    def flag(self, code: str, field_name: str, registry_value: object = "", collected_value: object = "", **kw) -> None:
        self.flags.append(FlagFinding(code, field_name, _text(registry_value), _text(collected_value), **kw))

    def enrich(
        self, kind: str, field_name: str, registry_value: object = "", collected_value: object = "", **kw
    ) -> None:
        self.enrichments.append(
            EnrichmentFinding(kind, field_name, _text(registry_value), _text(collected_value), **kw)
        )

    @property
    def codes(self) -> set[str]:
        return {f.code for f in self.flags}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)[:300]
