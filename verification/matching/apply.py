"""Matching, step 4: the bulk writes of a plan, inside the caller's transaction.

A fixed number of statements whatever the chunk's size: flags deleted, updated (one UPDATE … FROM
unnest on PostgreSQL), created; the system notes; the matched records' enrichments; each record's
plot link and fingerprint; then the outcomes of every plot key whose flags changed.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from collection.models import CollectedRecord
from verification import bulk
from verification.matching.findings import ChunkFindings
from verification.matching.load import Chunk
from verification.matching.reconcile import FlagPlan
from verification.models import Enrichment, EnrichmentKind, Flag, FlagCode, FlagDecision, FlagStatus
from verification.outcomes import refresh_outcomes

FLAG_UPDATE_FIELDS = [
    "registry_value",
    "collected_value",
    "severity",
    "similarity",
    "land_user_id",
    "status",
    "version",
    "updated_at",
]


def apply_plan(*, chunk: Chunk, findings: ChunkFindings, plan: FlagPlan) -> None:
    if chunk.unchanged_seen:
        # Saved or given a scan since, but nothing that matters changed: mark them as seen.
        CollectedRecord.objects.filter(id__any=chunk.unchanged_seen).update(matched_at=chunk.started)
    if not chunk.records:
        return
    _write_flags(chunk, plan)
    _write_enrichments(chunk, findings)
    fingerprints = chunk.fingerprints
    bulk.bulk_set(
        CollectedRecord,
        [
            {
                "id": rid,
                "plot_id": chunk.places[rid].plot_id,
                "matched_fingerprint": fingerprints[rid],
                "matched_at": chunk.started,
            }
            for rid in sorted(chunk.records)
        ],
        ["plot_id", "matched_fingerprint", "matched_at"],
    )
    own_keys = {rv.plot_key for rv in chunk.records.values()}
    touched = {chunk.places[rid].key for rid in plan.touched if rid in chunk.places}
    # The chunk read the registry plot of each of its records' keys (or found none): not read again.
    refresh_outcomes(plot_keys=own_keys | touched, registry={key: chunk.registry.get(key) for key in own_keys})


def _write_flags(chunk: Chunk, plan: FlagPlan) -> None:
    now = timezone.now()
    if plan.delete:
        Flag.objects.filter(id__any=plan.delete).delete()
    if plan.update:
        bulk.bulk_set(
            Flag,
            [{**update.__dict__, "updated_at": now} for update in plan.update],
            FLAG_UPDATE_FIELDS,
        )
    if plan.create:
        new = []
        for rid, found in plan.create:
            place = chunk.places[rid]
            new.append(
                {
                    "record_id": rid,
                    "plot_id": place.plot_id if found.code != FlagCode.PLOT_NOT_IN_REGISTRY else None,
                    "former_commune_id": place.former_commune_id,
                    "commune_id": place.commune_id,
                    "land_user_id": found.land_user_id,
                    "code": found.code,
                    "field": found.field,
                    "registry_value": found.registry_value,
                    "collected_value": found.collected_value,
                    "severity": found.severity,
                    "similarity": found.similarity,
                    "status": FlagStatus.OPEN,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        # A concurrent matcher may have created the same partner flag: the first one stands.
        bulk.bulk_insert(Flag, new, ignore_conflicts=True)
    if plan.notes:
        FlagDecision.objects.bulk_create(
            [
                FlagDecision(flag_id=n.flag_id, from_status=n.from_status, to_status=n.to_status, note=n.note)
                for n in plan.notes
            ],
            batch_size=1000,
        )


def _write_enrichments(chunk: Chunk, findings: ChunkFindings) -> None:
    """The matched records' enrichments replace their old ones; so do the CCCD enrichments of the
    partners in their ID groups, which come and go with the partners' ID_CONFLICT."""
    Enrichment.objects.filter(record_id__any=list(chunk.records)).delete()
    partner_fields = [(rid, f) for rid, f in findings.managed.id_fields if rid not in chunk.records]
    if partner_fields:
        q = Q(pk__in=[])
        for rid, field_name in partner_fields:
            q |= Q(record_id=rid, field=field_name)
        Enrichment.objects.filter(q, kind=EnrichmentKind.CCCD).delete()
    found = [*findings.enrichments.items(), *findings.partner_cccd.items()]
    bulk.bulk_insert(
        Enrichment,
        [
            {
                "record_id": rid,
                "land_user_id": e.land_user_id,
                "kind": e.kind,
                "field": e.field,
                "registry_value": e.registry_value,
                "collected_value": e.collected_value,
            }
            for rid, items in found
            for e in {(e.kind, e.field): e for e in items}.values()
        ],
    )
