"""python manage.py import_collection FILE — collected records from CSV/XLSX (contract §2.3, §3)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from collection.services import records_import
from landdata.tabular import ImportFailed


class Command(BaseCommand):
    help = "Import collected records (CSV or XLSX): all or nothing, re-import harmless."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            result = records_import(path=path, file_name=path.name)
        except ImportFailed as exc:
            for line in exc.problems:
                self.stderr.write(line)
            # Every problem counted, not the lines printed (those add a heading and may stop at a limit).
            raise CommandError(f"{path.name}: nothing imported ({exc.total} problem(s))", returncode=1) from None
        self.stdout.write(result.summary(path.name))
