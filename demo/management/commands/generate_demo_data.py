"""`python manage.py generate_demo_data [--plots N] [--seed S] [--out DIR]` (contract §3)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from demo.generator import demo_generate


class Command(BaseCommand):
    help = _(
        "Tạo dữ liệu mẫu của một tỉnh (trích xuất sổ địa chính, danh sách giao xã, bản ghi thu thập "
        "và các sai lệch dự kiến) dưới dạng CSV."
    )
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--plots", type=int, default=3000, help=_("số thửa đất (mặc định 3000)"))
        parser.add_argument("--seed", type=int, default=1, help=_("hạt giống ngẫu nhiên (mặc định 1)"))
        parser.add_argument("--out", default=None, help=_("thư mục ghi tệp (mặc định var/demo)"))

    def handle(self, *args, plots: int, seed: int, out: str | None, **options):
        if plots < 1:
            raise CommandError(_("--plots phải lớn hơn 0"))
        out_dir = Path(out) if out else Path(settings.VAR_DIR) / "demo"
        province = str(settings.PROVINCE_CODE)
        try:
            summary = demo_generate(out_dir=out_dir, plots=plots, seed=seed, province_code=province)
        except OSError as exc:
            message = _("Không ghi được vào %(dir)s: %(error)s") % {"dir": out_dir, "error": exc}
            raise CommandError(message) from exc
        self.stdout.write(
            _(
                "Đã tạo dữ liệu mẫu: %(plots)d thửa, %(rows)d dòng sổ địa chính, %(wards)d xã/phường "
                "(%(formers)d xã cũ), %(records)d bản ghi thu thập, %(flags)d sai lệch dự kiến → %(out)s"
            )
            % {
                "plots": summary.plots,
                "rows": summary.registry_rows,
                "wards": summary.wards,
                "formers": summary.former_communes,
                "records": summary.records,
                "flags": summary.expected_flags,
                "out": out_dir,
            }
        )
