"""What a registry import did, for the one-line summary and the ImportBatch row."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass
class ImportResult:
    """What an import did."""

    batch_id: int | None = None
    rows: int = 0
    plots_created: int = 0
    plots_updated: int = 0
    plots_unchanged: int = 0
    land_users_created: int = 0
    land_users_updated: int = 0
    land_users_unchanged: int = 0
    certificates_created: int = 0
    certificates_updated: int = 0
    communes_created: int = 0
    former_communes_created: int = 0
    plots_removed: int = 0
    plots_kept: int = 0
    land_users_removed: int = 0
    seconds: float = 0.0
    # Where the time went: reading + validating + staging, then the set-based writes.
    stage_seconds: float = 0.0
    write_seconds: float = 0.0
    # Whether the indexes were rebuilt after writing instead of kept up to date (landdata.bulkload).
    indexes_rebuilt: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def land_users(self) -> int:
        return self.land_users_created + self.land_users_updated + self.land_users_unchanged

    @property
    def plots(self) -> int:
        return self.plots_created + self.plots_updated + self.plots_unchanged

    def summary(self) -> str:
        text = _(
            "%(rows)d dòng trong %(seconds).1f giây: thửa đất %(plots)d (mới %(pc)d, cập nhật %(pu)d, "
            "không đổi %(pn)d); người sử dụng đất %(users)d (mới %(uc)d, cập nhật %(uu)d, không đổi %(un)d); "
            "giấy chứng nhận mới %(cc)d, cập nhật %(cu)d; xã mới %(communes)d, xã cũ mới %(formers)d."
        ) % {
            "rows": self.rows,
            "seconds": self.seconds,
            "plots": self.plots,
            "pc": self.plots_created,
            "pu": self.plots_updated,
            "pn": self.plots_unchanged,
            "users": self.land_users,
            "uc": self.land_users_created,
            "uu": self.land_users_updated,
            "un": self.land_users_unchanged,
            "cc": self.certificates_created,
            "cu": self.certificates_updated,
            "communes": self.communes_created,
            "formers": self.former_communes_created,
        }
        if self.plots_removed or self.plots_kept or self.land_users_removed:
            text += " " + _(
                "Thay thế: đã xoá %(removed)d thửa và %(users)d người sử dụng không còn trong tệp; giữ lại "
                "%(kept)d thửa không có trong tệp vì đã có dữ liệu thu thập."
            ) % {"removed": self.plots_removed, "users": self.land_users_removed, "kept": self.plots_kept}
        if self.notes:
            text += " " + " ".join(self.notes)
        return text
