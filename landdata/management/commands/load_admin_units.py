"""python manage.py load_admin_units [--province CODE] (contract §3)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from landdata.admin_units import AdminUnitsUnavailable
from landdata.services import admin_units_load


class Command(BaseCommand):
    help = _("Nạp danh mục xã, phường năm 2025 của tỉnh và các xã cũ sáp nhập vào từng đơn vị (danh mục chính thức).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            default=None,
            help=_("mã tỉnh 2 chữ số (mặc định: PROVINCE_CODE của cổng, hiện là %s)") % settings.PROVINCE_CODE,
        )

    def handle(self, *args, province=None, **options):
        code = (province or settings.PROVINCE_CODE).strip().zfill(2)
        try:
            result = admin_units_load(province_code=code)
        except LookupError:
            raise CommandError(_("Không có tỉnh mã %(code)s trong danh mục năm 2025.") % {"code": code}) from None
        except AdminUnitsUnavailable as exc:
            raise CommandError(_("Không đọc được danh mục đơn vị hành chính: %(error)s") % {"error": exc}) from None
        self.stdout.write(result.summary())
