#!/usr/bin/env python3
"""Vietnamese for what Django and the third-party apps show in the admin without one: locale_thirdparty/.

django-axes, django-otp, django-rest-knox and django-import-export ship no Vietnamese catalogue, and
Django's own (and DRF's) lack the strings added since they were last translated ("Skip to main
content", "Toggle theme", "Tokens"…), so the admin showed English beside Vietnamese. This script keeps
`locale_thirdparty/vi/LC_MESSAGES/{django,djangojs}.po` (the second entry of settings.LOCALE_PATHS):

1. extracts the messages of each package as its maintainers do — Django's `makemessages` run in a
   temporary copy of the package (Python code and templates), without the project's settings;
   for Django itself the msgids of its English catalogues of the contrib apps the admin uses; and the
   texts django-otp does not mark for translation, which config.thirdparty makes translatable;
2. leaves out every msgid that an installed Vietnamese catalogue already translates (Django's, the
   package's own), so this catalogue only fills gaps — except the few in OVERRIDES, worded wrongly;
3. merges into the existing catalogue, keeping the translations written there (entries no longer
   extracted are marked obsolete), and compiles the .mo files next to them.

The translations are written by hand in the .po files (or with `--fill FILE.json`, a JSON object
{msgid: msgstr or [msgstr]}); `--check` exits 1 when the catalogue is out of date or incomplete.

Usage (needs gettext's xgettext, like makemessages):

    .venv/bin/python tools/thirdparty_messages.py               # update and compile
    .venv/bin/python tools/thirdparty_messages.py --fill t.json  # add translations, then update
    .venv/bin/python tools/thirdparty_messages.py --check        # compare only
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "locale_thirdparty" / "vi" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")
HEADER = {
    "Project-Id-Version": "landportal third-party Vietnamese",
    "Language": "vi",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=1; plural=0;",
}


@dataclass(frozen=True)
class Package:
    """Sources to extract: a directory of an installed package, minus subdirectories not installed."""

    module: str  # importable name, e.g. "django_otp"
    subdir: str = ""  # only this part of it, e.g. "contrib/admin" of a framework
    skip: tuple[str, ...] = ()  # subdirectories left out (plugins that INSTALLED_APPS does not list)

    @property
    def name(self) -> str:
        return f"{self.module}/{self.subdir}" if self.subdir else self.module


PACKAGES = (
    Package("axes"),
    Package("django_otp", skip=("plugins/otp_email", "plugins/otp_hotp", "plugins/otp_static")),
    Package("knox"),
    Package("import_export"),
)
# Django's own catalogues, by their English .po (which lists every msgid of the release).
DJANGO_PARTS = ("contrib/admin", "contrib/auth", "contrib/contenttypes", "contrib/sessions", "conf")
# Parts of Django's core catalogue no user of the portal ever sees: language names (the portal offers
# two), the "install worked" page and the debug pages.
# msgids that an installed Vietnamese catalogue translates, but wrongly or confusingly for this portal
# (Django's "Các mô models trong", "users" as "người sử dụng" beside the land users "người sử dụng đất").
OVERRIDES = frozenset(
    {"Models in the %(name)s application", "users", "permissions", "superuser status", "staff status"}
)
DJANGO_SKIPPED_SOURCES = ("conf/global_settings.py", "views/templates/", "views/static.py", "views/generic/")


def site_packages() -> Path:
    import django

    return Path(django.__file__).resolve().parent.parent


def package_dir(package: Package) -> Path:
    return site_packages() / package.module.replace(".", "/") / package.subdir


def extract(package: Package, domain: str) -> list[polib.POEntry]:
    """The package's msgids, by Django's makemessages run in a temporary copy of its sources."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / package.name.replace("/", "_")
        shutil.copytree(
            package_dir(package), copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "*.mo", "*.po")
        )
        for skipped in package.skip:
            shutil.rmtree(copy / skipped, ignore_errors=True)
        (copy / "locale").mkdir()
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        extensions = ["-e", "js"] if domain == "djangojs" else ["-e", "html,txt,py"]
        subprocess.run(
            [sys.executable, "-m", "django", "makemessages", "-l", "vi", "-d", domain, "--no-wrap", *extensions],
            cwd=copy,
            env=env,
            check=True,
            capture_output=True,
        )
        po = copy / "locale" / "vi" / "LC_MESSAGES" / f"{domain}.po"
        if not po.exists():
            return []
        entries = [e for e in polib.pofile(str(po)) if not e.obsolete]
    for entry in entries:
        entry.occurrences = [(f"{package.name}/{path}", line) for path, line in entry.occurrences]
    return entries


def django_entries(domain: str) -> list[polib.POEntry]:
    """Django's msgids of the parts the admin uses, from its English catalogues."""
    root = site_packages() / "django"
    found = []
    for part in DJANGO_PARTS:
        path = root / part / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
        if not path.exists():
            continue
        for entry in polib.pofile(str(path)):
            if entry.obsolete or not entry.msgid:
                continue
            sources = [p for p, _line in entry.occurrences]
            if sources and all(p.startswith(DJANGO_SKIPPED_SOURCES) for p in sources):
                continue
            entry.occurrences = [(f"django/{p}", line) for p, line in entry.occurrences]
            entry.msgstr, entry.msgstr_plural, entry.flags = "", {}, []
            found.append(entry)
    return found


def installed_vietnamese(domain: str) -> set[tuple[str | None, str]]:
    """(msgctxt, msgid) that a Vietnamese catalogue Django loads for the portal already translates:
    Django's core one and those of the apps in INSTALLED_APPS (not every package on the machine)."""
    import django
    from django.apps import apps

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    django.setup()
    roots = [Path(django.__file__).parent / "conf"]
    roots += [Path(app.path) for app in apps.get_app_configs() if Path(app.path).is_relative_to(site_packages())]
    done: set[tuple[str | None, str]] = set()
    for root in roots:
        mo = root / "locale" / "vi" / "LC_MESSAGES" / f"{domain}.mo"
        if not mo.exists():
            continue
        for entry in polib.mofile(str(mo)):
            if entry.msgid and (entry.msgstr or any(entry.msgstr_plural.values())):
                done.add((entry.msgctxt, entry.msgid))
    return done


def unmarked_entries() -> list[polib.POEntry]:
    """The English texts config.thirdparty makes translatable (django-otp's, not marked in its source)."""
    from config.thirdparty import UNMARKED

    return [
        polib.POEntry(msgid=text, occurrences=[("config/thirdparty.py (not marked in the package)", "")])
        for text in sorted(UNMARKED)
    ]


def unique(entries: Iterable[polib.POEntry]) -> Iterator[polib.POEntry]:
    seen: dict[tuple[str | None, str], polib.POEntry] = {}
    for entry in entries:
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            seen[key].occurrences.extend(entry.occurrences)
            continue
        seen[key] = entry
    yield from seen.values()


def template(domain: str) -> polib.POFile:
    """The catalogue's msgids as they should be now (no translations)."""
    done = installed_vietnamese(domain)
    pot = polib.POFile(wrapwidth=100)
    pot.header = (
        "Vietnamese for Django and the third-party apps where they ship none (settings.LOCALE_PATHS).\n"
        "msgids: tools/thirdparty_messages.py; translations: written here by hand, kept on each run."
    )
    pot.metadata = dict(HEADER)
    extracted = [e for p in PACKAGES for e in extract(p, domain)] + django_entries(domain)
    if domain == "django":
        extracted += unmarked_entries()
    for entry in unique(extracted):
        if (entry.msgctxt, entry.msgid) in done and entry.msgid not in OVERRIDES:
            continue
        entry.msgstr = ""
        entry.msgstr_plural = {0: ""} if entry.msgid_plural else {}
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
        entry.tcomment = ""
        pot.append(entry)
    pot.sort(key=lambda e: (e.occurrences[0] if e.occurrences else ("", ""), e.msgctxt or "", e.msgid))
    return pot


def merged(domain: str, translations: dict[str, object]) -> polib.POFile:
    """The current template with the translations already written (and any given by --fill)."""
    path = OUT / f"{domain}.po"
    old = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(path))} if path.exists() else {}
    po = template(domain)
    for entry in po:
        given = translations.get(entry.msgid)
        before = old.get((entry.msgctxt, entry.msgid))
        text: str | None = None
        if given is not None:
            text = given[0] if isinstance(given, list) else str(given)
        elif before is not None and before.translated():
            text = before.msgstr_plural.get(0, "") if before.msgid_plural else before.msgstr
        if text:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: text}
            else:
                entry.msgstr = text
    current = {(e.msgctxt, e.msgid) for e in po}
    for key, entry in old.items():
        if key not in current and entry.msgid and entry.translated():
            entry.obsolete = True
            po.append(entry)
    return po


def compile_mo(path: Path) -> None:
    """The .mo beside the .po, with the same msgfmt call as `manage.py compilemessages` (same bytes)."""
    if shutil.which("msgfmt"):
        subprocess.run(["msgfmt", "--check-format", "-o", str(path.with_suffix(".mo")), str(path)], check=True)
    else:
        polib.pofile(str(path)).save_as_mofile(str(path.with_suffix(".mo")))


def untranslated(po: polib.POFile) -> list[str]:
    return [e.msgid for e in po if not e.obsolete and not e.translated()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with locale_thirdparty/ and exit 1 on change")
    parser.add_argument("--fill", type=Path, help="JSON {msgid: Vietnamese} to add before writing")
    args = parser.parse_args()
    translations = json.loads(args.fill.read_text(encoding="utf-8")) if args.fill else {}
    status = 0
    for domain in DOMAINS:
        po = merged(domain, translations)
        path = OUT / f"{domain}.po"
        missing = untranslated(po)
        if args.check:
            written = polib.pofile(str(path)) if path.exists() else polib.POFile()
            if {(e.msgctxt, e.msgid) for e in po if not e.obsolete} != {
                (e.msgctxt, e.msgid) for e in written if not e.obsolete
            }:
                print(f"{path.relative_to(ROOT)}: out of date; run tools/thirdparty_messages.py")
                status = 1
            if missing:
                print(f"{path.relative_to(ROOT)}: {len(missing)} msgid(s) without Vietnamese")
                status = 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        po.save(str(path))
        compile_mo(path)
        print(f"{path.relative_to(ROOT)}: {len(po) - len(missing)} translated, {len(missing)} to translate")
        for msgid in missing:
            print("  ", json.dumps(msgid, ensure_ascii=False))
    return status


if __name__ == "__main__":
    sys.exit(main())
