"""Plots handed to one official: who may hand them, to whom, and in bulk.

A group leader hands the plots of their group (a leader without a group, the commune's) to the
officials who work there: a former commune, a map sheet, a hamlet, or plots ticked in the list, and
moves them to a colleague when someone is ill. The plots are always those the leader sees *and* the
official sees (`restrict` for both), so a plot never goes to an official of another commune or group.
Writes are a fixed number of statements whatever the number of plots (one read of the ids, batched
upserts).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from collection.models import CollectedRecord, PlotAssignment, Role, UserScope
from collection.scope import restrict, user_scope
from landdata import normalize
from landdata.models import Commune, Plot

# Who may hand plots to officials: a group leader (for the commune when they have no group) and the
# province admin. An official cannot hand plots, not even their own.
ASSIGNER_ROLES = (Role.GROUP_LEADER, Role.ADMIN)
# Who may be handed plots.
ASSIGNEE_ROLES = (Role.OFFICIAL, Role.GROUP_LEADER)
BATCH = 2000
# Hamlets offered in the filter come from at most this many distinct plot addresses.
HAMLET_SCAN_LIMIT = 20000

HAMLET_CACHE_SECONDS = 600

_SPACES = re.compile(r"\s+")


def hamlet_of(address: str) -> str:
    """The hamlet (thôn, xóm, tổ dân phố) of a plot address: its first comma-separated part.

    Registry plot addresses read "Thôn Đông, xã Tam Sơn" or just "Thôn Đông"; the first part names
    the hamlet. Spaces are collapsed and the text is NFC, so that the same hamlet typed twice counts once.
    """
    first = normalize.nfc(address or "").split(",", 1)[0]
    return _SPACES.sub(" ", first).strip()


def hamlet_filter(hamlet: str, *, field: str = "address") -> Q:
    """Plots whose address is in `hamlet` (as `hamlet_of` reads it), case-insensitively; `field` is
    the path to the plot's address from the model filtered ("plot__address" from a record)."""
    name = hamlet_of(hamlet)
    if not name:
        return Q()
    return Q(**{f"{field}__iexact": name}) | Q(**{f"{field}__istartswith": f"{name},"})


def can_assign(user) -> bool:
    return user_scope(user).role in ASSIGNER_ROLES


# All that naming and choosing an official reads: a province admin's list holds every official.
_NAMED_BY = ("id", "username", "first_name", "last_name")


def assignable_officials(user) -> list[User]:
    """The active officials and leaders the user may hand plots to: of the leader's commune, and of
    the leader's group when they have one (officials without a group work for the whole commune)."""
    return list(_assignable(user).only(*_NAMED_BY))


def official_choices(user) -> list[tuple[int, str]]:
    """(id, official_label) of `assignable_officials`, for the selects: plain rows, no User per official."""
    return [(pk, _label(*names)) for pk, *names in _assignable(user).values_list(*_NAMED_BY)]


def _assignable(user) -> QuerySet[User]:
    scope = user_scope(user)
    if scope.role not in ASSIGNER_ROLES:
        return User.objects.none()
    rows = UserScope.objects.filter(
        role__in=ASSIGNEE_ROLES, user__is_active=True, commune__in=Commune.objects.filter(scope.commune_filter)
    )
    if scope.working_group_id is not None:
        rows = rows.filter(Q(working_group_id=scope.working_group_id) | Q(working_group__isnull=True))
    return User.objects.filter(pk__in=rows.values("user_id")).order_by("last_name", "first_name", "username")


def official_label(user: User) -> str:
    return _label(user.username, user.first_name, user.last_name)


def _label(username: str, first_name: str, last_name: str) -> str:
    name = f"{first_name} {last_name}".strip()  # User.get_full_name
    return f"{name} ({username})" if name else username


@dataclass(frozen=True)
class AssignResult:
    assigned: int  # plots now with the official (new to them)
    moved: int  # of which were another official's before
    kept: int  # already the official's
    refused: int  # chosen but outside the official's commune or group


def _plots_for(actor, official: User, plots: QuerySet[Plot]) -> tuple[list[int], int]:
    """Ids of `plots` that both the actor and the official see; and how many the official does not."""
    chosen = restrict(plots, actor)
    ids = set(chosen.values_list("pk", flat=True))
    allowed = set(restrict(Plot.objects.filter(pk__in=ids), official).values_list("pk", flat=True)) if ids else set()
    return sorted(allowed), len(ids) - len(allowed)


def _check(actor, official: User) -> None:
    if not can_assign(actor):
        raise PermissionDenied
    if official.pk not in {u.pk for u in assignable_officials(actor)}:
        raise PermissionDenied


def plots_assign(*, actor, official: User, plots: QuerySet[Plot]) -> AssignResult:
    """Hand `plots` (a filtered queryset: a former commune, a sheet, a hamlet, a selection) to `official`.

    Plots already someone else's move to `official` (a reassignment); re-running does nothing new.
    """
    _check(actor, official)
    ids, refused = _plots_for(actor, official, plots)
    if not ids:
        return AssignResult(0, 0, 0, refused)
    with transaction.atomic():
        before = dict(PlotAssignment.objects.filter(plot_id__in=ids).values_list("plot_id", "official_id"))
        kept = sum(1 for pk in ids if before.get(pk) == official.pk)
        moved = sum(1 for pk in ids if pk in before and before[pk] != official.pk)
        now = timezone.now()
        changed = [pk for pk in ids if before.get(pk) != official.pk]
        for start in range(0, len(changed), BATCH):
            PlotAssignment.objects.bulk_create(
                [
                    PlotAssignment(plot_id=pk, official=official, assigned_by=actor, assigned_at=now)
                    for pk in changed[start : start + BATCH]
                ],
                update_conflicts=True,
                unique_fields=["plot"],
                update_fields=["official", "assigned_by", "assigned_at"],
            )
    return AssignResult(len(changed), moved, kept, refused)


def plots_unassign(*, actor, plots: QuerySet[Plot]) -> int:
    """Take `plots` back from whoever had them (they return to the group's common list)."""
    if not can_assign(actor):
        raise PermissionDenied
    ids = list(restrict(plots, actor).values_list("pk", flat=True))
    deleted, _rows = PlotAssignment.objects.filter(plot_id__in=ids).delete()
    return deleted


def plots_reassign(*, actor, from_official: User, to_official: User, only_open: bool = True) -> AssignResult:
    """Move an official's plots to a colleague (someone is ill); by default only the plots not yet
    collected, so that what the first official collected stays theirs."""
    plots = Plot.objects.filter(official_assignment__official=from_official)
    if only_open:
        plots = plots.exclude(
            collected_records__status__in=[CollectedRecord.Status.SUBMITTED, CollectedRecord.Status.RETURNED]
        )
    return plots_assign(actor=actor, official=to_official, plots=plots)


@dataclass(frozen=True)
class OfficialLoad:
    user: User
    label: str
    assigned: int
    collected: int

    @property
    def open(self) -> int:
        return self.assigned - self.collected


def official_loads(user) -> list[OfficialLoad]:
    """Each assignable official's plots and how many of them are collected: two queries."""
    officials = assignable_officials(user)
    if not officials:
        return []
    rows = restrict(PlotAssignment.objects.filter(official__in=officials), user)
    assigned = dict(rows.values("official_id").annotate(n=Count("plot_id")).values_list("official_id", "n"))
    collected = dict(
        rows.filter(
            plot__collected_records__status__in=[CollectedRecord.Status.SUBMITTED, CollectedRecord.Status.RETURNED]
        )
        .values("official_id")
        .annotate(n=Count("plot_id", distinct=True))
        .values_list("official_id", "n")
    )
    return [OfficialLoad(u, official_label(u), assigned.get(u.pk, 0), collected.get(u.pk, 0)) for u in officials]


def hamlets_for(user, *, former_commune: str = "") -> list[str]:
    """The hamlets of the user's plots (from their addresses), sorted; bounded by HAMLET_SCAN_LIMIT.

    Offered to users of one commune, or for one former commune: across a province the list would be
    long and slow to read, and the hamlet filter still takes any typed name."""
    scope = user_scope(user)
    if not former_commune and scope.role not in ASSIGNEE_ROLES:
        return []
    # The same for everyone of a commune (or group) and slow to change: kept a while, not read per page.
    area = f"{scope.commune_filter}|{scope.working_group_id}|{former_commune}"
    key = "hamlets:" + hashlib.sha1(area.encode()).hexdigest()  # noqa: S324  (a cache key)
    cached = cache.get(key)
    if cached is not None:
        return cached
    plots = restrict(Plot.objects.exclude(address=""), user)
    if former_commune:
        plots = plots.filter(former_commune_id=former_commune)
    addresses = plots.order_by().values_list("address", flat=True).distinct()[:HAMLET_SCAN_LIMIT]
    names: dict[str, str] = {}
    for address in addresses:
        name = hamlet_of(address)
        if name:
            names.setdefault(name.casefold(), name)
    hamlets = sorted(names.values(), key=normalize.name_folded)
    cache.set(key, hamlets, HAMLET_CACHE_SECONDS)
    return hamlets


@dataclass(frozen=True)
class MyPlots:
    assigned: int
    collected: int

    @property
    def open(self) -> int:
        return self.assigned - self.collected


def my_plots(user) -> MyPlots | None:
    """The official's own plots and how many are collected (two counts), or None when they have none."""
    if user_scope(user).role not in ASSIGNEE_ROLES:
        return None
    mine = restrict(PlotAssignment.objects.filter(official=user), user)
    assigned = mine.count()
    if not assigned:
        return None
    collected = (
        mine.filter(
            plot__collected_records__status__in=[CollectedRecord.Status.SUBMITTED, CollectedRecord.Status.RETURNED]
        )
        .values("plot_id")
        .distinct()
        .count()
    )
    return MyPlots(assigned, collected)


def has_own_plots(user) -> bool:
    return user_scope(user).role in ASSIGNEE_ROLES and PlotAssignment.objects.filter(official=user).exists()
