"""Matching a chunk of submitted records: load → rules → reconcile → apply, in one transaction.

Tasks and commands call `records_match`; every decision it takes is made by the pure steps
(`findings`, `reconcile`), so each rule and each step of a flag's life is table-tested without a
database, and this module only strings them together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from landdata.cycles import cyclic_gc_paused
from verification.matching.apply import apply_plan
from verification.matching.findings import chunk_findings
from verification.matching.load import load_chunk
from verification.matching.reconcile import reconcile


@dataclass
class MatchSummary:
    records: int = 0
    matched: int = 0
    skipped: int = 0
    flags_created: int = 0
    flags_reopened: int = 0
    flags_closed: int = 0

    def __iadd__(self, other: MatchSummary) -> MatchSummary:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


@transaction.atomic
def records_match(*, record_ids: Sequence[int]) -> MatchSummary:
    """Match a chunk of submitted records (drafts and returned records are ignored)."""
    with cyclic_gc_paused():
        chunk = load_chunk(list(record_ids), started=timezone.now())
        findings = chunk_findings(chunk)
        plan = reconcile(existing=chunk.flags, desired=findings.flags, managed=findings.managed)
        apply_plan(chunk=chunk, findings=findings, plan=plan)
    return MatchSummary(
        records=len(chunk.states),
        matched=len(chunk.records),
        skipped=chunk.skipped,
        flags_created=len(plan.create),
        flags_reopened=plan.reopened,
        flags_closed=plan.closed,
    )


def match_record(*, record_id: int) -> MatchSummary:
    return records_match(record_ids=[record_id])
