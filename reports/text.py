"""Plain-text table of the campaign figures, for the terminal (campaign_report --format text)."""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext as _

from reports.figures import Figures, total_figures


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 1 for ch in unicodedata.normalize("NFC", text))


def _pad(text: str, width: int, *, right: bool) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def figures_table(rows: list[Figures], *, with_total: bool = True) -> str:
    """One line per commune, Vietnamese headers, numbers right-aligned, a total line at the end."""
    headers = [
        _("Mã xã"),
        _("Tên xã"),
        _("Chỉ tiêu"),
        _("Được giao"),
        _("Đã thu thập"),
        _("% chỉ tiêu"),
        _("Xác minh"),
        _("Làm giàu"),
        _("Làm sạch"),
        _("Chờ kiểm tra"),
        _("Ngoài sổ"),
        _("Sai lệch mở"),
        _("NSD thống nhất"),
        _("NSD chưa khớp"),
        _("NSD chưa xác định"),
    ]
    body = [_cells(row) for row in rows]
    if with_total and len(rows) > 1:
        body.append(_cells(total_figures(rows, code="", name=_("Tổng cộng"))))
    widths = [max(_width(h), *(_width(r[i]) for r in body)) if body else _width(h) for i, h in enumerate(headers)]
    lines = ["  ".join(_pad(h, widths[i], right=i >= 2) for i, h in enumerate(headers))]
    lines.append("  ".join("-" * w for w in widths))
    for r in body:
        lines.append("  ".join(_pad(c, widths[i], right=i >= 2) for i, c in enumerate(r)))
    if not rows:
        lines.append(_("Chưa có xã nào có chỉ tiêu hoặc được giao."))
    return "\n".join(lines)


def _cells(f: Figures) -> list[str]:
    return [
        f.code,
        f.name,
        str(f.target_plots or 0),
        str(f.assigned_plots),
        str(f.collected_plots),
        f"{f.percent_of_target:.1f}".replace(".", ","),
        *(str(f.outcomes[k]) for k in ("verified", "enriched", "cleaned", "pending_review", "not_in_registry")),
        str(f.open_flags),
        *(str(f.land_users[k]) for k in ("unified", "not_matched", "not_identified")),
    ]
