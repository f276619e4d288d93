"""Guesses sent at once (security review, session 41, finding 1): a burst of wrong
passwords released together on separate processes — as many gunicorn workers, each with
its own app and connections — gets no more password checks than the limit allows: at
most ``LOGIN_LIMIT_PER_ACCOUNT_ADDRESS`` (5 per 15 minutes) answered 「手机号或密码不正确」
for one phone from one address, and at most ``PASSWORD_LIMIT`` (5) answered 「当前密码不
正确」 on 修改密码; every other one is refused (429) before its password is checked.

The attempt is counted before the password is checked, in one step on the counters'
storage (``throttle.reserve``). Judged by what each racer was answered, not by the clock.
SQLite's writers take turns anyway (BEGIN IMMEDIATE), so these run on PostgreSQL (with
TEST_DATABASE_URL): counts in the database, and in Redis as in production.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.races import connect_then_wait, race_app, race_database, race_world, run_racers
from tests.scratch_db import PG_URL

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

RACERS = 10
LIMIT = 5  # the shipped LOGIN_LIMIT_PER_ACCOUNT_ADDRESS and PASSWORD_LIMIT: 5 per 15 minutes
ADDRESS = "10.41.0.1"
WRONG_LOGIN = "手机号或密码不正确。"
WRONG_CURRENT = "当前密码不正确。"
REFUSED = "429"


def _world(url: str) -> int:
    """A member whose password is hashed as production hashes it (scrypt's default
    cost): each check takes the time a real one does."""
    from werkzeug.security import generate_password_hash

    from tests import factories as f
    from tracker.extensions import db

    with race_world(url) as (_app, unit, _item, _liaison):
        member = f.member(unit, name="张三")
        member.password_hash = generate_password_hash(f.PASSWORD, method="scrypt")
        db.session.commit()
        return member.id


def _guess(url: str, storage: str, member_id: int, what: str, barrier, results) -> None:
    """Child: one wrong password for the member — a login from ADDRESS, or 修改密码's
    当前密码 once logged in — sent to an app of its own (a worker); its answer."""
    import traceback

    outcome = {"answer": None, "errors": []}
    try:
        from tests import factories as f
        from tracker.extensions import db
        from tracker.models import Member

        app = race_app(url)
        app.config.update(RATELIMIT_STORAGE_URI=storage)  # not yet enabled: the sign-in
        client = app.test_client()
        where = {"REMOTE_ADDR": ADDRESS}
        with app.app_context():
            phone = db.session.get(Member, member_id).phone
            if what == "login":
                path, data = "/auth/login", {"phone": phone, "password": "wrong-guess-1"}
            else:
                signed_in = client.post("/auth/login", data={"phone": phone, "password": f.PASSWORD},
                                        environ_base=where)
                assert signed_in.status_code == 302, signed_in.status_code
                path, data = "/auth/password", {"current": "wrong-guess-1",
                                                "new_password": "Qingshan-River-41",
                                                "confirm": "Qingshan-River-41"}
            app.config["RATELIMIT_ENABLED"] = True
            connect_then_wait(barrier)
            response = client.post(path, data=data, environ_base=where)
            text = response.get_data(as_text=True)
            outcome["answer"] = (REFUSED if response.status_code == 429 else
                                 next((m for m in (WRONG_LOGIN, WRONG_CURRENT) if m in text),
                                      str(response.status_code)))
            db.session.remove()
            db.engine.dispose()
    except Exception:  # noqa: BLE001 — reported to the test
        outcome["errors"].append(traceback.format_exc())
    results.put(outcome)


def _burst(url: str, storage: str, member_id: int, what: str) -> list[str]:
    outcomes = run_racers(_guess, [(url, storage, member_id, what)] * RACERS)
    assert [e for o in outcomes for e in o["errors"]] == []
    return sorted(o["answer"] for o in outcomes)


def _audited(url: str, action: str) -> int:
    from tracker.extensions import db
    from tracker.models import AuditEvent

    app = race_app(url)
    with app.app_context():
        n = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))
        db.session.remove()
        db.engine.dispose()
        return n


def test_a_burst_of_wrong_passwords_gets_no_more_checks_than_the_login_limit(tmp_path, storage):
    with race_database("postgresql", tmp_path, "loginburst") as url:
        member_id = _world(url)
        answers = _burst(url, storage, member_id, "login")
        assert answers == sorted([WRONG_LOGIN] * LIMIT + [REFUSED] * (RACERS - LIMIT)), answers
        assert _audited(url, "login_failed") == LIMIT


def test_a_burst_of_wrong_current_passwords_gets_no_more_checks_than_the_password_limit(
        tmp_path, storage):
    with race_database("postgresql", tmp_path, "passwordburst") as url:
        member_id = _world(url)
        answers = _burst(url, storage, member_id, "password")
        assert answers == sorted([WRONG_CURRENT] * LIMIT + [REFUSED] * (RACERS - LIMIT)), answers
        assert _audited(url, "change_password_failed") == LIMIT
