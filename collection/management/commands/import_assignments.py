"""`python manage.py import_assignments FILE` (contract §3)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from collection.assignments import assignments_import
from landdata.tabular import ImportFailed


class Command(BaseCommand):
    help = _("Nhập danh sách giao xã (CSV hoặc XLSX); tất cả hoặc không gì cả.")

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        try:
            result = assignments_import(path=options["file"])
        except ImportFailed as exc:
            raise CommandError("\n".join(exc.problems)) from exc
        except FileNotFoundError as exc:
            raise CommandError(_("không tìm thấy tệp %(file)s") % {"file": options["file"]}) from exc
        self.stdout.write(result.summary())
