"""The official's phone: the plots it keeps for work without signal, and the records its outbox sends.

Every record the phone makes carries an id made on the phone (`CollectedRecord.client_id`), so
whatever the network does — a retry after a lost answer, a double tap, a resend after the session
ended — the server sees the same record. A record changed on the server since the phone last saw
it (returned by the office, edited by a colleague) is never overwritten silently: the phone is
answered with both versions (`FieldConflict`) and the official decides.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from collection import services, validation
from collection.models import EDITABLE_STATUSES, CollectedRecord
from collection.scope import get_scoped_or_404, restrict, user_scope
from collection.selectors import STATUS_LABELS, plot_status
from landdata import normalize
from landdata.models import ImportBatch, LandUser, Plot

# Which model fields each form key sets (the birth key sets a year and maybe a full date).
_FIELDS_OF_KEY = {
    "holder_birth": ("holder_birth_year", "holder_birth_date"),
    "co_holder_birth": ("co_holder_birth_year", "co_holder_birth_date"),
}


# --- the plots kept on the phone ------------------------------------------------------------------


@dataclass
class FieldPlots:
    generated_at: dt.datetime
    full: bool  # the phone must replace what it has (first download, or the registry changed)
    scope: str  # the phone drops its copy when the user's scope changed
    plots: list[dict] = field(default_factory=list)


def _scope_signature(user) -> str:
    scope = user_scope(user)
    return f"{scope.role}:{scope.commune_filter}:{scope.working_group_id}"


def field_plots(*, user, since: dt.datetime | None = None) -> FieldPlots:
    """The plots of the user's scope, compact, for the phone's store; only those changed since `since`
    (their collection state) unless the registry was imported again meanwhile.

    Names are sent with their folded form (the offline search without diacritics compares those), ID
    numbers only masked; a commune of 4,000 plots is a few hundred kilobytes before compression.
    """
    now = timezone.now()
    scope = _scope_signature(user)
    plots = restrict(Plot.objects.all(), user)
    last_import = (
        ImportBatch.objects.filter(kind="registry", status=ImportBatch.Status.DONE)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    full = since is None or (last_import is not None and last_import >= since)
    if not full:
        changed = CollectedRecord.objects.filter(updated_at__gte=since, plot__isnull=False).values("plot_id")
        plots = plots.filter(pk__in=changed)
    rows = list(
        plots.order_by("pk").values_list(
            "pk", "former_commune_id", "map_sheet", "plot_number", "sheet_key", "number_key", "area_m2", "land_use"
        )
    )
    ids = [r[0] for r in rows]
    owners: dict[int, list] = defaultdict(list)
    for plot_id, name, folded, year, number in (
        LandUser.objects.filter(plot_id__in=ids)
        .order_by("plot_id", "pk")
        .values_list("plot_id", "full_name", "name_folded", "birth_year", "id_number")
    ):
        owners[plot_id].append([name, folded, year, normalize.mask_id(number)])
    records: dict[int, list] = defaultdict(list)
    for row in (
        CollectedRecord.objects.filter(plot_id__in=ids)
        .order_by("plot_id", "-updated_at")
        .values("plot_id", "status", "open_flags", "client_id", "pk")
    ):
        records[row["plot_id"]].append(row)
    # The version of each record still being worked on, so that the phone may continue it offline.
    versions = {
        r.pk: services.record_version(r)
        for r in CollectedRecord.objects.filter(plot_id__in=ids, status__in=EDITABLE_STATUSES)
    }
    out = FieldPlots(generated_at=now, full=full, scope=scope)
    for pk, former, sheet, number, sheet_key, number_key, area, land_use in rows:
        mine = records[pk]
        editable = next((r for r in mine if r["status"] in EDITABLE_STATUSES), None)
        status = plot_status([(r["status"], r["open_flags"]) for r in mine])
        out.plots.append(
            {
                "id": pk,
                "k": former,
                "s": sheet,
                "n": number,
                "sk": sheet_key,
                "nk": number_key,
                "a": float(area) if area is not None else None,
                "u": land_use,
                "o": owners[pk],
                "st": status,
                "stl": str(STATUS_LABELS[status]),
                # The record still being worked on, so that the phone continues it rather than start another.
                "r": (
                    {
                        "id": editable["pk"],
                        "c": str(editable["client_id"]),
                        "st": editable["status"],
                        "v": versions[editable["pk"]],
                    }
                    if editable
                    else None
                ),
            }
        )
    return out


# --- records sent from the outbox -----------------------------------------------------------------


class FieldConflict(Exception):
    """The record changed on the server since the phone saw it; `record` is the server's version."""

    def __init__(self, record: CollectedRecord):
        super().__init__(record.pk)
        self.record = record


class FieldInvalid(Exception):
    """What the phone sent breaks a field rule; `errors` maps each form key to its messages."""

    def __init__(self, errors: Mapping[str, list[str]]):
        super().__init__(dict(errors))
        self.errors = dict(errors)


@dataclass(frozen=True)
class FieldRecordResult:
    record: CollectedRecord
    created: bool
    version: str


def values_of_keys(raw: Mapping[str, object], *, submit: bool) -> dict:
    """The model values of the form keys the phone sent (only those: a key it did not touch stays)."""
    cleaned = validation.clean_record_values(raw, require_complete=submit)
    errors = {key: messages for key, messages in cleaned.errors.items() if key in raw or submit}
    if errors:
        raise FieldInvalid(errors)
    fields = {name for key in raw for name in _FIELDS_OF_KEY.get(key, (key,))}
    return {name: value for name, value in cleaned.values.items() if name in fields}


def _same_values(record: CollectedRecord, values: Mapping[str, object]) -> bool:
    return all(getattr(record, name) == value for name, value in values.items())


def client_id_available(*, user, client_id: uuid.UUID) -> bool:
    """The id names no record, or one the user may see: anything else is answered "not found"."""
    exists = CollectedRecord.objects.filter(client_id=client_id)
    return not exists.exists() or restrict(exists, user).exists()


@transaction.atomic
def field_record_put(
    *, user, client_id: uuid.UUID, plot_id: int | None, raw: Mapping[str, object], base_version: str, submit: bool
) -> FieldRecordResult:
    """Create or update (and maybe submit) the record `client_id` with the form keys in `raw`.

    Idempotent: sending the same again changes nothing. A stale `base_version` is a FieldConflict
    unless the server already holds exactly what is sent.
    """
    values = values_of_keys(raw, submit=submit)
    record = restrict(CollectedRecord.objects.select_for_update(of=("self",)), user).filter(client_id=client_id).first()
    created = record is None
    if record is None:
        if not client_id_available(user=user, client_id=client_id):
            raise CollectedRecord.DoesNotExist  # someone else's record: reported as not found
        plot = get_scoped_or_404(Plot.objects.all(), user, pk=plot_id)
        record = services.record_new_draft(plot=plot, user=user, client_id=client_id)
        base_version = services.record_version(record)
    current = services.record_version(record)
    if base_version != current:
        if not _same_values(record, values) or (submit and record.status != CollectedRecord.Status.SUBMITTED):
            raise FieldConflict(record)
        return FieldRecordResult(record, created, current)  # this very change arrived before
    if record.status == CollectedRecord.Status.SUBMITTED:
        if _same_values(record, values):
            return FieldRecordResult(record, created, current)  # sent twice
        raise FieldConflict(record)
    if submit:
        record = services.record_submit(record_id=record.pk, values=values, user=user, version=current)
    else:
        record = services.record_update(record_id=record.pk, values=values, user=user, version=current)
    return FieldRecordResult(record, created, services.record_version(record))


def record_form_values(record: CollectedRecord) -> dict[str, object]:
    """The record as the form shows it (form keys), for the phone's side of a conflict."""
    values: dict[str, object] = {key: getattr(record, key) for key in validation.RECORD_KEYS if hasattr(record, key)}
    values["holder_birth"] = normalize.birth_text(record.holder_birth_year, record.holder_birth_date)
    values["co_holder_birth"] = normalize.birth_text(record.co_holder_birth_year, record.co_holder_birth_date)
    values["area_m2"] = str(record.area_m2).replace(".", ",") if record.area_m2 is not None else ""
    return values
