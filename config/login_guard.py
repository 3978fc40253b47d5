"""Login throttling per address, on top of django-axes' lockout per (username, address).

Axes locks a username from an address after AXES_FAILURE_LIMIT wrong passwords. That alone lets one
address try four passwords on every account (password spraying). Axes accepts several lockout
parameter combinations but only one failure limit for all of them, and a commune office's officials
share one address, so the address needs a higher limit of its own: after LOGIN_ADDRESS_FAILURE_LIMIT
failed logins from one address within AXES_COOLOFF_TIME, every login from it is refused (even with
the right password) until the oldest of them is that old.

The failures are counted from axes' own failure log (AccessFailureLog, one row per failed login,
written by the handler below), so every web process counts the same ones. Rows older than the
window are deleted as new failures come: the log holds the last AXES_COOLOFF_TIME only.

When one address fails on LOGIN_SPRAY_ALERT_USERNAMES distinct usernames within the window, that is
spraying, not officials mistyping: a WARNING goes to the "portal.security" logger and an e-mail to
ADMINS (mail_admins), once each time the count reaches the threshold.
"""

from __future__ import annotations

import datetime as dt
import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessFailureLog
from django.conf import settings
from django.core.mail import mail_admins
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger("portal.security")


def _window(request=None) -> dt.timedelta:
    return get_cool_off(request) or dt.timedelta(minutes=15)


def address_failures(address: str | None, *, since: dt.datetime) -> QuerySet[AccessFailureLog]:
    """Failed logins from `address` since `since` (an unreadable address counts as one address)."""
    rows = AccessFailureLog.objects.filter(attempt_time__gte=since)
    return rows.filter(ip_address__isnull=True) if address is None else rows.filter(ip_address=address)


def address_locked(address: str | None, *, now: dt.datetime | None = None, request=None) -> bool:
    since = (now or timezone.now()) - _window(request)
    return address_failures(address, since=since).count() >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


def _mark_address_locked(request) -> None:
    """For the lockout page (registration/locked_out.html): the address is locked, not the username."""
    request.login_address_locked = True
    request.login_address_limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT


def spraying_alert(*, address: str | None, usernames: int, failures: int, window: dt.timedelta) -> None:
    """Tell the admins that one address is trying many accounts."""
    minutes = int(window.total_seconds() // 60)
    where = address or _("không rõ địa chỉ")
    logger.warning(
        "password spraying: %s failed to log in as %d different usernames (%d failures) in %d minutes",
        where,
        usernames,
        failures,
        minutes,
    )
    mail_admins(
        _("Cảnh báo: đăng nhập sai vào nhiều tài khoản từ địa chỉ %(address)s") % {"address": where},
        _(
            "Trong %(minutes)d phút qua, địa chỉ %(address)s đã đăng nhập sai %(failures)d lần vào "
            "%(usernames)d tài khoản khác nhau. Có thể ai đó đang dò mật khẩu. Địa chỉ này bị chặn "
            "đăng nhập sau %(limit)d lần sai. Xem danh sách lần đăng nhập sai trong trang quản trị."
        )
        % {
            "minutes": minutes,
            "address": where,
            "failures": failures,
            "usernames": usernames,
            "limit": settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        },
        fail_silently=True,
    )


class PortalAxesHandler(AxesDatabaseHandler):
    """Axes' database handler (AXES_HANDLER) with the per-address limit and the spraying alert."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        if address_locked(request.axes_ip_address, now=request.axes_attempt_time, request=request):
            _mark_address_locked(request)
            return True
        return False

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None:
            return
        now = request.axes_attempt_time
        window = _window(request)
        AccessFailureLog.objects.filter(attempt_time__lt=now - window).delete()
        rows = address_failures(request.axes_ip_address, since=now - window)
        failures = rows.count()
        if failures >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            # Axes' own count is per username: have its middleware answer with the lockout page.
            request.axes_locked_out = True
            request.axes_credentials = credentials
            _mark_address_locked(request)
        # A username this address had not failed on before in the window: count the distinct ones.
        if rows.filter(username=get_client_username(request, credentials)).count() == 1:
            usernames = rows.values("username").distinct().count()
            if usernames == settings.LOGIN_SPRAY_ALERT_USERNAMES:
                spraying_alert(address=request.axes_ip_address, usernames=usernames, failures=failures, window=window)
