"""The sample files (tests/fixtures, twins of the product's samples) through the contract's commands, as an outside user would run them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from django.core.management import call_command

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures"

pytestmark = pytest.mark.django_db


def test_samples_raise_exactly_the_discrepancies_their_readme_lists(tmp_path, capsys):
    call_command("import_registry", str(SAMPLES / "registry_extract.csv"))
    call_command("import_registry", str(SAMPLES / "registry_extract_vi.xlsx"))  # the same rows: nothing changes
    call_command("import_assignments", str(SAMPLES / "assignments.csv"))
    call_command("import_collection", str(SAMPLES / "collection_records.csv"))
    call_command("run_matching", wait=True)
    call_command("export_flags", str(tmp_path / "flags.csv"))

    with (tmp_path / "flags.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "old_commune_code",
        "map_sheet",
        "plot_number",
        "code",
        "field",
        "registry_value",
        "collected_value",
        "severity",
        "status",
    ]
    got = sorted((r["old_commune_code"], r["map_sheet"], r["plot_number"], r["code"]) for r in rows)
    assert got == [
        ("09001", "1", "1", "AREA_MISMATCH"),
        ("09002", "1", "1", "CERTIFICATE_STATUS"),
        ("09003", "1", "1", "USER_NOT_HOLDER"),
        ("09004", "1", "1", "OWNER_NAME_MISMATCH"),
        ("09005", "99", "999", "PLOT_NOT_IN_REGISTRY"),
    ]
    assert {r["status"] for r in rows} == {"open"}

    capsys.readouterr()
    call_command("campaign_report", commune="09000", format="json")
    figures = json.loads(capsys.readouterr().out)
    assert (figures["commune_code"], figures["target_plots"], figures["assigned_plots"]) == ("09000", 1, 3)
    assert (figures["collected_plots"], figures["percent_of_target"]) == (3, 300.0)
    assert (figures["verified"], figures["pending_review"], figures["open_flags"]) == (1, 2, 2)

    call_command("campaign_report", commune="09003", format="json")
    figures = json.loads(capsys.readouterr().out)
    assert (figures["collected_plots"], figures["verified"], figures["pending_review"], figures["not_in_registry"]) == (
        4,
        1,
        2,
        1,
    )
