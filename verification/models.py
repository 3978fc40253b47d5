"""Flags raised by matching, reviewers' decisions, and the outcome of each collected plot."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from collection.models import CollectedRecord
from landdata.models import Commune, FormerCommune, LandUser, Plot


class FlagCode(models.TextChoices):
    PLOT_NOT_IN_REGISTRY = "PLOT_NOT_IN_REGISTRY", _("Thửa không có trong sổ địa chính")
    OWNER_NAME_MISMATCH = "OWNER_NAME_MISMATCH", _("Tên chủ sử dụng khác")
    ID_NUMBER_MISMATCH = "ID_NUMBER_MISMATCH", _("Số giấy tờ tùy thân khác")
    ID_INVALID = "ID_INVALID", _("Số giấy tờ tùy thân không hợp lệ")
    ID_CONFLICT = "ID_CONFLICT", _("Một số giấy tờ cho nhiều người")
    BIRTH_MISMATCH = "BIRTH_MISMATCH", _("Năm sinh khác")
    CERTIFICATE_MISMATCH = "CERTIFICATE_MISMATCH", _("Số GCN khác")
    AREA_MISMATCH = "AREA_MISMATCH", _("Diện tích khác")
    LAND_USE_MISMATCH = "LAND_USE_MISMATCH", _("Mục đích sử dụng khác")
    USER_NOT_HOLDER = "USER_NOT_HOLDER", _("Người sử dụng không phải chủ GCN")
    CERTIFICATE_STATUS = "CERTIFICATE_STATUS", _("Tình trạng GCN đặc biệt")
    DUPLICATE_RECORD = "DUPLICATE_RECORD", _("Bản ghi trùng không khớp")
    DUPLICATE_SCAN = "DUPLICATE_SCAN", _("Ảnh trùng ở thửa khác")
    MISSING_DOCUMENTS = "MISSING_DOCUMENTS", _("Thiếu ảnh giấy tờ")


class Severity(models.TextChoices):
    HIGH = "high", _("Cao")
    MEDIUM = "medium", _("Trung bình")
    LOW = "low", _("Thấp")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Chưa xử lý")
    ACCEPTED = "accepted", _("Chấp nhận giá trị thu thập")
    KEPT = "kept", _("Giữ giá trị sổ địa chính")
    RETURNED = "returned", _("Trả về xã")
    DISMISSED = "dismissed", _("Bỏ qua")


OPEN_STATUSES = (FlagStatus.OPEN, FlagStatus.RETURNED)


class Decision(models.TextChoices):
    """What a reviewer can decide on a flag (the form, the bulk form and the API offer these words)."""

    ACCEPT = "accept", _("Chấp nhận giá trị thu thập")
    KEEP = "keep", _("Giữ giá trị sổ địa chính")
    RETURN = "return", _("Trả về xã")
    DISMISS = "dismiss", _("Bỏ qua")


# The flag status each decision leads to.
DECISION_STATUS: dict[str, str] = {
    Decision.ACCEPT: FlagStatus.ACCEPTED,
    Decision.KEEP: FlagStatus.KEPT,
    Decision.RETURN: FlagStatus.RETURNED,
    Decision.DISMISS: FlagStatus.DISMISSED,
}
# Decisions that need a reason the commune (or the history) can read.
NOTE_REQUIRED = frozenset({Decision.RETURN, Decision.DISMISS})


class Flag(models.Model):
    """One discrepancy between a collected record and the registry (contract §4)."""

    record = models.ForeignKey(CollectedRecord, on_delete=models.CASCADE, related_name="flags")
    plot = models.ForeignKey(Plot, on_delete=models.SET_NULL, null=True, blank=True, related_name="flags")
    # Denormalised plot key and unit so the queue filters without joins.
    # Looked up through flag_former_idx and flag_queue_idx, which lead with them: no index of their own.
    former_commune = models.ForeignKey(FormerCommune, on_delete=models.PROTECT, related_name="+", db_index=False)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+", db_index=False)
    land_user = models.ForeignKey(LandUser, on_delete=models.SET_NULL, null=True, blank=True, related_name="flags")
    code = models.CharField(_("mã"), max_length=32, choices=FlagCode.choices)
    field = models.CharField(_("trường"), max_length=64, blank=True)
    registry_value = models.CharField(_("giá trị sổ địa chính"), max_length=300, blank=True)
    collected_value = models.CharField(_("giá trị thu thập"), max_length=300, blank=True)
    severity = models.CharField(_("mức độ"), max_length=8, choices=Severity.choices)
    status = models.CharField(_("trạng thái"), max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    similarity = models.FloatField(_("độ giống tên"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped on every decision: a reviewer deciding on a stale version is told, not obeyed.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("sai lệch")
        verbose_name_plural = _("sai lệch")
        constraints = [
            models.UniqueConstraint(fields=["record", "code", "field"], name="flag_unique_per_record"),
        ]
        indexes = [
            models.Index(fields=["commune", "status", "code"], name="flag_queue_idx"),
            models.Index(fields=["former_commune", "status"], name="flag_former_idx"),
            models.Index(fields=["status", "severity", "created_at"], name="flag_severity_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.field}"


class FlagDecision(models.Model):
    """Append-only history of what was decided on a flag, by whom and why."""

    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="decisions")
    from_status = models.CharField(max_length=10, choices=FlagStatus.choices)
    to_status = models.CharField(max_length=10, choices=FlagStatus.choices)
    note = models.TextField(_("lý do"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quyết định")
        verbose_name_plural = _("quyết định")
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.flag_id}: {self.from_status} → {self.to_status}"

    # Append-only: a decision once written is history (who, when, why); never changed or removed.
    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("FlagDecision is append-only: it cannot be changed once written.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("FlagDecision is append-only: it cannot be deleted.")


class RegistryCorrection(models.Model):
    """A registry value replaced by a collected one after a reviewer accepted it."""

    flag = models.ForeignKey(Flag, on_delete=models.PROTECT, related_name="corrections")
    model = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    field = models.CharField(max_length=64)
    old_value = models.CharField(max_length=300, blank=True)
    new_value = models.CharField(max_length=300, blank=True)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    corrected_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.model} {self.object_id}.{self.field}: {self.old_value} → {self.new_value}"


class Outcome(models.TextChoices):
    PENDING_REVIEW = "pending_review", _("Chờ kiểm tra")
    NOT_IN_REGISTRY = "not_in_registry", _("Không có trong sổ")
    CLEANED = "cleaned", _("Đã làm sạch")
    ENRICHED = "enriched", _("Đã làm giàu")
    VERIFIED = "verified", _("Đã xác minh")


class PlotOutcome(models.Model):
    """The outcome of one collected plot key (contract §5), kept so dashboards need no recomputation."""

    # Looked up through outcome_plot_key_unique and outcome_commune_idx, which lead with them.
    former_commune = models.ForeignKey(FormerCommune, on_delete=models.PROTECT, related_name="+", db_index=False)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+", db_index=False)
    sheet_key = models.CharField(max_length=20)
    number_key = models.CharField(max_length=20)
    plot = models.ForeignKey(Plot, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    open_flags = models.PositiveIntegerField(default=0)
    enrichments = models.JSONField(default=list, blank=True)
    first_collected_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["former_commune", "sheet_key", "number_key"], name="outcome_plot_key_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["commune", "outcome"], name="outcome_commune_idx"),
            models.Index(fields=["outcome"], name="outcome_outcome_idx"),  # exact only: no LIKE twin
        ]

    def __str__(self) -> str:
        return f"{self.former_commune_id} {self.sheet_key}/{self.number_key}: {self.outcome}"


class LandUserStatus(models.Model):
    class Status(models.TextChoices):
        UNIFIED = "unified", _("Đã thống nhất")
        NOT_MATCHED = "not_matched", _("Chưa khớp")
        NOT_IDENTIFIED = "not_identified", _("Chưa xác định")

    land_user = models.OneToOneField(
        LandUser, on_delete=models.CASCADE, primary_key=True, related_name="campaign_status"
    )
    # Looked up through landuser_status_idx, which leads with it.
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+", db_index=False)
    status = models.CharField(max_length=16, choices=Status.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["commune", "status"], name="landuser_status_idx")]

    def __str__(self) -> str:
        return f"{self.land_user_id}: {self.status}"


class EnrichmentKind(models.TextChoices):
    CCCD = "cccd", _("Bổ sung CCCD")
    BIRTH_DATE = "birth_date", _("Bổ sung ngày sinh đầy đủ")
    DIACRITICS = "diacritics", _("Bổ sung dấu tiếng Việt cho tên")
    ACTUAL_USER = "actual_user", _("Bổ sung người đang sử dụng")
    CO_HOLDER = "co_holder", _("Bổ sung người đồng sở hữu")


class Enrichment(models.Model):
    """Something a collected record adds that the registry lacked; written by matching, read by outcomes."""

    record = models.ForeignKey(CollectedRecord, on_delete=models.CASCADE, related_name="enrichments")
    land_user = models.ForeignKey(
        LandUser, on_delete=models.SET_NULL, null=True, blank=True, related_name="enrichments"
    )
    kind = models.CharField(_("loại"), max_length=16, choices=EnrichmentKind.choices)
    field = models.CharField(_("trường"), max_length=64, blank=True)
    registry_value = models.CharField(_("giá trị sổ địa chính"), max_length=300, blank=True)
    collected_value = models.CharField(_("giá trị thu thập"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("làm giàu")
        verbose_name_plural = _("làm giàu")
        constraints = [
            models.UniqueConstraint(fields=["record", "kind", "field"], name="enrichment_unique_per_record"),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} {self.kind} {self.field}"


class MatchingRun(models.Model):
    """Progress of one `run_matching` batch, so pages and `--wait` can show it."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Hoàn tất")
        FAILED = "failed", _("Lỗi")

    commune = models.ForeignKey(Commune, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("bắt đầu"), auto_now_add=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    total = models.PositiveIntegerField(_("tổng số bản ghi"), default=0)
    done = models.PositiveIntegerField(_("đã đối soát"), default=0)
    chunks_total = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(_("không đổi, bỏ qua"), default=0)
    flags_created = models.PositiveIntegerField(default=0)
    flags_closed = models.PositiveIntegerField(default=0)
    queries = models.PositiveIntegerField(_("số truy vấn"), default=0)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("lượt đối soát")
        verbose_name_plural = _("lượt đối soát")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%d/%m/%Y %H:%M} {self.done}/{self.total}"

    @property
    def percent_done(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 100


class MatchingChunk(models.Model):
    """One chunk of a MatchingRun; marked done exactly once even when a killed worker's task is redelivered."""

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    size = models.PositiveIntegerField(default=0)
    done = models.BooleanField(default=False)
    queries = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "index"], name="matching_chunk_unique")]

    def __str__(self) -> str:
        return f"{self.run_id}#{self.index}"
