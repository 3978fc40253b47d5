"""The one place that decides what a user may see.

Every list, detail page, export and API view restricts its queryset through
`restrict()`; a role without a scope row sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from collection.models import Role, UserScope
from landdata.models import Commune

M = TypeVar("M", bound=Model)

# How to reach the current commune (and the former commune, for working groups) from each model that
# holds scoped data: (commune path, former-commune path; "" when the model is the former commune's own
# row, None when the model has no former commune). Apps above collection add theirs with
# `register_scoped_model` in their AppConfig.ready(), so that this module never names them.
COMMUNE_PATHS: dict[str, tuple[str, str | None]] = {
    "landdata.commune": ("code", None),
    "landdata.formercommune": ("commune", ""),
    "landdata.plot": ("former_commune__commune", "former_commune"),
    "landdata.landuser": ("plot__former_commune__commune", "plot__former_commune"),
    "landdata.certificate": ("plot__former_commune__commune", "plot__former_commune"),
    "collection.collectedrecord": ("former_commune__commune", "former_commune"),
    "collection.scan": ("record__former_commune__commune", "record__former_commune"),
    "collection.assignment": ("commune", ""),
    "collection.workinggroup": ("commune", None),
    "collection.communetarget": ("commune", None),
    # A commune's intake is shared by its groups: photos from Zalo are not sorted by group yet.
    "collection.intakebatch": ("commune", None),
    "collection.intakeitem": ("commune", None),
    "collection.citizenlink": ("plot__former_commune__commune", "plot__former_commune"),
    "collection.plotassignment": ("plot__former_commune__commune", "plot__former_commune"),
    "collection.campaignperiod": ("commune", None),
    "collection.weeklyplan": ("commune", None),
}


def register_scoped_model(label: str, *, commune_path: str, former_path: str | None = None) -> None:
    """Declare how `restrict()` reaches the commune (and former commune) from the model `label`."""
    COMMUNE_PATHS[label] = (commune_path, former_path)


@dataclass(frozen=True)
class Scope:
    role: str | None
    commune_filter: Q | None  # None: the whole province (admin)
    working_group_id: int | None = None

    @property
    def sees_nothing(self) -> bool:
        return self.role is None


def user_scope(user: User | AnonymousUser) -> Scope:
    """The user's role and the communes it covers."""
    if not user.is_authenticated or not user.is_active:
        return Scope(role=None, commune_filter=None)
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    try:
        row = UserScope.objects.select_related("working_group").get(user=user)
    except UserScope.DoesNotExist:
        scope = Scope(role=Role.ADMIN, commune_filter=None) if user.is_superuser else Scope(None, None)
    else:
        if row.role == Role.ADMIN:
            scope = Scope(row.role, Q(province_id=row.province_id))
        elif row.role == Role.REVIEWER:
            scope = Scope(row.role, Q(branch_id=row.branch_id))
        else:
            scope = Scope(row.role, Q(code=row.commune_id), row.working_group_id)
    user._portal_scope = scope
    return scope


def scoped_communes(user: User | AnonymousUser) -> QuerySet[Commune]:
    scope = user_scope(user)
    if scope.sees_nothing:
        return Commune.objects.none()
    if scope.commune_filter is None:
        return Commune.objects.all()
    return Commune.objects.filter(scope.commune_filter)


def restrict(queryset: QuerySet, user: User | AnonymousUser) -> QuerySet:
    """Only the rows of `queryset` inside the user's scope."""
    label = queryset.model._meta.label_lower
    try:
        commune_path, former_path = COMMUNE_PATHS[label]
    except KeyError as exc:
        raise LookupError(f"no scope rule for {label}; add it to COMMUNE_PATHS") from exc
    scope = user_scope(user)
    if scope.sees_nothing:
        return queryset.none()
    if scope.commune_filter is not None:
        if commune_path == "code":
            queryset = queryset.filter(scope.commune_filter)
        else:
            queryset = queryset.filter(**{f"{commune_path}__in": Commune.objects.filter(scope.commune_filter)})
    if scope.working_group_id is not None and former_path is not None:
        prefix = f"{former_path}__" if former_path else ""
        queryset = queryset.filter(**{f"{prefix}assignment__working_group_id": scope.working_group_id})
    return queryset


def get_scoped_or_404(queryset: QuerySet[M], user: User | AnonymousUser, **lookup) -> M:
    """Fetch one object the user may see; an object outside the scope is reported as missing."""
    try:
        return get_object_or_404(restrict(queryset, user), **lookup)
    except (TypeError, ValueError, ValidationError):
        # A malformed id ("abc" for a number, "null" for a UUID) names no object: 404, not a 500.
        raise Http404 from None


def require_role(user: User | AnonymousUser, *roles: str) -> Scope:
    scope = user_scope(user)
    if scope.role not in roles:
        raise PermissionDenied
    return scope
