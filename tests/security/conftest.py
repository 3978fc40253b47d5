"""Two communes with personal data, users of commune A in every role, and commune B's secrets.

Commune B's holder names, ID numbers and addresses are distinctive strings that appear nowhere in
commune A's data, so finding one of them in a response to a user of A is a leak.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from collection import citizen
from collection.models import ChunkedUpload, CollectedRecord, DocumentAccess, IntakeBatch, IntakeItem, Role, ScanKind
from config.models import ApiToken
from landdata.models import ImportBatch
from reports.models import ScanBundle
from tests.factories import (
    AssignmentFactory,
    CollectedRecordFactory,
    FormerCommuneFactory,
    LandUserFactory,
    PlotFactory,
    WorkingGroupFactory,
    user_with_scope,
)
from tests.reports.campaign import Campaign, build_campaign
from tests.reports.factories import FlagFactory, ScanFactory
from verification.models import FlagStatus

# Commune B's personal data: must never reach a user of commune A.
B_HOLDER = "Bùi Thị Bí Mật"
B_CO_HOLDER = "Lý Văn Kín Đáo"
B_REGISTRY_NAME = "Đinh Thị Riêng Tư"
B_ID = "036199000777"
B_OLD_ID = "171234999"
B_REGISTRY_ID = "036088000555"
B_ADDRESS = "Số 9 ngõ Bí Mật"
# The TOTP secret of B's official (hex key of b"12345678901234567890"; base32 as the 2FA pages show it).
B_TOTP_KEY = "3132333435363738393031323334353637383930"
B_TOTP_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
B_SECRETS = (
    B_HOLDER,
    B_CO_HOLDER,
    B_REGISTRY_NAME,
    B_ID,
    B_OLD_ID,
    B_REGISTRY_ID,
    B_ADDRESS,
    B_TOTP_BASE32,
    "GEZD GNBV GY3T QOJQ",
)


def jpeg_bytes(color: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, "JPEG")
    return buffer.getvalue()


@dataclass
class World:
    campaign: Campaign
    a: dict = field(default_factory=dict)  # commune A's objects (own pass)
    b: dict = field(default_factory=dict)  # commune B's objects (attack pass)
    users: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)


def build_world() -> World:
    c = build_campaign()
    world = World(campaign=c)
    fb = c.records["b1"].former_commune
    fb2 = FormerCommuneFactory(code="20002", name="Xã Kín", commune=c.b)
    group_b = WorkingGroupFactory(commune=c.b, name="Tổ B")
    AssignmentFactory(former_commune=fb2, commune=c.b, working_group=group_b)
    plot_b = PlotFactory(former_commune=fb2, map_sheet="7", plot_number="70", address=B_ADDRESS)
    LandUserFactory(plot=plot_b, full_name=B_REGISTRY_NAME, id_number=B_REGISTRY_ID, address=B_ADDRESS)
    record_b = CollectedRecordFactory(
        former_commune=fb2,
        plot=plot_b,
        map_sheet="7",
        plot_number="70",
        holder_name=B_HOLDER,
        holder_id_number=B_ID,
        holder_old_id_number=B_OLD_ID,
        co_holder_name=B_CO_HOLDER,
        collected_by="canbo-b",
        notes=B_ADDRESS,
    )
    draft_b = CollectedRecordFactory(
        former_commune=fb,
        plot=c.plots["b2"],
        map_sheet="1",
        plot_number="2",
        holder_name=B_HOLDER,
        holder_id_number=B_ID,
        collected_by="canbo-b",
        status=CollectedRecord.Status.DRAFT,
    )
    flag_b = FlagFactory(
        record=record_b,
        code="OWNER_NAME_MISMATCH",
        field="holder_name",
        status=FlagStatus.OPEN,
        registry_value=B_REGISTRY_NAME,
        collected_value=B_HOLDER,
    )
    scan_b = ScanFactory(record=record_b, kind=ScanKind.ID_FRONT, original_name="cccd-bi-mat.jpg")
    scan_b.thumbnail.save("thumb-b.jpg", ContentFile(jpeg_bytes("green")), save=True)
    bundle_b = ScanBundle.objects.create(commune=c.b, status=ScanBundle.Status.DONE, record_ids=[record_b.pk])
    bundle_b.file.save("goi-b.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18), save=True)
    batch_b = ImportBatch.objects.create(kind="registry", file_name="b.xlsx", sha256="b" * 64)
    DocumentAccess.objects.create(user=c.official_b, scan=scan_b, record=record_b)
    TOTPDevice.objects.create(user=c.official_b, name="app", key=B_TOTP_KEY, confirmed=True)
    upload_b = ChunkedUpload.objects.create(
        id=uuid.uuid4(),
        record=draft_b,
        user=c.official_b,
        kind=ScanKind.ID_FRONT,
        length=1000,
        sha256="b" * 64,
        original_name="cccd-b.jpg",
    )

    intake_b = _intake_item(c.b, c.official_b, "zalo-b.jpg")
    link_b, _token_b = citizen.link_create(user=c.official_b, plot_id=plot_b.pk)

    # Commune A's counterparts, for the own pass (must work, and show nothing of B).
    record_a = c.records["a3"]
    scan_a = ScanFactory(record=record_a, kind=ScanKind.CERT_PAGE_1, original_name="gcn-a.jpg")
    scan_a.thumbnail.save("thumb-a.jpg", ContentFile(jpeg_bytes("blue")), save=True)
    bundle_a = ScanBundle.objects.create(commune=c.a, status=ScanBundle.Status.DONE, record_ids=[record_a.pk])
    bundle_a.file.save("goi-a.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18), save=True)
    flag_a = record_a.flags.filter(status=FlagStatus.OPEN).first()
    upload_a = ChunkedUpload.objects.create(
        id=uuid.uuid4(),
        record=c.records["a_draft"],
        user=c.official_a,
        kind=ScanKind.CERT_PAGE_1,
        length=1000,
        sha256="a" * 64,
    )

    intake_a = _intake_item(c.a, c.official_a, "zalo-a.jpg")
    link_a, _token_a = citizen.link_create(user=c.official_a, plot_id=c.plots["a3"].pk)
    leader_a = user_with_scope(Role.GROUP_LEADER, commune=c.a, working_group=c.group, username="totruong-a")
    token_user = user_with_scope(Role.OFFICIAL, commune=c.a, username="api-a")
    world.users = {
        "official_a": c.official_a,
        "reviewer_a": c.reviewer_a,
        "leader_a": leader_a,
        "token_a": token_user,
        "official_b": c.official_b,
    }
    world.tokens = {"token_a": ApiToken.objects.create(user=token_user, name="walker")[1]}
    world.b = {
        "plot": plot_b,
        "record": record_b,
        "draft": draft_b,
        "flag": flag_b,
        "scan": scan_b,
        "bundle": bundle_b,
        "group": group_b,
        "commune": c.b,
        "former": fb2,
        "official": c.official_b,
        "batch": batch_b,
        "upload": upload_b,
        "intake": intake_b,
        "link": link_b,
    }
    world.a = {
        "plot": c.plots["a3"],
        "record": record_a,
        "draft": c.records["a_draft"],
        "flag": flag_a,
        "scan": scan_a,
        "bundle": bundle_a,
        "group": c.group,
        "commune": c.a,
        "former": record_a.former_commune,
        "official": c.official_a,
        "batch": None,
        "upload": upload_a,
        "intake": intake_a,
        "link": link_a,
    }
    return world


def _intake_item(commune, user, name: str) -> IntakeItem:
    """A photo of the commune's intake, read and proposed (as the worker leaves it)."""
    batch = IntakeBatch.objects.create(commune=commune, uploaded_by=user)
    item = IntakeItem.objects.create(
        batch=batch, commune=commune, original_name=name, sha256=name.ljust(64, "0")[:64], status="ready", kind="other"
    )
    item.file.save(f"{name}.jpg", ContentFile(jpeg_bytes("red")), save=False)
    item.thumbnail.save(f"{name}-thumb.jpg", ContentFile(jpeg_bytes("red")), save=True)
    return item


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db) -> World:
    return build_world()
