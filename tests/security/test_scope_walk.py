"""Scope walk (issue 6, item 1): every URL of the project, as users of commune A, with commune B's ids.

For each pattern (found by walking the URLconf, see `walker.py`) and each user of commune A
(official, group leader, reviewer of A's branch, an official with is_staff, an API token), the
URL is requested with commune B's plot / record / scan / flag / bundle / commune code / working
group / username / import batch, with GET (also with B's ids in the query string) and with
POST, PUT, PATCH and DELETE. Asserted:

* a URL carrying B's id answers 401/403/404/405 or redirects to a login page;
* no response (whatever its status) contains B's names, ID numbers or addresses — xlsx and ZIP
  bodies are unpacked before searching;
* nothing in the database changed (a snapshot of every table of the project's apps);
* nothing raises (a 500).

The own pass fills the same URLs with commune A's objects: pages must work and still show nothing
of B. Anonymous users are redirected to a login page (or get 401/403 from the API) everywhere
except the commented public allow-list in `walker.PUBLIC_NAMES`.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from collection.models import Role
from tests.factories import user_with_scope
from tests.security.conftest import B_SECRETS, World, jpeg_bytes
from tests.security.walker import CannotFill, body_text, build_url, is_public, iter_endpoints, leaked

# Logging out ends the walker's session, after which it would only see login redirects.
SESSION_ENDERS = {"logout", "admin:logout"}
METHODS = ("get", "post", "put", "patch", "delete")
DENIED = {401, 403, 404, 405}
LOGIN_PREFIXES = ("/dang-nhap/", "/quan-tri/login/")
SNAPSHOT_APPS = ("landdata", "collection", "verification", "portal")


AUDIT_OF_READS = {"collection.ExportLog", "collection.ExportedPerson"}


def _is_login_redirect(response) -> bool:
    return response.status_code in (301, 302) and response["Location"].startswith(LOGIN_PREFIXES)


def _is_admin_redirect(endpoint, response) -> bool:
    """The admin's own answer to an object it will not show: back to the admin (or to the change page,
    which the walk requests as well); what the redirect target shows is checked on its own URL."""
    return (
        endpoint.regex.startswith("quan\\-tri/")
        and response.status_code == 302
        and response["Location"].startswith("/quan-tri/")
    )


def _client_for(world: World, who: str) -> Client:
    if who == "anonymous":
        return Client()
    if who == "token_a":
        return Client(HTTP_AUTHORIZATION=f"Token {world.tokens['token_a']}")
    client = Client()
    client.force_login(world.users[who])
    return client


def _snapshot() -> dict[str, str]:
    """Every row of every project table (and users without last_login), as text."""
    models = [m for label in SNAPSHOT_APPS for m in apps.get_app_config(label).get_models()]
    # The export log records reads (a reviewer's API page of their own commune, with full IDs): by design.
    models = [m for m in models if m._meta.label not in AUDIT_OF_READS]
    state = {m._meta.label: repr(list(m._default_manager.order_by("pk").values())) for m in models}
    users = get_user_model().objects.order_by("pk").values("pk", "username", "password", "is_active", "is_staff")
    state["auth.User"] = repr(list(users))
    # Confirmed second-factor devices (opening the 2FA page creates the caller's own unconfirmed one).
    from django_otp.plugins.otp_totp.models import TOTPDevice

    state["otp_totp.TOTPDevice"] = repr(list(TOTPDevice.objects.filter(confirmed=True).order_by("pk").values()))
    return state


def _query(objs: dict) -> str:
    """B's ids under every filter name the list pages and the API accept."""
    return urlencode(
        {
            "commune": objs["commune"].code,
            "old_commune": objs["former"].code,
            "record": objs["record"].pk,
            "plot": objs["plot"].pk,
            "collected_by": objs["official"].username,
            "q": objs["plot"].plot_number,
            "former_commune": objs["former"].code,
            "working_group": objs["group"].pk,
        }
    )


def _form_body(objs: dict) -> dict:
    """A POST body aimed at B: B's ids in every field name a form or serializer of the portal reads."""
    flag = objs["flag"]
    return {
        "plot": objs["plot"].pk,
        "record": objs["record"].pk,
        "flags": [f"{flag.pk}:{flag.version}"],
        "decision": "keep",
        "note": "walker",
        "version": flag.version,
        "kind": "cert_1",
        "kinds": ["cert_1"],
        "holder_name": "Kẻ Xâm Nhập",
        "submit": "1",
        "commune": objs["commune"].code,
        "files": SimpleUploadedFile("a.jpg", jpeg_bytes(), content_type="image/jpeg"),
        "file": SimpleUploadedFile("b.jpg", jpeg_bytes(), content_type="image/jpeg"),
    }


def _json_body(objs: dict) -> dict:
    flag = objs["flag"]
    return {
        "plot": objs["plot"].pk,
        "holder_name": "Kẻ Xâm Nhập",
        "version": str(flag.version),
        "decision": "keep",
        "note": "walker",
    }


def _request(client: Client, method: str, url: str, objs: dict):
    if method == "get":
        return client.get(url)
    if method == "post":
        return client.post(url, _form_body(objs))
    return getattr(client, method)(url, _json_body(objs), content_type="application/json")


def _walk(world: World, who: str, objs: dict, *, methods=METHODS, query: bool = True):
    """Yield (label, method, url, carries_id, response or exception) for every endpoint; record fills."""
    client = _client_for(world, who)
    unfillable: list[str] = []
    results = []
    for endpoint in iter_endpoints():
        if who != "anonymous" and endpoint.name in SESSION_ENDERS:
            continue
        try:
            url, carries_id = build_url(endpoint, objs)
        except CannotFill as exc:
            unfillable.append(
                f"{endpoint.label}: the walker cannot fill {exc}. Teach it: add a rule to PARAM_RULES "
                f"(or PK_BY_NAME for a `pk`) in tests/security/walker.py giving the object of the "
                f"target commune for this parameter."
            )
            continue
        requests = [(m, url) for m in methods]
        if query:
            requests.append(("get", f"{url}?{_query(objs)}"))
        for method, full_url in requests:
            try:
                response = _request(client, method, full_url, objs)
            except Exception as exc:  # noqa: BLE001  (a 500: reported with the others)
                results.append((endpoint, method, full_url, carries_id, exc))
            else:
                results.append((endpoint, method, full_url, carries_id, response))
    if who not in ("anonymous", "token_a"):
        # Still logged in at the end: otherwise the checks above only saw login redirects.
        assert client.get("/").status_code == 200, f"{who} was logged out during the walk"
    return unfillable, results


ROLES_OF_A = ["official_a", "leader_a", "reviewer_a", "staff_official_a", "token_a"]


def _add_staff_official(world: World) -> None:
    """An official who was given is_staff by mistake: the admin must still show nothing of B."""
    user = user_with_scope(Role.OFFICIAL, commune=world.campaign.a, username="canbo-staff-a")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    world.users["staff_official_a"] = user


@pytest.mark.django_db
@pytest.mark.parametrize("who", ROLES_OF_A)
def test_user_of_commune_a_cannot_reach_commune_b(world: World, who: str):
    _add_staff_official(world)
    before = _snapshot()
    unfillable, results = _walk(world, who, world.b)
    problems = list(unfillable)
    for endpoint, method, url, carries_id, response in results:
        where = f"{who} {method.upper()} {url} ({endpoint.name})"
        if isinstance(response, Exception):
            problems.append(f"{where}: raised {response!r}")
            continue
        status = response.status_code
        if status >= 500:
            problems.append(f"{where}: server error {status}")
        found = leaked(body_text(response), B_SECRETS)
        if found:
            problems.append(f"{where}: status {status} shows commune B's data {found}")
        if (
            carries_id
            and not is_public(endpoint)
            and status not in DENIED
            and not _is_login_redirect(response)
            and not _is_admin_redirect(endpoint, response)
        ):
            problems.append(f"{where}: status {status} for commune B's object (expected 403/404/405/login)")
    after = _snapshot()
    changed = sorted(label for label in before if before[label] != after[label])
    if changed:
        problems.append(f"{who}: the walk changed the database: {changed}")
    assert not problems, "\n".join(problems)
    assert len(results) > 800  # the walk really ran (about 210 patterns × 6 requests)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["official_a", "leader_a", "reviewer_a", "token_a"])
def test_own_pages_work_and_show_nothing_of_commune_b(world: World, who: str):
    """The same walk with A's own objects: nothing breaks, B stays invisible, and pages really render."""
    unfillable, results = _walk(world, who, world.a, methods=("get",))
    problems = list(unfillable)
    ok = set()
    for endpoint, method, url, _carries_id, response in results:
        where = f"{who} {method.upper()} {url} ({endpoint.name})"
        if isinstance(response, Exception):
            problems.append(f"{where}: raised {response!r}")
            continue
        if response.status_code >= 500:
            problems.append(f"{where}: server error {response.status_code}")
        found = leaked(body_text(response), B_SECRETS)
        if found:
            problems.append(f"{where}: shows commune B's data {found}")
        if response.status_code == 200:
            ok.add(endpoint.name)
    assert not problems, "\n".join(problems)
    # The walk reached real pages (so the leak checks above looked at real content).
    expected = {
        "official_a": {
            "collection:plot_list",
            "collection:plot_detail",
            "collection:record_edit",
            "reports:commune",
            "collection:scan_image",
        },
        "leader_a": {"collection:plot_list", "reports:group"},
        "reviewer_a": {
            "verification:queue",
            "verification:record_review",
            "reports:export_office",
            "reports:bundle_status",
        },
        "token_a": {"api:plot-list", "api:record-detail", "api:scan-download", "api:report-detail"},
    }[who]
    assert expected <= ok, f"{who}: pages that did not answer 200: {sorted(expected - ok)}"


@pytest.mark.django_db
def test_anonymous_is_sent_to_login_everywhere_but_public_pages(world: World):
    unfillable, results = _walk(world, "anonymous", world.b, methods=("get", "post"), query=False)
    problems = list(unfillable)
    for endpoint, method, url, _carries_id, response in results:
        where = f"anonymous {method.upper()} {url} ({endpoint.name})"
        if isinstance(response, Exception):
            problems.append(f"{where}: raised {response!r}")
            continue
        if leaked(body_text(response), B_SECRETS):
            problems.append(f"{where}: shows commune B's data")
        if is_public(endpoint):
            if response.status_code >= 500:
                problems.append(f"{where}: server error {response.status_code}")
            continue
        is_api = (endpoint.name or "").startswith("api:")
        if is_api and response.status_code == 401:
            continue
        if not _is_login_redirect(response):
            problems.append(
                f"{where}: status {response.status_code} (expected a login redirect{' or 401' if is_api else ''})"
            )
    assert not problems, "\n".join(problems)


def test_walker_fails_loudly_on_a_parameter_it_does_not_know():
    """A new URL with an unknown kwarg must stop the walk with instructions, never be skipped."""
    from tests.security.walker import Endpoint

    endpoint = Endpoint(
        regex=r"thu\-thap/la/(?P<mystery_id>[0-9]+)/\Z", name="collection:mystery", callback=lambda request: None
    )
    with pytest.raises(CannotFill, match="mystery_id"):
        build_url(endpoint, {})


@pytest.mark.django_db
def test_group_leader_cannot_reach_another_groups_former_commune(world: World):
    """Inside commune A, former commune 10002 belongs to no group: the leader of "Tổ 1" must not reach it."""
    c = world.campaign
    other = {
        **world.a,
        "plot": c.plots["a4"],
        "record": c.records["a4"],
        "draft": c.records["a4"],
        "flag": c.records["a4"].flags.first(),
        "scan": None,
        "bundle": None,
    }
    from tests.reports.factories import ScanFactory

    other["scan"] = ScanFactory(record=c.records["a4"])
    secrets_a4 = [lu.full_name for lu in c.plots["a4"].land_users.all()]
    assert secrets_a4
    client = _client_for(world, "leader_a")
    problems = []
    for name in (
        "collection:plot_detail",
        "collection:record_edit",
        "collection:scan_list",
        "collection:scan_image",
        "verification:plot_flags",
        "api:plot-detail",
        "api:record-detail",
        "api:scan-detail",
        "api:scan-download",
        "api:flag-detail",
    ):
        endpoint = next(e for e in iter_endpoints() if e.name == name and "format" not in e.regex)
        url, _ = build_url(endpoint, other)
        response = client.get(url)
        if response.status_code not in DENIED:
            problems.append(f"{url}: {response.status_code}")
    listing = body_text(client.get("/thu-thap/thua-dat/")) + body_text(client.get("/api/v1/records/"))
    problems += [f"list shows {name}" for name in leaked(listing, secrets_a4)]
    assert not problems, "\n".join(problems)
