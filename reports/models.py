"""What the reports keep between requests: scan bundles built for the registration office."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from landdata.models import Commune


class ScanBundle(models.Model):
    """A ZIP of a commune's scans (optionally a collection-date range) for the registration office.

    Built by a Celery task; at most one pending/running bundle per commune and range, so a second
    request joins the running one instead of doing the work twice.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ")
        RUNNING = "running", _("Đang tạo")
        DONE = "done", _("Hoàn tất")
        FAILED = "failed", _("Lỗi")
        EXPIRED = "expired", _("Đã xoá sau thời hạn lưu")

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="+", verbose_name=_("xã/phường"))
    date_from = models.DateField(_("từ ngày"), null=True, blank=True)
    date_to = models.DateField(_("đến ngày"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING)
    done = models.PositiveIntegerField(_("đã đóng gói"), default=0)
    total = models.PositiveIntegerField(_("tổng số ảnh"), default=0)
    file = models.FileField(upload_to="bundles/", max_length=255, blank=True)
    size_bytes = models.BigIntegerField(default=0)
    # Records whose scans are in the archive: each download logs an access per record.
    record_ids = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created = models.DateTimeField(_("tạo lúc"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("gói ảnh chụp")
        verbose_name_plural = _("gói ảnh chụp")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "date_from", "date_to"],
                condition=models.Q(status__in=["pending", "running"]),
                nulls_distinct=False,
                name="scanbundle_one_active_per_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.date_from or ''}–{self.date_to or ''} ({self.get_status_display()})"

    @property
    def percent_done(self) -> int:
        return int(self.done * 100 / self.total) if self.total else (100 if self.status == "done" else 0)
