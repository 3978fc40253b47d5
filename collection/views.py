"""Pages of the campaign; thin: scope checks, forms, then a service or selector call."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from collection import checklist, citizen_views, history, plot_assignments, selectors, services
from collection.forms import PlotSearchForm, RecordForm
from collection.models import EDITABLE_STATUSES, CollectedRecord, Role, ScanKind
from collection.panels import FORM_PANELS, RECORD_PANELS
from collection.scans import selectors as scan_selectors
from collection.scope import get_scoped_or_404, user_scope

EDIT_ROLES = (Role.OFFICIAL, Role.GROUP_LEADER, Role.ADMIN)


@login_required
def plot_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    can_assign = plot_assignments.can_assign(user)
    officials = plot_assignments.official_choices(user) if can_assign else []
    data: QueryDict | None = request.GET or None
    if data is None and plot_assignments.has_own_plots(user):
        data = QueryDict(f"assigned={selectors.ASSIGNED_ME}")  # an official with plots of their own sees those first
    former_communes = selectors.former_communes_for(user)
    form = PlotSearchForm(
        data,
        former_communes=former_communes,
        working_groups=selectors.working_groups_for(user),
        officials=officials if can_assign else None,
    )
    filters = form.filters() if data else selectors.PlotFilters()
    page = selectors.plot_list_page(
        user=user,
        filters=filters,
        after=_int(request.GET.get("after")),
        before=_int(request.GET.get("before")),
        former_communes=former_communes,
    )
    query = (data or QueryDict()).copy()
    query.pop("after", None)
    query.pop("before", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "status_labels": PlotSearchForm.STATUS_LABELS,
        "can_assign": can_assign,
        "officials": officials,
        "hamlets": [] if getattr(request, "htmx", False) else plot_assignments.hamlets_for(user),
    }
    template = "collection/_plot_rows.html" if request.htmx else "collection/plot_list.html"
    return render(request, template, context)


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


@login_required
def plot_detail(request: HttpRequest, plot_id: int) -> HttpResponse:
    plot = selectors.plot_detail(user=request.user, plot_id=plot_id)
    records = list(plot.collected_records.all())
    return render(
        request,
        "collection/plot_detail.html",
        {
            "plot": plot,
            "records": records,
            "open_record": next((r for r in records if r.status in EDITABLE_STATUSES), None),
            "has_submitted": any(r.status == CollectedRecord.Status.SUBMITTED for r in records),
            "can_collect": user_scope(request.user).role in EDIT_ROLES,
            "record_panels": RECORD_PANELS,
            "status_labels": PlotSearchForm.STATUS_LABELS,
            "citizen_links": citizen_views.plot_links(request.user, plot),
            "now": timezone.now(),
        },
    )


def field_form_context() -> dict:
    """What the record form needs wherever it is drawn (its page, the offline shell): the photo limits
    the phone checks before sending (the server checks them again), the panels of the apps above,
    the checklist and the citizen's slip."""
    return {
        "scan_kinds": ScanKind.choices,
        "scan_max_bytes": settings.SCAN_MAX_BYTES,
        "form_panels": FORM_PANELS,
        "checklist_items": checklist.checklist_items(),
        "slip_texts": checklist.slip_texts(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def record_start(request: HttpRequest, plot_id: int) -> HttpResponse:
    """'Thu thập': open the plot's draft or returned record, or start a draft (a POST).

    A GET comes from the offline shell's link, followed once the signal is back: the plot page.
    """
    plot = selectors.plot_detail(user=request.user, plot_id=plot_id)  # 404 outside the scope, GET or POST
    if request.method == "GET":
        return redirect("collection:plot_detail", plot_id=plot.pk)
    if user_scope(request.user).role not in EDIT_ROLES:
        raise Http404
    record, _created = services.record_create_draft(plot=plot, user=request.user)
    return redirect("collection:record_edit", record_id=record.pk)


@login_required
def record_edit(request: HttpRequest, record_id: int) -> HttpResponse:
    record = get_scoped_or_404(
        CollectedRecord.objects.select_related("former_commune__commune", "plot", "collected_by_user"),
        request.user,
        pk=record_id,
    )
    editable = record.status in EDITABLE_STATUSES and user_scope(request.user).role in EDIT_ROLES
    if request.method == "POST":
        if not editable:
            if record.status == CollectedRecord.Status.SUBMITTED:
                messages.info(request, _("Bản ghi này đã được gửi."))
                return redirect(_after_submit_url(record))
            raise Http404
        submitting = "submit" in request.POST
        form = RecordForm(request.POST, submitting=submitting)
        if form.is_valid():
            version = form.cleaned_data.get("version") or ""
            try:
                if submitting:
                    services.record_submit(record_id=record.pk, values=form.values, user=request.user, version=version)
                    messages.success(request, _("Đã gửi bản ghi thu thập."))
                    return redirect(_after_submit_url(record))
                services.record_update(record_id=record.pk, values=form.values, user=request.user, version=version)
                messages.success(request, _("Đã lưu nháp."))
                return redirect("collection:record_edit", record_id=record.pk)
            except services.RecordAlreadySubmitted:
                messages.info(request, _("Bản ghi này đã được gửi."))
                return redirect(_after_submit_url(record))
            except services.RecordConflict:
                form.add_error(
                    None,
                    _(
                        "Bản ghi đã được thay đổi ở nơi khác sau khi bạn mở biểu mẫu. "
                        "Hãy tải lại trang và nhập lại thay đổi."
                    ),
                )
            except services.RecordNotEditable:
                raise Http404 from None
    else:
        form = RecordForm(initial=RecordForm.initial_for(record))
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "collection/record_form.html",
        {
            "record": record,
            "form": form,
            "editable": editable,
            "suggestions": scan_selectors.read_suggestions(record=record, values=form.initial) if editable else {},
            "record_panels": RECORD_PANELS,
            "history": history.record_history(record=record, user=request.user),
            **field_form_context(),
        },
    )


def offline_shell(request: HttpRequest) -> HttpResponse:
    """The page the service worker shows for the campaign's pages without signal; drawn from the phone's
    store by static/js/field/offline.js. Public and the same for everyone: it holds no data, only the
    empty form, so that the phone can keep it whatever its session."""
    return render(
        request,
        "collection/offline_shell.html",
        {
            "form": RecordForm(),
            "editable": True,
            "record": None,
            "offline_shell": True,
            **field_form_context(),
        },
    )


def outbox(request: HttpRequest) -> HttpResponse:
    """'Chưa gửi': what the phone still has to send, drawn from its own store. Open without a session,
    like the shell: the page holds no data, and after a session ended it is where the official signs in
    again to send."""
    return render(request, "collection/outbox.html", {"offline_shell": True})  # the phone's scripts, signed in or not


def _after_submit_url(record: CollectedRecord) -> str:
    if record.plot_id:
        return reverse("collection:plot_detail", kwargs={"plot_id": record.plot_id})
    return reverse("collection:plot_list")
