"""Two gunicorn instances (2 workers each) on one PostgreSQL behind one nginx upstream,
sharing Redis for the login limits — started for real (tests/deploy/conftest.py)."""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, text

from tests.deploy.conftest import PASSWORD
from tests.deploy.servers import wait_until

# The tests' certificate is self-signed (and not checked: see conftest.Visitor).
pytestmark = [pytest.mark.deploy,
              pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")]


def new_task(stack, slots: int) -> int:
    """An upcoming task of the test world's checklist item, created by its liaison."""
    from tests import factories as f
    from tracker import create_app
    from tracker.extensions import db
    from tracker.models import Member, ResourceItem

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": stack.db_url})
    with app.test_request_context("/"):
        item = db.session.get(ResourceItem, stack.world["item"])
        task = f.task(item, db.session.get(Member, stack.world["liaison_id"]), slots=slots,
                      title=f"{slots}个名额的活动")
        db.session.commit()
        task_id = task.id
        db.session.remove()
        db.engine.dispose()
    return task_id


def _scalar(stack, sql: str, **params):
    engine = create_engine(stack.db_url)
    try:
        with engine.connect() as conn:
            return conn.scalar(text(sql), params)
    finally:
        engine.dispose()


def _claim_lines(stack, task_id: int) -> dict:
    return {name: len(re.findall(rf'"POST /tasks/{task_id}/claim HTTP', server.log.read_text()))
            for name, (server, _port) in stack.instances.items()}


def test_the_last_slots_go_to_exactly_that_many_members_across_both_instances(stack, visitor):
    slots, racers = 5, 24
    task_id = new_task(stack, slots=slots)
    phones = stack.world["members"][:racers]
    people = []
    for phone in phones:
        v = visitor()
        assert v.login(phone).status_code == 302
        people.append((v, v.csrf(path=f"/tasks/{task_id}")))

    def claim(person):
        v, token = person
        return v.post(f"/tasks/{task_id}/claim", {"csrf_token": token}).status_code

    with ThreadPoolExecutor(max_workers=racers) as pool:
        statuses = list(pool.map(claim, people))

    assert [s for s in statuses if s >= 500] == []
    assert all(s == 302 for s in statuses), statuses
    assert _scalar(stack, "SELECT taken FROM task WHERE id = :t", t=task_id) == slots
    holding = _scalar(stack, "SELECT count(*) FROM assignment WHERE task_id = :t "
                             "AND status = 'claimed'", t=task_id)
    assert holding == slots  # exactly the free slots, none over-booked
    lines = _claim_lines(stack, task_id)
    assert lines["a"] > 0 and lines["b"] > 0, lines  # both instances took part
    assert lines["a"] + lines["b"] == racers


def test_a_session_works_on_either_instance(stack, visitor):
    v = visitor()
    assert v.login(stack.world["members"][30], base=stack.direct("a")).status_code == 302
    for name in ("b", "a", "b", "a"):
        page = v.get("/tasks/", base=stack.direct(name))
        assert page.status_code == 200, (name, page.headers.get("Location"))
    # A form made by one instance is accepted by the other (same key, same session).
    token = v.csrf(base=stack.direct("a"), path="/auth/password")
    answer = v.post("/auth/password", {"csrf_token": token, "current": "wrong-password",
                                        "new_password": "Xin-Mima-2026", "confirm": "Xin-Mima-2026"},
                    base=stack.direct("b"))
    assert answer.status_code == 200 and "当前密码不正确" in answer.text


def test_a_password_change_ends_the_other_sessions_on_both_instances(stack, visitor):
    phone = stack.world["members"][31]
    changer, other = visitor(), visitor()
    assert changer.login(phone, base=stack.direct("a")).status_code == 302
    assert other.login(phone, base=stack.direct("b")).status_code == 302
    token = changer.csrf(path="/auth/password")
    new = "Xin-Mima-2026"
    changed = changer.post("/auth/password", {"csrf_token": token, "current": PASSWORD,
                                              "new_password": new, "confirm": new},
                           base=stack.direct("b"))
    assert changed.status_code == 302
    for name in ("a", "b"):
        ended = other.get("/tasks/", base=stack.direct(name))
        assert ended.status_code == 302 and "/auth/login" in ended.headers["Location"], name
        assert changer.get("/tasks/", base=stack.direct(name)).status_code == 200, name


def test_five_wrong_passwords_over_both_instances_lock_the_account(stack, visitor):
    phone = stack.world["members"][32]
    for attempt, name in enumerate(("a", "b", "a", "b", "a"), 1):
        wrong = visitor(stack.direct(name)).login(phone, "wrong-password")
        assert wrong.status_code == 200, (attempt, name, wrong.status_code)
    for name in ("b", "a"):
        assert visitor(stack.direct(name)).login(phone, "wrong-password").status_code == 429
        # Locked: the right password waits too.
        assert visitor(stack.direct(name)).login(phone, PASSWORD).status_code == 429


def test_with_redis_down_the_right_password_still_logs_in(stack, visitor):
    """A dead Redis must not lock a county out: the counts fall back to the database
    and a warning is logged; Redis is used again once it is back."""
    stack.stop_redis()
    try:
        for name in ("a", "b"):
            answer = visitor(stack.direct(name)).login(stack.world["members"][33])
            assert answer.status_code == 302, (name, answer.status_code, answer.text[:300])
            server = stack.instances[name][0]
            wait_until(lambda: "Redis unreachable" in server.log.read_text(errors="replace"),
                       f"the warning in instance {name}'s log")
    finally:
        stack.start_redis()
