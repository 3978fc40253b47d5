"""Optional second factor (TOTP through django-otp): enrol an authenticator app, then confirm a code
once per login. Required for the roles in settings.OTP_REQUIRED_ROLES (config.middleware)."""

from __future__ import annotations

import base64

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from collection.scope import user_scope


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Mã 6 chữ số"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def otp_required(user) -> bool:
    """Whether this user's role must confirm a TOTP code (settings.OTP_REQUIRED_ROLES; superusers count
    as "admin"). Asked by the middleware for every page and before an API token is made."""
    roles = set(getattr(settings, "OTP_REQUIRED_ROLES", []) or [])
    if not roles or user is None or not user.is_authenticated:
        return False
    return user_scope(user).role in roles or (user.is_superuser and "admin" in roles)


def otp_passed(user) -> bool:
    """Whether this request's user confirmed a code in this session (django_otp's OTPMiddleware)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def totp_device_for(*, user) -> tuple[TOTPDevice, bool]:
    """The user's confirmed TOTP device, or the one being enrolled (created once); True when confirmed."""
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed is not None:
        return confirmed, True
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="app", confirmed=False)
    return device, False


def totp_verify(*, device: TOTPDevice, token: str) -> bool:
    """Check the code (django-otp throttles repeated failures); a first good code confirms enrolment."""
    if not device.verify_token(token.strip().replace(" ", "")):
        return False
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    device, confirmed = totp_device_for(user=request.user)
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = "/"
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_verify(device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(next_url)
        form.add_error("token", _("Mã không đúng hoặc đã hết hạn; hãy nhập mã mới trong ứng dụng."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/second_factor.html",
        {
            "form": form,
            "enrolling": not confirmed,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "config_url": device.config_url,
            "next": next_url,
        },
    )
