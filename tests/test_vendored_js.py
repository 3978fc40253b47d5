"""The vendored browser libraries in static/vendor/ match tools/js's pins and their MANIFEST.json.

No network and no npm: this checks what is committed. Whether static/vendor/
is exactly what the pinned npm packages give is `python3 tools/vendor_js.py
--check`, which needs the npm registry.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
JS_DIR = REPO / "tools" / "js"
VENDOR = REPO / "static" / "vendor"
MANIFEST = VENDOR / "MANIFEST.json"

EXACT_VERSION = re.compile(r"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")

WORKBOX_MODULES = (
    "core",
    "routing",
    "strategies",
    "precaching",
    "expiration",
    "cacheable-response",
    "background-sync",
    "navigation-preload",
)


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pins() -> dict[str, str]:
    return _json(JS_DIR / "package.json")["dependencies"]


@pytest.fixture(scope="module")
def manifest() -> dict:
    assert MANIFEST.is_file(), "static/vendor/MANIFEST.json is missing: run `python3 tools/vendor_js.py`"
    return _json(MANIFEST)


def test_every_manifest_file_exists_with_recorded_hash_and_size(manifest):
    assert manifest["files"], "MANIFEST.json lists no files"
    problems = []
    for entry in manifest["files"]:
        path = VENDOR / entry["path"]
        if not path.is_file():
            problems.append(f"missing: {entry['path']}")
            continue
        data = path.read_bytes()
        if len(data) != entry["size"]:
            problems.append(f"{entry['path']}: size {len(data)} != recorded {entry['size']}")
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            problems.append(f"{entry['path']}: sha256 differs from MANIFEST.json")
    assert not problems, "static/vendor/ was edited by hand or not re-vendored:\n" + "\n".join(problems)


def test_no_unlisted_files_in_vendor_dir(manifest):
    listed = {entry["path"] for entry in manifest["files"]} | {MANIFEST.name}
    present = {p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.is_file()}
    assert present - listed == set(), "files in static/vendor/ not produced by tools/vendor_js.py"


def test_manifest_versions_equal_pins(manifest, pins):
    for entry in manifest["files"]:
        assert entry["package"] in pins, f"{entry['path']}: package {entry['package']} is not pinned in tools/js"
        assert entry["version"] == pins[entry["package"]], (
            f"{entry['path']}: vendored from {entry['package']}@{entry['version']}, "
            f"but tools/js/package.json pins {pins[entry['package']]}"
        )
        assert entry["license"] and entry["license"] != "UNKNOWN", f"{entry['path']}: no licence recorded"
    assert {p: v["version"] for p, v in manifest["packages"].items()} == pins


def test_pins_are_exact_versions(pins):
    pkg = _json(JS_DIR / "package.json")
    for section in ("devDependencies", "optionalDependencies", "peerDependencies"):
        assert not pkg.get(section), f"tools/js/package.json: vendored packages belong in dependencies, not {section}"
    assert pins, "tools/js/package.json pins nothing"
    loose = {name: spec for name, spec in pins.items() if not EXACT_VERSION.match(spec)}
    assert not loose, f"pin exact versions (no ^, ~, ranges or tags): {loose}"


def test_lock_matches_pins(pins):
    lock = _json(JS_DIR / "package-lock.json")
    assert lock["packages"][""]["dependencies"] == pins, (
        "tools/js/package-lock.json is out of date: run `npm install --package-lock-only --ignore-scripts` in tools/js"
    )
    for name, version in pins.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


def test_every_pinned_package_has_a_vendored_file(manifest, pins):
    vendored = {e["package"] for e in manifest["files"] if not e["source"].upper().startswith(("LICEN", "COPYING"))}
    assert set(pins) - vendored == set(), "pinned packages with no vendored file"


def test_every_package_has_its_licence_beside_its_files(manifest):
    by_package: dict[str, dict[str, set[str]]] = {}
    for e in manifest["files"]:
        dirs = by_package.setdefault(e["package"], {"code": set(), "licence": set()})
        kind = "licence" if e["source"].upper().startswith(("LICEN", "COPYING")) else "code"
        dirs[kind].add(str(Path(e["path"]).parent))
    for package, dirs in by_package.items():
        assert dirs["code"] <= dirs["licence"], f"{package}: no licence file next to its vendored files"


def test_workbox_loader_finds_both_builds_of_every_module():
    # workbox-sw loads <modulePathPrefix>/workbox-<name>.<prod|dev>.js
    assert (VENDOR / "workbox" / "workbox-sw.js").is_file()
    for name in WORKBOX_MODULES:
        for mode in ("prod", "dev"):
            assert (VENDOR / "workbox" / f"workbox-{name}.{mode}.js").is_file(), f"workbox-{name}.{mode}.js"


def test_vendored_js_source_maps_resolve():
    # Production's CompressedManifestStaticFilesStorage fails collectstatic on a missing sourceMappingURL target.
    for js in VENDOR.rglob("*.js"):
        tail = js.read_bytes()[-300:].decode("utf-8", "replace")
        match = re.search(r"[#@] sourceMappingURL=(\S+)\s*$", tail)
        if match and not match.group(1).startswith("data:"):
            assert (js.parent / match.group(1)).is_file(), (
                f"{js.relative_to(VENDOR)} points to missing {match.group(1)}"
            )
