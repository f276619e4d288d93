"""Which language a page is shown in: zh_CN unless the visitor chose English.

The rule: ``?lang=`` (the footer's 中文 / English links) is the choice; it is kept in a
cookie of its own (``lang``, one year) so that it outlives the browser session — the
remember-me login does, and a member logged straight back in must not find the app
in the other language. ``Accept-Language`` is not read: WeChat and the test browsers
send their own (en-US on a test box, zh-CN on most phones) whatever the reader wants,
and the bureau's language is Chinese."""
from __future__ import annotations

import functools
from datetime import date

from babel import Locale
from flask import after_this_request, current_app, has_request_context, request, session
from flask_babel import LazyString as _BabelLazyString
from flask_babel import force_locale as _force_locale
from flask_babel import gettext, ngettext, pgettext
from markupsafe import Markup, escape

SUPPORTED = ("zh_CN", "en")
DEFAULT = "zh_CN"
COOKIE = "lang"
COOKIE_MAX_AGE = 60 * 60 * 24 * 365  # a year: longer than any login lasts


def _asked() -> str | None:
    """The language ``?lang=`` asks for, if it is one the app speaks."""
    chosen = request.args.get("lang")
    if not chosen:
        return None
    chosen = "zh_CN" if chosen.lower().startswith("zh") else chosen
    return chosen if chosen in SUPPORTED else None


def remember_choice() -> None:
    """``?lang=`` kept for the visitor's next pages (a before_request hook). Not only in
    the selector: that runs only when something is translated, so a link like
    ``/?lang=en`` that redirects straight on lost the choice."""
    chosen = _asked()
    if chosen is not None and session.get("lang") != chosen:
        session["lang"] = chosen
    if chosen is None and request.cookies.get(COOKIE) is None and session.get("lang") in SUPPORTED:
        chosen = session["lang"]  # chosen before the cookie existed: keep it from now on
    if chosen is not None and request.cookies.get(COOKIE) != chosen:
        _keep_in_cookie(chosen)


def _keep_in_cookie(code: str) -> None:
    """The choice in its own long-lived cookie (the session cookie ends with the
    browser session; the in-app browser of WeChat drops it often)."""

    @after_this_request
    def keep(response):
        response.set_cookie(COOKIE, code, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
        return response


def _kept() -> str | None:
    """The language chosen earlier: the ``lang`` cookie, else (a choice made before the
    cookie existed, or a browser refusing it) the session."""
    code = request.cookies.get(COOKIE)
    if code in SUPPORTED:
        return code
    code = session.get("lang")
    return code if code in SUPPORTED else None


def select_locale() -> Locale | str:
    if not has_request_context():  # CLI commands and background work
        return DEFAULT
    # this request's ?lang= first: remember_choice has kept it for the next ones
    code = _asked() or _kept() or DEFAULT
    return _locale(code)


@functools.cache
def _locale(code: str) -> Locale:
    """One Locale object per language for the process: Flask-Babel parses the
    selector's string anew on every request, and parsing looks the locale's data
    file up on disk (about 5 % of a list page's CPU)."""
    return Locale.parse(code)


def force_locale(code: str):
    """Flask-Babel's ``force_locale`` with the process's one Locale of ``code``: given
    the string, it parses it on every call, and "zh_CN" (whose data file is
    zh_Hans_CN) is then sought among every locale Babel knows — 0.15 ms a call, four
    calls on a 月报 page (month55)."""
    return _force_locale(_locale(code))


def install_template_gettext(app) -> None:
    """Templates translate through the request's catalog looked up once per locale.

    Flask-Babel's own template callables look the catalog up again for every string
    (three context look-ups and the locale's name each time): on the open-task list,
    about 90 strings a page, that was a tenth of the page's CPU. The catalog is the one
    ``flask_babel.get_translations()`` returns; it is looked up again whenever the
    locale object changes (``force_locale`` in the report exports).
    """
    from flask import g
    from flask_babel import get_locale, get_translations

    def catalog():
        locale = get_locale()
        if locale is None:  # outside a request: Flask-Babel's null catalog
            return get_translations()
        seen = g.get("_template_catalog")
        if seen is not None and seen[0] is locale:
            return seen[1]
        translations = get_translations()
        g._template_catalog = (locale, translations)
        return translations

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalog().ugettext(s),
        ngettext=lambda s, p, n: catalog().ungettext(s, p, n),
        pgettext=lambda c, s: catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalog().unpgettext(c, s, p, n),
        newstyle=True,
    )


class LazyString(_BabelLazyString):
    """A string made when it is used (in the request's language), which is *text*.

    Flask-Babel's ``LazyString.__html__`` returns ``str(self)``: markupsafe — Jinja's
    autoescape, WTForms' widgets, Flask's flashed-message and JSON serialisers — takes
    any object with ``__html__`` as already safe HTML, so a lazy message printed with
    ``{{ … }}`` went out unescaped, with whatever was interpolated into it: task titles,
    names, category names that staff typed (security review, session 26, finding 1).
    Here ``__html__`` escapes the text, as a plain ``str`` would be. No msgid of the
    app carries markup; one that must would be built with ``Markup`` where it is shown.
    Every lazy string of ``tracker`` is made here (``tests/test_architecture.py``
    forbids Flask-Babel's lazy functions elsewhere)."""

    def __html__(self) -> Markup:
        return escape(str(self))


def lazy_gettext(string: str, **variables) -> LazyString:
    """``gettext`` when the text is used: imported as ``_l`` (a form's labels, a
    service's refusals) — Flask-Babel's own, but escaped when shown as HTML."""
    return LazyString(gettext, string, **variables)


def lazy_ngettext(singular: str, plural: str, num: int, **variables) -> LazyString:
    """``ngettext`` when the text is used: a lazy message with a count (``%(n)d`` or
    ``%(num)d``), in the singular or the plural the reader's language asks for. In Chinese
    (the msgids) both forms are the same text."""
    return LazyString(ngettext, singular, plural, num, **variables)


def lazy_pgettext(context: str, string: str, **variables) -> LazyString:
    """``pgettext`` when the text is used: a word that reads one way in Chinese and
    another in English by where it stands (「已结束」: a task ended, or the filter of
    tasks closed or ended)."""
    return LazyString(pgettext, context, string, **variables)


def lazy(func, *args, **kwargs) -> LazyString:
    """``func(*args, **kwargs)`` as text when used (a value read from the config at
    render time, interpolated into a lazy message)."""
    return LazyString(func, *args, **kwargs)


_MONTH_PATTERNS = {"full": "MMMM y", "month": "MMMM", "abbr": "MMM"}


def month_name(year: int, month: int, form: str = "full") -> str:
    """A month as the reader's language names it (the request's language, or the
    document's under ``force_locale``): 「2026年11月」, "November 2026". ``form``
    "month": without the year, where it is said nearby (「11月」, "November"); "abbr":
    a chart's axis (「11月」, "Nov"). English from Babel's month names; Chinese written
    out as the bureau's pages and documents have always read (not CLDR's, which may
    change with Babel)."""
    from babel.dates import format_date
    from flask_babel import get_locale

    locale = get_locale()
    if locale is None or locale.language == "zh":
        return f"{year}年{month}月" if form == "full" else f"{month}月"
    return format_date(date(year, month, 1), _MONTH_PATTERNS[form], locale=locale)


def lazy_month_name(year: int, month: int, form: str = "full") -> LazyString:
    """``month_name`` in the language of the page the text ends up on (a service's
    refusal, made before it is shown)."""
    return LazyString(month_name, year, month, form)
