"""Locust scenario of bench/load.py: commune officials at the end of a working day.

Not run on its own: bench/load.py starts it headless against a throwaway gunicorn and
hands it the accounts through LOAD_USERS_FILE (JSON: username, password, names — folded
owner names of the official's commune, to search without diacritics) and the file of raw
timings to write through LOAD_TIMINGS_FILE.

Each simulated official logs in once, then repeats a visit: home, the plot list, a name
search typed without diacritics, a plot page, the record form (opening the plot's draft),
one photo upload (a small JPEG generated on the spot, unique so it is never a duplicate)
and saving the draft. Think time between pages: LOAD_MIN_WAIT..LOAD_MAX_WAIT seconds.
"""

from __future__ import annotations

import http.cookiejar
import io
import itertools
import json
import os
import random
import re
import threading
import time
import uuid
from urllib.parse import quote_plus

from locust import events, task
from locust.contrib.fasthttp import FastHttpUser

USERS = json.loads(open(os.environ["LOAD_USERS_FILE"], encoding="utf-8").read())  # noqa: SIM115
TIMINGS_FILE = os.environ.get("LOAD_TIMINGS_FILE", "")
MIN_WAIT = float(os.environ.get("LOAD_MIN_WAIT", "3"))
MAX_WAIT = float(os.environ.get("LOAD_MAX_WAIT", "10"))

_next_user = itertools.count()
_lock = threading.Lock()
_timings: list[tuple[str, float, float, int]] = []  # (name, start epoch s, ms, 1 if failed)

PLOT_LINK = re.compile(r'href="/thu-thap/thua-dat/(\d+)/"')
RECORD_URL = re.compile(r"/thu-thap/ban-ghi/(\d+)/")
VERSION = re.compile(r'name="version" value="([0-9a-f]*)"')


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, start_time=None, **kwargs):
    started = start_time if start_time is not None else time.time() - response_time / 1000
    with _lock:
        _timings.append((name, started, float(response_time), 1 if exception else 0))


@events.quitting.add_listener
def _dump(environment, **kwargs):
    if TIMINGS_FILE:
        with open(TIMINGS_FILE, "w", encoding="utf-8") as handle:
            json.dump(_timings, handle)


def photo_jpeg() -> bytes:
    """A small (640x480, ~20 KB) JPEG, different every time: random blocks on a paper-coloured page."""
    from PIL import Image, ImageDraw

    rnd = random.Random(uuid.uuid4().int)
    image = Image.new("RGB", (640, 480), (235, 230, 215))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rnd.randrange(600), rnd.randrange(440)
        draw.rectangle(
            [x, y, x + rnd.randrange(10, 80), y + rnd.randrange(4, 30)],
            fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)),
        )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """multipart/form-data body (FastHttpUser has no `files=`)."""
    boundary = uuid.uuid4().hex
    parts = []
    for key, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    for key, filename, data in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="{filename}"\r\n'
            f"Content-Type: image/jpeg\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Official(FastHttpUser):
    def wait_time(self):
        return random.uniform(MIN_WAIT, MAX_WAIT)

    def csrf(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return cookie.value
        return ""

    def on_start(self):
        account = USERS[next(_next_user) % len(USERS)]
        self.names = account["names"] or ["nguyen van"]
        if account.get("session"):  # logged in earlier in the day: the session cookie is all it needs
            self.client.cookiejar.set_cookie(
                http.cookiejar.Cookie(
                    0,
                    "sessionid",
                    account["session"],
                    None,
                    False,
                    self.host.split("//")[1].split(":")[0],
                    False,
                    False,
                    "/",
                    True,
                    False,
                    None,
                    True,
                    None,
                    None,
                    {},
                )
            )
            return
        self.client.get("/dang-nhap/", name="login page")
        with self.client.post(
            "/dang-nhap/",
            name="login",
            catch_response=True,
            allow_redirects=False,
            data={
                "username": account["username"],
                "password": account["password"],
                "next": "/",
                "csrfmiddlewaretoken": self.csrf(),
            },
        ) as response:
            if response.status_code != 302:
                response.failure(f"login refused: HTTP {response.status_code}")

    def page(self, method: str, url: str, name: str, expect: int = 200, **kwargs):
        with getattr(self.client, method)(
            url, name=name, catch_response=True, allow_redirects=False, **kwargs
        ) as response:
            if response.status_code != expect:
                response.failure(f"HTTP {response.status_code} (expected {expect})")
                return None
            return response

    @task
    def visit(self):
        self.page("get", "/", "home")
        self.wait()
        listing = self.page("get", "/thu-thap/thua-dat/", "plot list")
        self.wait()
        name = random.choice(self.names)  # folded: "nguyen van an"; half the time only the given name: "van an"
        if random.random() < 0.5:
            name = " ".join(name.split()[-2:])
        search = self.page("get", f"/thu-thap/thua-dat/?q={quote_plus(name)}", "name search (no diacritics)")
        plots = PLOT_LINK.findall((search.text if search is not None else "") or "") or PLOT_LINK.findall(
            (listing.text if listing is not None else "") or ""
        )
        if not plots:
            return
        plot_id = random.choice(plots)
        self.wait()
        self.page("get", f"/thu-thap/thua-dat/{plot_id}/", "plot page")
        self.wait()
        start = self.page(
            "post",
            f"/thu-thap/thua-dat/{plot_id}/thu-thap/",
            "open record (POST)",
            expect=302,
            data={"csrfmiddlewaretoken": self.csrf()},
        )
        match = RECORD_URL.search(start.headers.get("Location", "") if start is not None else "")
        if not match:
            return
        record_url = f"/thu-thap/ban-ghi/{match.group(1)}/"
        form = self.page("get", record_url, "record form")
        version = VERSION.search((form.text if form is not None else "") or "")
        self.wait()
        body, content_type = multipart(
            {"csrfmiddlewaretoken": self.csrf(), "kind": "cert_1"},
            [("files", f"anh-{uuid.uuid4().hex[:8]}.jpg", photo_jpeg())],
        )
        with self.client.post(
            f"{record_url}anh/tai-len/",
            name="photo upload",
            data=body,
            catch_response=True,
            headers={"Content-Type": content_type, "HX-Request": "true", "X-CSRFToken": self.csrf()},
        ) as response:
            if response.status_code != 200 or "scan-ok" not in (response.text or ""):
                response.failure(f"upload not stored: HTTP {response.status_code}")
        self.wait()
        self.page(
            "post",
            record_url,
            "save draft",
            expect=302,
            data={
                "csrfmiddlewaretoken": self.csrf(),
                "version": version.group(1) if version else "",
                "holder_name": "Nguyễn Văn Thử",
                "holder_birth": "1970",
                "area_m2": "123,5",
                "land_use": "ONT",
                "certificate_status": "held",
                "channel": "",
                "notes": "tải thử",
                "save": "1",
            },
        )
