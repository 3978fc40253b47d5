"""Database constraints of the registry models and derived columns."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from collection.models import Role, UserScope
from landdata.models import Certificate, LandUser, Plot
from tests.factories import (
    CertificateFactory,
    CommuneFactory,
    FormerCommuneFactory,
    LandUserFactory,
    PlotFactory,
    ProvinceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_plot_key_is_unique_after_normalisation():
    former = FormerCommuneFactory(code="09001")
    PlotFactory(former_commune=former, map_sheet="12", plot_number="45a")
    with pytest.raises(IntegrityError), transaction.atomic():
        PlotFactory(former_commune=former, map_sheet="012", plot_number="45A")


def test_same_numbers_in_two_former_communes_are_two_plots():
    ward = CommuneFactory(code="09000")
    PlotFactory(former_commune=FormerCommuneFactory(code="09001", commune=ward), map_sheet="1", plot_number="1")
    PlotFactory(former_commune=FormerCommuneFactory(code="09002", commune=ward), map_sheet="1", plot_number="1")
    assert Plot.objects.count() == 2


def test_certificate_unique_per_plot_serial_and_book():
    cert = CertificateFactory(serial="BĐ 123456", book_number="CH1")
    assert cert.serial_key == "BD123456"
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(plot=cert.plot, serial="bd-123456", book_number="CH1")


def test_registry_id_unique():
    LandUserFactory(registry_id="R1")
    with pytest.raises(IntegrityError), transaction.atomic():
        LandUserFactory(registry_id="R1")


@pytest.mark.parametrize(
    ("id_number", "birth_year", "kind"),
    [
        ("027045605136", 1945, "cccd"),
        ("027045605136", 1960, "invalid"),
        ("105032582", 1960, "cmnd"),
        ("", 1960, "empty"),
    ],
)
def test_land_user_derived_columns(id_number, birth_year, kind):
    user = LandUserFactory(full_name="Đặng Văn Hạnh", id_number=id_number, birth_year=birth_year)
    assert user.name_folded == "dang van hanh" and user.id_kind == kind
    assert LandUser.derived(full_name="Đặng Văn Hạnh", id_number=id_number, birth_year=birth_year) == {
        "name_folded": "dang van hanh",
        "id_kind": kind,
    }


@pytest.mark.parametrize(
    ("role", "unit", "ok"),
    [
        ("official", "commune", True),
        ("official", None, False),
        ("reviewer", "branch", True),
        ("reviewer", "commune", False),
        ("admin", "province", True),
        ("admin", None, False),
    ],
)
def test_scope_check_constraint(role, unit, ok):
    commune = CommuneFactory()
    units = {
        "commune": {"commune": commune},
        "branch": {"branch": commune.branch},
        "province": {"province": ProvinceFactory()},
        None: {},
    }[unit]
    user = UserFactory()
    user.save()
    if ok:
        UserScope.objects.create(user=user, role=role, **units)
    else:
        with pytest.raises(IntegrityError), transaction.atomic():
            UserScope.objects.create(user=user, role=role, **units)
    assert Role(role)
