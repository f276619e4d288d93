"""The ledger's forms carry their CSRF token (the rest of the suite runs without CSRF)."""
import re

import pytest
from flask import g
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import FundEntry
from tracker.timeutil import local_today

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
YEAR = TODAY.year


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def tokens(page: str) -> list[str]:
    return re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', page)


def test_entry_and_reversal_with_tokens(client, world):
    from tests.factories import PASSWORD

    login_page = client.get("/auth/login").get_data(as_text=True)
    client.post("/auth/login", data={"phone": world.liaison.phone, "password": PASSWORD,
                                     "csrf_token": tokens(login_page)[0]})
    # The test keeps one app context open, so Flask-WTF's per-request cache of the token
    # (flask.g) would outlive the login, which starts a fresh session: forget it.
    g.pop("csrf_token", None)
    url = f"/funds/{world.unit.id}/{world.community.id}/{YEAR}"
    page = client.get(url).get_data(as_text=True)
    data = {"entry_date": local_today().isoformat(), "amount": "88", "purpose": "购买"}
    assert client.post(url + "/entries", data=data).status_code == 400  # no token
    assert client.post(url + "/entries", data=data | {"csrf_token": tokens(page)[0]}).status_code == 302
    entry = db.session.scalar(select(FundEntry))
    page = client.get(url).get_data(as_text=True)
    reverse = re.search(r'action="(/funds/entries/\d+/reverse)"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)"',
                        page)
    assert reverse and reverse.group(1) == f"/funds/entries/{entry.id}/reverse"
    assert client.post(reverse.group(1), data={"csrf_token": reverse.group(2), "reason": "录错",
                                               "confirmed": "1"}).status_code == 302
    assert db.session.scalar(select(FundEntry).where(FundEntry.reverses_id == entry.id)) is not None
