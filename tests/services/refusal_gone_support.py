"""What the refusal-gone races share (``test_backfill_refusal_gone_race``,
``test_forgotten_refusal_gone_race``, ``test_finding_step_refusal_gone_race``): the
world's liaison and two admins and last month signed, 王五's place elsewhere marked 缺席,
管理员甲's post straight from the form (through the view, or through the view's
``NamedFirst``), what the answer says first, and the forced order's shape — no errors,
the first done, the second seen waiting for it.

The rule they state (docs/design.md, "Refused in a 已定稿 month", refusalgone46): a post
whose naming page the view's read-only pre-check declined (its refusal) was shown no
naming page; when that refusal is gone by the service's locks, nothing is written and
the post is answered by the naming page as if asked the first time — the plain question,
every typed field carried —, never 「…有了变化…」, which tells of a page that named
something else. Each module keeps its own world, its change and what it checks of what
was (not) written."""
from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from tests.races import race_in_order, race_world
from tests.security.support import error_texts
from tests.services.test_named_since_race import _admin, _last_month

# a racer's refusal when its answer is the naming page asked plainly: no words first
ASKED_PLAINLY = "the naming page, asked plainly"


@contextmanager
def gone_world(url: str):
    """``race_world``'s 县商务局 (解放路社区, its checklist item) and on it 林联络 (the
    community's liaison), 管理员甲, who posts, and 管理员乙, who signs. Yields (app,
    unit, item, 林联络, ids) inside the request context, for the test module to add its world
    and its ids; on the way out committed, and last month's unit 月报 signed by 管理员乙."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Role, SummaryScope
    from tracker.reports import final

    last = _last_month()
    with race_world(url) as (app, unit, item, _liaison):
        liaison = f.member(unit, Role.liaison, name="林联络", communities=[item.community])
        admin = f.member(unit, Role.admin, name="管理员甲")
        signer = f.member(unit, Role.admin, name="管理员乙")
        ids = dict(liaison=liaison.id, admin=admin.id, signer=signer.id, unit=unit.id)
        yield app, unit, item, liaison, ids
        db.session.commit()
        final.finalize(signer, SummaryScope(unit.id), last.year, last.month)
        db.session.commit()


def mark_absent(ids) -> None:
    """林联络 submits ``ids["other"]``'s report with 王五 (``ids["member"]``) marked 缺席:
    her place there is gone (``ids["served"]``: its 服务人数, where its category asks)."""
    from tracker.extensions import db
    from tracker.models import Task
    from tracker.services.reviews import ReportData, submit_report

    submit_report(db.session.get(Task, ids["other"]), _admin(ids, "liaison"),
                  ReportData(quantity=None, people_served=ids.get("served"), note="王五缺席",
                             absent_ids={ids["member"]}))


def said_first(page: str) -> str:
    """What a page answering a post says: a naming page asked plainly (``ASKED_PLAINLY``)
    or the words it says first (``named_page.ask_first``'s ``since``); a form, its errors."""
    if 'data-figure="signed_named"' in page:
        said = re.search(r'id="form-errors"[^>]*>\s*<p>(.*?)</p>', page, re.S)
        return ASKED_PLAINLY if said is None else said.group(1)
    return "; ".join(error_texts(page)) or "a page with no error"


def post(ids, endpoint: str, typed: dict, **view_args) -> None:
    """管理员甲 posts ``typed`` straight from the form (no naming page was shown to her)
    to ``endpoint``'s view, in this racer's request and unit of work. A redirect with no
    error flashed: done. Else nothing was done: the page is kept at ``ids["answer"]``
    for the test, and what it says first (``said_first``; a flashed error's words) is
    the racer's refusal."""
    from flask import current_app, g, get_flashed_messages, url_for

    from tracker.services import ServiceError

    with current_app.test_request_context(url_for(endpoint, **view_args), method="POST",
                                          data=typed):
        g._login_user = _admin(ids)  # signed in (Flask-Login's ``current_user``)
        answer = current_app.view_functions[endpoint](**view_args)
        flashed = get_flashed_messages(category_filter=["error"])
    if isinstance(answer, str):
        Path(ids["answer"]).write_text(answer, encoding="utf-8")
        raise ServiceError(said_first(answer))
    if flashed:
        raise ServiceError("; ".join(flashed))


def answered(ids) -> str:
    """The page the racer's post was answered by (``post``)."""
    return Path(ids["answer"]).read_text(encoding="utf-8")


class Asked(NamedTuple):
    """A naming page as ``from_the_form``'s ask draws it: what it names and what it says
    first (False: nothing, the plain question)."""

    named: object
    since: object


def from_the_form(naming, refused):
    """The view's ``NamedFirst`` of a post straight from the form (no 确认), its page
    declined where the service would refuse (``refused``: the view's read-only
    pre-check): asserts no page was shown, as the admin saw none."""
    from tracker.named_page import NamedFirst
    from tracker.services.then_pages import THEN_PARTICIPANT

    assert refused()  # what the view read: the refusal
    # the 添加遗漏的参加人员 form's own words (``manage.task_page.add_participant``'s)
    first = NamedFirst(naming, lambda named, since: None if refused() else Asked(named, since),
                       then=THEN_PARTICIPANT)
    assert first.answer() is None
    return first


def run_named(first, service, *args) -> None:
    """``service(*args)`` compared after its refusals (``first.comparing``), as the view
    runs it; refused for what was named, the view's answer (``first.since()``) is the
    racer's refusal: ``ASKED_PLAINLY``, or the words it says first."""
    from tracker.services import ServiceError
    from tracker.services.roll import NamedSince

    try:
        first.comparing(service)(*args)
    except NamedSince:
        asked = first.since()
        if asked is None:
            raise
        raise ServiceError(ASKED_PLAINLY if not asked.since else str(asked.since)) from None


def forced(module: str, url: str, ids: dict, first: str, second: str, answers: Path) -> dict:
    """``first`` then ``second`` of ``module`` in forced order (``race_in_order``): no
    errors, the first done, the second seen waiting for one of its locks. Returns the
    second's outcome; its page, if any, is kept in ``answers`` (``ids["answer"]``)."""
    ids["answer"] = str(answers / f"{second}.html")
    got = race_in_order(module, url, ids, first, second)
    # (a support module's asserts are not rewritten: each says what it found)
    errors = [e for o in got.values() for e in o["errors"]]
    assert errors == [], errors
    assert got[first]["ok"] is True and got[second]["waited"] is True, got
    return got[second]


def read(app, what):
    """``what()`` read after the race, in an app context of its own, its connections
    closed after."""
    from tracker.extensions import db

    with app.app_context():
        value = what()
        db.session.remove()
        db.engine.dispose()
    return value
