"""GET /healthz: 200 with JSON when the database answers, 503 with JSON when it does not."""
from tracker import create_app


def test_health_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json()["database"] == "ok"


def test_health_needs_no_login_and_sets_no_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_health_reports_unreachable_database_with_503(tmp_path):
    # A SQLite file in a directory that does not exist cannot be opened.
    missing = tmp_path / "no-such-dir" / "tracker.sqlite3"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.is_json
    body = response.get_json()
    assert body["database"] != "ok"
    assert body["status"] != "ok"


def test_health_reports_unreachable_postgres_with_503():
    # Nothing listens on port 1; the connection is refused at once.
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "connect_args": {"connect_timeout": 3}},
    })
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] != "ok"
