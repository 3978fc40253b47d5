#!/usr/bin/env python3
"""List the entries of the English catalogues still to translate (empty or fuzzy), or fill them from a
JSON file {msgid: msgstr or [singular, plural]}: `python3 tools/po_todo.py [--fill translations.json]`.

Vietnamese is the source language (the msgids); English is kept complete (tests/test_i18n.py).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib

CATALOGUES = [Path("locale/en/LC_MESSAGES/django.po"), Path("locale/en/LC_MESSAGES/djangojs.po")]


def todo(catalogue: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in catalogue if not entry.obsolete and (entry.fuzzy or not entry.translated())]


def fill(path: Path, translations: dict) -> int:
    catalogue = polib.pofile(str(path), wrapwidth=79)
    done = 0
    for entry in todo(catalogue):
        if entry.msgid not in translations:
            continue
        value = translations[entry.msgid]
        if entry.msgid_plural:
            singular, plural = value if isinstance(value, list) else (value, value)
            entry.msgstr_plural = {0: singular, 1: plural}
        else:
            entry.msgstr = value
        if entry.fuzzy:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = None
        done += 1
    catalogue.save()
    return done


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--fill":
        translations = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
        for path in CATALOGUES:
            print(path, fill(path, translations), "filled")
        return
    for path in CATALOGUES:
        for entry in todo(polib.pofile(str(path))):
            print(json.dumps({"msgid": entry.msgid, "plural": entry.msgid_plural or None}, ensure_ascii=False))


if __name__ == "__main__":
    main()
