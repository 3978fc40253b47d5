"""Signing in, with "ghi nhớ thiết bị này" (collection.devices): a phone stays signed in all day."""

from __future__ import annotations

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from collection.devices import device_remember


class LoginForm(AuthenticationForm):
    remember = forms.BooleanField(label=_("Ghi nhớ thiết bị này (đăng nhập suốt ngày làm việc)"), required=False)


class LoginView(auth_views.LoginView):
    form_class = LoginForm

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.cleaned_data.get("remember"):
            device_remember(request=self.request)
        return response
