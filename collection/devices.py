"""Phones that stay signed in through the working day ("ghi nhớ thiết bị này"), and their revocation.

Without it a session ends when the browser closes (SESSION_EXPIRE_AT_BROWSER_CLOSE) or after
SESSION_COOKIE_AGE. A remembered device's session outlives a closed browser for
DEVICE_SESSION_SECONDS and is listed, so that an admin can revoke it: revoking deletes its session.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from collection.models import RememberedDevice
from collection.network import client_ip


def device_remember(*, request) -> RememberedDevice:
    seconds = settings.DEVICE_SESSION_SECONDS
    request.session.set_expiry(seconds)
    request.session.save()
    return RememberedDevice.objects.create(
        user=request.user,
        session_key=request.session.session_key,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        ip_address=client_ip(request),
        expires_at=timezone.now() + dt.timedelta(seconds=seconds),
    )


def devices_revoke(*, devices) -> int:
    """End the sessions of these remembered devices now (the phone must sign in again)."""
    keys = [d.session_key for d in devices if d.revoked_at is None]
    Session.objects.filter(session_key__in=keys).delete()
    return RememberedDevice.objects.filter(session_key__in=keys).update(revoked_at=timezone.now())
