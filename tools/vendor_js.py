#!/usr/bin/env python3
"""Vendor third-party browser libraries from their npm packages into static/vendor/.

The front end has no build step, so the few browser libraries it uses are
committed as plain files under ``static/vendor/``.  They are never copied by
hand or fetched from a CDN: their versions are pinned exactly in
``tools/js/package.json`` / ``tools/js/package-lock.json`` and this script
installs exactly that lock (``npm ci``) in a temporary copy of ``tools/js`` —
so ``node_modules`` never lands in the repository — and copies the files
listed in ``FILES`` below, each package's licence file(s) next to them, and a
``MANIFEST.json`` recording package, version, source, sha256, size and licence
of every vendored file.

Usage (from anywhere; needs ``npm`` and the npm registry):

    python3 tools/vendor_js.py           # (re)vendor into static/vendor/
    python3 tools/vendor_js.py --check   # vendor into a temp dir and compare
                                         # with static/vendor/; exit 1 on any
                                         # difference

To upgrade a library: change its exact version in tools/js/package.json, run
``npm install --package-lock-only --ignore-scripts`` inside tools/js, run this
script, and commit tools/js/ and static/vendor/ together.

Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
JS_DIR = REPO / "tools" / "js"
VENDOR_DIR = REPO / "static" / "vendor"
MANIFEST_NAME = "MANIFEST.json"

# The Workbox runtime modules that a classic (importScripts) service worker
# loads through workbox-sw's loader: workbox-sw fetches
# ``<modulePathPrefix>/workbox-<name>.<prod|dev>.js`` (``dev`` when
# ``workbox.setConfig({debug: true})`` or on localhost), so both builds of each
# are vendored side by side with workbox-sw.js in static/vendor/workbox/.
WORKBOX_MODULES = (
    "workbox-core",
    "workbox-routing",
    "workbox-strategies",
    "workbox-precaching",
    "workbox-expiration",
    "workbox-cacheable-response",
    "workbox-background-sync",
    "workbox-navigation-preload",
)


def _workbox_module(name: str) -> list[tuple[str, str]]:
    files = []
    for mode in ("prod", "dev"):
        base = f"{name}.{mode}.js"
        files.append((f"build/{base}", f"workbox/{base}"))
        # Each build ends with a sourceMappingURL comment; the map is vendored
        # too, because production's CompressedManifestStaticFilesStorage
        # rewrites those references and fails collectstatic on a missing file.
        files.append((f"build/{base}.map", f"workbox/{base}.map"))
    return files


# package -> [(file inside the package, destination under static/vendor/)]
FILES: dict[str, list[tuple[str, str]]] = {
    "htmx.org": [
        ("dist/htmx.min.js", "htmx/htmx.min.js"),
    ],
    "workbox-sw": [
        ("build/workbox-sw.js", "workbox/workbox-sw.js"),
        ("build/workbox-sw.js.map", "workbox/workbox-sw.js.map"),
    ],
    **{name: _workbox_module(name) for name in WORKBOX_MODULES},
    "idb": [
        # UMD build (global ``idb``), so a classic service worker can
        # importScripts() it.
        ("build/umd.js", "idb/idb.umd.js"),
    ],
    "tus-js-client": [
        # Minified browser UMD build (global ``tus``).
        ("dist/tus.min.js", "tus-js-client/tus.min.js"),
        ("dist/tus.min.js.map", "tus-js-client/tus.min.js.map"),
    ],
    "axe-core": [
        ("axe.min.js", "axe-core/axe.min.js"),
    ],
}

# Licence files at a package's root are copied next to its vendored files.
LICENCE_RE = re.compile(r"^(licen[cs]e|copying)([-._].*)?$", re.IGNORECASE)
# An exact npm version: no ^, ~, ranges, tags, URLs or wildcards.
EXACT_VERSION_RE = re.compile(r"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")


class VendorError(Exception):
    pass


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_pins() -> dict[str, str]:
    pkg = json.loads((JS_DIR / "package.json").read_text(encoding="utf-8"))
    if pkg.get("devDependencies") or pkg.get("optionalDependencies") or pkg.get("peerDependencies"):
        raise VendorError('tools/js/package.json: put every vendored package in "dependencies" only')
    pins = dict(pkg.get("dependencies", {}))
    bad = {name: spec for name, spec in pins.items() if not EXACT_VERSION_RE.match(spec)}
    if bad:
        raise VendorError(
            "tools/js/package.json must pin exact versions (no ^, ~ or ranges): "
            + ", ".join(f"{n}@{s}" for n, s in sorted(bad.items()))
        )
    unlisted = sorted(set(pins) - set(FILES))
    unpinned = sorted(set(FILES) - set(pins))
    if unlisted:
        raise VendorError(f"pinned in tools/js/package.json but no files listed in FILES: {', '.join(unlisted)}")
    if unpinned:
        raise VendorError(f"listed in FILES but not pinned in tools/js/package.json: {', '.join(unpinned)}")
    return pins


def npm_ci(workdir: Path) -> Path:
    """Install tools/js's lock in a temporary copy; return its node_modules."""
    npm = shutil.which("npm")
    if npm is None:
        raise VendorError("npm not found on PATH (Node.js with npm is needed to vendor)")
    lock = JS_DIR / "package-lock.json"
    if not lock.is_file():
        raise VendorError(
            "tools/js/package-lock.json is missing: run `npm install --package-lock-only --ignore-scripts` in tools/js"
        )
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(JS_DIR / name, workdir / name)
    env = dict(os.environ, npm_config_update_notifier="false", npm_config_loglevel="warn")
    proc = subprocess.run(
        [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    if proc.returncode != 0:
        raise VendorError(f"`npm ci` failed (exit {proc.returncode}):\n{proc.stdout.strip()}")
    return workdir / "node_modules"


def licence_of(meta: dict) -> str:
    lic = meta.get("license")
    if isinstance(lic, dict):
        lic = lic.get("type")
    if not lic and isinstance(meta.get("licenses"), list):
        lic = " OR ".join(str(x.get("type", x)) if isinstance(x, dict) else str(x) for x in meta["licenses"])
    return str(lic) if lic else "UNKNOWN"


def build(node_modules: Path, out: Path, pins: dict[str, str]) -> dict:
    """Copy the listed files and licences from node_modules into ``out``; write and return the manifest."""
    written: dict[str, bytes] = {}
    entries = []

    def put(package: str, version: str, licence: str, source: str, src: Path, dest: str) -> None:
        if not src.is_file():
            raise VendorError(f"{package}@{version}: {source} not found in the installed package")
        data = src.read_bytes()
        if dest in written and written[dest] != data:
            raise VendorError(f"two different files would be vendored as static/vendor/{dest}")
        if dest not in written:
            target = out / dest
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written[dest] = data
        entries.append(
            {
                "path": dest,
                "package": package,
                "version": version,
                "source": source,
                "sha256": sha256_of(data),
                "size": len(data),
                "license": licence,
            }
        )

    for package in sorted(FILES):
        root = node_modules / package
        meta_path = root / "package.json"
        if not meta_path.is_file():
            raise VendorError(f"{package} is not installed by `npm ci` (is package-lock.json up to date?)")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        version = meta.get("version")
        if version != pins[package]:
            raise VendorError(
                f"{package}: installed {version} but tools/js/package.json pins {pins[package]}"
                " (run `npm install --package-lock-only --ignore-scripts` in tools/js)"
            )
        licence = licence_of(meta)
        for source, dest in FILES[package]:
            put(package, version, licence, source, root / source, dest)
        licence_files = sorted(p.name for p in root.iterdir() if p.is_file() and LICENCE_RE.match(p.name))
        if not licence_files:
            raise VendorError(f"{package}@{version} ships no LICENSE file at its root")
        for dest_dir in sorted({str(Path(dest).parent) for _, dest in FILES[package]}):
            for name in licence_files:
                put(package, version, licence, name, root / name, f"{dest_dir}/{name}")

    entries.sort(key=lambda e: (e["path"], e["package"]))
    manifest = {
        "_comment": "Generated by tools/vendor_js.py from tools/js/package-lock.json; do not edit by hand.",
        "packages": {
            p: {"version": pins[p], "license": next(e["license"] for e in entries if e["package"] == p)}
            for p in sorted(pins)
        },
        "files": entries,
    }
    (out / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return manifest


def tree(root: Path) -> dict[str, Path]:
    if not root.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}


def compare(expected: Path, actual: Path) -> list[str]:
    want, have = tree(expected), tree(actual)
    diffs = []
    for rel in sorted(set(want) | set(have)):
        if rel not in have:
            diffs.append(f"missing: static/vendor/{rel}")
        elif rel not in want:
            diffs.append(f"unexpected: static/vendor/{rel} (not produced by tools/vendor_js.py)")
        else:
            a, b = want[rel].read_bytes(), have[rel].read_bytes()
            if a != b:
                diffs.append(
                    f"differs: static/vendor/{rel} (expected sha256 {sha256_of(a)[:12]}…, {len(a)} B; "
                    f"committed {sha256_of(b)[:12]}…, {len(b)} B)"
                )
    return diffs


def summary(manifest: dict) -> tuple[int, int, int]:
    paths = {e["path"]: e["size"] for e in manifest["files"]}
    return len(manifest["packages"]), len(paths), sum(paths.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="vendor into a temporary directory and compare with static/vendor/ (exit 1 on any difference)",
    )
    args = parser.parse_args(argv)
    try:
        pins = read_pins()
        with tempfile.TemporaryDirectory(prefix="vendor_js-") as tmp:
            tmp = Path(tmp)
            (tmp / "js").mkdir()
            node_modules = npm_ci(tmp / "js")
            out = tmp / "vendor"
            out.mkdir()
            manifest = build(node_modules, out, pins)
            n_pkg, n_files, size = summary(manifest)
            if args.check:
                diffs = compare(out, VENDOR_DIR)
                if diffs:
                    print(
                        f"vendor_js --check: static/vendor/ is out of date with tools/js ({len(diffs)} difference(s)):",
                        file=sys.stderr,
                    )
                    for d in diffs:
                        print(f"  {d}", file=sys.stderr)
                    print("Run `python3 tools/vendor_js.py` and commit static/vendor/.", file=sys.stderr)
                    return 1
                print(
                    f"vendor_js --check: OK, static/vendor/ matches tools/js "
                    f"({n_pkg} packages, {n_files} files, {size / 1024:.0f} KiB)"
                )
                return 0
            if VENDOR_DIR.exists():
                shutil.rmtree(VENDOR_DIR)
            shutil.copytree(out, VENDOR_DIR)
            print(
                f"vendor_js: vendored {n_pkg} packages, {n_files} files ({size / 1024:.0f} KiB) "
                f"into {VENDOR_DIR.relative_to(REPO)}/ with {MANIFEST_NAME}"
            )
            return 0
    except VendorError as exc:
        print(f"vendor_js: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
