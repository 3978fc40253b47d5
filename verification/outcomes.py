"""Contract §5 outcomes: PlotOutcome per collected plot key, LandUserStatus, CollectedRecord.open_flags.

Outcome precedence: not_in_registry (the key is not in the extract: a fact no
review decision changes, so leaders see those plots from the first day) >
pending_review (an open or returned flag) > cleaned (a flag was accepted) >
enriched (the records add something) > verified.

A land user is not_matched when an open/returned ID_* or OWNER_NAME_MISMATCH flag
concerns it (a flag with no land user concerns every owner of its plot), else
unified when it has a valid CCCD in the registry or one supplied by a collected
record (a `cccd` enrichment), else not_identified.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from collection.models import CollectedRecord
from landdata.models import LandUser, Plot
from verification import bulk
from verification.matching.types import RegistryPlot
from verification.models import (
    OPEN_STATUSES,
    Enrichment,
    EnrichmentKind,
    Flag,
    FlagCode,
    FlagStatus,
    LandUserStatus,
    Outcome,
    PlotOutcome,
)

PlotKey = tuple[str, str, str]
Row = Mapping[str, Any]  # a `.values()` row

# Flags that mean a land user is not (yet) matched to a person.
IDENTITY_CODES = frozenset(
    {FlagCode.ID_NUMBER_MISMATCH, FlagCode.ID_INVALID, FlagCode.ID_CONFLICT, FlagCode.OWNER_NAME_MISMATCH}
)
# Records that count as collected for a plot (drafts do not).
COLLECTED_STATUSES = (CollectedRecord.Status.SUBMITTED, CollectedRecord.Status.RETURNED)


def plot_keys_q(keys: Iterable[PlotKey], *, model) -> Q:
    """Filter `model` rows by many plot keys (see verification.bulk.plot_keys_q)."""
    return bulk.plot_keys_q(keys, model=model)


def outcome_for(*, has_open: bool, in_registry: bool, has_accepted: bool, enrichments: Iterable[str]) -> str:
    """The single outcome of a collected plot (contract §5); see the module docstring for the order."""
    if not in_registry:
        return Outcome.NOT_IN_REGISTRY
    if has_open:
        return Outcome.PENDING_REVIEW
    if has_accepted:
        return Outcome.CLEANED
    if any(True for _ in enrichments):
        return Outcome.ENRICHED
    return Outcome.VERIFIED


@dataclass
class OutcomeInputs:
    """What the outcomes of some plot keys depend on, as plain rows."""

    keys: set[PlotKey]
    records: list[Row]
    flags_by_record: dict[int, list[Row]]
    enrichments_by_record: dict[int, list[Row]]
    plots: dict[PlotKey, Row]
    land_users: list[Row]


def _record_key(record: Row) -> PlotKey:
    return (record["former_commune_id"], record["sheet_key"], record["number_key"])


def _load(keys: set[PlotKey], registry: Mapping[PlotKey, RegistryPlot | None]) -> OutcomeInputs:
    records: list[Row] = list(
        CollectedRecord.objects.filter(plot_keys_q(keys, model=CollectedRecord)).values(
            "id",
            "former_commune_id",
            "former_commune__commune_id",
            "sheet_key",
            "number_key",
            "status",
            "collected_on",
            "open_flags",
        )
    )
    record_ids = [r["id"] for r in records]
    flags_by_record: dict[int, list[Row]] = defaultdict(list)
    for flag in Flag.objects.filter(record_id__any=record_ids).values("record_id", "status", "code", "land_user_id"):
        flags_by_record[flag["record_id"]].append(flag)
    enrichments_by_record: dict[int, list[Row]] = defaultdict(list)
    for item in Enrichment.objects.filter(record_id__any=record_ids).values("record_id", "kind", "land_user_id"):
        enrichments_by_record[item["record_id"]].append(item)
    plots, land_users = _registered(keys, registry)
    return OutcomeInputs(keys, records, flags_by_record, enrichments_by_record, plots, land_users)


def _registered(
    keys: set[PlotKey], registry: Mapping[PlotKey, RegistryPlot | None]
) -> tuple[dict[PlotKey, Row], list[Row]]:
    """The registry plots of `keys` and their land users: from `registry` where the caller read them
    already (matching has, in the same transaction; None: no such plot), from the database for the rest."""
    plots: dict[PlotKey, Row] = {}
    land_users: list[Row] = []
    for key in keys & registry.keys():
        if (plot := registry[key]) is not None:
            plots[key] = {"id": plot.plot_id}
            land_users += [{"id": o.land_user_id, "plot_id": plot.plot_id, "id_kind": o.id_kind} for o in plot.owners]
    if unread := keys - registry.keys():
        read = list(
            Plot.objects.filter(plot_keys_q(unread, model=Plot)).values(
                "id", "former_commune_id", "sheet_key", "number_key"
            )
        )
        plots |= {_record_key(p): {"id": p["id"]} for p in read}
        land_users += LandUser.objects.filter(plot_id__any=[p["id"] for p in read]).values("id", "plot_id", "id_kind")
    return plots, land_users


def record_open_flags(inputs: OutcomeInputs) -> list[tuple[int, int]]:
    """(record, open flags) where the stored count changed."""
    changed = []
    for rec in inputs.records:
        count = sum(1 for f in inputs.flags_by_record[rec["id"]] if f["status"] in OPEN_STATUSES)
        if count != rec["open_flags"]:
            changed.append((rec["id"], count))
    return changed


def plot_outcomes(inputs: OutcomeInputs, *, now) -> list[dict]:
    """A PlotOutcome row per collected plot key (a key with only drafts has none)."""
    by_key: dict[PlotKey, list[Row]] = defaultdict(list)
    for rec in inputs.records:
        if rec["status"] in COLLECTED_STATUSES:
            by_key[_record_key(rec)].append(rec)
    rows = []
    for key, recs in by_key.items():
        plot = inputs.plots.get(key)
        key_flags = [f for r in recs for f in inputs.flags_by_record[r["id"]]]
        kinds = sorted({e["kind"] for r in recs for e in inputs.enrichments_by_record[r["id"]]})
        open_count = sum(1 for f in key_flags if f["status"] in OPEN_STATUSES)
        rows.append(
            {
                "former_commune_id": key[0],
                "commune_id": recs[0]["former_commune__commune_id"],
                "sheet_key": key[1],
                "number_key": key[2],
                "plot_id": plot["id"] if plot else None,
                "outcome": outcome_for(
                    has_open=open_count > 0,
                    in_registry=plot is not None,
                    has_accepted=any(f["status"] == FlagStatus.ACCEPTED for f in key_flags),
                    enrichments=kinds,
                ),
                "open_flags": open_count,
                "enrichments": kinds,
                "first_collected_on": min(r["collected_on"] for r in recs),
                "updated_at": now,
            }
        )
    return rows


def land_user_statuses(inputs: OutcomeInputs, *, commune_of_plot: Mapping[int, str], now) -> list[dict]:
    """unified / not_matched / not_identified for every registered land user of a collected plot
    (`commune_of_plot`: the collected plots' ids and their communes, from their outcomes)."""
    plot_of_record = {rec["id"]: (inputs.plots.get(_record_key(rec)) or {}).get("id") for rec in inputs.records}
    collected = [rec for rec in inputs.records if rec["status"] in COLLECTED_STATUSES]
    blocked_users: set[int] = set()
    blocked_plots: set[int] = set()
    for rec in collected:
        for flag in inputs.flags_by_record[rec["id"]]:
            if flag["status"] in OPEN_STATUSES and flag["code"] in IDENTITY_CODES:
                if flag["land_user_id"]:
                    blocked_users.add(flag["land_user_id"])
                elif (plot_id := plot_of_record[rec["id"]]) is not None:
                    blocked_plots.add(plot_id)
    cccd_users = {
        e["land_user_id"]
        for rec in collected
        for e in inputs.enrichments_by_record[rec["id"]]
        if e["kind"] == EnrichmentKind.CCCD and e["land_user_id"]
    }
    rows = []
    for user in inputs.land_users:
        if user["plot_id"] not in commune_of_plot:
            continue
        if user["id"] in blocked_users or user["plot_id"] in blocked_plots:
            status = LandUserStatus.Status.NOT_MATCHED
        elif user["id_kind"] == LandUser.IdKind.CCCD or user["id"] in cccd_users:
            status = LandUserStatus.Status.UNIFIED
        else:
            status = LandUserStatus.Status.NOT_IDENTIFIED
        rows.append(
            {
                "land_user_id": user["id"],
                "commune_id": commune_of_plot[user["plot_id"]],
                "status": status,
                "updated_at": now,
            }
        )
    return rows


@transaction.atomic
def refresh_outcomes(
    *, plot_keys: Iterable[tuple[str, str, str]], registry: Mapping[PlotKey, RegistryPlot | None] | None = None
) -> None:
    """Recompute CollectedRecord.open_flags, PlotOutcome and LandUserStatus for these plot keys (contract §5).

    `registry`: the registry plots of some of the keys as the caller read them (see `_registered`)."""
    keys = {(str(f), str(s), str(n)) for f, s, n in plot_keys}
    if not keys:
        return
    now = timezone.now()
    inputs = _load(keys, registry or {})

    changed = record_open_flags(inputs)
    if changed:
        bulk.bulk_set(CollectedRecord, [{"id": i, "open_flags": n} for i, n in changed], ["open_flags"])

    outcomes = plot_outcomes(inputs, now=now)
    bulk.bulk_upsert(
        PlotOutcome,
        outcomes,
        unique=["former_commune_id", "sheet_key", "number_key"],
        update=["commune_id", "plot_id", "outcome", "open_flags", "enrichments", "first_collected_on", "updated_at"],
    )
    gone = keys - {(o["former_commune_id"], o["sheet_key"], o["number_key"]) for o in outcomes}
    if gone:
        PlotOutcome.objects.filter(plot_keys_q(gone, model=PlotOutcome)).delete()

    commune_of_plot = {o["plot_id"]: o["commune_id"] for o in outcomes if o["plot_id"] is not None}
    statuses = land_user_statuses(inputs, commune_of_plot=commune_of_plot, now=now)
    bulk.bulk_upsert(LandUserStatus, statuses, unique=["land_user_id"], update=["commune_id", "status", "updated_at"])
    uncollected = [u["id"] for u in inputs.land_users if u["plot_id"] not in commune_of_plot]
    if uncollected:
        LandUserStatus.objects.filter(land_user_id__any=uncollected).delete()
