"""factory-boy factories shared by every test package."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from collection.models import Assignment, CollectedRecord, CommuneTarget, Role, UserScope, WorkingGroup
from landdata.models import Certificate, Commune, FormerCommune, LandUser, Plot, Province, RegistrationBranch


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = "24"
    name = "Bắc Ninh"


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegistrationBranch
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"CN{n + 1:02d}")
    name = factory.LazyAttribute(lambda o: f"Chi nhánh {o.code}")
    province = factory.SubFactory(ProvinceFactory)


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{9000 + n * 3:05d}")
    name = factory.LazyAttribute(lambda o: f"Phường {o.code}")
    province = factory.SubFactory(ProvinceFactory)
    branch = factory.SubFactory(BranchFactory)


class FormerCommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormerCommune
        django_get_or_create = ("code",)

    commune = factory.SubFactory(CommuneFactory)
    code = factory.LazyAttribute(lambda o: o.commune.code)
    name = factory.LazyAttribute(lambda o: f"Xã cũ {o.code}")


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup

    commune = factory.SubFactory(CommuneFactory)
    name = factory.Sequence(lambda n: f"Tổ {n + 1}")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    former_commune = factory.SubFactory(FormerCommuneFactory)
    commune = factory.LazyAttribute(lambda o: o.former_commune.commune)


class CommuneTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommuneTarget

    commune = factory.SubFactory(CommuneFactory)
    target_plots = 100


class PlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plot

    former_commune = factory.SubFactory(FormerCommuneFactory)
    map_sheet = "1"
    plot_number = factory.Sequence(lambda n: str(n + 1))
    area_m2 = Decimal("250.0")
    land_use = "ONT"
    address = "Thôn 1"


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    plot = factory.SubFactory(PlotFactory)
    serial = factory.Sequence(lambda n: f"BĐ {n:06d}")
    book_number = factory.Sequence(lambda n: f"CH{n:05d}")
    issue_date = dt.date(2010, 2, 1)


class LandUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LandUser

    registry_id = factory.Sequence(lambda n: f"R{n}")
    plot = factory.SubFactory(PlotFactory)
    full_name = "Nguyễn Văn An"
    birth_year = 1960
    id_number = ""


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "mat-khau-123")


def user_with_scope(role: str, *, commune=None, branch=None, province=None, working_group=None, username=None):
    """A user with the given role and unit; password `mat-khau-123`."""
    user = UserFactory(**({"username": username} if username else {}))
    user.save()
    UserScope.objects.create(
        user=user, role=role, commune=commune, branch=branch, province=province, working_group=working_group
    )
    return user


class CollectedRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CollectedRecord

    former_commune = factory.SubFactory(FormerCommuneFactory)
    map_sheet = "1"
    plot_number = "1"
    sheet_key = factory.LazyAttribute(lambda o: o.map_sheet)
    number_key = factory.LazyAttribute(lambda o: o.plot_number.upper())
    holder_name = "Nguyễn Văn An"
    holder_birth_year = 1960
    collected_by = "canbo01"
    collected_on = dt.date(2025, 10, 15)
    status = CollectedRecord.Status.SUBMITTED


__all__ = [
    "Role",
    "ProvinceFactory",
    "BranchFactory",
    "CommuneFactory",
    "FormerCommuneFactory",
    "WorkingGroupFactory",
    "AssignmentFactory",
    "CommuneTargetFactory",
    "PlotFactory",
    "CertificateFactory",
    "LandUserFactory",
    "UserFactory",
    "user_with_scope",
    "CollectedRecordFactory",
]
