"""``today_held``: a test module's ``TODAY``, read when it was collected, stays the
application's today when the run crosses midnight in Asia/Shanghai (the flake of
test_progress_forms, test_rollups_property and their like, session 40)."""
from __future__ import annotations

import ast
from datetime import date, time
from pathlib import Path

import pytest

from tracker import timeutil

# As if collected on a day that has since ended: not today, whenever the suite runs.
TODAY = date(2026, 3, 1)
pytestmark = pytest.mark.usefixtures("today_held")


def test_a_module_s_today_stays_the_application_s_today_after_midnight():
    assert timeutil.local_today() == TODAY
    # the last minute the module's days were right, not some hour of the next day
    first, second = (timeutil.to_local(timeutil.utcnow()) for _ in range(2))
    assert first.time().replace(microsecond=0) == time(23, 59)
    # and it ticks: one write after another bears a later moment
    assert second > first


# --- every module that reads the clock when it is imported holds it ----------------------

# What tells the day: the application's clock, the standard library's, and the suite's
# helpers that count days from it (tests/web/manage_support.py's and
# tests/reminders/conftest.py's ``local``).
CLOCK_READS = {"local_today", "utcnow", "now", "today", "now_local", "local"}
TESTS = Path(__file__).parent


def _read_at_import(tree: ast.Module) -> list[int]:
    """Lines where the module reads the clock as it is imported: at module level, in a
    decorator (a parametrize list) or a default argument — not in a function's body or a
    lambda, which run in the test."""
    found: list[int] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for part in (*child.decorator_list, *child.args.defaults,
                             *filter(None, child.args.kw_defaults)):
                    visit(ast.Expression(part))
                continue
            if isinstance(child, ast.Lambda):
                continue
            if isinstance(child, ast.Call):
                called = child.func
                name = called.attr if isinstance(called, ast.Attribute) \
                    else getattr(called, "id", None)
                if name in CLOCK_READS:
                    found.append(child.lineno)
            visit(child)

    visit(tree)
    return found


def _holds_its_day(tree: ast.Module) -> bool:
    """``TODAY`` at module level and ``today_held`` in its ``pytestmark``."""
    names = {target.id for node in tree.body if isinstance(node, ast.Assign)
             for target in node.targets if isinstance(target, ast.Name)}
    marks = [ast.unparse(node.value) for node in tree.body if isinstance(node, ast.Assign)
             and any(getattr(t, "id", None) == "pytestmark" for t in node.targets)]
    return "TODAY" in names and any("today_held" in mark for mark in marks)


def test_every_module_reading_the_day_at_import_holds_it():
    """A day worked out when the module is collected (a parametrize list, a module
    constant) is yesterday's once the run crosses midnight in Asia/Shanghai, while the
    application asks its clock at each request: such a module keeps its ``TODAY`` and
    opts into ``today_held``, or reads the day inside the test."""
    unheld = []
    for path in sorted(TESTS.rglob("*.py")):
        if path.name == "conftest.py" or path == Path(__file__):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        lines = _read_at_import(tree)
        if lines and not _holds_its_day(tree):
            unheld.append(f"{path.relative_to(TESTS)}:{lines}")
    assert unheld == []
