"""'Giao thửa': a leader hands plots to officials and sees each official's load. Thin: a form, a service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from collection import plot_assignments, selectors
from collection.forms import AssignForm
from collection.scope import require_role
from landdata.models import Plot


def _ids(raw: list[str]) -> list[int]:
    return [int(value) for value in raw if value.isdigit()][:5000]


@login_required
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *plot_assignments.ASSIGNER_ROLES)
    officials = plot_assignments.assignable_officials(request.user)
    choices = [(u.pk, plot_assignments.official_label(u)) for u in officials]
    former_communes = selectors.former_communes_for(request.user)
    plot_ids = _ids(request.POST.getlist("plot")) if request.method == "POST" else []
    form = AssignForm(
        request.POST if request.method == "POST" else None,
        former_communes=former_communes,
        officials=choices,
        plot_ids=plot_ids,
    )
    if request.method == "POST" and form.is_valid():
        if plot_ids:
            plots = Plot.objects.filter(pk__in=plot_ids)
        else:
            plots = selectors.plot_search(user=request.user, filters=form.filters(), former_communes=former_communes)
        if form.cleaned_data["action"] == AssignForm.ACTION_UNASSIGN:
            n = plot_assignments.plots_unassign(actor=request.user, plots=plots)
            messages.success(request, ngettext("Đã thu hồi %(n)d thửa.", "Đã thu hồi %(n)d thửa.", n) % {"n": n})
        else:
            official = next(u for u in officials if u.pk == form.cleaned_data["official"])
            _say(request, official, plot_assignments.plots_assign(actor=request.user, official=official, plots=plots))
        return redirect(_next(request) or "collection:assign")
    return render(
        request,
        "collection/assign.html",
        {
            "form": form,
            "loads": plot_assignments.official_loads(request.user),
            "hamlets": plot_assignments.hamlets_for(request.user),
        },
    )


def _say(request: HttpRequest, official: User, result: plot_assignments.AssignResult) -> None:
    name = plot_assignments.official_label(official)
    text = ngettext("Đã giao %(n)d thửa cho %(name)s.", "Đã giao %(n)d thửa cho %(name)s.", result.assigned) % {
        "n": result.assigned,
        "name": name,
    }
    if result.moved:
        text += " " + ngettext(
            "%(n)d thửa chuyển từ cán bộ khác.", "%(n)d thửa chuyển từ cán bộ khác.", result.moved
        ) % {"n": result.moved}
    if result.kept:
        text += " " + ngettext(
            "%(n)d thửa đã giao cho cán bộ này từ trước.", "%(n)d thửa đã giao cho cán bộ này từ trước.", result.kept
        ) % {"n": result.kept}
    if result.refused:
        text += " " + ngettext(
            "%(n)d thửa không thuộc xã hoặc tổ của cán bộ này nên không giao.",
            "%(n)d thửa không thuộc xã hoặc tổ của cán bộ này nên không giao.",
            result.refused,
        ) % {"n": result.refused}
    if result.assigned or result.kept:
        messages.success(request, text)
    else:
        messages.warning(request, text if result.refused else _("Không có thửa nào khớp với lựa chọn."))


def _next(request: HttpRequest) -> str | None:
    """Back to the plot list the selection was made in (same site only)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return None
