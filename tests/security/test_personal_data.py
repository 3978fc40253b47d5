"""Personal data (issue 6, item 3): ID numbers masked unless the role needs them, the document access
log in the admin, the retention command. (Stored images without metadata: tests/collection/scans.)"""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.management import call_command, get_commands
from django.test import Client
from django.urls import reverse

from collection.models import DocumentAccess, Role
from landdata import normalize
from tests.factories import user_with_scope
from tests.reports.campaign import CCCD_FEMALE_1960, CCCD_MALE_1960, CCCD_MALE_1975
from tests.security.conftest import World
from tests.security.walker import body_text

CMND_A3 = "123456789"  # registry CMND of plot a3's holder (an open flag compares it)
IDS = (CCCD_MALE_1960, CCCD_FEMALE_1960, CCCD_MALE_1975, CMND_A3)


def _client(world: World, who: str) -> Client:
    if who == "token_a":
        return Client(HTTP_AUTHORIZATION=f"Token {world.tokens['token_a']}")
    client = Client()
    client.force_login(world.users[who] if who in world.users else getattr(world.campaign, who))
    return client


URLS: dict[str, Callable[[World], str]] = {
    "plot list": lambda w: reverse("collection:plot_list"),
    "plot detail": lambda w: reverse("collection:plot_detail", args=[w.a["plot"].pk]),
    "plot detail a1": lambda w: reverse("collection:plot_detail", args=[w.campaign.plots["a1"].pk]),
    "commune dashboard": lambda w: reverse("reports:commune", args=[w.a["commune"].code]),
    "plots export": lambda w: reverse("reports:export_plots", args=[w.a["commune"].code]),
    "office export": lambda w: reverse("reports:export_office", args=[w.a["commune"].code]),
    "review page": lambda w: reverse("verification:record_review", args=[w.a["record"].pk]),
    "queue": lambda w: reverse("verification:queue"),
    "api plots": lambda w: "/api/v1/plots/",
    "api records": lambda w: "/api/v1/records/",
    "api flags": lambda w: "/api/v1/flags/",
}

# (user, page, expected): "masked" = only masked IDs and at least one of them; "full" = a full ID shown;
# "denied" = 403/404. Officials, group leaders and API tokens of officials never see a full ID.
CASES = [
    *[
        (who, page, "masked")
        for who in ("official_a", "leader_a")
        for page in ("plot list", "plot detail", "plots export", "api plots", "api records")
    ],
    ("token_a", "api plots", "masked"),  # an API token works on the API only
    ("token_a", "api records", "masked"),
    ("official_a", "api flags", "masked"),
    ("official_a", "commune dashboard", "no ids"),
    ("official_a", "plot detail a1", "masked"),
    ("official_a", "office export", "denied"),
    ("official_a", "review page", "denied"),
    ("leader_a", "office export", "denied"),
    # Reviewers: masked in the plots lists, full where they enter IDs into the registry.
    ("reviewer_a", "plot list", "masked"),
    ("reviewer_a", "queue", "no ids"),
    ("reviewer_a", "review page", "full"),
    ("reviewer_a", "office export", "full"),
    ("reviewer_a", "api plots", "full"),
    ("admin", "office export", "full"),
    ("admin", "plot list", "masked"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "page", "expected"), CASES)
def test_id_numbers_masked_unless_the_role_needs_them(world: World, who, page, expected):
    response = _client(world, who).get(URLS[page](world))
    if expected == "denied":
        assert response.status_code in (403, 404)
        return
    assert response.status_code == 200
    text = body_text(response)
    full = [number for number in IDS if number in text]
    masked = [normalize.mask_id(number) for number in IDS if normalize.mask_id(number) in text]
    if expected == "full":
        assert full, f"{who} should see full ID numbers on the {page}"
    else:
        assert not full, f"{who} sees full ID numbers {full} on the {page}"
        if expected == "masked":
            assert masked, f"the {page} shows no ID at all (the test would prove nothing)"


# --- the document access log in the admin --------------------------------------------------------


def _staff(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.mark.django_db
def test_admins_read_who_opened_which_documents(world: World):
    scan = world.a["scan"]
    official = _client(world, "official_a")
    assert official.get(reverse("collection:scan_image", args=[scan.pk])).status_code == 200
    row = DocumentAccess.objects.get(scan=scan)
    assert row.user == world.users["official_a"] and row.action == DocumentAccess.Action.VIEW

    admin = Client()
    admin.force_login(_staff(world.campaign.admin))
    listing = admin.get("/quan-tri/collection/documentaccess/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert world.users["official_a"].username in page and str(scan.pk) in page
    detail = admin.get(f"/quan-tri/collection/documentaccess/{row.pk}/change/")
    assert detail.status_code == 200 and world.users["official_a"].username in detail.content.decode()
    # The log is read-only, even for admins.
    assert admin.get("/quan-tri/collection/documentaccess/add/").status_code == 403
    assert admin.post(f"/quan-tri/collection/documentaccess/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin.post(f"/quan-tri/collection/documentaccess/{row.pk}/change/", {"action": "api"}).status_code == 403
    row.refresh_from_db()
    assert row.action == DocumentAccess.Action.VIEW


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["official_a", "reviewer_a", "leader_a"])
def test_no_one_else_reads_the_access_log_even_with_is_staff(world: World, who):
    DocumentAccess.objects.create(user=world.users["official_a"], scan=world.a["scan"], record=world.a["record"])
    client = Client()
    client.force_login(_staff(world.users[who]))
    assert client.get("/quan-tri/collection/documentaccess/").status_code == 403


@pytest.mark.django_db
def test_an_admin_of_another_province_does_not_see_this_provinces_log(world: World):
    from tests.factories import ProvinceFactory

    DocumentAccess.objects.create(user=world.users["official_a"], scan=world.a["scan"], record=world.a["record"])
    other = _staff(user_with_scope(Role.ADMIN, province=ProvinceFactory(code="01", name="Hà Nội"), username="admin01"))
    client = Client()
    client.force_login(other)
    response = client.get("/quan-tri/collection/documentaccess/")
    assert response.status_code == 200
    assert str(world.a["scan"].pk) not in response.content.decode()


# --- retention ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_scan_retention_command_exists_and_counts_before_deleting(world: World):
    assert get_commands()["purge_scans"] == "collection"
    out = io.StringIO()
    call_command("purge_scans", "--before", "2999-01-01", "--dry-run", stdout=out)
    assert "would be deleted" in out.getvalue()
    assert world.a["scan"].__class__.objects.filter(pk=world.a["scan"].pk).exists()
