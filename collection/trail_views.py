"""The page "who has seen this person's data", for province admins (linked from the land user's admin page)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from collection.person_trail import person_trail


@login_required
@require_GET
def land_user_trail(request: HttpRequest, land_user_id: int) -> HttpResponse:
    trail = person_trail(
        user=request.user,
        land_user_id=land_user_id,
        pages={name: request.GET.get(name) for name in ("accesses", "exports", "changes")},
    )
    return render(request, "collection/land_user_trail.html", {"trail": trail, "land_user": trail.land_user})
