"""What the design and the comments point a newcomer to exists (review "maintain" #4):
every table of tracker/models is in docs/design.md's "shape of the data", and every
`module.function` a comment in tracker/ names can be found where it says."""
from __future__ import annotations

import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = re.compile(r"^class ([A-Za-z]+)\(db\.Model", re.M)
# A comment's dotted reference into the app's own modules, e.g. "(sources.source_label)".
REFERENCE = re.compile(
    r"#.*?\b((?:services|reports|rollups|reminders|residents|sources|privacy|participation"
    r"|report_owed)\.[a-z_]+(?:\.[a-z_]+)?)\b")


def _shape_of_the_data() -> str:
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    start = design.index("## The shape of the data")
    return design[start:design.index("\n## ", start + 1)]


def test_every_table_is_in_the_designs_shape_of_the_data():
    shape = _shape_of_the_data()
    tables = {name for path in (ROOT / "tracker" / "models").glob("*.py")
              for name in MODEL.findall(path.read_text(encoding="utf-8"))}
    assert {"LoginSession", "ThrottleHit", "SubmissionToken", "ReminderNewsStart"} <= tables
    assert sorted(t for t in tables if not re.search(rf"\b{t}\b", shape)) == []


def _resolves(reference: str) -> bool:
    parts = reference.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module("tracker." + ".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for name in parts[cut:]:
                found = getattr(found, name)
        except AttributeError:
            return False
        return True
    return False


def test_the_resolver_refuses_a_name_that_is_not_there():
    assert _resolves("sources.source_label")
    assert not _resolves("services.backfill.source_label")


def test_every_module_function_a_comment_names_exists():
    wrong = []
    for path in sorted((ROOT / "tracker").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for found in REFERENCE.finditer(line):
                if not found.group(1).endswith(".py") and not _resolves(found.group(1)):
                    wrong.append(f"{path.relative_to(ROOT)}:{number}: {found.group(1)}")
    assert wrong == []
