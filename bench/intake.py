"""Accuracy and speed of the intake pipeline on realistic photos from outside the portal.

Run from the repository root (Tesseract with its Vietnamese data, DejaVu fonts):

    python bench/intake.py [--plots 60] [--others 20] [--duplicates 10] [--seed 1]

A throwaway SQLite database holds a ward of the demo province whose registry is the generator's plots
(demo/photos.py: CCCD fronts with their QR and backs, certificate pages with the serial, book, sheet
and plot printed; on a table, skewed up to ±12°, in perspective, under uneven light, blurred, JPEG
60–90, some upside down or sideways, a quarter at 1,200 px as Zalo sends them; unrelated photos and
near-duplicates). Each photo goes through `collection.intake.services.read_and_propose` (cleaned as a
scan, read, proposed to a plot) in this one process. Prints, per kind: the share proposed to the right
plot, to a wrong plot, and to none; and photos per second. Goals (issue 14): ≥ 98 % of CCCD fronts and
≥ 90 % of certificate pages on the right plot, ≤ 0.5 % wrong proposals, ≥ 2 photos/s per process.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def set_up(workdir: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import logging

    import django

    django.setup()
    from django.core.management import call_command

    logging.disable(logging.WARNING)
    call_command("migrate", verbosity=0)


def registry(plots) -> tuple[str, dict]:
    """The ward and its plots as the generator made them; returns the commune code and plot ids."""
    from landdata.models import Certificate, Commune, FormerCommune, LandUser, Plot, Province

    province = Province.objects.create(code="24", name="Bắc Ninh")
    commune = Commune.objects.create(code="09253", name="Phường Nhân Hòa", province=province)
    former = FormerCommune.objects.create(code="09253", name="Xã Nhân Hòa", commune=commune)
    ids = {}
    for n, truth in enumerate(plots):
        plot = Plot.objects.create(former_commune=former, map_sheet=truth.sheet, plot_number=truth.plot, area_m2=100)
        certificate = Certificate.objects.create(plot=plot, serial=truth.serial, book_number=truth.book_number)
        for k, person in enumerate(truth.holders):
            LandUser.objects.create(
                registry_id=f"B{n}-{k}",
                plot=plot,
                certificate=certificate,
                full_name=person.name,
                birth_year=person.birth_date.year,
                id_number=person.id_number,
            )
        ids[n] = plot.pk
    return commune.code, ids


def expected_plot(truth: dict, plots, ids: dict) -> int | None:
    for n, plot in enumerate(plots):
        if truth.get("serial") and truth["serial"] == plot.serial:
            return ids[n]
        if truth.get("id_number") and truth["id_number"] in {p.id_number for p in plot.holders}:
            return ids[n]
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plots", type=int, default=60)
    parser.add_argument("--others", type=int, default=20)
    parser.add_argument("--duplicates", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-intake-") as tmp:
        set_up(Path(tmp))
        from collection.intake.services import read_and_propose
        from collection.scans.processing import ImageRejected
        from demo import photos

        plots = photos.sample_plots(args.plots, seed=args.seed)
        commune, ids = registry(plots)
        generated = list(photos.generate_photos(plots, seed=args.seed, others=args.others, duplicates=args.duplicates))
        outcome: dict[str, Counter] = defaultdict(Counter)
        kinds_read: dict[str, Counter] = defaultdict(Counter)
        started = time.perf_counter()
        for data, truth in generated:
            kind = truth["kind"]
            try:
                _cleaned, reading, proposal = read_and_propose(data, commune_code=commune)
            except ImageRejected:
                outcome[kind]["rejected"] += 1
                continue
            kinds_read[kind][str(reading.kind)] += 1
            expected = expected_plot(truth, plots, ids)
            if proposal is None:
                outcome[kind]["none"] += 1
            elif proposal.plot.plot_id == expected:
                outcome[kind]["right"] += 1
            else:
                outcome[kind]["wrong"] += 1
        seconds = time.perf_counter() - started
        print(
            f"{len(generated)} photos ({args.plots} plots, {args.others} unrelated, {args.duplicates} near-duplicates)"
        )
        print(f"{'kind':<12} {'photos':>6} {'right':>8} {'wrong':>8} {'none':>8}   kind read as")
        total_wrong = 0
        for kind in ("id_front", "id_back", "certificate", "other"):
            counts = outcome.get(kind, Counter())
            n = sum(counts.values())
            if not n:
                continue
            total_wrong += counts["wrong"]
            share = {key: 100 * counts[key] / n for key in ("right", "wrong", "none")}
            print(
                f"{kind:<12} {n:>6} {share['right']:>7.1f}% {share['wrong']:>7.1f}% {share['none']:>7.1f}%   "
                + ", ".join(f"{k} {v}" for k, v in kinds_read[kind].most_common())
            )
        print(f"wrong proposals: {100 * total_wrong / len(generated):.2f} % of all photos (goal ≤ 0.5 %)")
        print(f"speed: {len(generated) / seconds:.2f} photos/s in one process (goal ≥ 2)")


if __name__ == "__main__":
    main()
