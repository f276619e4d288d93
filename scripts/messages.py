#!/usr/bin/env python3
"""Translation catalogs, with every pybabel argument in one place.

    python scripts/messages.py extract [POT]   collect msgids from tracker/ and templates/
    python scripts/messages.py update          extract, then merge into every catalog
                                               (creates a missing catalog)
    python scripts/messages.py compile         .po → .mo for every catalog

The source language is Simplified Chinese: msgids are the Chinese text, and
tracker/translations/<lang>/LC_MESSAGES/messages.po translate them. The compiled
.mo files are committed (a deployment needs no build step); tests/test_i18n.py
checks that each .mo matches its .po, so run `make translations` after editing one.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "tracker" / "translations"
DEFAULT_POT = ROOT / "build" / "messages.pot"
LOCALES = ("en",)
# Besides pybabel's defaults (_, gettext, ngettext, pgettext …): Flask-Babel's lazy forms.
KEYWORDS = ("_l", "lazy_gettext", "lazy_ngettext:1,2", "lazy_pgettext:1c,2")


def _pybabel(*args: str) -> None:
    from babel.messages.frontend import CommandLineInterface

    previous = Path.cwd()
    os.chdir(ROOT)  # babel.cfg patterns and the locations in the catalog are root-relative
    try:
        status = CommandLineInterface().run(["pybabel", "-q", *args])
    finally:
        os.chdir(previous)
    if status:
        raise SystemExit(status)


def extract(pot: Path = DEFAULT_POT) -> Path:
    pot = Path(pot).resolve()
    pot.parent.mkdir(parents=True, exist_ok=True)
    keywords = [arg for keyword in KEYWORDS for arg in ("-k", keyword)]
    _pybabel(
        "extract", "-F", "babel.cfg", *keywords,
        "--add-comments=TRANSLATORS:", "--add-location=file", "--sort-output", "--no-wrap",
        "--project=tracker", "--copyright-holder=", "--msgid-bugs-address=",
        # Babel skips every "_…" folder by default, which would drop templates/_macros.
        "--ignore-dirs=.* __pycache__ instance build test-artifacts",
        "-o", str(pot), ".",
    )
    return pot


def update(pot: Path = DEFAULT_POT) -> None:
    pot = extract(pot)
    for locale in LOCALES:
        if not (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").exists():
            _pybabel("init", "-i", str(pot), "-d", str(TRANSLATIONS), "-l", locale, "--no-wrap")
            continue
        # No fuzzy matching: a guessed translation of a Chinese sentence is worse than none.
        _pybabel(
            "update", "-i", str(pot), "-d", str(TRANSLATIONS), "-l", locale,
            "--no-fuzzy-matching", "--ignore-obsolete", "--no-wrap",
        )


def compile_catalogs() -> None:
    for locale in LOCALES:
        _pybabel("compile", "-d", str(TRANSLATIONS), "-l", locale, "--statistics")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"extract", "update", "compile"}:
        print(__doc__, file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "extract":
        print(extract(Path(rest[0]) if rest else DEFAULT_POT))
    elif command == "update":
        update()
    else:
        compile_catalogs()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
