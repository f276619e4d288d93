"""Permission matrix rows for the landing page, health check and auth routes."""
import pytest
from sqlalchemy import text

from tests.web.matrix import HIDDEN, LOGIN, OK, Route, cases_for, check, everyone



def _schema_at_head(_world) -> None:
    """The test schema comes from create_all(): record it as migrated, as `db upgrade` would."""
    from tracker.extensions import db
    from tracker.ops.schema import head_revisions

    db.session.execute(text("CREATE TABLE IF NOT EXISTS alembic_version "
                            "(version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
    db.session.execute(text("DELETE FROM alembic_version"))
    for revision in head_revisions():
        db.session.execute(text("INSERT INTO alembic_version VALUES (:r)"), {"r": revision})
    db.session.commit()

def _member_session(w) -> int:
    """A login session of ``member`` (from another phone), made once per world."""
    if not hasattr(w, "_session_id"):
        from tracker.extensions import db
        from tracker.models import LoginSession
        from tracker.services.sessions import begin_session
        from tracker.tokens import hash_token

        token = begin_session(w.member, device="Android · 微信", remembered=True, address=None)
        db.session.commit()
        w._session_id = db.session.scalar(db.select(LoginSession.id).where(
            LoginSession.token_hash == hash_token(token)))
    return w._session_id


CASES = [
    Route("main.index", "GET", lambda w: "/", everyone(), id="index"),
    Route("main.healthz", "GET", lambda w: "/healthz", everyone(anonymous=OK)),
    Route("main.readyz", "GET", lambda w: "/readyz", everyone(anonymous=OK),
          setup=_schema_at_head,
          snapshot_setup=False),
    Route("main.too_large", "GET", lambda w: "/errors/too-large", everyone(anonymous=OK)),
    # Asked for by the browser (and the home screen) before anyone has logged in.
    Route("main.favicon", "GET", lambda w: "/favicon.ico", everyone(anonymous=OK)),
    Route("main.manifest", "GET", lambda w: "/manifest.webmanifest", everyone(anonymous=OK)),
    Route("auth.login", "GET", lambda w: "/auth/login", everyone(anonymous=OK)),
    Route("auth.login", "POST", lambda w: "/auth/login", everyone(anonymous=OK),
          data={"phone": "13900000000", "password": "wrong-password"}),
    # Logging out sends everyone to the login page.
    Route("auth.logout", "POST", lambda w: "/auth/logout", everyone(LOGIN)),
    Route("auth.logout_everywhere", "POST", lambda w: "/auth/logout-everywhere", everyone(LOGIN)),
    Route("auth.sessions", "GET", lambda w: "/auth/sessions", everyone()),
    # Only the member whose session it is may end it; for anyone else it does not exist.
    Route("auth.end_session", "POST", lambda w: f"/auth/sessions/{_member_session(w)}/end",
          {"member": OK}, default=HIDDEN),

    Route("auth.password", "GET", lambda w: "/auth/password", everyone()),
    Route("auth.password", "POST", lambda w: "/auth/password", everyone(),
          data={"current": "x", "new_password": "y", "confirm": "z"}),
]


@pytest.mark.parametrize(**cases_for(CASES))
def test_core_permissions(client, login, route_world, route, actor):
    check(client, login, route_world, route, actor)
