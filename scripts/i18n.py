#!/usr/bin/env python3
"""Keep the Dutch catalogue in step with the source (English message ids).

  python scripts/i18n.py update              extract messages and merge them into nl
  python scripts/i18n.py missing             list message ids without a Dutch translation
  python scripts/i18n.py translate FILE.json set translations from {"English id": "Nederlands"}
                                             (a plural: {"English singular": ["één", "meer"]})

Every command holds a lock, so several people (or agents) can run them side by side.
The .mo files are compiled by the package build (setup.py), never by hand.
"""

from __future__ import annotations

import fcntl
import json
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "selfscan" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
METHOD_MAP = [
    ("selfscan/**.py", "python"),
    ("selfscan/templates/**.html", "jinja2"),
    ("selfscan/templates/**.txt", "jinja2"),
]
KEYWORDS = {
    "N_": None,  # selfscan.core.vocabulary: marked for the catalogue, translated where shown
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    "lazy_ngettext": (1, 2),
}
OPTIONS = {
    "selfscan/templates/**.html": {"extensions": "jinja2.ext.do"},
    "selfscan/templates/**.txt": {"extensions": "jinja2.ext.do"},
}


def extract() -> Catalog:
    """The messages the source uses now."""
    catalog = Catalog(project="selfscan", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), METHOD_MAP, options_map=OPTIONS, keywords=KEYWORDS
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def load() -> Catalog:
    if not CATALOGUE.exists():
        return Catalog(locale="nl", project="selfscan", charset="utf-8")
    with CATALOGUE.open("rb") as handle:
        return read_po(handle, locale="nl")


def save(catalog: Catalog) -> None:
    CATALOGUE.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("wb", dir=CATALOGUE.parent, delete=False) as handle:
        write_po(handle, catalog, width=100, sort_output=True, omit_header=False)
    Path(handle.name).replace(CATALOGUE)
    with CATALOGUE.with_suffix(".mo").open("wb") as mo:  # for the editable checkout
        write_mo(mo, catalog)


@contextmanager
def locked():
    CATALOGUE.parent.mkdir(parents=True, exist_ok=True)
    with open(CATALOGUE.parent / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def missing(catalog: Catalog, template: Catalog) -> list[str]:
    ids = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        strings = found.string if found else None
        translated = all(strings) if isinstance(strings, tuple) else bool(strings)
        if found is None or found.fuzzy or not translated:
            ids.append(message.id if isinstance(message.id, str) else message.id[0])
    return ids


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"update", "missing", "translate"}:
        print(__doc__)
        return 2
    with locked():
        catalog = load()
        template = extract()
        if argv[0] == "update":
            catalog.update(template, no_fuzzy_matching=True)
            save(catalog)
            print(f"{len(missing(catalog, template))} messages still need a Dutch translation")
        elif argv[0] == "missing":
            for message_id in missing(catalog, template):
                print(json.dumps(message_id, ensure_ascii=False))
        else:
            catalog.update(template, no_fuzzy_matching=True)
            translations = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
            for message_id, string in translations.items():
                message = catalog.get(message_id)
                if message is None:
                    print(f"not in the source, skipped: {message_id!r}", file=sys.stderr)
                    continue
                # A plural message takes a list: its Dutch singular and plural.
                message.string = tuple(string) if isinstance(string, list) else string
                message.flags.discard("fuzzy")
            save(catalog)
            print(f"{len(missing(catalog, template))} messages still need a Dutch translation")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
