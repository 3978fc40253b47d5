"""The installable web app: its manifest, its service worker and the pages it shows without signal.

The service worker is a template rendered at /sw.js (the root, so that its scope is the whole portal)
with the list of files it keeps (precache), each with a revision: the hashed name in production
(ManifestStaticFilesStorage), the file's SHA-256 otherwise; a change to any of them installs a new
worker. Workbox is vendored in static/vendor/workbox (tools/vendor_js.py), loaded from there.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

# What a phone keeps to work without signal: styles, scripts, icons (the pages come from the shell).
PRECACHED_STATIC = (
    "css/portal.css",
    "css/scans.css",
    "js/portal.js",
    "js/scans.js",
    "js/field/send.js",
    "js/field/core.js",
    "js/field/page.js",
    "js/field/form.js",
    "js/field/checklist.js",
    "js/field/live.js",
    "js/field/offline.js",
    "vendor/htmx/htmx.min.js",
    "vendor/idb/idb.umd.js",
    "vendor/tus-js-client/tus.min.js",
    "img/icon-192.png",
    "img/favicon-32.png",
)
WORKBOX_MODULES = ("core", "routing", "strategies", "precaching", "background-sync")


@cache
def _static_entries() -> tuple[tuple[str, str | None], ...]:
    entries = []
    for name in PRECACHED_STATIC:
        path = finders.find(name)
        revision = hashlib.sha256(open(path, "rb").read()).hexdigest()[:16] if path else None
        entries.append((staticfiles_storage.url(name), revision))
    return tuple(entries)


def precache_entries() -> list[dict]:
    pages = [reverse("offline"), reverse("collection:offline_shell"), reverse("javascript-catalog")]
    version = hashlib.sha256(json.dumps(_static_entries()).encode()).hexdigest()[:16]
    return [{"url": url, "revision": revision} for url, revision in _static_entries()] + [
        {"url": page, "revision": version} for page in pages
    ]


@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    workbox_sw = staticfiles_storage.url("vendor/workbox/workbox-sw.js")
    response = render(
        request,
        "pwa/sw.js",
        {
            "workbox_sw": workbox_sw,
            "workbox_prefix": workbox_sw.rsplit("/", 1)[0],
            "scripts": [
                staticfiles_storage.url(n)
                for n in (
                    "vendor/idb/idb.umd.js",
                    "vendor/tus-js-client/tus.min.js",
                    "js/field/send.js",
                    "js/field/core.js",
                )
            ],
            "precache": json.dumps(precache_entries()),
            "shell": reverse("collection:offline_shell"),
            "offline": reverse("offline"),
        },
        content_type="application/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


def manifest(request: HttpRequest) -> JsonResponse:
    data = {
        "name": _("Cổng dữ liệu đất đai"),
        "short_name": _("Dữ liệu đất đai"),
        "description": _("Thu thập, làm giàu và làm sạch dữ liệu đất đai tại xã, phường"),
        "lang": settings.LANGUAGE_CODE,
        "dir": "ltr",
        "start_url": reverse("collection:plot_list") + "?nguon=ung-dung",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f5f6f8",
        "theme_color": "#0b3d6e",
        "icons": [
            {"src": staticfiles_storage.url("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": staticfiles_storage.url("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": staticfiles_storage.url("img/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask /favicon.ico whatever the page says: the icon is a static file."""
    return redirect(staticfiles_storage.url("img/favicon.ico"), permanent=True)


def offline(request: HttpRequest) -> HttpResponse:
    """What still works without signal (shown by the service worker when a page cannot be reached)."""
    return render(request, "pwa/offline.html")
