import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from collection.scans.services import scans_purge
from landdata.models import Commune


class Command(BaseCommand):
    help = (
        "Delete scans (certificate and ID-card images) uploaded before a date, after the campaign: "
        "rows and files. The access log is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="delete scans uploaded before this date (yyyy-mm-dd)")
        parser.add_argument("--commune", help="only this commune's scans")
        parser.add_argument("--dry-run", action="store_true", help="only count what would be deleted")

    def handle(self, *args, before, commune=None, dry_run=False, **options):
        try:
            cutoff = dt.date.fromisoformat(before)
        except ValueError as exc:
            raise CommandError(f"--before {before!r} is not a date (yyyy-mm-dd)") from exc
        if commune and not Commune.objects.filter(code=commune).exists():
            raise CommandError(f"unknown commune {commune}")
        result = scans_purge(uploaded_before=cutoff, commune_code=commune, dry_run=dry_run)
        if dry_run:
            self.stdout.write(f"{result.scans} scans would be deleted (uploaded before {cutoff})")
        else:
            self.stdout.write(f"deleted {result.scans} scans and {result.files} files uploaded before {cutoff}")
