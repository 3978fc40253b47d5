"""History of every change to a collected record and its photos: who, when, which fields, old and new.

Written by the services that make each change (the web form, the phone's API, import_collection, the
citizen's link, intake, a reviewer's return, scan upload and deletion), inside their transaction; the
bulk paths write their history rows in bulk too. Not recorded: what the system derives and keeps up to
date on its own (the plot link, matching's fingerprint and time, the open flag count, scan processing),
which verification keeps its own history of. Read on the record page (ID numbers masked for those who
see them masked in lists) and in the admin.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from collection.models import CollectedRecord, RecordChange, Role, Scan, ScanKind
from collection.scope import user_scope
from landdata import normalize

# Who did it, when there is no account: a citizen through their link, the system (a worker, a purge).
CITIZEN = "@citizen"
SYSTEM = "@system"

# Columns kept up to date by the system or never typed by anyone: not history.
_UNTRACKED = frozenset(
    {
        "id",
        "sheet_key",
        "number_key",
        "plot",
        "collected_by_user",
        "source",
        "batch",
        "import_key",
        "client_id",
        "created_at",
        "updated_at",
        "submitted_at",
        "matched_fingerprint",
        "matched_at",
        "open_flags",
    }
)
TRACKED_FIELDS: tuple[str, ...] = tuple(
    f.name for f in CollectedRecord._meta.concrete_fields if f.name not in _UNTRACKED
)
_ATTNAMES = {f.name: f.attname for f in CollectedRecord._meta.concrete_fields}
ID_FIELDS = frozenset({"holder_id_number", "holder_old_id_number", "co_holder_id_number", "co_holder_old_id_number"})
# The roles that see full ID numbers (as in reports.exports.FULL_ID_ROLES): they enter them in the registry.
FULL_ID_ROLES = frozenset({Role.REVIEWER, Role.ADMIN})


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)  # dates in ISO form, decimals as typed


def snapshot(record: CollectedRecord) -> dict[str, str]:
    """The tracked values of a record, as text, to compare after a change."""
    return {name: _text(getattr(record, _ATTNAMES[name])) for name in TRACKED_FIELDS}


def diff(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    return {name: [before.get(name, ""), value] for name, value in after.items() if before.get(name, "") != value}


def actor_of(user) -> str:
    return user.get_username() if getattr(user, "is_authenticated", False) else CITIZEN


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


def record_changed(
    *, record: CollectedRecord, user, action: str, before: dict[str, str] | None = None, actor: str | None = None
) -> RecordChange | None:
    """One history row for a change just saved; a plain edit that changed nothing writes none."""
    changes = diff(before, snapshot(record)) if before is not None else {}
    if action == RecordChange.Action.CHANGED and not changes:
        return None
    return RecordChange.objects.create(
        record=record, user=_user(user), actor=actor or actor_of(user), action=action, changes=changes
    )


def records_changed_bulk(
    *, record_ids: Iterable[int], user, action: str, changes: dict | None = None, actor: str | None = None
) -> None:
    """The history of a bulk write (an import, a reviewer returning several records): one insert."""
    RecordChange.objects.bulk_create(
        (
            RecordChange(
                record_id=pk, user=_user(user), actor=actor or actor_of(user), action=action, changes=changes or {}
            )
            for pk in record_ids
        ),
        batch_size=2000,
    )


def _scan_values(scan: Scan) -> dict[str, str]:
    return {"kind": scan.kind, "original_name": scan.original_name}


def scan_added(*, scan: Scan, user, actor: str | None = None) -> RecordChange:
    return RecordChange.objects.create(
        record_id=scan.record_id,
        scan_id=scan.pk,
        user=_user(user),
        actor=actor or actor_of(user),
        action=RecordChange.Action.SCAN_ADDED,
        changes={name: ["", value] for name, value in _scan_values(scan).items()},
    )


def scans_deleted(*, scans: Iterable[tuple], user, actor: str | None = None) -> None:
    """`scans`: (scan id, record id, kind, original name) of each scan deleted."""
    RecordChange.objects.bulk_create(
        (
            RecordChange(
                record_id=record_id,
                scan_id=scan_id,
                user=_user(user),
                actor=actor or actor_of(user),
                action=RecordChange.Action.SCAN_DELETED,
                changes={"kind": [kind, ""], "original_name": [name, ""]},
            )
            for scan_id, record_id, kind, name in scans
        ),
        batch_size=2000,
    )


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryLine:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    actor: str
    action: str
    action_label: str
    scan_id: str
    lines: list[HistoryLine]


_FIELDS = {f.name: f for f in CollectedRecord._meta.concrete_fields}


def _label(name: str) -> str:
    if name == "kind":
        return _("loại ảnh")
    if name == "original_name":
        return _("tên tệp gốc")
    field = _FIELDS.get(name)
    return str(field.verbose_name) if field is not None else name


def _shown(name: str, value: str, *, full_ids: bool) -> str:
    if value == "":
        return ""
    if name in ID_FIELDS and not full_ids:
        return normalize.mask_id(value)
    if name == "kind":
        return str(dict(ScanKind.choices).get(value, value))
    field = _FIELDS.get(name)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if value in ("true", "false") and field is not None and field.get_internal_type() == "BooleanField":
        return _("có") if value == "true" else _("không")
    return value


def _actor_label(actor: str) -> str:
    if actor == CITIZEN:
        return _("Người dân (qua đường dẫn gửi ảnh)")
    if actor == SYSTEM or actor.startswith(f"{SYSTEM} "):
        detail = actor[len(SYSTEM) :].strip()
        return _("Hệ thống") + (f" ({detail})" if detail else "")
    return actor


def history_entry(row: RecordChange, *, full_ids: bool) -> HistoryEntry:
    """One stored change as people read it (labels, choices in words, ID numbers masked unless `full_ids`)."""
    return HistoryEntry(
        at=row.at,
        actor=_actor_label(row.actor),
        action=row.action,
        action_label=str(row.get_action_display()),
        scan_id=str(row.scan_id or ""),
        lines=[
            HistoryLine(
                field=name,
                label=_label(name),
                old=_shown(name, old, full_ids=full_ids),
                new=_shown(name, new, full_ids=full_ids),
            )
            for name, (old, new) in row.changes.items()
        ],
    )


def record_history(*, record: CollectedRecord, user, limit: int = 200) -> list[HistoryEntry]:
    """The record's history, newest first, in one query; ID numbers masked unless the user reviews
    or administers (as in every list)."""
    full_ids = user_scope(user).role in FULL_ID_ROLES
    rows = RecordChange.objects.filter(record=record).order_by("-at", "-pk")[:limit]
    return [history_entry(row, full_ids=full_ids) for row in rows]
