"""`python manage.py import_registry FILE [--replace]` (contract §3)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from landdata.registry_import import registry_import
from landdata.tabular import ImportFailed


def tty_progress(stream):
    """A percentage line on stderr, only when stderr is a terminal."""
    if not stream.isatty():
        return None

    def report(done: int, total: int) -> None:
        percent = int(done * 100 / total) if total else 100
        stream.write(f"\r{percent:3d}% ({done}/{total})")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return report


class Command(BaseCommand):
    help = _("Nhập trích xuất sổ địa chính (CSV hoặc XLSX); tất cả hoặc không gì cả.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--replace",
            action="store_true",
            help=_("xoá dữ liệu các thửa không có trong tệp (trừ thửa đã có dữ liệu thu thập)"),
        )

    def handle(self, *args, **options):
        try:
            result = registry_import(
                path=options["file"], replace=options["replace"], progress=tty_progress(sys.stderr)
            )
        except ImportFailed as exc:
            raise CommandError("\n".join(exc.problems)) from exc
        except FileNotFoundError as exc:
            raise CommandError(_("không tìm thấy tệp %(file)s") % {"file": options["file"]}) from exc
        self.stdout.write(result.summary())
