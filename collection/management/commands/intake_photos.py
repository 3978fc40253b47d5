"""python manage.py intake_photos DIR --commune CODE [--out PROPOSALS.csv] (contract §3).

Sorts a folder of photos from outside the portal (JPEG, PNG, HEIC, and PDFs, page by page) to the
plots of one commune, by the same pipeline as the portal's inbox, and writes the proposals. It only
proposes: nothing is attached to a record.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from collection.intake import pdf
from collection.intake.services import read_and_propose
from collection.scans.processing import ImageRejected
from landdata import normalize
from landdata.models import Commune
from landdata.safe_cells import SafeCsvWriter

COLUMNS = ["file", "kind", "old_commune_code", "map_sheet", "plot_number", "matched_by", "confidence"]
SUFFIXES = {".jpg", ".jpeg", ".png", ".heic", ".heif", ".webp", ".tif", ".tiff", ".pdf"}


class Command(BaseCommand):
    help = "Propose a plot of the commune for each photo of a folder (CSV of proposals); attaches nothing."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--commune", required=True, help="code of the commune or ward (2025 units)")
        parser.add_argument("--out", help="CSV file to write (default: standard output)")

    def handle(self, *args, directory: str, commune: str, out: str | None = None, **options):
        folder = Path(directory)
        if not folder.is_dir():
            raise CommandError(f"{directory}: no such folder")
        code = normalize.commune_code(commune)
        if not Commune.objects.filter(pk=code).exists():
            raise CommandError(f"{commune}: no such commune")
        files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        handle = open(out, "w", newline="", encoding="utf-8") if out else sys.stdout  # noqa: SIM115
        try:
            writer = SafeCsvWriter(handle)  # file names come from outside: never a formula
            writer.writerow(COLUMNS)
            proposed = 0
            for path in files:
                for name, data in self._images(path, folder):
                    row = self._row(name, data, code)
                    proposed += bool(row[5])
                    writer.writerow(row)
        finally:
            if out:
                handle.close()
        self.stderr.write(f"{len(files)} file(s), {proposed} photo(s) proposed to a plot")

    def _images(self, path: Path, folder: Path):
        name = path.relative_to(folder).as_posix()
        data = path.read_bytes()
        if pdf.is_pdf(data[:8]):
            try:
                for page, image in pdf.pdf_pages(data):
                    yield f"{name}#page={page}", image
            except pdf.PdfRejected as exc:
                self.stderr.write(f"{name}: PDF not readable ({exc})")
        else:
            yield name, data

    def _row(self, name: str, data: bytes, commune_code: str) -> list:
        try:
            _cleaned, reading, proposal = read_and_propose(data, commune_code=commune_code)
        except ImageRejected as exc:
            self.stderr.write(f"{name}: {exc.reason.value}")
            return [name, "other", "", "", "", "", ""]
        if proposal is None:
            return [name, str(reading.kind), "", "", "", "", ""]
        plot = proposal.plot
        return [
            name,
            str(reading.kind),
            plot.former_commune_code,
            plot.map_sheet,
            plot.plot_number,
            proposal.matched_by,
            f"{proposal.confidence:.3f}",
        ]
