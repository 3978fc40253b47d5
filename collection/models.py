"""The campaign: targets, working groups, assignments, user scopes, collected records, scans."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from landdata.models import (
    Certificate,
    Commune,
    FormerCommune,
    ImportBatch,
    LandUser,
    Plot,
    Province,
    RegistrationBranch,
)


class CommuneTarget(models.Model):
    """How many plots a commune must collect during the campaign."""

    commune = models.OneToOneField(Commune, on_delete=models.CASCADE, primary_key=True, related_name="target")
    target_plots = models.PositiveIntegerField(_("chỉ tiêu"))

    class Meta:
        verbose_name = _("chỉ tiêu của xã")
        verbose_name_plural = _("chỉ tiêu của xã")

    def __str__(self) -> str:
        return f"{self.commune_id}: {self.target_plots}"


class WorkingGroup(models.Model):
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="working_groups")
    name = models.CharField(_("tổ công tác"), max_length=120)

    class Meta:
        verbose_name = _("tổ công tác")
        verbose_name_plural = _("tổ công tác")
        constraints = [models.UniqueConstraint(fields=["commune", "name"], name="working_group_unique")]
        ordering = ["commune_id", "name"]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """A former commune whose plots a commune (and optionally one of its groups) must collect."""

    former_commune = models.OneToOneField(
        FormerCommune, on_delete=models.CASCADE, primary_key=True, related_name="assignment"
    )
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="assignments")
    working_group = models.ForeignKey(
        WorkingGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="assignments"
    )
    batch = models.ForeignKey(ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")

    def __str__(self) -> str:
        return f"{self.former_commune_id} → {self.commune_id}"


class Role(models.TextChoices):
    OFFICIAL = "official", _("Cán bộ xã")
    GROUP_LEADER = "group_leader", _("Tổ trưởng")
    REVIEWER = "reviewer", _("Cán bộ văn phòng đăng ký")
    ADMIN = "admin", _("Quản trị tỉnh")


class UserScope(models.Model):
    """Which part of the province a user may see: their role and unit."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scope")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, null=True, blank=True)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, null=True, blank=True)
    working_group = models.ForeignKey(WorkingGroup, on_delete=models.SET_NULL, null=True, blank=True)
    branch = models.ForeignKey(RegistrationBranch, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        verbose_name = _("phạm vi người dùng")
        verbose_name_plural = _("phạm vi người dùng")
        constraints = [
            models.CheckConstraint(
                name="scope_matches_role",
                condition=(
                    models.Q(role__in=["official", "group_leader"], commune__isnull=False)
                    | models.Q(role="reviewer", branch__isnull=False)
                    | models.Q(role="admin", province__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


# The same five states as the registry's certificates: one list, so a collected status maps 1:1.
CertificateStatus = Certificate.Status


class Channel(models.TextChoices):
    HOME_VISIT = "home_visit", _("Đến tận nhà")
    OFFICE = "office", _("Tại nhà văn hóa / trụ sở")
    ONLINE_PHOTO = "online_photo", _("Ảnh gửi trực tuyến")
    PHOTOCOPY = "photocopy", _("Bản photocopy")
    SELF_SUBMITTED = "self_submitted", _("Người dân tự gửi qua đường dẫn")


class CollectedRecord(models.Model):
    """What an official gathered for one plot (contract §2.3); never the registry itself."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        SUBMITTED = "submitted", _("Đã gửi")
        RETURNED = "returned", _("Bị trả lại")

    class Source(models.TextChoices):
        FORM = "form", _("Biểu mẫu")
        IMPORT = "import", _("Nhập từ tệp")
        CITIZEN = "citizen", _("Người dân tự gửi")

    # Looked up through record_plot_key_idx, which leads with it: an index of its own only costs writes.
    former_commune = models.ForeignKey(
        FormerCommune,
        on_delete=models.PROTECT,
        related_name="collected_records",
        verbose_name=_("xã cũ"),
        db_index=False,
    )
    map_sheet = models.CharField(_("số tờ"), max_length=20)
    plot_number = models.CharField(_("số thửa"), max_length=20)
    sheet_key = models.CharField(max_length=20, editable=False)
    number_key = models.CharField(max_length=20, editable=False)
    # Null when the plot key is not in the registry extract.
    plot = models.ForeignKey(Plot, on_delete=models.SET_NULL, null=True, blank=True, related_name="collected_records")

    holder_name = models.CharField(_("họ tên người đứng tên"), max_length=200)
    holder_birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    holder_birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    holder_id_number = models.CharField(_("số CCCD"), max_length=20, blank=True)
    holder_old_id_number = models.CharField(_("số CMND cũ"), max_length=20, blank=True)
    co_holder_name = models.CharField(_("họ tên đồng sở hữu"), max_length=200, blank=True)
    co_holder_birth_year = models.PositiveSmallIntegerField(_("năm sinh đồng sở hữu"), null=True, blank=True)
    co_holder_birth_date = models.DateField(_("ngày sinh đồng sở hữu"), null=True, blank=True)
    co_holder_id_number = models.CharField(_("số CCCD đồng sở hữu"), max_length=20, blank=True)
    co_holder_old_id_number = models.CharField(_("số CMND cũ đồng sở hữu"), max_length=20, blank=True)
    certificate_serial = models.CharField(_("số phát hành GCN"), max_length=40, blank=True)
    certificate_book_number = models.CharField(_("số vào sổ"), max_length=40, blank=True)
    area_m2 = models.DecimalField(_("diện tích (m²)"), max_digits=14, decimal_places=2, null=True, blank=True)
    land_use = models.CharField(_("mục đích sử dụng"), max_length=100, blank=True)
    actual_user_name = models.CharField(_("người đang sử dụng"), max_length=200, blank=True)
    certificate_status = models.CharField(
        _("tình trạng GCN"), max_length=12, choices=CertificateStatus.choices, default=CertificateStatus.HELD
    )
    owner_far_away = models.BooleanField(_("chủ ở xa"), default=False)
    channel = models.CharField(_("hình thức"), max_length=20, choices=Channel.choices, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)

    collected_by = models.CharField(_("người thu thập"), max_length=150)
    collected_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="collected_records"
    )
    collected_on = models.DateField(_("ngày thu thập"), db_index=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FORM)
    batch = models.ForeignKey(ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Hash of an imported row's content, so that re-importing a file adds nothing.
    import_key = models.CharField(max_length=64, null=True, blank=True)
    # Made on the phone (or by the server for a record started on the web): a resend, a double tap or a
    # retry after a lost answer names the same record, so it is never created twice.
    client_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    # Set by verification: the content fingerprint last matched, so unchanged records are skipped.
    # Rewritten by every match: neither is indexed, and the table keeps room on its pages (fillfactor,
    # migration 0010), so that the rewrite stays on its page and touches no index (a HOT update).
    matched_fingerprint = models.CharField(max_length=64, blank=True)
    matched_at = models.DateTimeField(null=True, blank=True)
    # Kept up to date by verification so lists can filter "flagged" without a join.
    open_flags = models.PositiveIntegerField(_("sai lệch chưa xử lý"), default=0)

    class Meta:
        verbose_name = _("bản ghi thu thập")
        verbose_name_plural = _("bản ghi thu thập")
        # A constraint rather than unique=True: the same unique index, without a LIKE twin.
        constraints = [models.UniqueConstraint(fields=["import_key"], name="record_import_key_unique")]
        indexes = [
            models.Index(fields=["former_commune", "sheet_key", "number_key"], name="record_plot_key_idx"),
            # Exact lookups only (matching's ID groups, the plot list's ID search): plain indexes, without the
            # varchar_pattern_ops twin Django adds to db_index=True, which LIKE alone would use.
            models.Index(fields=["holder_id_number"], name="record_holder_id_idx"),
            models.Index(fields=["co_holder_id_number"], name="record_co_holder_id_idx"),
            # Drafts left untouched, returned records not corrected (collection.stale).
            models.Index(fields=["status", "updated_at"], name="record_status_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.former_commune_id} {self.map_sheet}/{self.plot_number} — {self.holder_name}"


# A record may be changed (and its photos added or removed) while it is a draft or returned by the office.
EDITABLE_STATUSES = (CollectedRecord.Status.DRAFT, CollectedRecord.Status.RETURNED)


class ScanKind(models.TextChoices):
    CERT_PAGE_1 = "cert_1", _("GCN trang 1")
    CERT_PAGE_2 = "cert_2", _("GCN trang 2")
    CERT_PAGE_3 = "cert_3", _("GCN trang 3")
    CERT_PAGE_4 = "cert_4", _("GCN trang 4")
    ID_FRONT = "id_front", _("CCCD mặt trước")
    ID_BACK = "id_back", _("CCCD mặt sau")
    CO_ID_FRONT = "co_id_front", _("CCCD đồng sở hữu mặt trước")
    CO_ID_BACK = "co_id_back", _("CCCD đồng sở hữu mặt sau")
    OTHER = "other", _("Khác")


CERTIFICATE_SCAN_KINDS = frozenset(
    {ScanKind.CERT_PAGE_1, ScanKind.CERT_PAGE_2, ScanKind.CERT_PAGE_3, ScanKind.CERT_PAGE_4}
)
ID_HOLDER_SCAN_KINDS = frozenset({ScanKind.ID_FRONT, ScanKind.ID_BACK})
CO_HOLDER_SCAN_KINDS = frozenset({ScanKind.CO_ID_FRONT, ScanKind.CO_ID_BACK})
ID_SCAN_KINDS = ID_HOLDER_SCAN_KINDS | CO_HOLDER_SCAN_KINDS
# Certificate statuses that explain a missing certificate photo (MISSING_DOCUMENTS, the checklist).
EXPLAINS_NO_CERTIFICATE_IMAGE = frozenset({CertificateStatus.LOST, CertificateStatus.NOT_ISSUED})


class Scan(models.Model):
    """A photo of a certificate page or an ID card, stored without metadata, served only by an authorised view."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang xử lý")
        READY = "ready", _("Sẵn sàng")
        FAILED = "failed", _("Lỗi")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    record = models.ForeignKey(CollectedRecord, on_delete=models.CASCADE, related_name="scans")
    kind = models.CharField(_("loại ảnh"), max_length=12, choices=ScanKind.choices)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    file = models.FileField(upload_to="scans/", max_length=255)
    thumbnail = models.FileField(upload_to="thumbs/", max_length=255, blank=True)
    # The key the file and the thumbnail are encrypted under (collection.scans.encryption); "" for a file
    # stored before encryption, which rotate_scan_key encrypts.
    key_id = models.CharField(max_length=64, blank=True)
    # SHA-256 of the bytes exactly as uploaded: duplicate detection (same photo uploaded twice,
    # or attached to another plot: DUPLICATE_SCAN). Known before any processing, never changes.
    sha256 = models.CharField(_("SHA-256 tệp tải lên"), max_length=64, db_index=True)
    # SHA-256 of the cleaned file actually stored (re-encoded, no metadata): integrity of exports.
    stored_sha256 = models.CharField(_("SHA-256 tệp lưu"), max_length=64, blank=True)
    size_bytes = models.PositiveBigIntegerField(_("dung lượng tải lên"), null=True, blank=True)
    phash = models.CharField(max_length=32, blank=True, db_index=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    quality_score = models.FloatField(null=True, blank=True)
    needs_retake = models.BooleanField(_("cần chụp lại"), default=False)
    quality_note = models.CharField(max_length=300, blank=True)
    qr_payload = models.TextField(blank=True)
    # Fields read from a certificate page by OCR (intake): offered in the form as suggestions, never
    # written into the record by themselves. {"certificate_serial": {"value": "BĐ 123456", "confidence": .9}}
    text_fields = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ảnh chụp")
        verbose_name_plural = _("ảnh chụp")
        constraints = [models.UniqueConstraint(fields=["record", "sha256"], name="scan_unique_per_record")]
        indexes = [models.Index(fields=["status", "uploaded_at"], name="scan_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.original_name}"

    @property
    def is_id_card(self) -> bool:
        return self.kind in ID_SCAN_KINDS


class ChunkedUpload(models.Model):
    """A photo arriving in chunks (the tus protocol) from a phone's outbox; becomes a Scan when complete.

    Its id is the scan id made on the phone, so a resumed or repeated upload is the same upload and
    the same scan. Chunks are stored one object each (works on a disk or in object storage).
    """

    id = models.UUIDField(primary_key=True, editable=False)
    record = models.ForeignKey(CollectedRecord, on_delete=models.CASCADE, related_name="+")
    # Who sends it: an official's phone, or a citizen through their link (no account).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+")
    citizen_link = models.ForeignKey("CitizenLink", on_delete=models.CASCADE, null=True, related_name="+")
    kind = models.CharField(max_length=12, choices=ScanKind.choices)
    original_name = models.CharField(max_length=255, blank=True)
    length = models.PositiveBigIntegerField()
    offset = models.PositiveBigIntegerField(default=0)
    chunks = models.JSONField(default=list)  # storage names, in order
    key_id = models.CharField(max_length=64, blank=True)  # of the chunks (encrypted at rest)
    sha256 = models.CharField(max_length=64)  # of the whole file, computed on the phone
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    scan = models.OneToOneField("Scan", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    error = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.id} {self.offset}/{self.length}"

    @property
    def complete(self) -> bool:
        return self.offset >= self.length


class RememberedDevice(models.Model):
    """A phone an official asked to keep signed in ("ghi nhớ thiết bị này"); an admin can revoke it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="remembered_devices")
    session_key = models.CharField(max_length=40, unique=True)
    user_agent = models.CharField(_("trình duyệt"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("ghi nhớ lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thiết bị được ghi nhớ")
        verbose_name_plural = _("thiết bị được ghi nhớ")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} — {self.user_agent[:60]}"


class DocumentAccess(models.Model):
    """Who opened which person's documents, and when (personal data law)."""

    class Action(models.TextChoices):
        VIEW = "view", _("Xem ảnh")
        THUMBNAIL = "thumbnail", _("Xem ảnh thu nhỏ")
        REVIEW = "review", _("Mở trang đối chiếu")
        BUNDLE = "bundle", _("Tải gói ảnh")
        API = "api", _("Tải qua API")
        INTAKE = "intake", _("Xem ảnh gửi đến")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    scan = models.ForeignKey(Scan, on_delete=models.SET_NULL, null=True, related_name="accesses")
    record = models.ForeignKey(CollectedRecord, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(_("thao tác"), max_length=20, choices=Action.choices, default=Action.VIEW)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("nhật ký truy cập tài liệu")
        verbose_name_plural = _("nhật ký truy cập tài liệu")
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "at"], name="docaccess_user_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.scan_id}"


class ExportLog(models.Model):
    """A bulk export of personal data (an Excel of a commune, a page of the API with full ID numbers, the
    admin's land-user export): who, when, what, in which scope, how many people. Beside `DocumentAccess`,
    it answers "who has seen this person's data" for files that leave the portal.

    The people it included are rows of `ExportedPerson` (one land-user id each, written with
    bulk_create), not a list on this row: a province export names 572k people, and "which exports
    included this person" must be an index lookup on every database the portal runs on (SQLite too),
    not a scan of every export's JSON. About 30 bytes a person: a province export is ~20 MB, and such
    exports are rare (an admin's)."""

    class Kind(models.TextChoices):
        PLOTS_XLSX = "plots_xlsx", _("Bảng thửa đất (Excel)")
        OFFICE_XLSX = "office_xlsx", _("Bảng nhập liệu cho văn phòng đăng ký (Excel)")
        API_PLOTS = "api_plots", _("Danh sách thửa đất qua API")
        API_RECORDS = "api_records", _("Danh sách bản ghi qua API")
        API_FLAGS = "api_flags", _("Danh sách sai lệch qua API")
        ADMIN_LAND_USERS = "admin_land_users", _("Xuất người sử dụng đất từ trang quản trị")
        CALLBACKS_XLSX = "callbacks_xlsx", _("Danh sách gọi lại (Excel)")
        FLAGS_CSV = "flags_csv", _("Bảng sai lệch (CSV, lệnh export_flags)")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    commune = models.ForeignKey(
        Commune, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("xã/phường")
    )
    # What was asked for, in words or as the query: "xã 10001", "commune=10001&limit=500&offset=1000".
    scope = models.CharField(_("phạm vi"), max_length=500, blank=True)
    rows = models.PositiveIntegerField(_("số dòng"), default=0)
    people = models.PositiveIntegerField(_("số người"), default=0)
    full_ids = models.BooleanField(_("số giấy tờ đầy đủ"), default=False)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("nhật ký xuất dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký xuất dữ liệu cá nhân")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "at"], name="exportlog_user_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.kind} ({self.people})"


class ExportedPerson(models.Model):
    """One land user an export included. No database constraint to the land user: the log outlives a
    registry re-import that removes the row (and the bulk import pays no check for it)."""

    export = models.ForeignKey(ExportLog, on_delete=models.CASCADE, related_name="included")
    land_user = models.ForeignKey(
        LandUser, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = _("người có trong tệp xuất")
        verbose_name_plural = _("người có trong tệp xuất")
        indexes = [models.Index(fields=["land_user", "export"], name="exportedperson_user_idx")]

    def __str__(self) -> str:
        return f"{self.export_id}: {self.land_user_id}"


# --- photos arriving from outside the portal ----------------------------------------------------


class IntakeKind(models.TextChoices):
    """What a photo sent from outside shows (contract §3, intake_photos)."""

    ID_FRONT = "id_front", _("CCCD mặt trước")
    ID_BACK = "id_back", _("CCCD mặt sau")
    CERTIFICATE = "certificate", _("Trang giấy chứng nhận")
    OTHER = "other", _("Ảnh khác")


class MatchedBy(models.TextChoices):
    ID_QR = "id_qr", _("mã QR trên CCCD")
    ID_NUMBER = "id_number", _("số CCCD/CMND in trên thẻ")
    CERTIFICATE_SERIAL = "certificate_serial", _("số phát hành giấy chứng nhận")
    SHEET_PLOT = "sheet_plot", _("số tờ và số thửa")
    NAME = "name", _("họ tên người sử dụng đất")


class IntakeBatch(models.Model):
    """Photos and PDFs dropped together into a commune's intake (Zalo, CamScanner, a scanner)."""

    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="intake_batches")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("đợt ảnh gửi đến")
        verbose_name_plural = _("đợt ảnh gửi đến")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.uploaded_at:%Y-%m-%d %H:%M}"


class IntakeItem(models.Model):
    """One photo (or one page of a PDF) of an intake: read, proposed to a plot, confirmed by an official.

    Nothing is attached to a record until an official confirms; the confirmed photo becomes a Scan of
    the plot's record (a draft is made when there is none)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang đọc")
        READY = "ready", _("Đã đọc")
        FAILED = "failed", _("Không đọc được")

    class Decision(models.TextChoices):
        NONE = "", _("Chờ xác nhận")
        CONFIRMED = "confirmed", _("Đã xác nhận")
        REJECTED = "rejected", _("Đã loại")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    batch = models.ForeignKey(IntakeBatch, on_delete=models.CASCADE, related_name="items")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    page = models.PositiveIntegerField(_("trang"), null=True, blank=True)  # of a PDF, from 1
    file = models.FileField(upload_to="intake/", max_length=255)
    thumbnail = models.FileField(upload_to="intake/", max_length=255, blank=True)
    key_id = models.CharField(max_length=64, blank=True)  # of the file and thumbnail (encrypted at rest)
    sha256 = models.CharField(max_length=64, db_index=True)
    phash = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.CharField(max_length=300, blank=True)
    kind = models.CharField(_("loại"), max_length=12, choices=IntakeKind.choices, blank=True)
    reading = models.JSONField(default=dict, blank=True)  # what was read (QR, card, certificate fields)
    proposed_plot = models.ForeignKey(
        Plot, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("thửa đề xuất")
    )
    matched_by = models.CharField(_("đối chiếu theo"), max_length=20, choices=MatchedBy.choices, blank=True)
    confidence = models.FloatField(_("độ tin cậy"), null=True, blank=True)
    duplicate_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decision = models.CharField(_("xử lý"), max_length=10, choices=Decision.choices, default="", blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    scan = models.ForeignKey(Scan, on_delete=models.SET_NULL, null=True, blank=True, related_name="intake_items")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ảnh gửi đến")
        verbose_name_plural = _("ảnh gửi đến")
        ordering = ["uploaded_at", "original_name", "page"]
        indexes = [
            models.Index(fields=["commune", "decision", "status"], name="intake_inbox_idx"),
            models.Index(fields=["proposed_plot"], name="intake_plot_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name}" + (f" #{self.page}" if self.page else "")


class CitizenLink(models.Model):
    """A link an official gives a citizen to send the photos of one plot without an account.

    Only the SHA-256 of the token is stored; the link names the plot's commune, sheet and number, never
    a person; it ends at `expires_at` or when revoked."""

    plot = models.ForeignKey(Plot, on_delete=models.CASCADE, related_name="citizen_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    record = models.ForeignKey(
        CollectedRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="citizen_links"
    )
    contact_phone = models.CharField(_("số điện thoại người dân"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("đường dẫn gửi ảnh của người dân")
        verbose_name_plural = _("đường dẫn gửi ảnh của người dân")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.plot} → {self.expires_at:%Y-%m-%d}"


class CitizenSubmission(models.Model):
    """Every use of a citizen link: what arrived, from where (the abuse log)."""

    link = models.ForeignKey(CitizenLink, on_delete=models.CASCADE, related_name="submissions")
    at = models.DateTimeField(_("lúc"), auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    what = models.CharField(_("nội dung"), max_length=20)  # "photo", "details", "refused"
    detail = models.CharField(_("chi tiết"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("lượt gửi của người dân")
        verbose_name_plural = _("lượt gửi của người dân")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.what}"


class PlotAssignment(models.Model):
    """The official who answers for one plot (the campaign's "each individual with specific results").

    Below the commune/group `Assignment`: a group leader (or the commune) hands plots to one of the
    commune's officials in bulk, and moves them to another when someone is ill. One row per plot; a
    plot without a row is the group's (or commune's) as before."""

    plot = models.OneToOneField(Plot, on_delete=models.CASCADE, primary_key=True, related_name="official_assignment")
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="plot_assignments",
        verbose_name=_("cán bộ được giao"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(_("giao lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("thửa giao cho cán bộ")
        verbose_name_plural = _("thửa giao cho cán bộ")
        # "My plots" and per-official figures filter by official.
        indexes = [models.Index(fields=["official", "plot"], name="plotassignment_official_idx")]

    def __str__(self) -> str:
        return f"{self.plot_id} → {self.official_id}"


# The campaign runs 90 days from its start unless the admin sets another end.
CAMPAIGN_DAYS = 90


class CampaignPeriod(models.Model):
    """When a commune's campaign runs: the expected pace is counted between these two days."""

    commune = models.OneToOneField(Commune, on_delete=models.CASCADE, primary_key=True, related_name="campaign")
    starts_on = models.DateField(_("ngày bắt đầu"))
    # Blank: CAMPAIGN_DAYS days from the start (the start is day 1).
    ends_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thời gian chiến dịch của xã")
        verbose_name_plural = _("thời gian chiến dịch của xã")

    def __str__(self) -> str:
        return f"{self.commune_id}: {self.starts_on} – {self.ends_on or ''}"


class WeeklyPlan(models.Model):
    """Plots a leader plans to collect in one week of the campaign (week 1 starts on the start day).

    For a whole commune (no group) or for one working group; where a unit has any week planned its
    expected figure follows the plan instead of a straight line."""

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="weekly_plans")
    working_group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="weekly_plans"
    )
    week = models.PositiveSmallIntegerField(_("tuần"))
    plots = models.PositiveIntegerField(_("số thửa dự kiến"))

    class Meta:
        verbose_name = _("kế hoạch tuần")
        verbose_name_plural = _("kế hoạch tuần")
        ordering = ["commune_id", "working_group_id", "week"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "week"],
                condition=models.Q(working_group__isnull=True),
                name="weeklyplan_commune_week",
            ),
            models.UniqueConstraint(
                fields=["working_group", "week"],
                condition=models.Q(working_group__isnull=False),
                name="weeklyplan_group_week",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.working_group_id or ''} w{self.week}: {self.plots}"


class RecordChange(models.Model):
    """One change to a collected record or its photos: who, when, which fields, old and new values.

    Written by the services that make the change (collection.history), in the same transaction, so a
    draft changed or a photo deleted by a colleague is always on record. Values the system derives
    (plot link, matching fingerprint and time, open flag count, scan processing) are not recorded."""

    class Action(models.TextChoices):
        CREATED = "created", _("Tạo bản nháp")
        CHANGED = "changed", _("Sửa thông tin")
        SUBMITTED = "submitted", _("Gửi bản ghi")
        RETURNED = "returned", _("Văn phòng đăng ký trả lại")
        IMPORTED = "imported", _("Nhập từ tệp")
        SCAN_ADDED = "scan_added", _("Thêm ảnh")
        SCAN_DELETED = "scan_deleted", _("Xóa ảnh")

    record = models.ForeignKey(CollectedRecord, on_delete=models.CASCADE, related_name="changes")
    # A scan's id, kept after the scan is deleted (no foreign key).
    scan_id = models.UUIDField(null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # Who, in words, kept when the account is deleted: a username, or "a citizen's link", "the system".
    actor = models.CharField(_("người thực hiện"), max_length=150)
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    action = models.CharField(_("thao tác"), max_length=20, choices=Action.choices)
    # {"holder_id_number": ["old", "new"], ...}, values as text ("" for empty).
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)

    class Meta:
        verbose_name = _("lịch sử thay đổi bản ghi")
        verbose_name_plural = _("lịch sử thay đổi bản ghi")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["record", "at"], name="recordchange_record_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.record_id}"
