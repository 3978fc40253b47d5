"""The check at the door: the form's current values against the plot's registry rows, nothing written.

The values are cleaned by the form's own rules (`collection.forms.RecordForm`) and compared by the
worker's own `rules.findings_for_record`, through the same `load.record_values` and
`load.registry_plots`: a finding here is exactly what matching will raise once the record is sent
(province-wide codes aside, which need every record). Per field it says, in words, whether the value
matches the registry, differs from it (both values) or adds what the registry lacks ("bổ sung").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from collection.forms import RecordForm
from collection.models import CertificateStatus, CollectedRecord
from collection.scans.qr import parse_cccd_qr
from landdata import normalize
from landdata.models import Plot
from verification import wording
from verification.matching import load, rules
from verification.matching.types import Findings, RecordValues, RegistryPlot
from verification.models import FlagCode

MATCH, DIFFERS, NEW = "match", "differs", "new"
STATE_LABELS = {MATCH: gettext_lazy("Khớp"), DIFFERS: gettext_lazy("Khác"), NEW: gettext_lazy("Bổ sung")}
# Fields holding ID numbers: the registry's is masked, as everywhere an official looks.
ID_FIELDS = frozenset({"holder_id_number", "holder_old_id_number", "co_holder_id_number", "co_holder_old_id_number"})


@dataclass(frozen=True)
class FieldCheck:
    field: str
    state: str
    sentence: str

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


@dataclass
class LiveCheck:
    in_registry: bool
    items: list[FieldCheck] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # values that cannot be read, as the form says


def live_check(*, plot: Plot, raw: Mapping[str, object], scans: Sequence[dict] = ()) -> LiveCheck:
    """`raw`: the form as posted; `scans`: the record's scans (kind, qr_payload) when it has some."""
    form = RecordForm({"certificate_status": CertificateStatus.HELD, **{key: raw[key] for key in raw}})
    form.is_valid()  # a value the form refuses is still read as the form cleaned it, or left blank
    row = {
        **dict.fromkeys(load.RECORD_FIELDS),
        **{key: value for key, value in form.values.items() if key in load.RECORD_FIELDS},
        "id": 0,
        "former_commune_id": plot.former_commune_id,
        "sheet_key": plot.sheet_key,
        "number_key": plot.number_key,
    }
    values = load.record_values(row, scans)
    registry = load.registry_plots([values.plot_key]).get(values.plot_key)
    found = rules.findings_for_record(
        values, registry, scan_kinds=frozenset(s["kind"] for s in scans), source=CollectedRecord.Source.FORM
    )
    check = LiveCheck(in_registry=registry is not None)
    check.items = _differences(found, _names_on_cards(scans)) + _additions(found) + _matches(values, registry, found)
    flagged = {f.field for f in found.flags}
    check.problems = [
        str(message) for key, messages in form.errors.items() if key not in flagged for message in messages
    ]
    return check


def _names_on_cards(scans: Sequence[dict]) -> set[str]:
    names = set()
    for scan in scans:
        qr = parse_cccd_qr(scan.get("qr_payload")) if scan.get("qr_payload") else None
        if qr:
            names.add(normalize.name_key(qr.name))
    return names


def _shown(field_name: str, value: str) -> str:
    return normalize.mask_id(value) if field_name in ID_FIELDS else value


def _differences(found: Findings, card_names: set[str]) -> list[FieldCheck]:
    out = []
    for flag in found.flags:
        if flag.code == FlagCode.MISSING_DOCUMENTS:
            continue  # the checklist says what is missing
        if flag.code == FlagCode.OWNER_NAME_MISMATCH and normalize.name_key(flag.collected_value) in card_names:
            sentence = _("Tên trên CCCD “%(card)s” khác tên trong sổ địa chính “%(registry)s”.") % {
                "card": flag.collected_value,
                "registry": flag.registry_value,
            }
        else:
            sentence = wording.flag_sentence(
                flag.code, flag.field, _shown(flag.field, flag.registry_value), flag.collected_value
            )
        out.append(FieldCheck(flag.field, DIFFERS, sentence))
    return out


def _additions(found: Findings) -> list[FieldCheck]:
    return [
        FieldCheck(
            e.field,
            NEW,
            wording.enrichment_sentence(e.kind, e.field, _shown(e.field, e.registry_value), e.collected_value),
        )
        for e in found.enrichments
    ]


def _matches(values: RecordValues, registry: RegistryPlot | None, found: Findings) -> list[FieldCheck]:
    """Fields filled in, compared with a registry value, and raising nothing: they match."""
    if registry is None:
        return []
    said = {f.field for f in found.flags} | {e.field for e in found.enrichments}
    compared: list[str] = []
    for comparison in rules.comparisons(values, registry):
        person, owner = comparison.person, comparison.owner
        if owner is None:
            continue
        role = person.role
        compared.append(f"{role}_name")
        if person.year is not None and owner.year is not None:
            compared.append(f"{role}_birth")
        if normalize.clean_id(person.id_number) and (owner.id_number or owner.former_id_number):
            compared.append(f"{role}_id_number")
    for field_name, value, attr in (
        ("certificate_serial", values.certificate_serial, "serial"),
        ("certificate_book_number", values.certificate_book_number, "book_number"),
    ):
        if normalize.certificate_key(value) and any(getattr(c, attr) for c in registry.certificates):
            compared.append(field_name)
    if values.area_m2 is not None and registry.area_m2 is not None:
        compared.append("area_m2")
    if normalize.parse_land_use(values.land_use) and normalize.parse_land_use(registry.land_use):
        compared.append("land_use")
    return [
        FieldCheck(name, MATCH, _("%(what)s khớp sổ địa chính.") % {"what": wording.field_label(name).capitalize()})
        for name in compared
        if name not in said
    ]
