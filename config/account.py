"""The signed-in user's own account pages: their API tokens (config.tokens). The password pages are in
config.passwords. Only the user's own rows are ever read or changed here: every query is by
request.user, so there is no object of anyone else to reach.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from config.second_factor import otp_passed
from config.tokens import TokenRefused, token_issue, token_revoke, tokens_of


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Tên gọi của khoá (để nhận ra khi cần thu hồi)"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("ví dụ: máy tính báo cáo tuần")}),
    )


@never_cache
@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """List, create (the new token shown on this one response only) and revoke the user's API tokens."""
    form = TokenCreateForm(request.POST if request.method == "POST" and "name" in request.POST else None)
    new_token: str | None = None
    if request.method == "POST" and "revoke" in request.POST:
        if token_revoke(user=request.user, token_key=request.POST["revoke"]):
            messages.success(request, gettext("Đã thu hồi khoá; nó không còn dùng được."))
        return redirect("api_tokens")
    if request.method == "POST" and form.is_valid():
        try:
            _instance, new_token = token_issue(
                user=request.user, name=form.cleaned_data["name"], second_factor_passed=otp_passed(request.user)
            )
        except TokenRefused as exc:
            form.add_error(None, str(exc))
        else:
            form = TokenCreateForm()
    return render(
        request,
        "registration/api_tokens.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": tokens_of(user=request.user),
            "days": settings.API_TOKEN_DAYS,
        },
    )
