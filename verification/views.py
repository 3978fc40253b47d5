"""Review desk pages; thin: role and scope checks, a form, then `verification.review`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from collection.models import Scan
from collection.network import client_ip
from collection.scope import get_scoped_or_404, restrict, scoped_communes
from landdata.models import FormerCommune, Plot, former_commune_labels
from verification import live, selectors, services
from verification.forms import BulkDecisionForm, DecisionForm, QueueFilterForm
from verification.models import Flag, FlagCode, Severity

# Session key: the flags a bulk decision left undecided, ticked again on the next queue page.
BULK_SELECTED_KEY = "verification_bulk_selected"


def _decided_message(count: int) -> str:
    return ngettext("Đã xử lý %(n)d sai lệch.", "Đã xử lý %(n)d sai lệch.", count) % {"n": count}


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Flagged plots of the reviewer's communes, grouped per record, filtered and counted per code."""
    selectors.require_reviewer(request.user)
    communes = list(scoped_communes(request.user).order_by("code"))
    # (code, label) rows rather than model instances: the province admin's filter offers hundreds.
    units = list(
        FormerCommune.objects.filter(commune__in=[c.code for c in communes])
        .order_by("code")
        .values_list("code", "name", "commune__name")
    )
    former_communes = list(zip((code for code, _name, _commune in units), former_commune_labels(units), strict=True))
    form = QueueFilterForm(request.GET or None, communes=communes, former_communes=former_communes)
    filters = form.filters()
    page = selectors.queue_page(request.user, filters)
    counts = selectors.code_counts(request.user, filters)
    code_labels = dict(FlagCode.choices)
    return render(
        request,
        "verification/queue.html",
        {
            "form": form,
            "page": page,
            "filters": filters,
            "counts": [(code, code_labels.get(code, code), n) for code, n in sorted(counts.items())],
            "total_flags": sum(counts.values()),
            "bulk_form": BulkDecisionForm(),
            "low": Severity.LOW,
            "selected": set(request.session.pop(BULK_SELECTED_KEY, [])),
        },
    )


@login_required
@require_POST
def bulk_decide(request: HttpRequest) -> HttpResponse:
    selectors.require_reviewer(request.user)
    form = BulkDecisionForm(request.POST)
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("verification:queue")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    try:
        result = services.flags_decide_bulk(
            user=request.user,
            versions=form.cleaned_data["versions"],
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data.get("note") or "",
        )
    except Flag.DoesNotExist:
        raise Http404 from None
    except services.ReviewError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    if result.decided:
        messages.success(request, _decided_message(len(result.decided)))
    for reason, count in result.reasons():
        messages.warning(
            request,
            ngettext(
                "%(n)d sai lệch chưa xử lý, vẫn được chọn: %(reason)s",
                "%(n)d sai lệch chưa xử lý, vẫn được chọn: %(reason)s",
                count,
            )
            % {"n": count, "reason": reason},
        )
    # The flags the decision did not fit stay ticked on the queue, for another decision.
    request.session[BULK_SELECTED_KEY] = [flag.pk for flag, _reason in result.skipped]
    return redirect(back)


@login_required
@require_GET
def record_review(request: HttpRequest, record_id: int) -> HttpResponse:
    """Registry and collected values side by side, the scans, the flags to decide and the history."""
    selectors.require_reviewer(request.user)
    record = selectors.review_record(request.user, record_id)
    services.review_opened_log(user=request.user, record=record, ip_address=client_ip(request))
    flags = selectors.record_flags(record)
    return render(
        request,
        "verification/record_review.html",
        {
            "record": record,
            "flags": [(flag, DecisionForm(initial={"version": flag.version})) for flag in flags],
            "rows": selectors.record_comparison(record, flags),
            "history": selectors.plot_history(record),
            "scans": list(record.scans.all()),
            "acceptable_codes": services.ACCEPTABLE_CODES,
        },
    )


@login_required
@require_POST
def flag_decide(request: HttpRequest, flag_id: int) -> HttpResponse:
    """Decide one flag; htmx re-renders the flag's card (and the outcome), a plain POST redirects."""
    selectors.require_reviewer(request.user)
    flag = _scoped_flag(request, flag_id)
    form = DecisionForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.flag_decide(
                user=request.user,
                flag_id=flag.pk,
                expected_version=form.cleaned_data["version"],
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data.get("note") or "",
            )
        except Flag.DoesNotExist:
            raise Http404 from None
        except services.ReviewError as exc:
            error = exc.message
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _decided_message(1))
        return redirect("verification:record_review", record_id=flag.record_id)
    flag = _scoped_flag(request, flag_id, with_note=True)  # the current state, whoever decided it
    keep_form = form if (error and form.is_bound and form.errors) else DecisionForm(initial={"version": flag.version})
    return render(
        request,
        "verification/_flag_decided.html",
        {
            "flag": flag,
            "form": keep_form,
            "error": error,
            "history": selectors.plot_history(flag.record),
            "acceptable_codes": services.ACCEPTABLE_CODES,
            "record": flag.record,
        },
    )


def _scoped_flag(request: HttpRequest, flag_id: int, *, with_note: bool = False) -> Flag:
    flags = selectors.scoped_flags(request.user).select_related("record", "land_user")
    if with_note:
        flags = selectors.with_latest_note(flags)
    try:
        return flags.get(pk=flag_id)
    except Flag.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def plot_flags(request: HttpRequest, record_id: int) -> HttpResponse:
    """Read-only fragment of a record's flags and the latest note, for the officials' record page."""
    record, flags = selectors.record_flags_with_notes(request.user, record_id)
    return render(
        request,
        "verification/_plot_flags.html",
        {
            "record": record,
            "flags": flags,
            "can_review": selectors.can_review(request.user),
            "awaiting_match": selectors.record_awaits_matching(record),
        },
    )


@login_required
@require_POST
def live_check(request: HttpRequest) -> HttpResponse:
    """The form's current values against the plot's registry rows, while the citizen is at the door.
    Nothing is written. `plot` and (once the record exists) `record` come with the form's fields."""
    plot = get_scoped_or_404(Plot.objects.all(), request.user, pk=_int_or_404(request.POST.get("plot")))
    record_id = request.POST.get("record") or ""
    scans: list[dict] = []
    if record_id.isdigit():
        scans = list(
            restrict(Scan.objects.all(), request.user)
            .filter(record_id=int(record_id), record__plot=plot)
            .exclude(status=Scan.Status.FAILED)
            .values("kind", "qr_payload")
        )
    check = live.live_check(plot=plot, raw=request.POST, scans=scans)
    return render(request, "verification/_live_check.html", {"check": check})


def _int_or_404(raw: str | None) -> int:
    if not raw or not raw.isdigit() or len(raw) > 18:
        raise Http404
    return int(raw)
