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
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from collection.models import CollectedRecord
from landdata.models import LandUser, Plot
from verification import bulk
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


@transaction.atomic
def refresh_outcomes(*, plot_keys: Iterable[tuple[str, str, str]]) -> None:
    """Recompute PlotOutcome, LandUserStatus and CollectedRecord.open_flags for these plot keys (contract §5)."""
    keys = {(str(f), str(s), str(n)) for f, s, n in plot_keys}
    if not keys:
        return
    now = timezone.now()
    records = list(
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
    flags = list(Flag.objects.filter(record_id__in=record_ids).values("record_id", "status", "code", "land_user_id"))
    enrichments = list(Enrichment.objects.filter(record_id__in=record_ids).values("record_id", "kind", "land_user_id"))
    plots = {
        (p["former_commune_id"], p["sheet_key"], p["number_key"]): p
        for p in Plot.objects.filter(plot_keys_q(keys, model=Plot)).values(
            "id", "former_commune_id", "former_commune__commune_id", "sheet_key", "number_key"
        )
    }
    land_users = list(
        LandUser.objects.filter(plot_id__in=[p["id"] for p in plots.values()]).values("id", "plot_id", "id_kind")
    )

    flags_by_record: dict[int, list[dict]] = defaultdict(list)
    for flag in flags:
        flags_by_record[flag["record_id"]].append(flag)
    enrich_by_record: dict[int, list[dict]] = defaultdict(list)
    for item in enrichments:
        enrich_by_record[item["record_id"]].append(item)

    # CollectedRecord.open_flags, written only where it changed.
    changed = []
    for rec in records:
        count = sum(1 for f in flags_by_record[rec["id"]] if f["status"] in OPEN_STATUSES)
        if count != rec["open_flags"]:
            changed.append(CollectedRecord(id=rec["id"], open_flags=count))
    if changed:
        bulk.bulk_set(CollectedRecord, changed, ["open_flags"])

    # PlotOutcome per collected key.
    by_key: dict[PlotKey, list[dict]] = defaultdict(list)
    for rec in records:
        if rec["status"] in COLLECTED_STATUSES:
            by_key[(rec["former_commune_id"], rec["sheet_key"], rec["number_key"])].append(rec)
    outcomes = []
    collected_plot_ids: set[int] = set()
    for key, recs in by_key.items():
        plot = plots.get(key)
        key_flags = [f for r in recs for f in flags_by_record[r["id"]]]
        kinds = sorted({e["kind"] for r in recs for e in enrich_by_record[r["id"]]})
        open_count = sum(1 for f in key_flags if f["status"] in OPEN_STATUSES)
        outcome = outcome_for(
            has_open=open_count > 0,
            in_registry=plot is not None,
            has_accepted=any(f["status"] == FlagStatus.ACCEPTED for f in key_flags),
            enrichments=kinds,
        )
        if plot is not None:
            collected_plot_ids.add(plot["id"])
        outcomes.append(
            {
                "former_commune_id": key[0],
                "commune_id": recs[0]["former_commune__commune_id"],
                "sheet_key": key[1],
                "number_key": key[2],
                "plot_id": plot["id"] if plot else None,
                "outcome": outcome,
                "open_flags": open_count,
                "enrichments": kinds,
                "first_collected_on": min(r["collected_on"] for r in recs),
                "updated_at": now,
            }
        )
    bulk.bulk_upsert(
        PlotOutcome,
        outcomes,
        unique=["former_commune_id", "sheet_key", "number_key"],
        update=["commune_id", "plot_id", "outcome", "open_flags", "enrichments", "first_collected_on", "updated_at"],
    )
    gone = keys - set(by_key)
    if gone:
        PlotOutcome.objects.filter(plot_keys_q(gone, model=PlotOutcome)).delete()

    # LandUserStatus for the registry land users of collected plots.
    blocked_users: set[int] = set()
    blocked_plots: set[int] = set()
    plot_of_record = {}
    for rec in records:
        plot = plots.get((rec["former_commune_id"], rec["sheet_key"], rec["number_key"]))
        plot_of_record[rec["id"]] = plot["id"] if plot else None
    for rec in records:
        if rec["status"] not in COLLECTED_STATUSES:
            continue
        for flag in flags_by_record[rec["id"]]:
            if flag["status"] in OPEN_STATUSES and flag["code"] in IDENTITY_CODES:
                if flag["land_user_id"]:
                    blocked_users.add(flag["land_user_id"])
                elif plot_of_record[rec["id"]]:
                    blocked_plots.add(plot_of_record[rec["id"]])
    cccd_users = {
        e["land_user_id"]
        for rec in records
        if rec["status"] in COLLECTED_STATUSES
        for e in enrich_by_record[rec["id"]]
        if e["kind"] == EnrichmentKind.CCCD and e["land_user_id"]
    }
    commune_of_plot = {p["id"]: p["former_commune__commune_id"] for p in plots.values()}
    statuses = []
    for user in land_users:
        if user["plot_id"] not in collected_plot_ids:
            continue
        if user["id"] in blocked_users or user["plot_id"] in blocked_plots:
            status = LandUserStatus.Status.NOT_MATCHED
        elif user["id_kind"] == LandUser.IdKind.CCCD or user["id"] in cccd_users:
            status = LandUserStatus.Status.UNIFIED
        else:
            status = LandUserStatus.Status.NOT_IDENTIFIED
        statuses.append(
            {
                "land_user_id": user["id"],
                "commune_id": commune_of_plot[user["plot_id"]],
                "status": status,
                "updated_at": now,
            }
        )
    bulk.bulk_upsert(LandUserStatus, statuses, unique=["land_user_id"], update=["commune_id", "status", "updated_at"])
    uncollected = [u["id"] for u in land_users if u["plot_id"] not in collected_plot_ids]
    if uncollected:
        LandUserStatus.objects.filter(land_user_id__in=uncollected).delete()
