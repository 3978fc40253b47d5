from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from config.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore the database and stored scans from a directory made by backup_data (replaces current data)."

    def add_arguments(self, parser):
        parser.add_argument("backup_dir")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, backup_dir, yes=False, **options):
        if not yes:
            answer = input("This replaces the database and all scans. Type 'yes' to continue: ")
            if answer.strip().lower() != "yes":
                raise CommandError("restore cancelled")
        connection.close()
        try:
            backup_restore(
                backup_dir=Path(backup_dir), db=connection.settings_dict, media_root=Path(settings.MEDIA_ROOT)
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored from {backup_dir}")
