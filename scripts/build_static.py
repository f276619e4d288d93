"""Builds the served stylesheets and scripts (static/css, static/js) from their commented
sources in assets/: ``make static`` (or ``python scripts/build_static.py``).

Why: a member's first load (HTML + CSS + JS) has a budget of 30 KB raw and 8 KB gzip
(docs/design.md, "Budgets"); the comments that say why a rule or a line is there were a
quarter of the compressed bytes. They stay in assets/, which is what one edits; the
served copies drop comments and spacing, nothing else (no renaming, no bundling: each
file is served as it is, under its ?v=<hash> URL). The built files are committed, as the
compiled translations are; tests/test_static_build.py fails when they are not rebuilt.

``--check`` exits 1, naming the files, when a built file differs from its source's build.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "assets"
TARGET = ROOT / "static"


def minify_css(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"\s+", " ", text)
    # Spaces around these never matter in CSS; a descendant selector's space is kept.
    text = re.sub(r"\s*([{};,>])\s*", r"\1", text)
    text = re.sub(r":\s+", ":", text)
    return text.replace(";}", "}").strip() + "\n"


def minify_js(text: str) -> str:
    # The sources are plain old-syntax scripts with no "/*" or "//" inside a string
    # (tests/test_static_build.py checks that the built files still parse and behave
    # through tests/browser): comments go, then each line's indentation.
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"(?m)^\s*//.*\n", "", text)
    text = re.sub(r"(?m)(?<=[;{}),])[ \t]+//.*$", "", text)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip()) + "\n"


def builds() -> dict[Path, str]:
    """Each served file → its content built from assets/."""
    out = {}
    for source in sorted(SOURCES.rglob("*")):
        if source.suffix == ".css":
            out[TARGET / source.relative_to(SOURCES)] = minify_css(source.read_text("utf-8"))
        elif source.suffix == ".js":
            out[TARGET / source.relative_to(SOURCES)] = minify_js(source.read_text("utf-8"))
    return out


def main(argv: list[str]) -> int:
    stale = []
    for target, content in builds().items():
        current = target.read_text("utf-8") if target.exists() else None
        if current == content:
            continue
        if "--check" in argv:
            stale.append(str(target.relative_to(ROOT)))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, "utf-8")
            print(f"built {target.relative_to(ROOT)} ({len(content.encode())} bytes)")
    if stale:
        print("not rebuilt from assets/ (run make static): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
