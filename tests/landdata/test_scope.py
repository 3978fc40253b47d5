"""Scope restriction: nobody sees a plot outside their unit."""

import pytest

from collection.models import Role
from collection.scope import restrict, scoped_communes
from landdata.models import Plot
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    CommuneFactory,
    FormerCommuneFactory,
    PlotFactory,
    ProvinceFactory,
    WorkingGroupFactory,
    user_with_scope,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_communes():
    branch_a, branch_b = BranchFactory(code="CN01"), BranchFactory(code="CN02")
    ward_a = CommuneFactory(code="09000", branch=branch_a)
    ward_b = CommuneFactory(code="09003", branch=branch_b)
    former_a1 = FormerCommuneFactory(code="09000", commune=ward_a)
    former_a2 = FormerCommuneFactory(code="09001", commune=ward_a)
    former_b = FormerCommuneFactory(code="09003", commune=ward_b)
    # Same sheet/plot numbers in two former communes of one ward: both exist.
    plots = {
        "a1": PlotFactory(former_commune=former_a1, map_sheet="12", plot_number="345"),
        "a2": PlotFactory(former_commune=former_a2, map_sheet="12", plot_number="345"),
        "b": PlotFactory(former_commune=former_b, map_sheet="12", plot_number="345"),
    }
    return ward_a, ward_b, branch_a, plots


def visible(user):
    return set(restrict(Plot.objects.all(), user).values_list("former_commune_id", flat=True))


def test_official_sees_only_own_commune(two_communes):
    ward_a, _, _, _ = two_communes
    official = user_with_scope(Role.OFFICIAL, commune=ward_a)
    assert visible(official) == {"09000", "09001"}


def test_official_in_working_group_sees_only_group_former_communes(two_communes):
    ward_a, _, _, plots = two_communes
    group = WorkingGroupFactory(commune=ward_a, name="Tổ 1")
    AssignmentFactory(former_commune=plots["a1"].former_commune, working_group=group)
    AssignmentFactory(former_commune=plots["a2"].former_commune)
    official = user_with_scope(Role.OFFICIAL, commune=ward_a, working_group=group)
    assert visible(official) == {"09000"}


def test_reviewer_sees_branch_communes(two_communes):
    _, _, branch_a, _ = two_communes
    reviewer = user_with_scope(Role.REVIEWER, branch=branch_a)
    assert visible(reviewer) == {"09000", "09001"}
    assert list(scoped_communes(reviewer).values_list("code", flat=True)) == ["09000"]


def test_admin_sees_province(two_communes):
    admin = user_with_scope(Role.ADMIN, province=ProvinceFactory())
    assert visible(admin) == {"09000", "09001", "09003"}


def test_user_without_scope_sees_nothing(two_communes, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x")
    assert visible(nobody) == set()


def test_anonymous_sees_nothing(two_communes):
    from django.contrib.auth.models import AnonymousUser

    assert visible(AnonymousUser()) == set()


def test_unknown_model_is_refused(two_communes):
    from django.contrib.auth.models import Group

    admin = user_with_scope(Role.ADMIN, province=ProvinceFactory())
    with pytest.raises(LookupError):
        restrict(Group.objects.all(), admin)
