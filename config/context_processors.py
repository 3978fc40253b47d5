"""What every page needs to draw the navigation for the user's role."""

from __future__ import annotations

from django.http import HttpRequest

from collection.models import Role
from collection.scope import user_scope


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = user_scope(user).role
    return {
        "nav": {
            "plots": role is not None,
            "review": role in (Role.REVIEWER, Role.ADMIN),
            "dashboard": role is not None,
            "admin": user.is_staff,
            # Officials and group leaders work on a phone: the outbox badge, the plots kept offline.
            "collector": role in (Role.OFFICIAL, Role.GROUP_LEADER),
            # The commune's inbox of photos sent from outside (Zalo, CamScanner).
            "intake": role in (Role.OFFICIAL, Role.GROUP_LEADER, Role.ADMIN),
        }
    }
