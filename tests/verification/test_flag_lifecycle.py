"""The flag lifecycle as a table: one existing flag (or none) and one finding (or none) → the plan.

`reconcile` is pure, so every rule of a flag's life is a row here, without a database.
"""

from __future__ import annotations

import pytest

from verification.matching.findings import Managed
from verification.matching.load import FlagRow
from verification.matching.reconcile import (
    NOTE_GONE,
    NOTE_REOPENED,
    NOTE_RESUBMITTED,
    FlagUpdate,
    SystemNote,
    reconcile,
)
from verification.matching.types import FlagFinding

RECORD, PARTNER = 1, 2
AREA = ("AREA_MISMATCH", "area_m2")
CONFLICT = ("ID_CONFLICT", "holder_id_number")


def flag(
    status: str,
    *,
    record: int = RECORD,
    code_field=AREA,
    collected: str = "300",
    decided: bool = False,
    similarity=None,
    land_user_id=None,
    severity="medium",
) -> FlagRow:
    code, field = code_field
    return FlagRow(
        id=10,
        record_id=record,
        code=code,
        field=field,
        registry_value="250",
        collected_value=collected,
        severity=severity,
        status=status,
        similarity=similarity,
        land_user_id=land_user_id,
        version=2,
        decided=decided,
    )


def finding(*, code_field=AREA, collected: str = "300", land_user_id=None) -> FlagFinding:
    code, field = code_field
    return FlagFinding(code, field, "250", collected, land_user_id=land_user_id)


MATCHED = Managed(records=frozenset({RECORD}))  # RECORD is being matched now
PARTNER_IN_GROUP = Managed(records=frozenset({RECORD}), id_fields=frozenset({(PARTNER, "holder_id_number")}))


def update(
    status: str, *, collected: str = "300", version: int = 3, severity="medium", land_user_id=None, similarity=None
) -> FlagUpdate:
    return FlagUpdate(
        id=10,
        registry_value="250",
        collected_value=collected,
        severity=severity,
        similarity=similarity,
        land_user_id=land_user_id,
        status=status,
        version=version,
    )


# (case, existing flag, finding, managed, expected create, update, delete, notes)
CASES = [
    ("new finding creates a flag", None, finding(), MATCHED, 1, [], [], []),
    ("same values keep the flag as it is", flag("open"), finding(), MATCHED, 0, [], [], []),
    ("same values keep a decision", flag("kept", decided=True), finding(), MATCHED, 0, [], [], []),
    (
        "accepted stays accepted while the finding persists",
        flag("accepted", decided=True),
        finding(),
        MATCHED,
        0,
        [],
        [],
        [],
    ),
    (
        "changed value re-opens a decided flag with a note",
        flag("kept", decided=True),
        finding(collected="310"),
        MATCHED,
        0,
        [update("open", collected="310")],
        [],
        [SystemNote(10, "kept", "open", NOTE_REOPENED)],
    ),
    (
        "changed value of an open flag: new values, no note",
        flag("open"),
        finding(collected="310"),
        MATCHED,
        0,
        [update("open", collected="310")],
        [],
        [],
    ),
    (
        "returned flag whose finding persists after resubmission re-opens",
        flag("returned", decided=True),
        finding(),
        MATCHED,
        0,
        [update("open")],
        [],
        [SystemNote(10, "returned", "open", NOTE_RESUBMITTED)],
    ),
    (
        "other land user compared with: refreshed quietly, same version",
        flag("kept", decided=True),
        finding(land_user_id=7),
        MATCHED,
        0,
        [update("kept", version=2, land_user_id=7)],
        [],
        [],
    ),
    ("vanished, open and never decided: deleted", flag("open"), None, MATCHED, 0, [], [10], []),
    (
        "vanished, open but decided before: dismissed with a note",
        flag("open", decided=True),
        None,
        MATCHED,
        0,
        [update("dismissed")],
        [],
        [SystemNote(10, "open", "dismissed", NOTE_GONE)],
    ),
    (
        "vanished, returned: dismissed with a note",
        flag("returned", decided=True),
        None,
        MATCHED,
        0,
        [update("dismissed")],
        [],
        [SystemNote(10, "returned", "dismissed", NOTE_GONE)],
    ),
    ("vanished, kept: the decision stands", flag("kept", decided=True), None, MATCHED, 0, [], [], []),
    ("vanished, accepted: the decision stands", flag("accepted", decided=True), None, MATCHED, 0, [], [], []),
    ("vanished, dismissed: stays dismissed", flag("dismissed", decided=True), None, MATCHED, 0, [], [], []),
    (
        "a partner's own flag is not this chunk's business",
        flag("open", record=PARTNER),
        None,
        PARTNER_IN_GROUP,
        0,
        [],
        [],
        [],
    ),
    (
        "a partner's province-wide flag in the group closes with the group",
        flag("open", record=PARTNER, code_field=CONFLICT),
        None,
        PARTNER_IN_GROUP,
        0,
        [],
        [10],
        [],
    ),
    (
        "a partner's returned province-wide flag persists: stays returned (the partner did not resubmit)",
        flag("returned", record=PARTNER, code_field=CONFLICT, decided=True, severity="high"),
        finding(code_field=CONFLICT),
        PARTNER_IN_GROUP,
        0,
        [],
        [],
        [],
    ),
]


@pytest.mark.parametrize(
    ("case", "existing", "found", "managed", "creates", "updates", "deletes", "notes"), CASES, ids=[c[0] for c in CASES]
)
def test_flag_lifecycle(case, existing, found, managed, creates, updates, deletes, notes):
    record_id = existing.record_id if existing else RECORD
    desired = {}
    if found is not None:
        desired[(record_id, found.code, found.field)] = found
    plan = reconcile(existing=[existing] if existing else [], desired=desired, managed=managed)
    assert len(plan.create) == creates
    assert plan.update == updates
    assert plan.delete == deletes
    assert plan.notes == notes
    changed = bool(creates or updates or deletes)
    assert plan.touched == ({record_id} if changed else set())
    assert plan.reopened == sum(1 for n in notes if n.to_status == "open")
    assert plan.closed == (1 if (deletes or any(n.note == NOTE_GONE for n in notes)) else 0)


def test_a_flag_listed_twice_is_handled_once():
    plan = reconcile(existing=[flag("open"), flag("open")], desired={}, managed=MATCHED)
    assert plan.delete == [10]


def test_updates_are_written_in_id_order():
    """Two chunks updating the same partner flags lock rows in the same order: no deadlock."""
    existing = [
        FlagRow(
            id=i,
            record_id=RECORD,
            code="AREA_MISMATCH",
            field=f"f{i}",
            registry_value="1",
            collected_value="2",
            severity="medium",
            status="open",
            similarity=None,
            land_user_id=None,
            version=1,
        )
        for i in (30, 10, 20)
    ]
    desired = {
        (RECORD, "AREA_MISMATCH", f"f{i}"): FlagFinding("AREA_MISMATCH", f"f{i}", "1", "3") for i in (30, 10, 20)
    }
    plan = reconcile(existing=existing, desired=desired, managed=MATCHED)
    assert [u.id for u in plan.update] == [10, 20, 30]
