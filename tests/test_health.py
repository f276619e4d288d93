"""GET /healthz (liveness): 200 with JSON while the process answers — also when the
database does not (that is /readyz's 503, tests/ops/test_readyz.py): a watchdog pointed
at it must not restart healthy app servers during a database outage."""
from tracker import create_app


def test_health_says_the_process_is_alive(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json() == {"status": "ok"}


def test_health_needs_no_login_and_sets_no_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_the_process_is_alive_while_the_sqlite_file_cannot_be_opened(tmp_path):
    # A SQLite file in a directory that does not exist cannot be opened.
    missing = tmp_path / "no-such-dir" / "tracker.sqlite3"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert app.test_client().get("/readyz").status_code == 503  # not ready, though


def test_the_process_is_alive_while_postgres_does_not_answer():
    # Nothing listens on port 1; the connection would be refused at once.
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "connect_args": {"connect_timeout": 3}},
    })
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
