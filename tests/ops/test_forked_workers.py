"""Workers forked from a process that has used the database (gunicorn's preload_app,
deploy/gunicorn.conf.py): each starts with connection pools of its own, never with a
socket the parent holds."""
from __future__ import annotations

import os

from sqlalchemy import text

from tracker.extensions import db


def _in_a_child(probe) -> str:
    """``probe()``'s answer, computed in a forked child process."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer through the pipe, then leave at once
        os.close(read)
        try:
            answer = str(probe())
        except BaseException as error:  # noqa: BLE001 — reported to the parent
            answer = f"error: {error!r}"
        os.write(write, answer.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        answer = pipe.read()
    os.waitpid(pid, 0)
    return answer


def test_a_forked_worker_does_not_inherit_the_parents_pooled_connections(app):
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    parents = db.engine.pool.checkedin()
    assert parents >= 1, "the parent's connection went back to its pool"

    assert _in_a_child(lambda: db.engine.pool.checkedin()) == "0"
    # and the parent keeps its own
    assert db.engine.pool.checkedin() == parents


def test_a_forked_worker_reads_the_database_on_a_connection_of_its_own(app):
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))

    def read_through_a_new_connection():
        with db.engine.connect() as connection:
            return connection.execute(text("SELECT 40 + 2")).scalar_one()

    assert _in_a_child(read_through_a_new_connection) == "42"
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar_one() == 1
