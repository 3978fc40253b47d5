"""`export_flags OUT.csv [--commune CODE]`: every flag in the columns of contract §4, streamed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from collection.export_log import export_log_write, land_users_of_plots
from collection.models import ExportLog
from landdata import normalize
from landdata.models import Commune
from landdata.safe_cells import SafeCsvWriter
from verification.selectors import EXPORT_COLUMNS, flags_export_plot_ids, flags_for_export


class Command(BaseCommand):
    help = _("Xuất các sai lệch ra tệp CSV.")

    def add_arguments(self, parser):
        parser.add_argument("out", help=_("tệp CSV sẽ ghi"))
        parser.add_argument("--commune", help=_("mã xã/phường (5 chữ số)"))

    def handle(self, *args, out: str, commune=None, **options):
        code, unit = None, None
        if commune is not None:
            code = normalize.commune_code(commune)
            unit = Commune.objects.filter(code=code).first()
            if unit is None:
                raise CommandError(_("Không có xã/phường mã %(code)s.") % {"code": commune})
        target = Path(out)
        if not target.parent.exists():
            raise CommandError(_("Thư mục %(dir)s không tồn tại.") % {"dir": target.parent})
        # Written beside the target and renamed at the end: never a half-written file.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".export_flags_", suffix=".csv")
        count = 0
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                # Names and IDs as typed: a value starting with "=" must not run in the reader's Excel.
                writer = SafeCsvWriter(fh)
                writer.writerow(EXPORT_COLUMNS)
                for row in flags_for_export(commune_code=code):
                    writer.writerow(row)
                    count += 1
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        # Flags carry names and ID numbers: the export is logged like every other (collection.export_log).
        export_log_write(
            user=None,
            kind=ExportLog.Kind.FLAGS_CSV,
            land_user_ids=land_users_of_plots(flags_export_plot_ids(commune_code=code)),
            rows=count,
            scope=f"manage.py export_flags {target.name}" + (f" --commune {code}" if code else ""),
            commune=unit,
        )
        self.stdout.write(_("Đã ghi %(count)s sai lệch vào %(out)s.") % {"count": count, "out": target})
