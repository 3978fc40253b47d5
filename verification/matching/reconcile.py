"""Matching, step 3: the flag lifecycle. Pure: the findings against the flags that exist, as a plan.

Flags are keyed by (record, code, field), and matching is idempotent:
- a finding whose values are unchanged keeps its flag, status and decisions;
- a finding whose values changed re-opens only that flag (a system note says why when it had been
  decided);
- a returned flag whose finding persists after the commune resubmitted is opened again;
- a finding that disappeared: an open flag nobody decided is deleted; a flag with a decision history
  that is still open or returned is dismissed with a system note; closed flags (accepted, kept,
  dismissed) are left as decided;
- a finding with no flag yet creates one.
Only the flags the chunk manages (`Managed`) are touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from verification.matching.findings import FlagKey, Managed
from verification.matching.load import FlagRow
from verification.matching.types import FlagFinding
from verification.models import OPEN_STATUSES, FlagStatus

NOTE_REOPENED = "Đối soát lại: giá trị thay đổi, mở lại sai lệch."
NOTE_RESUBMITTED = "Xã đã gửi lại bản ghi, sai lệch vẫn còn: mở lại."
NOTE_GONE = "Đối soát lại: sai lệch không còn."


@dataclass(frozen=True)
class FlagUpdate:
    """New values of an existing flag; `version` bumps when what a reviewer sees changed."""

    id: int
    registry_value: str
    collected_value: str
    severity: str
    similarity: float | None
    land_user_id: int | None
    status: str
    version: int


@dataclass(frozen=True)
class SystemNote:
    """A FlagDecision written by matching itself (decided_by empty)."""

    flag_id: int
    from_status: str
    to_status: str
    note: str


@dataclass
class FlagPlan:
    create: list[tuple[int, FlagFinding]] = field(default_factory=list)
    update: list[FlagUpdate] = field(default_factory=list)
    delete: list[int] = field(default_factory=list)
    notes: list[SystemNote] = field(default_factory=list)
    # Records whose flags change: their plot outcomes must be refreshed.
    touched: set[int] = field(default_factory=set)
    reopened: int = 0
    closed: int = 0


def _update(flag: FlagRow, *, status: str, found: FlagFinding | None = None, bump: bool = True) -> FlagUpdate:
    source = found or flag
    return FlagUpdate(
        id=flag.id,
        registry_value=source.registry_value,
        collected_value=source.collected_value,
        severity=source.severity,
        similarity=source.similarity,
        land_user_id=source.land_user_id,
        status=status,
        version=flag.version + (1 if bump else 0),
    )


def _existing_flag(flag: FlagRow, found: FlagFinding, *, resubmitted: bool, plan: FlagPlan) -> None:
    """A flag whose finding is still there: keep, refresh quietly, or re-open."""
    changed = (found.registry_value, found.collected_value) != (flag.registry_value, flag.collected_value)
    status, note = flag.status, ""
    if changed and flag.status != FlagStatus.OPEN:
        status, note = FlagStatus.OPEN, NOTE_REOPENED
    elif flag.status == FlagStatus.RETURNED and resubmitted:
        status, note = FlagStatus.OPEN, NOTE_RESUBMITTED
    # Severity, name similarity or the land user compared with: refreshed without a new version.
    quiet = (found.severity, found.similarity, found.land_user_id) != (
        flag.severity,
        flag.similarity,
        flag.land_user_id,
    )
    if not (changed or status != flag.status or quiet):
        return
    plan.touched.add(flag.record_id)
    plan.update.append(_update(flag, found=found, status=status, bump=changed or status != flag.status))
    if note:
        plan.reopened += 1
        plan.notes.append(SystemNote(flag.id, flag.status, status, note))


def _vanished_flag(flag: FlagRow, plan: FlagPlan) -> None:
    """A flag whose finding is gone: decided and closed stands; otherwise deleted, or dismissed with a note."""
    if flag.status not in OPEN_STATUSES:
        return
    plan.touched.add(flag.record_id)
    plan.closed += 1
    if flag.status == FlagStatus.OPEN and not flag.decided:
        plan.delete.append(flag.id)
        return
    plan.update.append(_update(flag, status=FlagStatus.DISMISSED))
    plan.notes.append(SystemNote(flag.id, flag.status, FlagStatus.DISMISSED, NOTE_GONE))


def reconcile(
    *,
    existing: Iterable[FlagRow],
    desired: Mapping[FlagKey, FlagFinding],
    managed: Managed,
) -> FlagPlan:
    """What to write so that the managed flags say what the findings say, keeping decisions."""
    plan = FlagPlan()
    seen: set[FlagKey] = set()
    for flag in existing:
        if flag.key in seen or not managed.covers(*flag.key):
            continue
        seen.add(flag.key)
        found = desired.get(flag.key)
        if found is None:
            _vanished_flag(flag, plan)
        else:
            _existing_flag(flag, found, resubmitted=flag.record_id in managed.records, plan=plan)
    for key, found in desired.items():
        if key not in seen:
            plan.touched.add(key[0])
            plan.create.append((key[0], found))
    plan.update.sort(key=lambda u: u.id)
    return plan
