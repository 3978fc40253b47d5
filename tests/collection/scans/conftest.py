"""Fixtures of the scan tests: two communes, an official of each, a draft record, eager Celery."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from collection.models import CollectedRecord, Role
from tests.factories import (
    BranchFactory,
    CollectedRecordFactory,
    CommuneFactory,
    FormerCommuneFactory,
    ProvinceFactory,
    user_with_scope,
)


@pytest.fixture(autouse=True)
def _eager_celery(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def world(db):
    province = ProvinceFactory()
    branch_a, branch_b = BranchFactory(code="CN01"), BranchFactory(code="CN02")
    ward_a = CommuneFactory(code="09010", branch=branch_a, province=province)
    ward_b = CommuneFactory(code="09020", branch=branch_b, province=province)
    former_a = FormerCommuneFactory(code="09010", commune=ward_a)
    former_b = FormerCommuneFactory(code="09020", commune=ward_b)
    return {
        "province": province,
        "branch_a": branch_a,
        "ward_a": ward_a,
        "ward_b": ward_b,
        "record": CollectedRecordFactory(former_commune=former_a, status=CollectedRecord.Status.DRAFT),
        "record_b": CollectedRecordFactory(former_commune=former_b, status=CollectedRecord.Status.DRAFT),
        "official": user_with_scope(Role.OFFICIAL, commune=ward_a, username="canbo_a"),
        "official_b": user_with_scope(Role.OFFICIAL, commune=ward_b, username="canbo_b"),
        "reviewer": user_with_scope(Role.REVIEWER, branch=branch_a, username="vpdk_a"),
        "admin": user_with_scope(Role.ADMIN, province=province, username="tinh"),
    }


@pytest.fixture
def official_client(client, world):
    client.force_login(world["official"])
    return client


def upload_file(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
