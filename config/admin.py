"""The third-party apps' admin pages, where they write texts that cannot be translated as they stand.

django-otp's TOTP device admin titles its fieldsets in plain English and builds its search help from
English words; django-axes' attempt list has a status column without a title and an action whose
message is an f-string (never found in a catalogue). Each is re-registered with a subclass that says
the same in a translatable way; everything else they show is translated in locale_thirdparty/.
This module is loaded by the admin's autodiscovery after theirs (the portal's app comes after them
in INSTALLED_APPS).
"""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.models import ApiToken
from config.passwords import password_change_require, password_reset
from config.thirdparty import OTP_ADMIN_TEXTS, local_time


class PortalTOTPDeviceAdmin(TOTPDeviceAdmin):
    """django-otp's admin with its fieldset titles, QR column and search help translatable."""

    search_help_text = _("Tìm theo tên đăng nhập hoặc email của người dùng")

    def get_fieldsets(self, request, obj=None):
        return [
            (OTP_ADMIN_TEXTS.get(name, name) if name else None, opts)
            for name, opts in super().get_fieldsets(request, obj)
        ]

    # django-otp's own views look the device up with .get(): a missing one answered 500, not 404.
    def config_view(self, request, pk):
        get_object_or_404(TOTPDevice, pk=pk)
        return super().config_view(request, pk)

    def qrcode_view(self, request, pk):
        get_object_or_404(TOTPDevice, pk=pk)
        return super().qrcode_view(request, pk)

    @admin.display(description=_("mã QR"))
    def qrcode_link(self, device: TOTPDevice) -> str:
        try:
            href = reverse("admin:otp_totp_totpdevice_config", kwargs={"pk": device.pk})
        except NoReverseMatch:
            return ""
        return format_html('<a href="{}">{}</a>', href, gettext("mã QR"))


class PortalAccessAttemptAdmin(AccessAttemptAdmin):
    """axes' list of failed logins with a titled status column, an action message that can be
    translated, and local times."""

    @admin.display(description=_("trạng thái"))
    def status(self, obj: AccessAttempt) -> str:
        left = axes_settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if left > 0:
            return gettext("còn %(n)d lần thử") % {"n": left}
        return gettext("đang bị khoá")

    @admin.display(description=_("hết hạn lúc"))
    def expiration(self, obj: AccessAttempt) -> str:
        return local_time(obj.expiration.expires_at) if hasattr(obj, "expiration") else gettext("chưa đặt")

    @admin.action(description=_("Xoá các lần thử đã hết hạn"))
    def cleanup_expired_attempts(self, request, queryset):
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(request, gettext("Đã xoá %(n)d lần thử đăng nhập đã hết hạn.") % {"n": count})


class PortalUserAdmin(UserAdmin):
    """Django's user admin, and: a password an admin typed (a new account, "change password") must be
    replaced by the user's own at their next page; the action "Đặt lại mật khẩu" gives one-time links
    instead, shown once (config.passwords)."""

    actions = ["reset_password"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            password_change_require(user=obj)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and isinstance(response, HttpResponseRedirect):
            user = self.get_object(request, id)
            if user is not None:
                password_change_require(user=user)
        return response

    @admin.action(description=_("Đặt lại mật khẩu"), permissions=["change"])
    def reset_password(self, request, queryset):
        links = [(user.get_username(), password_reset(user=user, request=request)) for user in queryset]
        emailed = bool(getattr(settings, "EMAIL_HOST", "")) and any(user.email for user in queryset)
        response = TemplateResponse(
            request,
            "admin/password_reset_links.html",
            {**self.admin_site.each_context(request), "links": links, "emailed": emailed, "opts": self.opts},
        )
        add_never_cache_headers(response)  # the links are shown this once
        return response


class ApiTokenAdmin(admin.ModelAdmin):
    """API tokens: who has which, since and until when, by the token's first characters only (the rest
    is stored nowhere). An admin can revoke (delete) one; nobody makes one here: only its owner does, on
    their own page, after their second factor."""

    list_display = ("prefix", "name", "user", "created", "expiry", "second_factor")
    list_filter = ("second_factor",)
    search_fields = ("token_key", "name", "user__username")
    fields = ("prefix", "name", "user", "created", "expiry", "second_factor")
    readonly_fields = fields
    list_select_related = ("user",)

    @admin.display(description=_("phần đầu của khoá"), ordering="token_key")
    def prefix(self, token: ApiToken) -> str:
        return f"{token.token_key}…"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _reregister(model, admin_class) -> None:
    """Replace the app's own admin of `model`, if it registered one."""
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, admin_class)


_reregister(TOTPDevice, PortalTOTPDeviceAdmin)
_reregister(AccessAttempt, PortalAccessAttemptAdmin)
_reregister(get_user_model(), PortalUserAdmin)
admin.site.register(ApiToken, ApiTokenAdmin)
