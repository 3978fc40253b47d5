"""The citizen's link: the official makes or revokes it on the plot page; the citizen opens it without
an account. Thin: scope and role, then `collection.citizen`."""

from __future__ import annotations

import base64

import zxingcpp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from collection import citizen
from collection.models import CitizenLink, ScanKind
from collection.scope import restrict
from landdata.models import Plot


def _qr_data_uri(text: str) -> str:
    svg = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode).to_svg()
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@login_required
@require_POST
def link_create(request: HttpRequest, plot_id: int) -> HttpResponse:
    try:
        link, token = citizen.link_create(
            user=request.user, plot_id=plot_id, days=int(request.POST.get("days") or citizen.DEFAULT_DAYS)
        )
    except ValueError:
        messages.error(request, _("Số ngày không hợp lệ."))
        return redirect("collection:plot_detail", plot_id=plot_id)
    url = request.build_absolute_uri(reverse("citizen_page", args=[token]))
    plot = link.plot
    text = _(
        "Kính gửi ông/bà: để bổ sung giấy tờ thửa đất tờ %(sheet)s thửa %(number)s, xin chụp ảnh giấy chứng nhận "
        "và CCCD của từng người đứng tên rồi gửi qua đường dẫn sau (dùng được đến ngày %(date)s): %(url)s"
    ) % {
        "sheet": plot.map_sheet,
        "number": plot.plot_number,
        "date": timezone.localtime(link.expires_at).strftime("%d/%m/%Y"),
        "url": url,
    }
    response = render(
        request,
        "collection/citizen_link_created.html",
        {"link": link, "plot": plot, "url": url, "qr": _qr_data_uri(url), "message_text": text},
    )
    response["Cache-Control"] = "no-store"  # the token is shown once
    return response


@login_required
@require_POST
def link_revoke(request: HttpRequest, link_id: int) -> HttpResponse:
    link = citizen.link_revoke(user=request.user, link_id=link_id)
    messages.success(request, _("Đã thu hồi đường dẫn: người dân không gửi được ảnh qua đường dẫn đó nữa."))
    return redirect("collection:plot_detail", plot_id=link.plot_id)


def plot_links(user, plot: Plot) -> list[CitizenLink]:
    """The plot's links for its page, newest first."""
    return list(restrict(CitizenLink.objects.filter(plot=plot), user).select_related("created_by", "record")[:10])


CITIZEN_KINDS = [
    ("cert", gettext_lazy("Giấy chứng nhận (chụp từng trang)")),
    (ScanKind.ID_FRONT, gettext_lazy("CCCD mặt trước của người đứng tên")),
    (ScanKind.ID_BACK, gettext_lazy("CCCD mặt sau của người đứng tên")),
    (ScanKind.CO_ID_FRONT, gettext_lazy("CCCD mặt trước của người đồng sở hữu (nếu có)")),
    (ScanKind.CO_ID_BACK, gettext_lazy("CCCD mặt sau của người đồng sở hữu (nếu có)")),
]


@require_GET
def citizen_page(request: HttpRequest, token: str) -> HttpResponse:
    """The citizen's page: the plot's commune, sheet and number only (never a name or an ID number)."""
    try:
        link = citizen.link_open(token)
    except citizen.LinkClosed as exc:
        response = render(
            request,
            "collection/citizen_closed.html",
            {"message": exc.message},
            status=404 if exc.reason == "unknown" else 410,
        )
    else:
        kinds = [(value, str(label)) for value, label in CITIZEN_KINDS]
        response = render(
            request,
            "collection/citizen.html",
            {
                "link": link,
                "plot": link.plot,
                "kinds": kinds,
                "uploads_url": reverse("citizen_uploads", args=[token]),
                "details_url": reverse("citizen_details", args=[token]),
                "max_bytes": settings.SCAN_MAX_BYTES,
                "max_files": citizen.MAX_FILES,
            },
        )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"  # the token is in the address
    response["X-Robots-Tag"] = "noindex"
    return response
