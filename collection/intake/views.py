"""The commune's inbox of photos from outside: drop a batch, see each proposal beside its plot, confirm,
correct or reject. Thin: scope and role, then `collection.intake.services`."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from collection.intake import services
from collection.models import EDITABLE_STATUSES, CollectedRecord, DocumentAccess, IntakeItem, MatchedBy
from collection.network import client_ip
from collection.scans import encryption
from collection.scope import get_scoped_or_404, restrict, scoped_communes, user_scope
from landdata import normalize
from landdata.models import Commune, FormerCommune, LandUser, Plot


@dataclass
class PlotGroup:
    plot: Plot | None
    items: list[IntakeItem] = field(default_factory=list)


def _commune(request: HttpRequest) -> Commune | None:
    """The commune whose inbox is shown: the user's only one, or the one chosen (None: choose first)."""
    if user_scope(request.user).role not in services.INTAKE_ROLES:
        raise PermissionDenied
    chosen = request.GET.get("commune") or request.POST.get("commune")
    if chosen:
        return get_scoped_or_404(Commune.objects.all(), request.user, pk=chosen)
    communes = list(scoped_communes(request.user).order_by("code")[:2])
    if len(communes) == 1:
        return communes[0]
    if not communes:
        raise Http404
    return None


def _groups(request: HttpRequest, commune: Commune) -> list[PlotGroup]:
    """Waiting photos, those proposed to the same plot together (highest confidence first), then the
    photos no plot was proposed for."""
    owners = Prefetch("proposed_plot__land_users", queryset=LandUser.objects.order_by("pk"))
    items = (
        restrict(IntakeItem.objects.all(), request.user)
        .filter(commune=commune, decision="")
        .select_related("proposed_plot__former_commune__commune", "duplicate_of")
        .prefetch_related(owners)
        .order_by("-confidence", "uploaded_at", "page")[:300]
    )
    by_plot: dict[int | None, PlotGroup] = {}
    for item in items:
        key = item.proposed_plot_id
        if key not in by_plot:
            by_plot[key] = PlotGroup(item.proposed_plot)
        by_plot[key].items.append(item)
    placed = [group for key, group in by_plot.items() if key is not None]
    return placed + ([by_plot[None]] if None in by_plot else [])


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    commune = _commune(request)
    if commune is None:  # an admin of the province: which commune's inbox
        waiting = dict(
            restrict(IntakeItem.objects.filter(decision=""), request.user)
            .values_list("commune")
            .annotate(n=Count("pk"))
            .values_list("commune", "n")
        )
        communes = [(unit, waiting.get(unit.pk, 0)) for unit in scoped_communes(request.user).order_by("name")]
        return render(request, "collection/intake/choose.html", {"communes": communes})
    if request.method == "POST":
        files = request.FILES.getlist("files")
        if not files:
            messages.error(request, _("Chưa chọn tệp nào."))
        else:
            try:
                _batch, received = services.intake_upload(user=request.user, commune=commune, files=files)
            except services.IntakeRefused as exc:
                messages.error(request, exc.message)
            else:
                stored = sum(r.items for r in received)
                messages.success(
                    request,
                    ngettext(
                        "Đã nhận %(n)d ảnh; đang đọc, đề xuất thửa hiện dần bên dưới.",
                        "Đã nhận %(n)d ảnh; đang đọc, đề xuất thửa hiện dần bên dưới.",
                        stored,
                    )
                    % {"n": stored},
                )
                for refused in (r for r in received if r.error):
                    messages.warning(request, f"{refused.name}: {refused.error}")
        return redirect(f"{request.path}?commune={commune.pk}")
    groups = _groups(request, commune)
    pending = any(item.status == IntakeItem.Status.PENDING for group in groups for item in group.items)
    context = {
        "commune": commune,
        "groups": groups,
        "pending": pending,
        "formers": FormerCommune.objects.filter(commune=commune).order_by("code"),
        "confirm_all_above": services.CONFIRM_ALL_ABOVE,
        "matched_by": dict(MatchedBy.choices),
        # What citizens sent through their own links: drafts for the official to check and submit.
        "citizen_drafts": restrict(CollectedRecord.objects.all(), request.user)
        .filter(source=CollectedRecord.Source.CITIZEN, status__in=EDITABLE_STATUSES, former_commune__commune=commune)
        .select_related("former_commune")
        .order_by("-updated_at")[:50],
    }
    template = "collection/intake/_groups.html" if request.headers.get("HX-Request") else "collection/intake/inbox.html"
    return render(request, template, context)


def _back(request: HttpRequest, item: IntakeItem) -> HttpResponse:
    return redirect(f"{reverse('collection:intake_inbox')}?commune={item.commune_id}")


@login_required
@require_POST
def decide(request: HttpRequest, pk) -> HttpResponse:
    """Confirm (as proposed, or with the plot the official typed), or reject."""
    item = get_scoped_or_404(IntakeItem.objects.all(), request.user, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "reject":
            services.intake_reject(user=request.user, item_id=item.pk)
            messages.success(request, _("Đã loại ảnh %(name)s.") % {"name": item.original_name})
        else:
            plot_id = None
            if action == "correct":
                plot_id = _typed_plot(request, item)
                if plot_id is None:
                    return _back(request, item)
            scan = services.intake_confirm(user=request.user, item_id=item.pk, plot_id=plot_id)
            messages.success(
                request,
                _("Đã gắn ảnh %(name)s vào bản ghi của tờ %(sheet)s thửa %(number)s.")
                % {"name": item.original_name, "sheet": scan.record.map_sheet, "number": scan.record.plot_number},
            )
    except services.IntakeRefused as exc:
        messages.error(request, exc.message)
    return _back(request, item)


def _typed_plot(request: HttpRequest, item: IntakeItem) -> int | None:
    former = request.POST.get("former_commune") or ""
    sheet = normalize.plot_key_part(request.POST.get("map_sheet"))
    number = normalize.plot_key_part(request.POST.get("plot_number"))
    plot = (
        restrict(Plot.objects.all(), request.user)
        .filter(
            former_commune__commune_id=item.commune_id, former_commune_id=former, sheet_key=sheet, number_key=number
        )
        .first()
    )
    if plot is None:
        messages.error(
            request,
            _("Không có thửa tờ %(sheet)s số %(number)s ở xã cũ đã chọn.")
            % {"sheet": request.POST.get("map_sheet", ""), "number": request.POST.get("plot_number", "")},
        )
        return None
    return plot.pk


@login_required
@require_POST
def confirm_all(request: HttpRequest) -> HttpResponse:
    commune = _commune(request)
    if commune is None:
        raise Http404
    confirmed, left = services.intake_confirm_all(user=request.user, commune=commune)
    messages.success(
        request,
        ngettext("Đã xác nhận %(n)d ảnh.", "Đã xác nhận %(n)d ảnh.", confirmed) % {"n": confirmed}
        + (" " + _("%(n)d ảnh chưa gắn được, xem bên dưới.") % {"n": left} if left else ""),
    )
    return redirect(f"{reverse('collection:intake_inbox')}?commune={commune.pk}")


@login_required
@require_GET
def item_image(request: HttpRequest, pk, thumbnail: bool = False) -> FileResponse:
    """A photo of the intake, to the commune's officials only; every opening is logged."""
    item = get_scoped_or_404(IntakeItem.objects.all(), request.user, pk=pk)
    name = (item.thumbnail if thumbnail else item.file).name
    if item.status != IntakeItem.Status.READY or not name:
        raise Http404
    DocumentAccess.objects.create(
        user=request.user if request.user.is_authenticated else None,
        scan=item.scan,
        action=DocumentAccess.Action.INTAKE,
        ip_address=client_ip(request),
    )
    response = FileResponse(encryption.open_decrypted(name, key_id=item.key_id), content_type="image/jpeg")
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response
