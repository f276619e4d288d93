"""我的个人信息's full download (/me/data.json) reads the member's whole history: it is
limited per member (EXPORT_LIMIT, 10 an hour by default; review "surface", finding 3),
counted in the shared throttle so that every worker and app server counts together."""
import pytest

from tests import factories as f
from tests.security.test_limits import second_instance

LIMIT = 10  # the shipped EXPORT_LIMIT: "10 per hour"


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True}


def sign_in(client, member):
    from tracker.extensions import db

    phone = member.phone
    db.session.rollback()  # this test holds no lock while the other app writes (SQLite)
    response = client.post("/auth/login", data={"phone": phone, "password": f.PASSWORD})
    assert response.status_code == 302


def test_the_export_past_the_limit_is_refused_in_chinese(app, client, login, world):
    login(world.member)
    other = second_instance(app).test_client()  # another worker on the same database
    sign_in(other, world.member)
    codes = [(client if n % 2 else other).get("/me/data.json").status_code
             for n in range(LIMIT)]
    assert codes == [200] * LIMIT
    refused = client.get("/me/data.json")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert "下载过于频繁，请稍后再试。" in refused.get_data(as_text=True)
    assert other.get("/me/data.json").status_code == 429
    # the limit is the member's own: another member still downloads
    mine = second_instance(app).test_client()
    sign_in(mine, world.other_member)
    assert mine.get("/me/data.json").status_code == 200


def test_the_page_wechat_shows_instead_of_the_file_is_no_export(client, login, world):
    """Review walk3, #4: inside WeChat the download is a page saying what the file holds;
    it reads no record, so viewing it (as often as a member taps) uses none of the
    member's exports, and the file opened in the phone's browser afterwards is the one
    export it is."""
    from tests.reports.test_wechat_downloads import PHONE_BROWSER, WECHAT_ANDROID

    login(world.member)
    for _ in range(LIMIT + 2):
        assert client.get("/me/data.json", headers={"User-Agent": WECHAT_ANDROID}
                          ).status_code == 200
    codes = [client.get("/me/data.json", headers={"User-Agent": PHONE_BROWSER}).status_code
             for _ in range(LIMIT + 1)]
    assert codes == [200] * LIMIT + [429]
