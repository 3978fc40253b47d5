"""export_flags: contract §4 columns, stable order, commune filter."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from tests.factories import (
    CollectedRecordFactory,
    CommuneFactory,
    FormerCommuneFactory,
    LandUserFactory,
    PlotFactory,
)
from verification.models import Flag, FlagStatus

pytestmark = pytest.mark.django_db

COLUMNS = "old_commune_code,map_sheet,plot_number,code,field,registry_value,collected_value,severity,status"


@pytest.fixture
def flagged():
    a = FormerCommuneFactory(code="09001", commune=CommuneFactory(code="09265"))
    b = FormerCommuneFactory(code="09002", commune=CommuneFactory(code="09266"))
    plot = PlotFactory(former_commune=a, map_sheet="12", plot_number="345", area_m2=Decimal("100"), land_use="ONT")
    LandUserFactory(plot=plot)
    CollectedRecordFactory(
        former_commune=a,
        map_sheet="012",
        plot_number="345",
        sheet_key="12",
        area_m2=Decimal("200"),
        land_use="CLN",
        source="import",
    )
    CollectedRecordFactory(
        former_commune=b, map_sheet="3", plot_number="45a", holder_name="Lê Thị Lan", source="import"
    )
    call_command("run_matching", "--wait")
    Flag.objects.filter(code="LAND_USE_MISMATCH").update(status=FlagStatus.KEPT)


def _read(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_export_all(flagged, tmp_path, capsys):
    out = tmp_path / "flags.csv"
    call_command("export_flags", str(out))
    rows = _read(out)
    assert ",".join(rows[0]) == COLUMNS
    assert rows[1:] == [
        ["09001", "012", "345", "AREA_MISMATCH", "area_m2", "100", "200", "medium", "open"],
        ["09001", "012", "345", "LAND_USE_MISMATCH", "land_use", "ONT", "CLN", "low", "kept"],
        ["09002", "3", "45a", "PLOT_NOT_IN_REGISTRY", "plot_key", "", "09002/3/45A", "high", "open"],
    ]
    assert "3" in capsys.readouterr().out
    call_command("export_flags", str(out))
    assert _read(out) == rows  # stable


def test_export_one_commune(flagged, tmp_path):
    out = tmp_path / "flags.csv"
    call_command("export_flags", str(out), "--commune", "09266")
    assert [r[3] for r in _read(out)[1:]] == ["PLOT_NOT_IN_REGISTRY"]


def test_export_unknown_commune(flagged, tmp_path):
    out = tmp_path / "flags.csv"
    with pytest.raises(CommandError):
        call_command("export_flags", str(out), "--commune", "99999")
    assert not out.exists()


def test_the_export_is_logged_with_the_people_it_names(flagged, tmp_path):
    """Flags carry names and ID numbers: like every export of personal data, export_flags is logged."""
    from collection.models import ExportedPerson, ExportLog
    from landdata.models import LandUser

    call_command("export_flags", str(tmp_path / "flags.csv"))
    call_command("export_flags", str(tmp_path / "one.csv"), "--commune", "09266")
    everything, one_commune = ExportLog.objects.order_by("pk")
    named = set(LandUser.objects.filter(plot__former_commune_id="09001").values_list("pk", flat=True))
    assert (everything.kind, everything.rows, everything.people, everything.user) == ("flags_csv", 3, len(named), None)
    assert set(ExportedPerson.objects.filter(export=everything).values_list("land_user_id", flat=True)) == named
    assert "export_flags flags.csv" in everything.scope and everything.commune is None
    # The other commune's only flag is a plot not in the registry: it names nobody.
    assert (one_commune.rows, one_commune.people, one_commune.commune_id) == (1, 0, "09266")
