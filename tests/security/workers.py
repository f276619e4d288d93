"""Another app instance in another process — what a second gunicorn worker or app server
is: its own app, its own memory, the same database (and Redis, when configured)."""
from __future__ import annotations

import queue

import pytest

from tests import races

FORWARDED = ("SQLALCHEMY_DATABASE_URI", "WTF_CSRF_ENABLED", "SERVER_NAME",
             "PASSWORD_HASH_METHOD", "RATELIMIT_ENABLED", "RATELIMIT_STORAGE_URI")


def _failed_logins(config: dict, phone: str, address: str, times: int, results) -> None:
    from tracker import create_app

    app = create_app({"TESTING": True, **config})
    client = app.test_client()
    with app.app_context():
        codes = [client.post("/auth/login", data={"phone": phone, "password": "wrong-password-1"},
                             environ_base={"REMOTE_ADDR": address}).status_code
                 for _ in range(times)]
    results.put(codes)


def failed_logins_elsewhere(app, phone: str, address: str, times: int, **config) -> list[int]:
    """``times`` wrong passwords for ``phone`` from ``address``, sent to an app instance in
    another process; the status codes it answered."""
    from tracker.extensions import db

    db.session.rollback()  # this process holds no lock while the other one writes
    settings = {**{key: app.config[key] for key in FORWARDED}, **config}
    ctx = races.process_context()
    results = ctx.Queue()
    worker = ctx.Process(target=_failed_logins, args=(settings, phone, address, times, results))
    worker.start()
    try:
        return results.get(timeout=180)
    except queue.Empty:
        pytest.fail("the other app instance did not answer")
    finally:
        worker.join(timeout=60)
        if worker.is_alive():
            worker.kill()
