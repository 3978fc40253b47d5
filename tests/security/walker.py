"""Walks every URL pattern of the project and fills its parameters with one commune's objects.

New URLs are covered automatically. A parameter the walker does not know makes the scope-walk
test FAIL with a message naming the pattern: teach the walker by adding a rule to
`PARAM_RULES` (a kwarg name that means the same everywhere) or `PK_BY_NAME` (a `pk` whose
object depends on the URL name) below.
"""

from __future__ import annotations

import fnmatch
import html
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.regex_helper import normalize

from collection.scope import COMMUNE_PATHS

# Public URL names: reachable without logging in, by design.
PUBLIC_NAMES = {
    "login",  # the login form
    "logout",  # logging out is harmless without a session
    "set_language",  # language switch (django.conf.urls.i18n)
    "healthz",  # load balancer probe, returns {"status": "ok"}
    "pwa_manifest",  # the installable app's manifest: names and icons
    "favicon",  # a redirect to the icon's static file
    "pwa_service_worker",  # the service worker script: the list of static files it keeps
    "offline",  # "Không có mạng": what still works without signal, no data
    "collection:offline_shell",  # the empty page the phone draws offline from its own store, no data
    "collection:outbox",  # "Chưa gửi", drawn from the phone's own store: the page holds no data
    "javascript-catalog",  # the interface texts of the scripts
    "api:field_session",  # tells the phone's outbox whether it is signed in (no data), and the CSRF token
    # A citizen's link: the token in the URL is the credential, for one plot by design; what each token
    # may reach is tested in tests/collection/test_citizen_link.py.
    "citizen_page",
    "citizen_uploads",
    "citizen_upload",
    "citizen_details",
    # An admin's one-time link to choose a new password: the uid and token in the URL are the credential
    # (Django's token generator); a guessed one shows only "this link no longer works".
    "password_reset_confirm",
    "admin:login",  # the admin's own login form
    "admin:logout",  # without a session it only redirects to the admin index (then to its login)
}


@dataclass(frozen=True)
class Endpoint:
    regex: str  # the full regex, prefixes included
    name: str | None  # namespaced URL name ("collection:plot_detail"), None for unnamed admin redirects
    callback: Callable

    @property
    def label(self) -> str:
        return f"{self.name or '(unnamed)'} [{self.regex}]"


def iter_endpoints(patterns=None, prefix: str = "", namespace: str = "") -> Iterator[Endpoint]:
    """Every leaf pattern of the URLconf, recursively, with its full regex."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        part = entry.pattern.regex.pattern.removeprefix("^")
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from iter_endpoints(entry.url_patterns, prefix + part, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}".lstrip(":") if entry.name else None
            yield Endpoint(regex=prefix + part, name=name, callback=entry.callback)


def is_public(endpoint: Endpoint) -> bool:
    return endpoint.name in PUBLIC_NAMES


class CannotFill(Exception):
    """The walker does not know what to put into one of a pattern's parameters."""


# `pk` means a different object depending on the URL: url-name glob -> key in the objects dict.
PK_BY_NAME = {
    "collection:scan_*": "scan",
    "collection:intake_*": "intake",
    "reports:group": "group",
    "reports:bundle_*": "bundle",
    "api:plot-*": "plot",
    "api:record-*": "record",
    "api:scan-*": "scan",
    "api:flag-*": "flag",
}


def _admin_model(endpoint: Endpoint):
    match = re.search(r"quan\\-tri/(\w+)/(\w+)/", endpoint.regex)
    if not match:
        return None
    try:
        return apps.get_model(match.group(1), match.group(2))
    except LookupError:
        return None


def _admin_object_id(endpoint: Endpoint, objs: dict) -> str:
    """The pk of an object of the admin page's model inside the target commune (else any row)."""
    model = _admin_model(endpoint)
    if model is None:
        raise CannotFill("object_id of an admin page whose model the walker cannot tell")
    label = model._meta.label_lower
    commune = objs["commune"]
    qs = model._default_manager.all()
    if label in COMMUNE_PATHS:
        path = COMMUNE_PATHS[label][0]
        qs = qs.filter(**{path: commune.code})
    elif label == "auth.user":
        qs = qs.filter(pk=objs["official"].pk)
    elif label in ("collection.userscope", "portal.apitoken", "otp_totp.totpdevice"):
        qs = qs.filter(user=objs["official"])
    elif label == "landdata.registrationbranch":
        qs = qs.filter(pk=commune.branch_id)
    elif label == "collection.documentaccess":
        qs = qs.filter(record=objs["record"])
    elif label == "landdata.importbatch" and objs.get("batch") is not None:
        qs = qs.filter(pk=objs["batch"].pk)
    obj = qs.order_by("pk").first()
    return str(obj.pk) if obj is not None else "999999"


def _param_value(param: str, endpoint: Endpoint, objs: dict) -> str:
    name = endpoint.name or ""
    if param == "pk" and name.startswith("admin:"):  # an admin page's own extra views (import progress, 2FA config)
        return _admin_object_id(endpoint, objs)
    if param == "pk":
        for pattern, key in PK_BY_NAME.items():
            if fnmatch.fnmatch(name, pattern):
                obj = objs.get(key)
                return str(obj.pk) if obj is not None else "999999"
        raise CannotFill("pk")
    rule = PARAM_RULES.get(param)
    if rule is None:
        raise CannotFill(param)
    return rule(endpoint, objs)


PARAM_RULES: dict[str, Callable[[Endpoint, dict], str]] = {
    "plot_id": lambda e, o: str(o["plot"].pk),
    "record_id": lambda e, o: str(o["record"].pk),
    "client_id": lambda e, o: str(o["draft"].client_id),  # the phone's id of a record
    "upload_id": lambda e, o: str(o["upload"].pk),  # a photo arriving in chunks
    "link_id": lambda e, o: str(o["link"].pk),  # a citizen's link for a plot
    # B's token is B's citizen's credential, which nobody of A holds: a guessed one must open nothing.
    "token": lambda e, o: "mot-ma-doan-bua-khong-co-that",
    "flag_id": lambda e, o: str(o["flag"].pk),
    # A registry row of the target plot (the "who has seen this person's data" page).
    "land_user_id": lambda e, o: str(
        o["plot"].land_users.order_by("pk").values_list("pk", flat=True).first() or 999999
    ),
    "code": lambda e, o: o["commune"].code,
    "uidb64": lambda e, o: urlsafe_base64_encode(force_bytes(o["official"].pk)),  # a password reset link
    "format": lambda e, o: ".json" if "(?P<format>\\." in e.regex else "json",
    "object_id": _admin_object_id,
    "id": _admin_object_id,  # admin's user password page
    "app_label": lambda e, o: "collection",
    "kind": lambda e, o: "registry",  # admin import upload
    "content_type_id": lambda e, o: str(ContentType.objects.get_for_model(o["record"]).pk),
    "url": lambda e, o: "khong-co-trang/",  # the admin's catch-all
}


def build_url(endpoint: Endpoint, objs: dict) -> tuple[str, bool]:
    """The URL of the endpoint filled with `objs`; the flag says whether it carries an object's id."""
    regex = re.sub(r"(\\Z|\$)$", "", endpoint.regex)
    candidates = normalize(regex)
    fmt, params = candidates[0]
    if endpoint.name == "admin:view_on_site":  # content type + object id of the record
        values = {
            "content_type_id": PARAM_RULES["content_type_id"](endpoint, objs),
            "object_id": str(objs["record"].pk),
        }
    else:
        values = {p: _param_value(p, endpoint, objs) for p in params}
    url = "/" + fmt % values
    try:
        match = resolve(url)
    except Resolver404 as exc:
        raise CannotFill(f"built {url!r}, which does not resolve") from exc
    if match.func is not endpoint.callback and match.url_name != (endpoint.name or "").rpartition(":")[2]:
        raise CannotFill(f"built {url!r}, which resolves to {match.view_name!r} instead")
    carries_id = any(p not in ("format", "app_label", "url", "kind") for p in params)
    return url, carries_id


# --- reading response bodies ---------------------------------------------------------------------


def body_text(response) -> str:
    """The response body as text; ZIP containers (xlsx, bundles) are opened and their entries read."""
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    parts = [raw.decode("utf-8", errors="replace")]
    if raw[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                for info in archive.infolist():
                    parts.append(info.filename)
                    parts.append(archive.read(info).decode("utf-8", errors="replace"))
        except zipfile.BadZipFile:
            pass
    return "\n".join(parts)


def leaked(text: str, secrets) -> list[str]:
    """The secrets present in `text`, literally, HTML-escaped or JSON-escaped."""
    found = []
    for secret in secrets:
        forms = {secret, html.escape(secret), json.dumps(secret)[1:-1]}
        if any(form in text for form in forms):
            found.append(secret)
    return found
