"""The 年度总结's 定稿 and 重新打开 buttons carry their CSRF token (the rest of the suite
runs without CSRF): a POST without one is refused and signs nothing."""
import re

import pytest
from flask import g
from sqlalchemy import func, select

from tests.factories import PASSWORD
from tracker.extensions import db
from tracker.models import YearCopy


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def token_of(page: str, action: str) -> str:
    form = re.search(r'<form method="post" action="' + re.escape(action) + r'".*?</form>',
                     page, re.S).group(0)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)


def test_finalise_and_reopen_the_year_with_their_tokens(client, october):
    login_page = client.get("/auth/login").get_data(as_text=True)
    login_token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
    client.post("/auth/login", data={"phone": october.admin.phone, "password": PASSWORD,
                                     "csrf_token": login_token})
    g.pop("csrf_token", None)  # the login started a fresh session (see test_funds_csrf)
    query = f"unit={october.unit.id}&amp;year=2022"
    url = f"/reports/annual?unit={october.unit.id}&year=2022"
    page = client.get(url).get_data(as_text=True)
    finalize = f"/reports/annual/finalize?{query}"
    notes = f"/reports/annual/notes?{query}"  # 定稿 is the notes form's second button
    assert f'formaction="{finalize}"' in page
    shown = re.search(r'name="shown"[^>]*value="([^"]*)"',
                      page[page.index(f'action="{notes}"'):]).group(1)
    post_url = finalize.replace("&amp;", "&")
    sent = {"shown": shown, "confirmed": "1"}
    assert client.post(post_url, data=sent).status_code == 400  # no token
    assert db.session.scalar(select(func.count()).select_from(YearCopy)) == 0
    assert client.post(post_url, data={**sent, "csrf_token": token_of(page, notes)}
                       ).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(YearCopy)) == 1

    page = client.get(url).get_data(as_text=True)
    reopen = f"/reports/annual/reopen?{query}"
    assert client.post(reopen.replace("&amp;", "&")).status_code == 400
    assert client.post(reopen.replace("&amp;", "&"),
                       data={"csrf_token": token_of(page, reopen)}).status_code == 302
    assert db.session.scalar(select(YearCopy.reopened_at)) is not None
