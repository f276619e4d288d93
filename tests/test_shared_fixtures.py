"""A fixture is written once (review "maintain" #6): two test modules with the same
fixture, body for body, keep it in the nearest conftest.py they share instead — a
change to what "both figures" or "the English catalog" means is then made once."""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# A module's own setting of a fixture tests/conftest.py gives every test (app_config:
# this module's tests run with CSRF on); sharing it would change every other module.
PER_MODULE_SETTINGS = {"app_config"}


def _is_fixture(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Attribute) and target.attr == "fixture"


def _fixtures(source: str):
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and any(map(_is_fixture, node.decorator_list)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]  # the docstring may differ
            yield node.name, "\n".join(ast.dump(statement) for statement in body)


def _written_twice(files) -> dict[str, list[str]]:
    where = defaultdict(list)
    for name, source in files:
        for fixture, body in _fixtures(source):
            where[(fixture, body)].append(name)
    return {fixture: sorted(names) for (fixture, _), names in where.items()
            if len(names) > 1 and fixture not in PER_MODULE_SETTINGS}


def test_the_scan_finds_a_fixture_written_twice():
    one = '@pytest.fixture\ndef clock(monkeypatch):\n    """a"""\n    return 1\n'
    other = '@pytest.fixture\ndef clock(monkeypatch):\n    """b"""\n    return 1\n'
    different = '@pytest.fixture\ndef clock(app):\n    return 2\n'
    assert _written_twice([("a.py", one), ("b.py", other), ("c.py", different)]) == {
        "clock": ["a.py", "b.py"]}


def test_no_fixture_is_written_twice():
    files = [(str(path.relative_to(TESTS)), path.read_text(encoding="utf-8"))
             for path in sorted(TESTS.rglob("*.py"))]
    assert _written_twice(files) == {}
