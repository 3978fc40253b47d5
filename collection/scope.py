"""The one place that decides what a user may see.

Every list, detail page, export and API view restricts its queryset through
`restrict()`, and every figure counts the `Area` that `user_area()` gives; a user
without a scope row sees nothing, spelled `Reach.NOTHING` (never a None that could be
taken for the whole province). A member of a working group is narrowed to their group.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable
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


# How a member of a working group is narrowed to their group where the former commune does not say it:
# a group sees its own row only (not the other groups of its commune), an assignment by its group.
GROUP_PATHS: dict[str, str] = {
    "collection.workinggroup": "pk",
    "collection.assignment": "working_group_id",
}


def register_scoped_model(label: str, *, commune_path: str, former_path: str | None = None) -> None:
    """Declare how `restrict()` reaches the commune (and former commune) from the model `label`."""
    COMMUNE_PATHS[label] = (commune_path, former_path)


class Reach(enum.Enum):
    """How far a user sees. Spelled out so that "no scope" can never be read as "everything":
    there is no None that a caller could take for the whole province."""

    NOTHING = "nothing"  # no scope row, inactive, anonymous
    PROVINCE = "province"  # a superuser without a scope row
    COMMUNES = "communes"  # the communes of a province, a branch or one commune (maybe one group of it)


# Filters on Commune that are always safe to apply, whatever the reach.
ALL_COMMUNES = Q()
NO_COMMUNE = Q(pk__in=[])


@dataclass(frozen=True)
class Scope:
    role: str | None
    reach: Reach
    # The communes seen, as a filter on Commune: matches every commune for PROVINCE and none for NOTHING.
    commune_filter: Q = NO_COMMUNE
    working_group_id: int | None = None

    def __post_init__(self) -> None:
        if (self.reach is Reach.NOTHING) != (self.role is None):
            raise ValueError("a scope sees nothing exactly when it has no role")

    @classmethod
    def nothing(cls) -> Scope:
        return cls(role=None, reach=Reach.NOTHING, commune_filter=NO_COMMUNE)

    @property
    def sees_nothing(self) -> bool:
        return self.reach is Reach.NOTHING

    @property
    def whole_province(self) -> bool:
        return self.reach is Reach.PROVINCE


def user_scope(user: User | AnonymousUser) -> Scope:
    """The user's role and the communes it covers."""
    if not user.is_authenticated or not user.is_active:
        return Scope.nothing()
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    try:
        row = UserScope.objects.select_related("working_group").get(user=user)
    except UserScope.DoesNotExist:
        scope = Scope(Role.ADMIN, Reach.PROVINCE, ALL_COMMUNES) if user.is_superuser else Scope.nothing()
    else:
        if row.role == Role.ADMIN:
            scope = Scope(row.role, Reach.COMMUNES, Q(province_id=row.province_id))
        elif row.role == Role.REVIEWER:
            scope = Scope(row.role, Reach.COMMUNES, Q(branch_id=row.branch_id))
        else:
            scope = Scope(row.role, Reach.COMMUNES, Q(code=row.commune_id), row.working_group_id)
    user._portal_scope = scope
    return scope


def scoped_communes(user: User | AnonymousUser) -> QuerySet[Commune]:
    scope = user_scope(user)
    if scope.sees_nothing:
        return Commune.objects.none()
    return Commune.objects.filter(scope.commune_filter)


@dataclass(frozen=True)
class Area:
    """The part of the province a figure (dashboard, report, API) may count.

    NOTHING counts nothing, PROVINCE everything, COMMUNES the listed communes; `working_group_id`
    narrows what names people or shows activity (per-official tables, flags by code, daily
    charts, per-group rows) to one group's former communes, while a commune's headline totals
    stay those of the commune (see docs/architecture.md, "Scope"). Made by `user_area`; an empty list
    of communes is NOTHING, never the province.
    """

    reach: Reach
    communes: tuple[str, ...] = ()
    working_group_id: int | None = None

    def __post_init__(self) -> None:
        if (self.reach is Reach.COMMUNES) != bool(self.communes):
            raise ValueError("an area lists communes exactly when its reach is COMMUNES")
        if self.working_group_id is not None and self.reach is not Reach.COMMUNES:
            raise ValueError("a working group narrows a list of communes")

    @classmethod
    def nothing(cls) -> Area:
        return cls(Reach.NOTHING)

    @classmethod
    def province(cls) -> Area:
        return cls(Reach.PROVINCE)

    @classmethod
    def of_communes(cls, codes: Iterable[str], *, working_group_id: int | None = None) -> Area:
        unique = tuple(sorted(set(codes)))
        if not unique:
            return cls.nothing()
        return cls(Reach.COMMUNES, unique, working_group_id)

    @property
    def key(self) -> str:
        """A short stable text for cache keys: two areas with the same key count the same rows."""
        if self.reach is not Reach.COMMUNES:
            return self.reach.value
        digest = hashlib.sha1(",".join(self.communes).encode()).hexdigest()  # noqa: S324  (a cache key)
        return f"{digest}:{self.working_group_id or ''}"


def user_area(user: User | AnonymousUser, *, commune: str | None = None, working_group_id: int | None = None) -> Area:
    """What the user's figures may count: their whole scope, or the part of it in one commune or group.

    A member of a working group is narrowed to their own group wherever they look (another group's
    id gives NOTHING); asking for a commune or group outside the scope gives NOTHING.
    """
    scope = user_scope(user)
    if scope.sees_nothing:
        return Area.nothing()
    group = scope.working_group_id
    if group is not None and working_group_id is not None and working_group_id != group:
        return Area.nothing()
    group = group if group is not None else working_group_id
    if scope.whole_province and commune is None and group is None:
        return Area.province()
    communes = scoped_communes(user)
    if commune is not None:
        communes = communes.filter(code=commune)
    if group is not None:
        communes = communes.filter(working_groups__pk=group)
    return Area.of_communes(communes.values_list("code", flat=True), working_group_id=group)


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
    if not scope.whole_province:
        if commune_path == "code":
            queryset = queryset.filter(scope.commune_filter)
        else:
            queryset = queryset.filter(**{f"{commune_path}__in": Commune.objects.filter(scope.commune_filter)})
    if scope.working_group_id is not None:
        group_path = GROUP_PATHS.get(label)
        if group_path is None and former_path is not None:
            group_path = (
                f"{former_path}__assignment__working_group_id" if former_path else "assignment__working_group_id"
            )
        if group_path is not None:
            queryset = queryset.filter(**{group_path: scope.working_group_id})
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
