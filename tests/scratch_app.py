"""The application, and a plain engine, on a database of a test's own (tests/scratch_db.py:
a migration's, an upgrade's, a backup's) — opened, used, and closed again before the
test goes on.

Closed means no connection is left open: a migration run next (``flask db upgrade`` or
``downgrade``, in a process of its own) would wait on PostgreSQL for any connection
still holding the tables it alters, and the database could not be dropped afterwards.
So on leaving, ``app_on``/``inside`` remove the session and dispose of the app's
engine, and ``engine_on`` disposes of its engine. Nothing is committed here: a test
commits what it writes itself.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import Engine, create_engine

from tracker import create_app
from tracker.extensions import db


def scratch_app(url: str, **config) -> Flask:
    """A testing application on the database at ``url`` (``config``: more settings)."""
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, **config})


@contextmanager
def inside(app: Flask, *, request: bool = False) -> Iterator[Flask]:
    """Run the block in ``app``'s application context — a request's (``/``) with
    ``request=True``, for code that reads one — then remove the session and dispose of
    the engine, so that none of its connections stays open."""
    with app.test_request_context("/") if request else app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


@contextmanager
def app_on(url: str, *, request: bool = False, **config) -> Iterator[Flask]:
    """``inside(scratch_app(url, **config))``: the application on ``url``, in its
    context for the block, its connections closed afterwards."""
    with inside(scratch_app(url, **config), request=request) as app:
        yield app


@contextmanager
def engine_on(url: str) -> Iterator[Engine]:
    """A plain SQLAlchemy engine on ``url`` (no application: as an operator's client
    would connect), disposed of afterwards."""
    engine = create_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
