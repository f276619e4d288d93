"""Imports inside ``tracker`` flow one way: no module imports, however indirectly,
a module that imports it (figures → tables → narrative → exports; models never
import what imports them).

The graph is read from the source, not from ``sys.modules``: every ``import`` and
``from … import`` anywhere in a file counts — at module level, inside a function,
under ``if TYPE_CHECKING`` — because each of them is a dependency a reader has to
follow, and a function-level import is how a cycle hides until it bites.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "tracker"


def module_files() -> dict[str, Path]:
    """{dotted module name: file} for every module of the package."""
    modules = {}
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base.pop()  # a module's relative imports start from its package
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(module: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that ``module`` imports, wherever in the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(module, path.name == "__init__.py", node)
            # ``from pkg import name``: the submodule ``pkg.name`` if there is one,
            # else a name defined in ``pkg`` itself.
            names = [f"{target}.{alias.name}" if f"{target}.{alias.name}" in known else target
                     for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in known:  # ``import a.b.c`` of a non-module attribute
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


def import_graph() -> dict[str, set[str]]:
    files = module_files()
    return {module: imports_of(module, path, set(files)) for module, path in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[tuple[list[str], list[str]]]:
    """For each group of modules that import each other (a strongly connected
    component, Tarjan's algorithm): one cycle as a path a → … → a, and the group."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [(_a_cycle_in(graph, group), sorted(group)) for group in groups]


def _a_cycle_in(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """The shortest way from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(graph[node] & group):
                if nxt == start:
                    return paths[node] + [start]
                if nxt not in paths:
                    paths[nxt] = paths[node] + [nxt]
                    following.append(nxt)
        frontier = following
    raise AssertionError(f"no cycle in {sorted(group)}")  # pragma: no cover


def test_the_graph_sees_every_kind_of_import(tmp_path):
    source = tmp_path / "views.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "import pkg.models\n"
        "from . import forms\n"
        "from .queries import listing\n"
        "from ..figures import totals\n"
        "if TYPE_CHECKING:\n"
        "    from ..figures.scope import Scope\n"
        "def view():\n"
        "    from pkg.area.services import claim\n",
        encoding="utf-8",
    )
    known = {"pkg", "pkg.models", "pkg.area", "pkg.area.forms", "pkg.area.queries",
             "pkg.area.services", "pkg.area.views", "pkg.figures", "pkg.figures.scope"}
    assert imports_of("pkg.area.views", source, known) == {
        "pkg.models", "pkg.area.forms", "pkg.area.queries", "pkg.figures",
        "pkg.figures.scope", "pkg.area.services"}
    graph = import_graph()
    assert "tracker.models.people" in graph["tracker.models"]
    assert "tracker.blueprints" in graph["tracker"]  # imported inside create_app's steps


def test_the_cycle_finder_names_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e2"}, "e2": {"e"}}
    assert sorted(cycles(graph)) == [(["a", "b", "c", "a"], ["a", "b", "c"]),
                                     (["e", "e2", "e"], ["e", "e2"])]


def test_no_import_cycle_in_tracker():
    found = cycles(import_graph())
    assert not found, "import cycles in tracker:\n" + "\n".join(
        " → ".join(path) + f"  (the knot: {', '.join(group)})" for path, group in found)


def test_the_needs_board_reads_nothing_of_the_task_desk():
    """需求清单 (``tracker.needs``) and the liaison's task desk (``tracker.manage``) are
    two blueprints; what both offer — the active categories of their forms, the field
    their choices are made of — comes from a module of neither (``lists``, ``fields``),
    so a change to the desk's queries or forms cannot break the board."""
    graph = import_graph()
    crossing = sorted(f"{module} → {target}" for module, targets in graph.items()
                      if module == "tracker.needs" or module.startswith("tracker.needs.")
                      for target in targets
                      if target == "tracker.manage" or target.startswith("tracker.manage."))
    assert not crossing, crossing


def test_each_rollup_module_reads_in_one_sitting():
    """tracker/rollups/ is a module per page family, none of them a god module."""
    sizes = {path.name: len(path.read_text(encoding="utf-8").splitlines())
             for path in (ROOT / PACKAGE / "rollups").glob("*.py")}
    assert {"scope.py", "figures.py", "checklist.py", "double.py", "coverage.py",
            "findings.py", "funds.py", "home.py"} <= sizes.keys()
    assert max(sizes.values()) <= 400, sizes


def test_every_cited_document_is_in_the_repo():
    """Code and docs cite docs/*.md by path; each must exist in a clone, and nothing
    may point at design notes kept outside the repo."""
    cited, outside = set(), []
    for folder in ("tracker", "templates", "migrations", "bench", "scripts", "docs", "tests"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in (".py", ".html", ".md") or "__pycache__" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            cited |= set(re.findall(r"\bdocs/[\w.-]+\.md\b", text))
            if "DESIGN.md" in text and path.name != "test_architecture.py":
                outside.append(path.relative_to(ROOT).as_posix())
    cited |= set(re.findall(r"\bdocs/[\w.-]+\.md\b", (ROOT / "README.md").read_text("utf-8")))
    assert "docs/design.md" in cited
    assert not [doc for doc in sorted(cited) if not (ROOT / doc).is_file()]
    assert not outside, f"cite docs/design.md instead of DESIGN.md: {outside}"


SENDING = {"smtplib", "urllib.request", "http.client", "requests", "tracker.reminders.channels",
           "tracker.reminders.job"}
# The one sender a page may reach, and why: 「发送测试消息」 on a work-group robot's page
# (messages #4) is a liaison asking to hear from the robot now and waiting for the answer;
# it goes through the job's own channel code, bounded by REMINDER_HTTP_TIMEOUT, staff
# only, ROBOT_TEST_LIMIT per community. Only the robot page's route imports it.
SENDS_ON_REQUEST = {"tracker.reminders.trial": {"tracker.outbox.routes"}}


def test_no_page_can_reach_the_code_that_sends():
    """Reminders go out from ``flask send-reminders`` only: no module a blueprint's
    routes import, however indirectly, sends mail or makes an HTTP request — a slow
    SMTP server must never hold up a member's click."""
    files = module_files()
    graph = import_graph()
    reached, todo = set(), [m for m in files if m.endswith(".routes")]
    while todo:
        module = todo.pop()
        if module in reached:
            continue
        reached.add(module)
        todo.extend(target for target in graph.get(module, ()) if target not in SENDS_ON_REQUEST)
    importers = {exempt: {module for module, targets in graph.items() if exempt in targets}
                 for exempt in SENDS_ON_REQUEST}
    assert importers == SENDS_ON_REQUEST, importers
    bad = {}
    for module in sorted(reached & set(files)):
        tree = ast.parse(files[module].read_text(encoding="utf-8"))
        names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names}
        names |= {_absolute(module, files[module].name == "__init__.py", node)
                  for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        if names & SENDING:
            bad[module] = sorted(names & SENDING)
    assert reached > {"tracker.me.routes", "tracker.outbox.routes"}
    assert not bad, bad


# A form whose second send must not apply twice carries a one-time submission token
# (tracker/resend.py). Those left out on purpose, and why:
UNGUARDED_FORMS = {
    ("base.html", "auth.logout"),  # logging out twice is logging out
    ("me/messages.html", "me.read_all"),  # marking read twice changes nothing
    ("me/messages.html", "me.read"),
    # (issuing links is guarded too: its result is the page itself, the links, but a
    # reload of that page re-sends the POST, and a second batch would kill the links
    # already handed out — review "forms", session 28, #6)
}


def _post_forms(template: Path):
    """(the form's action endpoint, the form's text) for each hand-written POST form."""
    text = template.read_text(encoding="utf-8")
    for match in re.finditer(r'<form\b[^>]*\bmethod="post"(.*?)</form>', text, flags=re.S):
        endpoint = re.search(r"url_for\('([\w.]+)'", match.group(0))
        yield (endpoint.group(1) if endpoint else "?"), match.group(0)


def test_every_hand_written_post_form_carries_a_submission_token():
    templates = ROOT / "templates"
    unguarded = []
    for template in sorted(templates.rglob("*.html")):
        name = template.relative_to(templates).as_posix()
        if name == "_macros/forms.html":
            continue  # render_form and post_button add it themselves (guard=False opts out)
        for endpoint, form in _post_forms(template):
            # once_per_action(): one token for a form of many one-button actions;
            # once(carry=True): a confirmation page's, the token of the send it asks about
            if ("once()" not in form and "once_per_action()" not in form
                    and "once(carry=True)" not in form
                    and (name, endpoint) not in UNGUARDED_FORMS):
                unguarded.append(f"{name}: {endpoint}")
    assert not unguarded, "POST forms without {{ once() }}: " + ", ".join(unguarded)


def test_the_scan_finds_a_form_without_a_token(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<form method="post" action="{{ url_for(\'x.y\') }}">\n</form>',
                    encoding="utf-8")
    assert [endpoint for endpoint, form in _post_forms(page) if "once()" not in form] == ["x.y"]


# Every POST form carries its CSRF token, or Flask-WTF refuses it with 「页面已过期」 —
# every time, in production only: the test apps run with CSRF off (review "walk", #1:
# 合并账号's confirmation had none). A form carries it when it names it (``form.csrf_token``,
# ``csrf_token()``), uses ``once_per_action()``, or renders each field of its form in a
# loop (``field`` renders the hidden CSRFTokenField) without leaving that one out.
# tests/web/test_post_forms_csrf.py reads the same on the pages the demo renders.
_FORM_LOOP = re.compile(r"\{%\s*for (\w+) in \w+\s*%\}.*?field\(\1\b", re.S)


def _carries_csrf(form: str) -> bool:
    return ("csrf_token" in form or "once_per_action()" in form
            or (_FORM_LOOP.search(form) is not None and "CSRFTokenField" not in form))


def test_every_hand_written_post_form_carries_a_csrf_token():
    templates = ROOT / "templates"
    tokenless = [f"{template.relative_to(templates).as_posix()}: {endpoint}"
                 for template in sorted(templates.rglob("*.html"))
                 for endpoint, form in _post_forms(template) if not _carries_csrf(form)]
    assert not tokenless, "POST forms without a CSRF token: " + ", ".join(tokenless)


def test_the_scan_finds_a_form_without_a_csrf_token(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '<form method="post" action="{{ url_for(\'a.b\') }}">{{ once() }}{{ form.shown() }}</form>\n'
        '<form class="x" method="post" action="{{ url_for(\'c.d\') }}">{% for f in form %}'
        '{% if f.type != \'CSRFTokenField\' %}{{ field(f) }}{% endif %}{% endfor %}</form>\n'
        '<form method="post" action="{{ url_for(\'e.f\') }}">{{ form.csrf_token }}</form>\n'
        '<form method="post" action="{{ url_for(\'g.h\') }}">{% for f in form %}{{ field(f) }}'
        '{% endfor %}</form>', encoding="utf-8")
    assert [endpoint for endpoint, form in _post_forms(page) if not _carries_csrf(form)] == \
        ["a.b", "c.d"]


# A view may fetch one record by its id (``db.session.get``); this one reads no rows.
STATEMENTS_IN_VIEWS = {("tracker.main.routes", "execute")}  # /healthz's SELECT 1


def _statements(path: Path) -> list[tuple[int, str]]:
    """(line, what) of every statement a module builds or runs itself: ``select(…)``,
    and ``….scalars / scalar / execute(…)`` on a session."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "select":
            found.append((node.lineno, "select"))
        elif (isinstance(func, ast.Attribute) and func.attr in ("scalars", "scalar", "execute")
              and isinstance(func.value, ast.Attribute) and func.value.attr == "session"):
            found.append((node.lineno, func.attr))
    return found


def test_views_run_no_statement_of_their_own():
    """README: a blueprint's views are thin; the lists a page reads are in its
    ``queries.py`` (or a service). Every module that declares routes (``@bp.…``) is
    read, so a view module split off later is held to it too."""
    wrong = []
    for module, path in module_files().items():
        if "@bp." not in path.read_text(encoding="utf-8"):
            continue
        for line, what in _statements(path):
            if (module, what) not in STATEMENTS_IN_VIEWS:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not wrong, "views running SQL of their own:\n" + "\n".join(wrong)


def test_the_scan_finds_a_statement_in_a_view(tmp_path):
    view = tmp_path / "routes.py"
    view.write_text("rows = db.session.scalars(select(Task).where(Task.id == 1))\n",
                    encoding="utf-8")
    assert _statements(view) == [(1, "scalars"), (1, "select")]


def _direct_flaskform_subclasses(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    (isinstance(b, ast.Name) and b.id == "FlaskForm")
                    or (isinstance(b, ast.Attribute) and b.attr == "FlaskForm")
                    for b in node.bases):
                found.append(f"{path.relative_to(root)}:{node.name}")
    return found


def test_every_form_is_built_on_the_apps_form():
    """A page's form refills what a login that ended kept (tracker/form.py): only the
    base itself may inherit from Flask-WTF's FlaskForm, or that page would lose it."""
    assert _direct_flaskform_subclasses(ROOT / PACKAGE) == ["form.py:Form"]


def test_the_form_scan_finds_a_direct_subclass(tmp_path):
    (tmp_path / "forms.py").write_text(
        "import flask_wtf\nfrom flask_wtf import FlaskForm\n"
        "class A(FlaskForm):\n    pass\nclass B(flask_wtf.FlaskForm):\n    pass\n",
        encoding="utf-8")
    assert _direct_flaskform_subclasses(tmp_path) == ["forms.py:A", "forms.py:B"]


# Flask-Babel's lazy strings print as HTML unescaped (their ``__html__`` is ``str``):
# tracker/i18n.py makes the app's own, which escape. Its lazy functions and class
# may be named nowhere else.
_BABEL_LAZY = {"LazyString", "lazy_gettext", "lazy_ngettext", "lazy_pgettext", "lazy_npgettext"}


def _babel_lazy_uses(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("flask_babel"):
                names = [alias.name for alias in node.names if alias.name in _BABEL_LAZY | {"*"}]
            elif (isinstance(node, ast.Attribute) and node.attr in _BABEL_LAZY
                  and isinstance(node.value, ast.Name) and node.value.id == "flask_babel"):
                names = [node.attr]
            else:
                continue
            found += [f"{path.relative_to(root)}:{node.lineno}:{name}" for name in names]
    return found


def test_lazy_messages_come_from_the_apps_own_lazy_gettext():
    """A lazy message with a title or a name interpolated is shown as text: only
    tracker/i18n.py, which makes the escaping kind, may use Flask-Babel's."""
    assert [use for use in _babel_lazy_uses(ROOT / PACKAGE)
            if not use.startswith("i18n.py:")] == []


def test_the_lazy_scan_finds_flask_babels_lazy_forms(tmp_path):
    (tmp_path / "forms.py").write_text(
        "import flask_babel\nfrom flask_babel import lazy_gettext as _l, gettext\n"
        "from flask_babel.speaklater import LazyString\n"
        "label = flask_babel.lazy_pgettext('a', 'b')\n", encoding="utf-8")
    assert _babel_lazy_uses(tmp_path) == [
        "forms.py:2:lazy_gettext", "forms.py:3:LazyString", "forms.py:4:lazy_pgettext"]


def _machine_day_uses(root: Path) -> list[str]:
    """``file:line`` of every call asking the machine's own clock for a day or a naive
    time — ``date.today()``, ``datetime.now()``/``today()``/``utcnow()`` with no zone —
    or the day of UTC's now (``utcnow().date()``: Greenwich's day, not Beijing's), in the
    files below ``root``; a Unix ``.timestamp()`` of one is the same in any zone."""
    call = re.compile(r"\b(?:date\.today|datetime\.(?:now|today|utcnow))\(\)(?!\.timestamp\(\))"
                      r"|\butcnow\(\)\.date\(\)")
    found = []
    for path in sorted(root.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if call.search(line.split("#", 1)[0]):
                found.append(f"{path.relative_to(root)}:{number}")
    return found


def test_no_code_asks_the_machines_day():
    """The app's day is Beijing's (``timeutil.local_today``, ``timeutil.utcnow`` for a
    time): the machines run on UTC, eight hours behind, so code or a test reading the
    machine's day is a day out from 16:00 to 24:00 UTC — a test of the roll read
    ``date.today()`` and failed only in those hours (session 47)."""
    found = [use for part in (PACKAGE, "tests") for use in _machine_day_uses(ROOT / part)]
    # this file names the calls it looks for
    assert [use for use in found if not use.startswith("test_architecture.py:")] == []


def test_the_day_scan_finds_the_machines_day(tmp_path):
    (tmp_path / "clock.py").write_text(
        "from datetime import date, datetime\nday = date.today()\nnow = datetime.now()\n"
        "stamp = datetime.now().timestamp()\nzoned = datetime.now(timezone.utc)\n"
        "day_of_utc = utcnow().date()\n# date.today() in a comment\n", encoding="utf-8")
    assert _machine_day_uses(tmp_path) == ["clock.py:2", "clock.py:3", "clock.py:6"]
