"""The demo province (collection.demo): matching raises exactly the injected flags and enrichments."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import call_command

from demo.generator import (
    EXPECTED_ENRICHMENTS_FILE,
    EXPECTED_FLAGS_FILE,
    RECORDS_FILE,
    demo_generate,
)
from landdata import normalize
from verification.models import Enrichment, Flag

pytestmark = pytest.mark.django_db


def _key(old, sheet, number):
    return (old, normalize.plot_key_part(sheet), normalize.plot_key_part(number))


def _expected(path: Path, column: str) -> set:
    with open(path, encoding="utf-8", newline="") as fh:
        return {
            (_key(row["old_commune_code"], row["map_sheet"], row["plot_number"]), row[column])
            for row in csv.DictReader(fh)
        }


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    demo_generate(out_dir=out, plots=2000, seed=7, province_code="24")
    return out


def _import_and_match(demo_dir: Path, records: Path) -> None:
    call_command("import_assignments", str(demo_dir / "assignments.csv"))
    call_command("import_registry", str(demo_dir / "registry_extract.csv"))
    call_command("import_collection", str(records))
    call_command("run_matching", "--wait")


def _got_flags() -> set:
    return {
        ((f, s, n), code)
        for f, s, n, code in Flag.objects.values_list(
            "former_commune_id", "record__sheet_key", "record__number_key", "code"
        )
    }


def test_demo_flags_exactly_as_injected(demo_dir):
    _import_and_match(demo_dir, demo_dir / RECORDS_FILE)

    expected_flags = _expected(demo_dir / EXPECTED_FLAGS_FILE, "code")
    got_flags = _got_flags()
    assert sorted(got_flags - expected_flags) == []  # nothing flagged that was not injected
    assert sorted(expected_flags - got_flags) == []  # every injected case flagged, with the right code
    assert len({code for _, code in expected_flags}) >= 12  # every injected kind is present

    expected_enrichments = _expected(demo_dir / EXPECTED_ENRICHMENTS_FILE, "kind")
    got_enrichments = {
        ((f, s, n), kind)
        for f, s, n, kind in Enrichment.objects.values_list(
            "record__former_commune_id", "record__sheet_key", "record__number_key", "kind"
        )
    }
    assert sorted(got_enrichments - expected_enrichments) == []
    assert sorted(expected_enrichments - got_enrichments) == []

    before = sorted(Flag.objects.values_list("id", "code", "status"))
    call_command("run_matching", "--wait")
    assert sorted(Flag.objects.values_list("id", "code", "status")) == before
