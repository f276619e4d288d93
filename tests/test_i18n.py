"""Chinese by default, a complete English catalog, and no English leaking from WTForms.

The source language is Simplified Chinese (msgids are Chinese). The English catalog
must cover every msgid the current sources contain, translate each one, keep the
placeholders, and its committed .mo must match the .po (`make messages`, then
translate, then `make translations`).
"""
from __future__ import annotations

import gettext
import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask import g
from babel.messages.pofile import read_po
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, IntegerField, StringField
from wtforms.validators import DataRequired

from tests import factories

ROOT = Path(__file__).resolve().parent.parent
CATALOG_DIR = ROOT / "tracker" / "translations" / "en" / "LC_MESSAGES"
PO = CATALOG_DIR / "messages.po"
MO = CATALOG_DIR / "messages.mo"
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+")


def _read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def _msgid(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(s.strip() for s in strings)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """What `make messages` would extract from the sources right now."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "messages.py"), "extract", str(pot)],
                   check=True, cwd=ROOT, capture_output=True)
    return _read(pot)


def test_every_template_with_text_is_extracted(extracted):
    """Jinja extraction skips a template it cannot parse without a word: catch that."""
    seen = {Path(location).as_posix() for message in extracted for location, _ in message.locations}
    pattern = re.compile(r"""(?:\b_|\bgettext|\bngettext)\(\s*['"]""")
    missing = [
        path.relative_to(ROOT).as_posix()
        for path in sorted((ROOT / "templates").rglob("*.html"))
        if pattern.search(path.read_text(encoding="utf-8"))
        and path.relative_to(ROOT).as_posix() not in seen
    ]
    assert not missing, "templates whose strings were not extracted: " + ", ".join(missing)


# a template's text outside its tags, and a quoted string inside them not given to _()
_TAGS = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
_CODE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
_UNTRANSLATED_MARK = re.compile(r"""(?<!_\()(['"])[\u3000-\u303f\uff00-\uffef]+\1""")
# the language switch names Chinese in Chinese, whatever the page's language
_NOT_TRANSLATED = ('<a href=" " lang="zh-CN">中文</a>',)


def test_templates_write_no_chinese_outside_the_catalog():
    """Chinese text or punctuation written straight into a template stays Chinese in
    English: 「Slots left 0 / 3，2 on the waitlist」 (walk12 #9), a list of names joined
    with 「、」. Each goes through gettext, so each language has its own punctuation."""
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        text = _TAGS.sub(" ", source)
        for allowed in _NOT_TRANSLATED:
            text = text.replace(allowed, "")
        found += [f"{path.name}: {m.group(0)!r}" for m in CJK.finditer(text)]
        found += [f"{path.name}: {m.group(0)}" for tag in _CODE.finditer(source)
                  for m in _UNTRANSLATED_MARK.finditer(tag.group(0))]
    assert not found, found


def test_extraction_finds_the_app_strings(extracted):
    ids = {_msgid(m) for m in extracted if m.id}
    assert "登录" in ids  # templates
    assert "名额已满。" in ids  # lazy_gettext in services
    assert "请求有误" in ids  # gettext in Python


def test_catalog_has_every_extracted_msgid(extracted, catalog):
    # by msgid and context: 场 the unit (msgctxt 计量单位) is not any other 场
    missing = sorted(_msgid(m) for m in extracted
                     if m.id and catalog.get(m.id, context=m.context) is None)
    assert not missing, (
        f"{len(missing)} msgids missing from {PO.relative_to(ROOT)} (run `make messages`): "
        + " | ".join(missing[:30])
    )


def test_catalog_is_complete_and_not_fuzzy(catalog):
    untranslated = sorted(_msgid(m) for m in catalog if m.id and not _translated(m))
    fuzzy = sorted(_msgid(m) for m in catalog if m.id and m.fuzzy)
    assert not untranslated, f"{len(untranslated)} untranslated: " + " | ".join(untranslated[:30])
    assert not fuzzy, f"{len(fuzzy)} fuzzy: " + " | ".join(fuzzy[:30])


def test_catalog_translations_keep_placeholders_and_are_english(catalog):
    problems = [f"{_msgid(m)}: {'; '.join(errors)}" for m, errors in catalog.check()]
    chinese_left = [
        _msgid(m) for m in catalog
        if m.id and _translated(m)
        and any(CJK.search(s) for s in (m.string if isinstance(m.string, tuple) else (m.string,)))
    ]
    assert not problems, " | ".join(problems[:30])
    assert not chinese_left, "Chinese left in English translations: " + " | ".join(chinese_left[:30])


def test_compiled_catalog_matches_the_po():
    """The committed .mo is what `make translations` makes of the committed .po."""
    assert MO.exists(), "run `make translations`"
    expected = {}
    for message in _read(PO):
        if not message.id or message.fuzzy or not _translated(message):
            continue
        singular = message.id[0] if isinstance(message.id, tuple) else message.id
        key = singular if not message.context else f"{message.context}\x04{singular}"
        if isinstance(message.id, tuple):  # ngettext: one entry per plural form
            for index, string in enumerate(message.string):
                expected[(key, index)] = string
        else:
            expected[key] = message.string
    with MO.open("rb") as handle:
        compiled = dict(gettext.GNUTranslations(handle)._catalog)
    compiled.pop("", None)
    stale = sorted(str(key) for key in expected.keys() | compiled.keys()
                   if expected.get(key) != compiled.get(key))
    assert not stale, (f"the .mo is stale ({len(stale)} entries differ): run `make translations`: "
                       + " | ".join(stale[:10]))


# ---------------------------------------------------------------- in the app

def _visible_cjk(html: str) -> set[str]:
    body = re.sub(r"<[^>]+>", " ", html)
    return set(CJK.findall(body))


def test_default_language_is_chinese(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert 'lang="zh-CN"' in html
    assert "登录" in html


def test_lang_en_shows_the_login_page_in_english(client, catalog):
    response = client.get("/auth/login?lang=en")
    html = response.get_data(as_text=True)
    assert 'lang="en"' in html
    login = catalog.get("登录")
    assert login is not None and login.string, "登录 is not translated"
    assert login.string in html
    # Only the link back to Chinese may stay Chinese.
    assert _visible_cjk(html) <= {"中文"}, _visible_cjk(html)


def test_language_choice_sticks_for_the_session(client):
    client.get("/auth/login?lang=en")
    html = client.get("/auth/login").get_data(as_text=True)
    assert 'lang="en"' in html
    html = client.get("/auth/login?lang=zh_CN").get_data(as_text=True)
    assert 'lang="zh-CN"' in html


def test_a_link_with_lang_that_redirects_keeps_the_choice(client, world, login):
    """``/?lang=en`` given to an English-speaking member redirects straight on (to their
    home page): the page it lands on is in English."""
    login(world.member)
    response = client.get("/?lang=en")
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<html lang="en">' in html


def test_unknown_language_falls_back_to_chinese(client):
    html = client.get("/auth/login?lang=xx").get_data(as_text=True)
    assert 'lang="zh-CN"' in html


class _BuiltinMessages(FlaskForm):
    number = IntegerField()
    amount = DecimalField()
    day = DateField()
    required = StringField(validators=[DataRequired()])


BAD_INPUT = {"number": "abc", "amount": "x", "day": "not-a-date", "required": ""}


def _builtin_errors(app, query: str) -> list[str]:
    with app.test_request_context(f"/{query}", method="POST", data=BAD_INPUT):
        form = _BuiltinMessages()
        assert not form.validate()
        return [error for errors in form.errors.values() for error in errors]


def test_wtforms_builtin_messages_are_chinese(app):
    errors = _builtin_errors(app, "")
    assert len(errors) == 4
    for error in errors:
        assert CJK.search(error), f"English leaked: {error!r}"
    assert "Not a valid integer value." not in errors


def test_wtforms_builtin_messages_follow_english(app):
    errors = _builtin_errors(app, "?lang=en")
    assert "Not a valid integer value." in errors


# ---------------------------------------------------------------- the choice outlives the browser session

def _lang_cookie_header(response) -> str:
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("lang=")]
    assert len(headers) == 1, response.headers.getlist("Set-Cookie")
    return headers[0]


def test_choosing_english_sets_a_lasting_cookie(app, client):
    header = _lang_cookie_header(client.get("/auth/login?lang=en"))
    assert header.startswith("lang=en;")
    max_age = int(re.search(r"Max-Age=(\d+)", header).group(1))
    assert max_age >= 300 * 24 * 3600, "the choice must last far longer than a browser session"
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert "Secure" not in header  # served over plain http in the tests
    app.config["SESSION_COOKIE_SECURE"] = True  # SECURE_COOKIES=1
    try:
        assert "Secure" in _lang_cookie_header(client.get("/auth/login?lang=zh_CN"))
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False


def test_english_survives_reopening_the_browser_while_still_logged_in(app, client, world):
    """The remember-me login outlives the browser session: so must the language. Closing
    the browser drops the session cookie (it has no expiry); the member is logged straight
    back in by the remember-me cookie — and must still read English."""
    client.get("/auth/login?lang=en")
    response = client.post("/auth/login", data={"phone": world.member.phone,
                                                "password": factories.PASSWORD, "remember": "y"})
    assert response.status_code == 302
    client.delete_cookie(app.config["SESSION_COOKIE_NAME"])  # the browser was closed
    g.pop("_flask_babel", None)  # the test's app context keeps the last locale on g
    assert client.get_cookie("remember_token") is not None
    response = client.get("/", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.request.path != "/auth/login", "the remember-me cookie did not log back in"
    assert '<html lang="en">' in html


def test_a_browser_that_speaks_english_still_gets_chinese_until_it_chooses(client):
    """WeChat and test browsers send their own Accept-Language: only a choice switches."""
    html = client.get("/auth/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert 'lang="zh-CN"' in html
