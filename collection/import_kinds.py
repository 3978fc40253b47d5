"""The campaign's kinds of imported file, registered with landdata's ImportBatch (landdata.imports)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from landdata.imports import register_import_kind


def _enqueue_assignments(batch_id: int, stored_name: str, replace: bool) -> None:
    from collection.tasks import import_assignments  # noqa: PLC0415 - the task module imports this app's services

    import_assignments.delay(batch_id, stored_name)


ASSIGNMENTS = register_import_kind(
    "assignments",
    label=_("Danh sách giao xã"),
    upload_title=_("Nhập danh sách giao xã"),
    enqueue=_enqueue_assignments,
)
# Collected records typed into spreadsheets: imported with `import_collection`, not from the admin.
COLLECTION = register_import_kind("collection", label=_("Bản ghi thu thập"))
