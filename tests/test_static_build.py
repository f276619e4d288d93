"""The served stylesheets and scripts are the build of their commented sources in assets/
(scripts/build_static.py, ``make static``), and the staff sheet stays off members' pages."""
import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _build():
    spec = importlib.util.spec_from_file_location("build_static", ROOT / "scripts" / "build_static.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_served_files_are_built_from_assets():
    built = _build().builds()
    assert {p.relative_to(ROOT / "static").as_posix() for p in built} >= {
        "css/app.css", "css/staff.css", "css/tables.css", "js/drafts.js", "js/errors.js", "js/signout.js"}
    stale = [str(p) for p, content in built.items() if p.read_text("utf-8") != content]
    assert not stale, f"run make static: {stale}"


def test_the_build_drops_comments_and_shortens_only_local_names():
    build = _build()
    assert build.minify_css("/* why */\n.a > b ,\n.c { color: red; margin: 0 auto; }\n") == \
        ".a>b,.c{color:red;margin:0 auto}\n"
    served = build.minify_js('/* why */\n(function () {\n  "use strict";\n  var count = 1; // why\n'
                             '  // why\n  function show(text) { window.alert(text + count); }\n'
                             '  show("x");\n})();\n')
    # no comment, no spacing; the three names local to the function are one letter each,
    # the global, the property, the string and the directive are as they were
    assert "why" not in served and "\n" not in served[:-1] and "  " not in served
    assert not {"count", "show", "text"} & set(re.findall(r"[A-Za-z_$][\w$]*", served))
    assert served.startswith('(function(){"use strict";var ') and served.endswith("})();\n")
    assert 'window.alert(' in served and '("x")' in served
    assert len(served) == len('(function(){"use strict";var c=1;function s(t){window.alert(t+c);}'
                              's("x");})();\n')


def test_a_script_in_later_syntax_than_es5_fails_the_build():
    """WeChat's browser on older phones runs these scripts: let, =>, a template string
    stop the build instead of reaching a phone that cannot parse them."""
    build = _build()
    for source in ("let a = 1;\n", "var f = (a) => a;\n", "var s = `x`;\n"):
        with pytest.raises(Exception, match="Unexpected|Illegal"):
            build.minify_js(source)


def test_staff_sheet_only_for_staff_and_tables_only_with_a_table(client, login, world):
    login(world.member)
    listed = client.get("/tasks/").get_data(as_text=True)
    assert "css/staff.css" not in listed and "css/tables.css" not in listed
    login(world.admin)
    members = client.get("/admin/members").get_data(as_text=True)
    assert "<table" in members and "/static/css/tables.css?v=" in members
    login(world.liaison)
    assert "/static/css/staff.css?v=" in client.get("/manage/").get_data(as_text=True)


def test_scripts_only_where_needed(client, login, world):
    """drafts.js with a form to keep, signout.js elsewhere (退出登录 still drops drafts),
    errors.js only with a refusal."""
    login(world.member)
    plain = client.get("/me/data").get_data(as_text=True)
    assert "js/signout.js" in plain and "js/drafts.js" not in plain and "js/errors.js" not in plain
    form = client.get("/backfill-requests/new").get_data(as_text=True)
    assert "js/drafts.js" in form and "js/signout.js" not in form
    refused = client.post("/auth/password", data={"current": "x", "new_password": "y",
                                                  "confirm": "z"}).get_data(as_text=True)
    assert 'id="form-errors"' in refused and "js/errors.js" in refused


def test_every_rule_of_the_parts_sheet_names_a_class_of_its_own():
    """parts.css is linked by a page that uses a class it styles and app.css does not
    (tracker/sheets.py): so each of its selectors must name such a class, or a page
    could match a rule of it without linking it, and show that part unstyled."""
    from tracker.sheets import selector_classes

    css = ROOT / "static" / "css"
    parts = (css / "parts.css").read_text("utf-8")
    own = selector_classes(parts) - selector_classes((css / "app.css").read_text("utf-8"))
    selectors = [s.strip() for rule in parts.split("}") if "{" in rule
                 for s in rule.rsplit("{", 1)[0].split("{")[-1].split(",")]
    assert len(selectors) > 40
    assert [s for s in selectors if not set(re.findall(r"\.([A-Za-z_][\w-]*)", s)) & own] == []


def test_a_form_page_carries_no_rules_of_the_lists(client, login, world):
    """Review main45: the 补录申请 county refusal page was 11–17 bytes under its 8 KB gzip
    budget, a third of it app.css, which held the rules of the open list's and 我的待办's
    cards, 签到, photos, messages… that a form page never uses. They are parts.css now,
    linked where a page uses one of them: the open list does, 补录申请 (refused or not)
    and 确认参与 do not."""
    login(world.member)
    listed = client.get("/tasks/").get_data(as_text=True)
    assert 'class="card task-card"' in listed and "/static/css/parts.css?v=" in listed
    for url in ("/backfill-requests/new", "/backfill-requests/new?day=1999-01-01"):
        form = client.get(url).get_data(as_text=True)
        assert 'name="description"' in form and "css/parts.css" not in form
    app_css = (ROOT / "static" / "css" / "app.css").read_text("utf-8")
    assert ".task-card" not in app_css and ".checkin-done" not in app_css


def test_a_class_is_read_where_the_attribute_starts_a_word():
    """``sheets.uses_own_class`` reads ``class="…"`` as the word-bounded pattern did
    (``\\bclass=``), found by its literal (month55: four times faster on a 月报)."""
    from tracker.sheets import uses_own_class

    own = frozenset({"card-x"})
    assert uses_own_class('class="card-x"', own)
    assert uses_own_class('<p class="a card-x">', own)
    assert uses_own_class('<p data-class="card-x">', own)  # "-" is no word character
    assert not uses_own_class('<p subclass="card-x">', own)
    assert not uses_own_class('<p 名class="card-x">', own)
    assert not uses_own_class('<p class="card-xy">', own)
