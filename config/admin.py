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
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.thirdparty import OTP_ADMIN_TEXTS, local_time


class PortalTOTPDeviceAdmin(TOTPDeviceAdmin):
    """django-otp's admin with its fieldset titles, QR column and search help translatable."""

    search_help_text = _("Tìm theo tên đăng nhập hoặc email của người dùng")

    def get_fieldsets(self, request, obj=None):
        return [
            (OTP_ADMIN_TEXTS.get(name, name) if name else None, opts)
            for name, opts in super().get_fieldsets(request, obj)
        ]

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


def _reregister(model, admin_class) -> None:
    """Replace the app's own admin of `model`, if it registered one."""
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, admin_class)


_reregister(TOTPDevice, PortalTOTPDeviceAdmin)
_reregister(AccessAttempt, PortalAccessAttemptAdmin)
