"""Project-level pages: the home page every role lands on, and the load balancer's probe.

They sit above every app (like the URLconf), so the home page may point to what each role can do
without a lower app naming an upper one.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from collection import plot_assignments, selectors
from collection.models import Role
from collection.scope import user_scope
from verification import selectors as review


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = user_scope(request.user)
    is_reviewer = scope.role in (Role.REVIEWER, Role.ADMIN)
    return render(
        request,
        "home.html",
        {
            "scope": scope,
            "progress": selectors.progress_for(request.user),
            # The official's own plots come first: what they answer for (issue 17).
            "my_plots": plot_assignments.my_plots(request.user),
            "can_assign": plot_assignments.can_assign(request.user),
            "is_collector": scope.role in (Role.OFFICIAL, Role.GROUP_LEADER),
            "is_reviewer": is_reviewer,
            # What waits on the reviewer's desk, by code and by age (one query, within the scope).
            "waiting": review.waiting_flags(request.user) if is_reviewer else None,
            "admin_url": reverse("admin:index") if request.user.is_staff else None,
        },
    )
