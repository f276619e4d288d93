"""Builds the served stylesheets and scripts (static/css, static/js) from their commented
sources in assets/: ``make static`` (or ``python scripts/build_static.py``).

Why: a member's first load (HTML + CSS + JS) has a budget of 30 KB raw and 8 KB gzip
(docs/design.md, "Budgets"); the comments that say why a rule or a line is there were a
quarter of the compressed bytes. They stay in assets/, which is what one edits; the
served stylesheets drop comments and spacing, nothing else. The served scripts are
printed again from their parse (calmjs.parse, an ES5 parser): no comment, no spacing,
and the names local to a function shortened (a global, a property or a string is never
renamed), which took 300 bytes gzip off drafts.js, the 补录申请 page's margin. No
bundling: each file is served as it is, under its ?v=<hash> URL. The parse is ES5 only,
so a source that uses later syntax (let, =>, a template string) fails the build:
WeChat's browser on older phones runs these scripts. The built files are committed, as
the compiled translations are; tests/test_static_build.py fails when they are not
rebuilt.

``--check`` exits 1, naming the files, when a built file differs from its source's build.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from calmjs.parse import es5
from calmjs.parse.unparsers.es5 import minify_print

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
    """The script printed again from its ES5 parse, local names shortened; a source
    that is not ES5 raises calmjs.parse's syntax error, naming the line."""
    return minify_print(es5(text), obfuscate=True, obfuscate_globals=False) + "\n"


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
