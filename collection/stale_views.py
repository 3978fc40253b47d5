"""'Việc tồn': drafts left for days, records returned and not corrected, phones that stopped sending."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from collection import stale
from collection.models import Role
from collection.scope import require_role

DAY_CHOICES = (1, 3, 7, 14)


@login_required
@require_GET
def waiting(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.OFFICIAL, Role.GROUP_LEADER, Role.ADMIN)
    try:
        days = int(request.GET.get("days", stale.DEFAULT_DRAFT_DAYS))
    except ValueError:
        days = stale.DEFAULT_DRAFT_DAYS
    days = min(max(days, 1), 90)
    return render(
        request,
        "collection/stale.html",
        {
            "days": days,
            "day_choices": DAY_CHOICES,
            "drafts": stale.stale_drafts(request.user, days=days),
            "returned": stale.returned_records(request.user),
            "outboxes": stale.stuck_outboxes(request.user),
            "limit": stale.LIMIT,
            "outbox_hours": stale.OUTBOX_HOURS,
        },
    )
