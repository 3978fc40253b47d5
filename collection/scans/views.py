"""Scan pages: upload, the record's scan list (polled), authorised streaming. Thin: scope, then a service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from collection.models import CollectedRecord, DocumentAccess, Scan, ScanKind
from collection.network import client_ip
from collection.scans import selectors, services
from collection.scope import get_scoped_or_404, user_scope


def panel_data(request: HttpRequest, record: CollectedRecord, outcomes=None) -> dict:
    """Everything the panel templates show under `panel.`; the record must already be scoped."""
    cards = selectors.record_scan_cards(record=record)
    return {
        "cards": cards,
        "any_pending": any(card.pending for card in cards),
        "may_upload": services.scan_may_upload(user=request.user, record=record),
        "outcomes": outcomes or [],
        "kinds": ScanKind.choices,
    }


def _panel_context(request: HttpRequest, record: CollectedRecord, outcomes=None) -> dict:
    return {"record": record, "panel": panel_data(request, record, outcomes)}


@login_required
@require_POST
def scan_upload(request: HttpRequest, record_id: int) -> HttpResponse:
    """Store each file independently and answer at once; processing runs in the worker."""
    record = get_scoped_or_404(CollectedRecord.objects.all(), request.user, pk=record_id)
    if user_scope(request.user).role not in services.UPLOAD_ROLES:
        raise PermissionDenied
    files = request.FILES.getlist("files")
    batch_kind = request.POST.get("kind", "")
    kinds = request.POST.getlist("kinds")
    if len(kinds) != len(files):
        kinds = [batch_kind] * len(files)
    uploads = [(upload, kind or batch_kind) for upload, kind in zip(files, kinds)]
    if uploads:
        outcomes = services.scans_upload(record=record, user=request.user, uploads=uploads)
    else:
        outcomes = [services.UploadOutcome(name="", error=str(services.NO_FILE_MESSAGE))]
    if not request.htmx:
        for outcome in outcomes:
            if outcome.ok:
                messages.success(request, f"{outcome.name}: {services.UPLOADED_MESSAGE}")
            else:
                messages.error(request, f"{outcome.name}: {outcome.error}")
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
            back = reverse("home")
        return HttpResponseRedirect(back)
    return render(request, "collection/scans/_area.html", _panel_context(request, record, outcomes))


@login_required
@require_GET
@never_cache
def scan_list(request: HttpRequest, record_id: int) -> HttpResponse:
    """The record's scans (htmx fragment, polled every 2 s while one is being processed)."""
    record = get_scoped_or_404(CollectedRecord.objects.all(), request.user, pk=record_id)
    return render(request, "collection/scans/_list.html", _panel_context(request, record))


@login_required
@require_POST
def scan_delete(request: HttpRequest, pk) -> HttpResponse:
    scan = get_scoped_or_404(Scan.objects.select_related("record"), request.user, pk=pk)
    record = scan.record
    try:
        services.scan_delete(scan=scan, user=request.user)
    except services.ScanRejected as exc:
        outcomes = [services.UploadOutcome(name=scan.original_name, error=exc.messages[0])]
    else:
        outcomes = []
    return render(request, "collection/scans/_area.html", _panel_context(request, record, outcomes))


def _stream(request: HttpRequest, pk, action: str) -> FileResponse:
    scan = get_scoped_or_404(Scan.objects.all(), request.user, pk=pk)
    if scan.status != Scan.Status.READY:
        raise Http404
    try:
        handle = services.scan_open(scan=scan, user=request.user, action=action, ip_address=client_ip(request))
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="image/jpeg", as_attachment=False)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def scan_image(request: HttpRequest, pk) -> FileResponse:
    """The full image, to anyone whose scope covers the record; every opening is logged."""
    return _stream(request, pk, DocumentAccess.Action.VIEW)


@login_required
@require_GET
def scan_thumbnail(request: HttpRequest, pk) -> FileResponse:
    """The thumbnail; logged too (action "thumbnail"): a thumbnail of an ID card is still personal data."""
    return _stream(request, pk, DocumentAccess.Action.THUMBNAIL)
