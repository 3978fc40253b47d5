"""A citizen's own link: the photos of one plot sent from the citizen's phone, without an account.

An official makes the link on the plot page for a chosen number of days and can revoke it. The token
(32 random bytes, URL-safe) is shown once, in the link and its QR code; only its SHA-256 is stored.
What arrives becomes a draft record of the plot with channel `self_submitted` (source "citizen"), its
CCCD's QR read into it, for the official to check, complete and submit. Limits: files per link, and
requests per link and per address in a sliding hour; every use is logged (CitizenSubmission).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from collection import history, services, signals
from collection.models import (
    EDITABLE_STATUSES,
    Channel,
    ChunkedUpload,
    CitizenLink,
    CitizenSubmission,
    CollectedRecord,
    RecordChange,
    Role,
    Scan,
    ScanKind,
)
from collection.scans.qr import parse_cccd_qr
from collection.scope import get_scoped_or_404, user_scope
from landdata.models import Plot

LINK_ROLES = (Role.OFFICIAL, Role.GROUP_LEADER, Role.ADMIN)
MAX_DAYS = 60
DEFAULT_DAYS = 14
MAX_FILES = 20  # photos per link: the certificate's pages and two cards, with room for retakes
PER_LINK_PER_HOUR = 120  # requests (a photo is a few chunk requests)
PER_ADDRESS_PER_HOUR = 300


class LinkClosed(Exception):
    """The link cannot be used: unknown, expired or revoked. The message is for the citizen."""

    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.message = message
        self.reason = reason


class LinkRefused(Exception):
    """Too many files or requests: the message is for the citizen."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_create(*, user, plot_id: int, days: int = DEFAULT_DAYS) -> tuple[CitizenLink, str]:
    """A new link for one plot of the user's scope; returns it and its token (shown once)."""
    plot = get_scoped_or_404(Plot.objects.all(), user, pk=plot_id)
    if user_scope(user).role not in LINK_ROLES:
        raise PermissionDenied
    days = max(1, min(int(days), MAX_DAYS))
    token = secrets.token_urlsafe(32)
    link = CitizenLink.objects.create(
        plot=plot, token_hash=token_hash(token), created_by=user, expires_at=timezone.now() + dt.timedelta(days=days)
    )
    return link, token


def link_revoke(*, user, link_id: int) -> CitizenLink:
    link = get_scoped_or_404(CitizenLink.objects.all(), user, pk=link_id)
    if user_scope(user).role not in LINK_ROLES:
        raise PermissionDenied
    if link.revoked_at is None:
        CitizenLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
        link.refresh_from_db()
    return link


def link_open(token: str) -> CitizenLink:
    """The link of `token`, if it may still be used; LinkClosed (in Vietnamese) otherwise."""
    link = (
        CitizenLink.objects.filter(token_hash=token_hash(token or ""))
        .select_related("plot__former_commune__commune")
        .first()
    )
    if link is None:
        raise LinkClosed(_("Đường dẫn không đúng. Hãy kiểm tra lại tin nhắn của cán bộ."), reason="unknown")
    if link.revoked_at is not None:
        raise LinkClosed(
            _("Đường dẫn này đã được cán bộ thu hồi. Hãy liên hệ cán bộ xã để nhận đường dẫn mới."), reason="revoked"
        )
    if link.expires_at <= timezone.now():
        raise LinkClosed(
            _("Đường dẫn này đã hết hạn ngày %(date)s. Hãy liên hệ cán bộ xã để nhận đường dẫn mới.")
            % {"date": timezone.localtime(link.expires_at).strftime("%d/%m/%Y")},
            reason="expired",
        )
    return link


def link_log(link: CitizenLink, what: str, *, ip_address: str | None, detail: str = "") -> None:
    CitizenSubmission.objects.create(link=link, what=what, ip_address=ip_address, detail=detail[:300])


def _within(key: str, limit: int) -> bool:
    """A sliding-hour counter in the shared cache: False once `limit` requests were made."""
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        return True


def link_allow_request(link: CitizenLink, *, ip_address: str | None) -> None:
    """Rate limits per link and per address; LinkRefused (and logged) beyond them."""
    hour = timezone.now().strftime("%Y%m%d%H")
    if not _within(f"citizen:link:{link.pk}:{hour}", PER_LINK_PER_HOUR) or not _within(
        f"citizen:ip:{ip_address}:{hour}", PER_ADDRESS_PER_HOUR
    ):
        link_log(link, "refused", ip_address=ip_address, detail="rate")
        raise LinkRefused(_("Đã gửi quá nhiều lần trong một giờ. Hãy thử lại sau."))


def link_allow_photo(link: CitizenLink, *, ip_address: str | None, upload_id=None) -> None:
    """A new photo: within the link's count of files (a creation sent again is the same photo)."""
    uploads = ChunkedUpload.objects.filter(citizen_link=link)
    if upload_id is not None and uploads.filter(pk=upload_id).exists():
        return
    if uploads.count() >= MAX_FILES:
        link_log(link, "refused", ip_address=ip_address, detail="files")
        raise LinkRefused(
            _("Đã nhận đủ %(n)d ảnh cho thửa này. Nếu cần gửi thêm, hãy liên hệ cán bộ xã.") % {"n": MAX_FILES}
        )


def link_record(link: CitizenLink) -> CollectedRecord:
    """The draft the link's photos go to: made with the first one, channel `self_submitted`."""
    with transaction.atomic():
        locked = CitizenLink.objects.select_for_update().get(pk=link.pk)
        record = locked.record
        if record is None or record.status not in EDITABLE_STATUSES:
            record = services.record_new_draft(
                plot=locked.plot,
                user=locked.created_by,
                source=CollectedRecord.Source.CITIZEN,
                channel=Channel.SELF_SUBMITTED,
                actor=history.CITIZEN,
            )
            CitizenLink.objects.filter(pk=link.pk).update(record=record)
            link.record = record
        return record


def link_details(link: CitizenLink, *, phone: str, note: str, ip_address: str | None) -> CollectedRecord:
    """The citizen's phone number (kept with the link) and note (added to the record's notes)."""
    phone = "".join(c for c in phone if c.isdigit() or c == "+")[:20]
    note = note.strip()[:1000]
    record = link_record(link)
    with transaction.atomic():
        CitizenLink.objects.filter(pk=link.pk).update(contact_phone=phone)
        if note:
            stamp = timezone.localtime().strftime("%d/%m/%Y %H:%M")
            line = _("Người dân ghi (%(at)s): %(note)s") % {"at": stamp, "note": note}
            before = history.snapshot(record)
            record.notes = f"{record.notes}\n{line}".strip()
            CollectedRecord.objects.filter(pk=record.pk).update(notes=record.notes, updated_at=timezone.now())
            history.record_changed(
                record=record, user=None, action=RecordChange.Action.CHANGED, before=before, actor=history.CITIZEN
            )
    link_log(link, "details", ip_address=ip_address, detail=f"phone={bool(phone)} note={len(note)}")
    return record


@receiver(signals.scan_processed)
def read_citizens_card_into_record(sender, scan_id, record_id: int, **kwargs) -> None:
    """A CCCD photo a citizen sent: its QR fills the holder's blank fields of the citizen's draft."""
    scan = Scan.objects.filter(pk=scan_id, kind=ScanKind.ID_FRONT, status=Scan.Status.READY).first()
    if scan is None or not scan.qr_payload:
        return
    record = CollectedRecord.objects.filter(
        pk=record_id, source=CollectedRecord.Source.CITIZEN, status__in=EDITABLE_STATUSES
    ).first()
    qr = parse_cccd_qr(scan.qr_payload)
    if record is None or qr is None or record.holder_name:
        return
    values = {
        "holder_name": qr.name,
        "holder_birth_year": qr.birth_date.year,
        "holder_birth_date": qr.birth_date,
        "holder_id_number": qr.id_number,
        "holder_old_id_number": qr.old_id_number,
    }
    before = history.snapshot(record)
    with transaction.atomic():
        CollectedRecord.objects.filter(pk=record.pk).update(**values, updated_at=timezone.now())
        for name, value in values.items():
            setattr(record, name, value)
        # Read from the QR of the card the citizen sent: the system wrote it, from the citizen's photo.
        history.record_changed(
            record=record, user=None, action=RecordChange.Action.CHANGED, before=before, actor=history.SYSTEM
        )
