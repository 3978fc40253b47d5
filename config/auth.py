"""Signing in, with "ghi nhớ thiết bị này" (collection.devices): a phone stays signed in all day."""

from __future__ import annotations

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from collection.devices import device_remember


class LoginForm(AuthenticationForm):
    remember = forms.BooleanField(label=_("Ghi nhớ thiết bị này (đăng nhập suốt ngày làm việc)"), required=False)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    # The phone's scripts on the login page too: it says what the outbox still holds, and sends it after.
    extra_context = {"offline_shell": True}

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.cleaned_data.get("remember"):
            device_remember(request=self.request)
        return response


def csrf_failure(request, reason: str = "") -> HttpResponse:
    """A form sent with an ended session or without cookies (CSRF_FAILURE_VIEW): plain words and a way
    back, instead of Django's English page. The phone's outbox keeps what was typed meanwhile."""
    login = reverse("login")
    back = request.path if url_has_allowed_host_and_scheme(request.path, allowed_hosts={request.get_host()}) else "/"
    return render(request, "registration/csrf_failure.html", {"login_url": f"{login}?next={back}"}, status=403)
