from django.core.management.base import BaseCommand, CommandError

from collection.scans import encryption
from collection.scans.rotation import keys_in_use, scans_rotate_key


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored scan, thumbnail, intake photo and upload chunk under the current key (the "
        "first of SCAN_ENCRYPTION_KEYS). Resumable: run it again after an interruption. When it reports no "
        "file under an old key, that key can be dropped from SCAN_ENCRYPTION_KEYS."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=200, help="rows per step (progress printed after each)")
        parser.add_argument("--status", action="store_true", help="only show how many rows each key still holds")

    def handle(self, *args, chunk_size=200, status=False, **options):
        try:
            current = encryption.current_key_id()
        except Exception as exc:  # noqa: BLE001 - the operator needs the reason, not a traceback
            raise CommandError(str(exc)) from exc
        if not status:
            self.stdout.write(f"re-encrypting under key {current!r}")
            try:
                result = scans_rotate_key(
                    chunk_size=chunk_size,
                    progress=lambda what, done, total: self.stdout.write(f"  {what}: {done}/{total}"),
                )
            except encryption.ScanKeyError as exc:
                raise CommandError(f"{exc}; nothing was lost: fix the keys and run the command again") from exc
            self.stdout.write(
                f"done: {result.rows} rows, {result.files} files re-encrypted"
                + (f", {result.skipped} changed meanwhile (run again)" if result.skipped else "")
            )
        for key_id, n in sorted(keys_in_use().items()):
            label = key_id or "(not encrypted)"
            self.stdout.write(f"key {label}: {n} rows" + (" (current)" if key_id == current else ""))
