"""Permission matrix rows for invitation links (blueprint ``invites``).

Making links: liaisons and admins (whom for is the service's rule, tested in
tests/invites). Opening a link: anyone who has it, logged in or not — except the staff
member who made it, in their own session (the link below is the admin's).
"""
import pytest

from tests.web.matrix import FORBIDDEN, HIDDEN, OK, Route, cases_for, check, everyone
from tracker.extensions import db
from tracker.services.invitations import issue_links

STAFF_ANY = {"liaison": OK, "other_liaison": OK, "admin": OK}


def _token(w) -> str:
    if not hasattr(w, "_invite_token"):
        [link] = issue_links(w.admin, [w.other_member])
        db.session.commit()
        w._invite_token = link.token
    return w._invite_token


CASES = [
    Route("invites.manage", "GET", lambda w: "/invite/manage", STAFF_ANY, id="manage"),
    Route("invites.manage", "GET", lambda w: "/invite/manage?unit=x&status=zz&page=-1",
          STAFF_ANY, id="manage-odd-filters"),
    # Ticking `member`: liaisons of both communities reach the unit; the refusal of an
    # empty or foreign selection is tested in tests/invites.
    Route("invites.manage", "POST", lambda w: "/invite/manage?status=all", STAFF_ANY,
          data=lambda w: {"members": [str(w.member.id)]}, id="issue"),
    Route("invites.accept", "GET", lambda w: f"/invite/{_token(w)}",
          everyone(anonymous=OK, admin=FORBIDDEN), id="open"),
    # Mismatched passwords: the form comes back, the link stays unused.
    Route("invites.accept", "POST", lambda w: f"/invite/{_token(w)}",
          everyone(anonymous=OK, admin=FORBIDDEN),
          data={"new_password": "Hongqi-Piaopiao-88", "confirm": "different-1"}, id="set"),
    # An unknown link is a 404 for everyone, anonymous included.
    Route("invites.accept", "GET", lambda w: "/invite/no-such-token",
          everyone(HIDDEN, anonymous=HIDDEN), id="open-unknown"),

]


@pytest.mark.parametrize(**cases_for(CASES))
def test_invite_permissions(client, login, route_world, route, actor):
    check(client, login, route_world, route, actor)
