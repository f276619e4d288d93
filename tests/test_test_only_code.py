"""No public function of tracker/ is there for the tests alone (review "maintain" #3):
a figure's function the pages never call (they run its plan with the rest of the
page) looked like the production API, and a test of it proved nothing about a page.
Such helpers live in tests/plans.py; tracker/ names each of its public functions
somewhere besides its definition (the app, templates, migrations, deploy/)."""
from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Kept in tracker/ for the tests and benchmarks on purpose, and saying so.
FOR_TESTS = {"forget_built", "unfilled"}  # unfilled: bench/run.py reusing a set


def _uncalled(sources: dict[str, str]) -> list[str]:
    words = Counter(re.findall(r"\w+", "\n".join(sources.values())))
    found = []
    for name, source in sources.items():
        if not name.startswith("tracker/"):
            continue
        for node in ast.parse(source).body:
            if (isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
                    and not node.decorator_list
                    and words[node.name] <= 1):
                found.append(f"{name}: {node.name}")
    return found


def test_the_scan_finds_a_function_nothing_calls():
    sources = {"tracker/a.py": "def used():\n    pass\n\n\ndef lonely():\n    used()\n"}
    assert _uncalled(sources) == ["tracker/a.py: lonely"]


def test_every_public_function_is_called_by_the_app():
    paths = [*ROOT.glob("tracker/**/*.py"), *ROOT.glob("templates/**/*.html"),
             *ROOT.glob("migrations/**/*.py"), *ROOT.glob("deploy/*.py"), ROOT / "wsgi.py"]
    sources = {path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
               for path in paths}
    assert [f for f in _uncalled(sources) if f.rsplit(" ", 1)[1] not in FOR_TESTS] == []
