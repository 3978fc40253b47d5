"""'Gọi lại': the call-back list, on a page (printable for a hamlet meeting) and as XLSX. Thin."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from collection import plot_assignments
from collection.models import Role
from collection.network import client_ip
from collection.scope import require_role
from reports import callbacks
from reports.views import _xlsx_download

ROLES = (Role.OFFICIAL, Role.GROUP_LEADER, Role.ADMIN)


def _filters(request: HttpRequest) -> tuple[str, str]:
    """(hamlet, official username) from the query."""
    return request.GET.get("hamlet", "").strip()[:120], request.GET.get("official", "").strip()[:150]


@login_required
@require_GET
def call_back_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *ROLES)
    hamlet, official = _filters(request)
    return render(
        request,
        "reports/callbacks.html",
        {
            "rows": callbacks.call_backs(request.user, hamlet=hamlet, official=official),
            "limit": callbacks.LIMIT,
            "hamlets": plot_assignments.hamlets_for(request.user),
            "officials": plot_assignments.assignable_officials(request.user),
            "query": request.GET.urlencode(),
            "today": timezone.localdate(),
            "hamlet": hamlet,
            "official": official,
        },
    )


@login_required
@require_GET
def call_back_xlsx(request: HttpRequest) -> FileResponse:
    require_role(request.user, *ROLES)
    hamlet, official = _filters(request)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return _xlsx_download(
        lambda path: callbacks.call_backs_xlsx(
            path=path, user=request.user, hamlet=hamlet, official=official, ip_address=client_ip(request)
        ),
        f"goi-lai-{stamp}.xlsx",
    )
