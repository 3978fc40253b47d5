from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from config.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and stored scans into a new directory (default var/backups/<timestamp>)."

    def add_arguments(self, parser):
        parser.add_argument("out_dir", nargs="?", help="directory to create")

    def handle(self, *args, out_dir=None, **options):
        target = Path(out_dir) if out_dir else settings.VAR_DIR / "backups" / timezone.now().strftime("%Y%m%d-%H%M%S")
        try:
            result = backup_create(db=connection.settings_dict, media_root=Path(settings.MEDIA_ROOT), out_dir=target)
        except (BackupError, FileExistsError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup written to {result.directory} ({', '.join(result.files)})")
