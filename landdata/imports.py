"""The kinds of file an ImportBatch records, and how the admin's upload page queues each.

landdata knows one kind, the registry extract. The campaign's files (assignment lists, collected
records) are registered by `collection` in its AppConfig.ready(), so that this app never names them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# enqueue(batch_id, stored_name, replace): queue the import of an uploaded file (called after commit).
Enqueue = Callable[[int, str, bool], None]


@dataclass(frozen=True)
class ImportKind:
    code: str
    label: str | Promise  # what the batch is, in lists ("Trích xuất sổ địa chính")
    upload_title: str | Promise = ""  # the admin's upload page; empty: not uploadable there
    enqueue: Enqueue | None = None
    allows_replace: bool = False


IMPORT_KINDS: dict[str, ImportKind] = {}


def register_import_kind(
    code: str,
    *,
    label: str | Promise,
    upload_title: str | Promise = "",
    enqueue: Enqueue | None = None,
    allows_replace: bool = False,
) -> str:
    IMPORT_KINDS[code] = ImportKind(code, label, upload_title, enqueue, allows_replace)
    return code


def import_kind_label(code: str) -> str:
    kind = IMPORT_KINDS.get(code)
    return str(kind.label) if kind else code


def uploadable_kinds() -> dict[str, ImportKind]:
    return {code: kind for code, kind in IMPORT_KINDS.items() if kind.enqueue is not None}


def _enqueue_registry(batch_id: int, stored_name: str, replace: bool) -> None:
    from landdata.tasks import import_registry  # noqa: PLC0415 - tasks → importer → models → this module

    import_registry.delay(batch_id, stored_name, replace)


REGISTRY = register_import_kind(
    "registry",
    label=_("Trích xuất sổ địa chính"),
    upload_title=_("Nhập trích xuất sổ địa chính"),
    enqueue=_enqueue_registry,
    allows_replace=True,
)
