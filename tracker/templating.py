"""Jinja filters and globals: local times, hours, money, labels."""
from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import current_app, g, has_request_context, request, session, url_for
from flask_babel import get_locale, pgettext
from flask_babel import gettext as _
from .i18n import lazy_gettext as _l
from .i18n import month_name
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from .formatting import (
    amount,
    hours,
    pending_sentence,
    per_unit,
    percent,
    served,
    target_pace,
    target_unit,
    unit_word,
    yuan,
)
from .auth.devices import shown as device_label
from .lru import LRU
from .models import AssignmentStatus, ReportStatus, Role, TaskStatus
from .menu import menu_counts
from .permissions import may_call_leader
from .privacy import mask_phones
from .reports.narrative import units_named
from .resend import new_token
from .security import referring_page
from .services.reviews import report_version
from .sheets import own_classes, uses_own_class
from .timeutil import to_local, utcnow

TASK_STATUS = {
    TaskStatus.open: _l("进行中"),
    TaskStatus.closed: _l("已结束"),
    TaskStatus.cancelled: _l("已取消"),
}
ASSIGNMENT_STATUS = {
    AssignmentStatus.claimed: _l("已认领"),
    AssignmentStatus.assigned: _l("已指派"),
    AssignmentStatus.checked_in: _l("已签到"),
    AssignmentStatus.done: _l("已确认参与"),
    AssignmentStatus.absent: _l("缺席"),
    AssignmentStatus.withdrawn: _l("已取消认领"),
}
REPORT_STATUS = {
    ReportStatus.submitted: _l("待审核"),
    ReportStatus.approved: _l("已通过"),
    ReportStatus.returned: _l("已退回"),
    ReportStatus.voided: _l("已作废"),
}
ROLE = {Role.member: _l("党员干部"), Role.liaison: _l("社区联络员"), Role.admin: _l("单位管理员")}
WEEKDAYS = [_l("周一"), _l("周二"), _l("周三"), _l("周四"), _l("周五"), _l("周六"), _l("周日")]


def local_dt(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    local = to_local(value)
    return "" if local is None else local.strftime(fmt)


def time_range(task) -> str:
    """'2026-11-28 周六 09:00–11:30' in Asia/Shanghai."""
    start, end = to_local(task.starts_at), to_local(task.ends_at)
    day = f"{start:%Y-%m-%d} {WEEKDAYS[start.weekday()]}"
    if start.date() == end.date():
        return f"{day} {start:%H:%M}–{end:%H:%M}"
    return f"{day} {start:%H:%M} – {end:%Y-%m-%d %H:%M}"


def share_text(task, url: str) -> str:
    """The text a member copies into the unit's WeChat group: written for the group's
    readers, so in Chinese whatever the language of the page (as the exports are)."""
    from flask_babel import gettext as _

    from .i18n import DEFAULT, force_locale

    with force_locale(DEFAULT):
        return "\n".join([
            _("【%(title)s】", title=mask_phones(task.title)),
            _("时间：%(when)s", when=time_range(task)),
            _("地点：%(place)s", place=mask_phones(task.place)),
            _("剩余名额：%(left)d/%(slots)d", left=task.slots_left, slots=task.slots),
            url])


# A web address in typed text (a 公众号 article pasted into 任务说明): http or https only,
# up to a blank, a quote, an angle bracket or Chinese punctuation; trailing ASCII
# punctuation belongs to the sentence.
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"'（）【】「」，。、；：！？]+", re.IGNORECASE)


def linkify(text) -> Markup:
    """``text`` escaped, with each http(s) address in it a link (``rel=noopener``)."""
    text = "" if text is None else str(text)
    parts, last = [], 0
    for match in _WEB_ADDRESS.finditer(text):
        address = match.group(0).rstrip(".,;:!?)")
        if len(address) <= len("https://"):
            continue
        parts.append(escape(text[last:match.start()]))
        parts.append(Markup('<a href="{0}" rel="noopener noreferrer nofollow">{0}</a>')
                     .format(address))
        last = match.start() + len(address)
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def url_with(**changes) -> str:
    """The current URL with some query arguments replaced (for paging and filters).

    A query argument named like a part of the path (``/tasks/32?task_id=1``, a mangled
    link) is left out: the path's value wins, as it did for the page itself."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        args.pop(key, None)
    if request.endpoint is None:  # error page for a URL no route matched (404, 405)
        from urllib.parse import urlencode

        return request.path + (f"?{urlencode(args)}" if args else "")
    view_args = request.view_args or {}
    return url_for(request.endpoint, **view_args,
                   **{k: v for k, v in args.items() if k not in view_args})


def language_url(code: str) -> str:
    """The footer's 中文 / English link: this page in the language ``code``.

    A page shown in answer to a form sent to an address that only takes forms (a
    refusal shown at ``/progress/findings/7/hand-over`` or ``/needs/4/close``) cannot be
    opened again there: the link led to a 405 (walk56). It leads to the page the form
    was sent from (its ``Referer``), else to the home page, in that language."""
    rule = request.url_rule
    if request.method in ("GET", "HEAD") or rule is None or "GET" in (rule.methods or ()):
        return url_with(lang=code)
    page = referring_page()
    if page is None:
        return url_for("main.index", lang=code)
    parts = urlsplit(page)
    args = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    return f"{parts.path}?{urlencode([*args, ('lang', code)])}"


# Stands for the row's id while a URL is built once for a whole list (url_for_row).
_ROW_MARK = 2_147_483_646


def url_for_row(endpoint: str, **values) -> str:
    """``url_for`` for the rows of a list: the same URL as ``url_for`` gives.

    A list page builds the same few URLs for each of its rows with only the row's id
    changing (a card's 详情 and 认领), and ``url_for`` — endpoint resolution, URL
    defaults, the converter, the query string — was about a tenth of the open-task
    list's CPU. Here each such URL is built once per request with a mark in place of
    the id, and the id is put into it for every row. Calls with no integer argument or
    more than one go to ``url_for`` unchanged, and so does a URL in which the mark is
    not found exactly once.
    """
    ids = [key for key, value in values.items()
           if isinstance(value, int) and not isinstance(value, bool)]
    if len(ids) != 1 or not has_request_context():
        return url_for(endpoint, **values)
    key, row_id = ids[0], values[ids[0]]
    # Kept on the request (not ``g``, which a test's app context shares between requests).
    patterns = request.__dict__.setdefault("_row_url_patterns", {})
    shape = (endpoint, key, *sorted((k, v) for k, v in values.items() if k != key))
    try:
        pattern = patterns.get(shape)
    except TypeError:  # a list among the query arguments
        return url_for(endpoint, **values)
    if pattern is None:
        built = url_for(endpoint, **{**values, key: _ROW_MARK})
        mark = str(_ROW_MARK)
        pattern = tuple(built.split(mark)) if built.count(mark) == 1 else ()
        patterns[shape] = pattern
    if not pattern:
        return url_for(endpoint, **values)
    return f"{pattern[0]}{row_id}{pattern[1]}"


# About 2 MB per worker at 1 KB a card: a county's open tasks several times over.
FRAGMENTS = LRU(2000)  # rendered fragments kept between requests in this process
# The two per-request values a kept fragment holds (tracker/resend.py, Flask-WTF), as
# templates/_macros/forms.html writes them.
_TOKEN_FIELD = re.compile(r'(<input type="hidden" name="(csrf_token|submission_token)" value=")'
                          r'[^"]*"')


# A session's signed CSRF token, per signing key and raw token. Flask-WTF signs the
# session's raw token anew for every page (an HMAC and a timestamp: about a quarter of
# a millisecond, 3% of the open-task list's CPU); with WTF_CSRF_TIME_LIMIT None its
# check never reads the timestamp, so an earlier signature of the same raw token is
# accepted exactly as a new one would be.
_SIGNED_CSRF = LRU(4096)


def page_csrf_token() -> str:
    """The page's CSRF token (templates' ``csrf_token()`` too): what
    ``flask_wtf.csrf.generate_csrf()`` answers, but signed once per session's raw token
    and worker while tokens never expire."""
    config = current_app.config
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if field in g or config.get("WTF_CSRF_TIME_LIMIT", 3600) is not None:
        return generate_csrf()  # the request's own token, or tokens whose age counts
    secret = config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    raw = session.get(field)
    token = _SIGNED_CSRF.get((secret, field, raw)) if isinstance(raw, str) else None
    if token is not None:
        setattr(g, field, token)  # what generate_csrf answers for the rest of the request
        return token
    token = generate_csrf()  # makes the session's raw token if it had none
    raw = session.get(field)
    if isinstance(raw, str):
        _SIGNED_CSRF.put((secret, field, raw), token)
    return token


def _fresh_tokens(html: str) -> str:
    """``html`` with its forms' tokens made anew: the page's CSRF token (the same for
    every form of a page: asked of Flask-WTF once here, not once per form) and a new
    one-time submission token per form."""
    csrf = None

    def fresh(match: re.Match) -> str:
        nonlocal csrf
        if match.group(2) == "csrf_token":
            if csrf is None:
                csrf = escape(page_csrf_token())
            value = csrf
        else:
            value = escape(new_token())
        return f'{match.group(1)}{value}"'

    return _TOKEN_FIELD.sub(fresh, html)


def cached_fragment(name: str, *key, caller) -> Markup:
    """The block's HTML, kept between requests under ``key``:
    ``{% call cached_fragment('name', *key) %}…{% endcall %}``.

    The key must hold everything the block shows: its own name, the data (a frozen
    row such as tasks.queries.OpenCard, fresh from the database on every request, so a
    changed 剩余名额 is another key, never a stale card) and the member's own state;
    the page's language and URL prefix are added here. Its forms' CSRF and one-time
    submission tokens are made anew for every page that shows it. A key of ``None``
    alone keeps nothing: the block is rendered afresh.
    """
    if not has_request_context() or key == (None,):  # None alone: nothing to key it by
        return caller()
    html, rendered = _kept(name, key, str(get_locale()), request.script_root, caller)
    # What is kept is that same autoescaped output; only the tokens are new, escaped.
    return html if rendered else Markup(_fresh_tokens(html))  # nosec B704


def _kept(name: str, key: tuple, locale: str, root: str, render, *args) -> tuple[Markup, bool]:
    """The fragment kept under ``key`` (with the page's language and URL prefix), or
    ``render(*args)`` kept now; and whether it was rendered just now."""
    full_key = (name, *key, locale, root)
    html = FRAGMENTS.get(full_key)
    if html is not None:
        return html, False
    html = render(*args)  # Jinja's autoescaped output: already Markup
    FRAGMENTS.put(full_key, html)
    return html, True


def cached_each(name: str, rows, render) -> Markup:
    """``cached_fragment`` for every row of a list in one call: ``render(*row)`` for
    each ``row`` (a tuple of everything that row's fragment shows, which is also its
    key), kept between requests the same way, the tokens made anew once over the whole
    list. A list page's cards (templates/tasks/open.html) went through a Jinja
    ``{% call %}``, a locale lookup and a token pass per card: a tenth of the open-task
    list's time."""
    if not has_request_context():
        return Markup("").join(render(*row) for row in rows)
    locale, root = str(get_locale()), request.script_root
    parts = [_kept(name, row, locale, root, render, *row)[0] for row in rows]
    # What is kept is that same autoescaped output; only the tokens are new, escaped.
    return Markup(_fresh_tokens("".join(parts)))  # nosec B704


def form_state(form) -> tuple:
    """Everything a GET form's fields show, as a key for ``cached_fragment``: each
    field's kind, name, what was typed (or its value), its choices and its messages,
    and the form's own messages. What the field classes fix (labels, help, attributes)
    is the same for every rendering in one language, which the fragment's key adds."""
    fields = []
    for f in form:
        choices = getattr(f, "choices", None)
        fields.append((f.type, f.name, tuple(f.raw_data or ()), repr(f.data),
                       tuple(choices) if choices is not None else None,
                       tuple(map(str, f.errors))))
    return (type(form).__name__, tuple(fields),
            tuple(map(str, getattr(form, "form_errors", ()))))


UPCOMING, RUNNING, ENDED = "upcoming", "running", "ended"


def task_phase(task, now: datetime | None = None) -> str:
    """Where a task (a ``Task`` or a row with its ``starts_at`` and ``ends_at``, UTC)
    stands at ``now`` (default: this instant): ``UPCOMING`` before its start,
    ``RUNNING`` from its start until its end, ``ENDED`` from its end (a task ending at
    ``now`` has ended, as ``Task.open_and_ended`` says). The one rule of the words
    未开始 / 进行中 / 已结束 on every page that tells a task's time: the liaison's badge
    (``task_status_label``), 我的任务's cards, 我的待办 (walk5 D6: 「即将开始」 on a task
    checked in, 「进行中」 on one not begun)."""
    now = now or utcnow()
    if task.ends_at <= now:
        return ENDED
    return RUNNING if task.starts_at <= now else UPCOMING


def phase_label(phase: str) -> str:
    """The word of a ``task_phase``."""
    if phase == ENDED:
        return pgettext("结束时间已过", "已结束")
    return _("进行中") if phase == RUNNING else _("未开始")


def task_status_label(task, now: datetime | None = None) -> str:
    """A task's status as the liaison's pages badge it (``manage/_macros.html``
    task_status): an open task by its ``task_phase`` — 「未开始」, 「进行中」, or
    「已结束」 once its end has passed by ``now`` (default: this instant;
    ``Task.open_and_ended``, the rule the task list's 状态 filter reads too: its status
    stays open, but 「进行中」 beside 「已结束，尚未提交完成情况」 said the opposite of the
    line under it, review "walk", #5) —; a closed or cancelled one by ``TASK_STATUS``."""
    if task.status == TaskStatus.open:
        return phase_label(task_phase(task, now))
    return str(TASK_STATUS[task.status])


def may_call_leader_now(task, participant: bool = False) -> bool:
    """May the signed-in person see the leader's phone (permissions.may_call_leader)?
    Not when it was erased (a leader 停用 past the retention period)."""
    if task.leader is not None and task.leader.phone_erased:
        return False
    return may_call_leader(current_user, task, participant=participant)


def compile_templates(app) -> int:
    """Compile every template of ``app`` into its Jinja cache now; how many there are.

    gunicorn's master calls this before it forks the workers (deploy/gunicorn.conf.py,
    with preload_app), so each worker — the first ones and every one replacing a worker
    after its max_requests — starts with them compiled. Compiled lazily instead, each
    worker's first page of each kind took tens of milliseconds more (all 98 templates
    are about half a second of CPU)."""
    env = app.jinja_env
    names = env.list_templates()
    for name in names:
        env.get_template(name)
    return len(names)


_FORM = re.compile(r"<form\b.*?</form>", re.S)
_TYPED = re.compile(r"<textarea\b(?![^>]*\breadonly)|<input\b(?![^>]*\b(?:readonly|type=\"(?!text\"|number\")))", re.S)


def page_scripts(html: str) -> dict[str, bool]:
    """Which of the optional scripts a rendered page needs (base.html; the first-load
    budget of docs/design.md, "Budgets", leaves no room to send them everywhere):

    ``drafts``: a form static/js/drafts.js keeps a draft of — it carries the one-time
    submission token and something to type (a textarea, a text or number input, none of
    them read-only) and no password input (a file input's form keeps the rest, walk10 D8)
    — or a [data-no-draft] mark, whose
    draft kept before the mark it removes. ``errors``: a refusal static/js/errors.js
    brings the member to (the form_errors summary, an alert, a red flash). ``tables``:
    a table, styled by static/css/tables.css. ``report``: a report document (月报,
    服务记录: reports/_document.html, reports/record.html), styled by static/css/report.css.
    ``parts``: an element of a class only static/css/parts.css styles (``sheets``: the
    open list's cards, 我的待办's, 签到, photos…)."""
    drafts = "data-no-draft" in html or any(
        'name="submission_token"' in form and _TYPED.search(form)
        and 'type="password"' not in form
        for form in _FORM.findall(html))
    errors = 'id="form-errors"' in html or 'role="alert"' in html or "flash-error" in html
    parts = uses_own_class(html, own_classes(current_app.static_folder, "parts.css"))
    return {"drafts": drafts, "errors": errors, "tables": "<table" in html,
            "report": '<article class="report">' in html, "parts": parts}


def resident_name(resident) -> str:
    """A resident's name as a page shows it: an erased one's stored 「（已删除）」
    (``services.residents.ERASED_NAME``, kept in the column that held the name) is the
    marker in the page's language."""
    return str(_l("（已删除）")) if resident.erased_at is not None else resident.name


def register(app) -> None:
    app.jinja_env.filters.update(resident_name=resident_name,
                                 local_dt=local_dt, time_range=time_range, hours=hours, yuan=yuan,
                                 percent=percent, amount=amount, per_unit=per_unit, served=served,
                                 target_unit=target_unit,
                                 linkify=linkify, unit_word=unit_word, device=device_label,
                                 mask_phones=mask_phones, units_named=units_named)
    app.jinja_env.globals.update(
        csrf_token=page_csrf_token,  # in place of CSRFProtect's generate_csrf
        TASK_STATUS=TASK_STATUS,
        ASSIGNMENT_STATUS=ASSIGNMENT_STATUS,
        REPORT_STATUS=REPORT_STATUS,
        ROLE=ROLE,
        url_with=url_with,
        language_url=language_url,
        url_for_row=url_for_row,
        cached_fragment=cached_fragment,
        cached_each=cached_each,
        form_state=form_state,
        pending_sentence=pending_sentence,
        target_pace=target_pace,
        get_locale=get_locale,
        month_name=month_name,
        menu_counts=menu_counts,
        may_call_leader=may_call_leader_now,
        task_status_label=task_status_label,
        task_phase=task_phase,
        phase_label=phase_label,
        share_text=share_text,
        page_scripts=page_scripts,
        report_version=report_version,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
