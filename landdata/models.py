"""The land authority's data: administrative units, plots, land users, certificates.

Everything here comes from the registry extract (or from a reviewer's accepted
correction, recorded in `verification`). It knows nothing of the campaign.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from landdata import normalize
from landdata.imports import import_kind_label


class Province(models.Model):
    code = models.CharField(_("mã tỉnh"), max_length=2, primary_key=True)
    name = models.CharField(_("tên tỉnh"), max_length=120)

    class Meta:
        verbose_name = _("tỉnh/thành phố")
        verbose_name_plural = _("tỉnh/thành phố")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RegistrationBranch(models.Model):
    """A branch of the land registration office; reviewers are scoped to its communes."""

    code = models.CharField(_("mã chi nhánh"), max_length=20, primary_key=True)
    name = models.CharField(_("tên chi nhánh"), max_length=200)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="branches", verbose_name=_("tỉnh"))

    class Meta:
        verbose_name = _("chi nhánh văn phòng đăng ký đất đai")
        verbose_name_plural = _("chi nhánh văn phòng đăng ký đất đai")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    """A commune, ward or special zone as it exists since the 2025 reorganisation."""

    code = models.CharField(_("mã xã"), max_length=5, primary_key=True)
    name = models.CharField(_("tên xã"), max_length=200)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="communes", verbose_name=_("tỉnh"))
    branch = models.ForeignKey(
        RegistrationBranch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communes",
        verbose_name=_("chi nhánh văn phòng đăng ký đất đai"),
    )

    class Meta:
        verbose_name = _("xã/phường")
        verbose_name_plural = _("xã/phường")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class FormerCommune(models.Model):
    """A commune before the 2025 merger; map sheets and plot numbers belong to it."""

    code = models.CharField(_("mã xã cũ"), max_length=5, primary_key=True)
    name = models.CharField(_("tên xã cũ"), max_length=200)
    # Where its plots are filed, and the campaign works them.
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="former_communes", verbose_name=_("sáp nhập vào")
    )
    # The 2025 units it went into according to the official list (load_admin_units): one, or several when
    # it was split. Empty for a unit the official list does not know (named by an import only).
    merged_into = models.ManyToManyField(
        Commune, blank=True, related_name="official_former_communes", verbose_name=_("theo danh mục chính thức")
    )

    class Meta:
        verbose_name = _("xã cũ")
        verbose_name_plural = _("xã cũ")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def label(self) -> str:
        """The former unit with the 2025 unit it is now part of, so that "Phường Nhân Hòa (cũ)" and
        "Phường Nhân Hòa" are never confused; needs `commune` loaded (select_related)."""
        return former_commune_label(code=self.code, name=self.name, commune_name=self.commune.name)


def former_commune_label(*, code: str, name: str, commune_name: str) -> str:
    return former_commune_labels([(code, name, commune_name)])[0]


def former_commune_labels(units: Iterable[tuple[str, str, str]]) -> list[str]:
    """`former_commune_label` of each (code, name, commune name), the words translated once for the
    list: a province admin's pages offer hundreds of former communes."""
    words = gettext("%(name)s (cũ, %(code)s) · nay thuộc %(commune)s")  # not the lazy `_`: once, not per unit
    return [words % {"name": name, "code": code, "commune": commune_name} for code, name, commune_name in units]


class ImportBatch(models.Model):
    """One import of a file: who, when, what, how many rows, and how it ended."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ")
        RUNNING = "running", _("Đang nhập")
        DONE = "done", _("Hoàn tất")
        FAILED = "failed", _("Lỗi")

    # A code of landdata.imports.IMPORT_KINDS: "registry" here, the campaign's kinds registered by collection.
    kind = models.CharField(_("loại"), max_length=20)
    file_name = models.CharField(_("tệp"), max_length=255)
    sha256 = models.CharField(_("mã SHA-256 của tệp"), max_length=64, db_index=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập"),
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING)
    started_at = models.DateTimeField(_("bắt đầu"), auto_now_add=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("số dòng"), default=0)
    rows_done = models.PositiveIntegerField(_("đã xử lý"), default=0)
    rows_created = models.PositiveIntegerField(_("thêm mới"), default=0)
    rows_updated = models.PositiveIntegerField(_("cập nhật"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("không đổi"), default=0)
    # A refused file: `errors` as the command prints it (`row N: column: problem`, contract §2), and the
    # same problems kept apart (landdata.tabular.RowError.as_dict), for pages that show them in the
    # user's words: `dòng N: <the file's own header>: lỗi`. `error_count` counts every problem, also
    # those beyond the MAX_PRINTED_PROBLEMS kept.
    errors = models.TextField(_("lỗi"), blank=True)
    error_count = models.PositiveIntegerField(_("số lỗi"), default=0)
    error_rows = models.JSONField(_("lỗi theo dòng"), default=list, blank=True)
    summary = models.TextField(_("kết quả"), blank=True)

    class Meta:
        verbose_name = _("lần nhập dữ liệu")
        verbose_name_plural = _("lần nhập dữ liệu")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        # Local time, as the admin's lists show it (a stored time is in UTC).
        return f"{self.kind_label} {self.file_name} ({timezone.localtime(self.started_at):%d/%m/%Y %H:%M})"

    @property
    def kind_label(self) -> str:
        return import_kind_label(self.kind)

    @property
    def percent_done(self) -> int:
        return int(self.rows_done * 100 / self.rows_total) if self.rows_total else 0


class Plot(models.Model):
    """A land plot of the registry, identified by (former commune, map sheet, plot number)."""

    # No index of its own: plot_key_unique starts with former_commune_id (then sheet_key, so it
    # also serves the lists filtered by former commune and map sheet).
    former_commune = models.ForeignKey(
        FormerCommune, on_delete=models.PROTECT, related_name="plots", verbose_name=_("xã cũ"), db_index=False
    )
    map_sheet = models.CharField(_("số tờ"), max_length=20)
    plot_number = models.CharField(_("số thửa"), max_length=20)
    # Normalised parts of the plot key (contract §1): "012" -> "12", "45a" -> "45A".
    sheet_key = models.CharField(max_length=20, editable=False)
    number_key = models.CharField(max_length=20, editable=False)
    area_m2 = models.DecimalField(_("diện tích (m²)"), max_digits=14, decimal_places=2)
    land_use = models.CharField(_("mục đích sử dụng"), max_length=100, blank=True)
    address = models.CharField(_("địa chỉ thửa đất"), max_length=300, blank=True)
    # Audit link to the import that last wrote the row: no database constraint nor index, so the
    # bulk import does not pay a foreign-key check and an index entry per row (nothing filters on it).
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=_("lần nhập"),
    )

    class Meta:
        verbose_name = _("thửa đất")
        verbose_name_plural = _("thửa đất")
        constraints = [
            models.UniqueConstraint(fields=["former_commune", "sheet_key", "number_key"], name="plot_key_unique"),
        ]
        # The plot list's sheet/plot search ("12/345") across several former communes (a reviewer's
        # branch, the province): plot_key_unique, led by the former commune, cannot serve it.
        indexes = [models.Index(fields=["sheet_key", "number_key"], name="plot_sheet_number_idx")]

    def __str__(self) -> str:
        return _("Tờ %(sheet)s thửa %(plot)s (%(commune)s)") % {
            "sheet": self.map_sheet,
            "plot": self.plot_number,
            "commune": self.former_commune_id,
        }

    def save(self, *args, **kwargs):
        for field, value in self.derived(map_sheet=self.map_sheet, plot_number=self.plot_number).items():
            setattr(self, field, value)
        super().save(*args, **kwargs)

    @staticmethod
    def derived(*, map_sheet: str, plot_number: str) -> dict[str, str]:
        """Derived columns; the bulk importer fills them through this same function."""
        return {"sheet_key": normalize.plot_key_part(map_sheet), "number_key": normalize.plot_key_part(plot_number)}

    @property
    def land_use_codes(self) -> frozenset[str]:
        return normalize.parse_land_use(self.land_use)


class Certificate(models.Model):
    """A land use rights certificate (GCN) as registered."""

    class Status(models.TextChoices):
        HELD = "held", _("Đang giữ")
        MORTGAGED = "mortgaged", _("Đang thế chấp")
        LOST = "lost", _("Bị mất")
        DAMAGED = "damaged", _("Bị hư hỏng")
        NOT_ISSUED = "not_issued", _("Chưa cấp")

    # No index of its own: certificate_unique starts with plot_id.
    plot = models.ForeignKey(
        Plot, on_delete=models.CASCADE, related_name="certificates", db_index=False, verbose_name=_("thửa đất")
    )
    serial = models.CharField(_("số phát hành"), max_length=40, blank=True)
    serial_key = models.CharField(max_length=40, blank=True, editable=False)
    book_number = models.CharField(_("số vào sổ"), max_length=40, blank=True)
    issue_date = models.DateField(_("ngày cấp"), null=True, blank=True)
    status = models.CharField(_("tình trạng"), max_length=12, choices=Status.choices, default=Status.HELD)

    class Meta:
        verbose_name = _("giấy chứng nhận")
        verbose_name_plural = _("giấy chứng nhận")
        constraints = [
            models.UniqueConstraint(fields=["plot", "serial_key", "book_number"], name="certificate_unique"),
        ]
        indexes = [models.Index(fields=["serial_key"], name="certificate_serial_key_idx")]

    def __str__(self) -> str:
        return self.serial or self.book_number or str(self.pk)

    def save(self, *args, **kwargs):
        for field, value in self.derived(serial=self.serial).items():
            setattr(self, field, value)
        super().save(*args, **kwargs)

    @staticmethod
    def derived(*, serial: str) -> dict[str, str]:
        """Derived columns; the bulk importer fills them through this same function."""
        return {"serial_key": normalize.certificate_key(serial)}


class LandUser(models.Model):
    """A land user (person or organisation) as registered for one plot: one registry row."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Cá nhân")
        ORGANISATION = "organisation", _("Tổ chức")

    class IdKind(models.TextChoices):
        EMPTY = "empty", _("Không có")
        CMND = "cmnd", _("CMND 9 số")
        CCCD = "cccd", _("CCCD 12 số")
        INVALID = "invalid", _("Không hợp lệ")

    # Unique through Meta.constraints: one btree, without the LIKE twin unique=True adds on PostgreSQL.
    registry_id = models.CharField(_("mã hồ sơ"), max_length=50)
    plot = models.ForeignKey(Plot, on_delete=models.CASCADE, related_name="land_users", verbose_name=_("thửa đất"))
    certificate = models.ForeignKey(
        Certificate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="holders",
        verbose_name=_("giấy chứng nhận"),
    )
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices, default=Kind.PERSON)
    full_name = models.CharField(_("họ tên"), max_length=200)
    name_folded = models.CharField(max_length=200, editable=False)  # indexed in Meta: one index, not two
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    id_number = models.CharField(_("số giấy tờ tùy thân"), max_length=20, blank=True)
    id_kind = models.CharField(_("loại giấy tờ"), max_length=8, choices=IdKind.choices, default=IdKind.EMPTY)
    former_id_number = models.CharField(_("số CMND cũ"), max_length=20, blank=True)
    address = models.CharField(_("địa chỉ thường trú"), max_length=300, blank=True)
    # Audit link to the import that last wrote the row: no database constraint nor index, so the
    # bulk import does not pay a foreign-key check and an index entry per row (nothing filters on it).
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=_("lần nhập"),
    )

    class Meta:
        verbose_name = _("người sử dụng đất")
        verbose_name_plural = _("người sử dụng đất")
        # Exact-match lookups only: plain btree indexes, without the LIKE (pattern_ops)
        # twins that db_index=True adds on PostgreSQL and that slow the bulk import.
        constraints = [models.UniqueConstraint(fields=["registry_id"], name="landuser_registry_id_unique")]
        indexes = [
            models.Index(fields=["id_number"], name="landuser_id_number_idx"),
            # Former ID numbers come only from accepted corrections: index the few that are set.
            models.Index(
                fields=["former_id_number"], name="landuser_former_id_idx", condition=~models.Q(former_id_number="")
            ),
            # One pattern_ops btree serves both `=` and the prefix search (`LIKE 'x%'`) instead of
            # the plain + `_like` pair of db_index=True: names repeat a lot, and every index entry
            # costs the bulk import; substring search uses the trigram index (landdata migration 0001).
            models.Index(fields=["name_folded"], name="landuser_name_folded_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        derived = self.derived(full_name=self.full_name, id_number=self.id_number, birth_year=self.birth_year)
        for field, value in derived.items():
            setattr(self, field, value)
        super().save(*args, **kwargs)

    @staticmethod
    def derived(*, full_name: str, id_number: str, birth_year: int | None) -> dict[str, str]:
        """Derived columns; the bulk importer fills them through this same function."""
        return {
            "name_folded": normalize.name_folded(full_name),
            "id_kind": normalize.classify_id(id_number, birth_year=birth_year).value,
        }

    @property
    def masked_id(self) -> str:
        return normalize.mask_id(self.id_number)
