"""The log of bulk exports of personal data (personal data law), beside the document access log.

Every path that hands many people's data out of the portal calls `export_log_write` once: the
commune Excel reports, API list pages with full ID numbers, the admin's land-user export (through
`landdata.signals.personal_data_exported`, which `landdata` sends without knowing this app).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from collection.models import ExportedPerson, ExportLog
from collection.network import client_ip
from landdata.models import Commune, LandUser

BATCH = 5000
SCOPE_MAX = ExportLog._meta.get_field("scope").max_length or 500


def export_log_write(
    *,
    user,
    kind: str,
    land_user_ids: Iterable[int],
    rows: int,
    scope: str = "",
    commune: Commune | None = None,
    full_ids: bool = False,
    ip_address: str | None = None,
) -> ExportLog:
    """One log row and one `ExportedPerson` per distinct land user, in batches (a province is 572k)."""
    ids = sorted(set(land_user_ids))
    with transaction.atomic():
        log = ExportLog.objects.create(
            user=user if getattr(user, "is_authenticated", False) else None,
            kind=kind,
            commune=commune,
            scope=scope[:SCOPE_MAX],
            rows=rows,
            people=len(ids),
            full_ids=full_ids,
            ip_address=ip_address,
        )
        for start in range(0, len(ids), BATCH):
            ExportedPerson.objects.bulk_create(
                [ExportedPerson(export=log, land_user_id=pk) for pk in ids[start : start + BATCH]]
            )
    return log


def land_users_of_plots(plot_ids: Iterable[int | None]) -> list[int]:
    """The registered land users of these plots (one query): whom a page of records or flags names."""
    wanted = {pk for pk in plot_ids if pk is not None}
    if not wanted:
        return []
    return list(LandUser.objects.filter(plot_id__in=wanted).values_list("pk", flat=True))


def on_personal_data_exported(sender, *, request, kind: str, land_user_ids, rows: int, scope: str, **kwargs) -> None:
    """Receiver of `landdata.signals.personal_data_exported` (the admin's exports)."""
    export_log_write(
        user=request.user,
        kind=kind,
        land_user_ids=land_user_ids,
        rows=rows,
        scope=scope,
        full_ids=kwargs.get("full_ids", False),
        ip_address=client_ip(request),
    )
